/* pol.h -- the C API of pol, for C programs and any language with a C FFI.
 *
 * Exact decimal policy evaluation without C++: compile a policy, build household records in code
 * (or read them from JSON, JSON lines or CSV), evaluate them as of a date, and read every output
 * as an exact decimal string or as a scaled integer (money in cents).
 *
 *   #include <pol/pol.h>
 *
 *   pol_policy* policy = NULL;
 *   pol_diagnostics* diags = NULL;
 *   if (pol_compile_file("examples/unemployment_insurance.pol", 0, &policy, &diags) != POL_OK) {
 *     fputs(pol_diagnostics_render(diags), stderr);        // file:line:column: error[E...]: ...
 *     pol_diagnostics_free(diags);
 *     return 1;
 *   }
 *   pol_diagnostics_free(diags);                            // warnings only
 *
 *   pol_evaluator* ev = NULL;
 *   pol_evaluator_new(policy, "2026-03-01", &ev);           // one evaluator per thread
 *
 *   pol_record* rec = NULL;
 *   pol_record_new(policy, "h01", &rec);
 *   pol_member person;
 *   pol_record_add_member(rec, POL_ROOT, "members", &person);
 *   pol_record_set_text(rec, person, "employed", "false");
 *   pol_record_set_text(rec, person, "weeks_worked_last_52", "30");
 *   pol_record_set_scaled(rec, person, "highest_quarter_wages", 910000, 2);   // $9,100.00
 *
 *   pol_outcome* out = NULL;
 *   pol_outcome_new(&out);
 *   if (pol_evaluator_evaluate(ev, rec, out) == POL_OK) {
 *     const char* text; int64_t cents;
 *     pol_outcome_text_by_name(out, "total_weekly_benefit", &text);        // "350.00"
 *     pol_outcome_scaled_by_name(out, "total_weekly_benefit", 2, &cents);  // 35000
 *   } else {
 *     pol_evaluation_error e;
 *     pol_outcome_error(out, &e);                           // e.message, e.rule, e.file, e.line
 *   }
 *   pol_outcome_free(out); pol_record_free(rec); pol_evaluator_free(ev); pol_policy_free(policy);
 *
 * Conventions
 *   - Every function returns a pol_status (POL_OK is 0) or a plain value; results come back
 *     through out-parameters. No function prints, aborts, or lets a C++ exception escape.
 *   - Objects made by pol_*_new, pol_compile_*, pol_records_read are freed with the matching
 *     pol_*_free, which accepts NULL.
 *   - Mutable handles (pol_evaluator, pol_record, pol_outcome) keep the message of their last
 *     failed call: pol_evaluator_last_error(), pol_record_last_error(), pol_outcome_last_error().
 *     The message is "" after a successful call. There is no global error state.
 *   - Strings returned as `const char*` are UTF-8, NUL-terminated and owned by the object they
 *     come from. They stay valid until that object is freed or, for a pol_outcome, until it
 *     receives the next evaluation; copy them to keep them longer.
 *   - Names and value texts passed in are NUL-terminated UTF-8; buffers (policy source, JSON,
 *     CSV) are (pointer, length) and need no terminator.
 *   - Threads: a pol_policy is immutable and may be used by any number of threads at once.
 *     Every other object is used by one thread at a time (an evaluator per thread; records may
 *     be read concurrently by several evaluators while nobody modifies them).
 *   - Objects made from a policy keep what they need of it: pol_policy_free may come first.
 *
 * Linking: the library is C++; link with a C++ compiler driver or add the C++ runtime
 * (e.g. `cc prog.c -lpol -lpol_grammar -lantlr4-runtime -lfmt -lstdc++ -lm`).
 */
#ifndef POL_POL_H
#define POL_POL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------------- */

