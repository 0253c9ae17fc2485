// Compile a policy once into an immutable Policy, then evaluate records against it.
//
//   pol::Compilation c = pol::compile_file("examples/unemployment_insurance.pol");
//   if (!c.policy) { std::cerr << pol::render_all(c.diagnostics, c.sources); return 1; }
//   pol::Evaluator eval(*c.policy, *pol::Date::parse("2026-03-01"));
//   pol::Outcome out = eval.evaluate(record);
//
// A Policy is immutable and may be shared by many threads; an Evaluator holds the parameter
// values bound for one date and per-call scratch space, so each thread uses its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pol/diagnostic.hpp"
#include "pol/value.hpp"

namespace pol {

namespace detail {
struct Program;  // the checked, lowered evaluation form
}
class RecordColumns;   // pol/columns.hpp
struct OutcomeColumns;

struct InputSchema {
  std::string name;
  Type type;
  bool has_default = false;
  SourceRange declared_at;
};

struct CollectionSchema {
  std::string name;  // e.g. "members"
  int entity = -1;   // index into Policy::entities()
};

struct EntitySchema {
  std::string name;
  std::vector<InputSchema> inputs;
  std::vector<CollectionSchema> collections;
  int parent = -1;  // the entity whose collection holds this one; -1 for the root

  int input_index(std::string_view input_name) const noexcept;        // -1 when absent
  int collection_index(std::string_view collection_name) const noexcept;
};

struct OutputSchema {
  std::string name;
  int entity = -1;  // index into Policy::entities(): the root, or a member entity (one value per member)
  Type type;
  std::string citation;
  SourceRange declared_at;
};

// The legal reference of one dated value (a parameter's step, a schedule's version).
struct DatedCitation {
  std::optional<Date> from;  // nullopt: in force at all dates
  std::string citation;      // may be empty
};

struct ParameterInfo {
  std::string name;
  Type type;
  std::string citation;
  SourceRange declared_at;
  std::vector<DatedCitation> steps;  // one per dated value, in date order
};

// A bracket table: `lookup` gives the value of the band the argument falls in; `marginal` adds
// each band's rate times the part of the argument inside that band.
struct ScheduleInfo {
  std::string name;
  bool marginal = false;
  Type argument;
  Type result;
  std::string citation;
  SourceRange declared_at;
  std::vector<DatedCitation> versions;  // one per dated version, in date order
};

struct ExceptionInfo {
  std::string label;     // may be empty
  std::string over;      // the label of the exception it overrides; empty: over the general rule
  std::string citation;  // may be empty
  SourceRange declared_at;
};

struct RuleInfo {
  std::string entity;
  std::string name;
  Type type;
  bool is_output = false;
  std::string citation;
  SourceRange declared_at;
  std::vector<ExceptionInfo> exceptions;  // in declaration order
  bool is_requirement = false;            // `require`: every record must meet it
};

// The input data of one entity instance: values by input index of its EntitySchema, and the
// instances of each of its collections by collection index.
struct EntityRecord {
  std::vector<std::optional<Value>> inputs;  // nullopt: not given (its default applies, if any)
  std::vector<std::vector<EntityRecord>> collections;
};

// One household (root entity instance) with an identifier for messages and output rows.
struct Record {
  std::string id;
  EntityRecord root;
  // The date this record is evaluated as of, when it carries its own (an `as_of` field);
  // otherwise the Evaluator's date applies.
  std::optional<Date> as_of;
  // Where the record came from, for messages: "line 12", "record 3"; may be empty.
  std::string source;
};

// Field by field, without the temporary std::swap would move through and destroy: for callers
// that swap records between a reader's buffers and a batch (found by argument-dependent lookup).
inline void swap(EntityRecord& a, EntityRecord& b) noexcept {
  a.inputs.swap(b.inputs);
  a.collections.swap(b.collections);
}
inline void swap(Record& a, Record& b) noexcept {
  a.id.swap(b.id);
  swap(a.root, b.root);
  std::swap(a.as_of, b.as_of);
  a.source.swap(b.source);
}

class Policy {
 public:
  explicit Policy(std::shared_ptr<const detail::Program> program);

  const std::string& title() const;
  const std::vector<EntitySchema>& entities() const;
  int root_entity() const;
  const std::vector<EnumInfo>& enums() const;
  const std::vector<OutputSchema>& outputs() const;  // in declaration order
  const std::vector<ParameterInfo>& parameters() const;
  const std::vector<ScheduleInfo>& schedules() const;
  const std::vector<RuleInfo>& rules() const;
  // The entity declared with `context { ... }`: published data that is not a household's (a
  // region's unemployment rate, a fund's return), read once per run. -1 when there is none.
  int context_entity() const;

