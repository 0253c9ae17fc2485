#!/bin/sh
# The pol benchmark suite (issue 6). From the repository root:
#
#   bench/run.sh              # everything, 1,000,000 records/households, medians of 5 runs
#   BENCH_N=20000 BENCH_SMALL=2000 BENCH_REPS=1 BENCH_E2E_REPS=1 bench/run.sh   # a quick try
#
# Builds pol, pol_bench_api and pol_bench_gen in Release in build-release/ (BUILD_DIR=...), then
#   (a)/(b) pol_bench_api peer: the reference unemployment rule of ../shared/peers/
#           (bench/peer_unemployment.pol) on N pre-built households, as pol::Records through
#           Evaluator::evaluate_batch and as columns (pol::RecordColumns) through
#           Evaluator::evaluate_columns, against the same rule hand-written on pol::Decimal; 1 and
#           2 threads;
#   (c)     pol run of examples/{unemployment_insurance,portable_benefits,family_benefit}.pol on
#           generated JSON lines (1-6 members per household) to CSV, under /usr/bin/time -v: wall
#           time and peak RSS, at BENCH_SMALL and N households (and BENCH_BIG if set, e.g. 10000000)
#           with --threads 1; all three at N with --threads 2 (one process, both cores);
#           and the same file cut in two halves run by two pol processes at once (--threads 1 each);
#   (d)     examples/fr_allocations_familiales.pol on N generated households: evaluation alone
#           through the C++ API (1 and 2 threads) and pol run end to end;
#   (e)     compile time of every example (in process, and `pol check` as a command, hyperfine)
#           and the cold start of `pol run` on one household (hyperfine; a loop without it).
# Every measurement is one JSON line appended to $BUILD_DIR/bench/results.jsonl, with the load
# average when it started; bench/summarize.py prints them as the table of bench/RESULTS.md.
# Environment: BENCH_N (1000000), BENCH_SMALL (100000), BENCH_BIG (unset), BENCH_REPS (5),
# BENCH_E2E_REPS (5), BENCH_UI_N (N: households for the unemployment example),
# BENCH_ONLY (a space-separated subset of: peer e2e fr compile), BENCH_PEERS=1 (also run the
# ../shared/peers engines; needs npm, installs them in a temporary directory outside the repo).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD_DIR:-build-release}
N=${BENCH_N:-1000000}
SMALL=${BENCH_SMALL:-100000}
BIG=${BENCH_BIG:-}
REPS=${BENCH_REPS:-5}
E2E_REPS=${BENCH_E2E_REPS:-5}
UI_N=${BENCH_UI_N:-$N}
ONLY=${BENCH_ONLY:-peer e2e fr compile}
OUT=$BUILD/bench
DATA=$OUT/data
RESULTS=$OUT/results.jsonl

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPOL_PYTHON=OFF -DBUILD_TESTING=OFF > /dev/null
cmake --build "$BUILD" -j2 --target pol pol_bench_api pol_bench_gen > /dev/null
POL=$BUILD/pol API=$BUILD/bench/pol_bench_api GEN=$BUILD/bench/pol_bench_gen
mkdir -p "$DATA"

load() { cut -d' ' -f1 /proc/loadavg; }
emit() { echo "$1" | tee -a "$RESULTS"; }
wants() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

emit "{\"bench\":\"machine\",\"date\":\"$(date -u +%FT%TZ)\",\"nproc\":$(nproc),\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\",\"commit\":\"$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- interpreter || echo '+dirty')\",\"load\":$(load)}"

# ---- (a)/(b) ------------------------------------------------------------------------------
if wants peer; then
  for threads in 1 2; do
    l=$(load)
    "$API" peer --n "$N" --reps "$REPS" --threads $threads $( [ "$N" = 1000000 ] && echo --expect-sum 201817289.48 ) |
      sed "s/}\$/,\"load\":$l}/" | tee -a "$RESULTS"
  done
fi

# ---- data -----------------------------------------------------------------------------------
gen() {  # kind n -> path
  f=$DATA/$1-$2.jsonl
  [ -s "$f" ] || "$GEN" "$1" "$2" > "$f"
  echo "$f"
}

