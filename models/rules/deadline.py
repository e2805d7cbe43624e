"""When a monthly report is due, and whether it came (or is) late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.rules.period import Period


@dataclass(frozen=True)
class Timeliness:
    period: Period
    deadline: date
    submitted_on: date | None   # the first submission's local date
    today: date

    @property
    def late(self) -> bool:
        """Submitted, but after the deadline day."""
        return self.submitted_on is not None and self.submitted_on > self.deadline

    @property
    def overdue(self) -> bool:
        """Not submitted, and the deadline day has passed."""
        return self.submitted_on is None and self.today > self.deadline

    @property
    def days_left(self) -> int:
        """Days until the deadline: 0 on the day itself, negative once it has passed."""
        return (self.deadline - self.today).days

    @property
    def month_ended(self) -> bool:
        """Whether the month is over, so that its report can be submitted."""
        return self.today > self.period.last_day


def timeliness(period: Period, submitted_on: date | None, today: date,
               deadline_day: int) -> Timeliness:
    return Timeliness(period, period.deadline(deadline_day), submitted_on, today)


def due_period(today: date) -> Period:
    """The period whose report is due this month: last month's."""
    return Period.of(today).previous
