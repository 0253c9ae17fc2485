#!/usr/bin/env python3
"""Groups the exclusive instruction counts of a callgrind profile by kind of work.

    valgrind --tool=callgrind --toggle-collect='pol::Evaluator::evaluate_batch*' \
        --callgrind-out-file=cg.out build-release/bench/pol_bench_api peer --n 20000 --reps 1
    python3 bench/profile_groups.py cg.out

Groups are matched in order on "file:function" of callgrind_annotate (first match wins)."""
import re, subprocess, sys

GROUPS = [
    ("malloc/free (allocation)", r"malloc|free|operator new|operator delete|_int_|cfree"),
    ("Value copy/destroy (string, shared_ptr, Decimal members)",
     r"Value::Value|Value::~Value|~Value|basic_string|shared_ptr|_Sp_counted|Decimal::operator=|Decimal::Decimal|memmove|memcpy|memset"),
    ("per-record setup (evaluate, reset, add_instance, expand, vectors, Outcome)",
     r"Evaluator::evaluate\(|evaluate_root_rules|reset|add_instance|expand|stl_vector|vector\.tcc|stl_construct|stl_uninitialized|new_allocator|_M_realloc|resize|Outcome"),
    ("decimal arithmetic (compare, + * round_to, divide)", r"decimal\.(hpp|cpp)|Decimal|compare\(|int128|__divti3|__udivti3|__modti3|__umodti3"),
    ("tree walk (eval, eval_node, rule, truth, input)", r"eval_node|State::eval|State::rule|truth|read_input|State::input|aggregate|call\(|series|schedule|exceptions"),
    ("function memo (string keys, unordered_map)", r"append_key|to_string|hashtable|unordered_map|_Hash_bytes|to_chars"),
]

def main():
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", sys.argv[1]], capture_output=True, text=True).stdout
    rows, total = [], None
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+(\([^)]*\)\s+)?(.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        name = m.group(3)
        if "PROGRAM TOTALS" in name:
            total = n
        elif ":" in name:
            rows.append((n, name))
    sums = {g: 0 for g, _ in GROUPS}
    other = 0
    for n, name in rows:
        for g, pat in GROUPS:
            if re.search(pat, name):
                sums[g] += n
                break
        else:
            other += n
    print(f"total {total:,} instructions")
    for g, _ in GROUPS:
        print(f"{100 * sums[g] / total:5.1f}%  {g}")
    print(f"{100 * other / total:5.1f}%  other")

main()
