# Run after the antlr4 tool (CMakeLists.txt): makes the static initializers of the generated
# PolLexer.cpp and PolParser.cpp load their ATN with pol_grammar::load_atn (grammar/pol_atn_loader.hpp),
# which gives the same ATN without the quadratic cost of the runtime's IntervalSet::add on IDENT's
# Unicode sets. A tool that writes other code is left alone, with a warning: the parser still works,
# only its start is slower.
#   cmake -DPOL_GENERATED_DIR=... -P cmake/patch_generated_parser.cmake
foreach(name PolLexer PolParser)
  set(file ${POL_GENERATED_DIR}/${name}.cpp)
  file(READ ${file} text)
  set(call "  atn::ATNDeserializer deserializer;\n  _atn = deserializer.deserialize(_serializedATN);")
  set(include "#include \"${name}.h\"\n")
  string(FIND "${text}" "${call}" at_call)
  string(FIND "${text}" "${include}" at_include)
  if(at_call EQUAL -1 OR at_include EQUAL -1)
    message(WARNING "${file}: not the code of antlr4 4.7.2; its ATN is deserialized as generated")
    continue()
  endif()
  string(REPLACE "${call}" "  _atn = pol_grammar::load_atn(_serializedATN);" text "${text}")
  string(REPLACE "${include}" "${include}#include \"pol_atn_loader.hpp\"\n" text "${text}")
  file(WRITE ${file} "${text}")
endforeach()