typedef enum pol_status {
  POL_OK = 0,
  POL_ERROR_INVALID_ARGUMENT = 1, /* NULL pointer, index out of range, handle of another policy */
  POL_ERROR_COMPILE = 2,          /* the policy has errors: see its pol_diagnostics */
  POL_ERROR_IO = 3,               /* a file could not be read */
  POL_ERROR_NOT_FOUND = 4,        /* no entity, input, collection or output of that name */
  POL_ERROR_BAD_VALUE = 5,        /* a value or date text that does not parse for its type */
  POL_ERROR_TYPE = 6,             /* e.g. a scaled integer for a date input, a series as text */
  POL_ERROR_NOT_REPRESENTABLE = 7,/* an exact number that is no whole count of 10^-scale in 64 bits */
  POL_ERROR_EVALUATION = 8,       /* the record failed: see pol_outcome_error */
  POL_ERROR_DATA = 9,             /* context data with errors (message: the last error) */
  POL_ERROR_NO_MEMORY = 10,
  POL_ERROR_INTERNAL = 11         /* a bug in pol: the message says what happened */
} pol_status;

/* A short, static English description of a status ("invalid argument"); never NULL. */
const char* pol_status_string(pol_status status);

/* The library version, "MAJOR.MINOR.PATCH"; static. */
const char* pol_version(void);

/* ---------------------------------------------------------------------------------------------
 * Opaque handles
 * ------------------------------------------------------------------------------------------- */

typedef struct pol_policy pol_policy;           /* compiled, immutable, shareable by threads */
typedef struct pol_diagnostics pol_diagnostics; /* what the compiler reported */
typedef struct pol_evaluator pol_evaluator;     /* parameters bound for a date; one per thread */
typedef struct pol_record pol_record;           /* one household (root entity instance) */
typedef struct pol_records pol_records;         /* records and rejects read from a buffer */
typedef struct pol_outcome pol_outcome;         /* the result of evaluating one record */

/* An entity instance inside a pol_record: POL_ROOT is the household itself; members are numbered
 * by pol_record_add_member. Valid for the record it came from only. */
typedef uint32_t pol_member;
#define POL_ROOT ((pol_member)0)

/* The types of the language. */
typedef enum pol_type {
  POL_TYPE_BOOLEAN = 0,
  POL_TYPE_INTEGER = 1,
  POL_TYPE_DECIMAL = 2,
  POL_TYPE_MONEY = 3,
  POL_TYPE_RATE = 4, /* a fraction: 5% is 0.05 */
  POL_TYPE_DATE = 5,
  POL_TYPE_TEXT = 6,
  POL_TYPE_ENUM = 7,
  POL_TYPE_PERIOD = 8
} pol_type;

/* An input resolved once by pol_policy_find_input, to set it on many records without looking its
 * name up again. A plain value: copy it freely. Valid with records of the same policy only. */
typedef struct pol_input_handle {
  int32_t entity; /* index of the entity in the policy */
  int32_t index;  /* index of the input in its entity */
  pol_type type;  /* the type of one value */
  int32_t is_series; /* nonzero: one value per period (set with pol_record_set_period_text*) */
} pol_input_handle;

/* ---------------------------------------------------------------------------------------------
 * Compiling
 * ------------------------------------------------------------------------------------------- */

typedef enum pol_severity { POL_SEVERITY_ERROR = 0, POL_SEVERITY_WARNING = 1, POL_SEVERITY_NOTE = 2 } pol_severity;

/* One diagnostic; its strings belong to the pol_diagnostics it was read from. */
typedef struct pol_diagnostic {
  const char* code;    /* stable identifier, "E0201"; "E0000" when the file could not be read */
  pol_severity severity;
  const char* file;    /* the path given to the compiler */
  int32_t line;        /* 1-based; 0 when unknown */
  int32_t column;      /* 1-based, in characters; 0 when unknown */
  int32_t end_line;
  int32_t end_column;  /* exclusive */
  const char* message;
  const char* hint;    /* "" when none */
} pol_diagnostic;

