// pol._pol: the pybind11 extension behind the Python package `pol` (bindings/python/pol/).
//
// Household dicts are turned into pol::Record with the GIL held, evaluated with the GIL released,
// and the outcomes turned back into Python values: numbers as decimal.Decimal built from their
// exact text, integers as int, booleans as bool, dates as datetime.date, enumerations, texts and
// periods as str, series as {period label: value}. Binary floating point is refused everywhere.
// The exception classes (CompileError, EvaluationError, RecordError, InputTypeError) are defined
// in Python (pol/_errors.py) and created here.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pol/date.hpp"
#include "pol/decimal.hpp"
#include "pol/diagnostic.hpp"
#include "pol/period.hpp"
#include "pol/policy.hpp"
#include "pol/value.hpp"

namespace py = pybind11;

namespace {

// Records are converted and evaluated in chunks of this many, so that evaluate_many streams over
// any iterable and the GIL is released for each chunk.
constexpr std::size_t kChunk = 2048;

py::object errors_module() { return py::module_::import("pol._errors"); }
py::object decimal_class() { return py::module_::import("decimal").attr("Decimal"); }
py::object date_class() { return py::module_::import("datetime").attr("date"); }
py::object datetime_class() { return py::module_::import("datetime").attr("datetime"); }

// The classes used on every value, looked up once per call into the module.
struct PyClasses {
  py::object decimal = decimal_class();
  py::object date = date_class();
  py::object datetime = datetime_class();
};

// A problem with one record's data: becomes pol.RecordError (or pol.InputTypeError, a TypeError).
struct RecordProblem {
  std::string field;
  std::string message;
  bool type_error = false;
};

std::string py_type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

// The text of a decimal.Decimal in plain notation (no exponent), or a problem.
std::string decimal_text(py::handle value, const std::string& field) {
  if (!value.attr("is_finite")().cast<bool>())
    throw RecordProblem{field, "decimal.Decimal " + std::string(py::str(value)) + " is not a finite number", false};
  return py::str(py::module_::import("builtins").attr("format")(value, "f"));
}

pol::Decimal parse_decimal_or_throw(const std::string& text, const std::string& field) {
  auto d = pol::Decimal::parse(text);
  if (!d) throw RecordProblem{field, "the number " + text + " is out of range", false};
  return *d;
}

[[noreturn]] void refuse_float(const std::string& field) {
  throw RecordProblem{field,
                      "float values are refused: binary floating point cannot hold policy values exactly; "
                      "pass a str such as \"350.00\" or \"5%\", a decimal.Decimal, or an int",
                      true};
}

pol::Value convert_scalar(const pol::Policy& policy, const pol::Type& type, py::handle value,
                          const std::string& field, const PyClasses& cls);

pol::Value convert_value(const pol::Policy& policy, const pol::Type& type, py::handle value,
                         const std::string& field, const PyClasses& cls) {
  if (!type.is_series()) return convert_scalar(policy, type, value, field, cls);
  if (!py::isinstance<py::dict>(value))
    throw RecordProblem{field,
                        "a series (" + pol::type_name(type, policy.enums()) + ") is given as a dict {period label: value}, not " +
                            py_type_name(value),
                        true};
  pol::SeriesValues values;
  pol::Type element = type.element();
  for (auto item : py::reinterpret_borrow<py::dict>(value)) {
    if (!py::isinstance<py::str>(item.first))
      throw RecordProblem{field, "a series' keys are period labels (str) such as \"2026-Q1\", not " + py_type_name(item.first), true};
    std::string label = item.first.cast<std::string>();
    std::string element_field = field + "[" + label + "]";
    auto index = pol::parse_period(type.period, label);
    if (!index)
      throw RecordProblem{element_field,
                          "\"" + label + "\" is not a " + pol::period_kind_name(type.period) + " label" +
                              (type.period == pol::PeriodKind::Week      ? " (like 2026-W09)"
                               : type.period == pol::PeriodKind::Month   ? " (like 2026-03)"
                               : type.period == pol::PeriodKind::Quarter ? " (like 2026-Q1)"
                                                                         : " (like 2026)"),
                          false};
    if (item.second.is_none()) continue;
    values[*index] = convert_scalar(policy, element, item.second, element_field, cls);
  }
  return pol::Value::of_series(std::move(values));
}

pol::Value parse_text(const pol::Policy& policy, const pol::Type& type, const std::string& text, const std::string& field) {
  std::string expected;
  auto parsed = pol::parse_value(type, text, policy.enums(), &expected);
  if (!parsed)
    throw RecordProblem{field, "\"" + text + "\" is not a valid " + pol::type_name(type, policy.enums()) +
                                   (expected.empty() ? "" : ": expected " + expected),
                        false};
  return *parsed;
}

pol::Value convert_scalar(const pol::Policy& policy, const pol::Type& type, py::handle value,
                          const std::string& field, const PyClasses& cls) {
  const std::string type_text = pol::type_name(type, policy.enums());
  if (py::isinstance<py::float_>(value)) refuse_float(field);
  if (py::isinstance<py::str>(value)) return parse_text(policy, type, value.cast<std::string>(), field);
  auto wrong = [&]() -> RecordProblem {
    return RecordProblem{field, "a " + type_text + " cannot be given as " + py_type_name(value) + " (" +
                                    std::string(py::repr(value)) + ")",
                         true};
  };
  switch (type.kind) {
    case pol::TypeKind::Boolean:
      if (py::isinstance<py::bool_>(value)) return pol::Value::of_bool(value.cast<bool>());
      throw wrong();
    case pol::TypeKind::Integer:
    case pol::TypeKind::Decimal:
    case pol::TypeKind::Money:
    case pol::TypeKind::Rate: {
      if (py::isinstance<py::bool_>(value)) throw wrong();
      pol::Decimal number;
      if (py::isinstance<py::int_>(value)) {
        number = parse_decimal_or_throw(py::str(value), field);
      } else if (py::isinstance(value, cls.decimal)) {
        number = parse_decimal_or_throw(decimal_text(value, field), field);
      } else {
        throw wrong();
      }
      if (type.kind == pol::TypeKind::Integer) {
        if (!number.is_integer())
          throw RecordProblem{field, std::string(py::str(value)) + " is not a whole number (the input is an integer)", false};
        if (number.scale() != 0) number = number.round_places(0, pol::RoundingMode::HalfEven);  // 3.00 -> 3, exact
      }
      return pol::Value::of_number(std::move(number));
    }
    case pol::TypeKind::Date: {
      if (py::isinstance(value, cls.datetime))
        throw RecordProblem{field, "a date is given as datetime.date or \"YYYY-MM-DD\", not datetime.datetime", true};
      if (py::isinstance(value, cls.date)) {
        auto d = pol::Date::from_ymd(value.attr("year").cast<int>(), value.attr("month").cast<unsigned>(),
                                     value.attr("day").cast<unsigned>());
        if (!d) throw RecordProblem{field, "the date " + std::string(py::str(value)) + " is out of range", false};
        return pol::Value::of_date(*d);
      }
      throw wrong();
    }
    case pol::TypeKind::Text:
    case pol::TypeKind::Enum:
    case pol::TypeKind::Period:
      throw wrong();
  }
  throw wrong();
}

// Fills `out` (shaped by Policy::empty_record(entity)) from a dict of inputs and collections.
// `skip_keys` are keys handled by the caller (the record's id and as_of).
void convert_entity(const pol::Policy& policy, int entity, py::handle dict, const std::string& prefix,
                    pol::EntityRecord& out, const PyClasses& cls, bool root) {
  if (!py::isinstance<py::dict>(dict))
    throw RecordProblem{prefix, "expected a dict of inputs, not " + py_type_name(dict), true};
  const pol::EntitySchema& schema = policy.entities()[static_cast<std::size_t>(entity)];
  for (auto item : py::reinterpret_borrow<py::dict>(dict)) {
    if (!py::isinstance<py::str>(item.first))
      throw RecordProblem{prefix, "input names are str, not " + py_type_name(item.first), true};
    std::string key = item.first.cast<std::string>();
    std::string field = prefix.empty() ? key : prefix + "." + key;
    int input = schema.input_index(key);
    if (input >= 0) {
      if (item.second.is_none()) continue;  // not given: its default applies, if any
      out.inputs[static_cast<std::size_t>(input)] =
          convert_value(policy, schema.inputs[static_cast<std::size_t>(input)].type, item.second, field, cls);
      continue;
    }
    int collection = schema.collection_index(key);
    if (collection >= 0) {
      if (item.second.is_none()) continue;
      if (py::isinstance<py::str>(item.second) || py::isinstance<py::dict>(item.second) ||
          !py::hasattr(item.second, "__iter__"))
        throw RecordProblem{field, "the members of " + key + " are given as a list of dicts, not " + py_type_name(item.second), true};
      int member_entity = schema.collections[static_cast<std::size_t>(collection)].entity;
      auto& members = out.collections[static_cast<std::size_t>(collection)];
      std::size_t position = 0;
      for (auto member : item.second) {
        ++position;
        members.push_back(policy.empty_record(member_entity));
        convert_entity(policy, member_entity, member, field + "[" + std::to_string(position) + "]", members.back(), cls, false);
      }
      continue;
    }
    if (root && (key == "id" || key == "as_of")) continue;
    std::string known;
    for (const auto& i : schema.inputs) known += (known.empty() ? "" : ", ") + i.name;
    for (const auto& c : schema.collections) known += (known.empty() ? "" : ", ") + c.name;
    throw RecordProblem{field, schema.name + " has no input or collection named \"" + key + "\"" +
                                   (known.empty() ? "" : " (it has: " + known + ")"),
                        false};
  }
}

std::optional<pol::Date> convert_date(py::handle value, const char* what, const PyClasses& cls) {
  if (value.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(value)) {
    auto text = value.cast<std::string>();
    auto d = pol::Date::parse(text);
    if (!d) throw py::value_error(std::string(what) + ": \"" + text + "\" is not a date (YYYY-MM-DD)");
    return d;
  }
  if (py::isinstance(value, cls.datetime))
    throw py::type_error(std::string(what) + ": give a datetime.date or \"YYYY-MM-DD\", not datetime.datetime");
  if (py::isinstance(value, cls.date)) {
    auto d = pol::Date::from_ymd(value.attr("year").cast<int>(), value.attr("month").cast<unsigned>(),
                                 value.attr("day").cast<unsigned>());
    if (!d) throw py::value_error(std::string(what) + ": date out of range");
    return d;
  }
  throw py::type_error(std::string(what) + ": give a datetime.date or \"YYYY-MM-DD\", not " + py_type_name(value));
}

// A household dict as a Record. Throws RecordProblem.
pol::Record convert_record(const pol::Policy& policy, py::handle household, std::size_t position, const PyClasses& cls) {
  pol::Record record;
  record.root = policy.empty_record(policy.root_entity());
  record.source = "record " + std::to_string(position);
  if (!py::isinstance<py::dict>(household))
    throw RecordProblem{"", "a household is a dict of inputs, not " + py_type_name(household), true};
  const auto& root = policy.entities()[static_cast<std::size_t>(policy.root_entity())];
  auto dict = py::reinterpret_borrow<py::dict>(household);
  if (root.input_index("id") < 0 && root.collection_index("id") < 0 && dict.contains("id")) {
    py::object id = dict["id"];
    if (!id.is_none()) record.id = py::str(id);
  }
  if (root.input_index("as_of") < 0 && root.collection_index("as_of") < 0 && dict.contains("as_of")) {
    py::object as_of = dict["as_of"];
    if (py::isinstance<py::float_>(as_of)) refuse_float("as_of");
    try {
      record.as_of = convert_date(as_of, "as_of", cls);
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::type_error& e) {
      throw RecordProblem{"as_of", e.what(), true};
    } catch (const py::value_error& e) {
      throw RecordProblem{"as_of", e.what(), false};
    }
  }
  if (record.id.empty()) record.id = std::to_string(position);
  convert_entity(policy, policy.root_entity(), household, "", record.root, cls, true);
  return record;
}

// Raises a Python exception instance (one of the classes of pol/_errors.py).
[[noreturn]] void raise(const py::object& error) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  throw py::error_already_set();
}

