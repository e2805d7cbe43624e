"""JSON API: the county's reference data (places, industries, the plan's targets)."""

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from models.enums import CertificateKind, EventType, LeadingLevel, Platform
from server.core.jsonutil import json_response
from server.core.openapi import doc
from server.core.openapi_schemas import ref

bp = Blueprint("reference_api")

TAG = "reference"



@bp.get("/county")
@doc("Places, industries, targets and code lists", tag=TAG, public=True, returns=ref("County"))
async def county(request: Request) -> HTTPResponse:
    """Places, industries with output units, targets and code lists, for forms and integrations."""
    c = request.app.ctx.county
    return json_response(
        {
            "code": c.code,
            "name": c.name,
            "plan_title": c.plan_title,
            "plan_start_year": c.plan_start_year,
            "plan_end_year": c.plan_end_year,
            "places": [{"name": p.name, "kind": p.kind, "kind_label": p.kind_label,
                        "aliases": list(p.aliases)} for p in c.places],
            "industries": [{"code": i.code, "name": i.name, "group": i.group,
                            "group_label": i.group_label, "output_unit": i.output_unit}
                           for i in c.industries],
            "targets": [{"key": t.key, "label": t.label, "target": t.target, "unit": t.unit,
                         "measure": t.measure, "industry": t.industry} for t in c.targets],
            "certificate_kinds": [{"code": v, "label": lbl}
                                  for v, lbl in CertificateKind.choices()],
            "leading_levels": [{"code": v, "label": lbl} for v, lbl in LeadingLevel.choices()],
            "platforms": [{"code": v, "label": lbl} for v, lbl in Platform.choices()],
            "event_types": [{"code": v, "label": lbl} for v, lbl in EventType.choices()],
        }
    )
