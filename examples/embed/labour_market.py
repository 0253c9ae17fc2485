"""The labour-market simulator of labour_market.cpp, in Python with the `pol` module (smaller).

    PYTHONPATH=build/bindings/python python3 examples/embed/labour_market.py [PEOPLE [MONTHS]]

(2,000 people and 24 months by default.)
Week by week, people lose and find jobs (a recession in the middle of the months shown); each
month every unemployed person is evaluated against examples/unemployment_insurance.pol with
program.evaluate_many, the State's insured unemployment rate by week (computed from the
simulation) passed as context. Amounts are decimal.Decimal, summed exactly. A 36-month calm
warm-up first builds the history the extended-benefit trigger looks back on.
"""
import datetime
import decimal
import pathlib
import random
import sys

import pol

D = decimal.Decimal
REASONS = ["layoff", "end_of_contract", "good_cause_quit", "voluntary_quit", "misconduct"]
people_count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
months = int(sys.argv[2]) if len(sys.argv) > 2 else 24
program = pol.compile_file(pathlib.Path(__file__).resolve().parents[1] / "unemployment_insurance.pol")
rng = random.Random(20260101)


class Person:
    def __init__(self):
        self.wage = D(rng.randrange(35000, 200000)) / 100       # weekly wage, exact
        self.quarters = [D(0)] + [13 * self.wage] * 4            # [in progress, last 4 completed]
        self.worked = [True] * 52                                # the last 52 weeks, newest last
        self.employed, self.reason, self.claim = True, "layoff", None
        self.dependants = rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 2, 3])


def cycle(shown):  # weekly separation and hiring probabilities, layoff share
    if 0.15 <= shown / months < 0.45:
        return 0.0043, 0.033, 0.65
    return (0.0017, 0.07, 0.40) if shown / months >= 0.45 else (0.002, 0.05, 0.40)


people = [Person() for _ in range(people_count)]
iur = {}                                        # "2027-W05" -> Decimal rate, published weekly
monday = datetime.date(2024, 1, 1)
print(f"{'month':7}  {'unemp.':>6}  {'claimants':>9}  {'regular':>13}  {'extended':>11}  EB")
for m in range(-36, months):
    year, month = 2027 + (m // 12), m % 12 + 1
    jobless = [p for p in people if not p.employed]
    rate = (D(len(jobless)) / people_count).quantize(D("0.0001"))
    households = [{"region_unemployment_rate": rate, "members": [{
        "employed": False, "separation_reason": p.reason, "dependants": p.dependants,
        "weeks_worked_last_52": p.claim["weeks"], "highest_quarter_wages": p.claim["hq"],
        "regular_weeks_paid": p.claim["regular"], "extended_weeks_paid": p.claim["extended"]}]}
        for p in jobless]
    results = program.evaluate_many(households, as_of=monday,
                                    context={"insured_unemployment_rate": dict(iur)})
    eb_on = False
    for p, r in zip(jobless, results):
        if isinstance(r, pol.PolError):
            raise r
        p.claim.update(weekly=r["total_weekly_benefit"], duration=r["max_benefit_weeks"],
                       extended_left=r["total_extended_benefit"], eligible=r["eligible_claimants"] > 0)
        eb_on = r["extended_benefit_period"]
    claimants = sum(1 for p in jobless if p.claim["eligible"])
    separation, hiring, layoffs = cycle(m)
    regular = extended = D(0)
    while monday.month == month:                # the weeks whose Monday falls in this month
        if monday.month != (monday - datetime.timedelta(7)).month and monday.month in (1, 4, 7, 10):
            for p in people:
                p.quarters = [D(0)] + p.quarters[:4]
        employed = insured = 0
        for p in people:
            if p.employed and rng.random() < separation:
                p.employed = False
                p.reason = "layoff" if rng.random() < layoffs else rng.choice(REASONS[1:])
                p.claim = {"weeks": sum(p.worked), "hq": max(p.quarters[1:]), "regular": 0, "extended": 0,
                           "eligible": False, "weekly": D(0), "duration": 0, "extended_left": D(0)}
            elif not p.employed and rng.random() < hiring:
                p.employed, p.claim = True, None
            p.worked = p.worked[1:] + [p.employed]
            if p.employed:
                employed += 1
                p.quarters[0] += p.wage
            elif p.claim["eligible"] and p.claim["regular"] < p.claim["duration"]:
                p.claim["regular"] += 1
                insured += 1
                regular += p.claim["weekly"]
            elif p.claim["eligible"] and p.claim["extended_left"] > 0:
                paid = min(p.claim["weekly"], p.claim["extended_left"])
                p.claim["extended"] += 1
                p.claim["extended_left"] -= paid
                extended += paid
        year_, week, _ = monday.isocalendar()
        iur[f"{year_}-W{week:02d}"] = (D(insured) / employed).quantize(D("0.0001"))
        monday += datetime.timedelta(7)
    if m >= 0:
        print(f"{year}-{month:02d}  {rate:6.2%}  {claimants:9}  {regular:13,.2f}  "
              f"{extended:11,.2f}  {'ON' if eb_on else 'off'}")