py::object record_error(const std::string& record_id, const RecordProblem& problem) {
  py::object errors = errors_module();
  py::object cls = problem.type_error ? errors.attr("InputTypeError") : errors.attr("RecordError");
  return cls(record_id, problem.field, problem.message);
}

py::object to_python(const pol::Policy& policy, const pol::Type& type, const pol::Value& value, const PyClasses& cls) {
  if (type.is_series()) {
    py::dict out;
    pol::Type element = type.element();
    if (value.series)
      for (const auto& [index, v] : *value.series)
        out[py::str(pol::format_period(type.period, index))] = to_python(policy, element, v, cls);
    return out;
  }
  switch (type.kind) {
    case pol::TypeKind::Boolean: return py::bool_(value.as_bool());
    case pol::TypeKind::Integer: {
      if (auto i = value.number.to_int64()) return py::int_(*i);
      return py::int_(py::str(value.number.to_string()));
    }
    case pol::TypeKind::Decimal:
    case pol::TypeKind::Money:
    case pol::TypeKind::Rate:
      return cls.decimal(pol::format_value(type, value, policy.enums()));
    case pol::TypeKind::Date: {
      auto ymd = value.as_date().ymd();
      return cls.date(ymd.year, ymd.month, ymd.day);
    }
    case pol::TypeKind::Text:
    case pol::TypeKind::Enum:
    case pol::TypeKind::Period:
      return py::str(pol::format_value(type, value, policy.enums()));
  }
  return py::none();
}

