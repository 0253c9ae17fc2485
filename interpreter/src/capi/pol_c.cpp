// The C API (pol/pol.h) over the C++ library. Every entry point catches every exception and maps
// it to a pol_status; nothing is printed; no state is global.
#include "pol/pol.h"

#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pol/diagnostic.hpp"
#include "pol/io.hpp"
#include "pol/period.hpp"
#include "pol/policy.hpp"
#include "pol/value.hpp"

namespace {

// What the C handles share of one compiled policy: immutable once built.
struct PolicyData {
  std::shared_ptr<const pol::Policy> policy;
  std::vector<std::string> output_type_names;
};

using PolicyRef = std::shared_ptr<const PolicyData>;

// Runs `body`, mapping every exception to a status and, when `error` is given, a message.
template <class Body>
pol_status guard(std::string* error, Body&& body) noexcept {
  try {
    if (error) error->clear();
    return body();
  } catch (const std::bad_alloc&) {
    if (error) {
      try { *error = "out of memory"; } catch (...) {}
    }
    return POL_ERROR_NO_MEMORY;
  } catch (const std::invalid_argument& e) {
    if (error) {
      try { *error = e.what(); } catch (...) {}
    }
    return POL_ERROR_INVALID_ARGUMENT;
  } catch (const std::exception& e) {
    if (error) {
      try { *error = std::string("internal error: ") + e.what(); } catch (...) {}
    }
    return POL_ERROR_INTERNAL;
  } catch (...) {
    if (error) {
      try { *error = "internal error: unknown exception"; } catch (...) {}
    }
    return POL_ERROR_INTERNAL;
  }
}

pol_status fail(std::string* error, pol_status status, std::string message) {
  if (error) *error = std::move(message);
  return status;
}

pol_type to_c_type(pol::TypeKind kind) {
  switch (kind) {
    case pol::TypeKind::Boolean: return POL_TYPE_BOOLEAN;
    case pol::TypeKind::Integer: return POL_TYPE_INTEGER;
    case pol::TypeKind::Decimal: return POL_TYPE_DECIMAL;
    case pol::TypeKind::Money: return POL_TYPE_MONEY;
    case pol::TypeKind::Rate: return POL_TYPE_RATE;
    case pol::TypeKind::Date: return POL_TYPE_DATE;
    case pol::TypeKind::Text: return POL_TYPE_TEXT;
    case pol::TypeKind::Enum: return POL_TYPE_ENUM;
    case pol::TypeKind::Period: return POL_TYPE_PERIOD;
  }
  return POL_TYPE_TEXT;
}

std::string quoted(std::string_view s) { return "`" + std::string(s) + "`"; }

// value × 10^-scale as a value of `type`, exactly.
std::optional<pol::Value> scaled_value(const pol::Type& type, std::int64_t value, std::int32_t scale,
                                       std::string* error, pol_status* status) {
  if (!type.is_numeric() || type.is_series()) {
    *status = POL_ERROR_TYPE;
    *error = "a scaled integer sets a number (integer, decimal, money or rate) only";
    return std::nullopt;
  }
  if (scale < -pol::Decimal::kMaxScale || scale > pol::Decimal::kMaxScale) {
    *status = POL_ERROR_INVALID_ARGUMENT;
    *error = "the scale is out of range";
    return std::nullopt;
  }
  pol::Decimal number = pol::Decimal::from_scaled(value, scale);
  if (type.kind == pol::TypeKind::Integer) {
    auto whole = number.to_int64();
    if (!whole) {
      *status = POL_ERROR_BAD_VALUE;
      *error = "an integer input cannot take " + number.to_string();
      return std::nullopt;
    }
    number = pol::Decimal::from_int(*whole);
  }
  return pol::Value::of_number(std::move(number));
}

std::optional<pol::Value> text_value(const pol::Policy& policy, const pol::Type& type, std::string_view name,
                                     const char* text, std::string* error, pol_status* status) {
  if (type.is_series()) {
    *status = POL_ERROR_TYPE;
    *error = quoted(name) + " is a series: set each period's value with a period function";
    return std::nullopt;
  }
  std::string expected;
  auto value = pol::parse_value(type, text, policy.enums(), &expected);
  if (!value) {
    *status = POL_ERROR_BAD_VALUE;
    *error = "bad value \"" + std::string(text) + "\" for " + quoted(name) + ": expected " + expected;
  }
  return value;
}

// Sets one period of a series slot.
pol_status set_period(const pol::Policy& policy, const pol::Type& type, std::string_view name,
                      std::optional<pol::Value>& slot, const char* period, const char* text, std::string* error) {
  if (!type.is_series()) return fail(error, POL_ERROR_TYPE, quoted(name) + " is not a series");
  auto index = pol::parse_period(type.period, period);
  if (!index)
    return fail(error, POL_ERROR_BAD_VALUE,
                "bad period \"" + std::string(period) + "\" for " + quoted(name) + ": expected a " +
                    pol::period_kind_name(type.period) + " label");
  pol_status status = POL_OK;
  auto value = text_value(policy, type.element(), name, text, error, &status);
  if (!value) return status;
  pol::SeriesValues values;
  if (slot && slot->series) values = *slot->series;
  values[*index] = std::move(*value);
  slot = pol::Value::of_series(std::move(values));
  return POL_OK;
}

const char* c_str_or_empty(const char* s) { return s ? s : ""; }

}  // namespace

