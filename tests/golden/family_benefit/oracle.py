#!/usr/bin/python3
"""Independent oracle for the family-benefit golden case.

This script is NOT part of pol and does not read examples/family_benefit.pol. It restates the
Family Care Benefit Act 2025 encoded there (sections 3 to 7, as written in the comments of the
policy file and in docs/policies/family_benefit.md) in plain Python with exact rational
arithmetic (fractions.Fraction) and explicit rounding, and is used only to produce and re-check
tests/golden/family_benefit/expected.csv. If the statute changes, change this file by hand from
the statute's text, never from pol's output.

    /usr/bin/python3 tests/golden/family_benefit/oracle.py            # print the CSV
    /usr/bin/python3 tests/golden/family_benefit/oracle.py --write    # rewrite expected.csv
    /usr/bin/python3 tests/golden/family_benefit/oracle.py --check    # compare, exit 1 if different

Run from anywhere. It also re-computes the worked examples (the `test` blocks of the policy file)
and fails if one of their hand-written expectations disagrees.

pol divides exactly to 20 decimal places (half-even). The only division of the Act is the
monthly instalment (annual benefit / 12); the oracle computes it both exactly and with the
quotient rounded to 20 places, and refuses to go on if the two ever round to different cents.
"""

import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "examples" / "data" / "family_benefit.jsonl"
AS_OF_FILE = REPO / "examples" / "data" / "family_benefit.as_of"
EXPECTED = HERE / "expected.csv"

D = Fraction
CENT = D(1, 100)

# ---- The statute's parameters (FCB Act) ----
MAXIMUM_CHILD_AGE = 17                  # s.3(1)
MINIMUM_ELDER_AGE = 65                  # s.3(2)
YOUNG_CHILD_MAXIMUM_AGE = 5             # s.5(1)(a)
SCHOOL_CHILD_MAXIMUM_AGE = 13           # s.5(1)(b)
# s.5(1)(a)-(c); FCB (Indexation) Order 2025 art.2: (from, young 0-5, school 6-13, teen 14-17)
CHILD_AMOUNT_STEPS = [
    (datetime.date(2025, 1, 1), D("2400.00"), D("1800.00"), D("1500.00")),
    (datetime.date(2026, 1, 1), D("2520.00"), D("1890.00"), D("1575.00")),
]
ELDERCARE_AMOUNT = D("3120.00")         # s.5(2)
SUPPLEMENT = D("600.00")                # s.5(3)
INCOME_THRESHOLD_STEPS = [              # s.6(1); FCB (Indexation) Order 2025 art.3
    (datetime.date(2025, 1, 1), D("40000.00")),
    (datetime.date(2026, 1, 1), D("42000.00")),
]
TAPER_RATE = D(125, 1000)               # s.6(1): 12.5%
INSTALMENTS_PER_YEAR = 12               # s.7(1)

ROLES = {"adult", "child", "elder"}                                       # s.2(2)
ACTIVITIES = {"employed_full_time", "part_time", "in_training", "self_employed",
              "not_working"}                                              # s.2(3)
CARE_AND_WORK_ACTIVITIES = {"part_time", "in_training", "self_employed"}  # s.5(3)


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
def person(p: dict, as_of: datetime.date) -> dict:
    role = p["role"]
    age = p["age"]
    activity = p.get("activity", "not_working")       # s.2(3), default
    needs_care = p.get("needs_care", False)
    earnings = parse_money(p.get("annual_earnings", 0))
    assert role in ROLES and activity in ACTIVITIES, p
    assert isinstance(age, int) and isinstance(needs_care, bool)

    eligible_child = role == "child" and age <= MAXIMUM_CHILD_AGE                  # s.3(1)
    eligible_elder = role == "elder" and age >= MINIMUM_ELDER_AGE and needs_care   # s.3(2)

    _, young, school, teen = in_force(CHILD_AMOUNT_STEPS, as_of)
    if not eligible_child:                                                          # s.5(1)
        child_amount = D(0)
    elif age <= YOUNG_CHILD_MAXIMUM_AGE:
        child_amount = young
    elif age <= SCHOOL_CHILD_MAXIMUM_AGE:
        child_amount = school
    else:
        child_amount = teen
    elder_amount = ELDERCARE_AMOUNT if eligible_elder else D(0)                     # s.5(2)
    combines = role == "adult" and activity in CARE_AND_WORK_ACTIVITIES            # s.5(3)
    countable = max(earnings, D(0))                                                 # s.6(2)(a)
    return {"role": role, "eligible_child": eligible_child, "eligible_elder": eligible_elder,
            "child_amount": child_amount, "elder_amount": elder_amount,
            "combines": combines, "countable": countable}


