#include "eval/lower.hpp"

#include "eval/batch_plan.hpp"
#include "eval/plan.hpp"
#include "eval/record_independence.hpp"

#include <fmt/format.h>

#include <map>

namespace pol::eval {
namespace {

using detail::kNoNode;
using detail::Node;
using detail::Op;

class Lowering {
 public:
  explicit Lowering(const check::CheckedModule& checked) : checked_(checked) {}

  std::shared_ptr<detail::Program> run() {
    auto program = std::make_shared<detail::Program>();
    program_ = program.get();
    const ast::Module& module = *checked_.module;
    program_->title = module.title.value_or("");
    program_->enums = checked_.enums;
    program_->root_entity = checked_.root;
    program_->context_entity = checked_.context;

    for (const auto& entry : checked_.entities) {
      detail::Entity entity;
      entity.schema = EntitySchema{entry.name, entry.inputs, entry.collections, entry.parent};
      entity.input_defaults.resize(entry.inputs.size());
      for (std::size_t i = 0; i < entry.input_decls.size(); ++i)
        if (entry.input_decls[i]->default_value)
          entity.input_defaults[i] = constant(*entry.input_decls[i]->default_value);  // per period, for a series
      program_->entities.push_back(std::move(entity));
    }

    for (const auto& parameter : checked_.parameters) {
      detail::Parameter lowered;
      lowered.info = ParameterInfo{parameter.decl->name.text, parameter.type,
                                   parameter.decl->citation ? parameter.decl->citation->text : "",
                                   parameter.decl->name.range};
      for (const auto& step : parameter.decl->steps) {
        lowered.steps.push_back(detail::ParameterStep{step.from, constant(*step.value)});
        lowered.info.steps.push_back(DatedCitation{step.from, step.citation ? step.citation->text : ""});
      }
      program_->parameter_infos.push_back(lowered.info);
      program_->parameters.push_back(std::move(lowered));
    }

    for (const auto& schedule : checked_.schedules) {
      const auto& decl = *schedule.decl;
      detail::Schedule lowered;
      lowered.info = ScheduleInfo{decl.name.text, decl.marginal, schedule.argument, schedule.result,
                                  decl.citation ? decl.citation->text : "", decl.name.range};
      for (const auto& version : decl.versions) {
        lowered.info.versions.push_back(DatedCitation{version.from, version.citation ? version.citation->text : ""});
        detail::ScheduleVersion v{version.from, {}};
        for (const auto& band : version.bands) {
          Value threshold = constant(*band.threshold);
          Decimal t = schedule.argument.kind == TypeKind::Date ? Decimal::from_int(threshold.scalar) : threshold.number;
          v.bands.push_back(detail::ScheduleBand{t, band.inclusive, constant(*band.value)});
        }
        lowered.versions.push_back(std::move(v));
      }
      program_->schedule_infos.push_back(lowered.info);
      program_->schedules.push_back(std::move(lowered));
    }

    for (std::size_t e = 0; e < checked_.entities.size(); ++e) {
      const auto& entry = checked_.entities[e];
      for (const auto& rule : entry.rules) {
        detail::Rule lowered;
        const auto& decl = *rule.decl;
        lowered.info = RuleInfo{entry.name, decl.name.text, rule.type.value_or(Type{}), decl.is_output,
                                decl.citation ? decl.citation->text : "", decl.name.range, {}};
        lowered.info.is_requirement = decl.is_requirement;
        if (decl.is_requirement)
          program_->entities[e].requirements.push_back(static_cast<std::uint32_t>(program_->entities[e].rules.size()));
        for (const auto* exception : rule.exceptions)
          lowered.info.exceptions.push_back(ExceptionInfo{exception->label ? exception->label->text : "",
                                                          exception->over ? exception->over->text : "",
                                                          exception->citation ? exception->citation->text : "",
                                                          exception->range});
        current_rule_ = entry.name + "." + decl.name.text;
        lowered.body = lower_definition(rule, 0, lower(*decl.body, rule.type.value_or(Type{})), rule.type.value_or(Type{}));
        program_->rule_infos.push_back(lowered.info);
        program_->entities[e].rules.push_back(std::move(lowered));
      }
    }

    for (auto [e, r] : checked_.outputs) {
      auto& rule = program_->entities[e].rules[r];
      rule.output_index = static_cast<int>(program_->outputs.size());
      program_->outputs.push_back(OutputSchema{rule.info.name, e, rule.info.type, rule.info.citation, rule.info.declared_at});
      program_->output_rules.push_back({e, r});
    }

    for (const auto* test : checked_.tests) program_->tests.push_back(lower_test(*test));
    mark_record_independent_rules(*program_);
    plan_rules(*program_);
    if (auto batch = detail::plan_batch(*program_)) program_->batch_plan = std::make_shared<const detail::BatchPlan>(std::move(*batch));
    return program;
  }

