"""Rules for what staff type about batches and their history: batch numbers, event times."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from models.rules import RuleError
from models.rules.text import halfwidth

# A batch number is also GS1's (10) batch/lot in Digital Link URIs: at most 20
# characters; letters, digits and - . _ only, so it needs no escaping in a URL path.
BATCH_NO_MAX = 20
_BATCH_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def parse_batch_no(raw: object) -> str:
    text = halfwidth(str(raw or "")).strip()
    if not text:
        raise RuleError("请填写批号")
    if len(text) > BATCH_NO_MAX:
        raise RuleError(f"批号最多{BATCH_NO_MAX}位")
    if not _BATCH_NO.match(text):
        raise RuleError("批号只能包含字母、数字和 - . _，且以字母或数字开头")
    return text


def parse_event_time(raw: object, local_tz, now: datetime, *, slack_minutes: int = 10
                     ) -> datetime:
    """An ISO 8601 time (`2025-03-15T09:30:00+08:00`); without an offset it is taken as
    local time (`local_tz`, China Standard Time), as a phone's date-time field sends it.
    A time in the future is refused."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = halfwidth(str(raw or "")).strip().replace(" ", "T", 1)
        if not text:
            raise RuleError("请填写时间")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise RuleError("时间格式应为 2025-03-15T09:30+08:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_tz)
    if not 2000 <= value.year <= 2100:
        raise RuleError("时间年份不合理，请核对")
    if value > now + timedelta(minutes=slack_minutes):
        raise RuleError("时间不能晚于现在")
    return value
