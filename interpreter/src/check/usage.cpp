#include "check/usage.hpp"

#include <fmt/format.h>

#include <set>

namespace pol::check {
namespace {

using RuleId = std::pair<int, int>;

// Collects the rules an expression reads, following aggregate projections into member scope.
class RuleReads {
 public:
  explicit RuleReads(const CheckedModule& checked) : checked_(checked) {}

  void walk(const ast::Expr* expr, std::vector<RuleId>& out) const {
    if (!expr) return;
    if (auto it = checked_.info.find(expr); it != checked_.info.end()) {
      const auto& resolution = it->second.resolution;
      if (const auto* rule = std::get_if<RuleRef>(&resolution)) out.push_back({rule->entity, rule->index});
      if (const auto* parent = std::get_if<ParentRef>(&resolution))
        if (const auto* rule = std::get_if<RuleRef>(&parent->target)) out.push_back({rule->entity, rule->index});
      if (const auto* call = std::get_if<CallInfo>(&resolution)) walk(call->projection, out);
    }
    std::visit([&](const auto& node) { children(node, out); }, expr->node);
  }

 private:
  void children(const ast::Literal&, std::vector<RuleId>&) const {}
  void children(const ast::Name&, std::vector<RuleId>&) const {}
  void children(const ast::MemberAccess& n, std::vector<RuleId>& out) const { walk(n.object.get(), out); }
  void children(const ast::Unary& n, std::vector<RuleId>& out) const { walk(n.operand.get(), out); }
  void children(const ast::Binary& n, std::vector<RuleId>& out) const {
    walk(n.left.get(), out);
    walk(n.right.get(), out);
  }
  void children(const ast::Conditional& n, std::vector<RuleId>& out) const {
    walk(n.condition.get(), out);
    walk(n.then_branch.get(), out);
    walk(n.else_branch.get(), out);
  }
  void children(const ast::Call& n, std::vector<RuleId>& out) const {
    for (const auto& argument : n.arguments) walk(argument.value.get(), out);
    walk(n.filter.get(), out);
  }
  void children(const ast::Index& n, std::vector<RuleId>& out) const {
    walk(n.object.get(), out);
    walk(n.index.get(), out);
  }

  const CheckedModule& checked_;
};

int rule_named(const EntityEntry& entity, const std::string& name) {
  for (std::size_t r = 0; r < entity.rules.size(); ++r)
    if (entity.rules[r].decl->name.text == name) return static_cast<int>(r);
  return -1;
}

}  // namespace

void warn(const CheckedModule& checked, const LintOptions& options, std::vector<Diagnostic>& diagnostics) {
  // Rules count as used when an output, a requirement or an inline test reads them, directly or
  // through other rules.
  std::vector<RuleId> pending;
  for (std::size_t e = 0; e < checked.entities.size(); ++e)
    for (std::size_t r = 0; r < checked.entities[e].rules.size(); ++r) {
      const auto* decl = checked.entities[e].rules[r].decl;
      if (decl->is_output || decl->is_requirement) pending.push_back({static_cast<int>(e), static_cast<int>(r)});
    }
  if (checked.root >= 0) {
    const auto& root = checked.entities[checked.root];
    for (const auto* test : checked.tests)
      for (const auto& expectation : test->expectations) {
        const EntityEntry* owner = &root;
        int entity = checked.root;
        if (expectation.collection)
          for (const auto& c : root.collections)
            if (c.name == expectation.collection->text && c.entity >= 0) {
              owner = &checked.entities[c.entity];
              entity = c.entity;
            }
        if (int r = rule_named(*owner, expectation.output.text); r >= 0) pending.push_back({entity, r});
      }
  }
  RuleReads reads(checked);
  std::set<RuleId> used;
  while (!pending.empty()) {
    RuleId id = pending.back();
    pending.pop_back();
    if (!used.insert(id).second) continue;
    const auto& rule = checked.entities[id.first].rules[id.second];
    reads.walk(rule.decl->body.get(), pending);
    for (const auto* exception : rule.exceptions) {
      reads.walk(exception->body.get(), pending);
      reads.walk(exception->condition.get(), pending);
    }
  }
  for (std::size_t e = 0; e < checked.entities.size(); ++e)
    for (std::size_t r = 0; r < checked.entities[e].rules.size(); ++r) {
      if (used.count({static_cast<int>(e), static_cast<int>(r)})) continue;
      const auto* decl = checked.entities[e].rules[r].decl;
      diagnostics.push_back(Diagnostic{
          "W0101", Severity::Warning, decl->name.range,
          fmt::format("rule `{}.{}` is not used by any output", checked.entities[e].name, decl->name.text),
          "use it in an output or a test, make it an output, or remove it", {}});
    }
  if (!options.strict) return;
  for (const auto& parameter : checked.parameters) {
    bool cited = parameter.decl->citation.has_value();
    for (const auto& step : parameter.decl->steps) cited = cited || step.citation.has_value();
    if (!cited)
      diagnostics.push_back(Diagnostic{"W0102", Severity::Warning, parameter.decl->name.range,
                                       fmt::format("parameter `{}` has no citation", parameter.decl->name.text),
                                       "say where the value comes from: cite \"Act s.4(2)\"", {}});
  }
  for (const auto& schedule : checked.schedules) {
    bool cited = schedule.decl->citation.has_value();
    for (const auto& version : schedule.decl->versions) cited = cited || version.citation.has_value();
    if (!cited)
      diagnostics.push_back(Diagnostic{"W0102", Severity::Warning, schedule.decl->name.range,
                                       fmt::format("schedule `{}` has no citation", schedule.decl->name.text),
                                       "say where the bands come from: cite \"Act s.4(2)\"", {}});
  }
}

}  // namespace pol::check