 private:
  // A definition with the exceptions over it: `base` is the definition's own value; `node` is 0 for
  // the base rule and i + 1 for exception i.
  std::uint32_t lower_definition(const check::RuleEntry& rule, std::size_t node, std::uint32_t base, const Type& type,
                                 std::uint32_t description = kNoNode) {
    const auto& over = rule.exceptions_over.empty() ? std::vector<int>{} : rule.exceptions_over[node];
    if (over.empty()) return base;
    std::vector<std::uint32_t> triples;
    for (int i : over) {
      const auto& decl = *rule.exceptions[i];
      std::uint32_t condition = lower(*decl.condition);
      std::string description = fmt::format("{}{}:{}{}", decl.label ? "`" + decl.label->text + "` at " : "the exception at ",
                                            decl.range.file, decl.range.begin.line,
                                            decl.citation ? " (" + decl.citation->text + ")" : "");
      const auto description_index = static_cast<std::uint32_t>(program_->constants.size());
      program_->constants.push_back(Value::of_text(std::move(description)));
      std::uint32_t definition =
          lower_definition(rule, static_cast<std::size_t>(i) + 1, lower(*decl.body, type), type, description_index);
      triples.push_back(condition);
      triples.push_back(definition);
      triples.push_back(description_index);
    }
    Node node_{Op::Exceptions, type};
    node_.a = base;
    node_.b = static_cast<std::uint32_t>(program_->arguments.size());
    node_.c = static_cast<std::uint32_t>(over.size());
    node_.slot = description;  // the definition these exceptions are over; kNoNode: the general rule
    program_->arguments.insert(program_->arguments.end(), triples.begin(), triples.end());
    return emit(node_, rule.decl->range);
  }

  // The index in Program::functions of a recursive function, lowering its body on first use.
  // Its parameters are Param nodes read from the call's frame.
  std::size_t recursive_function(int target) {
    if (auto it = recursive_index_.find(target); it != recursive_index_.end()) return it->second;
    const auto& function = checked_.functions[target];
    const std::size_t index = program_->functions.size();
    recursive_index_[target] = index;
    program_->functions.push_back(detail::Function{function.decl->name.text, kNoNode,
                                                   static_cast<std::uint32_t>(function.params.size())});
    std::vector<std::uint32_t> params;
    for (std::size_t i = 0; i < function.params.size(); ++i) {
      Node param{Op::Param, function.params[i]};
      param.a = static_cast<std::uint32_t>(i);
      params.push_back(emit(param, function.decl->params[i].name.range));
    }
    function_arguments_.push_back(std::move(params));
    function_argument_exprs_.push_back(std::vector<const ast::Expr*>(function.params.size(), nullptr));
    std::uint32_t body = lower(*function.decl->body, *function.result);
    function_arguments_.pop_back();
    function_argument_exprs_.pop_back();
    program_->functions[index].body = body;
    return index;
  }