py::object evaluation_error(const pol::Record& record, const pol::EvaluationError& error) {
  const auto& at = error.location;
  return errors_module().attr("EvaluationError")(record.id, error.message, error.rule, at.file,
                                                 at.begin.line, at.begin.column);
}

py::dict outcome_to_dict(const pol::Policy& policy, const pol::Outcome& outcome, const PyClasses& cls) {
  py::dict out;
  const auto& outputs = policy.outputs();
  bool has_member_outputs = false;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].entity != policy.root_entity()) {
      has_member_outputs = true;
      continue;
    }
    out[py::str(outputs[i].name)] = to_python(policy, outputs[i].type, outcome.outputs[i], cls);
  }
  if (has_member_outputs) {
    py::list members;
    for (const auto& member : outcome.members) {
      py::dict m;
      m["member"] = py::str(member.path);
      for (std::size_t i = 0; i < outputs.size(); ++i)
        if (outputs[i].entity == member.entity && i < member.outputs.size())
          m[py::str(outputs[i].name)] = to_python(policy, outputs[i].type, member.outputs[i], cls);
      members.append(std::move(m));
    }
    out["members"] = std::move(members);
  }
  return out;
}

class Program {
 public:
  Program(std::shared_ptr<const pol::Policy> policy, py::list warnings)
      : policy_(std::move(policy)), warnings_(std::move(warnings)) {}

