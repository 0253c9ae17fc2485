#!/usr/bin/python3
"""Independent oracle for the unemployment-insurance golden case.

This script is NOT part of pol and does not read examples/unemployment_insurance.pol. It restates
the Unemployment Insurance Act encoded there (sections 3 to 10, as written in the comments of the
policy file) in plain Python with exact rational arithmetic (fractions.Fraction) and explicit
rounding, and is used only to produce and re-check tests/golden/unemployment_insurance/expected.csv.
If the statute in the .pol file changes, change this file by hand from the statute's text, never
from pol's output.

    /usr/bin/python3 tests/golden/unemployment_insurance/oracle.py            # print the CSV
    /usr/bin/python3 tests/golden/unemployment_insurance/oracle.py --write    # rewrite expected.csv
    /usr/bin/python3 tests/golden/unemployment_insurance/oracle.py --check    # compare, exit 1 if different

Run from the repository root. It also re-computes the worked examples (the `test` blocks of the
policy file) and fails if one of their hand-written expectations disagrees.

pol divides exactly to 20 decimal places (half-even) and is otherwise exact. The oracle computes
every weekly amount twice, once with exact rationals and once with the quotient by 13 rounded to
20 places as pol does, and refuses to go on if the two ever round to different cents: the
expected values then hold whichever way an implementation performs the division.
"""

import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "examples" / "data" / "unemployment_insurance.jsonl"
AS_OF_FILE = REPO / "examples" / "data" / "unemployment_insurance.as_of"
EXPECTED = HERE / "expected.csv"

# ---- The statute's parameters (UI Act) ----
MINIMUM_WEEKS_WORKED = 20                        # s.3(1)(c)
MINIMUM_HIGH_QUARTER_WAGES = Fraction("1500.00")  # s.3(1)(d)
REPLACEMENT_RATE_STEPS = [                       # s.4(2); UI (Amendment) Act 2025 s.2
    (datetime.date(2024, 1, 1), Fraction(50, 100)),
    (datetime.date(2026, 1, 1), Fraction(55, 100)),
]
MINIMUM_WEEKLY_BENEFIT = Fraction("150.00")      # s.4(3)
ALLOWANCE_PER_DEPENDANT = Fraction("25.00")      # s.5(1)
MAXIMUM_DEPENDANTS = 4                           # s.5(2)
MAXIMUM_WEEKLY_BENEFIT = Fraction("600.00")      # s.6
FULL_DURATION_WORK_REQUIREMENT = 39              # s.7(1)
FULL_DURATION_WEEKS = 26                         # s.7(1)
REDUCED_DURATION_WEEKS = 20                      # s.7(2)
EXTENSION_TRIGGER = Fraction(65, 1000)           # s.8(1)
EXTENSION_WEEKS = 13                             # s.8(2)
EB_THRESHOLD = Fraction(5, 100)                  # s.11(1)(a)
EB_LOOKBACK_RATIO = Fraction(120, 100)           # s.11(1)(b)
EB_OPTIONAL_THRESHOLD = Fraction(6, 100)         # s.11(2)
EB_HIGH_UNEMPLOYMENT = Fraction(8, 100)          # s.13(2): from this 13-week rate, 80% / 20 weeks
CONTEXT = REPO / "examples" / "data" / "unemployment_insurance.context.json"

QUALIFYING_SEPARATIONS = {"layoff", "end_of_contract", "good_cause_quit"}  # s.3(2)
ALL_SEPARATIONS = QUALIFYING_SEPARATIONS | {"voluntary_quit", "misconduct"}

CENT = Fraction(1, 100)


# ---- Rounding ----
def round_half_even(x: Fraction, unit: Fraction) -> Fraction:
    """x rounded to a multiple of unit, an exact tie going to the even multiple."""
    q = x / unit
    floor = q.numerator // q.denominator
    rest = q - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        floor += 1
    return floor * unit


def pol_divide(a: Fraction, b: Fraction) -> Fraction:
    """Division as pol performs it: the exact quotient rounded half-even to 20 decimal places."""
    return round_half_even(a / b, Fraction(1, 10**20))


# ---- Reading the households ----
def parse_money(v) -> Fraction:
    if isinstance(v, (int, float)):
        raise TypeError("numbers must reach the oracle as their JSON text (see load_households)")
    text = str(v).strip()
    if text.startswith("$"):
        text = text[1:]
    whole, dot, fraction = text.partition(".")
    groups = whole.split(",")
    assert all(len(g) == 3 for g in groups[1:]), f"bad thousands separators in {v!r}"
    return Fraction("".join(groups) + dot + fraction)