/* Compiles policy source text. `path` names it in diagnostics and resolves imports (may be
 * NULL: "<source>"). `strict` nonzero also warns about parameters and schedules without a
 * citation (W0102).
 * POL_OK: *policy is set (free it with pol_policy_free); there may be warnings.
 * POL_ERROR_COMPILE: *policy is NULL; the diagnostics say why.
 * `diagnostics` may be NULL when not wanted; otherwise *diagnostics is always set (free it with
 * pol_diagnostics_free), except on POL_ERROR_INVALID_ARGUMENT / POL_ERROR_NO_MEMORY. */
pol_status pol_compile_source(const char* path, const char* text, size_t length, int strict,
                              pol_policy** policy, pol_diagnostics** diagnostics);

/* Same, reading the file at `path`. POL_ERROR_IO when it cannot be read (with diagnostic E0000). */
pol_status pol_compile_file(const char* path, int strict, pol_policy** policy, pol_diagnostics** diagnostics);

void pol_diagnostics_free(pol_diagnostics* diagnostics);
/* Number of diagnostics (errors, warnings), in source order. */
size_t pol_diagnostics_count(const pol_diagnostics* diagnostics);
/* Number of errors among them. */
size_t pol_diagnostics_error_count(const pol_diagnostics* diagnostics);
/* Fills *out with diagnostic `index` (< count). POL_ERROR_INVALID_ARGUMENT when out of range. */
pol_status pol_diagnostics_get(const pol_diagnostics* diagnostics, size_t index, pol_diagnostic* out);
/* Every diagnostic rendered for people: "file:line:column: error[CODE]: message", the source
 * line, a caret and the hint. "" when there are none. Owned by `diagnostics`. Not to be called
 * by two threads at once on the same object (the text is made on first request). */
const char* pol_diagnostics_render(pol_diagnostics* diagnostics);
/* Diagnostic `index` as one line of JSON (the `--diagnostics=json` form); NULL when out of range.
 * Valid until the next call of this function on the same object. */
const char* pol_diagnostics_json(pol_diagnostics* diagnostics, size_t index);

/* ---------------------------------------------------------------------------------------------
 * Policies (immutable: every function here may be called from any thread)
 * ------------------------------------------------------------------------------------------- */

void pol_policy_free(pol_policy* policy);
/* The title (`policy "..."`); "" when none. */
const char* pol_policy_title(const pol_policy* policy);
/* The name of the root entity: the one a record is an instance of ("Household"). */
const char* pol_policy_root_entity(const pol_policy* policy);

/* Resolves ENTITY.INPUT. POL_ERROR_NOT_FOUND when either name is unknown. The context's values
 * are not entity inputs: set them with pol_evaluator_set_context_*. */
pol_status pol_policy_find_input(const pol_policy* policy, const char* entity, const char* input,
                                 pol_input_handle* out);

/* Outputs, in declaration order. An output belongs to the root entity (one value per record) or
 * to a member entity (one value per member: read with pol_outcome_member_*). */
size_t pol_policy_output_count(const pol_policy* policy);
/* NULL when index is out of range. */
const char* pol_policy_output_name(const pol_policy* policy, size_t index);
/* The entity it is declared on ("Household", "Person"); NULL when out of range. */
const char* pol_policy_output_entity(const pol_policy* policy, size_t index);
/* Its type as written in the language ("money", "rate", an enumeration's name); NULL when out of range. */
const char* pol_policy_output_type_name(const pol_policy* policy, size_t index);
/* Its type; POL_ERROR_INVALID_ARGUMENT when out of range. */
pol_status pol_policy_output_type(const pol_policy* policy, size_t index, pol_type* out);
/* Nonzero when it is declared on the root entity. */
int pol_policy_output_is_root(const pol_policy* policy, size_t index);
/* The index of the output named `name`; POL_ERROR_NOT_FOUND when none. */
pol_status pol_policy_output_index(const pol_policy* policy, const char* name, size_t* out);

/* ---------------------------------------------------------------------------------------------
 * Records built in code
 * ------------------------------------------------------------------------------------------- */