  // ---- constants ----
  Value constant(const ast::Expr& expr) {
    if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
      Value v = constant(*unary->operand);
      if (unary->op == ast::UnaryOp::Negate) v.number = -v.number;
      return v;
    }
    if (const auto* literal = std::get_if<ast::Literal>(&expr.node)) {
      auto info = checked_.info.find(&expr);
      if (literal->kind == ast::LiteralKind::Text && info != checked_.info.end() && info->second.type.kind == TypeKind::Period)
        return Value::of_period(*parse_period(info->second.type.period, literal->text));
      return literal_value(*literal);
    }
    const auto& info = checked_.info.at(&expr);
    if (const auto* enum_value = std::get_if<check::EnumValueRef>(&info.resolution))
      return Value::of_enum(enum_value->ordinal);
    return Value{};
  }

  static Value literal_value(const ast::Literal& literal) {
    switch (literal.kind) {
      case ast::LiteralKind::Boolean: return Value::of_bool(literal.boolean);
      case ast::LiteralKind::Date: return Value::of_date(literal.date);
      case ast::LiteralKind::Text: return Value::of_text(literal.text);
      default: return Value::of_number(literal.number);
    }
  }

  // ---- expressions ----
  std::uint32_t emit(Node node, const SourceRange& range) {
    node.where = static_cast<std::uint32_t>(program_->locations.size());
    program_->locations.push_back(range);
    program_->nodes.push_back(node);
    return static_cast<std::uint32_t>(program_->nodes.size() - 1);
  }

  std::uint32_t emit_constant(Value value, Type type, const SourceRange& range) {
    Node node{Op::Constant, type};
    node.a = static_cast<std::uint32_t>(program_->constants.size());
    program_->constants.push_back(std::move(value));
    return emit(node, range);
  }

  // `expected` is the type the context needs; it only differs from the expression's own type for
  // dimensionless numbers, whose representation is the same, so no conversion node is needed.
  std::uint32_t lower(const ast::Expr& expr, const Type& expected) {
    const auto& info = checked_.info.at(&expr);
    return std::visit([&](const auto& node) { return lower_node(expr, info, node); }, expr.node);
  }

  std::uint32_t lower(const ast::Expr& expr) { return lower(expr, checked_.info.at(&expr).type); }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Literal& literal) {
    return emit_constant(literal_value(literal), info.type, expr.range);
  }

