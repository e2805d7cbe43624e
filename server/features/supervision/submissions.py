"""Monthly report submission: who reported, who was late, who is still missing.

- expected: every enterprise whose status is `active` (suspended and closed ones report
  nothing), the same set for every month;
- handed in: a report in `submitted`, `returned` or `approved` (a draft has not been
  handed in; a returned one was, and is being corrected);
- late: handed in after the deadline, REPORT_DEADLINE_DAY of the following month
  (`Period.deadline`), i.e. `submitted_at` at or after 00:00 China time the day after;
- missing: no report handed in (none at all, or only a draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from models.enums import EnterpriseStatus, ReportStatus
from models.rules.period import Period, periods_between
from server.core import clock
from server.core.clock import LOCAL_TZ
from server.core.context import ServiceContext
from server.core.permissions import require_supervision
from server.features.supervision.calc import percent
from server.features.supervision.sql import Sql, as_int

HANDED_IN = (ReportStatus.SUBMITTED.value, ReportStatus.RETURNED.value,
             ReportStatus.APPROVED.value)
LIST_LIMIT = 5000


def cutoff(period: Period, deadline_day: int) -> datetime:
    """The first instant at which a report of `period` is late."""
    return datetime.combine(period.deadline(deadline_day) + timedelta(days=1), time(0),
                            LOCAL_TZ)


@dataclass(frozen=True)
class Rate:
    expected: int
    handed_in: int
    late: int

    @property
    def on_time(self) -> int:
        return self.handed_in - self.late

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.handed_in)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.handed_in, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.expected)


@dataclass(frozen=True)
class MonthRate:
    period: Period
    deadline: date
    due: bool                 # the deadline has passed
    rate: Rate


@dataclass(frozen=True)
class PlaceRate:
    place: str
    rate: Rate


@dataclass(frozen=True)
class Pending:
    enterprise_id: int
    name: str
    credit_code: str
    township: str
    industry: str
    contact_name: str
    contact_phone: str
    report_status: str | None          # None: no report at all
    submitted_at: datetime | None
    days_late: int | None


@dataclass
class Submissions:
    year: int
    period: Period
    deadline: date
    due: bool
    months: list[MonthRate]
    places: list[PlaceRate]
    rate: Rate
    late: list[Pending]
    missing: list[Pending]


def _ts(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def _months(sql: Sql, periods: list[Period], deadline_day: int) -> dict[str, dict]:
    if not periods:
        return {}
    cases = " ".join(f"WHEN ? THEN {sql.ts_param()}" for _ in periods)
    case_params: list[Any] = []
    for p in periods:
        case_params += [str(p), cutoff(p, deadline_day)]
    rows = await sql.rows(f"""
        SELECT r.period AS period, COUNT(*) AS handed_in,
               SUM(CASE WHEN {sql.ts('r.submitted_at')} >= (CASE r.period {cases} END)
                        THEN 1 ELSE 0 END) AS late
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE r.period >= ? AND r.period <= ? AND r.status IN {Sql.in_list(HANDED_IN)}
              AND e.status = ?
        GROUP BY r.period
    """, case_params + [str(periods[0]), str(periods[-1]), *HANDED_IN,
                        EnterpriseStatus.ACTIVE.value])
    return {r["period"]: r for r in rows}


async def _places(sql: Sql, period: Period, deadline_day: int) -> list[dict]:
    handed = f"r.status IN {Sql.in_list(HANDED_IN)}"
    return await sql.rows(f"""
        SELECT e.township AS township, COUNT(*) AS expected,
               SUM(CASE WHEN {handed} THEN 1 ELSE 0 END) AS handed_in,
               SUM(CASE WHEN {handed} AND {sql.ts('r.submitted_at')} >= {sql.ts_param()}
                        THEN 1 ELSE 0 END) AS late
        FROM enterprise e
        LEFT JOIN monthly_report r ON r.enterprise_id = e.id AND r.period = ?
        WHERE e.status = ?
        GROUP BY e.township
    """, [*HANDED_IN, *HANDED_IN, cutoff(period, deadline_day), str(period),
          EnterpriseStatus.ACTIVE.value])


_ENTERPRISE_COLUMNS = """e.id AS id, e.name AS name, e.credit_code AS credit_code,
    e.township AS township, e.industry AS industry, e.contact_name AS contact_name,
    e.contact_phone AS contact_phone"""


def _pending(row: dict[str, Any], deadline: date | None) -> Pending:
    submitted_at = _ts(row.get("submitted_at"))
    days_late = None
    if submitted_at is not None and deadline is not None:
        days_late = max(1, (clock.local(submitted_at).date() - deadline).days)
    return Pending(row["id"], row["name"], row["credit_code"], row["township"],
                   row["industry"], row["contact_name"] or "", row["contact_phone"] or "",
                   row.get("status"), submitted_at, days_late)


async def late_list(sql: Sql, period: Period, deadline_day: int,
                    limit: int = LIST_LIMIT) -> list[Pending]:
    rows = await sql.rows(f"""
        SELECT {_ENTERPRISE_COLUMNS}, r.status AS status, r.submitted_at AS submitted_at
        FROM monthly_report r JOIN enterprise e ON e.id = r.enterprise_id
        WHERE r.period = ? AND r.status IN {Sql.in_list(HANDED_IN)} AND e.status = ?
              AND {sql.ts('r.submitted_at')} >= {sql.ts_param()}
        ORDER BY {sql.ts('r.submitted_at')} DESC, e.name
        LIMIT ?
    """, [str(period), *HANDED_IN, EnterpriseStatus.ACTIVE.value,
          cutoff(period, deadline_day), limit])
    deadline = period.deadline(deadline_day)
    return [_pending(r, deadline) for r in rows]


async def missing_list(sql: Sql, period: Period, limit: int = LIST_LIMIT) -> list[Pending]:
    rows = await sql.rows(f"""
        SELECT {_ENTERPRISE_COLUMNS}, r.status AS status
        FROM enterprise e
        LEFT JOIN monthly_report r ON r.enterprise_id = e.id AND r.period = ?
        WHERE e.status = ? AND (r.id IS NULL OR r.status NOT IN {Sql.in_list(HANDED_IN)})
        ORDER BY e.township, e.name, e.id
        LIMIT ?
    """, [str(period), EnterpriseStatus.ACTIVE.value, *HANDED_IN, limit])
    return [_pending(r, None) for r in rows]


def default_period(today: date) -> Period:
    """The month being collected now: last month."""
    return Period.of(today).previous


async def submissions(ctx: ServiceContext, period: Period, *,
                      list_limit: int = LIST_LIMIT) -> Submissions:
    """The year of `period` month by month, and `period` by place with its lists."""
    require_supervision(ctx.actor)
    sql = Sql()
    today = clock.today()
    day = ctx.settings.REPORT_DEADLINE_DAY
    last = min(Period(period.year, 12), default_period(today))
    periods = periods_between(Period(period.year, 1), last) if last.year == period.year else []
    if period not in periods and period <= default_period(today):
        periods = sorted({*periods, period})
    expected = await sql.one("SELECT COUNT(*) AS n FROM enterprise e WHERE e.status = ?",
                             [EnterpriseStatus.ACTIVE.value])
    n_expected = as_int(expected.get("n"))
    by_month = await _months(sql, periods, day)
    months = [MonthRate(p, p.deadline(day), today > p.deadline(day),
                        Rate(n_expected, as_int(by_month.get(str(p), {}).get("handed_in")),
                             as_int(by_month.get(str(p), {}).get("late"))))
              for p in periods]
    place_rows = {r["township"]: r for r in await _places(sql, period, day)}
    order = [p.name for p in ctx.county.places] + sorted(set(place_rows) - set(
        ctx.county.place_names))
    places = [PlaceRate(name, Rate(as_int(place_rows[name]["expected"]),
                                   as_int(place_rows[name]["handed_in"]),
                                   as_int(place_rows[name]["late"])))
              for name in order if name in place_rows]
    total = Rate(sum(p.rate.expected for p in places), sum(p.rate.handed_in for p in places),
                 sum(p.rate.late for p in places))
    return Submissions(
        year=period.year, period=period, deadline=period.deadline(day),
        due=today > period.deadline(day), months=months, places=places, rate=total,
        late=await late_list(sql, period, day, list_limit),
        missing=await missing_list(sql, period, list_limit),
    )


# -- JSON --------------------------------------------------------------------------------
def rate_json(r: Rate) -> dict[str, Any]:
    return {"expected": r.expected, "handed_in": r.handed_in, "on_time": r.on_time,
            "late": r.late, "missing": r.missing, "rate": r.rate,
            "on_time_rate": r.on_time_rate}


def pending_json(p: Pending) -> dict[str, Any]:
    return {"enterprise_id": p.enterprise_id, "name": p.name, "credit_code": p.credit_code,
            "township": p.township, "industry": p.industry,
            "contact_name": p.contact_name, "contact_phone": p.contact_phone,
            "report_status": p.report_status, "submitted_at": p.submitted_at,
            "days_late": p.days_late}


def submissions_json(s: Submissions) -> dict[str, Any]:
    return {
        "period": str(s.period), "deadline": s.deadline, "deadline_passed": s.due,
        "unit": "%",
        **rate_json(s.rate),
        "months": [{"period": str(m.period), "deadline": m.deadline,
                    "deadline_passed": m.due, **rate_json(m.rate)} for m in s.months],
        "by_place": [{"place": p.place, **rate_json(p.rate)} for p in s.places],
        "late_enterprises": [pending_json(p) for p in s.late],
        "missing_enterprises": [pending_json(p) for p in s.missing],
    }
