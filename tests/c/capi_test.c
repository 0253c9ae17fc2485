/* The C API (interpreter/include/pol/pol.h) exercised from C11: every function, its error paths,
 * and two threads sharing one policy. Usage: pol_capi_test SOURCE_DIR
 * ctest runs it directly and under valgrind --leak-check=full (tests/c/CMakeLists.txt). */
#include <pol/pol.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks = 0;

#define CHECK(cond)                                                          \
  do {                                                                       \
    ++checks;                                                                \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                               \
    }                                                                        \
  } while (0)
#define CHECK_STATUS(expr, expected)                                                            \
  do {                                                                                          \
    pol_status s_ = (expr);                                                                     \
    ++checks;                                                                                   \
    if (s_ != (expected)) {                                                                     \
      fprintf(stderr, "%s:%d: %s gave %d (%s), expected %d\n", __FILE__, __LINE__, #expr, (int)s_, \
              pol_status_string(s_), (int)(expected));                                          \
      exit(1);                                                                                  \
    }                                                                                           \
  } while (0)
#define CHECK_STR(actual, expected)                                                                   \
  do {                                                                                                \
    const char* a_ = (actual);                                                                        \
    ++checks;                                                                                         \
    if (!a_ || strcmp(a_, (expected)) != 0) {                                                         \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, a_ ? a_ : "(null)", \
              (expected));                                                                            \
      exit(1);                                                                                        \
    }                                                                                                 \
  } while (0)
#define CONTAINS(haystack, needle) (strstr((haystack), (needle)) != NULL)

static const char* POLICY =
    "policy \"C API test\"\n"
    "\n"
    "enum Status { single, married }\n"
    "\n"
    "context {\n"
    "  input region_rate: rate = 0%\n"
    "  input weekly_index: decimal by week = 0\n"
    "}\n"
    "\n"
    "entity Person {\n"
    "  input wage: money\n"
    "  input hours: integer = 0\n"
    "  input born: date = 1990-01-01\n"
    "  input status: Status = single\n"
    "  input bonus: money by month = $0\n"
    "}\n"
    "entity Household {\n"
    "  input rent: money = $0\n"
    "  input divisor: integer = 1\n"
    "  input label: text = \"none\"\n"
    "  members: list of Person\n"
    "}\n"
    "\n"
    "function spin(n: integer): integer = if n <= 0 then 0 else spin(n - 1) + 1\n"
    "\n"
    "rule Person.pay: money = wage + bonus[month_of(as_of)]\n"
    "\n"
    "output Household.total: money = sum(members.pay)\n"
    "output Household.share: money = rent / divisor\n"
    "output Household.third: money = total / 3\n"
    "output Household.uplift: money = total * region_rate\n"
    "output Household.index_now: decimal = weekly_index[week_of(as_of)]\n"
    "output Household.married: integer = count(members where status = married)\n"
    "output Household.any_married: boolean = married > 0\n"
    "output Household.spun: integer = spin(count(members) * 100)\n"
    "output Household.echo: text = label\n"
    "output Person.double_pay: money = pay * 2\n"
    "output Person.hours_out: integer = hours\n"
    "output Person.born_out: date = born\n"
    "output Person.status_out: Status = status\n";

enum { TOTAL, SHARE, THIRD, UPLIFT, INDEX_NOW, MARRIED, ANY_MARRIED, SPUN, ECHO, DOUBLE_PAY, HOURS_OUT, BORN_OUT,
       STATUS_OUT, OUTPUT_COUNT };

static const char* source_dir = ".";

static pol_policy* compile_test_policy(void) {
  pol_policy* policy = NULL;
  pol_diagnostics* diags = NULL;
  CHECK_STATUS(pol_compile_source("capi_test.pol", POLICY, strlen(POLICY), 0, &policy, &diags), POL_OK);
  CHECK(policy != NULL);
  CHECK(pol_diagnostics_error_count(diags) == 0);
  pol_diagnostics_free(diags);
  return policy;
}

static void test_status_strings(void) {
  for (int s = POL_OK; s <= POL_ERROR_INTERNAL; ++s) CHECK(pol_status_string((pol_status)s)[0] != '\0');
  CHECK_STR(pol_status_string((pol_status)99), "unknown status");
  CHECK_STR(pol_status_string(POL_OK), "ok");
  CHECK(strlen(pol_version()) >= 5);
}

