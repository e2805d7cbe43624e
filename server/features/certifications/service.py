"""Certificates (green food, organic, geographic indication) and brand authorisations.

Validity is computed from the dates and today every time it is shown (never stored, so
never stale); a certificate expiring within CERT_EXPIRY_WARN_DAYS is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Certification
from models.enums import AnnualInspection, CertificateKind, RecordSource
from models.rules import RuleError
from models.rules.dates import parse_date
from models.rules.text import halfwidth
from models.rules.validity import Validity, certificate_validity
from server.core import audit, clock
from server.core.context import ServiceContext
from server.core.errors import Conflict, Forbidden, NotFound, ValidationError
from server.core.permissions import (
    is_supervision,
    require_enterprise_reader,
    require_enterprise_writer,
)
from server.core.validation import Fields, choice, text
from server.features.enterprises.service import existing_enterprise

# Fields an official list (import-certs) fixes: staff may only keep the annual inspection.
OFFICIAL_FIELDS = ("kind", "certificate_no", "product_name", "issued_on", "expires_on")


@dataclass(frozen=True)
class CertificateView:
    """A certificate with what today makes of it."""

    cert: Certification
    validity: Validity
    days_left: int        # until expiry; negative once expired

    @property
    def flagged(self) -> bool:
        """Needs the enterprise's attention: expiring, expired, or failed its inspection."""
        return self.validity in (Validity.EXPIRING, Validity.EXPIRED) or \
            self.cert.annual_inspection == AnnualInspection.FAILED

    def json(self) -> dict[str, Any]:
        c = self.cert
        return {
            "id": c.id,
            "enterprise_id": c.enterprise_id,
            "kind": c.kind.value,
            "kind_label": c.kind.label,
            "certificate_no": c.certificate_no,
            "product_name": c.product_name,
            "issued_on": c.issued_on,
            "expires_on": c.expires_on,
            "annual_inspection": c.annual_inspection.value,
            "annual_inspection_label": c.annual_inspection.label,
            "source": c.source.value,
            "validity": self.validity.value,
            "validity_label": self.validity.label,
            "valid": self.validity.is_valid,
            "expiring": self.validity == Validity.EXPIRING,
            "days_left": self.days_left,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }


def view(ctx: ServiceContext, cert: Certification, today: date | None = None) -> CertificateView:
    today = today or clock.today()
    return CertificateView(
        cert,
        certificate_validity(cert.issued_on, cert.expires_on, today,
                             ctx.settings.CERT_EXPIRY_WARN_DAYS),
        (cert.expires_on - today).days,
    )


def _certificate_no(raw: Any) -> str:
    """Half-width, upper-case, without spaces: 'lb-18-2104 121234a' is LB-18-2104121234A."""
    value = "".join(halfwidth(str(raw)).split()).upper()
    if len(value) > 64:
        raise RuleError("证书编号最多64个字符")
    if len(value) < 4:
        raise RuleError("证书编号太短，请按证书上的编号填写")
    if any(not (ch.isalnum() or ch in "-_/()（）.") for ch in value):
        raise RuleError("证书编号只能包含字母、数字和 - _ / ( ) .")
    return value


