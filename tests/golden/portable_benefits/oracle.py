#!/usr/bin/python3
"""Independent oracle for the portable-benefits golden case.

This script is NOT part of pol and does not read examples/portable_benefits.pol nor anything pol
prints. It restates the Portable Benefits Act 2025 (as amended in 2026) encoded there, section by
section from the statute's text, in plain Python with exact rational arithmetic
(fractions.Fraction) and explicit rounding, and is used only to produce and re-check
tests/golden/portable_benefits/expected.csv. If the statute changes, change this file by hand from
the statute's text, never from pol's output.

    /usr/bin/python3 tests/golden/portable_benefits/oracle.py            # print the CSV
    /usr/bin/python3 tests/golden/portable_benefits/oracle.py --write    # rewrite expected.csv
    /usr/bin/python3 tests/golden/portable_benefits/oracle.py --check    # compare, exit 1 if different

Run from anywhere. It also re-computes the worked examples (the `test` blocks of the policy file,
copied here by hand) and fails if one of their hand-written expectations disagrees.

The Act has no division, so every intermediate value is an exact finite decimal and no
question of division precision arises.
"""

import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "examples" / "data" / "portable_benefits.jsonl"
AS_OF_FILE = REPO / "examples" / "data" / "portable_benefits.as_of"
EXPECTED = HERE / "expected.csv"

D = datetime.date
F = Fraction

# ---- The statute's parameters (Portable Benefits Act) ----
EMPLOYER_RATE_STEPS = [(D(2025, 1, 1), F(4, 100)), (D(2026, 7, 1), F(5, 100))]      # s.3(1)(a)
PLATFORM_RATE = F(4, 100)                                                           # s.3(1)(b)
SELF_EMPLOYMENT_RATE = F(3, 100)                                                    # s.3(1)(c)
ENGAGER_HOURLY_STEPS = [(D(2025, 1, 1), F("0.90")), (D(2026, 7, 1), F("1.10"))]     # s.3(2)(a)
SELF_EMPLOYMENT_HOURLY = F("0.50")                                                  # s.3(2)(b)
SOURCE_CAP = F("150.00")                                                            # s.4
PERSONAL_CAP = F("400.00")                                                          # s.5(1)
MATCH_RATE = F(50, 100)                                                             # s.6(1)
TOP_UP_CAP = F("50.00")                                                             # s.6(2)
PHASE_OUT_THRESHOLD = F("1500.00")                                                  # s.6(3)
PHASE_OUT_RATE = F(10, 100)                                                         # s.6(3)

KINDS = {"employer", "platform", "self_employment"}
BASES = {"earnings", "hours"}
CENT = F(1, 100)


def in_force(steps, as_of):
    values = [v for start, v in steps if start <= as_of]
    if not values:
        raise ValueError(f"no value in force on {as_of}")
    return values[-1]


# ---- Rounding ----
def round_to(x: Fraction, unit: Fraction, mode: str) -> Fraction:
    q = x / unit
    low = q.numerator // q.denominator          # floor
    rest = q - low
    if rest == 0:
        return low * unit
    if mode == "half_even":
        up = rest > F(1, 2) or (rest == F(1, 2) and low % 2 == 1)
    elif mode == "half_up":                      # ties away from zero
        up = rest > F(1, 2) or (rest == F(1, 2) and q > 0)
    else:
        raise ValueError(mode)
    return (low + 1 if up else low) * unit


# ---- Reading ----
def parse_amount(v) -> Fraction:
    """Money or decimal: a JSON number (kept as its exact text) or a string such as "$1,234.50"."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return F(v)
    text = str(v).strip()
    if text.startswith("$"):
        text = text[1:]
    whole, dot, frac = text.partition(".")
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:]), f"bad thousands separators in {v!r}"
    return F("".join(groups) + dot + frac)


def load(path: Path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line, parse_float=Fraction, parse_int=int))
    return out


# ---- The statute ----
def source(s: dict, as_of) -> dict:
    kind, basis = s["kind"], s["basis"]
    assert kind in KINDS and basis in BASES, (kind, basis)
    earnings = parse_amount(s.get("earnings", 0))
    hours = parse_amount(s.get("hours", 0))
    # s.3(1): percentage of earnings, by kind
    rate = {"employer": in_force(EMPLOYER_RATE_STEPS, as_of), "platform": PLATFORM_RATE,
            "self_employment": SELF_EMPLOYMENT_RATE}[kind]
    # s.3(2): amount per hour: engagers (employer, platform) vs own business
    hourly = SELF_EMPLOYMENT_HOURLY if kind == "self_employment" else in_force(ENGAGER_HOURLY_STEPS, as_of)
    # s.3(3): on the registered basis, to the cent, half-even
    assessed = round_to(earnings * rate if basis == "earnings" else hourly * hours, CENT, "half_even")
    # s.4: per-source cap
    return {"engager": kind != "self_employment", "earnings": earnings, "hours": hours,
            "assessed": assessed, "contribution": min(assessed, SOURCE_CAP),
            "limited": assessed > SOURCE_CAP}


def worker(w: dict, as_of) -> dict:
    sources = [source(s, as_of) for s in (w.get("sources") or [])]
    voluntary = parse_amount(w.get("voluntary_contribution", 0))
    # s.5(2)
    engager_due = sum((s["contribution"] for s in sources if s["engager"]), F(0))
    own_due = sum((s["contribution"] for s in sources if not s["engager"]), F(0)) + voluntary
    # s.5(3): engagers first, own contributions in the room left
    engager = min(engager_due, PERSONAL_CAP)
    own = min(own_due, PERSONAL_CAP - engager)
    # s.6
    earnings = sum((s["earnings"] for s in sources), F(0))
    matched = round_to(own * MATCH_RATE, CENT, "half_even")
    capped = min(matched, TOP_UP_CAP)
    reduction = PHASE_OUT_RATE * max(earnings - PHASE_OUT_THRESHOLD, F(0))
    top_up = round_to(max(capped - reduction, F(0)), CENT, "half_up") if earnings > 0 else F(0)
    # s.7
    return {
        "total_earnings": earnings,
        "total_hours": sum((s["hours"] for s in sources), F(0)),
        "engager_contributions": engager,
        "own_contribution": own,
        "public_top_up": top_up,
        "account_credit": engager + own + top_up,
        "returned_over_personal_cap": engager_due + own_due - engager - own,
        "sources_limited_by_cap": sum(1 for s in sources if s["limited"]),
    }


OUTPUTS = ["total_earnings", "total_hours", "engager_contributions", "own_contribution",
           "public_top_up", "account_credit", "returned_over_personal_cap", "sources_limited_by_cap"]
MONEY = {"total_earnings", "engager_contributions", "own_contribution", "public_top_up",
         "account_credit", "returned_over_personal_cap"}
DECIMAL = {"total_hours"}


# ---- Writing ----
def format_decimal(x: Fraction, min_places: int) -> str:
    """Exact decimal text, trailing zeros stripped but at least min_places decimals."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    places = 0
    while (x * 10**places).denominator != 1:
        places += 1
        if places > 40:
            raise ValueError(f"{x} is not a finite decimal")
    places = max(places, min_places)
    digits = str(int(x * 10**places)).rjust(places + 1, "0")
    return sign + (f"{digits[:-places]}.{digits[-places:]}" if places else digits)