# One pol run under /usr/bin/time -v, repeated; emits the median wall time and the largest peak RSS.
e2e() {  # label policy as_of n file [context]   (E2E_THREADS: pol run --threads, default 1)
  label=$1 policy=$2 as_of=$3 n=$4 file=$5 ctx=${6:-}
  threads=${E2E_THREADS:-1}
  reps=$E2E_REPS
  [ -n "$BIG" ] && [ "$n" = "$BIG" ] && reps=1  # one run of the big file
  l=$(load) walls="" rss=0
  i=0
  while [ $i -lt "$reps" ]; do
    /usr/bin/time -v -o "$OUT/time.txt" "$POL" run "examples/$policy.pol" --as-of "$as_of" ${ctx:+--context "$ctx"} \
      --input "$file" --output "$OUT/out.csv" --threads "$threads" 2> "$OUT/stderr.txt" || { cat "$OUT/stderr.txt" >&2; exit 1; }
    w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt" |
        awk -F: '{ s = 0; for (k = 1; k <= NF; k++) s = s * 60 + $k; print s }')
    r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
    walls="$walls $w"
    [ "$r" -gt "$rss" ] && rss=$r
    i=$((i + 1))
  done
  med=$(echo $walls | tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  rows=$(($(wc -l < "$OUT/out.csv") - 1))
  emit "{\"bench\":\"e2e-pol-run\",\"label\":\"$label\",\"policy\":\"$policy\",\"n\":$n,\"threads\":$threads,\"rows\":$rows,\"reps\":$reps,\"median_s\":$med,\"per_s\":$(awk -v n="$n" -v s="$med" 'BEGIN { printf "%.0f", n / s }'),\"times\":[$(echo $walls | tr ' ' ',')],\"max_rss_kb\":$rss,\"load\":$l,\"summary\":\"$(tail -1 "$OUT/stderr.txt")\"}"
}

