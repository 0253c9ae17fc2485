"""Tests of the Python module pol (bindings/python/), run by ctest as `python -m pytest` with the
built package on PYTHONPATH."""

import csv
import datetime
import json
import os
import threading
from decimal import Decimal

import pandas
import pytest

import pol

SOURCE_DIR = os.environ.get("POL_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
UI_POLICY = os.path.join(SOURCE_DIR, "examples", "unemployment_insurance.pol")
UI_DATA = os.path.join(SOURCE_DIR, "examples", "data", "unemployment_insurance.jsonl")
UI_CONTEXT = os.path.join(SOURCE_DIR, "examples", "data", "unemployment_insurance.context.json")
UI_EXPECTED = os.path.join(SOURCE_DIR, "tests", "golden", "unemployment_insurance", "expected.csv")

# Every type in and out: inputs of each type on the household, a series and member outputs on
# its members.
TYPES_POLICY = """policy "Every type in and out"

enum Tenure { owner, renter }

entity Person {
  input age: integer
  input wages: money by quarter = $0
}

entity Household {
  input rent: money
  input share: rate
  input factor: decimal
  input adults: integer
  input moved_in: date
  input tenure: Tenure
  input single: boolean
  input label: text
  members: list of Person
}

output Household.rent_share: money = round(rent * share, to: $0.01, mode: half_even)
output Household.per_adult: money = round(rent / adults, to: $0.01, mode: half_even)
output Household.factor_twice: decimal = factor * 2
output Household.share_out: rate = share
output Household.adults_next: integer = adults + 1
output Household.review: date = add_days(moved_in, 10)
output Household.tenure_out: Tenure = tenure
output Household.not_single: boolean = not single
output Household.label_out: text = label
output Household.quarter_now: quarter = quarter_of(as_of)
output Household.third: decimal = 1 / 3
output Person.adult: boolean = age >= 18
output Person.last_year_wages: money = total(wages, from: quarter_of(as_of) - 4, to: quarter_of(as_of) - 1)
"""

# The context example of docs/records.md.
CONTEXT_POLICY = """policy "Context data, series inputs and member outputs"

entity Person {
  input age: integer
  input wages: money by quarter = $0
}
entity Household {
  members: list of Person
}

context {
  input state_unemployment_rate: rate
  input weekly_claims: integer by week = 0
}

rule Person.prior_year_wages: money =
  total(wages, from: quarter_of(as_of) - 4, to: quarter_of(as_of) - 1)
output Person.benefit: money =
  if age >= 18 and prior_year_wages < $10,000 then $100.00 else $0
output Household.total_benefit: money = sum(members.benefit)
output Household.extended: boolean = state_unemployment_rate >= 6%
output Household.claims_this_week: integer = weekly_claims[week_of(as_of)]
"""


@pytest.fixture(scope="module")
def types_program():
    return pol.compile(TYPES_POLICY, path="types.pol")


@pytest.fixture(scope="module")
def ui_program():
    return pol.compile_file(UI_POLICY)


def household(**overrides):
    h = {
        "rent": "$1,000.00",
        "share": "5%",
        "factor": "0.1",
        "adults": 2,
        "moved_in": "2025-12-25",
        "tenure": "renter",
        "single": False,
        "label": "Flat 3",
        "members": [
            {"age": 30, "wages": {"2025-Q1": "2000.00", "2025-Q4": "$7,999.99", "2026-Q1": "500.00"}},
            {"age": 12},
        ],
    }
    h.update(overrides)
    return h


def ui_records():
    with open(UI_DATA) as f:
        # JSON numbers (4200.5, 7800) as Decimal, never float.
        return {r["id"]: r for r in (json.loads(line, parse_float=Decimal) for line in f if line.strip())}


def ui_expected():
    with open(UI_EXPECTED, newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def ui_context():
    with open(UI_CONTEXT) as f:
        return json.load(f)


# --- Compiling ---------------------------------------------------------------------------------

def test_compile_error_carries_diagnostics_and_rendered_text():
    source = 'policy "broken"\n\nentity Household {\n  input rent: money\n}\n\noutput Household.x: money = rnet * 2\n'
    with pytest.raises(pol.CompileError) as info:
        pol.compile(source, path="broken.pol")
    error = info.value
    assert isinstance(error, pol.PolError)
    assert len(error.diagnostics) >= 1
    d = error.diagnostics[0]
    assert d.severity == "error"
    assert d.code.startswith("E")
    assert (d.file, d.line, d.column) == ("broken.pol", 7, 29)
    assert "rnet" in d.message
    assert "rent" in d.hint  # did you mean `rent`?
    assert d["code"] == d.code and d.as_dict()["line"] == 7
    text = str(error)
    assert text.startswith("broken.pol:7:29: error[%s]:" % d.code)
    assert "output Household.x: money = rnet * 2" in text
    assert "^^^^" in text


def test_compile_file_and_missing_file(ui_program):
    assert ui_program.title.startswith("Unemployment Insurance Act 2024")
    with pytest.raises(pol.CompileError) as info:
        pol.compile_file(os.path.join(SOURCE_DIR, "no_such_policy.pol"))
    assert info.value.diagnostics[0].severity == "error"


def test_default_path_is_string():
    with pytest.raises(pol.CompileError) as info:
        pol.compile('policy "x"\noutput Nowhere.y: money = $1\n')
    assert info.value.diagnostics[0].file == "<string>"
    assert str(info.value).startswith("<string>:2:")


def test_warnings_do_not_stop_compilation():
    program = pol.compile('policy "w"\nentity H {\n  input a: integer\n}\n'
                          'rule H.unused: integer = a + 1\noutput H.b: integer = a\n')
    assert [w.code for w in program.warnings] == ["W0101"]
    assert program.evaluate({"a": 4}, as_of="2026-01-01") == {"b": 4}


def test_schema(types_program, ui_program):
    outputs = {o["name"]: o for o in types_program.outputs}
    assert list(outputs)[:3] == ["rent_share", "per_adult", "factor_twice"]
    assert outputs["rent_share"]["type"] == "money" and outputs["rent_share"]["entity"] == "Household"
    assert outputs["adult"]["entity"] == "Person"
    assert outputs["tenure_out"]["type"] == "Tenure"
    inputs = types_program.inputs
    assert inputs["entity"] == "Household"
    assert inputs["inputs"]["share"]["type"] == "rate"
    assert inputs["inputs"]["tenure"]["values"] == ["owner", "renter"]
    person = inputs["collections"]["members"]
    assert person["entity"] == "Person"
    assert person["inputs"]["wages"] == {"type": "money by quarter", "has_default": True}
    assert types_program.context_inputs is None
    assert ui_program.context_inputs["inputs"]["insured_unemployment_rate"]["type"] == "rate by week"
    assert [o["citation"] for o in ui_program.outputs][0] == "UI Act s.10(a)"


# --- Values in and out -------------------------------------------------------------------------

def test_every_type_in_and_out(types_program):
    result = types_program.evaluate(household(), as_of="2026-03-01")
    expected = {
        "rent_share": Decimal("50.00"),          # $1,000.00 x 5%
        "per_adult": Decimal("500.00"),
        "factor_twice": Decimal("0.2"),
        "share_out": Decimal("0.05"),            # rates are fractions
        "adults_next": 3,
        "review": datetime.date(2026, 1, 4),
        "tenure_out": "renter",
        "not_single": True,
        "label_out": "Flat 3",
        "quarter_now": "2026-Q1",
        "third": Decimal("0.33333333333333333333"),
        "members": [
            # 2025-Q1 .. 2025-Q4: 2,000.00 + 7,999.99; 2026-Q1 is the current quarter, not counted.
            {"member": "members[1]", "adult": True, "last_year_wages": Decimal("9999.99")},
            {"member": "members[2]", "adult": False, "last_year_wages": Decimal("0.00")},
        ],
    }
    assert result == expected
    for name in ("rent_share", "per_adult", "factor_twice", "share_out", "third"):
        assert type(result[name]) is Decimal
    assert str(result["rent_share"]) == "50.00"   # the exact text, scale kept
    assert type(result["adults_next"]) is int
    assert type(result["not_single"]) is bool
    assert type(result["review"]) is datetime.date


def test_python_values_in(types_program):
    result = types_program.evaluate(household(
        rent=Decimal("1000"), share=Decimal("0.05"), factor=3, adults=Decimal("2.00"),
        moved_in=datetime.date(2024, 2, 25), single=True,
        members=[{"age": 18, "wages": {"2025-Q2": Decimal("10.005"), "2025-Q3": 1}}]),
        as_of=datetime.date(2026, 3, 1))
    assert result["rent_share"] == Decimal("50.00")
    assert result["factor_twice"] == 6
    assert result["adults_next"] == 3
    assert result["review"] == datetime.date(2024, 3, 6)   # leap year: 29 February counts
    assert result["not_single"] is False
    assert result["members"] == [{"member": "members[1]", "adult": True, "last_year_wages": Decimal("11.005")}]


def test_decimal_exactness(types_program):
    # A third of $100.00: the rate 1/3 written to 28 places; exactly 33.333...3 before rounding.
    third = Decimal(1) / Decimal(3)
    result = types_program.evaluate(household(rent="100.00", share=third), as_of="2026-03-01")
    assert result["rent_share"] == Decimal("33.33")
    assert str(result["share_out"]) == str(third)            # every digit given comes back
    # $100.00 / 3 adults, rounded half-even to the cent.
    assert types_program.evaluate(household(rent="100.00", adults=3), as_of="2026-03-01")["per_adult"] == Decimal("33.33")
    # $100.10 x 5% is exactly $5.005, a tie: half-even goes to the even cent, $5.00; $100.30 x 5%
    # = $5.015 goes to $5.02.
    assert types_program.evaluate(household(rent="100.10"), as_of="2026-03-01")["rent_share"] == Decimal("5.00")
    assert types_program.evaluate(household(rent="100.30"), as_of="2026-03-01")["rent_share"] == Decimal("5.02")
    # 0.1 + 0.2 is exactly 0.3, twice.
    assert types_program.evaluate(household(factor="0.15"), as_of="2026-03-01")["factor_twice"] == Decimal("0.3")
    # Digits beyond 64-bit and double precision are kept.
    big = "12345678901234567890.12"
    out = types_program.evaluate(household(rent=big, share="100%"), as_of="2026-03-01")
    assert out["rent_share"] == Decimal(big) and str(out["rent_share"]) == big


def test_floats_are_refused(types_program):
    with pytest.raises(TypeError) as info:
        types_program.evaluate(household(rent=350.0), as_of="2026-03-01")
    assert isinstance(info.value, pol.InputTypeError) and isinstance(info.value, pol.RecordError)
    assert info.value.field == "rent"
    assert "float" in str(info.value) and "decimal.Decimal" in str(info.value)
    for bad in (household(share=0.05), household(adults=2.0),
                household(members=[{"age": 30, "wages": {"2025-Q1": 1.5}}])):
        with pytest.raises(TypeError):
            types_program.evaluate(bad, as_of="2026-03-01")
    with pytest.raises(TypeError) as info:
        types_program.evaluate(household(members=[{"age": 30.0}]), as_of="2026-03-01")
    assert info.value.field == "members[1].age"


def test_bad_values_are_record_errors(types_program):
    cases = [
        (household(rent="1,23"), "rent", ValueError),
        (household(tenure="Renter"), "tenure", ValueError),
        (household(moved_in="2026-02-30"), "moved_in", ValueError),
        (household(adults="3.5"), "adults", ValueError),
        (household(adults=Decimal("3.5")), "adults", ValueError),
        (household(single=1), "single", TypeError),
        (household(adults=True), "adults", TypeError),
        (household(label=5), "label", TypeError),
        (household(moved_in=datetime.datetime(2026, 1, 1, 12)), "moved_in", TypeError),
        (household(rent=Decimal("NaN")), "rent", ValueError),
        (household(members=[{"age": 30, "wages": {"2025-13": "1.00"}}]), "members[1].wages[2025-13]", ValueError),
        (household(members=[{"age": 30, "wages": "1.00"}]), "members[1].wages", TypeError),
        (household(members=[{"age": 30, "wage": "1.00"}]), "members[1].wage", ValueError),
        (household(rnet="1.00"), "rnet", ValueError),
    ]
    for record, field, kind in cases:
        with pytest.raises(pol.RecordError) as info:
            types_program.evaluate(record, as_of="2026-03-01")
        assert info.value.field == field, record
        assert isinstance(info.value, kind), (record, info.value)


def test_as_of(types_program):
    assert types_program.evaluate(household(), as_of="2026-04-01")["quarter_now"] == "2026-Q2"
    # A household's own as_of wins over the call's.
    assert types_program.evaluate(household(as_of="2025-01-15"), as_of="2026-04-01")["quarter_now"] == "2025-Q1"
    assert types_program.evaluate(household(as_of=datetime.date(2025, 8, 1)), as_of="2026-04-01")["quarter_now"] == "2025-Q3"
    with pytest.raises(ValueError):
        types_program.evaluate(household(), as_of="1 March 2026")
    with pytest.raises(TypeError):
        types_program.evaluate(household(), as_of=20260301)


def test_evaluation_error(types_program):
    with pytest.raises(pol.EvaluationError) as info:
        types_program.evaluate(household(id="h9", adults=0), as_of="2026-03-01")
    e = info.value
    assert e.record == "h9"
    assert "division by zero" in e.message
    assert e.rule == "Household.per_adult"
    assert (e.file, e.line) == ("types.pol", 23)
    assert str(e).startswith("types.pol:23:")
    # A missing input without a default.
    h = household()
    del h["label"]
    with pytest.raises(pol.EvaluationError) as info:
        types_program.evaluate(h, as_of="2026-03-01")
    assert "label" in info.value.rule or "label" in info.value.message


# --- Batches -----------------------------------------------------------------------------------

def test_evaluate_many_goes_on_after_bad_records(types_program):
    records = [
        household(id="a"),
        household(id="b", rent=12.5),              # refused: a float
        household(id="c", rent="100.10"),
        household(id="d", adults=0),               # fails: division by zero
        household(id="e", tenure="tenant"),        # refused: not a Tenure
        household(id="f", rent="3"),
    ]
    results = types_program.evaluate_many(iter(records), as_of="2026-03-01")
    assert len(results) == 6
    assert results[0]["rent_share"] == Decimal("50.00")
    assert isinstance(results[1], pol.InputTypeError) and results[1].record == "b" and results[1].field == "rent"
    assert results[2]["rent_share"] == Decimal("5.00")
    assert isinstance(results[3], pol.EvaluationError) and results[3].record == "d"
    assert results[3].rule == "Household.per_adult"
    assert isinstance(results[4], pol.RecordError) and results[4].field == "tenure"
    assert results[5]["rent_share"] == Decimal("0.15")


def test_evaluate_many_large_batch_matches_single(ui_program):
    # More records than one chunk, from a generator; the same outputs as one by one.
    records = list(ui_records().values())
    expected = [ui_program.evaluate(r, as_of="2026-03-01") for r in records]
    many = ui_program.evaluate_many((records[i % len(records)] for i in range(5000)), as_of="2026-03-01")
    assert len(many) == 5000
    assert all(many[i] == expected[i % len(records)] for i in range(5000))


def test_evaluate_many_releases_the_gil(ui_program):
    records = list(ui_records().values()) * 100
    results = {}

    def run(n):
        results[n] = ui_program.evaluate_many(records, as_of="2026-03-01")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == results[0] for n in range(4))


# --- Context data ------------------------------------------------------------------------------

def test_context():
    program = pol.compile(CONTEXT_POLICY, path="context.pol")
    h = {"members": [{"age": 30, "wages": {"2025-Q1": "$2,000", "2025-Q4": "$7,999.99"}}]}
    ctx = {"state_unemployment_rate": "6.5%", "weekly_claims": {"2026-W08": 1180, "2026-W09": "1204"}}
    result = program.evaluate(h, as_of="2026-03-01", context=ctx)   # 2026-03-01 is in 2026-W09
    assert result == {"total_benefit": Decimal("100.00"), "extended": True, "claims_this_week": 1204,
                      "members": [{"member": "members[1]", "benefit": Decimal("100.00")}]}
    assert program.evaluate(h, as_of="2026-03-01", context={"state_unemployment_rate": Decimal("0.059")})["extended"] is False
    # Without context data, reading a context value with no default fails that household.
    with pytest.raises(pol.EvaluationError) as info:
        program.evaluate(h, as_of="2026-03-01")
    assert "state_unemployment_rate" in str(info.value)
    results = program.evaluate_many([h, h], as_of="2026-03-01")
    assert all(isinstance(r, pol.EvaluationError) for r in results)
    with pytest.raises(TypeError):
        program.evaluate(h, as_of="2026-03-01", context={"state_unemployment_rate": 0.065})
    with pytest.raises(pol.RecordError):
        program.evaluate(h, as_of="2026-03-01", context={"state_unemployment_rat": "6%"})
    with pytest.raises(ValueError):
        pol.compile(TYPES_POLICY).evaluate(household(), as_of="2026-03-01", context={})


def test_unemployment_insurance_with_published_context(ui_program):
    records, expected, context = ui_records(), ui_expected(), ui_context()
    ids = ["h01", "h14", "h28", "h29", "h31", "h36"]
    results = ui_program.evaluate_many([records[i] for i in ids], as_of="2026-03-01", context=context)
    for id_, result in zip(ids, results):
        row = expected[id_]
        assert result == {
            "total_weekly_benefit": Decimal(row["total_weekly_benefit"]),
            "eligible_claimants": int(row["eligible_claimants"]),
            "max_benefit_weeks": int(row["max_benefit_weeks"]),
            "extension_on": row["extension_on"] == "true",
            "total_potential_benefit": Decimal(row["total_potential_benefit"]),
            "extended_benefit_period": row["extended_benefit_period"] == "true",
            "extended_claimants": int(row["extended_claimants"]),
            "total_extended_benefit": Decimal(row["total_extended_benefit"]),
        }, id_
    # Hand-checked (tests/golden/unemployment_insurance/HAND_CHECKS.md): h28's first member has
    # exhausted 26 regular weeks of $385.00 ($9,100.00 / 13 x 55%); its extended account is
    # min(50% x $385.00 x 26, 13 x $385.00) = $5,005.00.
    assert results[2]["total_weekly_benefit"] == Decimal("770.00")
    assert results[2]["total_extended_benefit"] == Decimal("5005.00")


# --- DataFrames --------------------------------------------------------------------------------

PERSON_COLUMNS = ["employed", "separation_reason", "weeks_worked_last_52", "highest_quarter_wages",
                  "dependants", "regular_weeks_paid", "extended_weeks_paid"]


def persons_frame(ids):
    records = ui_records()
    rows = []
    for id_ in ids:
        r = records[id_]
        base = {"household_id": id_, "as_of": r.get("as_of"), "region_unemployment_rate": r["region_unemployment_rate"]}
        if not r["members"]:
            rows.append(dict(base, **{c: None for c in PERSON_COLUMNS}))
        for m in r["members"]:
            rows.append(dict(base, **{c: m.get(c) for c in PERSON_COLUMNS}))
    # dtype=object: a column of integers with gaps would otherwise become float64 (refused).
    return pandas.DataFrame(rows, columns=["household_id", "as_of", "region_unemployment_rate"] + PERSON_COLUMNS,
                            dtype=object)


def test_evaluate_dataframe_unemployment_insurance(ui_program):
    ids = ["h01", "h02", "h05", "h14", "h22", "h28", "h29"]
    persons = persons_frame(ids)
    assert len(persons) == 1 + 2 + 1 + 6 + 5 + 2 + 1
    out = pol.evaluate_dataframe(ui_program, persons, household_id="household_id", as_of="2026-03-01",
                                 household_columns=["as_of", "region_unemployment_rate"], context=ui_context())
    assert list(out.columns) == ["household_id"] + [o["name"] for o in ui_program.outputs]
    assert list(out["household_id"]) == ids
    expected = ui_expected()
    for _, row in out.iterrows():
        e = expected[row["household_id"]]
        for name in ("total_weekly_benefit", "total_potential_benefit", "total_extended_benefit"):
            assert type(row[name]) is Decimal
            assert row[name] == Decimal(e[name]), (row["household_id"], name)
            assert str(row[name]) == e[name]
        for name in ("eligible_claimants", "max_benefit_weeks", "extended_claimants"):
            assert row[name] == int(e[name])
        for name in ("extension_on", "extended_benefit_period"):
            assert row[name] == (e[name] == "true")
    by_id = out.set_index("household_id")
    # Hand-checked: h01: $9,100.00 / 13 x 55% = $385.00 for 20 weeks = $7,700.00.
    assert by_id.loc["h01", "total_weekly_benefit"] == Decimal("385.00")
    assert by_id.loc["h01", "total_potential_benefit"] == Decimal("7700.00")
    # h02: $13,000.00 / 13 x 55% = $550.00 + 2 dependants x $25.00 = $600.00 (the cap), 26 weeks.
    assert by_id.loc["h02", "total_weekly_benefit"] == Decimal("600.00")
    assert by_id.loc["h02", "total_potential_benefit"] == Decimal("15600.00")
    # h05: no members.
    assert by_id.loc["h05", "eligible_claimants"] == 0
    assert by_id.loc["h05", "total_weekly_benefit"] == Decimal("0.00")
    # h29 carries its own as_of (2025-09-10, replacement rate 50%): $7,800.00 / 13 x 50% = $300.00.
    assert by_id.loc["h29", "total_weekly_benefit"] == Decimal("300.00")
    assert by_id.loc["h29", "total_extended_benefit"] == Decimal("1800.00")
    assert by_id.loc["h14", "total_weekly_benefit"] == Decimal("952.71")
    assert by_id.loc["h22", "total_potential_benefit"] == Decimal("65250.00")


def test_evaluate_dataframe_typed_columns_and_errors(ui_program):
    persons = pandas.DataFrame({
        "household_id": [1, 1, 2],
        "region_unemployment_rate": ["5%", "5%", "6.5%"],
        "employed": [False, True, False],                       # numpy bool
        "separation_reason": ["layoff", "layoff", "end_of_contract"],
        "weeks_worked_last_52": [30, 52, 39],                   # numpy int64
        "highest_quarter_wages": ["9100.00", "8000.00", "6503.90"],
        "dependants": pandas.array([None, 2, 1], dtype="Int64"),  # nullable integers
    })
    out = pol.evaluate_dataframe(ui_program, persons, as_of="2026-03-01",
                                 household_columns=["region_unemployment_rate"])
    assert list(out["household_id"]) == [1, 2]
    assert list(out["total_weekly_benefit"]) == [Decimal("385.00"), Decimal("300.16")]
    # Household columns must agree on a household's rows.
    bad = persons.copy()
    bad.loc[1, "region_unemployment_rate"] = "6%"
    with pytest.raises(ValueError):
        pol.evaluate_dataframe(ui_program, bad, as_of="2026-03-01", household_columns=["region_unemployment_rate"])
    # A float column is refused.
    floats = persons.copy()
    floats["dependants"] = [0.0, 2.0, 1.0]
    with pytest.raises(TypeError):
        pol.evaluate_dataframe(ui_program, floats, as_of="2026-03-01", household_columns=["region_unemployment_rate"])
    # errors="keep": the failed household gets empty outputs and its error.
    kept = pol.evaluate_dataframe(ui_program, floats, as_of="2026-03-01",
                                  household_columns=["region_unemployment_rate"], errors="keep")
    assert kept["error"].map(lambda e: e is not None and "float" in e).tolist() == [True, True]
    mixed = persons.copy().astype(object)
    mixed.loc[2, "highest_quarter_wages"] = "a lot"
    kept = pol.evaluate_dataframe(ui_program, mixed, as_of="2026-03-01",
                                  household_columns=["region_unemployment_rate"], errors="keep")
    assert kept["total_weekly_benefit"].tolist() == [Decimal("385.00"), None]
    assert kept["error"].tolist()[0] is None and "highest_quarter_wages" in kept["error"].tolist()[1]


def test_evaluate_dataframe_member_outputs(types_program):
    persons = pandas.DataFrame([
        {"hh": "x", "rent": "900.00", "share": "10%", "factor": "1", "adults": 1, "moved_in": "2026-01-01",
         "tenure": "owner", "single": True, "label": "x", "age": 40},
        {"hh": "x", "rent": "900.00", "share": "10%", "factor": "1", "adults": 1, "moved_in": "2026-01-01",
         "tenure": "owner", "single": True, "label": "x", "age": 9},
        {"hh": "y", "rent": "500.00", "share": "0.2", "factor": "2.5", "adults": 2, "moved_in": "2026-01-01",
         "tenure": "renter", "single": False, "label": "y", "age": 18},
    ], dtype=object)
    household_columns = ["rent", "share", "factor", "adults", "moved_in", "tenure", "single", "label"]
    out = pol.evaluate_dataframe(types_program, persons, household_id="hh", as_of="2026-03-01",
                                 household_columns=household_columns)
    assert list(out["hh"]) == ["x", "y"]
    assert list(out["rent_share"]) == [Decimal("90.00"), Decimal("100.00")]
    assert list(out["factor_twice"]) == [Decimal("2"), Decimal("5.0")]
    members = pol.evaluate_dataframe(types_program, persons, household_id="hh", as_of="2026-03-01",
                                     household_columns=household_columns, level="members")
    assert list(members.columns) == ["hh", "member", "adult", "last_year_wages"]
    assert members.values.tolist() == [
        ["x", "members[1]", True, Decimal("0.00")],
        ["x", "members[2]", False, Decimal("0.00")],
        ["y", "members[1]", True, Decimal("0.00")],
    ]