struct pol_policy {
  PolicyRef data;
};

struct pol_diagnostics {
  std::vector<pol::Diagnostic> diagnostics;
  pol::SourceSet sources;
  std::optional<std::string> rendered;
  std::string json;
};

struct pol_record {
  struct Instance {
    pol_member parent;
    std::size_t collection;
    std::size_t position;
    int entity;
  };
  PolicyRef data;
  pol::Record record;
  std::vector<Instance> instances;  // [0]: the root
  std::string error;
  bool owned_by_records = false;

  pol_record(PolicyRef d) : data(std::move(d)) { reset(); }
  void reset() {
    const auto& policy = *data->policy;
    record.root = policy.empty_record(policy.root_entity());
    record.as_of.reset();
    instances.assign(1, Instance{0, 0, 0, policy.root_entity()});
  }
  pol::EntityRecord& resolve(pol_member m) {
    if (m == POL_ROOT) return record.root;
    const Instance& i = instances[m];
    return resolve(i.parent).collections[i.collection][i.position];
  }
};

struct pol_records {
  std::vector<std::unique_ptr<pol_record>> records;
  std::vector<pol::io::RecordError> rejects;
  std::vector<pol::io::RecordWarning> warnings;
};

struct pol_evaluator {
  PolicyRef data;
  std::unique_ptr<pol::Evaluator> evaluator;
  pol::EntityRecord context;
  bool has_context = false;
  pol::EvaluationLimits limits;
  std::string error;
};

struct pol_outcome {
  PolicyRef data;
  pol::Outcome outcome;
  bool evaluated = false;
  std::vector<std::optional<std::string>> texts;
  std::vector<std::vector<std::optional<std::string>>> member_texts;
  std::string error;

  void reset(PolicyRef d) {
    data = std::move(d);
    evaluated = false;
    texts.clear();
    member_texts.clear();
  }
};

namespace {

pol_status check_member(pol_record* record, pol_member member) {
  if (member >= record->instances.size())
    return fail(&record->error, POL_ERROR_INVALID_ARGUMENT,
                "no member " + std::to_string(member) + " in this record (it has " +
                    std::to_string(record->instances.size()) + " instances)");
  return POL_OK;
}

// Resolves the input `name` of `member`'s entity; POL_OK or a status with the record's error set.
pol_status input_by_name(pol_record* record, pol_member member, const char* name, pol::Policy::InputHandle* out) {
  if (!name) return fail(&record->error, POL_ERROR_INVALID_ARGUMENT, "the input name is NULL");
  if (auto s = check_member(record, member)) return s;
  const auto& policy = *record->data->policy;
  const int entity = record->instances[member].entity;
  const auto& schema = policy.entities()[static_cast<std::size_t>(entity)];
  const int index = schema.input_index(name);
  if (index < 0)
    return fail(&record->error, POL_ERROR_NOT_FOUND, schema.name + " has no input " + quoted(name));
  *out = pol::Policy::InputHandle{entity, index, schema.inputs[static_cast<std::size_t>(index)].type};
  return POL_OK;
}

pol_status input_by_handle(pol_record* record, pol_member member, pol_input_handle h, pol::Policy::InputHandle* out) {
  if (auto s = check_member(record, member)) return s;
  const auto& policy = *record->data->policy;
  const int entity = record->instances[member].entity;
  const auto& schema = policy.entities()[static_cast<std::size_t>(entity)];
  if (h.entity != entity || h.index < 0 || static_cast<std::size_t>(h.index) >= schema.inputs.size())
    return fail(&record->error, POL_ERROR_INVALID_ARGUMENT,
                "the input handle is not an input of " + schema.name + " (member " + std::to_string(member) + ")");
  *out = pol::Policy::InputHandle{entity, h.index, schema.inputs[static_cast<std::size_t>(h.index)].type};
  return POL_OK;
}

std::optional<pol::Value>& slot_of(pol_record* record, pol_member member, const pol::Policy::InputHandle& h) {
  return record->resolve(member).inputs[static_cast<std::size_t>(h.index)];
}

const std::string& input_name(pol_record* record, const pol::Policy::InputHandle& h) {
  return record->data->policy->entities()[static_cast<std::size_t>(h.entity)].inputs[static_cast<std::size_t>(h.index)].name;
}

pol_status set_text(pol_record* record, pol_member member, const pol::Policy::InputHandle& h, const char* text) {
  if (!text) return fail(&record->error, POL_ERROR_INVALID_ARGUMENT, "the value text is NULL");
  pol_status status = POL_OK;
  auto value = text_value(*record->data->policy, h.type, input_name(record, h), text, &record->error, &status);
  if (!value) return status;
  slot_of(record, member, h) = std::move(*value);
  return POL_OK;
}

pol_status set_scaled(pol_record* record, pol_member member, const pol::Policy::InputHandle& h, std::int64_t value,
                      std::int32_t scale) {
  pol_status status = POL_OK;
  auto v = scaled_value(h.type, value, scale, &record->error, &status);
  if (!v) {
    record->error = quoted(input_name(record, h)) + ": " + record->error;
    return status;
  }
  slot_of(record, member, h) = std::move(*v);
  return POL_OK;
}

pol_status set_period_text(pol_record* record, pol_member member, const pol::Policy::InputHandle& h,
                           const char* period, const char* text) {
  if (!period || !text) return fail(&record->error, POL_ERROR_INVALID_ARGUMENT, "the period or the value text is NULL");
  return set_period(*record->data->policy, h.type, input_name(record, h), slot_of(record, member, h), period, text,
                    &record->error);
}

pol_status compile_result(pol::Compilation&& compilation, pol_policy** policy, pol_diagnostics** diagnostics) {
  const bool unreadable = !compilation.diagnostics.empty() && compilation.diagnostics.front().code == "E0000";
  std::unique_ptr<pol_policy> made;
  if (compilation.policy) {
    auto data = std::make_shared<PolicyData>();
    data->policy = compilation.policy;
    for (const auto& output : compilation.policy->outputs())
      data->output_type_names.push_back(pol::type_name(output.type, compilation.policy->enums()));
    made = std::make_unique<pol_policy>(pol_policy{std::move(data)});
  }
  if (diagnostics) {
    auto d = std::make_unique<pol_diagnostics>();
    d->diagnostics = std::move(compilation.diagnostics);
    d->sources = std::move(compilation.sources);
    *diagnostics = d.release();
  }
  if (!made) return unreadable ? POL_ERROR_IO : POL_ERROR_COMPILE;
  *policy = made.release();
  return POL_OK;
}

pol_status check_output(pol_outcome* outcome, std::size_t output, bool root) {
  if (!outcome->evaluated) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "the outcome holds no evaluation");
  if (!outcome->outcome.ok)
    return fail(&outcome->error, POL_ERROR_EVALUATION, "the record failed: " + outcome->outcome.error->message);
  const auto& policy = *outcome->data->policy;
  if (output >= policy.outputs().size())
    return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT,
                "no output " + std::to_string(output) + " (the policy has " + std::to_string(policy.outputs().size()) + ")");
  const bool is_root = policy.outputs()[output].entity == policy.root_entity();
  if (root && !is_root)
    return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT,
                quoted(policy.outputs()[output].name) + " is an output of " +
                    policy.entities()[static_cast<std::size_t>(policy.outputs()[output].entity)].name +
                    ": read it for each member with pol_outcome_member_*");
  return POL_OK;
}

