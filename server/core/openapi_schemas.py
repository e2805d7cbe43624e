"""Schemas of the JSON API's bodies, defined once and referenced by the routes' `@doc`.

They describe what the API really writes (`server/core/jsonutil.py`: Decimal as a
decimal string, dates and times as ISO text) and what it accepts (`models/rules`:
money and quantities as decimal strings or JSON numbers, never read as floats).
"""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    """An object; `required=None` means every property is always present."""
    schema: dict[str, Any] = {"type": "object", "properties": props,
                              "required": list(props) if required is None else required}
    if not schema["required"]:
        del schema["required"]
    schema.update(extra)
    return schema


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def items_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": array(item)})


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": array(item), "total": COUNT, "limit": COUNT, "offset": COUNT})


def enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


STR = {"type": "string"}
INT = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
PERIOD = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2025-06"}
# What the API writes: money and other decimals as decimal strings ("12.50", "1200").
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "example": "12.50"}
# What it reads: a decimal string (up to 4 places for money, a unit suffix forgiven) or a
# JSON number, parsed as Decimal.
MONEY_IN = {"oneOf": [{"type": "string", "example": "1234.5"},
                      {"type": "number", "minimum": 0}],
            "description": "万元, a decimal string (up to 4 places) or a number"}
QUANTITY_IN = {"oneOf": [{"type": "string", "example": "300.5"},
                         {"type": "number", "minimum": 0}]}
TEXT = {"type": "string"}
N_STR = nullable(STR)
N_INT = nullable(INT)
N_DATE = nullable(DATE)
N_DATETIME = nullable(DATETIME)
N_DECIMAL = nullable(DECIMAL)

CERT_KINDS = ("green_food", "organic", "geo_indication", "brand_hulin_linden_honey",
              "brand_heitu_youpin")
LEADING_LEVELS = ("none", "city", "province", "nation")
REPORT_STATUSES = ("draft", "submitted", "returned", "approved")
INSPECTIONS = ("not_due", "pending", "passed", "failed")
EVENT_TYPES = ("harvest", "receive", "process", "inspect", "pack", "ship")

_error_body = obj({
    "code": STR,
    "message": STR,
    "fields": {"type": "object", "additionalProperties": STR,
               "description": "per-field messages, e.g. `products.2.quantity`"},
}, required=["code", "message"])

User = obj({"id": ID, "phone": STR, "name": STR, "role": enum("admin", "supervisor", "staff"),
            "role_label": STR, "enterprise_id": N_INT, "is_active": BOOL})

Enterprise = obj({
    "id": ID, "credit_code": STR, "name": STR, "township": STR, "township_kind": N_STR,
    "industry": STR, "industry_name": STR, "other_industries": array(STR),
    "leading_level": enum(*LEADING_LEVELS), "leading_level_label": STR,
    "above_scale": BOOL, "above_scale_since": N_DATE, "legal_representative": STR,
    "contact_name": STR, "contact_phone": STR, "address": STR,
    "status": enum("active", "suspended", "closed"), "status_label": STR,
    "created_at": DATETIME, "updated_at": DATETIME,
})

_profile = {
    "credit_code": {"type": "string", "description": "统一社会信用代码 (GB 32100-2015), 18 "
                    "characters with its check character", "example": "91230381MAL5EP7T6T"},
    "name": {"type": "string", "maxLength": 200},
    "township": {"type": "string", "description": "a place of the county (name or alias)"},
    "industry": {"type": "string", "description": "an industry code or Chinese name"},
    "other_industries": array(STR),
    "leading_level": enum(*LEADING_LEVELS),
    "above_scale": BOOL,
    "above_scale_since": nullable(DATE),
    "legal_representative": {"type": "string", "maxLength": 64},
    "contact_name": {"type": "string", "maxLength": 64},
    "contact_phone": {"type": "string", "maxLength": 32},
    "address": {"type": "string", "maxLength": 255},
}
EnterpriseInput = obj(_profile, required=["credit_code", "name", "township", "industry"])
EnterprisePatch = obj({**_profile, "status": enum("active", "suspended", "closed")},
                      required=[])

