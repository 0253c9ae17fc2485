#!/usr/bin/python3
"""Run the published Alabama unemployment compensation cases through the pol port.

    /usr/bin/python3 tools/cases/us_al_unemployment.py --pol build/pol \
        --cases tests/statutes/us_al_unemployment/cases.json [--policy examples/us_al_unemployment.pol]

Each case of cases.json (format: STATUTE.md and the file's "about" block) becomes one household
record (id = case name, persons as members in the household's order, inputs a case leaves out
omitted so that the policy's defaults apply, "as_of" = the first day of the case's period). The
cases are grouped by their context (one `pol run` per distinct context), and every expected output
of every person is compared exactly with what pol writes:

  * booleans and integers exactly (a boolean never equals a number);
  * amounts and other decimals as exact decimal values ("275.00" equals "275");
  * al_ui_unrounded_wba: pol's exact value is first rounded half-even to the cent, as the
    cases publish it (the about block says so);
  * an expected output pol does not write, a case pol rejects or does not return: failure.

JSON is parsed with parse_float=decimal.Decimal: no binary floating point anywhere.
Exit status 0 when every case passes, 1 otherwise, 2 for a usage or file error.
Standard library only.
"""

import argparse
import decimal
import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

# Outputs the cases publish rounded (half-even) to this unit; every other output is exact.
ROUNDED_OUTPUTS = {"al_ui_unrounded_wba": Decimal("0.01")}

DEFAULT_POLICY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                              "examples", "us_al_unemployment.pol")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def period_start(period):
    """First day of a case's period: "2024" -> 2024-01-01, "2024-05" -> 2024-05-01,
    "2024-Q3" -> 2024-07-01, "2024-05-17" -> itself."""
    p = str(period).strip()
    if re.fullmatch(r"\d{4}", p):
        return p + "-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", p):
        return p + "-01"
    m = re.fullmatch(r"(\d{4})-Q([1-4])", p)
    if m:
        return "%s-%02d-01" % (m.group(1), 3 * int(m.group(2)) - 2)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p):
        return p
    raise ValueError("cannot read the period %r" % (period,))


def to_record_value(v):
    """A value as pol reads it. Decimals parsed from JSON numbers are written as exact strings
    (an integral one without decimals, so that it also fits an integer input); strings, booleans,
    integers and nested objects are passed as they are."""
    if isinstance(v, Decimal):
        if v == v.to_integral_value():
            return int(v)
        return format(v, "f")
    if isinstance(v, dict):
        return {k: to_record_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_record_value(x) for x in v]
    return v


def build_record(case):
    """The household record of a case, and the person names in member order."""
    household = case.get("household", {}) or {}
    persons = case.get("persons", []) or []
    by_name = {}
    for i, p in enumerate(persons):
        by_name[p.get("name", "person%d" % (i + 1))] = p
    order = [n for n in household.get("members", []) if n in by_name]
    order += [n for n in by_name if n not in order]     # persons the household does not list
    record = {"id": str(case["case"])}
    if case.get("period") is not None:
        record["as_of"] = period_start(case["period"])
    for k, v in household.items():
        if k in ("members", "id", "as_of") or v is None:
            continue
        record[k] = to_record_value(v)
    record["members"] = [
        {k: to_record_value(v) for k, v in (by_name[n].get("inputs", {}) or {}).items() if v is not None}
        for n in order
    ]
    return record, order