pol_status find_output(pol_outcome* outcome, const char* name, std::size_t* index) {
  if (!name) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "the output name is NULL");
  if (!outcome->evaluated) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "the outcome holds no evaluation");
  const auto& outputs = outcome->data->policy->outputs();
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].name == name) {
      *index = i;
      return POL_OK;
    }
  return fail(&outcome->error, POL_ERROR_NOT_FOUND, "the policy has no output " + quoted(name));
}

pol_status scaled_of(pol_outcome* outcome, std::size_t output, const pol::Value& value, std::int32_t scale,
                     std::int64_t* out) {
  const auto& schema = outcome->data->policy->outputs()[output];
  if (!schema.type.is_numeric() || schema.type.is_series())
    return fail(&outcome->error, POL_ERROR_TYPE, quoted(schema.name) + " is not a number: read it as text");
  auto scaled = pol::to_scaled_int64(value, scale);
  if (!scaled)
    return fail(&outcome->error, POL_ERROR_NOT_REPRESENTABLE,
                quoted(schema.name) + " = " + value.number.to_string() + " is not a whole number of 10^-" +
                    std::to_string(scale) + " units in 64 bits");
  *out = *scaled;
  return POL_OK;
}

const char* text_of(pol_outcome* outcome, std::optional<std::string>& cache, std::size_t output, const pol::Value& value) {
  if (!cache) {
    const auto& policy = *outcome->data->policy;
    cache = pol::format_value(policy.outputs()[output].type, value, policy.enums());
  }
  return cache->c_str();
}

pol_status check_member_output(pol_outcome* outcome, std::size_t member, std::size_t output) {
  if (auto s = check_output(outcome, output, false)) return s;
  if (member >= outcome->outcome.members.size())
    return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT,
                "no member " + std::to_string(member) + " in the outcome (it has " +
                    std::to_string(outcome->outcome.members.size()) + ")");
  const auto& policy = *outcome->data->policy;
  const auto& m = outcome->outcome.members[member];
  if (policy.outputs()[output].entity != m.entity)
    return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT,
                quoted(policy.outputs()[output].name) + " is not an output of " +
                    policy.entities()[static_cast<std::size_t>(m.entity)].name);
  return POL_OK;
}

pol_status evaluate_one(pol_evaluator* evaluator, const pol_record* record, pol_outcome* outcome) {
  if (record->data.get() != evaluator->data.get())
    return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the record was made for another policy");
  outcome->reset(evaluator->data);
  outcome->outcome = evaluator->evaluator->evaluate(record->record);
  outcome->evaluated = true;
  outcome->error.clear();
  return outcome->outcome.ok ? POL_OK : POL_ERROR_EVALUATION;
}

