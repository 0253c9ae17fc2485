#!/bin/sh
# ctest bench/smoke: the benchmark programs run on a small N and give the expected exact sums.
# No timing is checked. Usage: bench/smoke.sh POL POL_BENCH_API POL_BENCH_GEN (from the repo root)
set -eu
POL=$1 API=$2 GEN=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "bench/smoke: $*" >&2; exit 1; }

# (a)/(b): the peers' rule on their first 10,000 records; the sum is what
# ../shared/peers/common.mjs reference() gives for makeRecords(10000) (201,817,289.48 for 1,000,000).
# pol_bench_api exits 1 unless pol, the native Decimal rule and integer cents all agree with it.
for threads in 1 2; do
  "$API" peer --n 10000 --reps 1 --threads $threads --expect-sum 1995814.83 > "$tmp/peer.jsonl" ||
    fail "peer rule, $threads thread(s): sums disagree"
  grep -q '"bench":"peer-pol-batch".*"sum":"1995814.83","eligible":4729,"ext_sum":332891,"failed":0,"wrong_cent":0' "$tmp/peer.jsonl" ||
    fail "peer rule: unexpected output: $(cat "$tmp/peer.jsonl")"
done

# The generator is deterministic, and pol run and the C++ API agree on its households.
sum_column() {  # exact sum of a money column (two decimals) of a CSV, in cents
  awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    { v = $c; neg = (substr(v, 1, 1) == "-"); if (neg) v = substr(v, 2); split(v, p, ".");
      cents = p[1] * 100 + substr(p[2] "00", 1, 2); s += neg ? -cents : cents }
    END { printf "%d.%02d\n", s / 100, s % 100 }' "$1"
}
check() {  # kind policy as_of output expected_sum
  "$GEN" "$1" 1000 > "$tmp/$1.jsonl"
  "$GEN" "$1" 1000 | cmp -s - "$tmp/$1.jsonl" || fail "$1: the generator is not deterministic"
  "$POL" run "examples/$2.pol" --as-of "$3" --input "$tmp/$1.jsonl" --output "$tmp/$1.csv" ||
    fail "$1: pol run failed"
  run_sum=$(sum_column "$tmp/$1.csv" "$4")
  api_sum=$("$API" records --policy "examples/$2.pol" --as-of "$3" --input "$tmp/$1.jsonl" --sum "$4" --reps 1 --chunk 300 |
            sed -n 's/.*"sum":"\([^"]*\)".*/\1/p')
  [ "$run_sum" = "$5" ] || fail "$1: pol run sum of $4 is $run_sum, expected $5"
  [ "$api_sum" = "$5" ] || fail "$1: C++ API sum of $4 is $api_sum, expected $5"
}
check family family_benefit 2026-04-01 monthly_benefit 150475.66
check fr fr_allocations_familiales 2020-05-01 montant_verse 290403.52

"$API" compile --reps 1 examples/family_benefit.pol > /dev/null || fail "compile bench failed"
echo "bench/smoke: ok"
