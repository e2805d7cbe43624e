"""Counting scans without a write per scan, and without losing one.

Each worker process keeps its own buffer (module state is per worker: STACK-NOTES trap
8): a scan is a dictionary increment on the request's path. A task started with the
server writes the buffer every SCAN_FLUSH_SECONDS in one transaction, as relative
updates (`scan_count = scan_count + n`), so any number of workers can flush into the
same rows. A flush that fails puts its counts back; the server's shutdown writes what is
left after the last request has been answered and before the database is closed.
Only a killed process (SIGKILL, power loss) can lose the scans of its last interval.

What a page shows is the row's count plus what this worker still holds, a flush in
flight included (`unwritten`); `generation` tells a reader that a flush committed while
it waited, so it reads the row again rather than miss those scans. Other workers'
unwritten scans appear within SCAN_FLUSH_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime

from tortoise import connections
from tortoise.transactions import in_transaction

from models import TraceCode
from server.core import clock

log = logging.getLogger(__name__)

# Relative updates, one statement per code, in the dialect's parameter style.
_SQL = {
    "sqlite": (
        "UPDATE trace_code SET scan_count = scan_count + ?, "
        "first_scan_at = COALESCE(first_scan_at, ?), "
        "last_scan_at = CASE WHEN last_scan_at IS NULL OR last_scan_at < ? THEN ? "
        "ELSE last_scan_at END WHERE id = ?",
        "INSERT INTO scan_daily (batch_id, day, count) VALUES (?, ?, ?) "
        "ON CONFLICT (batch_id, day) DO UPDATE SET count = scan_daily.count + excluded.count",
    ),
    "postgres": (
        "UPDATE trace_code SET scan_count = scan_count + $1, "
        "first_scan_at = COALESCE(first_scan_at, $2), "
        "last_scan_at = CASE WHEN last_scan_at IS NULL OR last_scan_at < $3 THEN $4 "
        "ELSE last_scan_at END WHERE id = $5",
        "INSERT INTO scan_daily (batch_id, day, count) VALUES ($1, $2, $3) "
        "ON CONFLICT (batch_id, day) DO UPDATE SET count = scan_daily.count + excluded.count",
    ),
}


@dataclass
class Pending:
    count: int
    first_at: datetime
    last_at: datetime


class ScanCounter:
    """Scans seen by this worker and not yet written to the database."""

    def __init__(self) -> None:
        self.codes: dict[int, Pending] = {}
        self.days: dict[tuple[int, date], int] = {}
        # What a flush is writing right now: still this worker's to show until committed.
        self.flushing: dict[int, Pending] = {}
        self.generation = 0          # flushes committed: a reader that saw it change re-reads
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    def record(self, code_id: int, batch_id: int, at: datetime) -> Pending:
        """Count one scan; returns what this worker holds for the code, this one included."""
        pending = self.codes.get(code_id)
        if pending is None:
            pending = self.codes[code_id] = Pending(0, at, at)
        pending.count += 1
        pending.last_at = at
        key = (batch_id, clock.local(at).date())
        self.days[key] = self.days.get(key, 0) + 1
        return pending

    def pending(self, code_id: int) -> Pending | None:
        return self.codes.get(code_id)

    def unwritten(self, code_id: int) -> tuple[int, datetime | None]:
        """Scans of the code this worker holds that the database does not show yet:
        (count, earliest), the buffer and any flush still in flight together."""
        count, first = 0, None
        for held in (self.flushing.get(code_id), self.codes.get(code_id)):
            if held is not None:
                count += held.count
                first = held.first_at if first is None else min(first, held.first_at)
        return count, first

    @property
    def total_pending(self) -> int:
        return sum(p.count for p in self.codes.values())

    async def flush(self) -> int:
        """Write the buffered counts in one transaction; returns the scans written."""
        async with self._lock:
            codes, days = self.codes, self.days
            if not codes and not days:
                return 0
            self.codes, self.days = {}, {}     # scans from now on go to a fresh buffer
            self.flushing = codes
            try:
                await self._write(codes, days)
            except BaseException:
                self.flushing = {}
                self._restore(codes, days)     # nothing is lost: the next flush retries
                raise
            self.flushing = {}
            self.generation += 1
            return sum(p.count for p in codes.values())

    def _restore(self, codes: dict[int, Pending], days: dict[tuple[int, date], int]) -> None:
        for code_id, old in codes.items():
            now = self.codes.get(code_id)
            if now is None:
                self.codes[code_id] = old
            else:
                now.count += old.count
                now.first_at = min(now.first_at, old.first_at)
                now.last_at = max(now.last_at, old.last_at)
        for key, n in days.items():
            self.days[key] = self.days.get(key, 0) + n

    async def _write(self, codes: dict[int, Pending], days: dict[tuple[int, date], int]) -> None:
        dialect = connections.get("default").capabilities.dialect
        update, upsert = _SQL["sqlite" if dialect == "sqlite" else "postgres"]
        to_db = TraceCode._meta.fields_map["first_scan_at"].to_db_value
        # Always the same order, so concurrent flushes of several workers cannot deadlock.
        code_rows = []
        for code_id in sorted(codes):
            p = codes[code_id]
            first, last = to_db(p.first_at, TraceCode), to_db(p.last_at, TraceCode)
            code_rows.append([p.count, first, last, last, code_id])
        day_rows = [[batch_id, day, n] for (batch_id, day), n in sorted(days.items())]
        async with in_transaction() as conn:
            if code_rows:
                await conn.execute_many(update, code_rows)
            if day_rows:
                await conn.execute_many(upsert, day_rows)

    # -- life cycle with the server ------------------------------------------------------
    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away: keep counting, retry
                log.warning("scan counts not written yet (%d pending); will retry",
                            self.total_pending, exc_info=True)

    def start(self, every: float) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(every))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        written = await self.flush()
        if written:
            log.info("wrote %d buffered scans at shutdown", written)
