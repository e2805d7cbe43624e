"""Registration (主体注册) on a national or provincial traceability platform, its photo
evidence, and supervision's verification of it.

Photos are decoded and re-encoded (images.py) and kept under DATA_DIR/evidence with
random names; they are read back only through `evidence_image`, which checks that the
reader is staff of that enterprise or supervision. Any change by the enterprise sends a
verified or rejected registration back to "pending": what was verified is what is on file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Enterprise, RegistrationEvidence, TraceabilityRegistration, User
from models.enums import Platform, Role, Verification
from models.rules import RuleError
from models.rules.dates import parse_date
from models.rules.text import halfwidth
from server.core import audit, clock
from server.core.config import Settings
from server.core.context import ServiceContext
from server.core.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationError
from server.core.permissions import (
    require_enterprise_reader,
    require_enterprise_staff,
    require_login,
    require_supervision,
)
from server.core.validation import Fields, boolean, choice, is_blank, text
from server.features.enterprises.service import existing_enterprise
from server.features.registration.images import reencode

MAX_PHOTOS = 10
COMMENT_MAX = 500
EARLIEST = date(2000, 1, 1)
_FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.jpg$")


# --- files ---------------------------------------------------------------------------


def evidence_dir(settings: Settings) -> Path:
    return settings.data_path / "evidence"


def _paths(settings: Settings, file_name: str) -> tuple[Path, Path]:
    """The photo and its thumbnail; only names this module made can become paths."""
    if not _FILE_NAME.match(file_name):
        raise NotFound("照片不存在")
    folder = evidence_dir(settings)
    return folder / file_name, folder / file_name.replace(".jpg", ".thumb.jpg")


def _write_files(files: list[tuple[Path, bytes]]) -> None:
    for path, data in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationView:
    registration: TraceabilityRegistration
    evidence: list[RegistrationEvidence]

    @property
    def review_token(self) -> str:
        """A fingerprint of what a reviewer saw: the data and the photos.

        A verification made from a page showing something else (the enterprise changed
        it meanwhile) is refused rather than applied to data nobody looked at.
        """
        r = self.registration
        seen = "|".join([r.platform.value, r.registration_no, r.registered_on.isoformat(),
                         *[e.file_name for e in self.evidence]])
        return hashlib.sha256(seen.encode()).hexdigest()[:16]

    def json(self) -> dict[str, Any]:
        r = self.registration
        base = f"/api/v1/enterprises/{r.enterprise_id}/traceability-registration/evidence"
        return {
            "id": r.id,
            "enterprise_id": r.enterprise_id,
            "platform": r.platform.value,
            "platform_label": r.platform.label,
            "registration_no": r.registration_no,
            "registered_on": r.registered_on,
            "verification": r.verification.value,
            "verification_label": r.verification.label,
            "verification_comment": r.verification_comment,
            "verified_at": r.verified_at,
            "review_token": self.review_token,
            "evidence": [
                {"id": e.id, "url": f"{base}/{e.id}", "thumbnail_url": f"{base}/{e.id}?size=thumb",
                 "width": e.width, "height": e.height, "size_bytes": e.size_bytes,
                 "sha256": e.sha256, "uploaded_at": e.uploaded_at}
                for e in self.evidence
            ],
            "updated_at": r.updated_at,
        }


async def get_registration(ctx: ServiceContext, enterprise_id: int) -> RegistrationView | None:
    """The enterprise's registration with its photos, or None (staff of it, supervision)."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    await existing_enterprise(enterprise_id)
    registration = await TraceabilityRegistration.get_or_none(enterprise_id=enterprise_id)
    if registration is None:
        return None
    evidence = await RegistrationEvidence.filter(registration_id=registration.id).order_by("id")
    return RegistrationView(registration, evidence)


async def registration_queue(ctx: ServiceContext,
                             verification: Verification = Verification.PENDING,
                             limit: int = 200) -> list[tuple[Enterprise, RegistrationView]]:
    """Registrations in one verification state, oldest change first (supervision)."""
    require_supervision(ctx.actor)
    registrations = await TraceabilityRegistration.filter(verification=verification) \
        .select_related("enterprise").order_by("updated_at", "id").limit(max(1, min(limit, 1000)))
    evidence: dict[int, list[RegistrationEvidence]] = {r.id: [] for r in registrations}
    for e in await RegistrationEvidence.filter(registration_id__in=list(evidence)).order_by("id"):
        evidence[e.registration_id].append(e)
    return [(r.enterprise, RegistrationView(r, evidence[r.id])) for r in registrations]