/* A new record of the policy's root entity, every input unset, no members. `id` names it in
 * errors (may be NULL: ""). */
pol_status pol_record_new(const pol_policy* policy, const char* id, pol_record** out);
void pol_record_free(pol_record* record);
/* The last failed call's message; "" after a success. */
const char* pol_record_last_error(const pol_record* record);

/* Empties the record for reuse (every input unset, no members; members numbered anew) and sets
 * its id (NULL keeps it). Its own evaluation date, if any, is dropped. */
pol_status pol_record_clear(pol_record* record, const char* id);
pol_status pol_record_set_id(pol_record* record, const char* id);
/* The date this record is evaluated as of, instead of the evaluator's ("2026-03-01"); NULL
 * removes it. POL_ERROR_BAD_VALUE when not an ISO date. */
pol_status pol_record_set_as_of(pol_record* record, const char* date);

/* Appends a new, empty member to the collection `collection` ("members") of the instance
 * `parent` (POL_ROOT or a member added earlier); *out identifies it.
 * POL_ERROR_NOT_FOUND: the parent's entity has no such collection. */
pol_status pol_record_add_member(pol_record* record, pol_member parent, const char* collection, pol_member* out);
/* How many instances the record holds, the root included (members added by this API only). */
size_t pol_record_member_count(const pol_record* record);

/* Sets the input `input` of the instance `member` from text, in the forms of the record files:
 *   boolean true false; integer -12; decimal -12.5; money 1234.56 $1,234.56 -$3;
 *   rate 0.055 5.5%; date 2026-03-01; text anything; enum a value's name;
 *   period 2026-03, 2026-Q1, 2026, 2026-W09.
 * POL_ERROR_NOT_FOUND: the member's entity has no such input. POL_ERROR_BAD_VALUE: the text is
 * not a value of the input's type (the last error says what was expected). POL_ERROR_TYPE: the
 * input is a series (use pol_record_set_period_text). */
pol_status pol_record_set_text(pol_record* record, pol_member member, const char* input, const char* text);
/* Same with a pre-resolved input. POL_ERROR_INVALID_ARGUMENT when the handle is not an input of
 * the member's entity. */
pol_status pol_record_set_text_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                         const char* text);

/* Sets a numeric input (integer, decimal, money, rate) to value × 10^-scale, exactly:
 * (35000, 2) is 350.00; (55, 3) is a rate of 0.055 (5.5%); a negative scale multiplies by a
 * power of ten. An integer input refuses a value with a fraction (POL_ERROR_BAD_VALUE).
 * POL_ERROR_TYPE: the input is not numeric, or is a series. */
pol_status pol_record_set_scaled(pol_record* record, pol_member member, const char* input, int64_t value,
                                 int32_t scale);
pol_status pol_record_set_scaled_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                           int64_t value, int32_t scale);

/* Sets the value of one period of a series input ("money by quarter"): `period` is a label of
 * the series' period kind ("2026-Q1", "2026-03", "2026-W09", "2026"), `text` a value of its
 * element type. Periods not set are not given. POL_ERROR_TYPE: the input is not a series. */
pol_status pol_record_set_period_text(pol_record* record, pol_member member, const char* input,
                                      const char* period, const char* text);
pol_status pol_record_set_period_text_by_handle(pol_record* record, pol_member member, pol_input_handle input,
                                                const char* period, const char* text);

/* Makes the input not given again (its default applies, if any). */
pol_status pol_record_unset(pol_record* record, pol_member member, const char* input);

/* ---------------------------------------------------------------------------------------------
 * Records read from a buffer (the formats of docs/records.md)
 * ------------------------------------------------------------------------------------------- */

typedef enum pol_format {
  POL_FORMAT_AUTO = 0,       /* JSON when the first non-blank character is '[', else JSON lines */
  POL_FORMAT_JSON = 1,       /* a top-level array of objects */
  POL_FORMAT_JSON_LINES = 2, /* one object per line */
  POL_FORMAT_CSV = 3
} pol_format;