# Two pol run processes at once, each on one half of the file, each with one thread (what two
# cores gave before pol run had threads; compare with E2E_THREADS=2).
e2e_two() {  # label policy as_of n file [context]
  label=$1 policy=$2 as_of=$3 n=$4 file=$5 ctx=${6:-}
  half=$(((n + 1) / 2))
  split -l "$half" -d "$file" "$OUT/half."
  l=$(load) walls=""
  i=0
  while [ $i -lt "$E2E_REPS" ]; do
    s=$(date +%s%N)
    for part in 00 01; do
      "$POL" run "examples/$policy.pol" --as-of "$as_of" ${ctx:+--context "$ctx"} --input "$OUT/half.$part" \
        --output "$OUT/out.$part.csv" --threads 1 2> /dev/null &
    done
    wait
    walls="$walls $(awk -v a="$s" -v b="$(date +%s%N)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    i=$((i + 1))
  done
  rm -f "$OUT/half.00" "$OUT/half.01"
  med=$(echo $walls | tr ' ' '\n' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  emit "{\"bench\":\"e2e-pol-run-2proc\",\"label\":\"$label\",\"policy\":\"$policy\",\"n\":$n,\"reps\":$E2E_REPS,\"median_s\":$med,\"per_s\":$(awk -v n="$n" -v s="$med" 'BEGIN { printf "%.0f", n / s }'),\"times\":[$(echo $walls | tr ' ' ',')],\"load\":$l}"
}

UI_CTX=examples/data/unemployment_insurance.context.json
if wants e2e; then
  for size in $(printf '%s\n' "$SMALL" "$UI_N" | uniq); do
    e2e unemployment unemployment_insurance 2026-03-01 "$size" "$(gen unemployment "$size")" "$UI_CTX"
  done
  for size in $SMALL $N; do
    e2e portable portable_benefits 2026-09-30 "$size" "$(gen portable "$size")"
    e2e family family_benefit 2026-04-01 "$size" "$(gen family "$size")"
  done
  if [ -n "$BIG" ]; then  # peak RSS at 10M: family only, one run, the file deleted afterwards
    e2e family family_benefit 2026-04-01 "$BIG" "$(gen family "$BIG")"
    rm -f "$DATA/family-$BIG.jsonl"
  fi
  # one process on both cores
  E2E_THREADS=2
  e2e unemployment unemployment_insurance 2026-03-01 "$UI_N" "$(gen unemployment "$UI_N")" "$UI_CTX"
  e2e portable portable_benefits 2026-09-30 "$N" "$(gen portable "$N")"
  e2e family family_benefit 2026-04-01 "$N" "$(gen family "$N")"
  E2E_THREADS=1
  e2e_two portable portable_benefits 2026-09-30 "$N" "$(gen portable "$N")"
  e2e_two family family_benefit 2026-04-01 "$N" "$(gen family "$N")"
fi

# ---- (d) --------------------------------------------------------------------------------------
if wants fr; then
  f=$(gen fr "$N")
  for threads in 1 2; do
    l=$(load)
    "$API" records --policy examples/fr_allocations_familiales.pol --as-of 2020-05-01 --input "$f" \
      --sum montant_verse --reps "$REPS" --threads $threads | sed "s/}\$/,\"label\":\"fr\",\"load\":$l}/" | tee -a "$RESULTS"
  done
  e2e fr fr_allocations_familiales 2020-05-01 "$N" "$f"
  # evaluation alone for the (c) policies too, to split parse from evaluation
  l=$(load)
  "$API" records --policy examples/family_benefit.pol --as-of 2026-04-01 --input "$(gen family "$N")" \
    --sum monthly_benefit --reps "$REPS" | sed "s/}\$/,\"label\":\"family\",\"load\":$l}/" | tee -a "$RESULTS"
  "$API" records --policy examples/portable_benefits.pol --as-of 2026-09-30 --input "$(gen portable "$N")" \
    --sum account_credit --reps "$REPS" | sed "s/}\$/,\"label\":\"portable\",\"load\":$l}/" | tee -a "$RESULTS"
  "$API" records --policy examples/unemployment_insurance.pol --as-of 2026-03-01 --context "$UI_CTX" \
    --input "$(gen unemployment "$UI_N")" --sum total_weekly_benefit --reps "$REPS" |
    sed "s/}\$/,\"label\":\"unemployment\",\"load\":$l}/" | tee -a "$RESULTS"
fi

# ---- (e) --------------------------------------------------------------------------------------
if wants compile; then
  l=$(load)
  "$API" compile --reps 21 examples/*.pol | sed "s/}\$/,\"load\":$l}/" | tee -a "$RESULTS"
  head -1 "$(gen family 1)" > "$DATA/one-family.jsonl"
  if command -v hyperfine > /dev/null; then
    for p in examples/*.pol; do
      hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/hf.json" "$POL check $p" > /dev/null 2>&1
      emit "{\"bench\":\"pol-check\",\"policy\":\"$p\",$(python3 -c "import json;r=json.load(open('$OUT/hf.json'))['results'][0];print('\"median_ms\":%.2f,\"mean_ms\":%.2f,\"min_ms\":%.2f' % (r['median']*1e3, r['mean']*1e3, r['min']*1e3))"),\"load\":$(load)}"
    done
    hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/hf.json" \
      "$POL run examples/family_benefit.pol --as-of 2026-04-01 --input $DATA/one-family.jsonl" > /dev/null 2>&1
    emit "{\"bench\":\"cold-start\",\"what\":\"pol run family_benefit, one household\",$(python3 -c "import json;r=json.load(open('$OUT/hf.json'))['results'][0];print('\"median_ms\":%.2f,\"mean_ms\":%.2f,\"min_ms\":%.2f' % (r['median']*1e3, r['mean']*1e3, r['min']*1e3))"),\"load\":$(load)}"
    hyperfine -N --warmup 3 --runs 30 --export-json "$OUT/hf.json" "$POL --help" > /dev/null 2>&1
    emit "{\"bench\":\"cold-start\",\"what\":\"pol --help (process start alone)\",$(python3 -c "import json;r=json.load(open('$OUT/hf.json'))['results'][0];print('\"median_ms\":%.2f,\"mean_ms\":%.2f,\"min_ms\":%.2f' % (r['median']*1e3, r['mean']*1e3, r['min']*1e3))"),\"load\":$(load)}"
  else
    s=$(date +%s%N)
    for i in $(seq 30); do "$POL" run examples/family_benefit.pol --as-of 2026-04-01 --input "$DATA/one-family.jsonl" > /dev/null 2>&1; done
    emit "{\"bench\":\"cold-start\",\"what\":\"pol run family_benefit, one household (loop of 30, mean)\",\"mean_ms\":$(awk -v a="$s" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 30e6 }'),\"load\":$(load)}"
  fi
fi

# ---- the peers' engines on the same records ---------------------------------------------------
if [ "${BENCH_PEERS:-0}" = 1 ]; then
  peers=$(mktemp -d)
  cp ../shared/peers/* "$peers"
  (cd "$peers" && npm install --silent > /dev/null 2>&1)
  # feelin re-parses its expression on every record (~12 minutes per pass of 1M): left out.
  for e in js-int cel-int cel-double zen-expr-sync zen-graph zen-graph-naive-round jre; do
    (cd "$peers" && node --max-old-space-size=8192 bench.mjs "$e" --n "$N" --reps "${BENCH_PEER_REPS:-1}") |
      sed "s/^{/{\"bench\":\"peer-engine\",/; s/}\$/,\"load\":$(load)}/" | tee -a "$RESULTS"
  done
  rm -rf "$peers"
fi
echo "results appended to $RESULTS; table: python3 bench/summarize.py $RESULTS" >&2
