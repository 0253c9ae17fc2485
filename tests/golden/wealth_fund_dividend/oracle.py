#!/usr/bin/python3
"""Independent oracle for the public-wealth-fund-dividend golden case.

This script is NOT part of pol and does not read examples/wealth_fund_dividend.pol. It restates
the Public Wealth Fund Act 2024 encoded there (sections 3 to 6, as written in the comments of
the policy file and in docs/policies/wealth_fund_dividend.md) in plain Python with exact rational
arithmetic (fractions.Fraction) and explicit rounding, and is used only to produce and re-check
tests/golden/wealth_fund_dividend/expected.csv. If the statute changes, change this file by hand
from the statute's text, never from pol's output.

    /usr/bin/python3 tests/golden/wealth_fund_dividend/oracle.py            # print the CSV
    /usr/bin/python3 tests/golden/wealth_fund_dividend/oracle.py --write    # rewrite expected.csv
    /usr/bin/python3 tests/golden/wealth_fund_dividend/oracle.py --check    # compare, exit 1 if different

It also re-computes the worked examples (the `test` blocks of the policy file) and fails if one
of their hand-written expectations disagrees.

pol divides exactly to 20 decimal places (half-even). The only division of the Act is the pool
divided by the eligible population (s.4(3)); the oracle computes it both exactly and with the
quotient rounded to 20 places, and refuses to go on if the two ever round to different cents.
"""

import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "examples" / "data" / "wealth_fund_dividend.jsonl"
AS_OF_FILE = REPO / "examples" / "data" / "wealth_fund_dividend.as_of"
EXPECTED = HERE / "expected.csv"

D = Fraction
CENT = D(1, 100)

# ---- The statute's parameters (PWF Act) ----
MINIMUM_RESIDENCE_YEARS = 3                 # s.3(1)(b)
ADULT_AGE = 18                              # s.3(2), s.5(1)
# s.4(1)(a)-(d), PWF Certification Notices 2025 and 2026, PWF (Distribution Share) Order 2026:
# (from, fund value, annual return, distribution share, eligible population)
FUND_STEPS = [
    (datetime.date(2025, 7, 1), D("412000000000.00"), D(62, 1000), D(40, 100), 5160000),
    (datetime.date(2026, 7, 1), D("438000000000.00"), D(58, 1000), D(45, 100), 5179000),
]
CHILD_SHARE = D(50, 100)                    # s.5(2)
OFFSET_THRESHOLD = D("20000.00")            # s.6(1)
OFFSET_RATE_STEPS = [                       # s.6(1); Capital Rebalancing Act 2026 s.3
    (datetime.date(2025, 7, 1), D(10, 100)),
    (datetime.date(2026, 7, 1), D(15, 100)),
]


# ---- Rounding ----
def floor_to(x: Fraction, unit: Fraction) -> Fraction:
    q = x / unit
    return (q.numerator // q.denominator) * unit


def round_half_even(x: Fraction, unit: Fraction) -> Fraction:
    q = x / unit
    fl = q.numerator // q.denominator
    rest = q - fl
    if rest > D(1, 2) or (rest == D(1, 2) and fl % 2 == 1):
        fl += 1
    return fl * unit


def round_half_up(x: Fraction, unit: Fraction) -> Fraction:
    """To the nearest multiple of unit, an exact half going away from zero."""
    sign = -1 if x < 0 else 1
    q = abs(x) / unit
    fl = q.numerator // q.denominator
    if q - fl >= D(1, 2):
        fl += 1
    return sign * fl * unit


def pol_divide(a: Fraction, b: Fraction) -> Fraction:
    """Division as pol performs it: the exact quotient rounded half-even to 20 decimal places."""
    return round_half_even(a / b, D(1, 10**20))


# ---- Reading the households ----
def parse_money(v) -> Fraction:
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return D(v)
    text = str(v).strip()
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:]
    if text.startswith("$"):
        text = text[1:]
    if text.startswith("-"):
        sign, text = -sign, text[1:]
    whole, dot, frac = text.partition(".")
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:]), f"bad thousands separators in {v!r}"
    return sign * D("".join(groups) + dot + frac)


def load_households(path: Path):
    with open(path, encoding="utf-8") as f:
        # JSON numbers are kept as their exact decimal text, never as binary floats.
        return [json.loads(line, parse_float=Fraction, parse_int=int) for line in f if line.strip()]


def in_force(steps, as_of):
    found = [s for s in steps if s[0] <= as_of]
    if not found:
        raise ValueError(f"no value in force on {as_of}")
    return found[-1]


# ---- The statute, section by section ----
def dividend_per_share(as_of: datetime.date) -> Fraction:
    _, value, ret, share, population = in_force(FUND_STEPS, as_of)
    pool = value * ret * share                                   # s.4(2)
    exact = floor_to(pool / population, CENT)                    # s.4(3): rounded down
    via_pol = floor_to(pol_divide(pool, D(population)), CENT)
    if exact != via_pol:
        raise AssertionError("20-place division changes the cent of the dividend per share")
    return exact