  std::uint32_t lower_reference(const ast::Expr& expr, const check::ExprInfo& info) {
    return std::visit(
        [&](const auto& target) -> std::uint32_t {
          using T = std::decay_t<decltype(target)>;
          if constexpr (std::is_same_v<T, check::InputRef>) {
            Node node{Op::Input, info.type};
            node.a = static_cast<std::uint32_t>(target.index);
            return emit(node, expr.range);
          } else if constexpr (std::is_same_v<T, check::RuleRef>) {
            Node node{Op::Rule, info.type};
            node.a = static_cast<std::uint32_t>(target.index);
            return emit(node, expr.range);
          } else if constexpr (std::is_same_v<T, check::ParameterRef>) {
            Node node{Op::Parameter, info.type};
            node.a = static_cast<std::uint32_t>(target.index);
            return emit(node, expr.range);
          } else if constexpr (std::is_same_v<T, check::ContextRef>) {
            Node node{Op::Context, info.type};
            node.a = static_cast<std::uint32_t>(target.index);
            return emit(node, expr.range);
          } else if constexpr (std::is_same_v<T, check::AsOfRef>) {
            return emit(Node{Op::AsOf, info.type}, expr.range);
          } else if constexpr (std::is_same_v<T, check::FunctionParamRef>) {
            return function_arguments_.back().at(static_cast<std::size_t>(target.index));
          } else if constexpr (std::is_same_v<T, check::EnumValueRef>) {
            return emit_constant(Value::of_enum(target.ordinal), info.type, expr.range);
          } else if constexpr (std::is_same_v<T, check::ParentRef>) {
            Node child{};
            child.type = info.type;
            std::visit(
                [&](const auto& t) {
                  using U = std::decay_t<decltype(t)>;
                  child.op = std::is_same_v<U, check::InputRef> ? Op::Input : Op::Rule;
                  child.a = static_cast<std::uint32_t>(t.index);
                },
                target.target);
            std::uint32_t inner = emit(child, expr.range);
            Node node{Op::Parent, info.type};
            node.a = inner;
            return emit(node, expr.range);
          } else {
            return emit_constant(Value{}, info.type, expr.range);  // not reached for checked code
          }
        },
        info.resolution);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Name&) {
    return lower_reference(expr, info);
  }
  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::MemberAccess&) {
    return lower_reference(expr, info);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Unary& unary) {
    std::uint32_t operand = lower(*unary.operand);
    if (unary.op == ast::UnaryOp::Plus) return operand;
    Node node{unary.op == ast::UnaryOp::Not ? Op::Not : Op::Negate, info.type};
    node.a = operand;
    return emit(node, expr.range);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Binary& binary) {
    static constexpr Op ops[] = {Op::Add,  Op::Subtract,  Op::Multiply, Op::Divide,    Op::Equal, Op::NotEqual,
                                 Op::Less, Op::LessEqual, Op::Greater,  Op::GreaterEqual, Op::And, Op::Or};
    Node node{ops[static_cast<int>(binary.op)], info.type};
    node.operand_type = info.operand_type;
    const Type& left = checked_.info.at(binary.left.get()).type;
    const Type& right = checked_.info.at(binary.right.get()).type;
    node.a = lower(*binary.left);
    node.b = lower(*binary.right);
    if (binary.op == ast::BinaryOp::Add || binary.op == ast::BinaryOp::Subtract) {
      if (left.kind == TypeKind::Period && right.kind == TypeKind::Period) {
        node.op = Op::PeriodDiff;
      } else if (left.kind == TypeKind::Period || right.kind == TypeKind::Period) {
        if (right.kind == TypeKind::Period) std::swap(node.a, node.b);
        node.op = Op::PeriodShift;
        node.negate = binary.op == ast::BinaryOp::Subtract;
      }
    }
    return emit(node, expr.range);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Conditional& cond) {
    Node node{Op::If, info.type};
    node.a = lower(*cond.condition);
    node.b = lower(*cond.then_branch);
    node.c = lower(*cond.else_branch);
    return emit(node, expr.range);
  }

  // The constant index of the value a series gives for a period it does not list (its input's
  // default), or kNoNode.
  std::uint32_t series_default(const ast::Expr& series) {
    const auto& info = checked_.info.at(&series);
    const ast::Expr* default_value = nullptr;
    auto input_default = [&](int entity, int index) {
      return checked_.entities[entity].input_decls[index]->default_value.get();
    };
    if (const auto* in = std::get_if<check::InputRef>(&info.resolution)) default_value = input_default(in->entity, in->index);
    if (const auto* cx = std::get_if<check::ContextRef>(&info.resolution)) default_value = input_default(checked_.context, cx->index);
    if (const auto* parent = std::get_if<check::ParentRef>(&info.resolution))
      if (const auto* in = std::get_if<check::InputRef>(&parent->target)) default_value = input_default(in->entity, in->index);
    if (const auto* param = std::get_if<check::FunctionParamRef>(&info.resolution)) {
      // Inside an inlined function: the default of whatever series the caller passed, looked up
      // in the caller's frame. (A recursive function's series parameter has no static default.)
      if (function_argument_exprs_.empty() || !function_argument_exprs_.back()[param->index]) return kNoNode;
      auto frame = std::move(function_argument_exprs_.back());
      function_argument_exprs_.pop_back();
      std::uint32_t found = series_default(*frame[param->index]);
      function_argument_exprs_.push_back(std::move(frame));
      return found;
    }
    if (!default_value) return kNoNode;
    program_->constants.push_back(constant(*default_value));
    return static_cast<std::uint32_t>(program_->constants.size() - 1);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Index& index) {
    Node node{Op::SeriesAt, info.type};
    node.a = lower(*index.object);
    node.b = lower(*index.index);
    node.c = series_default(*index.object);
    node.period = checked_.info.at(index.object.get()).type.period;
    return emit(node, expr.range);
  }

  std::uint32_t lower_node(const ast::Expr& expr, const check::ExprInfo& info, const ast::Call& call) {
    const auto& c = std::get<check::CallInfo>(info.resolution);
    Node node{};
    node.type = info.type;
    node.period = c.period;
    node.leap_day = c.leap_day;
    node.within = c.within;
    auto lower_operands = [&](Op op) {
      node.op = op;
      if (c.operands.size() > 0) node.a = lower(*c.operands[0]);
      if (c.operands.size() > 1) node.b = lower(*c.operands[1]);
      return emit(node, expr.range);
    };
    switch (c.builtin) {
      case check::Builtin::PeriodOf: return lower_operands(Op::PeriodOf);
      case check::Builtin::PeriodStart: return lower_operands(Op::PeriodStart);
      case check::Builtin::PeriodEnd: return lower_operands(Op::PeriodEnd);
      case check::Builtin::DaysIn: return lower_operands(Op::DaysIn);
      case check::Builtin::AddDays: return lower_operands(Op::AddDays);
      case check::Builtin::AddMonths: return lower_operands(Op::AddMonths);
      case check::Builtin::AddYears: return lower_operands(Op::AddYears);
      case check::Builtin::DaysBetween: return lower_operands(Op::DaysBetween);
      case check::Builtin::WeeksBetween: return lower_operands(Op::WeeksBetween);
      case check::Builtin::MonthsBetween: return lower_operands(Op::MonthsBetween);
      case check::Builtin::YearsBetween: return lower_operands(Op::YearsBetween);
      case check::Builtin::YearNumber: return lower_operands(Op::YearNumber);
      case check::Builtin::MonthNumber: return lower_operands(Op::MonthNumber);
      case check::Builtin::DayOfMonth: return lower_operands(Op::DayOfMonth);
      case check::Builtin::Schedule:
        node.slot = static_cast<std::uint32_t>(c.target);
        return lower_operands(Op::Schedule);
      case check::Builtin::SeriesTotal:
      case check::Builtin::SeriesAverage:
      case check::Builtin::SeriesLargest:
      case check::Builtin::SeriesSmallest:
      case check::Builtin::SeriesCount: {
        static constexpr Op ops[] = {Op::SeriesTotal, Op::SeriesAverage, Op::SeriesLargest, Op::SeriesSmallest, Op::SeriesCount};
        node.op = ops[static_cast<int>(c.builtin) - static_cast<int>(check::Builtin::SeriesTotal)];
        std::vector<std::uint32_t> operands;
        for (const auto* operand : c.operands) operands.push_back(lower(*operand));
        node.a = static_cast<std::uint32_t>(program_->arguments.size());
        node.b = static_cast<std::uint32_t>(operands.size());
        node.c = series_default(*c.operands[0]);
        program_->arguments.insert(program_->arguments.end(), operands.begin(), operands.end());
        return emit(node, expr.range);
      }
      case check::Builtin::Function: {
        std::vector<std::uint32_t> arguments;
        for (const auto* operand : c.operands) arguments.push_back(lower(*operand));
        if (checked_.functions[c.target].recursive) {
          node.op = Op::Call;
          node.slot = static_cast<std::uint32_t>(recursive_function(c.target));
          node.a = static_cast<std::uint32_t>(program_->arguments.size());
          node.b = static_cast<std::uint32_t>(arguments.size());
          program_->arguments.insert(program_->arguments.end(), arguments.begin(), arguments.end());
          return emit(node, expr.range);
        }
        // Other functions are inlined: the body's parameter references become the argument nodes.
        function_arguments_.push_back(std::move(arguments));
        function_argument_exprs_.push_back(c.operands);
        const auto& function = checked_.functions[c.target];
        std::uint32_t body = lower(*function.decl->body, *function.result);
        function_arguments_.pop_back();
        function_argument_exprs_.pop_back();
        return body;
      }
      default: break;
    }
    switch (c.builtin) {
      case check::Builtin::Min:
      case check::Builtin::Max: {
        node.op = c.builtin == check::Builtin::Min ? Op::Min : Op::Max;
        std::vector<std::uint32_t> operands;
        for (const auto* operand : c.operands) operands.push_back(lower(*operand));
        node.a = static_cast<std::uint32_t>(program_->arguments.size());
        node.b = static_cast<std::uint32_t>(operands.size());
        program_->arguments.insert(program_->arguments.end(), operands.begin(), operands.end());
        return emit(node, expr.range);
      }
      case check::Builtin::Abs:
        node.op = Op::Abs;
        node.a = lower(*c.operands[0]);
        return emit(node, expr.range);
      case check::Builtin::Round:
        node.op = Op::Round;
        node.mode = c.mode;
        node.a = lower(*c.value);
        node.b = lower(*c.unit);
        return emit(node, expr.range);
      case check::Builtin::Count: node.op = Op::Count; break;
      case check::Builtin::Sum: node.op = Op::Sum; break;
      case check::Builtin::AggregateMin: node.op = Op::AggregateMin; break;
      case check::Builtin::AggregateMax: node.op = Op::AggregateMax; break;
      case check::Builtin::Any: node.op = Op::Any; break;
      case check::Builtin::All: node.op = Op::All; break;
      default: break;
    }
    node.slot = static_cast<std::uint32_t>(c.collection);
    if (c.projection) node.a = lower(*c.projection);
    if (call.filter) node.b = lower(*call.filter);
    return emit(node, expr.range);
  }

  // ---- tests ----
  EntityRecord record_of(const ast::ObjectLiteral& object, int entity) {
    const auto& schema = program_->entities[entity].schema;
    EntityRecord record;
    record.inputs.resize(schema.inputs.size());
    record.collections.resize(schema.collections.size());
    for (const auto& field : object.fields) {
      if (field.is_list) {
        int c = schema.collection_index(field.name.text);
        for (const auto& item : field.items)
          record.collections[c].push_back(record_of(item, schema.collections[c].entity));
      } else if (field.is_series) {
        const int i = schema.input_index(field.name.text);
        SeriesValues values;
        for (const auto& entry : field.series)
          values[*parse_period(schema.inputs[i].type.period, entry.period.text)] = constant(*entry.value);
        record.inputs[i] = Value::of_series(std::move(values));
      } else {
        record.inputs[schema.input_index(field.name.text)] = constant(*field.value);
      }
    }
    return record;
  }

  detail::InlineTest lower_test(const ast::TestDecl& test) {
    detail::InlineTest lowered;
    lowered.name = test.name;
    lowered.location = test.range;
    lowered.as_of = test.as_of;
    lowered.record.id = test.name;
    lowered.record.root = record_of(test.record, checked_.root);
    if (test.context) lowered.context = record_of(*test.context, checked_.context);
    if (test.expected_error) lowered.expected_error = test.expected_error->text;
    const auto& root = program_->entities[checked_.root];
    for (const auto& expectation : test.expectations) {
      detail::TestExpectation e;
      e.output = expectation.output.text;
      const detail::Entity* owner = &root;
      if (expectation.collection) {
        e.collection = root.schema.collection_index(expectation.collection->text);
        e.position = expectation.position;
        owner = &program_->entities[root.schema.collections[e.collection].entity];
        e.output = fmt::format("{}[{}].{}", expectation.collection->text, expectation.position, e.output);
      }
      for (std::size_t r = 0; r < owner->rules.size(); ++r)
        if (owner->rules[r].info.name == expectation.output.text) e.rule = static_cast<int>(r);
      e.type = owner->rules[e.rule].info.type;
      e.value = constant(*expectation.value);
      e.location = expectation.range;
      lowered.expectations.push_back(std::move(e));
    }
    return lowered;
  }

  const check::CheckedModule& checked_;
  detail::Program* program_ = nullptr;
  std::string current_rule_;
  std::vector<std::vector<std::uint32_t>> function_arguments_;  // one frame per inlined call
  std::map<int, std::size_t> recursive_index_;
  std::vector<std::vector<const ast::Expr*>> function_argument_exprs_;  // the caller's argument expressions
};

}  // namespace

std::shared_ptr<const detail::Program> lower(const check::CheckedModule& checked) {
  return Lowering(checked).run();
}

}  // namespace pol::eval