async def evidence_image(ctx: ServiceContext, enterprise_id: int, evidence_id: int, *,
                         thumbnail: bool = False) -> bytes:
    """A stored photo's JPEG bytes, for staff of that enterprise and supervision only."""
    require_enterprise_reader(ctx.actor, enterprise_id)
    evidence = await RegistrationEvidence.get_or_none(
        id=evidence_id, registration__enterprise_id=enterprise_id)
    if evidence is None:
        raise NotFound("照片不存在")
    full, thumb = _paths(ctx.settings, evidence.file_name)
    path = thumb if thumbnail and thumb.exists() else full
    try:
        return await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise NotFound("照片文件已丢失，请重新上传") from None


# --- writing -------------------------------------------------------------------------


def _registration_no(raw: Any) -> str:
    value = "".join(halfwidth(str(raw)).split()).upper()
    if len(value) < 4:
        raise RuleError("主体码太短，请按平台上显示的主体码填写")
    if len(value) > 64:
        raise RuleError("主体码最多64个字符")
    if any(not (ch.isascii() and (ch.isalnum() or ch == "-")) for ch in value):
        raise RuleError("主体码只能包含字母、数字和“-”")
    return value


def _parse(data: dict[str, Any]) -> dict[str, Any]:
    f = Fields(data)
    platform = f.required("platform", "追溯平台", choice([p.value for p in Platform], "追溯平台"))
    number = f.required("registration_no", "主体码", _registration_no)
    day = f.required("registered_on", "注册日期", lambda v: parse_date(v, "注册日期"))
    if day and day > clock.today():
        f.add("registered_on", "注册日期不能晚于今天，请核对")
    elif day and day < EARLIEST:
        f.add("registered_on", "注册日期过早，请核对")
    f.raise_if_invalid()
    return {"platform": Platform(platform), "registration_no": number, "registered_on": day}


def _back_to_pending(registration: TraceabilityRegistration) -> None:
    registration.verification = Verification.PENDING
    registration.verified_by = None
    registration.verified_at = None
    registration.verification_comment = ""


async def save_registration(ctx: ServiceContext, enterprise_id: int,
                            data: dict[str, Any]) -> TraceabilityRegistration:
    """Record or correct the registration (staff of the enterprise only)."""
    user = require_enterprise_staff(ctx.actor, enterprise_id)
    values = _parse(data)
    await existing_enterprise(enterprise_id)
    try:
        async with in_transaction():
            registration = await TraceabilityRegistration.select_for_update() \
                .get_or_none(enterprise_id=enterprise_id)
            if registration is None:
                registration = await TraceabilityRegistration.create(
                    enterprise_id=enterprise_id, **values)
                await audit.record(user, "registration.create", registration,
                                   after=audit.snapshot(registration),
                                   enterprise_id=enterprise_id, ip=ctx.ip)
                return registration
            changes = {k: v for k, v in values.items() if getattr(registration, k) != v}
            if not changes:
                return registration
            before = audit.snapshot(registration)
            for name, value in changes.items():
                setattr(registration, name, value)
            _back_to_pending(registration)
            await registration.save()
            await audit.record(user, "registration.update", registration, before=before,
                               after=audit.snapshot(registration),
                               enterprise_id=enterprise_id, ip=ctx.ip)
            return registration
    except IntegrityError:   # two first saves at once: the other one won
        raise Conflict("注册信息刚刚被其他人保存，请刷新后再试") from None


