// The pol policy language. The C++ parser is generated from this file at build time; the parse
// tree it produces is turned into pol's own AST by interpreter/src/syntax/ast_builder.cpp and is
// not used anywhere else.
grammar Pol;

policyFile
    : header? importDecl* declaration* EOF
    ;

// import "amendments.pol"   (a file, relative to this one)
// import rounding           (a module of the standard library: stdlib/rounding.pol)
importDecl
    : IMPORT (path=STRING | module=IDENT)
    ;

header
    : POLICY title=STRING citation?
    ;

declaration
    : enumDecl
    | entityDecl
    | contextDecl
    | parameterDecl
    | scheduleDecl
    | functionDecl
    | ruleDecl
    | requireDecl
    | exceptionDecl
    | testDecl
    ;

citation
    : CITE STRING
    ;

// enum SeparationReason { layoff, quit, misconduct }
enumDecl
    : ENUM name=IDENT '{' enumValue (','? enumValue)* ','? '}'
    ;

enumValue
    : IDENT
    ;

// entity Person { input age: integer = 0   cite "..." }
// entity Household { members: list of Person }
entityDecl
    : ENTITY name=IDENT '{' entityMember* '}'
    ;

entityMember
    : INPUT name=IDENT ':' typeRef ('=' defaultValue=expr)? citation?   # inputMember
    | name=IDENT ':' LIST OF entity=IDENT citation?                     # collectionMember
    ;

// context { input state_unemployment_rate: rate   input weekly_rate: rate by week }
contextDecl
    : CONTEXT '{' entityMember* '}'
    ;

// money, rate, SeparationReason, quarter (a period), money by quarter (a series)
typeRef
    : name=IDENT (BY period=IDENT)?
    ;

// parameter weekly_cap: money = $600.00 cite "s.4(3)"
// parameter replacement_rate: rate cite "s.4(2)"
//   from 2024-01-01 = 50%
//   from 2027-01-01 = 55%  cite "Amending Act 2026 s.2"
// The alternatives part after the common prefix, so that a syntax error inside the prefix is
// reported with what can follow there (not with what could begin a parameter).
parameterDecl
    : PARAMETER name=IDENT ':' typeRef parameterValues
    ;

parameterValues
    : '=' value=expr citation?                                          # singleParameter
    | citation? parameterStep+                                          # datedParameter
    ;

parameterStep
    : FROM DATE '=' expr citation?
    ;

// schedule duration_weeks: lookup rate -> integer  cite "§ 25-4-74(a)"
//   from 2020-01-01
//     at or above 0%: 14
//     at or above 7%: 15
// schedule income_tax: marginal money -> money
//   from 2024-01-01
//     above $0: 0%
//     above $10,000: 10%
scheduleDecl
    : SCHEDULE name=IDENT ':' kind=(LOOKUP | MARGINAL) argumentType=typeRef ARROW resultType=typeRef citation? scheduleVersion+
    ;

scheduleVersion
    : FROM DATE citation? scheduleBand+
    ;

scheduleBand
    : (inclusive=AT OR ABOVE | ABOVE) threshold=expr ':' value=expr citation?
    ;

// function cents(amount: money): money = round(amount, to: $0.01, mode: half_up)
functionDecl
    : FUNCTION name=IDENT '(' (functionParam (',' functionParam)*)? ')' ':' typeRef '=' body=expr citation?
    ;

functionParam
    : name=IDENT ':' typeRef
    ;

// exception Person.weekly_benefit = $0 when on_strike  cite "s.12"
// exception emergency: Person.weekly_benefit = weekly_cap when disaster_area over strike
exceptionDecl
    : EXCEPTION (label=IDENT ':')? entity=IDENT '.' name=IDENT '=' body=expr WHEN condition=expr (OVER over=IDENT)? citation?
    ;

// rule Person.eligible: boolean = not employed and weeks_worked >= 20  cite "s.3(1)"
// output Household.total: money = sum(members.weekly_benefit)
ruleDecl
    : kind=(RULE | OUTPUT) entity=IDENT '.' name=IDENT (':' typeRef)? '=' body=expr citation?
    ;

// A condition every record must meet; a record that does not is rejected with this message.
// require Ménage.parent_ou_titre_I: est_parent or remplit_titre_I  cite "CSS L521-2 al. 4"
requireDecl
    : REQUIRE entity=IDENT '.' name=IDENT ':' condition=expr citation?
    ;

// test "single claimant" as of 2026-03-01 {
//   household { rate: 5%, members: [ { employed: false } ] }
//   expect total = $350.00
// }
testDecl
    : TEST name=STRING AS OF DATE '{' contextLiteral? recordLiteral expectation* '}'
    ;

contextLiteral
    : CONTEXT '{' fieldInits '}'
    ;

recordLiteral
    : entity=IDENT '{' fieldInits '}'
    ;

objectLiteral
    : '{' fieldInits '}'
    ;

fieldInits
    : (fieldInit ((',' | ';')? fieldInit)* (',' | ';')?)?
    ;

