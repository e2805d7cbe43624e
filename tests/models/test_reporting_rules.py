"""The plain rules behind monthly reports: change warnings and deadlines."""

from datetime import date
from decimal import Decimal

import pytest

from models.rules.change import change_beyond
from models.rules.deadline import due_period, timeliness
from models.rules.period import Period

BOUND = Decimal("0.5")


class TestChangeBeyond:
    @pytest.mark.parametrize("previous, current, percent", [
        ("100", "151", "51.0"), ("100", "49", "-51.0"), ("100", "400", "300.0"),
        ("3", "1", "-66.7"),
    ])
    def test_beyond_the_bound(self, previous, current, percent):
        change = change_beyond(Decimal(previous), Decimal(current), BOUND)
        assert change is not None and str(change.percent) == percent
        assert change.rising == (Decimal(current) > Decimal(previous))

    @pytest.mark.parametrize("previous, current", [
        ("100", "150"), ("100", "50"), ("100", "100"), ("0", "0"), (None, "5"), ("5", None),
    ])
    def test_within_the_bound_or_nothing_to_compare(self, previous, current):
        def as_decimal(v):
            return None if v is None else Decimal(v)

        assert change_beyond(as_decimal(previous), as_decimal(current), BOUND) is None

    def test_growth_from_zero_has_no_ratio_but_warns(self):
        change = change_beyond(Decimal(0), Decimal("12"), BOUND)
        assert change is not None and change.ratio is None and change.percent is None


class TestDeadline:
    def test_due_period_is_last_month(self):
        assert due_period(date(2026, 1, 5)) == Period(2025, 12)
        assert due_period(date(2026, 3, 31)) == Period(2026, 2)

    def test_countdown_and_flags(self):
        p = Period(2026, 10)
        before = timeliness(p, None, date(2026, 11, 7), 10)
        assert (before.deadline, before.days_left, before.overdue, before.late) == \
            (date(2026, 11, 10), 3, False, False)
        on_the_day = timeliness(p, None, date(2026, 11, 10), 10)
        assert (on_the_day.days_left, on_the_day.overdue) == (0, False)
        after = timeliness(p, None, date(2026, 11, 11), 10)
        assert (after.days_left, after.overdue) == (-1, True)

    def test_late_is_judged_by_the_submission_day(self):
        p = Period(2026, 10)
        assert not timeliness(p, date(2026, 11, 10), date(2026, 12, 1), 10).late
        late = timeliness(p, date(2026, 11, 11), date(2026, 12, 1), 10)
        assert late.late and not late.overdue

    def test_the_deadline_day_is_a_setting(self):
        assert timeliness(Period(2025, 12), None, date(2026, 1, 1), 15).deadline == \
            date(2026, 1, 15)

    def test_a_month_can_be_submitted_once_it_has_ended(self):
        assert not timeliness(Period(2026, 2), None, date(2026, 2, 28), 10).month_ended
        assert timeliness(Period(2026, 2), None, date(2026, 3, 1), 10).month_ended