  const pol::Policy& policy() const { return *policy_; }

  py::list warnings() const { return warnings_; }

  std::string title() const { return policy_->title(); }

  py::list outputs() const {
    py::list out;
    for (const auto& o : policy_->outputs()) {
      py::dict d;
      d["name"] = o.name;
      d["entity"] = policy_->entities()[static_cast<std::size_t>(o.entity)].name;
      d["type"] = pol::type_name(o.type, policy_->enums());
      d["citation"] = o.citation;
      out.append(std::move(d));
    }
    return out;
  }

  py::dict entity_schema(int entity) const {
    const auto& schema = policy_->entities()[static_cast<std::size_t>(entity)];
    py::dict inputs;
    for (const auto& input : schema.inputs) {
      py::dict d;
      d["type"] = pol::type_name(input.type, policy_->enums());
      d["has_default"] = input.has_default;
      if (input.type.kind == pol::TypeKind::Enum)
        d["values"] = policy_->enums()[static_cast<std::size_t>(input.type.enum_index)].values;
      inputs[py::str(input.name)] = std::move(d);
    }
    py::dict collections;
    for (const auto& c : schema.collections) collections[py::str(c.name)] = entity_schema(c.entity);
    py::dict out;
    out["entity"] = schema.name;
    out["inputs"] = std::move(inputs);
    out["collections"] = std::move(collections);
    return out;
  }

