"""The OpenAPI document of the JSON API, and the bugs schemathesis found (`make fuzz`)."""
# ruff: noqa: F811  (the trace fixtures imported below are used as test arguments)

from __future__ import annotations

import logging
import re

import pytest
from openapi_spec_validator import validate

from server.core.openapi import API_PREFIX, documented_routes
from tests.features.trace.conftest import batch, codes, green_cert, product  # noqa: F401


@pytest.fixture
async def spec(client):
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


async def test_served_document_is_valid_openapi_3(spec):
    validate(spec)          # raises with the first problem
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "/api/v1"}]
    assert set(spec["components"]["securitySchemes"]) == {"session", "bearer"}
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_every_api_route_is_described_and_nothing_else(app, spec):
    registered = {(method, path[len(API_PREFIX):]) for method, path, _ in documented_routes(app)}
    described = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert registered - described == set(), "routes without @doc"
    assert described == registered
    assert len(registered) > 70
    # Only the JSON API: no page, static file or public /t/ page leaks in.
    for path in spec["paths"]:
        assert not path.startswith(("/t/", "/static", "/login", "/api/"))


async def test_operations_carry_tags_params_bodies_and_error_envelopes(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            assert op["summary"] and len(op["tags"]) == 1, where
            in_path = re.findall(r"{(\w+)}", path)
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert params == in_path, where
            statuses = set(op["responses"])
            assert any(c.startswith("2") for c in statuses), where
            if op["security"]:
                assert "401" in statuses, where
            if in_path:
                assert "404" in statuses, where
            if "requestBody" in op and "application/json" in op["requestBody"]["content"]:
                assert {"400", "415", "422"} <= statuses, where
    ops = spec["paths"]
    period = ops["/enterprises/{enterprise_id}/reports/{period}"]["put"]["parameters"][1]
    assert period["schema"]["pattern"] == r"^\d{4}-(0[1-9]|1[0-2])$"
    assert ops["/enterprises/{enterprise_id}/reports/{period}"]["put"]["parameters"][0][
        "schema"]["type"] == "integer"
    assert ops["/session"]["post"]["security"] == []
    assert set(ops["/session"]["post"]["responses"]) == {"200", "400", "401", "415", "422", "429"}
    assert ops["/trace/{raw}"]["get"]["security"] == []
    assert {"404", "410"} <= set(ops["/trace/{raw}"]["get"]["responses"])
    assert "image/png" in ops["/codes/{code}/label.png"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in ops["/batches/{batch_id}/labels.pdf"]["get"]["responses"][
        "200"]["content"]
    assert "multipart/form-data" in ops[
        "/enterprises/{enterprise_id}/traceability-registration/evidence"]["post"][
        "requestBody"]["content"]
    error = spec["components"]["responses"]["Invalid"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}


async def test_responses_match_their_schemas(as_supervisor, enterprise, spec):
    """A few real answers checked against the document (the fuzzer checks them all)."""
    from openapi_schema_validator import OAS30Validator

    def check(body, schema):
        OAS30Validator({**schema, "components": spec["components"]}).validate(body)

    r = await as_supervisor.get(f"/api/v1/enterprises/{enterprise.id}")
    check(r.json(), {"$ref": "#/components/schemas/Enterprise"})
    r = await as_supervisor.get("/api/v1/enterprises/99999")
    assert r.status_code == 404
    check(r.json(), {"$ref": "#/components/schemas/Error"})


# -- regressions found by schemathesis --------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v1/enterprises/2409485613821800949880726245666193408/users",
    "/api/v1/enterprises/-53180246669079658496/traceability-registration",
    "/api/v1/batches/2147483648/events",    # past PostgreSQL's serial
])
async def test_an_id_too_large_for_the_database_is_404_not_500(as_supervisor, path):
    r = await as_supervisor.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_code_paging_rejects_what_it_cannot_use(as_staff, batch, codes):
    url = f"/api/v1/batches/{batch.id}/codes"
    r = await as_staff.get(url, params={"offset": "-1"})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"offset": "应在0至1000000之间"}
    r = await as_staff.get(url, params={"limit": "10000000000000000000000"})
    assert r.status_code == 422 and "limit" in r.json()["error"]["fields"]
    r = await as_staff.get(url, params={"limit": "2", "offset": "1"})
    body = r.json()
    assert (body["limit"], body["offset"], len(body["items"])) == (2, 1, 2)


async def test_enterprise_paging_rejects_an_overflowing_offset(as_supervisor):
    r = await as_supervisor.get("/api/v1/enterprises", params={"offset": str(10**30)})
    assert r.status_code == 422 and "offset" in r.json()["error"]["fields"]


async def test_upload_without_multipart_boundary_is_422_without_an_error_log(
        as_staff, staff):
    url = f"/api/v1/enterprises/{staff.enterprise_id}/traceability-registration/evidence"
    errors = _ErrorLog()
    with errors:
        r = await as_staff.post(url, content=b"--x\r\n",
                                headers={"content-type": "multipart/form-data"})
    assert r.status_code == 422 and "file" in r.json()["error"]["fields"]
    assert errors.lines == []


async def test_label_downloads_log_no_error(as_staff, batch, codes):
    errors = _ErrorLog()
    with errors:
        for suffix in ("zip", "pdf"):
            r = await as_staff.get(f"/api/v1/batches/{batch.id}/labels.{suffix}")
            assert r.status_code == 200
    assert errors.lines == []


class _ErrorLog(logging.Handler):
    """Collects ERROR lines of Sanic's error logger (it does not propagate to the root)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("sanic.error").addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("sanic.error").removeHandler(self)


async def test_a_void_codes_label_answers_a_documented_status(as_staff, codes, spec):
    """Found by the fuzzer: the label of a void code is 409, which the document lacked."""
    code = codes[0].code
    voided = await as_staff.post(f"/api/v1/codes/{code}/void", json={"reason": "标签印错"})
    assert voided.status_code == 200, voided.text
    r = await as_staff.get(f"/api/v1/codes/{code}/label.png")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert "409" in spec["paths"]["/codes/{code}/label.png"]["get"]["responses"]
