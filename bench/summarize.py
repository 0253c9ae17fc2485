#!/usr/bin/env python3
"""Prints the JSON lines of bench/run.sh (build-release/bench/results.jsonl) as Markdown tables.

    python3 bench/summarize.py build-release/bench/results.jsonl"""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]

def fmt(x):
    return f"{x:,.0f}"

print("| bench | what | n | threads | median s | per s | exact sum / RSS | load |")
print("|---|---|---:|---:|---:|---:|---|---:|")
for r in rows:
    b = r["bench"]
    if b == "machine":
        print(f"| machine | {r['cpu']}, nproc {r['nproc']}, commit {r['commit']}, {r['date']} | | | | | | {r['load']} |")
    elif b.startswith("peer-") and b != "peer-engine":
        extra = r.get("sum", "")
        if "pol_over_native" in r:
            extra += f" (pol/native {r['pol_over_native']})"
        if "pol_columns_over_native" in r:
            extra += f" (columns/native {r['pol_columns_over_native']})"
        print(f"| {b} | peers' rule | {fmt(r['n'])} | {r['threads']} | {r['median_s']} | {fmt(r['per_s'])} | {extra} | {r.get('load', '')} |")
    elif b == "records-eval":
        print(f"| {b} | {r.get('label', '')} (evaluation only) | {fmt(r['n'])} | {r['threads']} | {r['median_s']} | {fmt(r['per_s'])} | "
              f"{r.get('sum_output', '')} {r.get('sum', '')}, failed {r['failed']} | {r.get('load', '')} |")
    elif b == "e2e-pol-run":
        print(f"| {b} | {r['label']} | {fmt(r['n'])} | {r.get('threads', 1)} | {r['median_s']} | {fmt(r['per_s'])} | peak RSS {r['max_rss_kb'] / 1024:.1f} MB | {r['load']} |")
    elif b == "e2e-pol-run-2proc":
        print(f"| {b} | {r['label']} (two halves, two processes) | {fmt(r['n'])} | 2 | {r['median_s']} | {fmt(r['per_s'])} | | {r['load']} |")
    elif b == "compile":
        print(f"| compile_file | {r['policy']} | | 1 | {r['median_ms'] / 1000:.4f} | | median {r['median_ms']} ms | {r.get('load', '')} |")
    elif b in ("pol-check", "cold-start"):
        what = r.get("policy") or r.get("what")
        print(f"| {b} | {what} | | 1 | {r.get('median_ms', r.get('mean_ms')) / 1000:.4f} | | median {r.get('median_ms', '')} ms, min {r.get('min_ms', '')} ms | {r['load']} |")
    elif b == "peer-engine":
        print(f"| peer engine {r['engine']} | node, best of {r['reps']} | {fmt(r['n'])} | 1 | {min(r['seconds'])} | {fmt(r['recordsPerSec'])} | "
              f"engine sum {r['engineSum']}, wrong cent {r['wrongCent']} | {r.get('load', '')} |")