  py::dict inputs() const { return entity_schema(policy_->root_entity()); }

  py::object context_inputs() const {
    if (policy_->context_entity() < 0) return py::none();
    return entity_schema(policy_->context_entity());
  }

  pol::Evaluator make_evaluator(py::handle as_of, py::handle context, const PyClasses& cls) const {
    auto date = convert_date(as_of, "as_of", cls);
    if (!date) throw py::type_error("as_of: a date is required (datetime.date or \"YYYY-MM-DD\")");
    pol::Evaluator evaluator(*policy_, *date);
    if (!context.is_none()) {
      if (policy_->context_entity() < 0)
        throw py::value_error("context: this policy has no context { ... } block, so it takes no context data");
      pol::EntityRecord record = policy_->empty_record(policy_->context_entity());
      try {
        convert_entity(*policy_, policy_->context_entity(), context, "", record, cls, false);
      } catch (const RecordProblem& problem) {
        raise(record_error("context", problem));
      }
      evaluator.set_context(std::move(record));
    }
    return evaluator;
  }

  py::dict evaluate(py::handle household, py::handle as_of, py::handle context) const {
    PyClasses cls;
    pol::Evaluator evaluator = make_evaluator(as_of, context, cls);
    pol::Record record;
    try {
      record = convert_record(*policy_, household, 1, cls);
    } catch (const RecordProblem& problem) {
      std::string id;
      if (py::isinstance<py::dict>(household) && household.cast<py::dict>().contains("id"))
        id = py::str(household.cast<py::dict>()["id"]);
      raise(record_error(id, problem));
    }
    pol::Outcome outcome;
    {
      py::gil_scoped_release release;
      outcome = evaluator.evaluate(record);
    }
    if (!outcome.ok) {
      raise(evaluation_error(record, *outcome.error));
    }
    return outcome_to_dict(*policy_, outcome, cls);
  }

  py::list evaluate_many(py::iterable households, py::handle as_of, py::handle context) const {
    PyClasses cls;
    pol::Evaluator evaluator = make_evaluator(as_of, context, cls);
    py::list results;
    std::vector<pol::Record> records;
    std::vector<py::object> slots;        // per record of the chunk: an error, or None to evaluate
    std::vector<std::size_t> to_evaluate;  // positions in the chunk of the records to evaluate
    std::vector<pol::Outcome> outcomes;
    std::size_t position = 0;

    auto flush = [&]() {
      std::vector<pol::Record> batch;
      batch.reserve(to_evaluate.size());
      for (std::size_t i : to_evaluate) batch.push_back(std::move(records[i]));
      outcomes.resize(batch.size());
      {
        py::gil_scoped_release release;
        evaluator.evaluate_batch(batch, outcomes);
      }
      std::size_t next = 0;
      for (std::size_t i = 0; i < slots.size(); ++i) {
        if (!slots[i].is_none()) {
          results.append(slots[i]);
          continue;
        }
        const pol::Outcome& outcome = outcomes[next];
        const pol::Record& record = batch[next];
        ++next;
        if (outcome.ok) results.append(outcome_to_dict(*policy_, outcome, cls));
        else results.append(evaluation_error(record, *outcome.error));
      }
      records.clear();
      slots.clear();
      to_evaluate.clear();
    };

    for (auto household : households) {
      ++position;
      try {
        records.push_back(convert_record(*policy_, household, position, cls));
        to_evaluate.push_back(slots.size());
        slots.push_back(py::none());
      } catch (const RecordProblem& problem) {
        std::string id = std::to_string(position);
        if (py::isinstance<py::dict>(household) && household.cast<py::dict>().contains("id"))
          id = py::str(household.cast<py::dict>()["id"]);
        records.emplace_back();
        slots.push_back(record_error(id, problem));
      }
      if (slots.size() >= kChunk) flush();
    }
    if (!slots.empty()) flush();
    return results;
  }

