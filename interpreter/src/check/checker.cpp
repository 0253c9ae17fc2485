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

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
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
};

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
    declare_rules();
    check_parameters();
    check_input_defaults();
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
    auto& d = error("E0104", again.range, fmt::format("{} `{}`{} is defined twice", what, again.text, where),
                    "remove one definition, or give it another name");
    d.notes.push_back({first, "first defined here"});
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

  std::optional<Type> resolve_type(const ast::TypeRef& ref) {
    const auto& builtins = builtin_types();
    if (auto it = builtins.find(ref.name.text); it != builtins.end()) return Type{it->second};
    for (std::size_t i = 0; i < out_.enums.size(); ++i)
      if (out_.enums[i].name == ref.name.text) return Type{TypeKind::Enum, static_cast<int>(i)};
    std::vector<std::string> candidates;
    for (const auto& [name, kind] : builtins) candidates.push_back(name);
    for (const auto& e : out_.enums) candidates.push_back(e.name);
    std::string hint = did_you_mean(ref.name.text, candidates);
    if (hint.empty()) hint = "the types are boolean, integer, decimal, money, rate, date, text, or an enumeration declared with `enum`";
    error("E0102", ref.name.range, fmt::format("unknown type `{}`", ref.name.text), hint);
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
        duplicate(decl.name, it->second, "entity");
        continue;
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
        auto type = resolve_type(input.type);
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
      if (out_.entities[e].parent < 0) roots.push_back(static_cast<int>(e));
    if (roots.size() == 1) {
      out_.root = roots[0];
    } else if (roots.size() > 1) {
      auto& d = error("E0304", out_.entities[roots[1]].decl->name.range,
                      fmt::format("entities `{}` and `{}` are both top-level", out_.entities[roots[0]].name,
                                  out_.entities[roots[1]].name),
                      fmt::format("a record has one top-level entity; list the other in it, e.g. `members: list of {}`",
                                  out_.entities[roots[1]].name));
      d.notes.push_back({out_.entities[roots[0]].decl->name.range, "the other top-level entity"});
    } else if (!out_.entities.empty()) {
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
      if (decl.is_output && e != out_.root && out_.root >= 0)
        error("E0303", decl.entity.range,
              fmt::format("outputs belong to the top-level entity `{}`, not to `{}`", out_.entities[out_.root].name,
                          entity.name),
              fmt::format("write `rule {}.{}` and add an output on {} that aggregates it, e.g. sum(...)",
                          entity.name, decl.name.text, out_.entities[out_.root].name));
      entity.rules.push_back(RuleEntry{&decl, std::nullopt, RuleEntry::State::Unchecked});
      if (decl.is_output && e == out_.root)
        out_.outputs.push_back({e, static_cast<int>(entity.rules.size()) - 1});
    }
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
          check_constant(*entity.input_decls[i]->default_value, entity.inputs[i].type,
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
    stack_.pop_back();
    auto& done = out_.entities[e].rules[r];  // re-fetch: nothing reallocates, but stay safe
    done.type = result;
    done.state = RuleEntry::State::Done;
    return result;
  }

  std::optional<Type> resolve_type_quiet(const ast::TypeRef& ref) {
    const auto& builtins = builtin_types();
    if (auto it = builtins.find(ref.name.text); it != builtins.end()) return Type{it->second};
    for (std::size_t i = 0; i < out_.enums.size(); ++i)
      if (out_.enums[i].name == ref.name.text) return Type{TypeKind::Enum, static_cast<int>(i)};
    return std::nullopt;
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
    for (std::size_t p = 0; p < out_.parameters.size(); ++p)
      if (out_.parameters[p].decl->name.text == id) {
        if (scope.entity < 0) {
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
    switch (binary.op) {
      case ast::BinaryOp::Add:
      case ast::BinaryOp::Subtract:
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
        if (ordering && !(common->is_numeric() || common->kind == TypeKind::Date)) {
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
    if (scope.entity < 0) {
      error("E0205", expr.range, "a calculation cannot be used here", "write the value itself");
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
    std::string hint = did_you_mean(f, {"min", "max", "abs", "round", "sum", "count", "any", "all"});
    error("E0105", call.callee.range, fmt::format("unknown function `{}`", f),
          hint.empty() ? "the functions are min, max, abs, round, sum, count, any and all" : hint);
    return std::nullopt;
  }

  bool names_collection(const ast::Expr& e, Scope scope) const {
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
      check_object(test.record, out_.root);
      for (const auto& expectation : test.expectations) {
        int r = rule_index(root, expectation.output.text);
        if (r < 0) {
          std::vector<std::string> names;
          for (const auto& rule : root.rules) names.push_back(rule.decl->name.text);
          std::string hint = did_you_mean(expectation.output.text, names);
          error("E0106", expectation.output.range,
                fmt::format("{} has no output or rule `{}`", root.name, expectation.output.text), hint);
          continue;
        }
        auto type = root.rules[r].type;
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
      check_constant(*field.value, entity.inputs[i].type, fmt::format("input `{}`", field.name.text));
    }
  }

  const ast::Module& module_;
  std::vector<Diagnostic>& diagnostics_;
  CheckedModule out_;
  std::vector<std::pair<int, int>> stack_;
  std::set<std::set<std::pair<int, int>>> reported_cycles_;
  std::set<std::string> bad_parameters_;
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
