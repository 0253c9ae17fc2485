#!/usr/bin/env bash
# Nothing lost under faults: `pol run --output FILE --rejects FILE` killed with SIGKILL midway must
# leave FILE absent (first run) or exactly the previous complete version, never a truncated file;
# a complete run then writes one line per evaluated household plus the header, and one line per
# rejected household in the rejects file.
#
#   tests/faults/kill_midway.sh PATH/TO/pol [HOUSEHOLDS]
set -euo pipefail

POL=${1:?usage: kill_midway.sh PATH/TO/pol [HOUSEHOLDS]}
N=${2:-300000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every 10th household lacks `rent` (no default): it is rejected. The others are evaluated.
/usr/bin/python3 - "$N" "$WORK/households.jsonl" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
with open(path, "w") as f:
    for i in range(n):
        members = ",".join(
            '{"age":%d,"wages":"%d.%02d"}' % (rng.randint(0, 90), rng.randint(0, 90000), rng.randint(0, 99))
            for _ in range(rng.randint(1, 5)))
        rent = "" if i % 10 == 9 else '"rent":"%d.%02d",' % (rng.randint(0, 3000), rng.randint(0, 99))
        f.write('{"id":"h%d",%s"members":[%s]}\n' % (i, rent, members))
PY

run_args=(run "$HERE/faults.pol" --as-of 2026-01-01 --input "$WORK/households.jsonl"
          --output "$WORK/out.csv" --rejects "$WORK/rejects.jsonl")

# Starts pol run, waits until its temporary output file has started growing, kills it with
# SIGKILL, and prints the size the temporary file had reached. Fails if pol ended first.
kill_midway() {
  "$POL" "${run_args[@]}" 2>/dev/null &
  local pid=$! size=0 tmp
  for _ in $(seq 1 6000); do
    tmp=$(ls -A "$WORK" | grep -E '^\.out\.csv\.[0-9]+\.tmp$' | head -1 || true)
    if [[ -n "$tmp" ]]; then
      size=$(stat -c %s "$WORK/$tmp" 2>/dev/null || echo 0)
      (( size > 0 )) && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -0 "$pid" 2>/dev/null || fail "pol run ended before it could be killed midway (use more households)"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  (( size > 0 )) || fail "the temporary output file never grew"
  echo "$size"
}

count_lines() { wc -l < "$1" | tr -d ' '; }

# 1. Killed with no previous output: neither file may exist.
size=$(kill_midway)
[[ -e "$WORK/out.csv" ]] && fail "killed first run left out.csv ($(count_lines "$WORK/out.csv") lines; temp had $size bytes)"
[[ -e "$WORK/rejects.jsonl" ]] && fail "killed first run left rejects.jsonl"
echo "ok: killed after the temporary output reached $size bytes; no out.csv, no rejects.jsonl"
rm -f "$WORK"/.out.csv.*.tmp "$WORK"/.rejects.jsonl.*.tmp   # a killed run leaves its temporary files

# 2. A complete run: one line per evaluated household plus the header; one per rejected one.
status=0
"$POL" "${run_args[@]}" 2>"$WORK/stderr" || status=$?
summary=$(tail -1 "$WORK/stderr")
[[ "$summary" =~ ^([0-9]+)\ read,\ ([0-9]+)\ evaluated,\ ([0-9]+)\ rejected$ ]] || fail "unexpected summary: $summary"
read_n=${BASH_REMATCH[1]} evaluated=${BASH_REMATCH[2]} rejected=${BASH_REMATCH[3]}
(( status == 3 )) || fail "complete run exited $status, expected 3 (some records rejected)"
(( read_n == N && evaluated + rejected == N && rejected == N / 10 )) || fail "summary $summary for $N households"
(( $(count_lines "$WORK/out.csv") == evaluated + 1 )) || fail "out.csv has $(count_lines "$WORK/out.csv") lines, expected $((evaluated + 1))"
(( $(count_lines "$WORK/rejects.jsonl") == rejected )) || fail "rejects.jsonl has $(count_lines "$WORK/rejects.jsonl") lines, expected $rejected"
[[ -z "$(ls -A "$WORK" | grep '\.tmp$' || true)" ]] || fail "a complete run left a temporary file"
echo "ok: complete run: $summary; out.csv has $((evaluated + 1)) lines, rejects.jsonl $rejected"
cp "$WORK/out.csv" "$WORK/out.previous"
cp "$WORK/rejects.jsonl" "$WORK/rejects.previous"

# 3. Killed over a previous complete output: the previous files stay, byte for byte.
size=$(kill_midway)
cmp -s "$WORK/out.csv" "$WORK/out.previous" || fail "killed run changed out.csv (temp had $size bytes)"
cmp -s "$WORK/rejects.jsonl" "$WORK/rejects.previous" || fail "killed run changed rejects.jsonl"
echo "ok: killed after $size bytes over a previous output: out.csv and rejects.jsonl unchanged"
rm -f "$WORK"/.out.csv.*.tmp "$WORK"/.rejects.jsonl.*.tmp

# 4. A run that fails (unreadable input) leaves the previous files and no temporary file.
"$POL" run "$HERE/faults.pol" --as-of 2026-01-01 --input "$WORK/missing.jsonl" \
  --output "$WORK/out.csv" --rejects "$WORK/rejects.jsonl" 2>/dev/null && fail "a run on a missing input succeeded"
cmp -s "$WORK/out.csv" "$WORK/out.previous" || fail "a failed run changed out.csv"
[[ -z "$(ls -A "$WORK" | grep '\.tmp$' || true)" ]] || fail "a failed run left a temporary file"
echo "ok: a failed run leaves the previous output"
echo "PASS"
