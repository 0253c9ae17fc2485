#!/usr/bin/env bash
# pol run gives the same bytes whatever --threads is: the output rows, standard error (warnings,
# rejected records, the summary line), the rejects file and the exit status, for JSON lines, a
# JSON array and CSV input, CSV, JSON lines and table output, records with their own as_of and
# without --as-of, reading from a file and from standard input. The inputs repeat the bad-record
# corpora of tests/golden (syntax errors, wrong values, unknown fields, evaluation errors) and
# households with several members until they span many chunks of the pipeline.
#
#   tests/run/threads_identical.sh POL_EXECUTABLE      (from the repository root)
set -uo pipefail
pol=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

repeat() {  # file times -> stdout
  local i
  for ((i = 0; i < $2; i++)); do cat "$1"; done
}

golden=tests/golden
corpus=$golden/bad_records_corpus
repeat $corpus/households.jsonl 100 > "$tmp/corpus.jsonl"
# The corpus households that are JSON objects (with wrong values, unknown fields, evaluation
# errors), as one JSON array, then the broken array of tests/golden/bad_records_json.
/usr/bin/python3 - "$tmp/corpus.jsonl" > "$tmp/corpus.json" <<'PY'
import json, sys
good = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        if isinstance(json.loads(line), dict):
            good.append(line.strip())
    except ValueError:
        pass
print("[\n" + ",\n".join(good) + "\n]")
PY
cp $golden/bad_records_json/households.json "$tmp/small.json"
# The CSV corpus 100 times, each time with other household ids (rows of a household must be
# consecutive), then once as it is (its last household has an unclosed quote).
csv=$golden/bad_records_csv/households.csv
{
  head -1 $csv
  for ((i = 0; i < 100; i++)); do
    tail -n +2 $csv | grep -v unclosed_quote | awk -v i=$i 'BEGIN { FS = OFS = "," } { if ($1 != "") $1 = $1 "_" i; print }'
  done
  tail -n +2 $csv
} > "$tmp/corpus.csv"
members=$golden/context_series_members
repeat $members/households.jsonl 400 > "$tmp/members.jsonl"
# Each household with its own as_of (and some without: rejected when no --as-of is given).
awk '{ if (NR % 3) sub(/^\{/, "{\"as_of\": \"2026-0" (NR % 9 + 1) "-15\", "); print }' "$tmp/corpus.jsonl" \
  > "$tmp/own_dates.jsonl"

# A line over the 16 MiB a record may have (cut by the splitter, rejected by its reader), and a
# last line without a line break.
/usr/bin/python3 - "$tmp/huge.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"id": "a", "tenure": "owner", "members": [{"age": 30}]}\n')
    f.write('{"id": "huge", "note": "' + "x" * (17 * 1024 * 1024) + '"}\n')
    f.write('{"id": "b", "tenure": "renter", "rent": "900", "rooms": 3, "members": [{"age": 40}]}\n')
    f.write('   {"id": "c", "tenure": "owner"}')
PY