void apply_context(pol_evaluator* evaluator) {
  if (evaluator->has_context) evaluator->evaluator->set_context(evaluator->context);
}

// The context slot named `name`, or null with the evaluator's error set.
std::optional<pol::Value>* context_slot(pol_evaluator* evaluator, const char* name, pol::Type* type, pol_status* status) {
  const auto& policy = *evaluator->data->policy;
  const int entity = policy.context_entity();
  if (entity < 0) {
    *status = fail(&evaluator->error, POL_ERROR_NOT_FOUND, "the policy declares no context");
    return nullptr;
  }
  const auto& schema = policy.entities()[static_cast<std::size_t>(entity)];
  const int index = schema.input_index(name);
  if (index < 0) {
    *status = fail(&evaluator->error, POL_ERROR_NOT_FOUND, "the context has no value " + quoted(name));
    return nullptr;
  }
  if (!evaluator->has_context) {
    evaluator->context = policy.empty_record(entity);
    evaluator->has_context = true;
  }
  *type = schema.inputs[static_cast<std::size_t>(index)].type;
  return &evaluator->context.inputs[static_cast<std::size_t>(index)];
}

}  // namespace

extern "C" {

const char* pol_status_string(pol_status status) {
  switch (status) {
    case POL_OK: return "ok";
    case POL_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case POL_ERROR_COMPILE: return "the policy has errors";
    case POL_ERROR_IO: return "cannot read the file";
    case POL_ERROR_NOT_FOUND: return "no such name";
    case POL_ERROR_BAD_VALUE: return "bad value";
    case POL_ERROR_TYPE: return "wrong type";
    case POL_ERROR_NOT_REPRESENTABLE: return "not representable as a scaled 64-bit integer";
    case POL_ERROR_EVALUATION: return "the record failed";
    case POL_ERROR_DATA: return "bad data";
    case POL_ERROR_NO_MEMORY: return "out of memory";
    case POL_ERROR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char* pol_version(void) { return "0.1.0"; }

// ---- compiling ----

pol_status pol_compile_source(const char* path, const char* text, size_t length, int strict, pol_policy** policy,
                              pol_diagnostics** diagnostics) {
  if (diagnostics) *diagnostics = nullptr;
  if (!policy || (!text && length)) return POL_ERROR_INVALID_ARGUMENT;
  *policy = nullptr;
  return guard(nullptr, [&] {
    pol::CompileOptions options;
    options.strict = strict != 0;
    return compile_result(pol::compile_source(path ? path : "<source>", std::string(text ? text : "", length), options),
                          policy, diagnostics);
  });
}

pol_status pol_compile_file(const char* path, int strict, pol_policy** policy, pol_diagnostics** diagnostics) {
  if (diagnostics) *diagnostics = nullptr;
  if (!policy || !path) return POL_ERROR_INVALID_ARGUMENT;
  *policy = nullptr;
  return guard(nullptr, [&] {
    pol::CompileOptions options;
    options.strict = strict != 0;
    return compile_result(pol::compile_file(path, options), policy, diagnostics);
  });
}

void pol_diagnostics_free(pol_diagnostics* diagnostics) { delete diagnostics; }

size_t pol_diagnostics_count(const pol_diagnostics* diagnostics) {
  return diagnostics ? diagnostics->diagnostics.size() : 0;
}

size_t pol_diagnostics_error_count(const pol_diagnostics* diagnostics) {
  if (!diagnostics) return 0;
  std::size_t n = 0;
  for (const auto& d : diagnostics->diagnostics) n += d.severity == pol::Severity::Error;
  return n;
}

pol_status pol_diagnostics_get(const pol_diagnostics* diagnostics, size_t index, pol_diagnostic* out) {
  if (!diagnostics || !out || index >= diagnostics->diagnostics.size()) return POL_ERROR_INVALID_ARGUMENT;
  const auto& d = diagnostics->diagnostics[index];
  out->code = d.code.c_str();
  out->severity = d.severity == pol::Severity::Error     ? POL_SEVERITY_ERROR
                  : d.severity == pol::Severity::Warning ? POL_SEVERITY_WARNING
                                                         : POL_SEVERITY_NOTE;
  out->file = d.range.file.c_str();
  out->line = d.range.begin.line;
  out->column = d.range.begin.column;
  out->end_line = d.range.end.line;
  out->end_column = d.range.end.column;
  out->message = d.message.c_str();
  out->hint = d.hint.c_str();
  return POL_OK;
}

const char* pol_diagnostics_render(pol_diagnostics* diagnostics) {
  if (!diagnostics) return "";
  const char* result = "";
  guard(nullptr, [&] {
    if (!diagnostics->rendered) diagnostics->rendered = pol::render_all(diagnostics->diagnostics, diagnostics->sources);
    result = diagnostics->rendered->c_str();
    return POL_OK;
  });
  return result;
}

const char* pol_diagnostics_json(pol_diagnostics* diagnostics, size_t index) {
  if (!diagnostics || index >= diagnostics->diagnostics.size()) return nullptr;
  const char* result = nullptr;
  guard(nullptr, [&] {
    diagnostics->json = pol::to_json(diagnostics->diagnostics[index]);
    result = diagnostics->json.c_str();
    return POL_OK;
  });
  return result;
}

// ---- policies ----

void pol_policy_free(pol_policy* policy) { delete policy; }

const char* pol_policy_title(const pol_policy* policy) {
  return policy ? policy->data->policy->title().c_str() : "";
}

const char* pol_policy_root_entity(const pol_policy* policy) {
  if (!policy) return "";
  const auto& p = *policy->data->policy;
  return p.entities()[static_cast<std::size_t>(p.root_entity())].name.c_str();
}

pol_status pol_policy_find_input(const pol_policy* policy, const char* entity, const char* input,
                                 pol_input_handle* out) {
  if (!policy || !entity || !input || !out) return POL_ERROR_INVALID_ARGUMENT;
  return guard(nullptr, [&] {
    auto h = policy->data->policy->find_input(entity, input);
    if (!h) return POL_ERROR_NOT_FOUND;
    *out = pol_input_handle{h->entity, h->index, to_c_type(h->type.kind), h->type.is_series() ? 1 : 0};
    return POL_OK;
  });
}

size_t pol_policy_output_count(const pol_policy* policy) {
  return policy ? policy->data->policy->outputs().size() : 0;
}

const char* pol_policy_output_name(const pol_policy* policy, size_t index) {
  if (!policy || index >= policy->data->policy->outputs().size()) return nullptr;
  return policy->data->policy->outputs()[index].name.c_str();
}

const char* pol_policy_output_entity(const pol_policy* policy, size_t index) {
  if (!policy || index >= policy->data->policy->outputs().size()) return nullptr;
  const auto& p = *policy->data->policy;
  return p.entities()[static_cast<std::size_t>(p.outputs()[index].entity)].name.c_str();
}

const char* pol_policy_output_type_name(const pol_policy* policy, size_t index) {
  if (!policy || index >= policy->data->output_type_names.size()) return nullptr;
  return policy->data->output_type_names[index].c_str();
}

pol_status pol_policy_output_type(const pol_policy* policy, size_t index, pol_type* out) {
  if (!policy || !out || index >= policy->data->policy->outputs().size()) return POL_ERROR_INVALID_ARGUMENT;
  *out = to_c_type(policy->data->policy->outputs()[index].type.kind);
  return POL_OK;
}

int pol_policy_output_is_root(const pol_policy* policy, size_t index) {
  if (!policy || index >= policy->data->policy->outputs().size()) return 0;
  const auto& p = *policy->data->policy;
  return p.outputs()[index].entity == p.root_entity();
}

pol_status pol_policy_output_index(const pol_policy* policy, const char* name, size_t* out) {
  if (!policy || !name || !out) return POL_ERROR_INVALID_ARGUMENT;
  const auto& outputs = policy->data->policy->outputs();
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].name == name) {
      *out = i;
      return POL_OK;
    }
  return POL_ERROR_NOT_FOUND;
}

// ---- records ----

pol_status pol_record_new(const pol_policy* policy, const char* id, pol_record** out) {
  if (!out) return POL_ERROR_INVALID_ARGUMENT;
  *out = nullptr;
  if (!policy) return POL_ERROR_INVALID_ARGUMENT;
  return guard(nullptr, [&] {
    auto record = std::make_unique<pol_record>(policy->data);
    record->record.id = c_str_or_empty(id);
    *out = record.release();
    return POL_OK;
  });
}

void pol_record_free(pol_record* record) {
  if (record && !record->owned_by_records) delete record;
}

const char* pol_record_last_error(const pol_record* record) { return record ? record->error.c_str() : ""; }

pol_status pol_record_clear(pol_record* record, const char* id) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    record->reset();
    if (id) record->record.id = id;
    return POL_OK;
  });
}