def format_value(name, v) -> str:
    if name in MONEY:
        return format_decimal(v, 2)
    if name in DECIMAL:
        return format_decimal(v, 0)
    return str(v)


def render(records, as_of) -> str:
    lines = [",".join(["id"] + OUTPUTS)]
    for r in records:
        out = worker(r, as_of)
        lines.append(",".join([r["id"]] + [format_value(n, out[n]) for n in OUTPUTS]))
    return "\n".join(lines) + "\n"


# ---- The worked examples of the policy file, copied by hand ----
def S(kind, basis, earnings="0", hours="0"):
    return {"kind": kind, "basis": basis, "earnings": earnings, "hours": hours}


TWO_SOURCES = [S("employer", "earnings", "2000.00", "80"), S("platform", "hours", "300.00", "12.25")]
WORKED_EXAMPLES = [
    ("employer and platform after the 2026 amendment", "2026-09-30",
     {"voluntary_contribution": "40.00", "sources": TWO_SOURCES},
     {"total_earnings": "2300.00", "total_hours": "92.25", "engager_contributions": "113.48",
      "own_contribution": "40.00", "public_top_up": "0.00", "account_credit": "153.48",
      "returned_over_personal_cap": "0.00", "sources_limited_by_cap": "0"}),
    ("the same month under the 2025 rates", "2026-03-31",
     {"voluntary_contribution": "40.00", "sources": TWO_SOURCES},
     {"engager_contributions": "91.02", "account_credit": "131.02"}),
    ("self-employed low earner", "2026-09-30",
     {"voluntary_contribution": "25.00", "sources": [S("self_employment", "earnings", "1234.50")]},
     {"engager_contributions": "0.00", "own_contribution": "62.04", "public_top_up": "31.02",
      "account_credit": "93.06"}),
    ("source caps and the personal cap", "2026-09-30",
     {"voluntary_contribution": "100.00",
      "sources": [S("employer", "earnings", "4000.00"), S("platform", "hours", "2500.00", "160"),
                  S("employer", "earnings", "2400.00")]},
     {"engager_contributions": "400.00", "own_contribution": "0.00", "public_top_up": "0.00",
      "account_credit": "400.00", "returned_over_personal_cap": "120.00",
      "sources_limited_by_cap": "2"}),
    ("voluntary contribution without earnings", "2026-09-30",
     {"voluntary_contribution": "30.00", "sources": []},
     {"total_earnings": "0.00", "total_hours": "0", "own_contribution": "30.00",
      "public_top_up": "0.00", "account_credit": "30.00"}),
]


def check_worked_examples() -> bool:
    ok = True
    for name, as_of, w, expect in WORKED_EXAMPLES:
        out = worker(w, D.fromisoformat(as_of))
        for key, want in expect.items():
            got = format_value(key, out[key])
            if got != want:
                print(f"worked example {name!r}: {key} is {got}, the policy file says {want}",
                      file=sys.stderr)
                ok = False
    return ok


def main(argv) -> int:
    as_of = D.fromisoformat(AS_OF_FILE.read_text().strip())
    text = render(load(DATA), as_of)
    if not check_worked_examples():
        return 1
    if "--write" in argv:
        EXPECTED.write_text(text)
    elif "--check" in argv:
        if EXPECTED.read_text() != text:
            print("expected.csv differs from the oracle", file=sys.stderr)
            return 1
        print("expected.csv agrees with the oracle")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
