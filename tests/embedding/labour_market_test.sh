#!/bin/sh
# The labour-market simulator (examples/embed/labour_market.cpp) on 2,000 people over 24 months
# after the warm-up: its own invariant checks (--check: spending = the sum of per-person benefits;
# the extended benefit period on exactly when UI Act ss.11-12 hold on the published rates,
# recomputed independently; no extended benefit outside a period; no evaluation error) must pass,
# the period must switch on and off again, and the table must not depend on the number of threads.
# No timing is asserted.
set -eu
sim="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$sim" --people 2000 --months 24 --threads 2 --check > "$tmp/two.txt"
"$sim" --people 2000 --months 24 --threads 1 --check > "$tmp/one.txt"
cat "$tmp/two.txt"
grep -q "^checks passed" "$tmp/two.txt"
# The table's EB column: some month on, and a later month off again.
awk '$1 ~ /^20[0-9][0-9]-[0-9][0-9]$/ { print $NF }' "$tmp/two.txt" > "$tmp/eb.txt"
grep -q '^ON$' "$tmp/eb.txt" || { echo "FAIL: the extended benefit period never switched on"; exit 1; }
sed -n '/^ON$/,$p' "$tmp/eb.txt" | grep -q '^off$' || { echo "FAIL: the period never switched off again"; exit 1; }
# Everything but the timing lines and the thread count is the same with one thread.
filter() { grep -v -e 'evaluations in' -e 'CPU time' "$1" | sed 's/, [0-9]* threads,/, N threads,/'; }
filter "$tmp/two.txt" > "$tmp/two.f"
filter "$tmp/one.txt" > "$tmp/one.f"
diff "$tmp/one.f" "$tmp/two.f" || { echo "FAIL: the run depends on the number of threads"; exit 1; }
echo "labour market: invariants hold; the period switched on and off; 1 and 2 threads agree"
