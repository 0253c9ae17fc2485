"""The quickstart in Python: compile once, evaluate households given as dicts, read exact Decimals."""
import decimal
import pol

program = pol.compile_file("examples/unemployment_insurance.pol")  # raises pol.CompileError

household = {
    "region_unemployment_rate": "5%",
    "members": [{"employed": False, "separation_reason": "layoff", "weeks_worked_last_52": 45,
                 "highest_quarter_wages": decimal.Decimal("9100.00"), "dependants": 2,
                 "regular_weeks_paid": 26}],
}
# Context data: the insured unemployment rate by ISO week, 6.5% from 2023 to mid-2026.
weeks = {f"{year}-W{week:02d}": "6.5%" for year in (2023, 2024, 2025) for week in range(1, 53)}
weeks.update({f"2026-W{week:02d}": "6.5%" for week in range(1, 31)})
context = {"insured_unemployment_rate": weeks}

result = program.evaluate(household, as_of="2026-03-01", context=context)
for name, value in result.items():
    print(f"{name} = {value!r}")

# Many households at once: a failed record is an error object in the list, the rest go on.
results = program.evaluate_many([household, {"members": []}, dict(household, as_of="2025-12-01")],
                                as_of="2026-03-01", context=context)
for r in results:
    if isinstance(r, pol.PolError):
        print(f"{type(r).__name__}: record {r.record}: {r.message}")
    else:
        print("ok:", r["total_weekly_benefit"])