ReportProduct = obj({"name": STR, "quantity": {"oneOf": [STR, {"type": "number"}]},
                     "unit": STR}, required=["name", "quantity"])

_warning = obj({}, required=[])
_history = obj({"version": INT, "action": STR, "action_label": STR, "status": STR,
                "actor": N_STR, "at": DATETIME, "comment": STR,
                "changes": array({"type": "object"})}, required=["version", "action", "at"])

Report = obj({
    "id": ID, "enterprise_id": ID, "period": PERIOD,
    "status": enum(*REPORT_STATUSES), "status_label": STR, "locked": BOOL,
    "revenue": N_DECIMAL, "output_value": N_DECIMAL, "output_quantity": N_DECIMAL,
    "output_unit": STR, "employees": N_INT,
    "products": array(obj({"name": STR, "quantity": DECIMAL, "unit": STR})),
    "milk_protein_pct": N_DECIMAL, "milk_fat_pct": N_DECIMAL,
    "milk_bacteria_per_ml": N_INT, "milk_somatic_cells_per_ml": N_INT,
    "milk_shortfalls": array({}),
    "change_explanation": STR, "review_comment": STR,
    "deadline": DATE, "late": BOOL, "overdue": BOOL,
    "submitted_at": N_DATETIME, "first_submitted_at": N_DATETIME, "reviewed_at": N_DATETIME,
    "version": INT, "updated_at": DATETIME,
    "warnings": array(_warning), "history": array(_history),
    "enterprise_name": STR,
}, required=["id", "enterprise_id", "period", "status", "locked", "revenue", "version",
             "deadline", "late", "overdue"])

ReportInput = obj({
    "revenue": nullable(MONEY_IN), "output_value": nullable(MONEY_IN),
    "output_quantity": nullable(QUANTITY_IN), "output_unit": N_STR,
    "employees": nullable({"oneOf": [{"type": "integer", "minimum": 0}, STR]}),
    "products": nullable(array(ReportProduct, maxItems=50)),
    "milk_protein_pct": nullable(QUANTITY_IN), "milk_fat_pct": nullable(QUANTITY_IN),
    "milk_bacteria_per_ml": nullable(QUANTITY_IN),
    "milk_somatic_cells_per_ml": nullable(QUANTITY_IN),
    "change_explanation": N_STR,
    "version": {"type": "integer", "description": "the version read: a stale one is 409"},
}, required=[], description="a draft may leave any figure blank")

Certification = obj({
    "id": ID, "enterprise_id": ID, "kind": enum(*CERT_KINDS), "kind_label": STR,
    "certificate_no": STR, "product_name": STR, "issued_on": DATE, "expires_on": DATE,
    "annual_inspection": enum(*INSPECTIONS), "annual_inspection_label": STR,
    "source": enum("self", "supervision", "import"),
    "validity": enum("valid", "expiring", "expired", "not_yet_valid"), "validity_label": STR,
    "valid": BOOL, "expiring": BOOL, "days_left": INT,
    "created_at": DATETIME, "updated_at": DATETIME,
})
_cert_fields = {
    "kind": enum(*CERT_KINDS), "certificate_no": {"type": "string", "maxLength": 64},
    "product_name": {"type": "string", "maxLength": 200}, "issued_on": DATE,
    "expires_on": DATE, "annual_inspection": enum(*INSPECTIONS),
}
CertificationInput = obj(_cert_fields, required=["kind", "certificate_no", "product_name",
                                                 "issued_on", "expires_on"])
CertificationPatch = obj(_cert_fields, required=[])

