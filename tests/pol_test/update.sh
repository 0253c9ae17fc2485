#!/usr/bin/env bash
# pol test --update on a temporary copy of tests/pol_test/fixtures: without --update nothing is
# written; with it, the expected file of a failing golden directory becomes exactly what pol run
# writes, the changes are listed, and a passing directory (even within tolerance) is not touched.
#
#   tests/pol_test/update.sh POL_EXECUTABLE      (from the repository root)
set -uo pipefail
pol=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/pol-test-update.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r tests/pol_test/fixtures "$work/fixtures"
cp -r tests/pol_test/passing/tolerance "$work/fixtures/tolerance"
sed -i 's|\.\./\.\./fixtures/|../|' "$work/fixtures/tolerance/golden"
fail() { echo "update.sh: $*"; exit 1; }

# 1. Without --update: exit 1, nothing written.
"$pol" test "$work/fixtures/mismatch" "$work/fixtures/tolerance" > "$work/out1" 2>&1
[ $? -eq 1 ] || fail "pol test without --update should exit 1"
cmp -s tests/pol_test/fixtures/mismatch/expected.csv "$work/fixtures/mismatch/expected.csv" ||
  fail "pol test without --update changed mismatch/expected.csv"
cmp -s tests/pol_test/passing/tolerance/expected.csv "$work/fixtures/tolerance/expected.csv" ||
  fail "pol test without --update changed tolerance/expected.csv"

# 2. With --update: exit 0, the changes listed, the file is pol run's output.
"$pol" test --update "$work/fixtures/mismatch" "$work/fixtures/tolerance" > "$work/out2" 2>&1
[ $? -eq 0 ] || { cat "$work/out2"; fail "pol test --update should exit 0"; }
sed "s|$work|WORK|g" "$work/out2" > "$work/out2.shown"
diff -u tests/pol_test/update_expected.txt "$work/out2.shown" || fail "the report of --update differs"
"$pol" run "$work/fixtures/benefit.pol" --as-of 2026-03-01 --input "$work/fixtures/households.jsonl" \
  > "$work/run.csv" 2>/dev/null
cmp -s "$work/run.csv" "$work/fixtures/mismatch/expected.csv" ||
  fail "after --update, mismatch/expected.csv is not what pol run writes"
cmp -s tests/pol_test/passing/tolerance/expected.csv "$work/fixtures/tolerance/expected.csv" ||
  fail "--update changed tolerance/expected.csv, which passes"

# 3. Afterwards everything passes, and a second --update changes nothing.
"$pol" test "$work/fixtures/mismatch" > /dev/null 2>&1 || fail "pol test fails after --update"
cp "$work/fixtures/mismatch/expected.csv" "$work/before.csv"
"$pol" test --update "$work/fixtures/mismatch" > "$work/out3" 2>&1 || fail "second --update failed"
grep -q UPDATED "$work/out3" && fail "second --update rewrote a passing file"
cmp -s "$work/before.csv" "$work/fixtures/mismatch/expected.csv" || fail "second --update changed the file"
echo "update.sh: ok"