def parse_rate(v) -> Fraction:
    text = str(v).strip()
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100
    return Fraction(text)


def load_households(path: Path):
    households = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            # JSON numbers are kept as their exact decimal text, never as binary floats.
            households.append(json.loads(line, parse_float=Fraction, parse_int=int))
    return households


def money_of(v) -> Fraction:
    return v if isinstance(v, Fraction) else Fraction(v) if isinstance(v, int) else parse_money(v)


def floor_to_cent(x: Fraction) -> Fraction:
    q = x / CENT
    return (q.numerator // q.denominator) * CENT


# ---- Extended benefits: the State trigger (s.11-12) ----
WEEK = datetime.timedelta(days=7)


def week_monday(d: datetime.date) -> datetime.date:
    """The Monday of the ISO week of d; week arithmetic is then whole multiples of 7 days."""
    return d - datetime.timedelta(days=d.weekday())


def week_label(monday: datetime.date) -> str:
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"


def load_context(path: Path) -> dict:
    data = json.loads(path.read_text(), parse_float=Fraction)
    assert set(data) <= {"insured_unemployment_rate"}, set(data)
    return {k: parse_rate(v) for k, v in data.get("insured_unemployment_rate", {}).items()}


def iur(series: dict, w: datetime.date) -> Fraction:
    return series.get(week_label(w), Fraction(0))     # s.2(10): a week not given counts as 0%


def avg13(series: dict, w: datetime.date) -> Fraction:
    """s.11(3): the average of the 13 weeks w-13 .. w-1. Computed exactly and as pol does it
    (the quotient by 13 rounded half-even to 20 places); the two must give the same answers to
    every comparison the Act makes, which eb_indicator_on checks."""
    return sum((iur(series, w - k * WEEK) for k in range(1, 14)), Fraction(0)) / 13


def eb_indicator_on(series: dict, w: datetime.date) -> bool:
    def decide(avg):
        current = avg(w)
        prior = (avg(w - 52 * WEEK) + avg(w - 104 * WEEK)) / 2          # s.11(4)
        return current >= EB_OPTIONAL_THRESHOLD or (
            current >= EB_THRESHOLD and current >= EB_LOOKBACK_RATIO * prior)  # s.11(1)-(2)
    exact = decide(lambda x: avg13(series, x))
    as_pol = decide(lambda x: pol_divide(sum((iur(series, x - k * WEEK) for k in range(1, 14)),
                                            Fraction(0)), Fraction(13)))
    if exact != as_pol:
        raise AssertionError(f"20-place division changes the indicator for {week_label(w)}")
    return exact


def eb_turns_off(series, w):                       # s.12(1)
    return not eb_indicator_on(series, w) and eb_indicator_on(series, w - WEEK)


def eb_trigger_week(series, w):                    # s.12(2)
    return eb_indicator_on(series, w) and not any(eb_turns_off(series, w - k * WEEK) for k in range(1, 13))


def eb_period_begins(series, w):                   # s.12(3)
    return eb_trigger_week(series, w) and not eb_trigger_week(series, w - WEEK)


def eb_period_in_force(series, w):                 # s.12(4)
    return eb_trigger_week(series, w) or any(eb_period_begins(series, w - k * WEEK) for k in range(1, 13))


def federal_state_machine(series, first: datetime.date, last: datetime.date) -> dict:
    """For comparison only (not the Act): the federal rule with memory, stepping week by week
    from `first` (assumed outside any period): a period starts on an "on" week no sooner than the
    14th week after the previous period's end, lasts at least 13 weeks, and ends with the first
    "off" week after that. Same indicator and the same one-week lag as the Act."""
    state, started, ended, out = False, None, None, {}
    w = first
    while w <= last:
        on = eb_indicator_on(series, w)
        if state:
            if not on and (w - started) >= 13 * WEEK:
                state, ended = False, w - WEEK
        elif on and (ended is None or (w - ended) >= 14 * WEEK):
            state, started = True, w
        out[w] = state
        w += WEEK
    return out


# ---- The statute, section by section ----
def replacement_rate(as_of: datetime.date) -> Fraction:
    in_force = [rate for start, rate in REPLACEMENT_RATE_STEPS if start <= as_of]
    if not in_force:
        raise ValueError(f"no replacement rate in force on {as_of}")
    return in_force[-1]


def person(p: dict, extension_in_force: bool, as_of: datetime.date, eb=None) -> dict:
    employed = p["employed"]
    reason = p["separation_reason"]
    assert reason in ALL_SEPARATIONS, reason
    weeks = p["weeks_worked_last_52"]
    hq = money_of(p["highest_quarter_wages"])
    dependants = p.get("dependants", 0)
    assert isinstance(employed, bool) and isinstance(weeks, int) and isinstance(dependants, int)

    # s.3
    qualifying_separation = reason in QUALIFYING_SEPARATIONS
    eligible = (not employed and qualifying_separation and weeks >= MINIMUM_WEEKS_WORKED
                and hq >= MINIMUM_HIGH_QUARTER_WAGES)

    # s.4(1): hq / 13 x replacement rate, to the cent, half-even
    rate = replacement_rate(as_of)
    basic_exact = round_half_even(hq / 13 * rate, CENT)
    basic_pol = round_half_even(pol_divide(hq, Fraction(13)) * rate, CENT)
    if basic_exact != basic_pol:
        raise AssertionError(f"20-place division changes the cent for wages {hq}: choose other data")
    basic = basic_exact
    # s.4(3): floor on the basic amount
    floored = max(basic, MINIMUM_WEEKLY_BENEFIT)
    # s.5: dependant allowance, at most MAXIMUM_DEPENDANTS dependants
    allowance = ALLOWANCE_PER_DEPENDANT * min(dependants, MAXIMUM_DEPENDANTS)
    # s.6: the cap applies to floored basic amount + allowance
    weekly = min(floored + allowance, MAXIMUM_WEEKLY_BENEFIT) if eligible else Fraction(0)

    # s.7 and s.8(2)
    regular = FULL_DURATION_WEEKS if weeks >= FULL_DURATION_WORK_REQUIREMENT else REDUCED_DURATION_WEEKS
    benefit_weeks = regular + (EXTENSION_WEEKS if extension_in_force else 0) if eligible else 0

    # s.9
    potential = weekly * benefit_weeks

    # s.13-14: extended benefits
    eb_in_force, rate13 = eb if eb is not None else (False, Fraction(0))
    paid_regular = p.get("regular_weeks_paid", 0)
    paid_extended = p.get("extended_weeks_paid", 0)
    exhausted = eligible and paid_regular >= benefit_weeks
    share, max_weeks = (Fraction(80, 100), 20) if rate13 >= EB_HIGH_UNEMPLOYMENT else (Fraction(50, 100), 13)
    if eligible:
        share_amount = floor_to_cent(weekly * regular * share)
        account = min(share_amount, weekly * max_weeks)
    else:
        account = Fraction(0)
    payable = max(account - weekly * paid_extended, Fraction(0)) if (exhausted and eb_in_force) else Fraction(0)

    return {"eligible": eligible, "basic": basic, "floored": floored, "allowance": allowance,
            "weekly": weekly, "weeks": benefit_weeks, "potential": potential,
            "exhausted": exhausted, "account": account, "eb_payable": payable}


def household(h: dict, as_of: datetime.date, series=None) -> dict:
    if "as_of" in h:
        as_of = datetime.date.fromisoformat(h["as_of"])
    rate = parse_rate(h["region_unemployment_rate"])
    extension_in_force = rate >= EXTENSION_TRIGGER  # s.8(1)
    series = series if series is not None else {}
    w = week_monday(as_of)
    eb = (eb_period_in_force(series, w), avg13(series, w))
    people = [person(p, extension_in_force, as_of, eb) for p in h["members"]]
    eligible = [p for p in people if p["eligible"]]
    # s.10
    return {
        "total_weekly_benefit": sum((p["weekly"] for p in people), Fraction(0)),
        "eligible_claimants": len(eligible),
        "max_benefit_weeks": max((p["weeks"] for p in eligible), default=0),
        "extension_on": extension_in_force,
        "total_potential_benefit": sum((p["potential"] for p in people), Fraction(0)),
        "extended_benefit_period": eb[0],
        "extended_claimants": sum(1 for p in people if p["eb_payable"] > 0),
        "total_extended_benefit": sum((p["eb_payable"] for p in people), Fraction(0)),
    }


OUTPUTS = ["total_weekly_benefit", "eligible_claimants", "max_benefit_weeks", "extension_on",
           "total_potential_benefit", "extended_benefit_period", "extended_claimants",
           "total_extended_benefit"]
MONEY_OUTPUTS = {"total_weekly_benefit", "total_potential_benefit", "total_extended_benefit"}


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
    scaled = int(x * 10**places)
    digits = str(scaled).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def format_value(name: str, v) -> str:
    if name in MONEY_OUTPUTS:
        return format_money(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def render(households, as_of, series) -> str:
    lines = [",".join(["id"] + OUTPUTS)]
    for h in households:
        out = household(h, as_of, series)
        lines.append(",".join([h["id"]] + [format_value(n, out[n]) for n in OUTPUTS]))
    return "\n".join(lines) + "\n"


# ---- The worked examples of the policy file, re-computed ----
def L(layoff_like="layoff", employed=False, weeks=30, hq="9100.00", dependants=0):
    return {"employed": employed, "separation_reason": layoff_like, "weeks_worked_last_52": weeks,
            "highest_quarter_wages": hq, "dependants": dependants}


WORKED_EXAMPLES = [
    ("laid-off claimant under the cap, after the 2026 amendment", "2026-03-01",
     {"region_unemployment_rate": "5%", "members": [L()]},
     {"total_weekly_benefit": "385.00", "eligible_claimants": "1", "max_benefit_weeks": "20",
      "extension_on": "false", "total_potential_benefit": "7700.00"}),
    ("same claimant under the original 50% replacement rate", "2025-06-01",
     {"region_unemployment_rate": "5%", "members": [L()]},
     {"total_weekly_benefit": "350.00", "total_potential_benefit": "7000.00"}),
    ("extension at exactly the trigger rate, benefit exactly at the cap", "2026-03-01",
     {"region_unemployment_rate": "6.5%",
      "members": [L(weeks=45, hq="13000.00", dependants=2),
                  L("voluntary_quit", weeks=52, hq="11000.00")]},
     {"total_weekly_benefit": "600.00", "eligible_claimants": "1", "max_benefit_weeks": "39",
      "extension_on": "true", "total_potential_benefit": "23400.00"}),
    ("an exact half cent rounds to the even cent", "2026-03-01",
     {"region_unemployment_rate": "4.1%",
      "members": [L("end_of_contract", weeks=39, hq="6503.90", dependants=1)]},
     {"total_weekly_benefit": "300.16", "max_benefit_weeks": "26",
      "total_potential_benefit": "7804.16"}),
    ("no member entitled", "2026-03-01",
     {"region_unemployment_rate": "7.2%",
      "members": [L(employed=True, weeks=52, hq="12000.00"),
                  L("misconduct", weeks=40, hq="8000.00"),
                  L(weeks=19, hq="8000.00")]},
     {"total_weekly_benefit": "0.00", "eligible_claimants": "0", "max_benefit_weeks": "0",
      "extension_on": "true", "total_potential_benefit": "0.00"}),
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


def option(argv, name, default):
    return Path(argv[argv.index(name) + 1]) if name in argv else default


def main(argv) -> int:
    global EXPECTED
    as_of = datetime.date.fromisoformat(AS_OF_FILE.read_text().strip())
    series = load_context(option(argv, "--context", CONTEXT))
    EXPECTED = option(argv, "--expected", EXPECTED)
    if "--weeks" in argv:       # the trigger week by week, and the federal rule for comparison
        first, last = week_monday(datetime.date(2025, 1, 6)), week_monday(datetime.date(2026, 6, 29))
        fed = federal_state_machine(series, first, last)
        w = first
        while w <= last:
            a = avg13(series, w)
            p = (avg13(series, w - 52 * WEEK) + avg13(series, w - 104 * WEEK)) / 2
            act = eb_period_in_force(series, w)
            print(f"{week_label(w)} avg13={a} ({float(a):.6f}) prior={p} ratio={float(a / p) if p else 0:.4f} "
                  f"on={int(eb_indicator_on(series, w))} trigger={int(eb_trigger_week(series, w))} "
                  f"begins={int(eb_period_begins(series, w))} in_force={int(act)} federal={int(fed[w])}"
                  + ("   <-- differs" if act != fed[w] else ""))
            w += WEEK
        return 0
    text = render(load_households(DATA), as_of, series)
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
