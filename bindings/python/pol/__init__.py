"""pol: policy rules with exact decimal arithmetic, from Python.

    import pol, decimal
    program = pol.compile_file("examples/unemployment_insurance.pol")
    result = program.evaluate({"region_unemployment_rate": "5%", "members": [
        {"employed": False, "separation_reason": "layoff", "weeks_worked_last_52": 30,
         "highest_quarter_wages": "9100.00"}]}, as_of="2026-03-01")
    result["total_weekly_benefit"] == decimal.Decimal("385.00")

Values in: str ("350.00", "$1,234.56", "5%", "2026-03-01", an enumeration's value name),
decimal.Decimal, int, bool, datetime.date; series as {period label: value}; the members of a
collection as a list of dicts under the collection's name; None for "not given". Floats are
refused (pol.InputTypeError, a TypeError): binary floating point cannot hold policy values exactly.

Values out: money, rates (as fractions: 5% is Decimal("0.05")) and decimals as decimal.Decimal
built from their exact text, integers as int, booleans as bool, dates as datetime.date,
enumerations, texts and periods as str, series as {period label: value}.
"""

from ._errors import (CompileError, Diagnostic, EvaluationError, InputTypeError, PolError,
                      RecordError)
from . import _pol
from ._pol import Program

__all__ = ["compile", "compile_file", "evaluate_dataframe", "Program", "PolError", "CompileError",
           "Diagnostic", "EvaluationError", "RecordError", "InputTypeError"]


def compile(source, path="<string>"):
    """Compiles policy source text; `path` names it in diagnostics. Returns a pol.Program or
    raises pol.CompileError (str(e): the rendered diagnostics; e.diagnostics: the list)."""
    return _pol._compile(source, path)


def compile_file(path):
    """Compiles a .pol file (and what it imports). Returns a pol.Program or raises
    pol.CompileError."""
    return _pol._compile_file(str(path))


def _cell(value):
    """A DataFrame cell as a value pol takes: missing (None, NaN, NA, NaT) is None, numpy
    integers and booleans become int and bool; floats are left for pol to refuse."""
    if value is None or isinstance(value, (dict, list, tuple)):
        return value
    try:
        import pandas
        if pandas.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    try:
        import numpy
        if isinstance(value, numpy.bool_):
            return bool(value)
        if isinstance(value, numpy.integer):
            return int(value)
    except ImportError:
        pass
    try:
        import pandas
        if isinstance(value, pandas.Timestamp) and value == value.normalize() and value.tzinfo is None:
            return value.date()
    except ImportError:
        pass
    return value


def evaluate_dataframe(program, persons, household_id="household_id", as_of=None,
                       household_columns=(), context=None, collection=None,
                       level="households", errors="raise"):
    """Evaluates a pandas DataFrame of persons: one row per person, `household_id` naming the
    household, the household's own inputs in `household_columns` (repeated on each of its rows;
    they must agree), every other column an input of the members of `collection` (by default the
    household's only collection). A row whose member columns are all missing stands for no member
    (a household without members). An "as_of" household column gives a household its own date.

    Returns a DataFrame of Python objects (decimal.Decimal for money, rates and decimals):
      level="households": one row per household, in order of first appearance: `household_id`,
        then every household output;
      level="members": one row per member with outputs: `household_id`, "member" (its path,
        "members[2]"), then every member output.
    errors="raise" raises the first pol.RecordError / pol.EvaluationError; errors="keep" gives
    the failed households empty outputs and the message in an "error" column.
    """
    import pandas

    if as_of is None:
        raise TypeError("evaluate_dataframe: as_of is required (datetime.date or \"YYYY-MM-DD\")")
    if level not in ("households", "members"):
        raise ValueError("evaluate_dataframe: level is \"households\" or \"members\", not %r" % (level,))
    if errors not in ("raise", "keep"):
        raise ValueError("evaluate_dataframe: errors is \"raise\" or \"keep\", not %r" % (errors,))
    schema = program.inputs
    if collection is None:
        if len(schema["collections"]) != 1:
            raise ValueError("evaluate_dataframe: %s has %d collections (%s); say which one the rows are "
                             "with collection=" % (schema["entity"], len(schema["collections"]),
                                                   ", ".join(schema["collections"]) or "none"))
        collection = next(iter(schema["collections"]))
    elif collection not in schema["collections"]:
        raise ValueError("evaluate_dataframe: %s has no collection %r" % (schema["entity"], collection))
    household_columns = list(household_columns)
    columns = list(persons.columns)
    for name in [household_id] + household_columns:
        if name not in columns:
            raise KeyError("evaluate_dataframe: the DataFrame has no column %r" % (name,))
    member_columns = [c for c in columns if c != household_id and c not in household_columns]

    order = []
    households = {}
    for row in persons.itertuples(index=False, name=None):
        values = dict(zip(columns, row))
        key = values[household_id]
        entry = households.get(key)
        if entry is None:
            entry = {"id": str(key), collection: []}
            for name in household_columns:
                entry[name] = _cell(values[name])
            households[key] = entry
            order.append(key)
        else:
            for name in household_columns:
                value = _cell(values[name])
                if value != entry[name] and not (value is None and entry[name] is None):
                    raise ValueError("evaluate_dataframe: household %s has different values of %r on its rows "
                                     "(%r and %r)" % (key, name, entry[name], value))
        member = {name: _cell(values[name]) for name in member_columns}
        if any(v is not None for v in member.values()):
            entry[collection].append(member)

    results = program.evaluate_many((households[k] for k in order), as_of, context)

    outputs = program.outputs
    root = schema["entity"]
    if level == "households":
        names = [o["name"] for o in outputs if o["entity"] == root]
    else:
        names = [o["name"] for o in outputs if o["entity"] != root]
    rows = []
    for key, result in zip(order, results):
        if isinstance(result, Exception):
            if errors == "raise":
                raise result
            if level == "households":
                rows.append([key] + [None] * len(names) + [str(result)])
            else:
                rows.append([key, None] + [None] * len(names) + [str(result)])
            continue
        if level == "households":
            rows.append([key] + [result.get(n) for n in names] + ([None] if errors == "keep" else []))
        else:
            for member in result.get("members", []):
                rows.append([key, member["member"]] + [member.get(n) for n in names] +
                            ([None] if errors == "keep" else []))
    header = [household_id] + (["member"] if level == "members" else []) + names
    if errors == "keep":
        header.append("error")
    return pandas.DataFrame(rows, columns=header, dtype=object)
