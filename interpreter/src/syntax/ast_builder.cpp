#include "syntax/ast_builder.hpp"

#include <fmt/format.h>

#include "syntax/source_range.hpp"

namespace pol::syntax {
namespace {

using P = pol_grammar::PolParser;

class AstBuilder {
 public:
  AstBuilder(std::string file, std::vector<Diagnostic>& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  ast::Module build(P::PolicyFileContext* file) {
    ast::Module module;
    module.path = file_;
    if (auto* header = file->header()) {
      module.title = unquote(header->title);
      if (header->citation()) module.title_citation = citation(header->citation());
    }
    for (auto* import : file->importDecl()) {
      ast::ImportDecl decl;
      decl.range = context_range(file_, import);
      if (import->path) decl.path = unquote(import->path);
      else decl.module = ident(import->module);
      module.imports.push_back(std::move(decl));
    }
    for (auto* decl : file->declaration()) {
      if (auto* e = decl->enumDecl()) module.enums.push_back(enum_decl(e));
      else if (auto* e = decl->entityDecl()) module.entities.push_back(entity_decl(e));
      else if (auto* c = decl->contextDecl()) module.entities.push_back(context_decl(c));
      else if (auto* p = decl->parameterDecl()) module.parameters.push_back(parameter_decl(p));
      else if (auto* s = decl->scheduleDecl()) module.schedules.push_back(schedule_decl(s));
      else if (auto* f = decl->functionDecl()) module.functions.push_back(function_decl(f));
      else if (auto* r = decl->ruleDecl()) module.rules.push_back(rule_decl(r));
      else if (auto* q = decl->requireDecl()) module.rules.push_back(require_decl(q));
      else if (auto* x = decl->exceptionDecl()) module.exceptions.push_back(exception_decl(x));
      else if (auto* t = decl->testDecl()) module.tests.push_back(test_decl(t));
    }
    return module;
  }

 private:
  ast::Identifier ident(antlr4::Token* token) {
    return ast::Identifier{token ? token->getText() : std::string(), token_range(file_, token)};
  }
  ast::Identifier ident(antlr4::tree::TerminalNode* node) {
    return ident(node ? node->getSymbol() : nullptr);
  }

  void error(const std::string& code, SourceRange range, std::string message, std::string hint) {
    diagnostics_.push_back(Diagnostic{code, Severity::Error, std::move(range), std::move(message),
                                      std::move(hint), {}});
  }

  std::string unquote(antlr4::Token* token) {
    const std::string text = token->getText();
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      if (text[i] == '\\' && i + 2 < text.size()) {
        char next = text[++i];
        out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      } else {
        out += text[i];
      }
    }
    return out;
  }

  ast::Citation citation(P::CitationContext* ctx) {
    return ast::Citation{unquote(ctx->STRING()->getSymbol()), context_range(file_, ctx)};
  }
  std::optional<ast::Citation> optional_citation(P::CitationContext* ctx) {
    if (!ctx) return std::nullopt;
    return citation(ctx);
  }

  ast::EnumDecl enum_decl(P::EnumDeclContext* ctx) {
    ast::EnumDecl decl{ident(ctx->name), {}};
    for (auto* value : ctx->enumValue()) decl.values.push_back(ident(value->IDENT()));
    return decl;
  }

  ast::EntityDecl entity_decl(P::EntityDeclContext* ctx) {
    ast::EntityDecl decl;
    decl.name = ident(ctx->name);
    members(decl, ctx->entityMember());
    return decl;
  }

  ast::EntityDecl context_decl(P::ContextDeclContext* ctx) {
    ast::EntityDecl decl;
    decl.is_context = true;
    decl.name = ident(ctx->CONTEXT());
    members(decl, ctx->entityMember());
    return decl;
  }

  void members(ast::EntityDecl& decl, const std::vector<P::EntityMemberContext*>& list) {
    for (auto* member : list) {
      if (auto* input = dynamic_cast<P::InputMemberContext*>(member)) {
        ast::InputDecl in;
        in.name = ident(input->name);
        in.type = type_ref(input->typeRef());
        if (input->defaultValue) in.default_value = expr(input->defaultValue);
        in.citation = optional_citation(input->citation());
        decl.inputs.push_back(std::move(in));
      } else if (auto* collection = dynamic_cast<P::CollectionMemberContext*>(member)) {
        decl.collections.push_back(ast::CollectionDecl{ident(collection->name), ident(collection->entity),
                                                       optional_citation(collection->citation())});
      }
    }
  }

  ast::TypeRef type_ref(P::TypeRefContext* ctx) {
    ast::TypeRef ref{ident(ctx->name), std::nullopt, context_range(file_, ctx)};
    if (ctx->period) ref.period = ident(ctx->period);
    return ref;
  }

