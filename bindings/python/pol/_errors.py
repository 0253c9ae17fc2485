"""The exception and diagnostic classes of the pol package (created by the C++ extension too)."""


class PolError(Exception):
    """Base class of every error pol raises."""


class Diagnostic:
    """One compiler diagnostic: code ("E0201"), severity ("error", "warning", "note"), file,
    line, column (1-based), end_line, end_column, message, hint ("" when none)."""

    __slots__ = ("code", "severity", "file", "line", "column", "end_line", "end_column", "message", "hint")

    def __init__(self, code, severity, file, line, column, end_line, end_column, message, hint):
        self.code = code
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.message = message
        self.hint = hint

    def __getitem__(self, key):  # also readable as a dict: d["code"]
        if key not in self.__slots__:
            raise KeyError(key)
        return getattr(self, key)

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __eq__(self, other):
        return isinstance(other, Diagnostic) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return "Diagnostic(%s %s at %s:%d:%d: %s)" % (self.severity, self.code, self.file, self.line,
                                                      self.column, self.message)


class CompileError(PolError):
    """A policy that does not compile. str(e) is the rendered report (file:line:column, the source
    line, a caret, the hint); e.diagnostics lists every pol.Diagnostic, warnings included."""

    def __init__(self, rendered, diagnostics):
        rendered = rendered.rstrip() + "\n"
        super().__init__(rendered)
        self.rendered = rendered
        self.diagnostics = list(diagnostics)

    @property
    def errors(self):
        return [d for d in self.diagnostics if d.severity == "error"]

    def __str__(self):
        return self.rendered


class RecordError(PolError, ValueError):
    """A household whose data cannot be read: record (its id), field ("members[2].weekly_wage",
    "" for the record as a whole) and message."""

    def __init__(self, record, field, message):
        super().__init__(record, field, message)
        self.record = record
        self.field = field
        self.message = message

    def __str__(self):
        parts = []
        if self.record:
            parts.append("record %s" % self.record)
        if self.field:
            parts.append("field %s" % self.field)
        return "%s: %s" % (", ".join(parts), self.message) if parts else self.message


class InputTypeError(RecordError, TypeError):
    """A value of a Python type pol does not take for that input, floats above all: binary
    floating point cannot hold policy values exactly."""


class EvaluationError(PolError):
    """A household whose evaluation failed (division by zero, a missing input, a requirement not
    met...): record (its id), message, rule (the rule or input concerned), file, line, column
    (where in the policy)."""

    def __init__(self, record, message, rule, file, line, column):
        super().__init__(record, message, rule, file, line, column)
        self.record = record
        self.message = message
        self.rule = rule
        self.file = file
        self.line = line
        self.column = column

    def __str__(self):
        where = "%s:%d:%d: " % (self.file, self.line, self.column) if self.file else ""
        rule = " (rule %s)" % self.rule if self.rule else ""
        return "%srecord %s: %s%s" % (where, self.record, self.message, rule)