  // An empty record shaped for this policy: every input unset, no collection members.
  EntityRecord empty_record(int entity) const;

  // Resolves an input once, to set it on many records without looking its name up again:
  //   auto wage = policy.find_input("Person", "weekly_wage");
  //   person.inputs[wage->index] = pol::Value::of_number(...);
  struct InputHandle {
    int entity = -1;
    int index = -1;
    Type type;
  };
  std::optional<InputHandle> find_input(std::string_view entity, std::string_view input) const;
  int entity_index(std::string_view entity) const;  // -1 when absent

  const detail::Program& program() const { return *program_; }

 private:
  std::shared_ptr<const detail::Program> program_;
  std::vector<EntitySchema> entity_schemas_;
};

struct Compilation {
  std::shared_ptr<const Policy> policy;  // null when there were errors
  std::vector<Diagnostic> diagnostics;   // errors and warnings, in source order
  SourceSet sources;                     // for render()
};

struct CompileOptions {
  // Also warn (W0102) about parameters and schedules that carry no citation.
  bool strict = false;
};

// Errors make `policy` null; warnings (W0101: a rule no output uses; W0102 with `strict`) do not.
Compilation compile_source(std::string path, std::string text, const CompileOptions& options = {});
Compilation compile_file(const std::string& path, const CompileOptions& options = {});

// A failure while evaluating one record; the batch goes on.
struct EvaluationError {
  std::string record_id;
  std::string message;   // e.g. "division by zero"
  std::string rule;      // "Person.weekly_benefit", or the input's name for a missing input
  SourceRange location;  // where in the policy
};

// The outputs of one member (e.g. one Person) of a record, for outputs declared on its entity.
struct MemberOutcome {
  int entity = -1;
  std::string path;            // "members[2]": collection name and 1-based position
  std::vector<Value> outputs;  // by Policy::outputs() index; only this entity's slots are set
};

struct Outcome {
  bool ok = false;
  std::vector<Value> outputs;  // by Policy::outputs() index, when ok; member outputs' slots unset
  std::vector<MemberOutcome> members;  // when the policy has member outputs: each member, in order
  std::optional<EvaluationError> error;
};

// Caps on the work one record may cost, for embedders that evaluate records they did not write.
// Zero means no cap. A record over a cap fails with an EvaluationError; the batch goes on.
struct EvaluationLimits {
  std::uint64_t max_steps = 0;              // evaluation steps (expression nodes) per record
  std::chrono::milliseconds max_time{0};    // wall time per record, checked every few thousand steps
  std::size_t max_members = 0;              // entity instances per record, the household included
};

class Evaluator {
 public:
  // Binds every parameter's value in force on `as_of`. Reading a parameter that has no value on
  // that date is an evaluation error for the record that reads it.
  Evaluator(const Policy& policy, Date as_of);
  // Context data for every record evaluated next (shaped like Policy::empty_record of
  // context_entity()). Without it, reading a context value with no default is an evaluation error.
  void set_context(EntityRecord context);
  ~Evaluator();
  Evaluator(Evaluator&&) noexcept;
  Evaluator& operator=(Evaluator&&) noexcept;

  // Throws std::invalid_argument when the record is not shaped like the policy's entities (API
  // misuse); every problem of the record's data is reported in the Outcome instead.
  Outcome evaluate(const Record& record);
  // The same into an outcome the caller owns and reuses from record to record.
  void evaluate_into(const Record& record, Outcome& outcome);
  // Evaluates records[i] into out[i] (which must be as long): the caller owns and reuses the
  // outcomes, so a batch allocates nothing once their vectors have grown.
  void evaluate_batch(std::span<const Record> records, std::span<Outcome> out);
  // Evaluates households held as columns (pol/columns.hpp) into `out`, whose columns are sized
  // and reused; a failed row has ok 0 and its error in out.errors.
  void evaluate_columns(const RecordColumns& in, OutcomeColumns& out);
  void set_limits(const EvaluationLimits& limits);
  Date as_of() const noexcept;

  struct State;  // opaque

 private:
  std::unique_ptr<State> state_;
};

// Outcome of one `test` block written inside a policy file.
struct TestResult {
  std::string name;
  SourceRange location;
  bool passed = false;
  std::vector<std::string> failures;  // one line per failed expectation or evaluation error
};

std::vector<TestResult> run_inline_tests(const Policy& policy);

}  // namespace pol