 private:
  std::shared_ptr<const pol::Policy> policy_;
  py::list warnings_;
};

py::dict diagnostic_to_dict(const pol::Diagnostic& d) {
  py::dict out;
  out["code"] = d.code;
  out["severity"] = d.severity == pol::Severity::Error ? "error" : d.severity == pol::Severity::Warning ? "warning" : "note";
  out["file"] = d.range.file;
  out["line"] = d.range.begin.line;
  out["column"] = d.range.begin.column;
  out["end_line"] = d.range.end.line;
  out["end_column"] = d.range.end.column;
  out["message"] = d.message;
  out["hint"] = d.hint;
  return out;
}

Program finish_compilation(pol::Compilation compilation) {
  py::object errors = errors_module();
  py::list diagnostics;
  py::object diagnostic_class = errors.attr("Diagnostic");
  for (const auto& d : compilation.diagnostics) diagnostics.append(diagnostic_class(**diagnostic_to_dict(d)));
  if (!compilation.policy) {
    raise(errors.attr("CompileError")(pol::render_all(compilation.diagnostics, compilation.sources), diagnostics));
  }
  return Program(std::move(compilation.policy), std::move(diagnostics));
}

}  // namespace

PYBIND11_MODULE(_pol, m) {
  m.doc() = "pol: policy rules with exact decimals (the C++ core; use the `pol` package)";

  py::class_<Program>(m, "Program", "A compiled policy: immutable, may be evaluated from many threads.")
      .def_property_readonly("title", &Program::title)
      .def_property_readonly("outputs", &Program::outputs,
                             "The outputs in declaration order: dicts with name, entity, type, citation.")
      .def_property_readonly("inputs", &Program::inputs,
                             "The schema of a household: {entity, inputs: {name: {type, has_default[, values]}}, "
                             "collections: {name: <schema of the member entity>}}.")
      .def_property_readonly("context_inputs", &Program::context_inputs,
                             "The schema of the context data, or None when the policy has no context block.")
      .def_property_readonly("warnings", &Program::warnings, "Warnings of the compilation (pol.Diagnostic).")
      .def("evaluate", &Program::evaluate, py::arg("household"), py::arg("as_of"), py::arg("context") = py::none(),
           "Evaluates one household dict as of a date (datetime.date or \"YYYY-MM-DD\"; a household's own \"as_of\" "
           "key wins). Returns {output: value}, with \"members\": [{member, outputs...}] when the policy has member "
           "outputs. Raises pol.RecordError (pol.InputTypeError for floats and wrong Python types) for bad data and "
           "pol.EvaluationError when evaluation fails.")
      .def("evaluate_many", &Program::evaluate_many, py::arg("households"), py::arg("as_of"),
           py::arg("context") = py::none(),
           "Evaluates every household dict of an iterable; returns a list with, for each, its outputs dict or the "
           "error (a pol.RecordError or pol.EvaluationError instance): a failed record never stops the batch. "
           "The GIL is released while each chunk of records is evaluated.");

  m.def("_compile", [](std::string source, std::string path) {
    pol::Compilation c;
    {
      py::gil_scoped_release release;
      c = pol::compile_source(std::move(path), std::move(source));
    }
    return finish_compilation(std::move(c));
  }, py::arg("source"), py::arg("path") = "<string>");
  m.def("_compile_file", [](std::string path) {
    pol::Compilation c;
    {
      py::gil_scoped_release release;
      c = pol::compile_file(path);
    }
    return finish_compilation(std::move(c));
  }, py::arg("path"));
}