pol_status pol_record_set_id(pol_record* record, const char* id) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    record->record.id = c_str_or_empty(id);
    return POL_OK;
  });
}

pol_status pol_record_set_as_of(pol_record* record, const char* date) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    if (!date) {
      record->record.as_of.reset();
      return POL_OK;
    }
    auto d = pol::Date::parse(date);
    if (!d)
      return fail(&record->error, POL_ERROR_BAD_VALUE, "bad date \"" + std::string(date) + "\": expected YYYY-MM-DD");
    record->record.as_of = *d;
    return POL_OK;
  });
}

pol_status pol_record_add_member(pol_record* record, pol_member parent, const char* collection, pol_member* out) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    if (!collection || !out) return fail(&record->error, POL_ERROR_INVALID_ARGUMENT, "the collection name or out is NULL");
    if (auto s = check_member(record, parent)) return s;
    if (record->instances.size() >= std::numeric_limits<pol_member>::max())
      return fail(&record->error, POL_ERROR_INVALID_ARGUMENT, "too many members");
    const auto& policy = *record->data->policy;
    const int entity = record->instances[parent].entity;
    const auto& schema = policy.entities()[static_cast<std::size_t>(entity)];
    const int c = schema.collection_index(collection);
    if (c < 0) return fail(&record->error, POL_ERROR_NOT_FOUND, schema.name + " has no list " + quoted(collection));
    const int member_entity = schema.collections[static_cast<std::size_t>(c)].entity;
    auto& list = record->resolve(parent).collections[static_cast<std::size_t>(c)];
    record->instances.reserve(record->instances.size() + 1);
    list.push_back(policy.empty_record(member_entity));
    record->instances.push_back(pol_record::Instance{parent, static_cast<std::size_t>(c), list.size() - 1, member_entity});
    *out = static_cast<pol_member>(record->instances.size() - 1);
    return POL_OK;
  });
}

