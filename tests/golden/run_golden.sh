#!/usr/bin/env bash
# Runs one golden case and compares what pol prints with the hand-checked expectation.
#
#   tests/golden/run_golden.sh POL_EXECUTABLE CASE_DIR      (from the repository root)
#
# A CASE_DIR with a `golden` file is handed to `pol test CASE_DIR` (docs/testing.md). Otherwise it holds:
#   cmd              one line: the arguments of pol, e.g. `run examples/x.pol --as-of 2026-03-01 ...`
#                    (split on blanks; no quoting, no globbing)
#   expected.csv | expected.jsonl | expected.txt
#                    exactly one of them: the expected standard output
#   expected_exit    optional: the expected exit status (default 0)
#   expected_stderr  optional: the expected standard error; when absent, stderr is not compared
#   expected_rejects optional: the expected content of the rejects file. The word @REJECTS@ in cmd
#                    (e.g. `--rejects @REJECTS@`) is replaced by a temporary file, compared with it
#                    after the run; cmd must then contain @REJECTS@
#
# Exits 0 when everything matches; otherwise prints a unified diff (expected -> actual) of each
# mismatch and exits 1. Exits 2 when the case itself is malformed.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 POL_EXECUTABLE CASE_DIR" >&2
  exit 2
fi
pol=$1
case_dir=${2%/}
case_name=$(basename "$case_dir")

if [ ! -x "$pol" ]; then
  echo "golden $case_name: pol executable not found or not executable: $pol" >&2
  exit 2
fi
# A golden directory in the `golden` file layout (docs/testing.md) is run by `pol test` itself.
if [ -f "$case_dir/golden" ]; then
  exec "$pol" test "$case_dir"
fi
if [ ! -f "$case_dir/cmd" ]; then
  echo "golden $case_name: missing $case_dir/cmd" >&2
  exit 2
fi

expected_stdout=""
for candidate in expected.csv expected.jsonl expected.txt; do
  if [ -f "$case_dir/$candidate" ]; then
    if [ -n "$expected_stdout" ]; then
      echo "golden $case_name: both $(basename "$expected_stdout") and $candidate exist; keep one" >&2
      exit 2
    fi
    expected_stdout="$case_dir/$candidate"
  fi
done
if [ -z "$expected_stdout" ] && [ ! -f "$case_dir/expected_stderr" ] && [ ! -f "$case_dir/expected_exit" ]; then
  echo "golden $case_name: no expected.csv, expected.jsonl, expected.txt, expected_stderr or expected_exit" >&2
  exit 2
fi

expected_exit=0
if [ -f "$case_dir/expected_exit" ]; then
  expected_exit=$(tr -d '[:space:]' < "$case_dir/expected_exit")
  if ! [[ $expected_exit =~ ^[0-9]+$ ]]; then
    echo "golden $case_name: expected_exit must hold a number, not '$expected_exit'" >&2
    exit 2
  fi
fi

# The arguments: the words of cmd, without pathname expansion.
set -f
# shellcheck disable=SC2207
args=($(cat "$case_dir/cmd"))
set +f

work=$(mktemp -d "${TMPDIR:-/tmp}/pol-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

expected_rejects=""
if [ -f "$case_dir/expected_rejects" ]; then
  expected_rejects="$case_dir/expected_rejects"
  found=0
  for i in "${!args[@]}"; do
    if [ "${args[$i]}" = "@REJECTS@" ]; then
      args[$i]="$work/rejects"
      found=1
    fi
  done
  if [ "$found" -eq 0 ]; then
    echo "golden $case_name: expected_rejects exists but cmd has no @REJECTS@" >&2
    exit 2
  fi
fi

"$pol" "${args[@]}" >"$work/stdout" 2>"$work/stderr"
actual_exit=$?

failed=0
report() { echo "golden $case_name: $*"; }

if [ "$actual_exit" != "$expected_exit" ]; then
  report "exit status $actual_exit, expected $expected_exit"
  failed=1
fi

if [ -n "$expected_stdout" ]; then
  if ! diff -u --label "expected ($(basename "$expected_stdout"))" --label "actual (stdout)" \
       "$expected_stdout" "$work/stdout" >"$work/stdout.diff"; then
    report "standard output differs"
    cat "$work/stdout.diff"
    failed=1
  fi
fi

if [ -n "$expected_rejects" ]; then
  [ -f "$work/rejects" ] || : >"$work/rejects"
  if ! diff -u --label "expected (expected_rejects)" --label "actual (rejects file)" \
       "$expected_rejects" "$work/rejects" >"$work/rejects.diff"; then
    report "rejects file differs"
    cat "$work/rejects.diff"
    failed=1
  fi
fi

if [ -f "$case_dir/expected_stderr" ]; then
  if ! diff -u --label "expected (expected_stderr)" --label "actual (stderr)" \
       "$case_dir/expected_stderr" "$work/stderr" >"$work/stderr.diff"; then
    report "standard error differs"
    cat "$work/stderr.diff"
    failed=1
  fi
elif [ "$failed" -ne 0 ] && [ -s "$work/stderr" ]; then
  # Not compared, but it usually explains the failure.
  echo "--- stderr of: $pol ${args[*]}"
  cat "$work/stderr"
fi

if [ "$failed" -ne 0 ]; then
  echo "--- command: $pol ${args[*]}"
  exit 1
fi
exit 0
