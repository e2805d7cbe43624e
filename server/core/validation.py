"""Collecting per-field errors while parsing one input, for pages and API alike.

    f = Fields(data)
    name = f.required("name", "企业名称", clean_name)
    code = f.required("credit_code", "统一社会信用代码", parse_credit_code)
    f.raise_if_invalid()        # 422 with {"name": "why", ...}

Parsers are the plain rule functions of `models.rules`; they raise RuleError with the
message shown next to the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from models.rules import RuleError
from server.core.errors import ValidationError

T = TypeVar("T")
_MISSING = object()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Fields:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _parse(self, name: str, label: str, parser: Callable[[Any], T], raw: Any) -> T | None:
        if isinstance(raw, dict | list):
            self.errors[name] = f"{label}格式有误"
            return None
        try:
            return parser(raw)
        except RuleError as exc:
            self.errors[name] = str(exc)
            return None

    def required(self, name: str, label: str, parser: Callable[[Any], T]) -> T | None:
        """The parsed value; records "请填写…" when blank."""
        raw = self.data.get(name)
        if is_blank(raw):
            self.errors[name] = f"请填写{label}"
            return None
        return self._parse(name, label, parser, raw)

    def optional(
        self, name: str, label: str, parser: Callable[[Any], T], default: Any = None
    ) -> T | Any:
        """The parsed value, or `default` when the field is absent or blank."""
        raw = self.data.get(name)
        if is_blank(raw):
            return default
        return self._parse(name, label, parser, raw)

    def present(self, name: str) -> bool:
        return name in self.data

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ValidationError(fields=dict(self.errors))


def text(max_length: int, what: str = "内容") -> Callable[[Any], str]:
    """A parser for free text up to max_length characters (stripped)."""

    def parse(raw: Any) -> str:
        value = str(raw).strip()
        if len(value) > max_length:
            raise RuleError(f"{what}最多{max_length}个字")
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            raise RuleError(f"{what}含有不可见的控制字符")
        return value

    return parse


def choice(options: Mapping[str, str] | list[str], what: str) -> Callable[[Any], str]:
    """A parser accepting one of the given codes (a dict maps code -> label)."""

    def parse(raw: Any) -> str:
        value = str(raw).strip()
        if value not in options:
            raise RuleError(f"{what}取值无效")
        return value

    return parse


def boolean(raw: Any) -> bool:
    """JSON booleans, and what HTML forms send for a checkbox."""
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in ("1", "true", "on", "yes", "是"):
        return True
    if value in ("0", "false", "off", "no", "否"):
        return False
    raise RuleError("应为是或否")