size_t pol_record_member_count(const pol_record* record) { return record ? record->instances.size() : 0; }

pol_status pol_record_set_text(pol_record* record, pol_member member, const char* input, const char* text) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_name(record, member, input, &h)) return s;
    return set_text(record, member, h, text);
  });
}

pol_status pol_record_set_text_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                         const char* text) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_handle(record, member, input, &h)) return s;
    return set_text(record, member, h, text);
  });
}

pol_status pol_record_set_scaled(pol_record* record, pol_member member, const char* input, int64_t value,
                                 int32_t scale) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_name(record, member, input, &h)) return s;
    return set_scaled(record, member, h, value, scale);
  });
}

pol_status pol_record_set_scaled_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                           int64_t value, int32_t scale) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_handle(record, member, input, &h)) return s;
    return set_scaled(record, member, h, value, scale);
  });
}

pol_status pol_record_set_period_text(pol_record* record, pol_member member, const char* input, const char* period,
                                      const char* text) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_name(record, member, input, &h)) return s;
    return set_period_text(record, member, h, period, text);
  });
}

pol_status pol_record_set_period_text_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                                const char* period, const char* text) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_handle(record, member, input, &h)) return s;
    return set_period_text(record, member, h, period, text);
  });
}

pol_status pol_record_unset(pol_record* record, pol_member member, const char* input) {
  if (!record) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&record->error, [&] {
    pol::Policy::InputHandle h;
    if (auto s = input_by_name(record, member, input, &h)) return s;
    slot_of(record, member, h).reset();
    return POL_OK;
  });
}

// ---- records read from a buffer ----

pol_status pol_records_read(const pol_policy* policy, const char* data, size_t length, pol_format format,
                            const char* source_name, pol_records** out) {
  if (!out) return POL_ERROR_INVALID_ARGUMENT;
  *out = nullptr;
  if (!policy || (!data && length)) return POL_ERROR_INVALID_ARGUMENT;
  pol::io::InputFormat f;
  switch (format) {
    case POL_FORMAT_AUTO: f = pol::io::InputFormat::Auto; break;
    case POL_FORMAT_JSON: f = pol::io::InputFormat::Json; break;
    case POL_FORMAT_JSON_LINES: f = pol::io::InputFormat::JsonLines; break;
    case POL_FORMAT_CSV: f = pol::io::InputFormat::Csv; break;
    default: return POL_ERROR_INVALID_ARGUMENT;
  }
  return guard(nullptr, [&] {
    auto records = std::make_unique<pol_records>();
    std::istringstream in(std::string(data ? data : "", length));
    auto reader = pol::io::open_reader(*policy->data->policy, in, f, source_name ? source_name : "<input>");
    pol::io::ReadResult result;
    while (reader->next(result)) {
      if (auto* record = std::get_if<pol::Record>(&result)) {
        auto r = std::make_unique<pol_record>(policy->data);
        r->record = std::move(*record);
        r->owned_by_records = true;
        records->records.push_back(std::move(r));
      } else {
        records->rejects.push_back(std::move(std::get<pol::io::RecordError>(result)));
      }
      for (auto& w : reader->take_warnings()) records->warnings.push_back(std::move(w));
    }
    for (auto& w : reader->take_warnings()) records->warnings.push_back(std::move(w));
    *out = records.release();
    return POL_OK;
  });
}

void pol_records_free(pol_records* records) {
  if (!records) return;
  delete records;
}

size_t pol_records_count(const pol_records* records) { return records ? records->records.size() : 0; }

pol_record* pol_records_get(pol_records* records, size_t index) {
  if (!records || index >= records->records.size()) return nullptr;
  return records->records[index].get();
}

size_t pol_records_reject_count(const pol_records* records) { return records ? records->rejects.size() : 0; }

pol_status pol_records_reject(const pol_records* records, size_t index, pol_record_problem* out) {
  if (!records || !out || index >= records->rejects.size()) return POL_ERROR_INVALID_ARGUMENT;
  const auto& e = records->rejects[index];
  *out = pol_record_problem{e.record.c_str(), e.field.c_str(), e.message.c_str(), e.raw.c_str()};
  return POL_OK;
}

size_t pol_records_warning_count(const pol_records* records) { return records ? records->warnings.size() : 0; }

pol_status pol_records_warning(const pol_records* records, size_t index, pol_record_problem* out) {
  if (!records || !out || index >= records->warnings.size()) return POL_ERROR_INVALID_ARGUMENT;
  const auto& w = records->warnings[index];
  *out = pol_record_problem{w.record.c_str(), w.field.c_str(), w.message.c_str(), ""};
  return POL_OK;
}

