#include "check/checker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace pol::check {
namespace {

bool is_dimensionless(const Type& t) {
  return t.kind == TypeKind::Integer || t.kind == TypeKind::Decimal || t.kind == TypeKind::Rate;
}

// The type two dimensionless numbers combine to: a rate stays a rate, a decimal a decimal.
Type join_dimensionless(const Type& a, const Type& b) {
  if (a.kind == TypeKind::Rate || b.kind == TypeKind::Rate) return Type{TypeKind::Rate};
  if (a.kind == TypeKind::Decimal || b.kind == TypeKind::Decimal) return Type{TypeKind::Decimal};
  return Type{TypeKind::Integer};
}

// The type of `if` branches, min/max operands: nullopt when they do not combine.
std::optional<Type> unify(const Type& a, const Type& b) {
  if (a == b) return a;
  if (is_dimensionless(a) && is_dimensionless(b)) return join_dimensionless(a, b);
  return std::nullopt;
}

// Whether a value of type `from` may be stored where `to` is declared.
bool assignable(const Type& from, const Type& to) {
  if (from == to) return true;
  if (!is_dimensionless(from) || !is_dimensionless(to)) return false;
  return to.kind != TypeKind::Integer;  // a fraction never silently becomes a whole number
}

std::string snake_case(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0 && name[i - 1] != '_') out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Edits between two names, a swap of neighbours counting as one (`cpa` is one edit from `cap`):
// the optimal string alignment distance.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

const std::map<std::string, TypeKind>& builtin_types() {
  static const std::map<std::string, TypeKind> types = {
      {"boolean", TypeKind::Boolean}, {"integer", TypeKind::Integer}, {"decimal", TypeKind::Decimal},
      {"money", TypeKind::Money},     {"rate", TypeKind::Rate},       {"date", TypeKind::Date},
      {"text", TypeKind::Text}};
  return types;
}

const std::map<std::string, RoundingMode>& rounding_modes() {
  static const std::map<std::string, RoundingMode> modes = {
      {"half_even", RoundingMode::HalfEven},       {"half_up", RoundingMode::HalfUp},
      {"half_down", RoundingMode::HalfDown},       {"toward_zero", RoundingMode::TowardZero},
      {"away_from_zero", RoundingMode::AwayFromZero}, {"floor", RoundingMode::Floor},
      {"ceiling", RoundingMode::Ceiling}};
  return modes;
}

const char* op_text(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Add: return "+";
    case ast::BinaryOp::Subtract: return "-";
    case ast::BinaryOp::Multiply: return "*";
    case ast::BinaryOp::Divide: return "/";
    case ast::BinaryOp::Equal: return "=";
    case ast::BinaryOp::NotEqual: return "!=";
    case ast::BinaryOp::Less: return "<";
    case ast::BinaryOp::LessEqual: return "<=";
    case ast::BinaryOp::Greater: return ">";
    case ast::BinaryOp::GreaterEqual: return ">=";
    case ast::BinaryOp::And: return "and";
    case ast::BinaryOp::Or: return "or";
  }
  return "?";
}

// Where names are looked up: the entity whose rule is being checked (-1: a constant context
// such as a parameter value, an input default or a test record).
struct Scope {
  int entity = -1;
  int function = -1;  // checking the body of this function: its parameters are in scope
  bool constant() const { return entity < 0 && function < 0; }
};

// Names of the builtin functions, for "did you mean" and to keep user functions from hiding them.
const std::vector<std::string>& builtin_function_names() {
  static const std::vector<std::string> names = {
      "min", "max", "abs", "round", "sum", "count", "any", "all",
      "week_of", "month_of", "quarter_of", "year_of", "start_of", "end_of", "days_in",
      "add_days", "add_months", "add_years", "days_between", "whole_weeks_between", "whole_months_between",
      "whole_years_between", "year_number", "month_number", "day_of_month",
      "total", "average", "largest", "smallest", "count_periods"};
  return names;
}

class Checker {
 public:
  Checker(const ast::Module& module, std::vector<Diagnostic>& diagnostics)
      : module_(module), diagnostics_(diagnostics) {
    out_.module = &module;
  }

  CheckedModule run() {
    declare_enums();
    declare_entities();
    declare_parameters();
    declare_schedules();
    declare_functions();
    declare_rules();
    declare_exceptions();
    check_context_names();
    check_parameters();
    check_schedules();
    check_input_defaults();
    for (std::size_t f = 0; f < out_.functions.size(); ++f) check_function(static_cast<int>(f));
    for (std::size_t e = 0; e < out_.entities.size(); ++e)
      for (std::size_t r = 0; r < out_.entities[e].rules.size(); ++r)
        check_rule(static_cast<int>(e), static_cast<int>(r));
    check_tests();
    return std::move(out_);
  }

 private:
  // ---- reporting ----
  Diagnostic& error(const char* code, const SourceRange& range, std::string message, std::string hint = {}) {
    diagnostics_.push_back(Diagnostic{code, Severity::Error, range, std::move(message), std::move(hint), {}});
    return diagnostics_.back();
  }

  // "<what> `name`<where> is defined twice", e.g. "field `age` of Person is defined twice".
  void duplicate(const ast::Identifier& again, const SourceRange& first, const std::string& what,
                 const std::string& where = "") {
    // Imported declarations come after the file's own; the clash is reported where the drafter can
    // act: in the policy file itself, not in the library it imports.
    const bool first_is_own = first.file == module_.path && again.range.file != module_.path;
    auto& d = error("E0104", first_is_own ? first : again.range,
                    fmt::format("{} `{}`{} is defined twice", what, again.text, where),
                    first_is_own ? fmt::format("{} already defines it: rename yours", again.range.file)
                                 : "remove one definition, or give it another name");
    d.notes.push_back({first_is_own ? again.range : first, first_is_own ? "also defined here" : "first defined here"});
  }