def _parse(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Checked fields; with `partial` only those present (a PATCH)."""
    f = Fields(data)
    out: dict[str, Any] = {}

    def want(name: str) -> bool:
        return not partial or f.present(name)

    if want("kind"):
        kind = f.required("kind", "证书类型",
                          choice([k.value for k in CertificateKind], "证书类型"))
        out["kind"] = CertificateKind(kind) if kind else None
    if want("certificate_no"):
        out["certificate_no"] = f.required("certificate_no", "证书编号", _certificate_no)
    if want("product_name"):
        out["product_name"] = f.required("product_name", "产品名称", text(200, "产品名称"))
    if want("issued_on"):
        out["issued_on"] = f.required("issued_on", "颁证日期", lambda v: parse_date(v, "颁证日期"))
    if want("expires_on"):
        out["expires_on"] = f.required("expires_on", "有效期至",
                                       lambda v: parse_date(v, "有效期至"))
    if want("annual_inspection"):
        inspection = f.optional("annual_inspection", "年检状态",
                                choice([a.value for a in AnnualInspection], "年检状态"),
                                AnnualInspection.NOT_DUE.value)
        out["annual_inspection"] = AnnualInspection(inspection) if inspection else None
    issued = out.get("issued_on")
    if issued and issued > clock.today():
        f.add("issued_on", "颁证日期不能晚于今天，请核对")
    f.raise_if_invalid()
    return out


def _check_dates(issued_on: date, expires_on: date) -> None:
    if not issued_on < expires_on:
        message = "有效期至应晚于颁证日期，请核对两个日期"
        raise ValidationError(message, fields={"expires_on": message})


def _duplicate() -> Conflict:
    message = "该类型的这个证书编号已经登记过"
    return Conflict(message, fields={"certificate_no": message})



async def create_certification(ctx: ServiceContext, enterprise_id: int,
                               data: dict[str, Any]) -> Certification:
    """Record a certificate (staff of the enterprise, or supervision). 409 for a known number."""
    user = require_enterprise_writer(ctx.actor, enterprise_id)
    values = _parse(data, partial=False)
    _check_dates(values["issued_on"], values["expires_on"])
    await existing_enterprise(enterprise_id)
    if await Certification.exists(kind=values["kind"], certificate_no=values["certificate_no"]):
        raise _duplicate()
    source = RecordSource.SUPERVISION if is_supervision(user) else RecordSource.SELF
    try:
        async with in_transaction():
            cert = await Certification.create(enterprise_id=enterprise_id, source=source,
                                              created_by=user, **values)
            await audit.record(user, "certification.create", cert,
                               after=audit.snapshot(cert), enterprise_id=enterprise_id,
                               ip=ctx.ip)
    except IntegrityError:   # the same number recorded at the same moment
        raise _duplicate() from None
    return cert


async def get_certification(ctx: ServiceContext, enterprise_id: int,
                            cert_id: int) -> Certification:
    require_enterprise_reader(ctx.actor, enterprise_id)
    cert = await Certification.get_or_none(id=cert_id, enterprise_id=enterprise_id)
    if cert is None:
        raise NotFound("证书不存在")
    return cert


async def update_certification(ctx: ServiceContext, enterprise_id: int, cert_id: int,
                               data: dict[str, Any]) -> Certification:
    """Correct a certificate or record its annual inspection.

    Certificates from the official list are the authority's data: staff may only
    record the annual inspection on them.
    """
    user = require_enterprise_writer(ctx.actor, enterprise_id)
    changes = _parse(data, partial=True)
    try:
        async with in_transaction():
            cert = await Certification.select_for_update() \
                .get_or_none(id=cert_id, enterprise_id=enterprise_id)
            if cert is None:
                raise NotFound("证书不存在")
            changes = {k: v for k, v in changes.items() if getattr(cert, k) != v}
            if not changes:
                return cert
            if cert.source == RecordSource.IMPORT and not is_supervision(user):
                locked = {k: "该证书来自官方名录，只能由监管部门修改" for k in changes
                          if k in OFFICIAL_FIELDS}
                if locked:
                    raise Forbidden("官方名录中的证书信息只能由监管部门修改", fields=locked)
            _check_dates(changes.get("issued_on", cert.issued_on),
                         changes.get("expires_on", cert.expires_on))
            kind = changes.get("kind", cert.kind)
            number = changes.get("certificate_no", cert.certificate_no)
            if ("kind" in changes or "certificate_no" in changes) and await Certification \
                    .filter(kind=kind, certificate_no=number).exclude(id=cert.id).exists():
                raise _duplicate()
            before = audit.snapshot(cert)
            for name, value in changes.items():
                setattr(cert, name, value)
            await cert.save()
            await audit.record(user, "certification.update", cert, before=before,
                               after=audit.snapshot(cert), enterprise_id=enterprise_id,
                               ip=ctx.ip)
    except IntegrityError:
        raise _duplicate() from None
    return cert


async def list_certifications(ctx: ServiceContext, enterprise_id: int) -> list[CertificateView]:
    """The enterprise's certificates, valid ones first, each with its validity today."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    await existing_enterprise(enterprise_id)
    today = clock.today()
    certs = await Certification.filter(enterprise_id=enterprise_id).order_by("-issued_on", "id")
    views = [view(ctx, c, today) for c in certs]
    order = {Validity.EXPIRING: 0, Validity.VALID: 1, Validity.NOT_YET_VALID: 2,
             Validity.EXPIRED: 3}
    return sorted(views, key=lambda v: (order[v.validity], v.days_left))


async def flagged_certifications(ctx: ServiceContext,
                                 enterprise_id: int) -> list[CertificateView]:
    """Certificates needing attention: expiring soon, expired within the last year, or
    failed their annual inspection (for the staff to-do)."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    today = clock.today()
    horizon = date.fromordinal(today.toordinal() - 365)
    certs = await Certification.filter(enterprise_id=enterprise_id, expires_on__gte=horizon)
    views = [view(ctx, c, today) for c in certs]
    # An expired certificate that has been renewed (a valid one of the same kind for the
    # same product) needs nothing more.
    renewed = {(v.cert.kind, v.cert.product_name) for v in views
               if v.validity in (Validity.VALID, Validity.EXPIRING)}
    flagged = [v for v in views if v.flagged and not (
        v.validity == Validity.EXPIRED and (v.cert.kind, v.cert.product_name) in renewed)]
    return sorted(flagged, key=lambda v: v.days_left)