  ast::ScheduleDecl schedule_decl(P::ScheduleDeclContext* ctx) {
    ast::ScheduleDecl decl;
    decl.name = ident(ctx->name);
    decl.marginal = ctx->kind->getType() == P::MARGINAL;
    decl.argument = type_ref(ctx->argumentType);
    decl.result = type_ref(ctx->resultType);
    decl.citation = optional_citation(ctx->citation());
    for (auto* version_ctx : ctx->scheduleVersion()) {
      ast::ScheduleVersion version;
      version.from_range = token_range(file_, version_ctx->DATE()->getSymbol());
      version.from = date(version_ctx->DATE()->getSymbol()).value_or(Date());
      version.citation = optional_citation(version_ctx->citation());
      for (auto* band_ctx : version_ctx->scheduleBand()) {
        ast::ScheduleBand band;
        band.inclusive = band_ctx->inclusive != nullptr;
        band.threshold = expr(band_ctx->threshold);
        band.value = expr(band_ctx->value);
        band.citation = optional_citation(band_ctx->citation());
        band.range = context_range(file_, band_ctx);
        version.bands.push_back(std::move(band));
      }
      decl.versions.push_back(std::move(version));
    }
    return decl;
  }

  ast::FunctionDecl function_decl(P::FunctionDeclContext* ctx) {
    ast::FunctionDecl decl;
    decl.name = ident(ctx->name);
    for (auto* param : ctx->functionParam())
      decl.params.push_back(ast::FunctionParam{ident(param->name), type_ref(param->typeRef())});
    decl.result = type_ref(ctx->typeRef());
    decl.body = expr(ctx->body);
    decl.citation = optional_citation(ctx->citation());
    return decl;
  }

  ast::ExceptionDecl exception_decl(P::ExceptionDeclContext* ctx) {
    ast::ExceptionDecl decl;
    if (ctx->label) decl.label = ident(ctx->label);
    decl.entity = ident(ctx->entity);
    decl.name = ident(ctx->name);
    decl.body = expr(ctx->body);
    decl.condition = expr(ctx->condition);
    if (ctx->over) decl.over = ident(ctx->over);
    decl.citation = optional_citation(ctx->citation());
    decl.range = context_range(file_, ctx);
    return decl;
  }

  ast::ParameterDecl parameter_decl(P::ParameterDeclContext* ctx) {
    ast::ParameterDecl decl;
    decl.name = ident(ctx->name);
    decl.type = type_ref(ctx->typeRef());
    if (auto* single = dynamic_cast<P::SingleParameterContext*>(ctx->parameterValues())) {
      decl.citation = optional_citation(single->citation());
      ast::ParameterStep step;
      step.value = expr(single->value);
      decl.steps.push_back(std::move(step));
    } else if (auto* dated = dynamic_cast<P::DatedParameterContext*>(ctx->parameterValues())) {
      decl.citation = optional_citation(dated->citation());
      for (auto* step_ctx : dated->parameterStep()) {
        ast::ParameterStep step;
        step.from_range = token_range(file_, step_ctx->DATE()->getSymbol());
        step.from = date(step_ctx->DATE()->getSymbol());
        step.value = expr(step_ctx->expr());
        step.citation = optional_citation(step_ctx->citation());
        decl.steps.push_back(std::move(step));
      }
    }
    return decl;
  }

  ast::RuleDecl rule_decl(P::RuleDeclContext* ctx) {
    ast::RuleDecl decl;
    decl.is_output = ctx->kind->getType() == P::OUTPUT;
    decl.entity = ident(ctx->entity);
    decl.name = ident(ctx->name);
    if (ctx->typeRef()) decl.type = type_ref(ctx->typeRef());
    decl.body = expr(ctx->body);
    decl.citation = optional_citation(ctx->citation());
    decl.range = context_range(file_, ctx);
    return decl;
  }

  ast::RuleDecl require_decl(P::RequireDeclContext* ctx) {
    ast::RuleDecl decl;
    decl.is_requirement = true;
    decl.entity = ident(ctx->entity);
    decl.name = ident(ctx->name);
    decl.type = ast::TypeRef{ast::Identifier{"boolean", decl.name.range}, std::nullopt, decl.name.range};
    decl.body = expr(ctx->condition);
    decl.citation = optional_citation(ctx->citation());
    decl.range = context_range(file_, ctx);
    return decl;
  }