static void test_compile_errors(void) {
  /* A type error: money + date. */
  const char* bad =
      "entity Person { input wage: money  input born: date }\n"
      "entity Household { members: list of Person }\n"
      "output Household.x: money = sum(members.wage) + wekly_cap\n";
  pol_policy* policy = (pol_policy*)1;
  pol_diagnostics* diags = NULL;
  CHECK_STATUS(pol_compile_source("bad.pol", bad, strlen(bad), 0, &policy, &diags), POL_ERROR_COMPILE);
  CHECK(policy == NULL);
  CHECK(diags != NULL);
  CHECK(pol_diagnostics_count(diags) >= 1);
  CHECK(pol_diagnostics_error_count(diags) >= 1);
  pol_diagnostic d;
  CHECK_STATUS(pol_diagnostics_get(diags, 0, &d), POL_OK);
  CHECK(d.code[0] == 'E');
  CHECK(d.severity == POL_SEVERITY_ERROR);
  CHECK_STR(d.file, "bad.pol");
  CHECK(d.line == 3);
  CHECK(d.column > 1);
  CHECK(d.end_line == 3);
  CHECK(d.message[0] != '\0');
  CHECK(d.hint != NULL);
  CHECK_STATUS(pol_diagnostics_get(diags, 1000, &d), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_diagnostics_get(diags, 0, NULL), POL_ERROR_INVALID_ARGUMENT);
  const char* text = pol_diagnostics_render(diags);
  CHECK(CONTAINS(text, "bad.pol:3:"));
  CHECK(CONTAINS(text, d.code));
  CHECK(CONTAINS(text, "wekly_cap"));
  CHECK(pol_diagnostics_render(diags) == text); /* made once */
  const char* json = pol_diagnostics_json(diags, 0);
  CHECK(json && CONTAINS(json, "\"code\":\"") && CONTAINS(json, d.code));
  CHECK(pol_diagnostics_json(diags, 1000) == NULL);
  pol_diagnostics_free(diags);

  /* A syntax error, diagnostics not wanted. */
  policy = NULL;
  CHECK_STATUS(pol_compile_source(NULL, "entity {", 8, 0, &policy, NULL), POL_ERROR_COMPILE);
  CHECK(policy == NULL);

  /* A missing file. */
  CHECK_STATUS(pol_compile_file("/nonexistent/policy.pol", 0, &policy, &diags), POL_ERROR_IO);
  CHECK(policy == NULL);
  CHECK_STATUS(pol_diagnostics_get(diags, 0, &d), POL_OK);
  CHECK_STR(d.code, "E0000");
  CHECK_STR(d.file, "/nonexistent/policy.pol");
  pol_diagnostics_free(diags);

  /* Warnings do not stop compilation: strict wants citations on parameters. */
  const char* uncited =
      "entity Household { input income: money }\n"
      "parameter rate_a: rate = 10%\n"
      "output Household.tax: money = income * rate_a\n";
  CHECK_STATUS(pol_compile_source("w.pol", uncited, strlen(uncited), 1, &policy, &diags), POL_OK);
  CHECK(policy != NULL);
  CHECK(pol_diagnostics_count(diags) >= 1);
  CHECK(pol_diagnostics_error_count(diags) == 0);
  CHECK_STATUS(pol_diagnostics_get(diags, 0, &d), POL_OK);
  CHECK(d.severity == POL_SEVERITY_WARNING);
  CHECK_STR(d.code, "W0102");
  CHECK(CONTAINS(pol_diagnostics_render(diags), "W0102"));
  pol_diagnostics_free(diags);
  pol_policy_free(policy);

  /* Argument errors. */
  CHECK_STATUS(pol_compile_source("x", NULL, 5, 0, &policy, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_compile_source("x", "", 0, 0, NULL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_compile_file(NULL, 0, &policy, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_diagnostics_count(NULL) == 0);
  CHECK(pol_diagnostics_error_count(NULL) == 0);
  CHECK_STR(pol_diagnostics_render(NULL), "");
  CHECK(pol_diagnostics_json(NULL, 0) == NULL);
  pol_diagnostics_free(NULL);
}

static void test_policy(const pol_policy* policy) {
  CHECK_STR(pol_policy_title(policy), "C API test");
  CHECK_STR(pol_policy_root_entity(policy), "Household");
  CHECK(pol_policy_output_count(policy) == OUTPUT_COUNT);
  CHECK_STR(pol_policy_output_name(policy, TOTAL), "total");
  CHECK_STR(pol_policy_output_entity(policy, TOTAL), "Household");
  CHECK_STR(pol_policy_output_entity(policy, DOUBLE_PAY), "Person");
  CHECK_STR(pol_policy_output_type_name(policy, TOTAL), "money");
  CHECK_STR(pol_policy_output_type_name(policy, STATUS_OUT), "Status");
  CHECK(pol_policy_output_name(policy, OUTPUT_COUNT) == NULL);
  CHECK(pol_policy_output_entity(policy, OUTPUT_COUNT) == NULL);
  CHECK(pol_policy_output_type_name(policy, OUTPUT_COUNT) == NULL);
  pol_type type;
  CHECK_STATUS(pol_policy_output_type(policy, INDEX_NOW, &type), POL_OK);
  CHECK(type == POL_TYPE_DECIMAL);
  CHECK_STATUS(pol_policy_output_type(policy, BORN_OUT, &type), POL_OK);
  CHECK(type == POL_TYPE_DATE);
  CHECK_STATUS(pol_policy_output_type(policy, OUTPUT_COUNT, &type), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_policy_output_is_root(policy, TOTAL));
  CHECK(!pol_policy_output_is_root(policy, DOUBLE_PAY));
  CHECK(!pol_policy_output_is_root(policy, OUTPUT_COUNT));
  size_t index = 0;
  CHECK_STATUS(pol_policy_output_index(policy, "spun", &index), POL_OK);
  CHECK(index == SPUN);
  CHECK_STATUS(pol_policy_output_index(policy, "spin", &index), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_policy_output_index(policy, NULL, &index), POL_ERROR_INVALID_ARGUMENT);

  pol_input_handle h;
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "wage", &h), POL_OK);
  CHECK(h.type == POL_TYPE_MONEY && !h.is_series && h.index == 0);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "bonus", &h), POL_OK);
  CHECK(h.type == POL_TYPE_MONEY && h.is_series);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "status", &h), POL_OK);
  CHECK(h.type == POL_TYPE_ENUM);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "salary", &h), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_policy_find_input(policy, "Persons", "wage", &h), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_policy_find_input(policy, NULL, "wage", &h), POL_ERROR_INVALID_ARGUMENT);

  CHECK_STR(pol_policy_title(NULL), "");
  CHECK_STR(pol_policy_root_entity(NULL), "");
  CHECK(pol_policy_output_count(NULL) == 0);
  pol_policy_free(NULL);
}

/* A household with members paid the given wages (text). */
static pol_record* household(const pol_policy* policy, const char* id, int members, const char* wage) {
  pol_record* record = NULL;
  CHECK_STATUS(pol_record_new(policy, id, &record), POL_OK);
  for (int i = 0; i < members; ++i) {
    pol_member m;
    CHECK_STATUS(pol_record_add_member(record, POL_ROOT, "members", &m), POL_OK);
    CHECK(m == (pol_member)(i + 1));
    CHECK_STATUS(pol_record_set_text(record, m, "wage", wage), POL_OK);
  }
  return record;
}