// ---- evaluators ----

pol_status pol_evaluator_new(const pol_policy* policy, const char* as_of, pol_evaluator** out) {
  if (!out) return POL_ERROR_INVALID_ARGUMENT;
  *out = nullptr;
  if (!policy || !as_of) return POL_ERROR_INVALID_ARGUMENT;
  auto date = pol::Date::parse(as_of);
  if (!date) return POL_ERROR_BAD_VALUE;
  return guard(nullptr, [&] {
    auto evaluator = std::make_unique<pol_evaluator>();
    evaluator->data = policy->data;
    evaluator->evaluator = std::make_unique<pol::Evaluator>(*policy->data->policy, *date);
    *out = evaluator.release();
    return POL_OK;
  });
}

void pol_evaluator_free(pol_evaluator* evaluator) { delete evaluator; }

const char* pol_evaluator_last_error(const pol_evaluator* evaluator) {
  return evaluator ? evaluator->error.c_str() : "";
}

pol_status pol_evaluator_set_as_of(pol_evaluator* evaluator, const char* as_of) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (!as_of) return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the date is NULL");
    auto date = pol::Date::parse(as_of);
    if (!date)
      return fail(&evaluator->error, POL_ERROR_BAD_VALUE, "bad date \"" + std::string(as_of) + "\": expected YYYY-MM-DD");
    auto fresh = std::make_unique<pol::Evaluator>(*evaluator->data->policy, *date);
    fresh->set_limits(evaluator->limits);
    evaluator->evaluator = std::move(fresh);
    apply_context(evaluator);
    return POL_OK;
  });
}

pol_status pol_evaluator_set_context_json(pol_evaluator* evaluator, const char* json, size_t length) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (!json && length) return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the JSON buffer is NULL");
    std::istringstream in(std::string(json ? json : "", length));
    auto result = pol::io::read_context(*evaluator->data->policy, in, "<context>");
    if (auto* errors = std::get_if<std::vector<pol::io::RecordError>>(&result)) {
      std::string message;
      for (const auto& e : *errors) {
        if (!message.empty()) message += '\n';
        message += e.field.empty() ? e.message : e.field + ": " + e.message;
      }
      return fail(&evaluator->error, POL_ERROR_DATA, message.empty() ? "bad context data" : message);
    }
    evaluator->context = std::move(std::get<pol::EntityRecord>(result));
    evaluator->has_context = true;
    apply_context(evaluator);
    return POL_OK;
  });
}

pol_status pol_evaluator_set_context_text(pol_evaluator* evaluator, const char* name, const char* text) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (!name || !text) return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the name or the text is NULL");
    pol::Type type;
    pol_status status = POL_OK;
    auto* slot = context_slot(evaluator, name, &type, &status);
    if (!slot) return status;
    auto value = text_value(*evaluator->data->policy, type, name, text, &evaluator->error, &status);
    if (!value) return status;
    *slot = std::move(*value);
    apply_context(evaluator);
    return POL_OK;
  });
}

pol_status pol_evaluator_set_context_period_text(pol_evaluator* evaluator, const char* name, const char* period,
                                                 const char* text) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (!name || !period || !text)
      return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the name, the period or the text is NULL");
    pol::Type type;
    pol_status status = POL_OK;
    auto* slot = context_slot(evaluator, name, &type, &status);
    if (!slot) return status;
    if (auto s = set_period(*evaluator->data->policy, type, name, *slot, period, text, &evaluator->error)) return s;
    apply_context(evaluator);
    return POL_OK;
  });
}

pol_status pol_evaluator_clear_context(pol_evaluator* evaluator) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    const auto& policy = *evaluator->data->policy;
    if (policy.context_entity() < 0) return POL_OK;
    evaluator->context = policy.empty_record(policy.context_entity());
    evaluator->has_context = true;
    apply_context(evaluator);
    return POL_OK;
  });
}

pol_status pol_evaluator_set_limits(pol_evaluator* evaluator, uint64_t max_steps, uint64_t max_time_ms,
                                    uint64_t max_members) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (max_time_ms > static_cast<uint64_t>(std::numeric_limits<std::chrono::milliseconds::rep>::max()))
      max_time_ms = static_cast<uint64_t>(std::numeric_limits<std::chrono::milliseconds::rep>::max());
    evaluator->limits.max_steps = max_steps;
    evaluator->limits.max_time = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(max_time_ms));
    evaluator->limits.max_members = static_cast<std::size_t>(max_members);
    evaluator->evaluator->set_limits(evaluator->limits);
    return POL_OK;
  });
}

pol_status pol_evaluator_evaluate(pol_evaluator* evaluator, const pol_record* record, pol_outcome* outcome) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&evaluator->error, [&] {
    if (!record || !outcome) return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the record or the outcome is NULL");
    return evaluate_one(evaluator, record, outcome);
  });
}