  ast::TestDecl test_decl(P::TestDeclContext* ctx) {
    ast::TestDecl decl;
    decl.name = unquote(ctx->name);
    decl.range = context_range(file_, ctx);
    decl.as_of = date(ctx->DATE()->getSymbol()).value_or(Date());
    if (auto* context = ctx->contextLiteral())
      decl.context = object(context->fieldInits(), context_range(file_, context));
    auto* record = ctx->recordLiteral();
    decl.record_entity = ident(record->entity);
    decl.record = object(record->fieldInits(), context_range(file_, record));
    for (auto* any_expectation : ctx->expectation()) {
      if (auto* failure = dynamic_cast<P::ErrorExpectationContext*>(any_expectation)) {
        decl.expected_error = ast::Citation{unquote(failure->message), context_range(file_, failure)};
        continue;
      }
      auto* expectation = dynamic_cast<P::ValueExpectationContext*>(any_expectation);
      ast::Expectation e;
      if (expectation->collection) {
        e.collection = ident(expectation->collection);
        e.position_range = token_range(file_, expectation->position);
        const std::string digits = expectation->position->getText();
        e.position = digits.size() > 6 || digits.find('.') != std::string::npos ? -1 : std::stoi(digits);
      }
      e.output = ident(expectation->name);
      e.value = expr(expectation->expr());
      e.range = context_range(file_, any_expectation);
      decl.expectations.push_back(std::move(e));
    }
    return decl;
  }

  ast::ObjectLiteral object(P::FieldInitsContext* ctx, SourceRange range) {
    ast::ObjectLiteral literal;
    literal.range = std::move(range);
    for (auto* field : ctx->fieldInit()) {
      ast::FieldInit init;
      init.name = ident(field->name);
      if (auto* value = dynamic_cast<P::ValueFieldContext*>(field->fieldValue())) {
        init.value = expr(value->expr());
      } else if (auto* list = dynamic_cast<P::ListFieldContext*>(field->fieldValue())) {
        init.is_list = true;
        for (auto* item : list->objectLiteral())
          init.items.push_back(object(item->fieldInits(), context_range(file_, item)));
      } else if (auto* series = dynamic_cast<P::SeriesFieldContext*>(field->fieldValue())) {
        init.is_series = true;
        for (auto* entry : series->seriesEntry())
          init.series.push_back(ast::SeriesEntry{ast::Identifier{unquote(entry->period), token_range(file_, entry->period)},
                                                 expr(entry->expr())});
      }
      literal.fields.push_back(std::move(init));
    }
    return literal;
  }

  // Dates that are not in the calendar were reported by the parser, which then builds no AST.
  std::optional<Date> date(antlr4::Token* token) { return Date::parse(token->getText()); }

  ast::ExprPtr make(SourceRange range, auto node) {
    auto e = std::make_unique<ast::Expr>();
    e->range = std::move(range);
    e->node = std::move(node);
    return e;
  }

  static ast::BinaryOp binary_op(const std::string& op) {
    if (op == "+") return ast::BinaryOp::Add;
    if (op == "-") return ast::BinaryOp::Subtract;
    if (op == "*") return ast::BinaryOp::Multiply;
    if (op == "/") return ast::BinaryOp::Divide;
    if (op == "=") return ast::BinaryOp::Equal;
    if (op == "!=") return ast::BinaryOp::NotEqual;
    if (op == "<") return ast::BinaryOp::Less;
    if (op == "<=") return ast::BinaryOp::LessEqual;
    if (op == ">") return ast::BinaryOp::Greater;
    return ast::BinaryOp::GreaterEqual;
  }

  ast::ExprPtr binary(P::ExprContext* ctx, ast::BinaryOp op, antlr4::Token* op_token,
                      P::ExprContext* left, P::ExprContext* right) {
    return make(context_range(file_, ctx),
                ast::Binary{op, expr(left), expr(right), token_range(file_, op_token)});
  }