static void test_records_and_outcomes(const pol_policy* policy) {
  pol_record* record = NULL;
  CHECK_STATUS(pol_record_new(policy, "h1", &record), POL_OK);
  CHECK(pol_record_member_count(record) == 1);
  pol_member a, b;
  CHECK_STATUS(pol_record_add_member(record, POL_ROOT, "members", &a), POL_OK);
  CHECK_STATUS(pol_record_add_member(record, POL_ROOT, "members", &b), POL_OK);
  CHECK(pol_record_member_count(record) == 3);
  CHECK_STR(pol_record_last_error(record), "");

  /* Members: unknown list, unknown parent, a Person has no lists. */
  pol_member m;
  CHECK_STATUS(pol_record_add_member(record, POL_ROOT, "people", &m), POL_ERROR_NOT_FOUND);
  CHECK(CONTAINS(pol_record_last_error(record), "people"));
  CHECK_STATUS(pol_record_add_member(record, 77, "members", &m), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_add_member(record, a, "members", &m), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_record_add_member(record, POL_ROOT, NULL, &m), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_add_member(record, POL_ROOT, "members", NULL), POL_ERROR_INVALID_ARGUMENT);

  /* Text values, by name. */
  CHECK_STATUS(pol_record_set_text(record, a, "wage", "$1,000.50"), POL_OK);
  CHECK_STR(pol_record_last_error(record), "");
  CHECK_STATUS(pol_record_set_text(record, a, "status", "married"), POL_OK);
  CHECK_STATUS(pol_record_set_text(record, a, "born", "1980-02-29"), POL_OK);
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "rent", "900.00"), POL_OK);
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "divisor", "2"), POL_OK);
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "label", "two people"), POL_OK);
  /* Bad values, unknown inputs, wrong members. */
  CHECK_STATUS(pol_record_set_text(record, a, "wage", "abc"), POL_ERROR_BAD_VALUE);
  CHECK(CONTAINS(pol_record_last_error(record), "abc"));
  CHECK(CONTAINS(pol_record_last_error(record), "wage"));
  CHECK_STATUS(pol_record_set_text(record, a, "wage", "1,00.00"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_text(record, a, "status", "widowed"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_text(record, a, "born", "2026-02-30"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "divisor", "1.5"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_text(record, a, "salary", "1.00"), POL_ERROR_NOT_FOUND);
  CHECK(CONTAINS(pol_record_last_error(record), "Person has no input `salary`"));
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "wage", "1.00"), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_record_set_text(record, 99, "wage", "1.00"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_text(record, a, "bonus", "1.00"), POL_ERROR_TYPE);
  CHECK_STATUS(pol_record_set_text(record, a, NULL, "1.00"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_text(record, a, "wage", NULL), POL_ERROR_INVALID_ARGUMENT);
  /* Series, by period. */
  CHECK_STATUS(pol_record_set_period_text(record, a, "bonus", "2026-03", "$100.00"), POL_OK);
  CHECK_STATUS(pol_record_set_period_text(record, a, "bonus", "2026-04", "200.00"), POL_OK);
  CHECK_STATUS(pol_record_set_period_text(record, a, "bonus", "2026-Q1", "1.00"), POL_ERROR_BAD_VALUE);
  CHECK(CONTAINS(pol_record_last_error(record), "month"));
  CHECK_STATUS(pol_record_set_period_text(record, a, "bonus", "2026-05", "lots"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_period_text(record, a, "wage", "2026-05", "1.00"), POL_ERROR_TYPE);
  CHECK_STATUS(pol_record_set_period_text(record, a, "bonus", NULL, "1.00"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_period_text(record, a, "nope", "2026-05", "1.00"), POL_ERROR_NOT_FOUND);

  /* Scaled integers and handles. */
  pol_input_handle wage, hours, born, bonus, rent;
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "wage", &wage), POL_OK);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "hours", &hours), POL_OK);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "born", &born), POL_OK);
  CHECK_STATUS(pol_policy_find_input(policy, "Person", "bonus", &bonus), POL_OK);
  CHECK_STATUS(pol_policy_find_input(policy, "Household", "rent", &rent), POL_OK);
  CHECK_STATUS(pol_record_set_scaled_by_handle(record, b, wage, 35000, 2), POL_OK); /* $350.00 */
  CHECK_STATUS(pol_record_set_scaled(record, b, "hours", 4000, 2), POL_OK);        /* 40 */
  CHECK_STATUS(pol_record_set_scaled(record, b, "hours", 4050, 2), POL_ERROR_BAD_VALUE);
  CHECK(CONTAINS(pol_record_last_error(record), "hours"));
  CHECK_STATUS(pol_record_set_scaled_by_handle(record, b, born, 1, 0), POL_ERROR_TYPE);
  CHECK_STATUS(pol_record_set_scaled(record, b, "status", 1, 0), POL_ERROR_TYPE);
  CHECK_STATUS(pol_record_set_scaled(record, b, "bonus", 1, 0), POL_ERROR_TYPE);
  CHECK_STATUS(pol_record_set_scaled(record, b, "hours", 1, 5000), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_scaled(record, b, "missing", 1, 0), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_record_set_scaled_by_handle(record, POL_ROOT, wage, 1, 0), POL_ERROR_INVALID_ARGUMENT);
  CHECK(CONTAINS(pol_record_last_error(record), "not an input of Household"));
  CHECK_STATUS(pol_record_set_text_by_handle(record, b, rent, "1.00"), POL_ERROR_INVALID_ARGUMENT);
  pol_input_handle forged = wage;
  forged.index = 42;
  CHECK_STATUS(pol_record_set_text_by_handle(record, b, forged, "1.00"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_text_by_handle(record, b, hours, "x"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_record_set_text_by_handle(record, b, born, "2000-01-01"), POL_OK);
  CHECK_STATUS(pol_record_set_period_text_by_handle(record, b, bonus, "2026-03", "0.50"), POL_OK);
  CHECK_STATUS(pol_record_set_period_text_by_handle(record, b, wage, "2026-03", "0.50"), POL_ERROR_TYPE);
  /* Unset and set again: the default (single) applies to b. */
  CHECK_STATUS(pol_record_set_text(record, b, "status", "married"), POL_OK);
  CHECK_STATUS(pol_record_unset(record, b, "status"), POL_OK);
  CHECK_STATUS(pol_record_unset(record, b, "statuses"), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_record_set_id(record, "h1-renamed"), POL_OK);
  CHECK_STATUS(pol_record_set_as_of(record, "2026-13-01"), POL_ERROR_BAD_VALUE);
  CHECK(CONTAINS(pol_record_last_error(record), "2026-13-01"));

  /* Evaluators. */
  pol_evaluator* ev = NULL;
  CHECK_STATUS(pol_evaluator_new(policy, "2026-03-31", &ev), POL_OK);
  pol_evaluator* bad_ev = (pol_evaluator*)1;
  CHECK_STATUS(pol_evaluator_new(policy, "31/03/2026", &bad_ev), POL_ERROR_BAD_VALUE);
  CHECK(bad_ev == NULL);
  CHECK_STATUS(pol_evaluator_new(NULL, "2026-03-31", &bad_ev), POL_ERROR_INVALID_ARGUMENT);
  pol_outcome* out = NULL;
  CHECK_STATUS(pol_outcome_new(&out), POL_OK);
  const char* text = NULL;
  int64_t n = 0;
  CHECK(!pol_outcome_ok(out));
  CHECK(pol_outcome_member_count(out) == 0);
  CHECK_STATUS(pol_outcome_text(out, TOTAL, &text), POL_ERROR_INVALID_ARGUMENT); /* not evaluated */
  CHECK_STATUS(pol_outcome_text_by_name(out, "total", &text), POL_ERROR_INVALID_ARGUMENT);
  pol_evaluation_error err;
  CHECK_STATUS(pol_outcome_error(out, &err), POL_ERROR_INVALID_ARGUMENT);

  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STR(pol_evaluator_last_error(ev), "");
  CHECK(pol_outcome_ok(out));
  CHECK_STATUS(pol_outcome_error(out, &err), POL_ERROR_INVALID_ARGUMENT);
  /* 1000.50 + 100.00 (March bonus) + 350.00 + 0.50 */
  CHECK_STATUS(pol_outcome_text(out, TOTAL, &text), POL_OK);
  CHECK_STR(text, "1451.00");
  CHECK_STATUS(pol_outcome_scaled(out, TOTAL, 2, &n), POL_OK);
  CHECK(n == 145100);
  CHECK_STATUS(pol_outcome_scaled(out, TOTAL, 0, &n), POL_OK);
  CHECK(n == 1451);
  CHECK_STATUS(pol_outcome_scaled(out, TOTAL, -1, &n), POL_ERROR_NOT_REPRESENTABLE);
  CHECK_STATUS(pol_outcome_scaled_by_name(out, "share", 2, &n), POL_OK);
  CHECK(n == 45000);
  CHECK_STATUS(pol_outcome_text_by_name(out, "share", &text), POL_OK);
  CHECK_STR(text, "450.00");
  /* 1451 / 3 is not a whole number of cents: nothing is rounded. */
  CHECK_STATUS(pol_outcome_scaled(out, THIRD, 2, &n), POL_ERROR_NOT_REPRESENTABLE);
  CHECK(CONTAINS(pol_outcome_last_error(out), "third"));
  CHECK_STATUS(pol_outcome_text(out, THIRD, &text), POL_OK);
  CHECK(strncmp(text, "483.666666", 10) == 0);
  CHECK_STR(pol_outcome_last_error(out), "");
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "0.00");
  CHECK_STATUS(pol_outcome_text(out, MARRIED, &text), POL_OK);
  CHECK_STR(text, "1");
  CHECK_STATUS(pol_outcome_text(out, ANY_MARRIED, &text), POL_OK);
  CHECK_STR(text, "true");
  CHECK_STATUS(pol_outcome_text(out, ECHO, &text), POL_OK);
  CHECK_STR(text, "two people");
  CHECK_STATUS(pol_outcome_scaled(out, ECHO, 0, &n), POL_ERROR_TYPE);
  CHECK_STATUS(pol_outcome_scaled(out, ANY_MARRIED, 0, &n), POL_ERROR_TYPE);
  CHECK_STATUS(pol_outcome_scaled(out, SPUN, 0, &n), POL_OK);
  CHECK(n == 200);
  CHECK_STATUS(pol_outcome_text(out, DOUBLE_PAY, &text), POL_ERROR_INVALID_ARGUMENT); /* a member output */
  CHECK(CONTAINS(pol_outcome_last_error(out), "Person"));
  CHECK_STATUS(pol_outcome_text(out, OUTPUT_COUNT, &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_text_by_name(out, "totl", &text), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_outcome_scaled_by_name(out, "totl", 2, &n), POL_ERROR_NOT_FOUND);
  CHECK_STATUS(pol_outcome_text(out, TOTAL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_text_by_name(out, NULL, &text), POL_ERROR_INVALID_ARGUMENT);

  /* Member outputs. */
  CHECK(pol_outcome_member_count(out) == 2);
  CHECK_STR(pol_outcome_member_path(out, 0), "members[1]");
  CHECK_STR(pol_outcome_member_path(out, 1), "members[2]");
  CHECK_STR(pol_outcome_member_entity(out, 1), "Person");
  CHECK(pol_outcome_member_path(out, 2) == NULL);
  CHECK(pol_outcome_member_entity(out, 2) == NULL);
  CHECK_STATUS(pol_outcome_member_text(out, 0, DOUBLE_PAY, &text), POL_OK);
  CHECK_STR(text, "2201.00");
  CHECK_STATUS(pol_outcome_member_scaled(out, 1, DOUBLE_PAY, 2, &n), POL_OK);
  CHECK(n == 70100);
  CHECK_STATUS(pol_outcome_member_text(out, 1, HOURS_OUT, &text), POL_OK);
  CHECK_STR(text, "40");
  CHECK_STATUS(pol_outcome_member_text(out, 0, BORN_OUT, &text), POL_OK);
  CHECK_STR(text, "1980-02-29");
  CHECK_STATUS(pol_outcome_member_text(out, 1, BORN_OUT, &text), POL_OK);
  CHECK_STR(text, "2000-01-01");
  CHECK_STATUS(pol_outcome_member_text(out, 0, STATUS_OUT, &text), POL_OK);
  CHECK_STR(text, "married");
  CHECK_STATUS(pol_outcome_member_text(out, 1, STATUS_OUT, &text), POL_OK);
  CHECK_STR(text, "single");
  CHECK_STATUS(pol_outcome_member_scaled(out, 1, STATUS_OUT, 0, &n), POL_ERROR_TYPE);
  CHECK_STATUS(pol_outcome_member_text(out, 0, TOTAL, &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_member_text(out, 2, DOUBLE_PAY, &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_member_scaled(out, 2, DOUBLE_PAY, 2, &n), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_member_text(out, 0, DOUBLE_PAY, NULL), POL_ERROR_INVALID_ARGUMENT);

  /* The record's own date: April's bonus (200.00) instead of March's. */
  CHECK_STATUS(pol_record_set_as_of(record, "2026-04-15"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, TOTAL, &text), POL_OK);
  CHECK_STR(text, "1550.50");
  CHECK_STATUS(pol_record_set_as_of(record, NULL), POL_OK);
  /* The evaluator's date changed: May has no bonus. */
  CHECK_STATUS(pol_evaluator_set_as_of(ev, "2026-05-01"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_scaled(out, TOTAL, 2, &n), POL_OK);
  CHECK(n == 135050);
  CHECK_STATUS(pol_evaluator_set_as_of(ev, "May 1"), POL_ERROR_BAD_VALUE);
  CHECK(CONTAINS(pol_evaluator_last_error(ev), "May 1"));
  CHECK_STATUS(pol_evaluator_set_as_of(ev, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_as_of(ev, "2026-03-31"), POL_OK);

  /* Context: by name, by period, from JSON, cleared. 2026-03-31 is in week 2026-W14. */
  CHECK_STATUS(pol_evaluator_set_context_text(ev, "region_rate", "10%"), POL_OK);
  CHECK_STATUS(pol_evaluator_set_context_period_text(ev, "weekly_index", "2026-W14", "1.25"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "145.10");
  CHECK_STATUS(pol_outcome_text(out, INDEX_NOW, &text), POL_OK);
  CHECK_STR(text, "1.25");
  CHECK_STATUS(pol_evaluator_set_context_text(ev, "regional_rate", "10%"), POL_ERROR_NOT_FOUND);
  CHECK(CONTAINS(pol_evaluator_last_error(ev), "regional_rate"));
  CHECK_STATUS(pol_evaluator_set_context_text(ev, "region_rate", "ten"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_evaluator_set_context_text(ev, "weekly_index", "1"), POL_ERROR_TYPE);
  CHECK_STATUS(pol_evaluator_set_context_period_text(ev, "weekly_index", "2026-03", "1"), POL_ERROR_BAD_VALUE);
  CHECK_STATUS(pol_evaluator_set_context_period_text(ev, "region_rate", "2026-W14", "1"), POL_ERROR_TYPE);
  CHECK_STATUS(pol_evaluator_set_context_text(ev, NULL, "1"), POL_ERROR_INVALID_ARGUMENT);
  /* Changing the date keeps the context. */
  CHECK_STATUS(pol_evaluator_set_as_of(ev, "2026-03-31"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "145.10");
  const char* json = "{\"region_rate\": \"20%\", \"weekly_index\": {\"2026-W14\": \"2\"}, \"unknown\": 1}";
  CHECK_STATUS(pol_evaluator_set_context_json(ev, json, strlen(json)), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "290.20");
  CHECK_STATUS(pol_outcome_text(out, INDEX_NOW, &text), POL_OK);
  CHECK_STR(text, "2");
  const char* bad_json = "{\"region_rate\": \"lots\"}";
  CHECK_STATUS(pol_evaluator_set_context_json(ev, bad_json, strlen(bad_json)), POL_ERROR_DATA);
  CHECK(CONTAINS(pol_evaluator_last_error(ev), "region_rate"));
  CHECK_STATUS(pol_evaluator_set_context_json(ev, "{", 1), POL_ERROR_DATA);
  CHECK_STATUS(pol_evaluator_set_context_json(ev, NULL, 3), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK); /* the context is unchanged */
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "290.20");
  CHECK_STATUS(pol_evaluator_clear_context(ev), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, UPLIFT, &text), POL_OK);
  CHECK_STR(text, "0.00");

  /* A failing record: division by zero. */
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "divisor", "0"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_ERROR_EVALUATION);
  CHECK(!pol_outcome_ok(out));
  CHECK_STATUS(pol_outcome_error(out, &err), POL_OK);
  CHECK_STR(err.record_id, "h1-renamed");
  CHECK(CONTAINS(err.message, "division by zero"));
  CHECK(CONTAINS(err.rule, "share"));
  CHECK_STR(err.file, "capi_test.pol");
  CHECK(err.line == 29);
  CHECK(err.column > 0);
  CHECK_STATUS(pol_outcome_text(out, TOTAL, &text), POL_ERROR_EVALUATION);
  CHECK(CONTAINS(pol_outcome_last_error(out), "division by zero"));
  CHECK_STATUS(pol_outcome_scaled(out, TOTAL, 2, &n), POL_ERROR_EVALUATION);
  CHECK(pol_outcome_member_count(out) == 0);
  CHECK_STATUS(pol_outcome_member_text(out, 0, DOUBLE_PAY, &text), POL_ERROR_EVALUATION);
  CHECK_STATUS(pol_record_set_text(record, POL_ROOT, "divisor", "1"), POL_OK);
  /* A missing input (a has no wage any more). */
  CHECK_STATUS(pol_record_unset(record, a, "wage"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, record, out), POL_ERROR_EVALUATION);
  CHECK_STATUS(pol_outcome_error(out, &err), POL_OK);
  CHECK(CONTAINS(err.message, "wage"));

  /* Limits: members, steps, time. spin(300) takes more than 2,000 steps, spin(100) fewer. */
  pol_record* three = household(policy, "three", 3, "10.00");
  pol_record* one = household(policy, "one", 1, "10.00");
  CHECK_STATUS(pol_evaluator_set_limits(ev, 0, 0, 2), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, one, out), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_ERROR_EVALUATION);
  CHECK_STATUS(pol_outcome_error(out, &err), POL_OK);
  CHECK(CONTAINS(err.message, "more than the embedder's limit of 2"));
  CHECK_STATUS(pol_evaluator_set_limits(ev, 2000, 0, 0), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, one, out), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_ERROR_EVALUATION);
  CHECK_STATUS(pol_outcome_error(out, &err), POL_OK);
  CHECK(CONTAINS(err.message, "more than 2000 steps"));
  CHECK_STATUS(pol_evaluator_set_limits(ev, 0, 60000, 0), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_OK);
  /* Limits survive a change of date. */
  CHECK_STATUS(pol_evaluator_set_limits(ev, 2000, 0, 0), POL_OK);
  CHECK_STATUS(pol_evaluator_set_as_of(ev, "2026-03-31"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_ERROR_EVALUATION);
  CHECK_STATUS(pol_evaluator_set_limits(ev, 0, 0, 0), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_OK);
  CHECK_STATUS(pol_outcome_scaled(out, SPUN, 0, &n), POL_OK);
  CHECK(n == 300);

  /* Batches into caller-owned outcomes; one record fails. */
  pol_record* failing = household(policy, "failing", 1, "10.00");
  CHECK_STATUS(pol_record_set_text(failing, POL_ROOT, "divisor", "0"), POL_OK);
  const pol_record* batch[3] = {one, failing, three};
  pol_outcome* outs[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; ++i) CHECK_STATUS(pol_outcome_new(&outs[i]), POL_OK);
  size_t failed = 99;
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, batch, outs, 3, &failed), POL_OK);
  CHECK(failed == 1);
  CHECK(pol_outcome_ok(outs[0]) && !pol_outcome_ok(outs[1]) && pol_outcome_ok(outs[2]));
  CHECK_STATUS(pol_outcome_text(outs[2], TOTAL, &text), POL_OK);
  CHECK_STR(text, "30.00");
  CHECK_STATUS(pol_outcome_error(outs[1], &err), POL_OK);
  CHECK_STR(err.record_id, "failing");
  /* Again, reusing the outcomes, without counting failures. */
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, batch, outs, 3, NULL), POL_OK);
  CHECK_STATUS(pol_outcome_text(outs[0], TOTAL, &text), POL_OK);
  CHECK_STR(text, "10.00");
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, batch, outs, 0, &failed), POL_OK);
  CHECK(failed == 0);
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, NULL, outs, 3, &failed), POL_ERROR_INVALID_ARGUMENT);
  const pol_record* with_null[2] = {one, NULL};
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, with_null, outs, 2, &failed), POL_ERROR_INVALID_ARGUMENT);
  CHECK(CONTAINS(pol_evaluator_last_error(ev), "record or outcome 1"));

  /* A record of another policy. */
  pol_policy* other = compile_test_policy();
  pol_record* foreign = household(other, "foreign", 1, "1.00");
  CHECK_STATUS(pol_evaluator_evaluate(ev, foreign, out), POL_ERROR_INVALID_ARGUMENT);
  CHECK(CONTAINS(pol_evaluator_last_error(ev), "another policy"));
  const pol_record* mixed[2] = {one, foreign};
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, mixed, outs, 2, &failed), POL_ERROR_INVALID_ARGUMENT);
  /* The other policy may be freed first: its records keep what they need. */
  pol_policy_free(other);
  CHECK_STATUS(pol_record_set_text(foreign, 1, "wage", "2.00"), POL_OK);
  pol_record_free(foreign);

  /* Clearing a record for reuse. */
  CHECK_STATUS(pol_record_clear(three, "cleared"), POL_OK);
  CHECK(pol_record_member_count(three) == 1);
  CHECK_STATUS(pol_record_set_text(three, 1, "wage", "1.00"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_evaluate(ev, three, out), POL_OK);
  CHECK_STATUS(pol_outcome_text(out, TOTAL, &text), POL_OK);
  CHECK_STR(text, "0.00");
  CHECK(pol_outcome_member_count(out) == 0);
  CHECK_STATUS(pol_record_clear(three, NULL), POL_OK);

  /* NULL handles. */
  pol_record* none = (pol_record*)1;
  CHECK_STATUS(pol_record_new(NULL, "x", &none), POL_ERROR_INVALID_ARGUMENT);
  CHECK(none == NULL);
  CHECK_STATUS(pol_record_new(policy, "x", NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_text(NULL, 0, "wage", "1"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_text_by_handle(NULL, 0, wage, "1"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_scaled(NULL, 0, "wage", 1, 0), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_scaled_by_handle(NULL, 0, wage, 1, 0), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_period_text(NULL, 0, "bonus", "2026-01", "1"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_period_text_by_handle(NULL, 0, bonus, "2026-01", "1"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_unset(NULL, 0, "wage"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_clear(NULL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_id(NULL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_set_as_of(NULL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_record_add_member(NULL, 0, "members", &m), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_record_member_count(NULL) == 0);
  CHECK_STR(pol_record_last_error(NULL), "");
  CHECK_STATUS(pol_evaluator_evaluate(NULL, one, out), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_evaluate(ev, NULL, out), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_evaluate(ev, one, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_evaluate_batch(NULL, batch, outs, 3, &failed), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_limits(NULL, 0, 0, 0), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_as_of(NULL, "2026-01-01"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_context_json(NULL, "{}", 2), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_context_text(NULL, "region_rate", "1%"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_set_context_period_text(NULL, "weekly_index", "2026-W01", "1"), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_evaluator_clear_context(NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STR(pol_evaluator_last_error(NULL), "");
  CHECK_STATUS(pol_outcome_new(NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_text(NULL, 0, &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_text_by_name(NULL, "total", &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_scaled(NULL, 0, 2, &n), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_scaled_by_name(NULL, "total", 2, &n), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_member_text(NULL, 0, 0, &text), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_member_scaled(NULL, 0, 0, 2, &n), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_outcome_error(NULL, &err), POL_ERROR_INVALID_ARGUMENT);
  CHECK(!pol_outcome_ok(NULL));
  CHECK(pol_outcome_member_count(NULL) == 0);
  CHECK(pol_outcome_member_path(NULL, 0) == NULL);
  CHECK(pol_outcome_member_entity(NULL, 0) == NULL);
  CHECK_STR(pol_outcome_last_error(NULL), "");
  pol_record_free(NULL);
  pol_evaluator_free(NULL);
  pol_outcome_free(NULL);

  for (int i = 0; i < 3; ++i) pol_outcome_free(outs[i]);
  pol_record_free(failing);
  pol_record_free(one);
  pol_record_free(three);
  pol_outcome_free(out);
  pol_evaluator_free(ev);
  pol_record_free(record);
}

static void test_read_records(const pol_policy* policy) {
  const char* jsonl =
      "{\"id\":\"r1\",\"rent\":\"100.00\",\"members\":[{\"wage\":\"10.00\",\"bonus\":{\"2026-03\":\"1.00\"}}]}\n"
      "{\"id\":\"r2\",\"members\":[{\"wage\":\"oops\"}]}\n"
      "{\"id\":\"r3\",\"as_of\":\"2026-04-01\",\"colour\":\"blue\",\"members\":[{\"wage\":\"5\"},{\"wage\":\"$7.25\"}]}\n";
  pol_records* records = NULL;
  CHECK_STATUS(pol_records_read(policy, jsonl, strlen(jsonl), POL_FORMAT_AUTO, "batch.jsonl", &records), POL_OK);
  CHECK(pol_records_count(records) == 2);
  CHECK(pol_records_reject_count(records) == 1);
  pol_record_problem p;
  CHECK_STATUS(pol_records_reject(records, 0, &p), POL_OK);
  CHECK(CONTAINS(p.record, "line 2"));
  CHECK_STR(p.field, "members[1].wage");
  CHECK(CONTAINS(p.message, "oops"));
  CHECK(CONTAINS(p.raw, "\"r2\""));
  CHECK_STATUS(pol_records_reject(records, 1, &p), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_records_warning_count(records) == 1);
  CHECK_STATUS(pol_records_warning(records, 0, &p), POL_OK);
  CHECK_STR(p.field, "colour");
  CHECK_STR(p.raw, "");
  CHECK_STATUS(pol_records_warning(records, 1, &p), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_records_get(records, 2) == NULL);

  pol_evaluator* ev = NULL;
  CHECK_STATUS(pol_evaluator_new(policy, "2026-03-15", &ev), POL_OK);
  pol_outcome* outs[2] = {NULL, NULL};
  CHECK_STATUS(pol_outcome_new(&outs[0]), POL_OK);
  CHECK_STATUS(pol_outcome_new(&outs[1]), POL_OK);
  const pol_record* batch[2] = {pol_records_get(records, 0), pol_records_get(records, 1)};
  size_t failed = 9;
  CHECK_STATUS(pol_evaluator_evaluate_batch(ev, batch, outs, 2, &failed), POL_OK);
  CHECK(failed == 0);
  const char* text;
  CHECK_STATUS(pol_outcome_text(outs[0], TOTAL, &text), POL_OK);
  CHECK_STR(text, "11.00");
  CHECK_STATUS(pol_outcome_text(outs[0], SHARE, &text), POL_OK);
  CHECK_STR(text, "100.00");
  CHECK_STATUS(pol_outcome_text(outs[1], TOTAL, &text), POL_OK);
  CHECK_STR(text, "12.25");
  /* A record read from a buffer can be changed and extended, but not freed alone. */
  pol_record* r3 = pol_records_get(records, 1);
  pol_member extra;
  CHECK_STATUS(pol_record_add_member(r3, POL_ROOT, "members", &extra), POL_OK);
  CHECK(extra == 1);
  CHECK_STATUS(pol_record_set_text(r3, extra, "wage", "0.75"), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, r3, outs[1]), POL_OK);
  CHECK_STATUS(pol_outcome_text(outs[1], TOTAL, &text), POL_OK);
  CHECK_STR(text, "13.00");
  CHECK(pol_outcome_member_count(outs[1]) == 3);
  CHECK_STR(pol_outcome_member_path(outs[1], 2), "members[3]");
  pol_record_free(r3); /* no effect: owned by `records` */
  pol_records_free(records);

  /* A JSON array, and CSV (one row per member). */
  const char* array = "[{\"id\":\"a\",\"members\":[{\"wage\":\"1.00\"}]}, {\"id\":\"b\",\"members\":[]}]";
  CHECK_STATUS(pol_records_read(policy, array, strlen(array), POL_FORMAT_JSON, NULL, &records), POL_OK);
  CHECK(pol_records_count(records) == 2);
  CHECK(pol_records_reject_count(records) == 0);
  pol_records_free(records);
  const char* csv =
      "household_id,rent,wage,status\n"
      "c1,500.00,100.00,married\n"
      "c1,500.00,50.00,\n"
      "c2,,,\n"
      "c3,,12.345.6,\n";
  CHECK_STATUS(pol_records_read(policy, csv, strlen(csv), POL_FORMAT_CSV, "batch.csv", &records), POL_OK);
  CHECK(pol_records_count(records) == 2);
  CHECK(pol_records_reject_count(records) == 1);
  CHECK_STATUS(pol_evaluator_evaluate(ev, pol_records_get(records, 0), outs[0]), POL_OK);
  CHECK_STATUS(pol_outcome_text_by_name(outs[0], "total", &text), POL_OK);
  CHECK_STR(text, "150.00");
  CHECK_STATUS(pol_outcome_text_by_name(outs[0], "married", &text), POL_OK);
  CHECK_STR(text, "1");
  pol_records_free(records);
  /* An empty buffer: no records. */
  CHECK_STATUS(pol_records_read(policy, NULL, 0, POL_FORMAT_JSON_LINES, NULL, &records), POL_OK);
  CHECK(pol_records_count(records) == 0);
  pol_records_free(records);
  CHECK_STATUS(pol_records_read(policy, NULL, 4, POL_FORMAT_JSON_LINES, NULL, &records), POL_ERROR_INVALID_ARGUMENT);
  CHECK(records == NULL);
  CHECK_STATUS(pol_records_read(policy, "", 0, (pol_format)42, NULL, &records), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_records_read(NULL, "", 0, POL_FORMAT_AUTO, NULL, &records), POL_ERROR_INVALID_ARGUMENT);
  CHECK_STATUS(pol_records_read(policy, "", 0, POL_FORMAT_AUTO, NULL, NULL), POL_ERROR_INVALID_ARGUMENT);
  CHECK(pol_records_count(NULL) == 0);
  CHECK(pol_records_reject_count(NULL) == 0);
  CHECK(pol_records_warning_count(NULL) == 0);
  CHECK(pol_records_get(NULL, 0) == NULL);
  pol_records_free(NULL);

  pol_outcome_free(outs[0]);
  pol_outcome_free(outs[1]);
  pol_evaluator_free(ev);
}

/* The usage example at the top of pol.h, on the bundled unemployment insurance policy. */
static void test_header_example(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/examples/unemployment_insurance.pol", source_dir);
  pol_policy* policy = NULL;
  pol_diagnostics* diags = NULL;
  if (pol_compile_file(path, 0, &policy, &diags) != POL_OK) {
    fputs(pol_diagnostics_render(diags), stderr);
    CHECK(0);
  }
  pol_diagnostics_free(diags);

  pol_evaluator* ev = NULL;
  CHECK_STATUS(pol_evaluator_new(policy, "2026-03-01", &ev), POL_OK);
  pol_record* rec = NULL;
  CHECK_STATUS(pol_record_new(policy, "h01", &rec), POL_OK);
  CHECK_STATUS(pol_record_set_text(rec, POL_ROOT, "region_unemployment_rate", "5%"), POL_OK);
  pol_member person;
  CHECK_STATUS(pol_record_add_member(rec, POL_ROOT, "members", &person), POL_OK);
  CHECK_STATUS(pol_record_set_text(rec, person, "employed", "false"), POL_OK);
  CHECK_STATUS(pol_record_set_text(rec, person, "separation_reason", "layoff"), POL_OK);
  CHECK_STATUS(pol_record_set_text(rec, person, "weeks_worked_last_52", "30"), POL_OK);
  CHECK_STATUS(pol_record_set_scaled(rec, person, "highest_quarter_wages", 910000, 2), POL_OK);

  pol_outcome* out = NULL;
  CHECK_STATUS(pol_outcome_new(&out), POL_OK);
  CHECK_STATUS(pol_evaluator_evaluate(ev, rec, out), POL_OK);
  const char* text;
  int64_t cents;
  CHECK_STATUS(pol_outcome_text_by_name(out, "total_weekly_benefit", &text), POL_OK);
  CHECK_STR(text, "385.00");
  CHECK_STATUS(pol_outcome_scaled_by_name(out, "total_weekly_benefit", 2, &cents), POL_OK);
  CHECK(cents == 38500);
  pol_outcome_free(out);
  pol_record_free(rec);
  pol_evaluator_free(ev);
  pol_policy_free(policy);
}

/* One policy shared by threads, an evaluator and records per thread. */
struct worker {
  const pol_policy* policy;
  int index;
  int ok;
};

static void* work(void* arg) {
  struct worker* w = (struct worker*)arg;
  pol_evaluator* ev = NULL;
  pol_outcome* out = NULL;
  pol_record* rec = NULL;
  w->ok = 0;
  if (pol_evaluator_new(w->policy, "2026-03-31", &ev) != POL_OK || pol_outcome_new(&out) != POL_OK ||
      pol_record_new(w->policy, "t", &rec) != POL_OK)
    goto done;
  for (int i = 0; i < 50; ++i) {
    pol_member m;
    if (pol_record_clear(rec, NULL) != POL_OK || pol_record_add_member(rec, POL_ROOT, "members", &m) != POL_OK ||
        pol_record_set_scaled(rec, m, "wage", (int64_t)(w->index * 1000 + i), 2) != POL_OK ||
        pol_evaluator_evaluate(ev, rec, out) != POL_OK)
      goto done;
    int64_t cents = 0;
    if (pol_outcome_scaled(out, TOTAL, 2, &cents) != POL_OK || cents != w->index * 1000 + i) goto done;
  }
  w->ok = 1;
done:
  pol_record_free(rec);
  pol_outcome_free(out);
  pol_evaluator_free(ev);
  return NULL;
}

static void test_threads(const pol_policy* policy) {
  pthread_t threads[4];
  struct worker workers[4];
  for (int i = 0; i < 4; ++i) {
    workers[i] = (struct worker){policy, i + 1, 0};
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (int i = 0; i < 4; ++i) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(workers[i].ok);
  }
}

int main(int argc, char** argv) {
  if (argc > 1) source_dir = argv[1];
  test_status_strings();
  test_compile_errors();
  pol_policy* policy = compile_test_policy();
  test_policy(policy);
  test_records_and_outcomes(policy);
  test_read_records(policy);
  test_header_example();
  test_threads(policy);
  pol_policy_free(policy);
  printf("C API: %d checks passed\n", checks);
  return 0;
}