Evidence = obj({"id": ID, "url": STR, "thumbnail_url": STR, "width": INT, "height": INT,
                "size_bytes": INT, "sha256": STR, "uploaded_at": DATETIME})
Registration = obj({
    "id": ID, "enterprise_id": ID, "platform": enum("national", "provincial"),
    "platform_label": STR, "registration_no": STR, "registered_on": DATE,
    "verification": enum("pending", "verified", "rejected"), "verification_label": STR,
    "verification_comment": STR, "verified_at": N_DATETIME, "review_token": STR,
    "evidence": array(Evidence), "updated_at": DATETIME, "enterprise_name": STR,
}, required=["id", "enterprise_id", "platform", "registration_no", "registered_on",
             "verification", "evidence"])
RegistrationInput = obj({"platform": enum("national", "provincial"),
                         "registration_no": {"type": "string", "maxLength": 64},
                         "registered_on": DATE})
VerifyInput = obj({"verified": BOOL, "comment": STR,
                   "review_token": {"type": "string", "description":
                                    "the `review_token` read: a changed registration is 409"}},
                  required=["verified"])

Product = obj({"id": ID, "enterprise_id": ID, "name": STR, "industry": STR,
               "industry_name": STR, "spec": STR, "gtin": N_STR, "certification_id": N_INT,
               "created_at": DATETIME})
ProductInput = obj({"name": {"type": "string", "maxLength": 200}, "industry": STR,
                    "spec": {"type": "string", "maxLength": 100},
                    "gtin": nullable({"type": "string", "description": "GTIN-8/12/13/14"}),
                    "certification_id": nullable(ID)}, required=["name", "industry"])
Batch = obj({"id": ID, "product_id": ID, "batch_no": STR, "production_date": DATE,
             "quantity": DECIMAL, "quantity_unit": STR, "origin": STR,
             "created_at": DATETIME})
BatchInput = obj({"batch_no": {"type": "string", "maxLength": 64}, "production_date": DATE,
                  "quantity": QUANTITY_IN, "quantity_unit": STR,
                  "origin": {"type": "string", "maxLength": 200}},
                 required=["batch_no", "production_date", "quantity"])
Event = obj({"id": ID, "batch_id": ID, "type": enum(*EVENT_TYPES), "type_label": STR,
             "at": DATETIME, "location": STR, "note": STR, "operator_name": STR,
             "corrects": N_INT, "created_at": DATETIME})
EventInput = obj({"type": enum(*EVENT_TYPES),
                  "at": {"type": "string", "description": "date-time or date"},
                  "location": {"type": "string", "maxLength": 200},
                  "note": {"type": "string", "maxLength": 1000}, "corrects": nullable(ID)},
                 required=["type", "at"])
Code = obj({"code": STR, "url": STR, "serial": INT, "batch_id": ID,
            "status": enum("active", "void"), "status_label": STR, "void_reason": STR,
            "voided_at": N_DATETIME, "scan_count": COUNT, "first_scan_at": N_DATETIME,
            "last_scan_at": N_DATETIME, "digital_link": STR},
           required=["code", "url", "serial", "batch_id", "status", "scan_count"])

_trace_cert = obj({"kind": STR, "kind_label": STR, "certificate_no": STR, "product_name": STR,
                   "issued_on": DATE, "expires_on": DATE, "validity": STR,
                   "validity_label": STR, "valid": BOOL, "for_this_product": BOOL})
TraceRecord = obj({
    "code": STR, "url": STR, "status": enum("active"),
    "product": obj({"name": STR, "spec": STR, "industry": STR, "industry_name": STR,
                    "gtin": N_STR}),
    "enterprise": obj({"name": STR, "township": STR, "credit_code": STR}, required=[]),
    "batch": obj({"batch_no": STR, "production_date": DATE, "quantity": DECIMAL,
                  "quantity_unit": STR, "origin": STR}),
    "certificates": array(_trace_cert),
    "registration": nullable(obj({"platform": STR, "registration_no": STR,
                                  "registered_on": DATE, "verified": BOOL}, required=[])),
    "events": array(obj({"id": ID, "type": STR, "at": DATETIME}, required=[])),
    "scans": obj({"count": COUNT, "first_at": N_DATETIME, "warning": BOOL}),
}, required=["code", "url", "status", "product", "enterprise", "batch", "certificates",
             "events", "scans"])