async def add_evidence(ctx: ServiceContext, enterprise_id: int,
                       data: bytes) -> RegistrationEvidence:
    """Store a photo proving the registration: 413 over UPLOAD_MAX_BYTES, 422 not an image."""
    user = require_enterprise_staff(ctx.actor, enterprise_id)
    cap = ctx.settings.UPLOAD_MAX_BYTES
    if len(data) > cap:
        message = f"照片不能超过{cap / 1024 / 1024:g} MB，请重新拍摄或压缩后上传"
        raise PayloadTooLarge(message, fields={"file": message})
    registration = await TraceabilityRegistration.get_or_none(enterprise_id=enterprise_id)
    if registration is None:
        message = "请先填写并保存注册信息，再上传照片"
        raise Conflict(message, fields={"file": message})
    if await RegistrationEvidence.filter(registration_id=registration.id).count() >= MAX_PHOTOS:
        raise ValidationError(fields={"file": f"最多上传{MAX_PHOTOS}张照片，请先删除不需要的"})
    try:
        photo = await asyncio.to_thread(reencode, data)
    except RuleError as exc:
        raise ValidationError(str(exc), fields={"file": str(exc)}) from None
    file_name = f"{secrets.token_urlsafe(24)}.jpg"
    full, thumb = _paths(ctx.settings, file_name)
    await asyncio.to_thread(_write_files, [(full, photo.jpeg), (thumb, photo.thumbnail)])
    try:
        async with in_transaction():
            registration = await TraceabilityRegistration.select_for_update() \
                .get(id=registration.id)
            evidence = await RegistrationEvidence.create(
                registration=registration, file_name=file_name, width=photo.width,
                height=photo.height, size_bytes=len(photo.jpeg), sha256=photo.sha256,
                uploaded_by=user)
            if registration.verification != Verification.PENDING:
                before = audit.snapshot(registration)
                _back_to_pending(registration)
                await registration.save()
                await audit.record(user, "registration.update", registration, before=before,
                                   after=audit.snapshot(registration),
                                   enterprise_id=enterprise_id, ip=ctx.ip)
            await audit.record(user, "registration.evidence_add", evidence,
                               after=audit.snapshot(evidence), enterprise_id=enterprise_id,
                               ip=ctx.ip)
    except BaseException:
        _remove_files([full, thumb])   # no orphan files when the row was not written
        raise
    return evidence


async def remove_evidence(ctx: ServiceContext, enterprise_id: int, evidence_id: int) -> None:
    """Delete a photo (staff of the enterprise); the registration needs checking again."""
    user = require_enterprise_staff(ctx.actor, enterprise_id)
    async with in_transaction():
        evidence = await RegistrationEvidence.get_or_none(
            id=evidence_id, registration__enterprise_id=enterprise_id)
        if evidence is None:
            raise NotFound("照片不存在")
        registration = await TraceabilityRegistration.select_for_update() \
            .get(id=evidence.registration_id)
        snapshot = audit.snapshot(evidence)
        await evidence.delete()
        if registration.verification != Verification.PENDING:
            before = audit.snapshot(registration)
            _back_to_pending(registration)
            await registration.save()
            await audit.record(user, "registration.update", registration, before=before,
                               after=audit.snapshot(registration),
                               enterprise_id=enterprise_id, ip=ctx.ip)
        await audit.record(user, "registration.evidence_remove", evidence, before=snapshot,
                           enterprise_id=enterprise_id, ip=ctx.ip)
    await asyncio.to_thread(_remove_files, list(_paths(ctx.settings, evidence.file_name)))


def _require_verifier(user: User | None) -> User:
    user = require_login(user)
    if user.role == Role.STAFF:
        raise Forbidden("注册信息由监管部门核验，企业不能核验自己的注册信息")
    return require_supervision(user)


async def verify_registration(ctx: ServiceContext, enterprise_id: int, verified: Any,
                              comment: Any = "", *,
                              review_token: str | None = None) -> TraceabilityRegistration:
    """Supervision verifies (verified=True) or rejects (False, comment required).

    `review_token` (from the page the reviewer looked at) refuses the decision with 409
    when the enterprise changed its data or photos in the meantime.
    """
    user = _require_verifier(ctx.actor)
    f = Fields({"verified": verified, "comment": comment})
    decision = f.required("verified", "核验结论", boolean)
    if decision is False and is_blank(comment):
        f.add("comment", "请填写未通过的原因，告诉企业需要怎样改正")
    clean = f.optional("comment", "核验意见", text(COMMENT_MAX, "核验意见"), "")
    f.raise_if_invalid()
    async with in_transaction():
        registration = await TraceabilityRegistration.select_for_update() \
            .get_or_none(enterprise_id=enterprise_id)
        if registration is None:
            raise NotFound("该企业尚未填写追溯平台注册信息")
        if review_token is not None:
            evidence = await RegistrationEvidence.filter(registration_id=registration.id) \
                .order_by("id")
            if RegistrationView(registration, evidence).review_token != review_token:
                raise Conflict("企业刚刚修改了注册信息或照片，请刷新后重新核验")
        before = audit.snapshot(registration)
        registration.verification = Verification.VERIFIED if decision else Verification.REJECTED
        registration.verified_by = user
        registration.verified_at = clock.now()
        registration.verification_comment = clean or ""
        await registration.save()
        await audit.record(user, "registration.verify" if decision else "registration.reject",
                           registration, before=before, after=audit.snapshot(registration),
                           enterprise_id=enterprise_id, ip=ctx.ip)
    return registration