def same_value(name, expected, actual):
    """Exact comparison of one expected output with pol's value (see the module docstring)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if actual is None:
        return False
    try:
        e = Decimal(str(expected)) if not isinstance(expected, Decimal) else expected
        a = Decimal(str(actual))
    except decimal.InvalidOperation:
        return str(expected) == str(actual)
    if name in ROUNDED_OUTPUTS:
        a = a.quantize(ROUNDED_OUTPUTS[name], rounding=decimal.ROUND_HALF_EVEN)
    return e == a


def run_pol(pol, policy, context, records, as_of, workdir):
    ctx_path = os.path.join(workdir, "context.json")
    in_path = os.path.join(workdir, "input.jsonl")
    with open(ctx_path, "w", encoding="utf-8") as f:
        json.dump(to_record_value(context), f)
    with open(in_path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    cmd = [pol, "run", policy, "--as-of", as_of, "--context", ctx_path,
           "--input", in_path, "--format", "jsonl"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 3):      # 3: some records rejected (reported per case below)
        sys.stderr.write(proc.stderr)
        raise RuntimeError("%s exited with status %d" % (" ".join(cmd), proc.returncode))
    rows = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            row = json.loads(line, parse_float=Decimal)
            rows[str(row.get("id"))] = row
    return rows, proc.stderr


def rejection_message(stderr, case_id):
    needle = '(id "%s")' % case_id
    alt = 'record "%s"' % case_id
    for line in stderr.splitlines():
        if needle in line or alt in line:
            return line.strip()
    return "no output row"


def check_case(case, order, row, stderr):
    failures = []
    cid = str(case["case"])
    if row is None:
        return ["rejected or missing: " + rejection_message(stderr, cid)]
    # household-level expectations, if a case has any
    for name, exp in (case.get("expected", {}) or {}).items():
        if name not in row:
            failures.append("%s: expected %s, not in the output" % (name, exp))
        elif not same_value(name, exp, row[name]):
            failures.append("%s: expected %s, got %s" % (name, exp, row[name]))
    members = {m.get("member"): m for m in row.get("members", []) or []}
    persons = {p.get("name", "person%d" % (i + 1)): p for i, p in enumerate(case.get("persons", []) or [])}
    for idx, pname in enumerate(order, start=1):
        expected = persons[pname].get("expected", {}) or {}
        out = members.get("members[%d]" % idx)
        if out is None:
            if expected:
                failures.append("%s: no output row (members[%d])" % (pname, idx))
            continue
        for name, exp in expected.items():
            if name not in out:
                failures.append("%s.%s: expected %s, not in the output" % (pname, name, exp))
            elif not same_value(name, exp, out[name]):
                shown = out[name]
                if name in ROUNDED_OUTPUTS and not isinstance(shown, bool):
                    shown = "%s (exact %s)" % (Decimal(str(shown)).quantize(
                        ROUNDED_OUTPUTS[name], rounding=decimal.ROUND_HALF_EVEN), shown)
                failures.append("%s.%s: expected %s, got %s" % (pname, name, exp, shown))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pol", required=True, help="the pol executable")
    ap.add_argument("--cases", required=True, help="cases.json")
    ap.add_argument("--policy", default=DEFAULT_POLICY, help="the port (default: examples/us_al_unemployment.pol)")
    args = ap.parse_args()

    try:
        data = load_json(args.cases)
    except (OSError, ValueError) as e:
        print("cannot read %s: %s" % (args.cases, e), file=sys.stderr)
        return 2
    cases = data["cases"] if isinstance(data, dict) else data
    if not cases:
        print("no cases in %s" % args.cases, file=sys.stderr)
        return 1

    # Group the cases by context: one pol run per distinct context.
    groups = {}
    prepared = {}
    for case in cases:
        record, order = build_record(case)
        prepared[str(case["case"])] = order
        key = json.dumps(to_record_value(case.get("context", {}) or {}), sort_keys=True)
        groups.setdefault(key, []).append((case, record))

    results = {}
    with tempfile.TemporaryDirectory(prefix="pol_al_ui_") as workdir:
        for key, members in groups.items():
            context = json.loads(key)
            records = [r for _, r in members]
            as_of = records[0].get("as_of", "2024-01-01")
            try:
                rows, stderr = run_pol(args.pol, args.policy, context, records, as_of, workdir)
            except (OSError, RuntimeError) as e:
                print("pol could not run: %s" % e, file=sys.stderr)
                return 1
            for case, _ in members:
                cid = str(case["case"])
                results[cid] = check_case(case, prepared[cid], rows.get(cid), stderr)

    failed = 0
    for case in cases:
        cid = str(case["case"])
        fails = results[cid]
        if fails:
            failed += 1
            print("FAIL %s: %s" % (cid, "; ".join(fails)))
        else:
            n = sum(len(p.get("expected", {}) or {}) for p in case.get("persons", []) or [])
            n += len(case.get("expected", {}) or {})
            print("PASS %s (%d values)" % (cid, n))
    print("%d cases: %d passed, %d failed" % (len(cases), len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