/* A record that was rejected while reading, or a warning (an unknown field); strings belong to
 * the pol_records. */
typedef struct pol_record_problem {
  const char* record;  /* how to find it: "line 12 (id \"h3\")" */
  const char* field;   /* "members[1].weekly_wage"; "" when the record as a whole is broken */
  const char* message; /* what was wrong and what was expected */
  const char* raw;     /* the record's input text, possibly truncated ("" for warnings) */
} pol_record_problem;

/* Reads every record of the buffer. A malformed record is a reject, not a failure: the others
 * are read. `source_name` names the buffer in messages (may be NULL: "<input>"). POL_OK unless
 * the arguments are wrong or memory runs out. */
pol_status pol_records_read(const pol_policy* policy, const char* data, size_t length, pol_format format,
                            const char* source_name, pol_records** out);
void pol_records_free(pol_records* records);
size_t pol_records_count(const pol_records* records);
/* Record `index`, owned by `records` (valid until pol_records_free); NULL when out of range. It
 * may be modified (pol_record_set_*) but pol_record_free must not be called on it. Its members
 * read from the buffer are not addressable as pol_member; members added to it are. */
pol_record* pol_records_get(pol_records* records, size_t index);
size_t pol_records_reject_count(const pol_records* records);
pol_status pol_records_reject(const pol_records* records, size_t index, pol_record_problem* out);
size_t pol_records_warning_count(const pol_records* records);
pol_status pol_records_warning(const pol_records* records, size_t index, pol_record_problem* out);

/* ---------------------------------------------------------------------------------------------
 * Evaluators
 * ------------------------------------------------------------------------------------------- */

/* An evaluator binding every parameter's value in force on `as_of` ("2026-03-01").
 * POL_ERROR_BAD_VALUE when the date is not an ISO date. */
pol_status pol_evaluator_new(const pol_policy* policy, const char* as_of, pol_evaluator** out);
void pol_evaluator_free(pol_evaluator* evaluator);
const char* pol_evaluator_last_error(const pol_evaluator* evaluator);

/* Changes the evaluation date for records that carry none. Context data and limits are kept. */
pol_status pol_evaluator_set_as_of(pol_evaluator* evaluator, const char* as_of);

/* Replaces the context data (the policy's `context { ... }` values) with the JSON object in the
 * buffer (the `pol run --context` file format). POL_ERROR_DATA when it has errors (every one in
 * the last error, one per line; the context is then unchanged), or when the policy declares no
 * context. Unknown fields are ignored. */
pol_status pol_evaluator_set_context_json(pol_evaluator* evaluator, const char* json, size_t length);
/* Sets one context value from text (the forms of pol_record_set_text), keeping the others.
 * POL_ERROR_NOT_FOUND: no context value of that name (or no context at all). */
pol_status pol_evaluator_set_context_text(pol_evaluator* evaluator, const char* name, const char* text);
/* Sets one period of a series context value. */
pol_status pol_evaluator_set_context_period_text(pol_evaluator* evaluator, const char* name, const char* period,
                                                 const char* text);
/* Removes every context value (defaults apply). */
pol_status pol_evaluator_clear_context(pol_evaluator* evaluator);

/* Caps on the work one record may cost; 0 means no cap. A record over a cap fails with an
 * evaluation error; the others go on. `max_members` counts the household too. */
pol_status pol_evaluator_set_limits(pol_evaluator* evaluator, uint64_t max_steps, uint64_t max_time_ms,
                                    uint64_t max_members);

/* Evaluates one record into `outcome` (replacing what it held).
 * POL_OK: the outputs are in the outcome. POL_ERROR_EVALUATION: the record failed (division by
 * zero, a missing input, a limit...): pol_outcome_error says why; the evaluator stays usable.
 * POL_ERROR_INVALID_ARGUMENT: a record of another policy (the last error says so). */
