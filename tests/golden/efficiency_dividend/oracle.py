#!/usr/bin/python3
"""Independent oracle for the efficiency-dividend golden case.

This script is NOT part of pol and does not read examples/efficiency_dividend.pol nor anything pol
prints. It restates the Efficiency Dividend Act 2026 (as amended) encoded there, section by
section from the statute's text, in plain Python with exact rational arithmetic
(fractions.Fraction) and explicit rounding, and is used only to produce and re-check
tests/golden/efficiency_dividend/expected.csv. If the statute changes, change this file by hand
from the statute's text, never from pol's output.

    /usr/bin/python3 tests/golden/efficiency_dividend/oracle.py            # print the CSV
    /usr/bin/python3 tests/golden/efficiency_dividend/oracle.py --write    # rewrite expected.csv
    /usr/bin/python3 tests/golden/efficiency_dividend/oracle.py --check    # compare, exit 1 if different

It also re-computes the worked examples (the `test` blocks of the policy file, copied here by
hand) and fails if one of their hand-written expectations disagrees.

Two steps divide: the allocation (pool x hours / total hours, s.5(2)) and the hours an allocation
pays for (allocation / hourly wage, s.6(4)(b)). pol keeps a quotient to 20 decimal places,
half-even. The oracle computes both quotients exactly and also as pol would, and refuses to go
on if the two ever round to different results: the expected values then hold whichever way an
implementation divides.
"""

import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "examples" / "data" / "efficiency_dividend.jsonl"
AS_OF_FILE = REPO / "examples" / "data" / "efficiency_dividend.as_of"
EXPECTED = HERE / "expected.csv"

D = datetime.date
F = Fraction

# ---- The statute's parameters (Efficiency Dividend Act) ----
WEEKS = 52                                                                   # s.3(1)
GAIN_THRESHOLD = F(2, 100)                                                   # s.4(1)
DIVIDEND_SHARE_STEPS = [(D(2026, 1, 1), F(20, 100)), (D(2027, 1, 1), F(25, 100))]  # s.4(2)
POOL_CAP_RATE = F(3, 100)                                                    # s.4(3)
REFERENCE_WEEK = F(32)                                                       # s.6(4)
RETIREMENT_MATCH_CAP_RATE = F(4, 100)                                        # s.6(1)
HEALTH_SHARE_RATE = F(50, 100)                                               # s.6(2)
CARE_PER_DEPENDANT = F("1500.00")                                            # s.6(3)
MAX_DEPENDANTS = 3                                                           # s.6(3)

FORMS = {"retirement_match", "health_share", "care_subsidy", "shorter_week"}
CENT = F(1, 100)
QUARTER = F(1, 4)


def in_force(steps, as_of):
    values = [v for start, v in steps if start <= as_of]
    if not values:
        raise ValueError(f"no value in force on {as_of}")
    return values[-1]


# ---- Rounding and division ----
def round_to(x: Fraction, unit: Fraction, mode: str) -> Fraction:
    q = x / unit
    low = q.numerator // q.denominator          # floor
    rest = q - low
    if mode == "floor" or rest == 0:
        return low * unit
    if mode == "half_even":
        up = rest > F(1, 2) or (rest == F(1, 2) and low % 2 == 1)
        return (low + 1 if up else low) * unit
    raise ValueError(mode)


def pol_quotient(a: Fraction, b: Fraction) -> Fraction:
    """a / b as pol keeps it: rounded half-even to 20 decimal places."""
    return round_to(a / b, F(1, 10**20), "half_even")


def divide_then_round(a, b, unit, mode, what):
    exact = round_to(a / b, unit, mode)
    as_pol = round_to(pol_quotient(a, b), unit, mode)
    if exact != as_pol:
        raise AssertionError(f"{what}: 20-place division changes the result ({exact} vs {as_pol})")
    return exact


