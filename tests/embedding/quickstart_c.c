/* The quickstart in C (pol/pol.h): compile once, an evaluator with context data, records built
 * with input handles, a batch into outcomes the caller owns, outputs read exactly. */
#include <pol/pol.h>

#include <stdio.h>

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "examples/unemployment_insurance.pol";
  pol_policy* policy = NULL;
  pol_diagnostics* diagnostics = NULL;
  if (pol_compile_file(path, 0, &policy, &diagnostics) != POL_OK) {
    fputs(pol_diagnostics_render(diagnostics), stderr); /* errors are data: render them */
    pol_diagnostics_free(diagnostics);
    return 1;
  }
  pol_diagnostics_free(diagnostics);

  /* One evaluator per thread; the context: 6.5% insured unemployment in the 13 weeks before. */
  pol_evaluator* evaluator = NULL;
  pol_evaluator_new(policy, "2026-03-01", &evaluator);
  for (int week = 44; week <= 52; ++week) {
    char label[16];
    snprintf(label, sizeof label, "2025-W%02d", week);
    pol_evaluator_set_context_period_text(evaluator, "insured_unemployment_rate", label, "6.5%");
  }
  for (int week = 1; week <= 8; ++week) {
    char label[16];
    snprintf(label, sizeof label, "2026-W%02d", week);
    pol_evaluator_set_context_period_text(evaluator, "insured_unemployment_rate", label, "6.5%");
  }

  /* Inputs resolved once. */
  pol_input_handle rate, employed, reason, weeks, wages, paid;
  pol_policy_find_input(policy, "Household", "region_unemployment_rate", &rate);
  pol_policy_find_input(policy, "Person", "employed", &employed);
  pol_policy_find_input(policy, "Person", "separation_reason", &reason);
  pol_policy_find_input(policy, "Person", "weeks_worked_last_52", &weeks);
  pol_policy_find_input(policy, "Person", "highest_quarter_wages", &wages);
  pol_policy_find_input(policy, "Person", "regular_weeks_paid", &paid);

  /* Three households; the third has no separation reason, so its evaluation fails. */
  enum { N = 3 };
  pol_record* records[N];
  pol_outcome* outcomes[N];
  for (int i = 0; i < N; ++i) {
    char id[8];
    snprintf(id, sizeof id, "h%d", i + 1);
    pol_record_new(policy, id, &records[i]);
    pol_outcome_new(&outcomes[i]);
    pol_member person;
    pol_record_set_scaled_by_handle(records[i], POL_ROOT, rate, 5, 2);  /* 0.05 */
    pol_record_add_member(records[i], POL_ROOT, "members", &person);
    pol_record_set_text_by_handle(records[i], person, employed, "false");
    if (i < 2) pol_record_set_text_by_handle(records[i], person, reason, "layoff");
    pol_record_set_scaled_by_handle(records[i], person, weeks, 45, 0);
    pol_record_set_scaled_by_handle(records[i], person, wages, 910000 + 250000 * i, 2);  /* $9,100.00 ... */
    pol_record_set_scaled_by_handle(records[i], person, paid, 26, 0);
  }
  size_t failed = 0;
  pol_evaluator_evaluate_batch(evaluator, (const pol_record* const*)records, outcomes, N, &failed);
  printf("%zu of %d failed\n", failed, N);

  for (int i = 0; i < N; ++i) {
    if (!pol_outcome_ok(outcomes[i])) {
      pol_evaluation_error error;
      pol_outcome_error(outcomes[i], &error);
      printf("%s failed: %s\n", error.record_id, error.message);
      continue;
    }
    const char* weekly;
    const char* period;
    int64_t extended_cents = 0;
    pol_outcome_text_by_name(outcomes[i], "total_weekly_benefit", &weekly);
    pol_outcome_text_by_name(outcomes[i], "extended_benefit_period", &period);
    pol_outcome_scaled_by_name(outcomes[i], "total_extended_benefit", 2, &extended_cents);
    printf("h%d: weekly %s, extended period %s, extended benefit %lld cents\n", i + 1, weekly, period,
           (long long)extended_cents);
  }

  for (int i = 0; i < N; ++i) {
    pol_outcome_free(outcomes[i]);
    pol_record_free(records[i]);
  }
  pol_evaluator_free(evaluator);
  pol_policy_free(policy);
  return 0;
}