Complaint = obj({"id": ID, "status": enum("open", "handled"), "status_label": STR,
                 "text": STR, "contact": STR, "code": STR, "enterprise_id": N_INT,
                 "enterprise_name": N_STR, "created_at": DATETIME,
                 "handled_at": N_DATETIME, "handled_by": N_STR, "handling_note": STR},
                required=["id", "status", "text", "created_at"])

Token = obj({"id": ID, "name": STR, "prefix": STR, "created_at": DATETIME,
             "last_used_at": N_DATETIME})

_missing = obj({"enterprise_id": ID, "name": STR, "credit_code": STR, "certified_on": DATE},
               required=["enterprise_id", "name", "credit_code", "certified_on"])
Compliance = obj({
    "since": DATE, "until": DATE, "target_rate": DECIMAL, "newly_certified": COUNT,
    "registered": COUNT, "registered_verified": COUNT, "rate": N_DECIMAL,
    "rate_verified": N_DECIMAL, "status": STR, "missing": array(_missing),
}, required=["target_rate", "newly_certified", "registered", "registered_verified", "rate",
             "rate_verified", "missing"])

ProgressItem = obj({
    "key": STR, "label": STR, "target": N_DECIMAL, "actual": N_DECIMAL, "unit": STR,
    "ratio": N_DECIMAL, "status": STR, "status_label": STR, "measure": STR,
}, required=["key", "label", "target", "actual", "unit", "ratio", "status"])

Breakdown = obj({"as_of": DATE, "money_unit": STR, "total": {"type": "object"},
                 "by_place": array({"type": "object"}),
                 "by_industry": array({"type": "object"})},
                required=["total", "by_place", "by_industry"])

FiguresPage = obj({
    "items": array(obj({"enterprise_id": ID, "name": STR, "credit_code": STR,
                        "revenue": N_DECIMAL, "reports": COUNT}, required=[
                            "enterprise_id", "name", "credit_code"])),
    "total": COUNT, "limit": COUNT, "offset": COUNT, "totals": {"type": "object"},
}, required=["items", "total", "limit", "offset"])

TargetEntry = obj({"id": ID, "target_key": STR, "value": DECIMAL, "as_of": DATE,
                   "note": STR, "entered_by": N_STR, "created_at": DATETIME})
TargetEntryInput = obj({"value": QUANTITY_IN, "as_of": DATE,
                        "note": {"type": "string", "maxLength": 500}})

_month = obj({"period": PERIOD, "deadline": DATE, "expected": COUNT, "handed_in": COUNT,
              "on_time": COUNT, "late": COUNT, "missing": COUNT, "rate": N_DECIMAL},
             required=["period", "expected", "handed_in"])
Reporting = obj({"period": PERIOD, "deadline": DATE, "deadline_passed": BOOL,
                 "expected": COUNT, "handed_in": COUNT, "on_time": COUNT, "late": COUNT,
                 "missing": COUNT, "rate": N_DECIMAL, "on_time_rate": N_DECIMAL,
                 "months": array(_month)},
                required=["period", "deadline", "expected", "handed_in", "months"])

_expiring = obj({"certification_id": ID, "enterprise_id": ID, "enterprise_name": STR,
                 "kind": STR, "certificate_no": STR, "expires_on": DATE, "days_left": INT},
                required=["certification_id", "enterprise_id", "kind", "expires_on"])
Expiring = obj({"today": DATE, "days": INT, "expiring": array(_expiring),
                "expired": array(_expiring)})