def household(h: dict, as_of: datetime.date) -> dict:
    people = [person(p, as_of) for p in h.get("members") or []]
    other = parse_money(h.get("other_annual_income", 0))

    # s.4(1)-(2): an adult and a qualifying dependant; activity never matters.
    eligible = (any(p["role"] == "adult" for p in people)
                and any(p["eligible_child"] or p["eligible_elder"] for p in people))
    children = sum(1 for p in people if p["eligible_child"]) if eligible else 0
    elders = sum(1 for p in people if p["eligible_elder"]) if eligible else 0

    # s.5(3), s.5(4)
    supplement = SUPPLEMENT if eligible and any(p["combines"] for p in people) else D(0)
    gross = (sum((p["child_amount"] + p["elder_amount"] for p in people), D(0)) + supplement
             if eligible else D(0))

    # s.6
    income = sum((p["countable"] for p in people), D(0)) + other
    _, threshold = in_force(INCOME_THRESHOLD_STEPS, as_of)
    excess = max(income - threshold, D(0))
    reduction = min(floor_to(excess * TAPER_RATE, CENT), gross)
    annual = gross - reduction

    # s.7(2): one twelfth, to the cent, half-even
    monthly = round_half_even(annual / INSTALMENTS_PER_YEAR, CENT)
    monthly_pol = round_half_even(pol_divide(annual, D(INSTALMENTS_PER_YEAR)), CENT)
    if monthly != monthly_pol:
        raise AssertionError(f"20-place division changes the cent for {annual}: choose other data")

    return {"eligible": eligible, "eligible_children": children, "eligible_elders": elders,
            "care_and_work_supplement": supplement, "gross_annual_benefit": gross,
            "household_income": income, "taper_reduction": reduction,
            "annual_benefit": annual, "monthly_benefit": monthly}


OUTPUTS = ["eligible", "eligible_children", "eligible_elders", "care_and_work_supplement",
           "gross_annual_benefit", "household_income", "taper_reduction", "annual_benefit",
           "monthly_benefit"]
MONEY_OUTPUTS = {"care_and_work_supplement", "gross_annual_benefit", "household_income",
                 "taper_reduction", "annual_benefit", "monthly_benefit"}


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
def A(age, activity, earnings="0.00"):
    return {"role": "adult", "age": age, "activity": activity, "annual_earnings": earnings}


def C(age):
    return {"role": "child", "age": age}


PART_TIME_PARENT = {"members": [A(34, "part_time", "38000.00"), C(4), C(9)]}

WORKED_EXAMPLES = [
    ("part-time parent with two children, under the threshold", "2026-03-01", PART_TIME_PARENT,
     {"eligible": "true", "eligible_children": "2", "eligible_elders": "0",
      "care_and_work_supplement": "600.00", "gross_annual_benefit": "5010.00",
      "household_income": "38000.00", "taper_reduction": "0.00", "annual_benefit": "5010.00",
      "monthly_benefit": "417.50"}),
    ("the same household under the 2025 amounts", "2025-06-01", PART_TIME_PARENT,
     {"gross_annual_benefit": "4800.00", "monthly_benefit": "400.00"}),
    ("full-time earners keep the benefit, tapered", "2026-03-01",
     {"other_annual_income": "984.48",
      "members": [A(45, "employed_full_time", "45000.00"), A(43, "employed_full_time", "5000.00"),
                  C(14), {"role": "elder", "age": 80, "needs_care": True}]},
     {"eligible": "true", "eligible_children": "1", "eligible_elders": "1",
      "care_and_work_supplement": "0.00", "gross_annual_benefit": "4695.00",
      "household_income": "50984.48", "taper_reduction": "1123.06", "annual_benefit": "3571.94",
      "monthly_benefit": "297.66"}),
    ("a self-employment loss counts as nil; the reduction is rounded down", "2026-03-01",
     {"members": [A(38, "self_employed", "-4000.00"), A(36, "in_training", "50000.03"), C(6)]},
     {"household_income": "50000.03", "taper_reduction": "1000.00", "annual_benefit": "1490.00",
      "monthly_benefit": "124.17"}),
    ("no qualifying dependant", "2026-03-01",
     {"members": [A(50, "not_working"), C(18), {"role": "elder", "age": 70, "needs_care": False}]},
     {"eligible": "false", "eligible_children": "0", "eligible_elders": "0",
      "gross_annual_benefit": "0.00", "taper_reduction": "0.00", "monthly_benefit": "0.00"}),
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
