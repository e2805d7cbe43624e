"""Domain rules as plain functions: parse and check what people type.

Each parser takes raw input (text from a form, a JSON value, a spreadsheet cell) and
returns a clean value or raises `RuleError` with a message in Chinese that can be shown
next to the field as it is.
"""


class RuleError(ValueError):
    """Input breaks a rule; `str(error)` is the message for the person who typed it."""