# ---- Reading ----
def parse_number(v) -> Fraction:
    """Money, decimal or rate: a JSON number (kept as its exact text) or a string."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return F(v)
    text = str(v).strip()
    if text.endswith("%"):
        return F(text[:-1]) / 100
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
def firm(r: dict, as_of) -> dict:
    form = r["dividend_form"]
    assert form in FORMS, form
    gain = parse_number(r["efficiency_gain"])
    workers = []
    for w in r.get("workers") or []:
        workers.append({
            "hours": parse_number(w["weekly_hours"]),
            "wage": parse_number(w["hourly_wage"]),
            "dependants": w.get("dependants", 0),
            "health": parse_number(w.get("health_costs", 0)),
        })

    # s.3: annual wage (to the cent, half-even) and payroll
    for w in workers:
        w["annual"] = round_to(w["wage"] * w["hours"] * WEEKS, CENT, "half_even")
    payroll = sum((w["annual"] for w in workers), F(0))

    # s.4: pool = share of the gain above the threshold x payroll, at most 3% of payroll
    above = max(gain - GAIN_THRESHOLD, F(0))
    share = in_force(DIVIDEND_SHARE_STEPS, as_of)
    pool = round_to(min(payroll * above * share, payroll * POOL_CAP_RATE), CENT, "half_even")

    # s.5(1): beneficiaries
    for w in workers:
        can = {"care_subsidy": w["dependants"] >= 1,
               "shorter_week": w["hours"] > REFERENCE_WEEK,
               "health_share": w["health"] > 0,
               "retirement_match": True}[form]
        w["beneficiary"] = w["hours"] > 0 and w["wage"] > 0 and can
    total_hours = sum((w["hours"] for w in workers if w["beneficiary"]), F(0))

    # s.5(2): allocation pro rata to weekly hours, rounded down to the cent
    for w in workers:
        w["allocation"] = (divide_then_round(pool * w["hours"], total_hours, CENT, "floor", "allocation")
                           if w["beneficiary"] else F(0))

    # s.6: the benefit in the elected form
    for w in workers:
        a = w["allocation"]
        w["banked"] = F(0)
        if form == "retirement_match":
            w["benefit"] = min(a, round_to(w["annual"] * RETIREMENT_MATCH_CAP_RATE, CENT, "half_even"))
        elif form == "health_share":
            w["benefit"] = min(a, round_to(w["health"] * HEALTH_SHARE_RATE, CENT, "half_even"))
        elif form == "care_subsidy":
            w["benefit"] = min(a, CARE_PER_DEPENDANT * min(w["dependants"], MAX_DEPENDANTS))
        else:  # shorter_week
            if w["beneficiary"]:
                bankable = max(w["hours"] - REFERENCE_WEEK, F(0)) * WEEKS
                paid_for = divide_then_round(a, w["wage"], QUARTER, "floor", "banked hours")
                w["banked"] = min(bankable, paid_for)
            w["benefit"] = round_to(w["banked"] * w["wage"], CENT, "half_even")

    beneficiaries = [w for w in workers if w["beneficiary"]]
    allocated = sum((w["allocation"] for w in workers), F(0))
    benefits = sum((w["benefit"] for w in workers), F(0))
    # s.7
    return {
        "payroll": payroll,
        "dividend_pool": pool,
        "beneficiaries": len(beneficiaries),
        "allocated": allocated,
        "unallocated": pool - allocated,
        "benefits_total": benefits,
        "unused_allocation": allocated - benefits,
        "banked_hours_total": sum((w["banked"] for w in workers), F(0)),
        "largest_benefit": max((w["benefit"] for w in beneficiaries), default=F(0)),
    }


OUTPUTS = ["payroll", "dividend_pool", "beneficiaries", "allocated", "unallocated",
           "benefits_total", "unused_allocation", "banked_hours_total", "largest_benefit"]
MONEY = {"payroll", "dividend_pool", "allocated", "unallocated", "benefits_total",
         "unused_allocation", "largest_benefit"}
DECIMAL = {"banked_hours_total"}


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
        out = firm(r, as_of)
        lines.append(",".join([r["id"]] + [format_value(n, out[n]) for n in OUTPUTS]))
    return "\n".join(lines) + "\n"


# ---- The worked examples of the policy file, copied by hand ----
def W(hours, wage, dependants=0, health="0"):
    return {"weekly_hours": hours, "hourly_wage": wage, "dependants": dependants, "health_costs": health}


THREE = [W("40", "25.00")] * 3
WORKED_EXAMPLES = [
    ("retirement match, three equal workers", "2027-03-31",
     {"efficiency_gain": "10%", "dividend_form": "retirement_match", "workers": THREE},
     {"payroll": "156000.00", "dividend_pool": "3120.00", "beneficiaries": "3",
      "allocated": "3120.00", "unallocated": "0.00", "benefits_total": "3120.00",
      "unused_allocation": "0.00", "banked_hours_total": "0", "largest_benefit": "1040.00"}),
    ("the same firm under the 2026 dividend share", "2026-12-31",
     {"efficiency_gain": "10%", "dividend_form": "retirement_match", "workers": THREE},
     {"dividend_pool": "2496.00", "largest_benefit": "832.00"}),
    ("care subsidy, pool at the cap", "2027-03-31",
     {"efficiency_gain": "20%", "dividend_form": "care_subsidy",
      "workers": [W("40", "25.00", 2), W("30", "20.00")]},
     {"payroll": "83200.00", "dividend_pool": "2496.00", "beneficiaries": "1",
      "allocated": "2496.00", "benefits_total": "2496.00", "unused_allocation": "0.00"}),
    ("shorter week, banked hours limited by the allocation", "2027-03-31",
     {"efficiency_gain": "8%", "dividend_form": "shorter_week",
      "workers": [W("40", "20.00"), W("40", "20.00")]},
     {"dividend_pool": "1248.00", "beneficiaries": "2", "banked_hours_total": "62",
      "benefits_total": "1240.00", "unused_allocation": "8.00"}),
    ("gain exactly at the threshold", "2027-03-31",
     {"efficiency_gain": "2%", "dividend_form": "health_share", "workers": []},
     {"payroll": "0.00", "dividend_pool": "0.00", "beneficiaries": "0", "unallocated": "0.00",
      "largest_benefit": "0.00"}),
]


def check_worked_examples() -> bool:
    ok = True
    for name, as_of, r, expect in WORKED_EXAMPLES:
        out = firm(r, D.fromisoformat(as_of))
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
