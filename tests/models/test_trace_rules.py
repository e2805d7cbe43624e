"""Batch numbers (GS1 AI 10 compatible) and event times with their zone."""

from datetime import UTC, datetime, timedelta

import pytest

from models.rules import RuleError
from models.rules.trace import parse_batch_no, parse_event_time
from server.core.clock import LOCAL_TZ

NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)      # 12:00 in China


@pytest.mark.parametrize("raw, value", [("20250315-01", "20250315-01"), (" B.7_x ", "B.7_x"),
                                        ("２０２５０３１５", "20250315")])
def test_good_batch_numbers(raw, value):
    assert parse_batch_no(raw) == value


@pytest.mark.parametrize("raw, message", [("", "请填写批号"), ("A" * 21, "批号最多20位"),
                                          ("批次1", "批号只能包含"), ("A/B", "批号只能包含"),
                                          ("-A", "批号只能包含")])
def test_bad_batch_numbers(raw, message):
    with pytest.raises(RuleError, match=message):
        parse_batch_no(raw)


def test_event_times_keep_their_zone_and_default_to_china_time():
    assert parse_event_time("2025-05-30T09:00:00+08:00", LOCAL_TZ, NOW) == datetime(
        2025, 5, 30, 1, 0, tzinfo=UTC)
    assert parse_event_time("2025-05-30T01:00:00Z", LOCAL_TZ, NOW).utcoffset() == timedelta(0)
    local = parse_event_time("2025-05-30 09:00", LOCAL_TZ, NOW)
    assert local.tzinfo is LOCAL_TZ and local.astimezone(UTC).hour == 1
    assert parse_event_time("2025-06-01T12:05", LOCAL_TZ, NOW)     # within 10 minutes
    for bad, message in [("2025-06-01T12:30", "不能晚于现在"), ("yesterday", "时间格式"),
                         ("", "请填写时间"), ("1899-01-01T00:00", "年份不合理")]:
        with pytest.raises(RuleError, match=message):
            parse_event_time(bad, LOCAL_TZ, NOW)