# case_name, then pol arguments with @IN@ @REJECTS@ placeholders
run_case() {
  local name=$1
  shift
  local reference=""
  for threads in 1 2 3 7; do
    local out=$tmp/$name.$threads
    local args=()
    for a in "$@"; do
      a=${a//@REJECTS@/$out.rejects}
      args+=("$a")
    done
    if [ "${STDIN_INPUT:-}" ]; then
      "$pol" "${args[@]}" --threads $threads < "$STDIN_INPUT" > "$out.stdout" 2> "$out.stderr"
    else
      "$pol" "${args[@]}" --threads $threads > "$out.stdout" 2> "$out.stderr"
    fi
    echo $? > "$out.exit"
    [ -f "$out.rejects" ] || : > "$out.rejects"
    if [ -z "$reference" ]; then
      reference=$out
      if [ ! -s "$out.stderr" ]; then echo "FAIL $name: no summary line on stderr" >&2; failures=$((failures + 1)); fi
      continue
    fi
    for part in stdout stderr rejects exit; do
      if ! cmp -s "$reference.$part" "$out.$part"; then
        echo "FAIL $name: --threads $threads differs from --threads 1 in $part:" >&2
        diff "$reference.$part" "$out.$part" | head -20 >&2
        failures=$((failures + 1))
      fi
    done
  done
  echo "ok $name ($(tail -1 "$reference.stderr"))"
}

run_case corpus_jsonl_csv run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.jsonl" --rejects @REJECTS@
run_case corpus_jsonl_jsonl run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.jsonl" --format jsonl --rejects @REJECTS@
run_case corpus_jsonl_table run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.jsonl" --format table
run_case corpus_json run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.json" --rejects @REJECTS@
run_case small_json run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/small.json" --rejects @REJECTS@
run_case corpus_csv run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.csv" --rejects @REJECTS@
run_case corpus_as_jsonl run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.json" --input-format jsonl
run_case own_dates_no_as_of run $corpus/corpus.pol --input "$tmp/own_dates.jsonl" --rejects @REJECTS@
run_case own_dates_as_of run $corpus/corpus.pol --as-of 2025-12-31 --input "$tmp/own_dates.jsonl" --format jsonl
run_case members_csv run $members/policy.pol --as-of 2025-03-01 --input "$tmp/members.jsonl" --context $members/context.json
run_case members_jsonl run $members/policy.pol --as-of 2025-03-01 --input "$tmp/members.jsonl" --context $members/context.json --format jsonl
run_case huge_line run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/huge.jsonl" --rejects @REJECTS@
run_case output_file run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.jsonl" --output "$tmp/out.csv" --rejects @REJECTS@
STDIN_INPUT=$tmp/corpus.jsonl run_case stdin_jsonl run $corpus/corpus.pol --as-of 2026-03-01 --input - --rejects @REJECTS@
STDIN_INPUT=$tmp/corpus.csv run_case stdin_csv run $corpus/corpus.pol --as-of 2026-03-01 --input - --input-format csv

# Standard output and standard error into one file: the rows and the messages alternate as the
# households come, as on a terminal.
for input in corpus.jsonl corpus.csv members.jsonl; do
  policy=$corpus/corpus.pol extra=()
  [ $input = members.jsonl ] && policy=$members/policy.pol extra=(--context $members/context.json)
  for threads in 1 2 3; do
    "$pol" run $policy --as-of 2026-03-01 --input "$tmp/$input" "${extra[@]}" --threads $threads \
      > "$tmp/merged.$threads" 2>&1
  done
  for threads in 2 3; do
    if ! cmp -s "$tmp/merged.1" "$tmp/merged.$threads"; then
      echo "FAIL merged $input: --threads $threads differs from --threads 1:" >&2
      diff "$tmp/merged.1" "$tmp/merged.$threads" | head -10 >&2
      failures=$((failures + 1))
    fi
  done
  # Each rejection right after the row of the household before it.
  if ! grep -q -A1 '^pol: rejected' "$tmp/merged.1"; then
    echo "FAIL merged $input: no rejection in the merged output" >&2
    failures=$((failures + 1))
  fi
  echo "ok merged $input"
done

# --threads is checked like any option.
"$pol" run $corpus/corpus.pol --as-of 2026-03-01 --input "$tmp/corpus.jsonl" --threads 0 > /dev/null 2> "$tmp/usage.txt"
status=$?
if [ $status -ne 2 ] || ! grep -q -- "--threads is a number of threads from 1 to 256, not 0" "$tmp/usage.txt"; then
  echo "FAIL: --threads 0 gives status $status:" >&2
  head -3 "$tmp/usage.txt" >&2
  failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then
  echo "$failures differences" >&2
  exit 1
fi
echo "every case is the same with 1, 2, 3 and 7 threads"