MilkQuality = obj({"since": DATE, "until": DATE, "standard": {"type": "object"},
                   "reports": COUNT, "judged": COUNT, "compliant": COUNT,
                   "failing": array(obj({"enterprise_id": ID, "name": STR, "period": PERIOD,
                                         "shortfalls": array(STR)}, required=[
                                             "enterprise_id", "period", "shortfalls"]))},
                  required=["standard", "reports", "judged", "compliant", "failing"])

Queues = obj({"reports_to_review": COUNT, "registrations_to_verify": COUNT,
              "complaints_open": COUNT, "certificates_to_chase": COUNT})

_problem = obj({"row": N_INT, "column": N_STR, "message": STR, "credit_code": N_STR})
ImportResult = obj({"file": STR, "dry_run": BOOL, "imported": BOOL, "rows": COUNT,
                    "created": COUNT, "updated": COUNT, "unchanged": COUNT, "summary": STR,
                    "problems": array(_problem), "warnings": array(_problem)})

AuditEntry = obj({"id": ID, "at": DATETIME, "actor_id": N_INT, "actor": N_STR,
                  "action": STR, "description": STR, "entity": STR, "entity_id": N_STR,
                  "before": nullable({"type": "object"}), "after": nullable({"type": "object"}),
                  "ip": N_STR}, required=["id", "at", "action", "entity"])

County = obj({"code": STR, "name": STR, "plan_title": STR, "plan_start_year": INT,
              "plan_end_year": INT, "places": array({"type": "object"}),
              "industries": array({"type": "object"}), "targets": array({"type": "object"}),
              "certificate_kinds": array({"type": "object"}),
              "leading_levels": array({"type": "object"}),
              "platforms": array({"type": "object"}), "event_types": array({"type": "object"})})

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": _error_body}),
    "User": User,
    "Token": Token,
    "Enterprise": Enterprise,
    "EnterpriseInput": EnterpriseInput,
    "EnterprisePatch": EnterprisePatch,
    "AuditEntry": AuditEntry,
    "Report": Report,
    "ReportInput": ReportInput,
    "Certification": Certification,
    "CertificationInput": CertificationInput,
    "CertificationPatch": CertificationPatch,
    "Registration": Registration,
    "RegistrationInput": RegistrationInput,
    "VerifyInput": VerifyInput,
    "Product": Product,
    "ProductInput": ProductInput,
    "Batch": Batch,
    "BatchInput": BatchInput,
    "Event": Event,
    "EventInput": EventInput,
    "Code": Code,
    "TraceRecord": TraceRecord,
    "Complaint": Complaint,
    "Compliance": Compliance,
    "ProgressItem": ProgressItem,
    "Breakdown": Breakdown,
    "FiguresPage": FiguresPage,
    "TargetEntry": TargetEntry,
    "TargetEntryInput": TargetEntryInput,
    "Reporting": Reporting,
    "Expiring": Expiring,
    "MilkQuality": MilkQuality,
    "Queues": Queues,
    "ImportResult": ImportResult,
    "County": County,
}

# Status -> name of the shared error response (components.responses).
ERROR_RESPONSES: dict[int, str] = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Gone",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    503: "Unavailable",
}

# Small shapes and parameters several routes share.
BINARY = {"type": "string", "format": "binary"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_BODY = obj({"status": STR})


def query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


LIMIT = {"type": "integer", "minimum": 1, "maximum": 1000}
OFFSET = {"type": "integer", "minimum": 0}
PAGING = [query("limit", LIMIT), query("offset", OFFSET)]
YEAR_Q = query("year", {"type": "integer", "minimum": 2000, "maximum": 2100})
WINDOW = [
    YEAR_Q,
    query("since", DATE, "window start (with `until`), instead of `year`"),
    query("until", DATE, "window end"),
    query("period", PERIOD, "one month, instead of `year` or `since`/`until`"),
]
