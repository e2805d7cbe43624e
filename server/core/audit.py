"""Writing the audit log: who changed what, when, with the record before and after.

Call `record` inside the same transaction as the change, so that a change and its
audit entry are committed together or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.models import Model

from models import AuditLog, User


def snapshot(obj: Model | None, *, exclude: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """A JSON-safe dict of a model's database fields (secrets excluded by the caller)."""
    if obj is None:
        return None
    out: dict[str, Any] = {}
    for name in obj._meta.db_fields:
        if name in exclude:
            continue
        out[name] = _plain(getattr(obj, name))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


async def record(
    actor: User | None,
    action: str,
    entity: Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    enterprise_id: int | None = None,
    ip: str = "",
) -> AuditLog:
    return await AuditLog.create(
        actor=actor,
        actor_label=str(actor) if actor else "系统",
        action=action,
        entity=type(entity).__name__,
        entity_id=str(entity.pk),
        enterprise_id=enterprise_id,
        before=before,
        after=after,
        ip=ip,
    )


# How an entry reads to a person: "月报 · 提交". Entity and verb are labelled separately so
# that a new action of a feature reads sensibly without being registered anywhere.
ENTITY_LABELS = {
    "Enterprise": "企业信息", "User": "账号", "ApiToken": "API令牌", "MonthlyReport": "月报",
    "Certification": "证书", "TraceabilityRegistration": "追溯平台注册",
    "RegistrationEvidence": "注册凭证", "Product": "产品", "Batch": "批次",
    "TraceEvent": "追溯事件", "TraceCode": "追溯码", "Complaint": "投诉",
    "TargetEntry": "规划指标录入",
}
VERB_LABELS = {
    "create": "新建", "update": "修改", "delete": "删除", "save": "保存", "submit": "提交",
    "approve": "审核通过", "return": "退回修改", "verify": "核验", "reject": "核验不通过",
    "void": "作废", "issue": "生成", "import": "导入", "revoke": "撤销", "upload": "上传",
    "password_change": "修改密码", "password_reset": "重设密码", "handle": "处理",
}


FIELD_LABELS = {
    # enterprise and accounts
    "credit_code": "统一社会信用代码", "name": "名称", "township": "所在地", "industry": "产业",
    "other_industries": "其他产业", "leading_level": "龙头企业级别", "above_scale": "规上企业",
    "above_scale_since": "纳入规上时间", "legal_representative": "法定代表人",
    "contact_name": "联系人", "contact_phone": "联系电话", "address": "地址", "status": "状态",
    "phone": "手机号", "role": "身份", "enterprise_id": "所属企业", "is_active": "启用",
    "prefix": "令牌前缀",
    # reports
    "period": "月份", "revenue": "营业收入（万元）", "output_value": "产值（万元）",
    "output_quantity": "产量", "output_unit": "产量单位", "employees": "从业人数",
    "products": "产品明细", "milk_protein_pct": "乳蛋白率（%）", "milk_fat_pct": "乳脂肪率（%）",
    "milk_bacteria_per_ml": "菌落总数（/mL）", "milk_somatic_cells_per_ml": "体细胞数（/mL）",
    "change_explanation": "变动说明", "review_comment": "审核意见", "submitted_at": "提交时间",
    "submitted_by_id": "提交人", "reviewed_at": "审核时间", "reviewed_by_id": "审核人",
    # certificates and registration
    "kind": "类型", "certificate_no": "证书编号", "product_name": "产品名称",
    "issued_on": "颁证日期", "expires_on": "有效期至", "annual_inspection": "年检状态",
    "source": "来源", "platform": "追溯平台", "registration_no": "主体码",
    "registered_on": "注册日期", "verification": "核验状态", "verified_at": "核验时间",
    "verification_comment": "核验意见", "verified_by_id": "核验人",
    # products, batches, codes
    "spec": "规格", "gtin": "商品条码", "certification_id": "关联证书", "batch_no": "批次号",
    "production_date": "生产日期", "quantity": "数量", "quantity_unit": "数量单位",
    "origin": "产地", "code": "追溯码", "void_reason": "作废原因", "voided_at": "作废时间",
    "count": "数量", "text": "内容", "handling_note": "处理说明", "handled_at": "处理时间",
    "value": "数值", "as_of": "截至日期", "note": "说明", "target_key": "指标",
    "serial": "序号", "scan_count": "扫码次数", "first_scan_at": "首次扫码时间",
    "last_scan_at": "最近扫码时间", "type": "环节", "at": "发生时间", "location": "地点",
    "operator_name": "操作人", "contact": "联系方式", "code_text": "扫码内容",
    # accounts, tokens, reports, evidence files
    "password_changed_at": "密码修改时间", "last_login_at": "最近登录时间",
    "last_used_at": "最近使用时间", "revoked_at": "撤销时间",
    "first_submitted_at": "首次提交时间", "file_name": "文件名", "content_type": "文件类型",
    "size_bytes": "文件大小（字节）", "width": "宽度（像素）", "height": "高度（像素）",
    "sha256": "文件校验值", "uploaded_at": "上传时间",
    # links to other records (ids)
    "user_id": "账号", "product_id": "产品", "batch_id": "批次", "trace_code_id": "追溯码",
    "registration_id": "追溯平台注册", "corrects_id": "更正的事件", "operator_id": "录入人",
    "created_by_id": "录入人", "uploaded_by_id": "上传人", "entered_by_id": "录入人",
    "handled_by_id": "处理人", "voided_by_id": "作废人",
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def describe(entry: AuditLog) -> str:
    verb = entry.action.rsplit(".", 1)[-1]
    return f"{ENTITY_LABELS.get(entry.entity, entry.entity)} · {VERB_LABELS.get(verb, verb)}"


def changed_fields(entry: AuditLog) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field whose value differs."""
    before, after = entry.before or {}, entry.after or {}
    skip = {"updated_at", "created_at", "version"}
    return [
        (field_label(name), before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if name not in skip and before.get(name) != after.get(name)
    ]