pol_status pol_evaluator_evaluate_batch(pol_evaluator* evaluator, const pol_record* const* records,
                                        pol_outcome* const* outcomes, size_t count, size_t* failed) {
  if (!evaluator) return POL_ERROR_INVALID_ARGUMENT;
  if (failed) *failed = 0;
  return guard(&evaluator->error, [&] {
    if (count && (!records || !outcomes))
      return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "the records or the outcomes are NULL");
    for (std::size_t i = 0; i < count; ++i) {
      if (!records[i] || !outcomes[i])
        return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT, "record or outcome " + std::to_string(i) + " is NULL");
      if (records[i]->data.get() != evaluator->data.get())
        return fail(&evaluator->error, POL_ERROR_INVALID_ARGUMENT,
                    "record " + std::to_string(i) + " was made for another policy");
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i) {
      pol_status s = evaluate_one(evaluator, records[i], outcomes[i]);
      if (s == POL_ERROR_EVALUATION) ++n;
      else if (s != POL_OK) return s;
    }
    if (failed) *failed = n;
    return POL_OK;
  });
}

// ---- outcomes ----

pol_status pol_outcome_new(pol_outcome** out) {
  if (!out) return POL_ERROR_INVALID_ARGUMENT;
  *out = nullptr;
  return guard(nullptr, [&] {
    *out = new pol_outcome();
    return POL_OK;
  });
}

void pol_outcome_free(pol_outcome* outcome) { delete outcome; }

const char* pol_outcome_last_error(const pol_outcome* outcome) { return outcome ? outcome->error.c_str() : ""; }

int pol_outcome_ok(const pol_outcome* outcome) { return outcome && outcome->evaluated && outcome->outcome.ok; }

pol_status pol_outcome_error(const pol_outcome* outcome, pol_evaluation_error* out) {
  if (!outcome || !out || !outcome->evaluated || !outcome->outcome.error) return POL_ERROR_INVALID_ARGUMENT;
  const auto& e = *outcome->outcome.error;
  *out = pol_evaluation_error{e.record_id.c_str(), e.message.c_str(),          e.rule.c_str(),
                              e.location.file.c_str(), e.location.begin.line, e.location.begin.column};
  return POL_OK;
}

pol_status pol_outcome_text(pol_outcome* outcome, size_t output, const char** out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&outcome->error, [&] {
    if (!out) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (auto s = check_output(outcome, output, true)) return s;
    if (outcome->texts.empty()) outcome->texts.resize(outcome->outcome.outputs.size());
    *out = text_of(outcome, outcome->texts[output], output, outcome->outcome.outputs[output]);
    return POL_OK;
  });
}

pol_status pol_outcome_text_by_name(pol_outcome* outcome, const char* name, const char** out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  std::size_t index = 0;
  pol_status s = guard(&outcome->error, [&] { return find_output(outcome, name, &index); });
  return s ? s : pol_outcome_text(outcome, index, out);
}

pol_status pol_outcome_scaled(pol_outcome* outcome, size_t output, int32_t scale, int64_t* out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&outcome->error, [&] {
    if (!out) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (auto s = check_output(outcome, output, true)) return s;
    return scaled_of(outcome, output, outcome->outcome.outputs[output], scale, out);
  });
}

pol_status pol_outcome_scaled_by_name(pol_outcome* outcome, const char* name, int32_t scale, int64_t* out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  std::size_t index = 0;
  pol_status s = guard(&outcome->error, [&] { return find_output(outcome, name, &index); });
  return s ? s : pol_outcome_scaled(outcome, index, scale, out);
}

size_t pol_outcome_member_count(const pol_outcome* outcome) {
  return outcome && outcome->evaluated ? outcome->outcome.members.size() : 0;
}

const char* pol_outcome_member_path(const pol_outcome* outcome, size_t member) {
  if (!outcome || !outcome->evaluated || member >= outcome->outcome.members.size()) return nullptr;
  return outcome->outcome.members[member].path.c_str();
}

const char* pol_outcome_member_entity(const pol_outcome* outcome, size_t member) {
  if (!outcome || !outcome->evaluated || member >= outcome->outcome.members.size()) return nullptr;
  const auto& policy = *outcome->data->policy;
  return policy.entities()[static_cast<std::size_t>(outcome->outcome.members[member].entity)].name.c_str();
}

pol_status pol_outcome_member_text(pol_outcome* outcome, size_t member, size_t output, const char** out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&outcome->error, [&] {
    if (!out) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (auto s = check_member_output(outcome, member, output)) return s;
    if (outcome->member_texts.empty()) outcome->member_texts.resize(outcome->outcome.members.size());
    auto& texts = outcome->member_texts[member];
    if (texts.empty()) texts.resize(outcome->data->policy->outputs().size());
    *out = text_of(outcome, texts[output], output, outcome->outcome.members[member].outputs[output]);
    return POL_OK;
  });
}

pol_status pol_outcome_member_scaled(pol_outcome* outcome, size_t member, size_t output, int32_t scale,
                                     int64_t* out) {
  if (!outcome) return POL_ERROR_INVALID_ARGUMENT;
  return guard(&outcome->error, [&] {
    if (!out) return fail(&outcome->error, POL_ERROR_INVALID_ARGUMENT, "out is NULL");
    if (auto s = check_member_output(outcome, member, output)) return s;
    return scaled_of(outcome, output, outcome->outcome.members[member].outputs[output], scale, out);
  });
}

}  // extern "C"