pol_status pol_evaluator_evaluate(pol_evaluator* evaluator, const pol_record* record, pol_outcome* outcome);

/* Evaluates records[i] into outcomes[i] for i < count; the caller owns and reuses the outcomes.
 * A failed record does not stop the batch. *failed (may be NULL) receives the number of records
 * that failed. Returns POL_OK when every record was evaluated (failed or not), or the first
 * argument error (nothing is evaluated then). */
pol_status pol_evaluator_evaluate_batch(pol_evaluator* evaluator, const pol_record* const* records,
                                        pol_outcome* const* outcomes, size_t count, size_t* failed);

/* ---------------------------------------------------------------------------------------------
 * Outcomes
 * ------------------------------------------------------------------------------------------- */

/* Why a record failed; strings belong to the outcome. */
typedef struct pol_evaluation_error {
  const char* record_id;
  const char* message; /* "division by zero" */
  const char* rule;    /* "Person.weekly_benefit", or the input's name for a missing input; may be "" */
  const char* file;    /* where in the policy; "" when unknown */
  int32_t line;        /* 1-based; 0 when unknown */
  int32_t column;
} pol_evaluation_error;

/* An empty outcome, to pass to pol_evaluator_evaluate. */
pol_status pol_outcome_new(pol_outcome** out);
void pol_outcome_free(pol_outcome* outcome);
const char* pol_outcome_last_error(const pol_outcome* outcome);

/* Nonzero when the last evaluation into it succeeded. */
int pol_outcome_ok(const pol_outcome* outcome);
/* Fills *out with the evaluation error. POL_ERROR_INVALID_ARGUMENT when the outcome holds none
 * (not evaluated, or it succeeded). */
pol_status pol_outcome_error(const pol_outcome* outcome, pol_evaluation_error* out);

/* Root outputs, by index of pol_policy_output_* or by name. The text is exact: money with at
 * least two decimals ("350.00"), rates as fractions ("0.055"), dates ISO, booleans true/false,
 * enumeration values by name. POL_ERROR_EVALUATION when the outcome did not succeed;
 * POL_ERROR_INVALID_ARGUMENT when the output is a member output; POL_ERROR_NOT_FOUND (by name)
 * when there is no such output. */
pol_status pol_outcome_text(pol_outcome* outcome, size_t output, const char** out);
pol_status pol_outcome_text_by_name(pol_outcome* outcome, const char* name, const char** out);
/* A numeric output as a count of 10^-scale units (money in cents: scale 2), exactly.
 * POL_ERROR_NOT_REPRESENTABLE when it is not a whole number of such units or does not fit in 64
 * bits (nothing is rounded); POL_ERROR_TYPE when the output is not numeric (integer, decimal,
 * money, rate): read booleans, dates, texts and enumeration values with pol_outcome_text. */
pol_status pol_outcome_scaled(pol_outcome* outcome, size_t output, int32_t scale, int64_t* out);
pol_status pol_outcome_scaled_by_name(pol_outcome* outcome, const char* name, int32_t scale, int64_t* out);

/* Member outputs: one entry per member of the record's own collections that has outputs, in order. */
size_t pol_outcome_member_count(const pol_outcome* outcome);
/* "members[2]": its collection and 1-based position; NULL when out of range. */
const char* pol_outcome_member_path(const pol_outcome* outcome, size_t member);
/* Its entity's name ("Person"); NULL when out of range. */
const char* pol_outcome_member_entity(const pol_outcome* outcome, size_t member);
/* Output `output` (an output of the member's entity) of member `member`, as text or scaled. */
pol_status pol_outcome_member_text(pol_outcome* outcome, size_t member, size_t output, const char** out);
pol_status pol_outcome_member_scaled(pol_outcome* outcome, size_t member, size_t output, int32_t scale,
                                     int64_t* out);

#ifdef __cplusplus
}
#endif

#endif /* POL_POL_H */