def person(p: dict, per_share: Fraction) -> dict:
    age = p["age"]
    resident = p.get("resident", True)
    years = p["years_of_residence"]
    capital = parse_money(p.get("capital_income", 0))
    assert isinstance(age, int) and isinstance(years, int) and isinstance(resident, bool), p

    # s.3(1)-(2)
    eligible = resident and (years >= MINIMUM_RESIDENCE_YEARS or (age < ADULT_AGE and years >= age))
    # s.5(1)-(2)
    if not eligible:
        dividend = D(0)
    elif age >= ADULT_AGE:
        dividend = per_share
    else:
        dividend = round_half_even(per_share * CHILD_SHARE, CENT)
    return {"eligible": eligible, "dividend": dividend, "capital": capital}


def household(h: dict, as_of: datetime.date) -> dict:
    per_share = dividend_per_share(as_of)
    people = [person(p, per_share) for p in h.get("members") or []]
    eligible_members = sum(1 for p in people if p["eligible"])           # s.5(3)(a)
    dividend = sum((p["dividend"] for p in people), D(0))                # s.5(3)(b)
    capital = sum((p["capital"] for p in people), D(0))                  # s.6(2)
    _, rate = in_force(OFFSET_RATE_STEPS, as_of)
    excess = max(capital - OFFSET_THRESHOLD, D(0))                       # s.6(1)
    offset = min(round_half_up(excess * rate, CENT), dividend)           # s.6(1), (3)
    return {"dividend_per_share": per_share, "eligible_members": eligible_members,
            "household_dividend": dividend, "household_capital_income": capital,
            "offset": offset, "net_dividend": dividend - offset}         # s.6(4)


OUTPUTS = ["dividend_per_share", "eligible_members", "household_dividend",
           "household_capital_income", "offset", "net_dividend"]
MONEY_OUTPUTS = {"dividend_per_share", "household_dividend", "household_capital_income", "offset",
                 "net_dividend"}


# ---- Writing ----
def format_money(x: Fraction) -> str:
    """Exact decimal text with at least two decimals; refuses a value that is not a finite decimal."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    places = 2
    while (x * 10**places).denominator != 1:
        places += 1
        if places > 40:
            raise ValueError(f"{x} is not a finite decimal")
    digits = str(int(x * 10**places)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def format_value(name: str, v) -> str:
    if name in MONEY_OUTPUTS:
        return format_money(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def render(households, as_of) -> str:
    lines = [",".join(["id"] + OUTPUTS)]
    for h in households:
        out = household(h, as_of)
        lines.append(",".join([str(h["id"])] + [format_value(n, out[n]) for n in OUTPUTS]))
    return "\n".join(lines) + "\n"


# ---- The worked examples of the policy file, re-computed ----
def P(age, years, capital="0.00", resident=True):
    return {"age": age, "years_of_residence": years, "capital_income": capital, "resident": resident}


FAMILY = {"members": [P(41, 20, "1200.00"), P(39, 12), P(7, 7)]}

WORKED_EXAMPLES = [
    ("two adults and a child, no offset", "2026-07-01", FAMILY,
     {"dividend_per_share": "2207.33", "eligible_members": "3", "household_dividend": "5518.32",
      "household_capital_income": "1200.00", "offset": "0.00", "net_dividend": "5518.32"}),
    ("the same household in the 2025-26 distribution year", "2026-06-30", FAMILY,
     {"dividend_per_share": "1980.15", "household_dividend": "4950.38",
      "net_dividend": "4950.38"}),
    ("capital income above the threshold", "2026-07-01",
     {"members": [P(52, 30, "30000.30"), P(50, 2), P(4, 3), P(23, 10, resident=False)]},
     {"eligible_members": "2", "household_dividend": "3310.99",
      "household_capital_income": "30000.30", "offset": "1500.05", "net_dividend": "1810.94"}),
    ("the offset never makes the dividend negative", "2026-07-01",
     {"members": [P(67, 40, "45000.00")]},
     {"household_dividend": "2207.33", "offset": "2207.33", "net_dividend": "0.00"}),
]


def check_worked_examples() -> bool:
    ok = True
    for name, as_of, h, expect in WORKED_EXAMPLES:
        out = household(h, datetime.date.fromisoformat(as_of))
        for key, want in expect.items():
            got = format_value(key, out[key])
            if got != want:
                print(f"worked example {name!r}: {key} is {got}, the policy file says {want}",
                      file=sys.stderr)
                ok = False
    return ok


def main(argv) -> int:
    as_of = datetime.date.fromisoformat(AS_OF_FILE.read_text().strip())
    text = render(load_households(DATA), as_of)
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