  ast::ExprPtr expr(P::ExprContext* ctx) {
    const SourceRange range = context_range(file_, ctx);
    if (auto* e = dynamic_cast<P::PrimaryExprContext*>(ctx)) return primary(e->primary());
    if (auto* e = dynamic_cast<P::MemberExprContext*>(ctx))
      return make(range, ast::MemberAccess{expr(e->expr()), ident(e->member)});
    if (auto* e = dynamic_cast<P::IndexExprContext*>(ctx))
      return make(range, ast::Index{expr(e->expr(0)), expr(e->index)});
    if (auto* e = dynamic_cast<P::UnaryExprContext*>(ctx))
      return make(range, ast::Unary{e->op->getText() == "-" ? ast::UnaryOp::Negate : ast::UnaryOp::Plus,
                                    expr(e->expr())});
    if (auto* e = dynamic_cast<P::NotExprContext*>(ctx))
      return make(range, ast::Unary{ast::UnaryOp::Not, expr(e->expr())});
    if (auto* e = dynamic_cast<P::MultiplicativeExprContext*>(ctx))
      return binary(ctx, binary_op(e->op->getText()), e->op, e->expr(0), e->expr(1));
    if (auto* e = dynamic_cast<P::AdditiveExprContext*>(ctx))
      return binary(ctx, binary_op(e->op->getText()), e->op, e->expr(0), e->expr(1));
    if (auto* e = dynamic_cast<P::ComparisonExprContext*>(ctx))
      return binary(ctx, binary_op(e->op->getText()), e->op, e->expr(0), e->expr(1));
    if (auto* e = dynamic_cast<P::AndExprContext*>(ctx))
      return binary(ctx, ast::BinaryOp::And, e->AND()->getSymbol(), e->expr(0), e->expr(1));
    if (auto* e = dynamic_cast<P::OrExprContext*>(ctx))
      return binary(ctx, ast::BinaryOp::Or, e->OR()->getSymbol(), e->expr(0), e->expr(1));
    if (auto* e = dynamic_cast<P::IfExprContext*>(ctx))
      return make(range, ast::Conditional{expr(e->condition), expr(e->thenBranch), expr(e->elseBranch)});
    return make(range, ast::Literal{});  // unreachable for a tree without syntax errors
  }

  ast::ExprPtr primary(P::PrimaryContext* ctx) {
    const SourceRange range = context_range(file_, ctx);
    if (auto* p = dynamic_cast<P::LiteralPrimaryContext*>(ctx)) return make(range, literal(p->literal()));
    if (auto* p = dynamic_cast<P::NamePrimaryContext*>(ctx))
      return make(range, ast::Name{p->IDENT()->getText()});
    if (auto* p = dynamic_cast<P::ParenPrimaryContext*>(ctx)) {
      auto inner = expr(p->expr());
      inner->range = range;  // carets under "(a + b)" read better than under "a + b"
      return inner;
    }
    auto* call = dynamic_cast<P::CallPrimaryContext*>(ctx);
    ast::Call node;
    node.callee = ident(call->callee);
    for (auto* argument : call->argument()) {
      ast::Argument arg;
      if (argument->label) arg.label = ident(argument->label);
      arg.value = expr(argument->expr());
      node.arguments.push_back(std::move(arg));
    }
    if (call->filter) node.filter = expr(call->filter);
    return make(range, std::move(node));
  }

  ast::Literal literal(P::LiteralContext* ctx) {
    ast::Literal lit;
    antlr4::Token* token = ctx->getStart();
    const std::string text = token->getText();
    switch (token->getType()) {
      case P::TRUE:
      case P::FALSE:
        lit.kind = ast::LiteralKind::Boolean;
        lit.boolean = token->getType() == P::TRUE;
        break;
      case P::STRING:
        lit.kind = ast::LiteralKind::Text;
        lit.text = unquote(token);
        break;
      case P::DATE:
        lit.kind = ast::LiteralKind::Date;
        lit.date = date(token).value_or(Date());
        break;
      case P::PERCENT:
        lit.kind = ast::LiteralKind::Rate;
        lit.number = number(token, text.substr(0, text.size() - 1)) * Decimal::from_scaled(1, 2);
        break;
      case P::MONEY: {
        lit.kind = ast::LiteralKind::Money;
        std::size_t digits = 0;
        while (digits < text.size() && !(text[digits] >= '0' && text[digits] <= '9')) ++digits;
        std::string plain;
        for (char c : text.substr(digits))
          if (c != ',') plain += c;
        lit.number = number(token, plain);
        break;
      }
      default:
        lit.kind = text.find('.') == std::string::npos ? ast::LiteralKind::Integer : ast::LiteralKind::Decimal;
        lit.number = number(token, text);
        break;
    }
    return lit;
  }

  Decimal number(antlr4::Token* token, const std::string& digits) {
    try {
      if (auto parsed = Decimal::parse(digits)) return *parsed;
    } catch (const DecimalError&) {
    }
    error("E0003", token_range(file_, token), fmt::format("the number `{}` cannot be represented", token->getText()),
          "numbers may have at most a few hundred digits");
    return Decimal();
  }

  std::string file_;
  std::vector<Diagnostic>& diagnostics_;
};

}  // namespace

ast::Module build_ast(const std::string& file, pol_grammar::PolParser::PolicyFileContext* tree,
                      std::vector<Diagnostic>& diagnostics) {
  return AstBuilder(file, diagnostics).build(tree);
}

}  // namespace pol::syntax
