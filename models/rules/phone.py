"""Mainland mobile numbers, the log-in name of every account."""

import re

from models.rules import RuleError
from models.rules.text import halfwidth

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def parse_phone(raw: object) -> str:
    text = "".join(halfwidth(str(raw or "")).split()).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    if not text:
        raise RuleError("请填写手机号")
    if not _MOBILE.match(text):
        raise RuleError("手机号应为11位数字，以1开头")
    return text
