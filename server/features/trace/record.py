"""The public trace record behind a code: one query per scan, the rest cached per batch.

A scan reads its code's row (status, counters) with one indexed query. Everything else
on the page - product, enterprise, certificates with their validity today, registration,
the event timeline - belongs to the batch and changes rarely, so each worker keeps it,
with its page fragment already rendered, for RECORD_TTL seconds. A worker forgets a
batch at once when it writes to it; other workers within the TTL.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise import connections

from models import (
    Batch,
    Certification,
    Enterprise,
    Product,
    TraceabilityRegistration,
    TraceEvent,
)
from models.enums import CodeStatus, Verification
from models.rules.validity import certificate_validity
from server.core.county import County
from server.features.trace.service import quantity_str

RECORD_TTL = 10.0
MAX_BATCHES = 2048
MAX_CERTIFICATES = 20

_FIND = {
    "sqlite": "SELECT id, batch_id, status, void_reason, voided_at, scan_count, first_scan_at "
              "FROM trace_code WHERE code = ?",
    "postgres": "SELECT id, batch_id, status, void_reason, voided_at, scan_count, first_scan_at "
                "FROM trace_code WHERE code = $1",
}


@dataclass(frozen=True)
class CodeRow:
    id: int
    batch_id: int
    code: str
    void: bool
    void_reason: str
    voided_at: datetime | None
    scan_count: int
    first_scan_at: datetime | None


class CodeReader:
    """Reads a code's row: the one query of a scan.

    On PostgreSQL through the app's asyncpg pool. On SQLite through a read-only
    connection of this worker used directly on the event loop: an indexed point read
    takes microseconds, far less than handing it to aiosqlite's thread and back (which
    halved the page's throughput). WAL mode lets it read while others write.
    """

    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._engine: str | None = None          # this worker's, found on first use

    async def find(self, code: str) -> CodeRow | None:
        if self._engine is None:
            conn = connections.get("default")
            self._engine = "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"
            if self._engine == "sqlite":
                self._sqlite = sqlite3.connect(f"file:{conn.filename}?mode=ro", uri=True,
                                               check_same_thread=False)
                self._sqlite.execute("PRAGMA busy_timeout = 5000")
        if self._sqlite is not None:
            row = self._sqlite.execute(_FIND["sqlite"], (code,)).fetchone()
        else:
            rows = await connections.get("default").execute_query_dict(_FIND["postgres"], [code])
            row = tuple(rows[0].values()) if rows else None
        if row is None:
            return None
        code_id, batch_id, status, reason, voided_at, scans, first_at = row
        return CodeRow(id=code_id, batch_id=batch_id, code=code,
                       void=status == CodeStatus.VOID.value, void_reason=reason or "",
                       voided_at=as_time(voided_at), scan_count=int(scans),
                       first_scan_at=as_time(first_at))

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        self._engine = None


def as_time(value: Any) -> datetime | None:
    """A timestamp as the driver returns it: a datetime (asyncpg) or ISO text (SQLite)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


@dataclass
class TraceRecord:
    """A batch as consumers see it (the JSON of GET /trace/{code} without `scans`)."""

    batch_id: int
    day: date
    data: dict[str, Any]
    # The page split at its per-scan parts: UTF-8 pieces, and the slot markers (str).
    page: list[bytes | str] = field(default_factory=list)


async def load_record(batch_id: int, county: County, today: date,
                      warn_days: int) -> TraceRecord | None:
    batch = await Batch.get_or_none(id=batch_id)
    if batch is None:
        return None
    product = await Product.get(id=batch.product_id)
    enterprise = await Enterprise.get(id=product.enterprise_id)
    certificates = await (Certification.filter(enterprise_id=enterprise.id)
                          .order_by("kind", "-issued_on").limit(MAX_CERTIFICATES))
    registration = await TraceabilityRegistration.get_or_none(enterprise_id=enterprise.id)
    events = await TraceEvent.filter(batch_id=batch.id).order_by("at", "id")
    industry = county.industry(product.industry)
    place = county.place(enterprise.township)
    corrected = {e.corrects_id for e in events if e.corrects_id}
    certs = []
    for c in certificates:
        validity = certificate_validity(c.issued_on, c.expires_on, today, warn_days)
        certs.append({
            "kind": c.kind.value, "kind_label": c.kind.label,
            "certificate_no": c.certificate_no, "product_name": c.product_name,
            "issued_on": c.issued_on, "expires_on": c.expires_on,
            "validity": validity.value, "validity_label": validity.label,
            "valid": validity.is_valid, "for_this_product": c.id == product.certification_id,
        })
    certs.sort(key=lambda c: not c["for_this_product"])
    registered = None
    if registration is not None and registration.verification != Verification.REJECTED:
        registered = {
            "platform": registration.platform.value,
            "platform_label": registration.platform.label,
            "registration_no": registration.registration_no,
            "registered_on": registration.registered_on,
            "verified": registration.verification == Verification.VERIFIED,
        }
    data = {
        "product": {
            "name": product.name, "spec": product.spec, "industry": product.industry,
            "industry_name": industry.name if industry else product.industry,
            "gtin": product.gtin,
        },
        "enterprise": {
            "name": enterprise.name, "township": enterprise.township,
            "place": f"{county.province}{county.name}{enterprise.township}",
            "place_kind": place.kind_label if place else "",
            "credit_code": enterprise.credit_code,
        },
        "batch": {
            "batch_no": batch.batch_no, "production_date": batch.production_date,
            "quantity": quantity_str(batch.quantity), "quantity_unit": batch.quantity_unit,
            "origin": batch.origin,
        },
        "certificates": certs,
        "registration": registered,
        "events": [{
            "id": e.id, "type": e.type.value, "type_label": e.type.label, "at": e.at,
            "location": e.location, "note": e.note, "operator_name": e.operator_name,
            "corrects": e.corrects_id, "corrected": e.id in corrected,
        } for e in events],
    }
    return TraceRecord(batch_id=batch.id, day=today, data=data)


class RecordCache:
    """Per-worker cache of batch records, least recently used dropped first."""

    def __init__(self, ttl: float = RECORD_TTL, size: int = MAX_BATCHES) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[int, tuple[float, TraceRecord]] = OrderedDict()
        self.loading: dict[int, asyncio.Future] = {}     # batch id -> its load in flight

    def get(self, batch_id: int, today: date) -> TraceRecord | None:
        item = self._items.get(batch_id)
        if item is None:
            return None
        expires, record = item
        if expires < time.monotonic() or record.day != today:
            del self._items[batch_id]
            return None
        self._items.move_to_end(batch_id)
        return record

    def put(self, record: TraceRecord) -> None:
        self._items[record.batch_id] = (time.monotonic() + self.ttl, record)
        self._items.move_to_end(record.batch_id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def forget(self, batch_id: int | None = None) -> None:
        if batch_id is None:
            self._items.clear()
        else:
            self._items.pop(batch_id, None)