  std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best = closest_name(name, candidates);
    return best.empty() ? std::string() : fmt::format("did you mean `{}`?", best);
  }

  std::string describe(const Type& t) const { return type_name(t, out_.enums); }

  // ---- declarations ----
  void declare_enums() {
    std::map<std::string, SourceRange> seen;
    for (const auto& decl : module_.enums) {
      if (auto it = seen.find(decl.name.text); it != seen.end()) {
        duplicate(decl.name, it->second, "enumeration");
        continue;
      }
      seen.emplace(decl.name.text, decl.name.range);
      EnumInfo info{decl.name.text, {}};
      std::map<std::string, SourceRange> values;
      for (const auto& value : decl.values) {
        if (auto it = values.find(value.text); it != values.end()) {
          duplicate(value, it->second, "enumeration value");
          continue;
        }
        values.emplace(value.text, value.range);
        info.values.push_back(value.text);
      }
      out_.enums.push_back(std::move(info));
    }
  }

  // A declared type: a builtin, an enumeration, a period kind, or `T by PERIOD` (a series).
  std::optional<Type> resolve_type(const ast::TypeRef& ref, bool series_allowed = false) {
    auto base = resolve_base_type(ref.name);
    if (!base) return std::nullopt;
    if (!ref.period) return base;
    auto kind = period_kind_named(ref.period->text);
    if (!kind || *kind == PeriodKind::None) {
      std::string hint = did_you_mean(ref.period->text, {"week", "month", "quarter", "year"});
      error("E0102", ref.period->range, fmt::format("unknown period `{}`", ref.period->text),
            hint.empty() ? "a value can vary by week, month, quarter or year" : hint);
      return std::nullopt;
    }
    if (!series_allowed) {
      error("E0102", ref.range, fmt::format("only inputs can vary by {}", ref.period->text),
            "declare the input `input NAME: TYPE by PERIOD` and read one period of it: NAME[quarter_of(as_of) - 1]");
      return std::nullopt;
    }
    if (base->kind == TypeKind::Period) {
      error("E0102", ref.range, "a series of periods is not supported", "");
      return std::nullopt;
    }
    base->period = *kind;
    return base;
  }

  std::optional<Type> resolve_base_type(const ast::Identifier& name) {
    if (auto t = resolve_base_type_quiet(name.text)) return t;
    std::vector<std::string> candidates;
    for (const auto& [n, kind] : builtin_types()) candidates.push_back(n);
    for (const auto& e : out_.enums) candidates.push_back(e.name);
    for (const char* p : {"week", "month", "quarter", "year"}) candidates.push_back(p);
    std::string hint = did_you_mean(name.text, candidates);
    if (hint.empty())
      hint = "the types are boolean, integer, decimal, money, rate, date, text, week, month, quarter, year, or an "
             "enumeration declared with `enum`";
    error("E0102", name.range, fmt::format("unknown type `{}`", name.text), hint);
    return std::nullopt;
  }

  std::optional<Type> resolve_base_type_quiet(const std::string& name) const {
    const auto& builtins = builtin_types();
    if (auto it = builtins.find(name); it != builtins.end()) return Type{it->second};
    for (std::size_t i = 0; i < out_.enums.size(); ++i)
      if (out_.enums[i].name == name) return Type{TypeKind::Enum, static_cast<int>(i)};
    if (auto kind = period_kind_named(name); kind && *kind != PeriodKind::None)
      return Type{TypeKind::Period, -1, *kind};
    return std::nullopt;
  }

  int entity_index(const std::string& name) const {
    for (std::size_t i = 0; i < out_.entities.size(); ++i)
      if (out_.entities[i].name == name) return static_cast<int>(i);
    return -1;
  }

  std::vector<std::string> entity_names() const {
    std::vector<std::string> names;
    for (const auto& e : out_.entities) names.push_back(e.name);
    return names;
  }

  void declare_entities() {
    std::map<std::string, SourceRange> seen;
    for (const auto& decl : module_.entities) {
      if (auto it = seen.find(decl.name.text); it != seen.end()) {
        duplicate(decl.name, it->second, decl.is_context ? "block" : "entity");
        continue;
      }
      if (decl.is_context) {
        out_.context = static_cast<int>(out_.entities.size());
        for (const auto& collection : decl.collections)
          error("E0304", collection.name.range, "the context holds published values, not lists of members",
                "declare the list in an entity; the context is one record for the whole run");
      }
      seen.emplace(decl.name.text, decl.name.range);
      EntityEntry entry;
      entry.name = decl.name.text;
      entry.decl = &decl;
      std::map<std::string, SourceRange> fields;
      for (const auto& input : decl.inputs) {
        if (auto it = fields.find(input.name.text); it != fields.end()) {
          duplicate(input.name, it->second, "field", fmt::format(" of {}", decl.name.text));
          continue;
        }
        fields.emplace(input.name.text, input.name.range);
        if (input.name.text == "as_of")
          error("E0104", input.name.range, "`as_of` is the evaluation date, not an input",
                "choose another name; a record's own evaluation date is its \"as_of\" field");
        auto type = resolve_type(input.type, /*series_allowed=*/true);
        entry.inputs.push_back(InputSchema{input.name.text, type.value_or(Type{}),
                                           input.default_value != nullptr, input.name.range});
        entry.input_decls.push_back(&input);
      }
      for (const auto& collection : decl.collections) {
        if (auto it = fields.find(collection.name.text); it != fields.end()) {
          duplicate(collection.name, it->second, "field", fmt::format(" of {}", decl.name.text));
          continue;
        }
        fields.emplace(collection.name.text, collection.name.range);
        entry.collections.push_back(CollectionSchema{collection.name.text, -1});
      }
      out_.entities.push_back(std::move(entry));
    }
    // Link collections to member entities; each entity has at most one container.
    std::vector<SourceRange> held_at(out_.entities.size());
    for (std::size_t e = 0; e < out_.entities.size(); ++e) {
      const auto& decl = *out_.entities[e].decl;
      std::size_t c = 0;
      for (const auto& collection : decl.collections) {
        if (c >= out_.entities[e].collections.size() ||
            out_.entities[e].collections[c].name != collection.name.text)
          continue;
        int member = entity_index(collection.entity.text);
        if (member < 0) {
          std::string hint = did_you_mean(collection.entity.text, entity_names());
          unknown_member_entity_ = true;
          error("E0103", collection.entity.range, fmt::format("unknown entity `{}`", collection.entity.text),
                hint.empty() ? "declare it with `entity " + collection.entity.text + " { ... }`" : hint);
        } else if (member == static_cast<int>(e)) {
          error("E0304", collection.entity.range,
                fmt::format("entity `{}` cannot be a member of itself", collection.entity.text));
        } else if (out_.entities[member].parent >= 0) {
          auto& d = error("E0304", collection.entity.range,
                          fmt::format("entity `{}` is already a member of `{}`", collection.entity.text,
                                      out_.entities[out_.entities[member].parent].name),
                          "an entity belongs to one container; declare a second entity for the other list");
          d.notes.push_back({held_at[member], "first listed here"});
        } else {
          out_.entities[e].collections[c].entity = member;
          out_.entities[member].parent = static_cast<int>(e);
          out_.entities[member].parent_name = snake_case(out_.entities[e].name);
          held_at[member] = collection.entity.range;
        }
        ++c;
      }
    }
    // The record is the one entity no collection holds.
    std::vector<int> roots;
    for (std::size_t e = 0; e < out_.entities.size(); ++e)
      if (out_.entities[e].parent < 0 && static_cast<int>(e) != out_.context) roots.push_back(static_cast<int>(e));
    if (roots.size() == 1) {
      out_.root = roots[0];
    } else if (roots.size() > 1 && unknown_member_entity_) {
      // The misspelt list left its entity at the top: the record is the entity that has lists.
      out_.root = roots[0];
      for (int r : roots)
        if (!out_.entities[r].collections.empty()) out_.root = r;
    } else if (roots.size() > 1) {
      auto& d = error("E0304", out_.entities[roots[1]].decl->name.range,
                      fmt::format("entities `{}` and `{}` are both top-level", out_.entities[roots[0]].name,
                                  out_.entities[roots[1]].name),
                      fmt::format("a record has one top-level entity; list the other in it, e.g. `members: list of {}`",
                                  out_.entities[roots[1]].name));
      d.notes.push_back({out_.entities[roots[0]].decl->name.range, "the other top-level entity"});
    } else if (!out_.entities.empty() && out_.entities.size() > (out_.context >= 0 ? 1u : 0u)) {
      error("E0304", out_.entities[0].decl->name.range, "every entity is a member of another: there is no top-level record",
            "the household (or whatever a record is) must not be listed in any collection");
    }
  }

  void declare_parameters() {
    std::map<std::string, SourceRange> seen;
    for (const auto& decl : module_.parameters) {
      if (auto it = seen.find(decl.name.text); it != seen.end()) {
        duplicate(decl.name, it->second, "parameter");
        continue;
      }
      seen.emplace(decl.name.text, decl.name.range);
      auto type = resolve_type(decl.type);
      out_.parameters.push_back(ParameterEntry{&decl, type.value_or(Type{})});
      if (!type) bad_parameters_.insert(decl.name.text);
    }
  }

  void declare_rules() {
    std::map<std::pair<int, std::string>, SourceRange> seen;
    for (const auto& decl : module_.rules) {
      int e = entity_index(decl.entity.text);
      if (e < 0) {
        std::string hint = did_you_mean(decl.entity.text, entity_names());
        error("E0103", decl.entity.range, fmt::format("unknown entity `{}`", decl.entity.text),
              hint.empty() ? "rules are written `rule Entity.name = ...` for a declared entity" : hint);
        continue;
      }
      auto& entity = out_.entities[e];
      if (auto it = seen.find({e, decl.name.text}); it != seen.end()) {
        ast::Identifier qualified{entity.name + "." + decl.name.text, decl.name.range};
        duplicate(qualified, it->second, "rule");
        continue;
      }
      if (int i = input_index(entity, decl.name.text); i >= 0) {
        auto& d = error("E0104", decl.name.range,
                        fmt::format("`{}` is already an input of {}", decl.name.text, entity.name),
                        "a rule computes a value that is not given; choose another name");
        d.notes.push_back({entity.inputs[i].declared_at, "the input"});
        continue;
      }
      seen.emplace(std::pair{e, decl.name.text}, decl.name.range);
      if (decl.is_requirement && e == out_.context) {
        error("E0303", decl.entity.range, "requirements apply to records, not to the context",
              "state the condition on the household, reading the context value");
        continue;
      }
      const bool output_here = e == out_.root || entity.parent == out_.root;
      if (decl.is_output && !output_here && out_.root >= 0)
        error("E0303", decl.entity.range,
              fmt::format("outputs belong to `{}` or to its members, not to `{}`", out_.entities[out_.root].name,
                          entity.name),
              fmt::format("write `rule {}.{}` and add an output that aggregates it, e.g. sum(...)", entity.name,
                          decl.name.text));
      entity.rules.push_back(RuleEntry{&decl, {}, {}, std::nullopt, RuleEntry::State::Unchecked});
      if (decl.is_output && output_here)
        out_.outputs.push_back({e, static_cast<int>(entity.rules.size()) - 1});
    }
  }


  // A context value is read by its bare name from every rule, so no parameter, input or rule may
  // share it: one would silently hide the other.
  void check_context_names() {
    if (out_.context < 0) return;
    const auto& context = out_.entities[out_.context];
    for (std::size_t i = 0; i < context.inputs.size(); ++i) {
      const std::string& name = context.inputs[i].name;
      ast::Identifier id{name, context.inputs[i].declared_at};
      for (const auto& parameter : out_.parameters)
        if (parameter.decl->name.text == name) duplicate(id, parameter.decl->name.range, "name", " (a parameter and a context value)");
      for (std::size_t e = 0; e < out_.entities.size(); ++e) {
        if (static_cast<int>(e) == out_.context) continue;
        const auto& entity = out_.entities[e];
        if (int j = input_index(entity, name); j >= 0)
          duplicate(id, entity.inputs[j].declared_at, "name", fmt::format(" (an input of {} and a context value)", entity.name));
        if (int r = rule_index(entity, name); r >= 0)
          duplicate(id, entity.rules[r].decl->name.range, "name", fmt::format(" (a rule of {} and a context value)", entity.name));
      }
    }
  }

  // ---- schedules ----
  void declare_schedules() {
    std::map<std::string, SourceRange> seen;
    for (const auto& p : out_.parameters) seen.emplace(p.decl->name.text, p.decl->name.range);
    for (const auto& decl : module_.schedules) {
      if (auto it = seen.find(decl.name.text); it != seen.end()) {
        duplicate(decl.name, it->second, "name");
        continue;
      }
      seen.emplace(decl.name.text, decl.name.range);
      ScheduleEntry entry{&decl, {}, {}, {}};
      auto argument = resolve_type(decl.argument);
      auto result = resolve_type(decl.result);
      bool ok = argument && result;
      if (argument && !(argument->is_numeric() || argument->kind == TypeKind::Date)) {
        error("E0102", decl.argument.range, fmt::format("a schedule's bands are ranges of numbers, amounts or dates, not {}", describe(*argument)));
        ok = false;
      }
      if (ok && decl.marginal) {
        if (!argument->is_numeric() || *argument != *result) {
          error("E0102", decl.result.range,
                fmt::format("a marginal schedule applies rates to the parts of its argument, so it gives {} too", describe(*argument)),
                fmt::format("write `marginal {0} -> {0}`", describe(*argument)));
          ok = false;
        }
        entry.band_value = Type{TypeKind::Rate};
      } else if (ok) {
        entry.band_value = *result;
      }
      if (ok) {
        entry.argument = *argument;
        entry.result = *result;
      } else {
        bad_schedules_.insert(decl.name.text);
      }
      out_.schedules.push_back(entry);
    }
  }

  // The value of a literal number or amount, possibly negated; nullopt for anything else.
  static std::optional<Decimal> literal_number(const ast::Expr& expr) {
    if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
      auto inner = literal_number(*unary->operand);
      if (!inner || unary->op == ast::UnaryOp::Not) return std::nullopt;
      return unary->op == ast::UnaryOp::Negate ? -*inner : *inner;
    }
    if (const auto* literal = std::get_if<ast::Literal>(&expr.node)) {
      if (literal->kind == ast::LiteralKind::Date) return Decimal::from_int(literal->date.days());
      if (literal->kind == ast::LiteralKind::Boolean || literal->kind == ast::LiteralKind::Text) return std::nullopt;
      return literal->number;
    }
    return std::nullopt;
  }

  void check_schedules() {
    for (const auto& entry : out_.schedules) {
      const auto& decl = *entry.decl;
      if (bad_schedules_.count(decl.name.text)) continue;
      std::optional<Date> previous_date;
      for (const auto& version : decl.versions) {
        if (previous_date && !(*previous_date < version.from))
          error("E0302", version.from_range,
                fmt::format("versions of schedule `{}` must come in date order: {} comes after {}", decl.name.text,
                            version.from.to_string(), previous_date->to_string()),
                "list the versions in the order they came into force");
        previous_date = version.from;
        std::optional<Decimal> previous;
        const ast::ScheduleBand* previous_band = nullptr;
        for (const auto& band : version.bands) {
          check_constant(*band.threshold, entry.argument, "a band's threshold");
          check_constant(*band.value, entry.band_value, decl.marginal ? "a band's rate" : "a band's value");
          auto threshold = literal_number(*band.threshold);
          if (threshold && previous && compare(*threshold, *previous) <= 0) {
            auto& d = error("E0302", band.threshold->range,
                            fmt::format("the bands of schedule `{}` must go up: this threshold is not above the one before",
                                        decl.name.text),
                            "list the bands from the lowest threshold to the highest");
            d.notes.push_back({previous_band->threshold->range, "the threshold before"});
          }
          if (threshold) {
            previous = threshold;
            previous_band = &band;
          }
        }
      }
    }
  }

  int schedule_index(const std::string& name) const {
    for (std::size_t i = 0; i < out_.schedules.size(); ++i)
      if (out_.schedules[i].decl->name.text == name) return static_cast<int>(i);
    return -1;
  }

  // ---- functions ----
  void declare_functions() {
    std::map<std::string, SourceRange> seen;
    for (const auto& s : out_.schedules) seen.emplace(s.decl->name.text, s.decl->name.range);
    const auto& builtins = builtin_function_names();
    for (const auto& decl : module_.functions) {
      if (std::find(builtins.begin(), builtins.end(), decl.name.text) != builtins.end()) {
        error("E0104", decl.name.range, fmt::format("`{}` is a builtin function", decl.name.text),
              "choose another name for this function");
        continue;
      }
      if (auto it = seen.find(decl.name.text); it != seen.end()) {
        duplicate(decl.name, it->second, "function");
        continue;
      }
      seen.emplace(decl.name.text, decl.name.range);
      FunctionEntry entry{&decl, {}, std::nullopt};
      bool ok = true;
      std::map<std::string, SourceRange> params;
      for (const auto& param : decl.params) {
        if (auto it = params.find(param.name.text); it != params.end()) {
          duplicate(param.name, it->second, "parameter", fmt::format(" of {}", decl.name.text));
          ok = false;
        }
        params.emplace(param.name.text, param.name.range);
        auto type = resolve_type(param.type, /*series_allowed=*/true);
        if (!type) ok = false;
        entry.params.push_back(type.value_or(Type{}));
      }
      auto result = resolve_type(decl.result);
      if (!result) ok = false;
      if (!ok) entry.state = FunctionEntry::State::Done;  // unusable: calls report nothing more
      else entry.result = result;
      out_.functions.push_back(std::move(entry));
    }
  }

  int function_index(const std::string& name) const {
    for (std::size_t i = 0; i < out_.functions.size(); ++i)
      if (out_.functions[i].decl->name.text == name) return static_cast<int>(i);
    return -1;
  }

  std::optional<Type> check_function(int f) {
    auto& entry = out_.functions[f];
    if (entry.state == FunctionEntry::State::Done) return entry.result;
    if (entry.state == FunctionEntry::State::InProgress) {
      // A call back into a function being checked: every function from it to here is recursive.
      auto first = std::find(function_stack_.begin(), function_stack_.end(), f);
      for (auto it = first; it != function_stack_.end(); ++it) out_.functions[*it].recursive = true;
      return entry.result;
    }
    entry.state = FunctionEntry::State::InProgress;
    function_stack_.push_back(f);
    auto body = check_expr(*entry.decl->body, Scope{-1, f});
    auto& done = out_.functions[f];
    if (body && done.result && !assignable(*body, *done.result))
      error("E0204", done.decl->body->range,
            fmt::format("function `{}` is declared {} but its formula gives {}", done.decl->name.text,
                        describe(*done.result), describe(*body)),
            conversion_hint(*body, *done.result));
    function_stack_.pop_back();
    if (done.state == FunctionEntry::State::InProgress) done.state = FunctionEntry::State::Done;
    return done.result;
  }

  // ---- exceptions ----
  void declare_exceptions() {
    for (const auto& decl : module_.exceptions) {
      int e = entity_index(decl.entity.text);
      if (e < 0) {
        std::string hint = did_you_mean(decl.entity.text, entity_names());
        error("E0103", decl.entity.range, fmt::format("unknown entity `{}`", decl.entity.text), hint);
        continue;
      }
      int r = rule_index(out_.entities[e], decl.name.text);
      if (r < 0) {
        std::vector<std::string> names;
        for (const auto& rule : out_.entities[e].rules) names.push_back(rule.decl->name.text);
        std::string hint = did_you_mean(decl.name.text, names);
        error("E0101", decl.name.range,
              fmt::format("there is no rule `{}.{}` to make an exception to", decl.entity.text, decl.name.text),
              hint.empty() ? fmt::format("declare the general case first: rule {}.{}: TYPE = ...", decl.entity.text,
                                         decl.name.text)
                           : hint);
        continue;
      }
      out_.entities[e].rules[r].exceptions.push_back(&decl);
    }
    for (auto& entity : out_.entities)
      for (auto& rule : entity.rules) link_exceptions(entity, rule);
  }

  void link_exceptions(const EntityEntry& entity, RuleEntry& rule) {
    const auto& list = rule.exceptions;
    rule.exceptions_over.assign(list.size() + 1, {});
    std::map<std::string, int> labels;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i]->label) continue;
      if (auto [it, fresh] = labels.emplace(list[i]->label->text, static_cast<int>(i)); !fresh)
        duplicate(*list[i]->label, list[it->second]->label->range, "exception",
                  fmt::format(" of {}.{}", entity.name, rule.decl->name.text));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i]->over) {
        rule.exceptions_over[0].push_back(static_cast<int>(i));
        continue;
      }
      auto it = labels.find(list[i]->over->text);
      if (it == labels.end()) {
        std::vector<std::string> names;
        for (const auto& [name, index] : labels) names.push_back(name);
        std::string hint = did_you_mean(list[i]->over->text, names);
        error("E0101", list[i]->over->range,
              fmt::format("no exception of {}.{} is labelled `{}`", entity.name, rule.decl->name.text, list[i]->over->text),
              hint.empty() ? "label the exception it overrides: exception LABEL: Entity.rule = ... when ..." : hint);
        continue;
      }
      if (it->second == static_cast<int>(i)) {
        error("E0301", list[i]->over->range, "an exception cannot be over itself");
        continue;
      }
      rule.exceptions_over[it->second + 1].push_back(static_cast<int>(i));
    }
    // Every exception must hang from the base definition; a circle of `over`s would hang from nothing.
    std::vector<bool> reached(list.size(), false);
    std::vector<int> stack(rule.exceptions_over[0].begin(), rule.exceptions_over[0].end());
    while (!stack.empty()) {
      int i = stack.back();
      stack.pop_back();
      if (reached[i]) continue;
      reached[i] = true;
      for (int child : rule.exceptions_over[i + 1]) stack.push_back(child);
    }
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!reached[i] && list[i]->over && labels.count(list[i]->over->text) &&
          labels.at(list[i]->over->text) != static_cast<int>(i))
        error("E0301", list[i]->range, "these exceptions are over each other in a circle",
              "one of them must be over the general rule: remove its `over`");
  }

  static int input_index(const EntityEntry& entity, const std::string& name) {
    for (std::size_t i = 0; i < entity.inputs.size(); ++i)
      if (entity.inputs[i].name == name) return static_cast<int>(i);
    return -1;
  }
  static int rule_index(const EntityEntry& entity, const std::string& name) {
    for (std::size_t i = 0; i < entity.rules.size(); ++i)
      if (entity.rules[i].decl->name.text == name) return static_cast<int>(i);
    return -1;
  }
  static int collection_index(const EntityEntry& entity, const std::string& name) {
    for (std::size_t i = 0; i < entity.collections.size(); ++i)
      if (entity.collections[i].name == name && entity.collections[i].entity >= 0) return static_cast<int>(i);
    return -1;
  }

  // ---- constants: parameter values, input defaults, test records ----
  void check_constant(const ast::Expr& expr, const Type& expected, const std::string& what) {
    if (!is_constant(expr)) {
      error("E0205", expr.range, fmt::format("{} must be a plain value", what),
            "write a literal such as $600.00, 5%, 26, 2026-01-01, \"text\" or an enumeration value");
      return;
    }
    auto type = check_expr(expr, Scope{});
    // A period is written as its label in quotes: "2026-Q1", "2026-03", "2026-W09", "2026".
    if (type && type->kind == TypeKind::Text && expected.kind == TypeKind::Period) {
      const auto& text = std::get<ast::Literal>(expr.node).text;
      if (parse_period(expected.period, text)) {
        out_.info[&expr].type = expected;
        return;
      }
      error("E0204", expr.range, fmt::format("\"{}\" is not a {}", text, period_kind_name(expected.period)),
            fmt::format("write a {} like \"{}\"", period_kind_name(expected.period),
                        format_period(expected.period, period_of(expected.period, Date::from_days(20454)))));
      return;
    }
    if (type && !assignable(*type, expected))
      error("E0204", expr.range,
            fmt::format("{} is declared {} but this value is {}", what, describe(expected), describe(*type)),
            conversion_hint(*type, expected));
  }

  bool is_constant(const ast::Expr& expr) const {
    if (std::holds_alternative<ast::Literal>(expr.node)) return true;
    if (auto* u = std::get_if<ast::Unary>(&expr.node))
      return u->op != ast::UnaryOp::Not && std::holds_alternative<ast::Literal>(u->operand->node);
    if (std::holds_alternative<ast::Name>(expr.node) || std::holds_alternative<ast::MemberAccess>(expr.node))
      return true;  // enumeration values; anything else fails name resolution in a constant scope
    return false;
  }

  std::string conversion_hint(const Type& from, const Type& to) const {
    if (to.kind == TypeKind::Money && is_dimensionless(from)) return "write amounts of money with a currency sign, e.g. $0 or $12.50";
    if (is_dimensionless(to) && from.kind == TypeKind::Money) return "this is an amount of money; divide by another amount to get a number";
    if (to.kind == TypeKind::Integer && is_dimensionless(from)) return "round it to a whole number: round(x, to: 1, mode: ...)";
    if (to.kind == TypeKind::Rate && from.kind == TypeKind::Money) return "a rate is a fraction such as 5%";
    return "";
  }

  void check_parameters() {
    for (auto& parameter : out_.parameters) {
      const auto& decl = *parameter.decl;
      if (bad_parameters_.count(decl.name.text)) continue;
      std::optional<Date> previous;
      for (const auto& step : decl.steps) {
        check_constant(*step.value, parameter.type, fmt::format("parameter `{}`", decl.name.text));
        if (step.from && previous && !(*previous < *step.from))
          error("E0302", step.from_range,
                fmt::format("dates of parameter `{}` must increase: {} comes after {}", decl.name.text,
                            step.from->to_string(), previous->to_string()),
                "list the values in the order they came into force");
        if (step.from) previous = step.from;
      }
    }
  }

  void check_input_defaults() {
    for (auto& entity : out_.entities)
      for (std::size_t i = 0; i < entity.input_decls.size(); ++i)
        if (entity.input_decls[i]->default_value)
          check_constant(*entity.input_decls[i]->default_value, entity.inputs[i].type.element(),
                         fmt::format("the default of `{}`", entity.inputs[i].name));
  }

  // ---- rules ----
  std::optional<Type> check_rule(int e, int r) {
    auto& entry = out_.entities[e].rules[r];
    if (entry.state == RuleEntry::State::Done) return entry.type;
    if (entry.state == RuleEntry::State::InProgress) {
      report_cycle(e, r);
      return entry.decl->type ? resolve_type_quiet(*entry.decl->type) : std::nullopt;
    }
    entry.state = RuleEntry::State::InProgress;
    stack_.push_back({e, r});
    const ast::RuleDecl& decl = *entry.decl;
    std::optional<Type> declared;
    if (decl.type) declared = resolve_type(*decl.type);
    auto body = check_expr(*decl.body, Scope{e});
    std::optional<Type> result = body;
    if (declared && body && !assignable(*body, *declared)) {
      error("E0204", decl.body->range,
            fmt::format("rule `{}.{}` is declared {} but its formula gives {}", decl.entity.text, decl.name.text,
                        describe(*declared), describe(*body)),
            conversion_hint(*body, *declared));
    }
    if (declared) result = declared;
    for (const auto* exception : entry.exceptions) {
      auto value = check_expr(*exception->body, Scope{e});
      auto condition = check_expr(*exception->condition, Scope{e});
      if (condition && condition->kind != TypeKind::Boolean)
        error("E0203", exception->condition->range,
              fmt::format("the condition after `when` must be true/false, but this is {}", describe(*condition)));
      if (value && result && !assignable(*value, *result))
        error("E0204", exception->body->range,
              fmt::format("rule `{}.{}` is {} but this exception gives {}", decl.entity.text, decl.name.text,
                          describe(*result), describe(*value)),
              conversion_hint(*value, *result));
    }
    stack_.pop_back();
    auto& done = out_.entities[e].rules[r];  // re-fetch: nothing reallocates, but stay safe
    done.type = result;
    done.state = RuleEntry::State::Done;
    return result;
  }

  std::optional<Type> resolve_type_quiet(const ast::TypeRef& ref) {
    auto t = resolve_base_type_quiet(ref.name.text);
    if (t && ref.period) return std::nullopt;
    return t;
  }

  void report_cycle(int e, int r) {
    auto start = std::find(stack_.begin(), stack_.end(), std::pair{e, r});
    std::string path;
    std::set<std::pair<int, int>> members;
    for (auto it = start; it != stack_.end(); ++it) {
      path += rule_label(it->first, it->second) + " → ";
      members.insert(*it);
    }
    path += rule_label(e, r);
    if (!reported_cycles_.insert(members).second) return;
    auto& d = error("E0301", out_.entities[e].rules[r].decl->name.range,
                    fmt::format("these rules depend on each other in a circle: {}", path),
                    "a rule cannot use its own value, even through other rules; break the circle");
    for (auto it = std::next(start); it != stack_.end(); ++it)  // the first is where the error is
      d.notes.push_back({out_.entities[it->first].rules[it->second].decl->name.range,
                         rule_label(it->first, it->second) + " is defined here"});
  }

  std::string rule_label(int e, int r) const {
    return out_.entities[e].name + "." + out_.entities[e].rules[r].decl->name.text;
  }

  // ---- expressions ----
  std::optional<Type> record(const ast::Expr& expr, std::optional<Type> type, Resolution resolution = {}) {
    if (type) out_.info[&expr] = ExprInfo{*type, Type{}, std::move(resolution)};
    return type;
  }

  std::optional<Type> check_expr(const ast::Expr& expr, Scope scope) {
    return std::visit([&](const auto& node) { return check_node(expr, node, scope); }, expr.node);
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Literal& lit, Scope) {
    switch (lit.kind) {
      case ast::LiteralKind::Boolean: return record(expr, Type{TypeKind::Boolean});
      case ast::LiteralKind::Integer: return record(expr, Type{TypeKind::Integer});
      case ast::LiteralKind::Decimal: return record(expr, Type{TypeKind::Decimal});
      case ast::LiteralKind::Money: return record(expr, Type{TypeKind::Money});
      case ast::LiteralKind::Rate: return record(expr, Type{TypeKind::Rate});
      case ast::LiteralKind::Date: return record(expr, Type{TypeKind::Date});
      case ast::LiteralKind::Text: return record(expr, Type{TypeKind::Text});
    }
    return std::nullopt;
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Name& name, Scope scope) {
    const std::string& id = name.name;
    if (scope.function >= 0) {
      const auto& function = out_.functions[scope.function];
      for (std::size_t i = 0; i < function.decl->params.size(); ++i)
        if (function.decl->params[i].name.text == id)
          return record(expr, function.params[i], FunctionParamRef{static_cast<int>(i)});
    }
    if (scope.entity >= 0) {
      const auto& entity = out_.entities[scope.entity];
      if (int i = input_index(entity, id); i >= 0)
        return record(expr, entity.inputs[i].type, InputRef{scope.entity, i});
      if (int r = rule_index(entity, id); r >= 0) {
        auto type = check_rule(scope.entity, r);
        return record(expr, type, RuleRef{scope.entity, r});
      }
      if (collection_index(entity, id) >= 0) {
        error("E0207", expr.range, fmt::format("`{}` is a list of members, not a value", id),
              fmt::format("combine its members with sum({0}.NAME), count({0}), any({0}.NAME) ...", id));
        return std::nullopt;
      }
      if (!entity.parent_name.empty() && id == entity.parent_name) {
        error("E0207", expr.range, fmt::format("`{}` is the {} this {} belongs to, not a value", id,
                                               out_.entities[entity.parent].name, entity.name),
              fmt::format("read one of its fields: {}.NAME", id));
        return std::nullopt;
      }
    }
    if (!scope.constant() && out_.context >= 0) {
      const auto& context = out_.entities[out_.context];
      if (int i = input_index(context, id); i >= 0) return record(expr, context.inputs[i].type, ContextRef{i});
    }
    if (id == "as_of" && !scope.constant()) return record(expr, Type{TypeKind::Date}, AsOfRef{});
    for (std::size_t p = 0; p < out_.parameters.size(); ++p)
      if (out_.parameters[p].decl->name.text == id) {
        if (scope.constant()) {
          error("E0205", expr.range, "a parameter cannot be used here", "write the value itself");
          return std::nullopt;
        }
        if (bad_parameters_.count(id)) return std::nullopt;
        return record(expr, out_.parameters[p].type, ParameterRef{static_cast<int>(p)});
      }
    // A bare enumeration value, when exactly one enumeration has it.
    std::vector<std::pair<int, int>> enum_hits;
    for (std::size_t en = 0; en < out_.enums.size(); ++en)
      if (auto ordinal = out_.enums[en].ordinal_of(id)) enum_hits.push_back({static_cast<int>(en), *ordinal});
    if (enum_hits.size() == 1)
      return record(expr, Type{TypeKind::Enum, enum_hits[0].first}, EnumValueRef{enum_hits[0].first, enum_hits[0].second});
    if (enum_hits.size() > 1) {
      error("E0101", expr.range, fmt::format("`{}` is a value of several enumerations", id),
            fmt::format("say which one: {}.{} or {}.{}", out_.enums[enum_hits[0].first].name, id,
                        out_.enums[enum_hits[1].first].name, id));
      return std::nullopt;
    }
    error("E0101", expr.range, fmt::format("unknown name `{}`", id), unknown_name_hint(id, scope));
    return std::nullopt;
  }

  std::string unknown_name_hint(const std::string& id, Scope scope) {
    std::vector<std::string> candidates;
    if (scope.function >= 0)
      for (const auto& param : out_.functions[scope.function].decl->params) candidates.push_back(param.name.text);
    if (out_.context >= 0 && !scope.constant())
      for (const auto& input : out_.entities[out_.context].inputs) candidates.push_back(input.name);
    if (scope.entity >= 0) {
      const auto& entity = out_.entities[scope.entity];
      for (const auto& input : entity.inputs) candidates.push_back(input.name);
      for (const auto& rule : entity.rules) candidates.push_back(rule.decl->name.text);
      for (const auto& collection : entity.collections) candidates.push_back(collection.name);
      for (const auto& parameter : out_.parameters) candidates.push_back(parameter.decl->name.text);
    }
    for (const auto& en : out_.enums)
      for (const auto& value : en.values) candidates.push_back(value);
    std::string hint = did_you_mean(id, candidates);
    if (!hint.empty()) return hint;
    if (scope.entity >= 0) {
      // A field of another entity, perhaps.
      for (const auto& other : out_.entities) {
        if (input_index(other, id) >= 0 || rule_index(other, id) >= 0) {
          const auto& here = out_.entities[scope.entity];
          if (here.parent >= 0 && &other == &out_.entities[here.parent])
            return fmt::format("`{}` belongs to {}: write {}.{}", id, other.name, here.parent_name, id);
          for (const auto& c : here.collections)
            if (c.entity >= 0 && &out_.entities[c.entity] == &other)
              return fmt::format("`{}` belongs to each {}: combine it, e.g. sum({}.{})", id, other.name, c.name, id);
          return fmt::format("`{}` is a field of {}, not of {}", id, other.name, here.name);
        }
      }
      return fmt::format("declare it as an input of {} or as a rule `rule {}.{} = ...`",
                         out_.entities[scope.entity].name, out_.entities[scope.entity].name, id);
    }
    return "";
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::MemberAccess& access, Scope scope) {
    const auto* object = std::get_if<ast::Name>(&access.object->node);
    const std::string& member = access.member.text;
    if (object) {
      // Enumeration.value
      for (std::size_t en = 0; en < out_.enums.size(); ++en) {
        if (out_.enums[en].name != object->name) continue;
        if (auto ordinal = out_.enums[en].ordinal_of(member))
          return record(expr, Type{TypeKind::Enum, static_cast<int>(en)}, EnumValueRef{static_cast<int>(en), *ordinal});
        std::string hint = did_you_mean(member, out_.enums[en].values);
        error("E0101", access.member.range, fmt::format("`{}` is not a value of {}", member, object->name),
              hint.empty() ? "its values are: " + join(out_.enums[en].values) : hint);
        return std::nullopt;
      }
      // household.field from a member entity
      if (scope.entity >= 0) {
        const auto& entity = out_.entities[scope.entity];
        if (!entity.parent_name.empty() && object->name == entity.parent_name) {
          const auto& parent = out_.entities[entity.parent];
          if (int i = input_index(parent, member); i >= 0)
            return record(expr, parent.inputs[i].type, ParentRef{InputRef{entity.parent, i}});
          if (int r = rule_index(parent, member); r >= 0) {
            auto type = check_rule(entity.parent, r);
            return record(expr, type, ParentRef{RuleRef{entity.parent, r}});
          }
          std::vector<std::string> candidates;
          for (const auto& in : parent.inputs) candidates.push_back(in.name);
          for (const auto& rule : parent.rules) candidates.push_back(rule.decl->name.text);
          std::string hint = did_you_mean(member, candidates);
          error("E0101", access.member.range, fmt::format("{} has no field or rule `{}`", parent.name, member), hint);
          return std::nullopt;
        }
        if (collection_index(entity, object->name) >= 0) {
          error("E0207", expr.range, fmt::format("`{}.{}` names one value per member", object->name, member),
                fmt::format("combine them: sum({0}.{1}), min({0}.{1}), max({0}.{1}), any({0}.{1}) or all({0}.{1})",
                            object->name, member));
          return std::nullopt;
        }
      }
    }
    auto inner = check_expr(*access.object, scope);
    if (inner)
      error("E0101", access.member.range, fmt::format("a value of type {} has no field `{}`", describe(*inner), member),
            "only `Enumeration.value` and, in a member's rule, `household.NAME` use a dot");
    return std::nullopt;
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out;
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Unary& unary, Scope scope) {
    auto operand = check_expr(*unary.operand, scope);
    if (!operand) return std::nullopt;
    if (unary.op == ast::UnaryOp::Not) {
      if (operand->kind != TypeKind::Boolean) {
        error("E0201", unary.operand->range, fmt::format("`not` needs a true/false value, but this is {}", describe(*operand)));
        return std::nullopt;
      }
      return record(expr, *operand);
    }
    if (!operand->is_numeric()) {
      error("E0201", expr.range, fmt::format("a sign applies to numbers and amounts, not to {}", describe(*operand)));
      return std::nullopt;
    }
    return record(expr, *operand);
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Binary& binary, Scope scope) {
    auto left = check_expr(*binary.left, scope);
    auto right = check_expr(*binary.right, scope);
    if (!left || !right) return std::nullopt;
    const Type& l = *left;
    const Type& r = *right;
    auto mismatch = [&](std::string hint) -> std::optional<Type> {
      error("E0201", binary.op_range,
            fmt::format("cannot apply `{}` to {} and {}", op_text(binary.op), describe(l), describe(r)),
            std::move(hint));
      return std::nullopt;
    };
    const bool lmoney = l.kind == TypeKind::Money, rmoney = r.kind == TypeKind::Money;
    const bool lperiod = l.kind == TypeKind::Period, rperiod = r.kind == TypeKind::Period;
    if (l.is_series() || r.is_series())
      return mismatch("this value varies by period: read one period of it, e.g. NAME[quarter_of(as_of)], or total(NAME, ...)");
    switch (binary.op) {
      case ast::BinaryOp::Add:
      case ast::BinaryOp::Subtract:
        if (lperiod && r.kind == TypeKind::Integer) return record(expr, l);
        if (rperiod && l.kind == TypeKind::Integer && binary.op == ast::BinaryOp::Add) return record(expr, r);
        if (lperiod && rperiod && l == r && binary.op == ast::BinaryOp::Subtract) return record(expr, Type{TypeKind::Integer});
        if (lperiod || rperiod) return mismatch("a period moves by whole periods: quarter_of(as_of) - 1");
        if (l.kind == TypeKind::Date && r.kind == TypeKind::Date && binary.op == ast::BinaryOp::Subtract)
          return mismatch("count the days with days_between(FROM, TO)");
        if (l.kind == TypeKind::Date && is_dimensionless(r))
          return mismatch("move a date with add_days(DATE, N), add_months(DATE, N) or add_years(DATE, N)");
        if (lmoney && rmoney) return record(expr, l);
        if (is_dimensionless(l) && is_dimensionless(r)) return record(expr, join_dimensionless(l, r));
        if (lmoney || rmoney) return mismatch("amounts of money add only to amounts: write $0, $25.00 ...");
        if (l.kind == TypeKind::Date || r.kind == TypeKind::Date)
          return mismatch("dates are compared, not added; compare them with <, >, =");
        return mismatch("");
      case ast::BinaryOp::Multiply:
        if (lmoney && rmoney) return mismatch("money × money has no meaning; multiply an amount by a rate or a number");
        if (lmoney && is_dimensionless(r)) return record(expr, l);
        if (rmoney && is_dimensionless(l)) return record(expr, r);
        if (is_dimensionless(l) && is_dimensionless(r)) return record(expr, join_dimensionless(l, r));
        return mismatch("");
      case ast::BinaryOp::Divide:
        if (lmoney && rmoney) return record(expr, Type{TypeKind::Decimal});
        if (lmoney && is_dimensionless(r)) return record(expr, l);
        if (rmoney && is_dimensionless(l)) return mismatch("a number divided by an amount of money has no unit pol knows; divide amounts by amounts or by numbers");
        if (is_dimensionless(l) && is_dimensionless(r)) {
          if (l.kind == TypeKind::Rate && r.kind != TypeKind::Rate) return record(expr, l);
          return record(expr, Type{TypeKind::Decimal});
        }
        return mismatch("");
      case ast::BinaryOp::Equal:
      case ast::BinaryOp::NotEqual:
      case ast::BinaryOp::Less:
      case ast::BinaryOp::LessEqual:
      case ast::BinaryOp::Greater:
      case ast::BinaryOp::GreaterEqual: {
        const bool ordering = binary.op != ast::BinaryOp::Equal && binary.op != ast::BinaryOp::NotEqual;
        std::optional<Type> common = unify(l, r);
        if (!common) {
          std::string hint;
          if ((lmoney && is_dimensionless(r)) || (rmoney && is_dimensionless(l)))
            hint = "compare amounts with amounts: write $0, not 0";
          error("E0202", binary.op_range, fmt::format("cannot compare {} with {}", describe(l), describe(r)), hint);
          return std::nullopt;
        }
        if (ordering && !(common->is_numeric() || common->kind == TypeKind::Date || common->kind == TypeKind::Period)) {
          error("E0202", binary.op_range,
                fmt::format("`{}` orders numbers, amounts and dates, not {}", op_text(binary.op), describe(*common)),
                "use = or != for this type");
          return std::nullopt;
        }
        out_.info[&expr] = ExprInfo{Type{TypeKind::Boolean}, *common, {}};
        return Type{TypeKind::Boolean};
      }
      case ast::BinaryOp::And:
      case ast::BinaryOp::Or:
        if (l.kind != TypeKind::Boolean || r.kind != TypeKind::Boolean)
          return mismatch("`and` and `or` join true/false conditions");
        return record(expr, l);
    }
    return std::nullopt;
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Conditional& cond, Scope scope) {
    auto c = check_expr(*cond.condition, scope);
    auto t = check_expr(*cond.then_branch, scope);
    auto e = check_expr(*cond.else_branch, scope);
    if (c && c->kind != TypeKind::Boolean)
      error("E0203", cond.condition->range, fmt::format("the condition of `if` must be true/false, but this is {}", describe(*c)));
    if (!t || !e) return std::nullopt;
    auto common = unify(*t, *e);
    if (!common) {
      std::string hint;
      if ((t->kind == TypeKind::Money && is_dimensionless(*e)) || (e->kind == TypeKind::Money && is_dimensionless(*t)))
        hint = "both branches must be amounts: write $0, not 0";
      error("E0203", cond.else_branch->range,
            fmt::format("the branches of `if` differ: {} after `then`, {} after `else`", describe(*t), describe(*e)), hint);
      return std::nullopt;
    }
    if (!c || c->kind != TypeKind::Boolean) return std::nullopt;
    return record(expr, *common);
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    const std::string& f = call.callee.text;
    if (scope.constant()) {
      error("E0205", expr.range, "a calculation cannot be used here", "write the value itself");
      return std::nullopt;
    }
    if (int sc = schedule_index(f); sc >= 0) return check_schedule_call(expr, call, scope, sc);
    if (int fn = function_index(f); fn >= 0) return check_function_call(expr, call, scope, fn);
    if (auto calendar = check_calendar_call(expr, call, scope)) return *calendar;
    if (auto series = check_series_call(expr, call, scope)) return *series;
    if (scope.entity < 0 && (f == "sum" || f == "count" || f == "any" || f == "all" || call.filter)) {
      error("E0207", expr.range, fmt::format("{}() combines the members of an entity, and a function has none", f),
            "compute it in a rule and pass the result to the function");
      return std::nullopt;
    }
    const bool aggregate_shape = call.filter != nullptr ||
                                 (call.arguments.size() == 1 && !call.arguments[0].label &&
                                  names_collection(*call.arguments[0].value, scope));
    if (f == "sum" || f == "count" || f == "any" || f == "all" ||
        ((f == "min" || f == "max") && aggregate_shape))
      return check_aggregate(expr, call, scope);
    if (call.filter) {
      error("E0205", call.filter->range, fmt::format("`where` filters the members of an aggregate, not {}()", f));
      return std::nullopt;
    }
    if (f == "min" || f == "max") return check_min_max(expr, call, scope);
    if (f == "abs") {
      if (call.arguments.size() != 1 || call.arguments[0].label) {
        error("E0205", expr.range, "abs takes one value: abs(x)");
        return std::nullopt;
      }
      auto t = check_expr(*call.arguments[0].value, scope);
      if (!t) return std::nullopt;
      if (!t->is_numeric()) {
        error("E0205", call.arguments[0].value->range, fmt::format("abs applies to numbers and amounts, not {}", describe(*t)));
        return std::nullopt;
      }
      CallInfo info{Builtin::Abs};
      info.operands.push_back(call.arguments[0].value.get());
      return record(expr, *t, info);
    }
    if (f == "round") return check_round(expr, call, scope);
    std::vector<std::string> names = builtin_function_names();
    for (const auto& fn : out_.functions) names.push_back(fn.decl->name.text);
    for (const auto& sc : out_.schedules) names.push_back(sc.decl->name.text);
    std::string hint = did_you_mean(f, names);
    error("E0105", call.callee.range, fmt::format("unknown function `{}`", f),
          hint.empty() ? "see docs/language.md for the functions; declare your own with `function`" : hint);
    return std::nullopt;
  }


  // ---- calls of schedules, functions, calendar and series builtins ----
  struct Arguments {
    std::vector<const ast::Expr*> positional;
    std::map<std::string, const ast::Argument*> labelled;
    bool ok = true;
  };

  Arguments split_arguments(const ast::Call& call) {
    Arguments args;
    for (const auto& argument : call.arguments) {
      if (!argument.label) {
        if (!args.labelled.empty()) {
          error("E0206", argument.value->range, "a value without a name cannot follow named ones",
                "put the unnamed values first");
          args.ok = false;
        }
        args.positional.push_back(argument.value.get());
      } else if (!args.labelled.emplace(argument.label->text, &argument).second) {
        error("E0206", argument.label->range, fmt::format("`{}:` is given twice", argument.label->text));
        args.ok = false;
      }
    }
    return args;
  }

  // Checks `expr` against `expected`; reports and returns false when it does not fit.
  bool check_argument(const ast::Expr& expr, const Type& expected, Scope scope, const std::string& what) {
    auto type = check_expr(expr, scope);
    if (!type) return false;
    if (!assignable(*type, expected)) {
      error("E0206", expr.range, fmt::format("{} must be {}, but this is {}", what, describe(expected), describe(*type)),
            conversion_hint(*type, expected));
      return false;
    }
    return true;
  }

  std::optional<Type> check_schedule_call(const ast::Expr& expr, const ast::Call& call, Scope scope, int sc) {
    const auto& entry = out_.schedules[sc];
    Arguments args = split_arguments(call);
    if (args.positional.size() != 1 || !args.labelled.empty()) {
      error("E0206", expr.range, fmt::format("schedule `{}` takes one value: {}(x)", call.callee.text, call.callee.text));
      return std::nullopt;
    }
    if (bad_schedules_.count(call.callee.text)) return std::nullopt;
    if (!check_argument(*args.positional[0], entry.argument, scope, fmt::format("the value looked up in `{}`", call.callee.text)))
      return std::nullopt;
    CallInfo info{Builtin::Schedule};
    info.target = sc;
    info.operands = args.positional;
    if (call.filter) error("E0205", call.filter->range, "`where` filters the members of an aggregate");
    return record(expr, entry.result, info);
  }

  std::optional<Type> check_function_call(const ast::Expr& expr, const ast::Call& call, Scope scope, int fn) {
    auto result = check_function(fn);
    const auto& entry = out_.functions[fn];
    const auto& params = entry.decl->params;
    Arguments args = split_arguments(call);
    if (!args.ok) return std::nullopt;
    std::vector<const ast::Expr*> ordered(params.size(), nullptr);
    bool ok = true;
    if (args.positional.size() > params.size()) {
      error("E0206", args.positional[params.size()]->range,
            fmt::format("`{}` takes {} value{}", call.callee.text, params.size(), params.size() == 1 ? "" : "s"));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < args.positional.size(); ++i) ordered[i] = args.positional[i];
    for (const auto& [label, argument] : args.labelled) {
      std::size_t i = 0;
      while (i < params.size() && params[i].name.text != label) ++i;
      if (i == params.size()) {
        std::vector<std::string> names;
        for (const auto& param : params) names.push_back(param.name.text);
        error("E0206", argument->label->range, fmt::format("`{}` has no parameter `{}`", call.callee.text, label),
              did_you_mean(label, names));
        ok = false;
      } else if (ordered[i]) {
        error("E0206", argument->label->range, fmt::format("`{}` is given twice", label));
        ok = false;
      } else {
        ordered[i] = argument->value.get();
      }
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!ordered[i]) {
        error("E0206", expr.range, fmt::format("`{}` needs a value for `{}`", call.callee.text, params[i].name.text),
              fmt::format("declared at {}:{}", params[i].name.range.file, params[i].name.range.begin.line));
        ok = false;
        continue;
      }
      if (!check_argument(*ordered[i], entry.params[i], scope, fmt::format("`{}`", params[i].name.text))) ok = false;
    }
    if (call.filter) error("E0205", call.filter->range, "`where` filters the members of an aggregate");
    if (!ok || !result) return std::nullopt;
    CallInfo info{Builtin::Function};
    info.target = fn;
    info.operands = ordered;
    return record(expr, *result, info);
  }

  // nullopt: `call` is not a calendar function. Otherwise its checked type (itself nullopt on error).
  std::optional<std::optional<Type>> check_calendar_call(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    const std::string& f = call.callee.text;
    static const std::map<std::string, PeriodKind> period_of = {
        {"week_of", PeriodKind::Week}, {"month_of", PeriodKind::Month}, {"quarter_of", PeriodKind::Quarter},
        {"year_of", PeriodKind::Year}};
    static const std::map<std::string, Builtin> date_to_int = {
        {"year_number", Builtin::YearNumber}, {"month_number", Builtin::MonthNumber}, {"day_of_month", Builtin::DayOfMonth}};
    static const std::map<std::string, Builtin> between = {
        {"days_between", Builtin::DaysBetween}, {"whole_weeks_between", Builtin::WeeksBetween},
        {"whole_months_between", Builtin::MonthsBetween}, {"whole_years_between", Builtin::YearsBetween}};
    static const std::map<std::string, Builtin> shifts = {
        {"add_days", Builtin::AddDays}, {"add_months", Builtin::AddMonths}, {"add_years", Builtin::AddYears}};
    const bool known = period_of.count(f) || date_to_int.count(f) || between.count(f) || shifts.count(f) ||
                       f == "start_of" || f == "end_of" || f == "days_in";
    if (!known) return std::nullopt;
    Arguments args = split_arguments(call);
    const Type date{TypeKind::Date}, integer{TypeKind::Integer};
    auto expect_positional = [&](std::size_t n, const char* usage) {
      if (args.positional.size() != n || !(args.labelled.empty() || (f == "add_years" && args.labelled.size() == 1 &&
                                                                     args.labelled.count("feb_29")))) {
        error("E0206", expr.range, fmt::format("write {}", usage));
        return false;
      }
      return args.ok;
    };
    CallInfo info{};
    info.operands = args.positional;
    if (auto it = period_of.find(f); it != period_of.end()) {
      if (!expect_positional(1, (f + "(DATE)").c_str()) || !check_argument(*args.positional[0], date, scope, "the date"))
        return std::optional<Type>{};
      info.builtin = Builtin::PeriodOf;
      info.period = it->second;
      return record(expr, Type{TypeKind::Period, -1, it->second}, info);
    }
    if (auto it = date_to_int.find(f); it != date_to_int.end()) {
      if (!expect_positional(1, (f + "(DATE)").c_str()) || !check_argument(*args.positional[0], date, scope, "the date"))
        return std::optional<Type>{};
      info.builtin = it->second;
      return record(expr, integer, info);
    }
    if (auto it = between.find(f); it != between.end()) {
      if (!expect_positional(2, (f + "(FROM_DATE, TO_DATE)").c_str())) return std::optional<Type>{};
      bool ok = check_argument(*args.positional[0], date, scope, "the first date");
      ok = check_argument(*args.positional[1], date, scope, "the second date") && ok;
      if (!ok) return std::optional<Type>{};
      info.builtin = it->second;
      return record(expr, integer, info);
    }
    if (auto it = shifts.find(f); it != shifts.end()) {
      const char* usage = f == "add_years" ? "add_years(DATE, YEARS) or add_years(DATE, YEARS, feb_29: march_1)"
                                           : f == "add_months" ? "add_months(DATE, MONTHS)" : "add_days(DATE, DAYS)";
      if (!expect_positional(2, usage)) return std::optional<Type>{};
      bool ok = check_argument(*args.positional[0], date, scope, "the date");
      ok = check_argument(*args.positional[1], integer, scope, "the number to add") && ok;
      info.builtin = it->second;
      if (auto leap = args.labelled.find("feb_29"); leap != args.labelled.end()) {
        const auto* name = std::get_if<ast::Name>(&leap->second->value->node);
        if (name && name->name == "march_1") info.leap_day = LeapDay::March1;
        else if (name && name->name == "feb_28") info.leap_day = LeapDay::February28;
        else {
          error("E0206", leap->second->value->range, "write feb_29: march_1 or feb_29: feb_28",
                "the statute says where a 29 February anniversary falls in other years");
          ok = false;
        }
      }
      if (!ok) return std::optional<Type>{};
      return record(expr, date, info);
    }
    // start_of, end_of, days_in: a period
    if (!expect_positional(1, (f + "(PERIOD), e.g. " + f + "(month_of(as_of))").c_str())) return std::optional<Type>{};
    auto type = check_expr(*args.positional[0], scope);
    if (!type) return std::optional<Type>{};
    if (type->kind != TypeKind::Period) {
      error("E0206", args.positional[0]->range, fmt::format("{}() takes a period, but this is {}", f, describe(*type)),
            type->kind == TypeKind::Date ? fmt::format("make a period of the date: {}(month_of(DATE))", f) : "");
      return std::optional<Type>{};
    }
    info.builtin = f == "start_of" ? Builtin::PeriodStart : f == "end_of" ? Builtin::PeriodEnd : Builtin::DaysIn;
    info.period = type->period;
    return record(expr, f == "days_in" ? integer : date, info);
  }

  // nullopt: not a series function. Otherwise its checked type (itself nullopt on error).
  std::optional<std::optional<Type>> check_series_call(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    static const std::map<std::string, Builtin> functions = {
        {"total", Builtin::SeriesTotal}, {"average", Builtin::SeriesAverage}, {"largest", Builtin::SeriesLargest},
        {"smallest", Builtin::SeriesSmallest}, {"count_periods", Builtin::SeriesCount}};
    const std::string& f = call.callee.text;
    auto it = functions.find(f);
    if (it == functions.end()) return std::nullopt;
    const std::string usage =
        f == "count_periods" ? "count_periods(SERIES, from: PERIOD, to: PERIOD, above: VALUE)"
        : f == "largest" || f == "smallest" ? f + "(SERIES, from: PERIOD, to: PERIOD) or " + f + "(SERIES, within: PERIOD, rank: 2)"
                                            : f + "(SERIES, from: PERIOD, to: PERIOD) or " + f + "(SERIES, within: PERIOD)";
    Arguments args = split_arguments(call);
    if (!args.ok) return std::optional<Type>{};
    if (args.positional.size() != 1) {
      error("E0206", expr.range, fmt::format("{}() takes one series and the periods to cover", f), "write " + usage);
      return std::optional<Type>{};
    }
    auto series = check_expr(*args.positional[0], scope);
    if (!series) return std::optional<Type>{};
    if (!series->is_series()) {
      error("E0206", args.positional[0]->range, fmt::format("{}() needs a value that varies by period, but this is {}", f, describe(*series)),
            "declare the input with `by week`, `by month`, `by quarter` or `by year`");
      return std::optional<Type>{};
    }
    const Type element = series->element();
    const Type period{TypeKind::Period, -1, series->period};
    CallInfo info{it->second};
    info.period = series->period;
    info.operands.push_back(args.positional[0]);
    bool ok = true;
    auto allowed = [&](const std::string& label) {
      if (label == "from" || label == "to" || label == "within") return true;
      if (label == "rank") return f == "largest" || f == "smallest";
      if (label == "above") return f == "count_periods";
      return false;
    };
    for (const auto& [label, argument] : args.labelled)
      if (!allowed(label)) {
        error("E0206", argument->label->range, fmt::format("{}() has no `{}:`", f, label), "write " + usage);
        ok = false;
      }
    const auto* from = args.labelled.count("from") ? args.labelled.at("from") : nullptr;
    const auto* to = args.labelled.count("to") ? args.labelled.at("to") : nullptr;
    const auto* within = args.labelled.count("within") ? args.labelled.at("within") : nullptr;
    if (within && (from || to)) {
      error("E0206", within->label->range, "give either `within:` or `from:` and `to:`, not both", "write " + usage);
      return std::optional<Type>{};
    }
    if (within) {
      auto w = check_expr(*within->value, scope);
      if (!w) return std::optional<Type>{};
      if (w->kind != TypeKind::Period || !period_nests_in(series->period, w->period)) {
        error("E0206", within->value->range,
              fmt::format("`within:` needs a period made of whole {}s, but this is {}", period_kind_name(series->period), describe(*w)),
              series->period == PeriodKind::Week ? "weeks straddle months and years: give from: and to: weeks" : "");
        return std::optional<Type>{};
      }
      info.within = true;
      info.operands.push_back(within->value.get());
      info.operands.push_back(within->value.get());
    } else {
      if (!from || !to) {
        error("E0206", expr.range, fmt::format("{}() needs the periods to cover", f), "write " + usage);
        return std::optional<Type>{};
      }
      ok = check_argument(*from->value, period, scope, "`from:`") && ok;
      ok = check_argument(*to->value, period, scope, "`to:`") && ok;
      info.operands.push_back(from->value.get());
      info.operands.push_back(to->value.get());
    }
    Type result = element;
    if (f == "count_periods") {
      const auto* above = args.labelled.count("above") ? args.labelled.at("above") : nullptr;
      if (!above) {
        error("E0206", expr.range, "count_periods() needs the level to count the periods above", "write " + usage);
        return std::optional<Type>{};
      }
      ok = check_argument(*above->value, element, scope, "`above:`") && ok;
      info.operands.push_back(above->value.get());
      result = Type{TypeKind::Integer};
    } else if (args.labelled.count("rank")) {
      ok = check_argument(*args.labelled.at("rank")->value, Type{TypeKind::Integer}, scope, "`rank:`") && ok;
      info.operands.push_back(args.labelled.at("rank")->value.get());
    }
    if (!element.is_numeric()) {
      error("E0206", args.positional[0]->range, fmt::format("{}() combines numbers or amounts, not {}", f, describe(element)));
      return std::optional<Type>{};
    }
    if (f == "average" && element.kind == TypeKind::Integer) result = Type{TypeKind::Decimal};
    if (!ok) return std::optional<Type>{};
    return record(expr, result, info);
  }

  std::optional<Type> check_node(const ast::Expr& expr, const ast::Index& index, Scope scope) {
    auto object = check_expr(*index.object, scope);
    auto at = check_expr(*index.index, scope);
    if (!object || !at) return std::nullopt;
    if (!object->is_series()) {
      error("E0206", index.object->range, fmt::format("only values that vary by period have [ ], but this is {}", describe(*object)),
            "declare the input `by month`, `by quarter`, ... to give one value per period");
      return std::nullopt;
    }
    if (at->kind != TypeKind::Period || at->period != object->period) {
      std::string kind = period_kind_name(object->period);
      error("E0206", index.index->range,
            fmt::format("this value varies by {}, so [ ] takes a {}, but this is {}", kind, kind, describe(*at)),
            at->kind == TypeKind::Date ? fmt::format("write [{}_of(DATE)]", kind)
            : at->kind == TypeKind::Period ? fmt::format("convert explicitly, e.g. total(SERIES, within: PERIOD) for a coarser period")
                                           : "");
      return std::nullopt;
    }
    return record(expr, object->element());
  }

  bool names_collection(const ast::Expr& e, Scope scope) const {
    if (scope.entity < 0) return false;
    const ast::Name* name = std::get_if<ast::Name>(&e.node);
    if (auto* access = std::get_if<ast::MemberAccess>(&e.node)) name = std::get_if<ast::Name>(&access->object->node);
    return name && collection_index(out_.entities[scope.entity], name->name) >= 0;
  }

  std::optional<Type> check_min_max(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    if (call.arguments.size() < 2) {
      error("E0205", expr.range, fmt::format("{}() compares two or more values: {}(a, b)", call.callee.text, call.callee.text),
            fmt::format("over the members of a list write {}(members.NAME)", call.callee.text));
      return std::nullopt;
    }
    CallInfo info{call.callee.text == "min" ? Builtin::Min : Builtin::Max};
    std::optional<Type> common;
    bool ok = true;
    for (const auto& argument : call.arguments) {
      if (argument.label) {
        error("E0205", argument.label->range, fmt::format("{}() takes no named arguments", call.callee.text));
        ok = false;
        continue;
      }
      auto t = check_expr(*argument.value, scope);
      info.operands.push_back(argument.value.get());
      if (!t) { ok = false; continue; }
      if (!(t->is_numeric() || t->kind == TypeKind::Date)) {
        error("E0205", argument.value->range, fmt::format("{}() compares numbers, amounts or dates, not {}", call.callee.text, describe(*t)));
        ok = false;
        continue;
      }
      if (!common) { common = t; continue; }
      auto joined = unify(*common, *t);
      if (!joined) {
        error("E0201", argument.value->range,
              fmt::format("{}() mixes {} and {}", call.callee.text, describe(*common), describe(*t)),
              (common->kind == TypeKind::Money || t->kind == TypeKind::Money) ? "write amounts with a currency sign, e.g. $600" : "");
        ok = false;
        continue;
      }
      common = joined;
    }
    if (!ok || !common) return std::nullopt;
    return record(expr, *common, info);
  }

  std::optional<Type> check_round(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    const ast::Expr* value = nullptr;
    const ast::Expr* unit = nullptr;
    const ast::Expr* mode = nullptr;
    for (const auto& argument : call.arguments) {
      if (!argument.label) {
        if (value) error("E0206", argument.value->range, "round() takes one value to round");
        value = argument.value.get();
      } else if (argument.label->text == "to") {
        unit = argument.value.get();
      } else if (argument.label->text == "mode") {
        mode = argument.value.get();
      } else {
        error("E0206", argument.label->range, fmt::format("round() has no argument `{}`", argument.label->text),
              "write round(x, to: $0.01, mode: half_even)");
      }
    }
    if (!value || !unit || !mode) {
      error("E0206", expr.range, "round() needs the value, the unit and the mode",
            "write round(x, to: $0.01, mode: half_even); modes: half_even, half_up, half_down, toward_zero, "
            "away_from_zero, floor, ceiling");
      return std::nullopt;
    }
    CallInfo info{Builtin::Round};
    info.value = value;
    info.unit = unit;
    const auto* mode_name = std::get_if<ast::Name>(&mode->node);
    const auto& modes = rounding_modes();
    bool ok = true;
    if (!mode_name || !modes.count(mode_name->name)) {
      std::vector<std::string> names;
      for (const auto& [n, m] : modes) names.push_back(n);
      std::string hint = mode_name ? did_you_mean(mode_name->name, names) : "";
      error("E0206", mode->range,
            mode_name ? fmt::format("unknown rounding mode `{}`", mode_name->name) : "the rounding mode must be named",
            hint.empty() ? "the modes are half_even, half_up, half_down, toward_zero, away_from_zero, floor, ceiling" : hint);
      ok = false;
    } else {
      info.mode = modes.at(mode_name->name);
    }
    auto vt = check_expr(*value, scope);
    auto ut = check_expr(*unit, scope);
    if (!vt || !ut || !ok) return std::nullopt;
    if (!vt->is_numeric()) {
      error("E0206", value->range, fmt::format("round() applies to numbers and amounts, not {}", describe(*vt)));
      return std::nullopt;
    }
    const bool money = vt->kind == TypeKind::Money;
    if (money != (ut->kind == TypeKind::Money) || !ut->is_numeric()) {
      error("E0206", unit->range,
            fmt::format("the unit of rounding must be {} like the value, but it is {}", money ? "an amount" : "a number", describe(*ut)),
            money ? "round amounts to an amount: to: $0.01, to: $1" : "round numbers to a number: to: 1, to: 0.01, to: 0.1%");
      return std::nullopt;
    }
    if (auto* lit = std::get_if<ast::Literal>(&unit->node); lit && lit->number.sign() <= 0) {
      error("E0206", unit->range, "the unit of rounding must be greater than zero");
      return std::nullopt;
    }
    Type result = *vt;
    if (vt->kind == TypeKind::Integer) result = join_dimensionless(*vt, *ut);
    // A multiple of a whole number is whole: round(days / 7, to: 1, ...) counts weeks.
    if (vt->kind == TypeKind::Decimal && ut->kind == TypeKind::Integer) result = *ut;
    return record(expr, result, info);
  }

  std::optional<Type> check_aggregate(const ast::Expr& expr, const ast::Call& call, Scope scope) {
    const std::string& f = call.callee.text;
    const auto& entity = out_.entities[scope.entity];
    if (call.arguments.size() != 1 || call.arguments[0].label) {
      error("E0207", expr.range, fmt::format("{}() takes one list of members", f),
            fmt::format("e.g. {}", f == "count" ? "count(members where age < 18)" : f + "(members.NAME where CONDITION)"));
      return std::nullopt;
    }
    const ast::Expr& target = *call.arguments[0].value;
    const ast::Name* collection_name = std::get_if<ast::Name>(&target.node);
    const ast::Identifier* field = nullptr;
    if (auto* access = std::get_if<ast::MemberAccess>(&target.node)) {
      collection_name = std::get_if<ast::Name>(&access->object->node);
      field = &access->member;
    }
    int c = collection_name ? collection_index(entity, collection_name->name) : -1;
    if (c < 0 && collection_name)
      for (const auto& col : entity.collections)
        if (col.name == collection_name->name && col.entity < 0) return std::nullopt;  // its entity is unknown (E0103)
    if (c < 0) {
      std::vector<std::string> names;
      for (const auto& col : entity.collections) names.push_back(col.name);
      std::string hint = collection_name ? did_you_mean(collection_name->name, names) : "";
      error("E0207", target.range, fmt::format("{}() works over a list of members of {}", f, entity.name),
            !hint.empty() ? hint
            : names.empty() ? fmt::format("{} has no list of members", entity.name)
                            : fmt::format("e.g. {}({}{})", f, names[0], f == "count" ? "" : ".NAME"));
      return std::nullopt;
    }
    const int member = entity.collections[c].entity;
    Scope member_scope{member};
    CallInfo info{};
    info.collection = c;
    std::optional<Type> projected;
    if (field) {
      // The projection is a name in the member's scope; give it its own expression node.
      projections_.push_back(std::make_unique<ast::Expr>(ast::Expr{field->range, ast::Name{field->text}}));
      info.projection = projections_.back().get();
      projected = check_expr(*info.projection, member_scope);
      if (!projected) return std::nullopt;
    }
    if (call.filter) {
      auto ft = check_expr(*call.filter, member_scope);
      if (ft && ft->kind != TypeKind::Boolean) {
        error("E0207", call.filter->range, fmt::format("`where` needs a true/false condition, but this is {}", describe(*ft)));
        return std::nullopt;
      }
      if (!ft) return std::nullopt;
    }
    if (f == "count") {
      if (field) {
        error("E0207", target.range, "count() counts members: count(members) or count(members where CONDITION)");
        return std::nullopt;
      }
      info.builtin = Builtin::Count;
      return record(expr, Type{TypeKind::Integer}, info);
    }
    if (f == "any" || f == "all") {
      info.builtin = f == "any" ? Builtin::Any : Builtin::All;
      if (!field) {
        if (f == "all" || !call.filter) {
          error("E0207", target.range, fmt::format("{}() needs a condition on each member", f),
                fmt::format("write {0}({1}.NAME) with NAME a true/false field or rule, or any({1} where CONDITION)", f,
                            collection_name->name));
          return std::nullopt;
        }
        return record(expr, Type{TypeKind::Boolean}, info);
      }
      if (projected->kind != TypeKind::Boolean) {
        error("E0207", target.range, fmt::format("{}() needs true/false values, but `{}` is {}", f, field->text, describe(*projected)));
        return std::nullopt;
      }
      return record(expr, Type{TypeKind::Boolean}, info);
    }
    // sum, min, max
    if (!field) {
      error("E0207", target.range, fmt::format("{}() needs the value to combine: {}({}.NAME)", f, f, collection_name->name));
      return std::nullopt;
    }
    info.builtin = f == "sum" ? Builtin::Sum : f == "min" ? Builtin::AggregateMin : Builtin::AggregateMax;
    if (!projected->is_numeric() && !(f != "sum" && projected->kind == TypeKind::Date)) {
      error("E0207", target.range, fmt::format("{}() combines numbers or amounts, but `{}` is {}", f, field->text, describe(*projected)));
      return std::nullopt;
    }
    return record(expr, *projected, info);
  }

  // ---- tests ----
  void check_tests() {
    for (const auto& test : module_.tests) {
      std::size_t errors_before = diagnostics_.size();
      if (out_.root < 0) continue;
      const auto& root = out_.entities[out_.root];
      if (lower(test.record_entity.text) != lower(root.name) &&
          test.record_entity.text != snake_case(root.name))
        error("E0106", test.record_entity.range,
              fmt::format("a test describes one {}, not `{}`", root.name, test.record_entity.text),
              fmt::format("write `{} {{ ... }}`", snake_case(root.name)));
      if (test.expected_error && !test.expectations.empty())
        error("E0106", test.expected_error->range, "a test expects either an error or values, not both",
              "split it into two tests");
      if (test.context) {
        if (out_.context < 0)
          error("E0106", test.context->range, "this policy declares no context", "declare it: context { input NAME: TYPE }");
        else
          check_object(*test.context, out_.context);
      }
      check_object(test.record, out_.root);
      for (const auto& expectation : test.expectations) {
        const EntityEntry* owner = &root;
        if (expectation.collection) {
          int c = collection_index(root, expectation.collection->text);
          if (c < 0) {
            std::vector<std::string> names;
            for (const auto& col : root.collections) names.push_back(col.name);
            error("E0106", expectation.collection->range,
                  fmt::format("{} has no list `{}`", root.name, expectation.collection->text), did_you_mean(expectation.collection->text, names));
            continue;
          }
          if (expectation.position < 1) {
            error("E0106", expectation.position_range, "members are counted from 1", "write members[1] for the first");
            continue;
          }
          owner = &out_.entities[root.collections[c].entity];
        }
        int r = rule_index(*owner, expectation.output.text);
        if (r < 0) {
          std::vector<std::string> names;
          for (const auto& rule : owner->rules) names.push_back(rule.decl->name.text);
          std::string hint = did_you_mean(expectation.output.text, names);
          if (hint.empty() && !expectation.collection)
            for (const auto& col : root.collections)
              if (col.entity >= 0 && rule_index(out_.entities[col.entity], expectation.output.text) >= 0)
                hint = fmt::format("`{}` is a rule of each {}: write expect {}[1].{} = ...", expectation.output.text,
                                   out_.entities[col.entity].name, col.name, expectation.output.text);
          error("E0106", expectation.output.range,
                fmt::format("{} has no output or rule `{}`", owner->name, expectation.output.text), hint);
          continue;
        }
        auto type = owner->rules[r].type;
        if (type) check_constant(*expectation.value, *type, fmt::format("`{}`", expectation.output.text));
      }
      if (diagnostics_.size() == errors_before) out_.tests.push_back(&test);
    }
  }

  void check_object(const ast::ObjectLiteral& object, int e) {
    const auto& entity = out_.entities[e];
    std::set<std::string> seen;
    for (const auto& field : object.fields) {
      if (!seen.insert(field.name.text).second) {
        error("E0104", field.name.range, fmt::format("field `{}` is given twice", field.name.text));
        continue;
      }
      int c = collection_index(entity, field.name.text);
      if (field.is_list) {
        if (c < 0) {
          error("E0106", field.name.range, fmt::format("{} has no list `{}`", entity.name, field.name.text));
          continue;
        }
        for (const auto& item : field.items) check_object(item, entity.collections[c].entity);
        continue;
      }
      int i = input_index(entity, field.name.text);
      if (i < 0) {
        std::vector<std::string> names;
        for (const auto& in : entity.inputs) names.push_back(in.name);
        std::string hint = did_you_mean(field.name.text, names);
        error("E0106", field.name.range, fmt::format("{} has no input `{}`", entity.name, field.name.text),
              c >= 0 ? fmt::format("`{}` is a list: write {}: [ {{ ... }} ]", field.name.text, field.name.text) : hint);
        continue;
      }
      const Type& type = entity.inputs[i].type;
      if (field.is_series != type.is_series()) {
        error("E0106", field.name.range,
              field.is_series ? fmt::format("`{}` is {}, one value, not a value per period", field.name.text, describe(type))
                              : fmt::format("`{}` varies by {}: give a value per period", field.name.text, period_kind_name(type.period)),
              field.is_series ? "" : fmt::format("write {}: {{ \"{}\": ... }}", field.name.text,
                                                 format_period(type.period, period_of(type.period, Date::from_days(20454)))));
        continue;
      }
      if (!field.is_series) {
        check_constant(*field.value, type, fmt::format("input `{}`", field.name.text));
        continue;
      }
      std::set<std::int64_t> periods;
      for (const auto& entry : field.series) {
        auto period = parse_period(type.period, entry.period.text);
        if (!period) {
          error("E0106", entry.period.range, fmt::format("`{}` is not a {}", entry.period.text, period_kind_name(type.period)),
                fmt::format("write a {} like \"{}\"", period_kind_name(type.period),
                            format_period(type.period, period_of(type.period, Date::from_days(20454)))));
          continue;
        }
        if (!periods.insert(*period).second)
          error("E0104", entry.period.range, fmt::format("{} is given twice", entry.period.text));
        check_constant(*entry.value, type.element(), fmt::format("`{}` in {}", field.name.text, entry.period.text));
      }
    }
  }

  const ast::Module& module_;
  std::vector<Diagnostic>& diagnostics_;
  CheckedModule out_;
  std::vector<std::pair<int, int>> stack_;
  std::set<std::set<std::pair<int, int>>> reported_cycles_;
  std::set<std::string> bad_parameters_;
  std::set<std::string> bad_schedules_;
  std::vector<int> function_stack_;  // functions whose bodies are being checked
  bool unknown_member_entity_ = false;  // a list names an entity that does not exist
  // Expression nodes made for aggregate projections; owned here, referenced by `out_.info`.
  std::vector<std::unique_ptr<ast::Expr>> projections_;

 public:
  std::vector<std::unique_ptr<ast::Expr>> take_projections() { return std::move(projections_); }
};

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(lower(name), lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

CheckedModule check(const ast::Module& module, std::vector<Diagnostic>& diagnostics) {
  Checker checker(module, diagnostics);
  CheckedModule result = checker.run();
  result.projections = checker.take_projections();
  return result;
}

}  // namespace pol::check