fieldInit
    : name=IDENT ':' fieldValue
    ;

fieldValue
    : expr                                                              # valueField
    | '[' (objectLiteral (','? objectLiteral)* ','?)? ']'               # listField
    | '{' (seriesEntry (',' seriesEntry)* ','?)? '}'                    # seriesField
    ;

// wages: { "2025-Q1": $1,000, "2025-Q2": $1,200 }
seriesEntry
    : period=STRING ':' expr
    ;

// expect total = $350.00
// expect members[2].weekly_benefit = $175.00   (a rule of one member, counted from 1)
expectation
    : EXPECT (collection=IDENT '[' position=NUMBER ']' '.')? name=IDENT '=' expr   # valueExpectation
    | EXPECT ERROR message=STRING                                                  # errorExpectation
    ;

// Precedence, tightest first: member access, unary minus, * /, + -, comparisons, not, and, or,
// if-then-else.
expr
    : primary                                                   # primaryExpr
    | expr '.' member=IDENT                                     # memberExpr
    | expr '[' index=expr ']'                                   # indexExpr
    | op=('-' | '+') expr                                       # unaryExpr
    | expr op=('*' | '/') expr                                  # multiplicativeExpr
    | expr op=('+' | '-') expr                                  # additiveExpr
    | expr op=('=' | '!=' | '<' | '<=' | '>' | '>=') expr       # comparisonExpr
    | NOT expr                                                  # notExpr
    | expr AND expr                                             # andExpr
    | expr OR expr                                              # orExpr
    | IF condition=expr THEN thenBranch=expr ELSE elseBranch=expr  # ifExpr
    ;

primary
    : literal                                                   # literalPrimary
    | callee=IDENT '(' (argument (',' argument)*)? (WHERE filter=expr)? ')'  # callPrimary
    | IDENT                                                     # namePrimary
    | '(' expr ')'                                              # parenPrimary
    ;

// A few reserved words read well as argument names: total(x, from: a, to: b), above: $0.
argument
    : (label=(IDENT | FROM | ABOVE | BY | AT | OVER | LOOKUP | MARGINAL) ':')? expr
    ;

literal
    : MONEY
    | PERCENT
    | DATE
    | NUMBER
    | STRING
    | TRUE
    | FALSE
    ;

// ---- Lexer ----

POLICY    : 'policy';
ENUM      : 'enum';
ENTITY    : 'entity';
INPUT     : 'input';
LIST      : 'list';
OF        : 'of';
PARAMETER : 'parameter';
FROM      : 'from';
RULE      : 'rule';
OUTPUT    : 'output';
CITE      : 'cite';
TEST      : 'test';
IMPORT    : 'import';
REQUIRE   : 'require';
ERROR     : 'error';
CONTEXT   : 'context';
BY        : 'by';
SCHEDULE  : 'schedule';
LOOKUP    : 'lookup';
MARGINAL  : 'marginal';
AT        : 'at';
ABOVE     : 'above';
FUNCTION  : 'function';
EXCEPTION : 'exception';
WHEN      : 'when';
OVER      : 'over';
ARROW     : '->';
AS        : 'as';
EXPECT    : 'expect';
IF        : 'if';
THEN      : 'then';
ELSE      : 'else';
AND       : 'and';
OR        : 'or';
NOT       : 'not';
WHERE     : 'where';
TRUE      : 'true';
FALSE     : 'false';

// $1,234.56 €12 £0.50: thousands separators only in groups of three, so `min($1,$2)` is two.
MONEY     : CURRENCY DIGITS (',' DIGIT DIGIT DIGIT)* ('.' DIGITS)?;
PERCENT   : DIGITS ('.' DIGITS)? '%';
DATE      : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
NUMBER    : DIGITS ('.' DIGITS)?;
STRING    : '"' (~["\\\r\n] | '\\' ["\\nt])* '"';
// Letters of any script, so that a port keeps the statute's words (résidence, Métropole).
IDENT     : [\p{L}_] [\p{L}\p{N}_]*;

COMMENT   : '#' ~[\r\n]* -> channel(HIDDEN);
WS        : [ \t\r\n]+ -> channel(HIDDEN);

// Mistakes drafters make, each lexed as one token so that it is reported once, in full, with a
// hint (interpreter/src/syntax/parser.cpp). None of them is valid pol anywhere.
FOREIGN_OPERATOR   : '&&' | '||' | '==' | '&' | '|' | '!';   // `!=` is longer, so stays a token
SLASH_COMMENT      : '//' ~[\r\n]*;
SINGLE_QUOTED_TEXT : '\'' ~['\r\n]* '\'';
// Same length as STRING for a valid text, which STRING wins by coming first.
BAD_ESCAPE_TEXT    : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
UNCLOSED_TEXT      : '"' (~["\\\r\n] | '\\' ~[\r\n])*;

// Anything else is one bad character, reported in pol's words.
UNEXPECTED_CHAR : . ;

fragment CURRENCY : '$' | '\u20AC' | '\u00A3';
fragment DIGITS   : DIGIT+;
fragment DIGIT    : [0-9];
