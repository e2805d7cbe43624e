"""REPORT_CHANGE_WARN_RATIO is a setting: a tighter bound warns sooner."""

import pytest

from tests.support.reporting import FULL, LAST, make_report, url


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "REPORT_CHANGE_WARN_RATIO": 0.1}


async def test_a_tighter_bound_warns_sooner(as_staff, enterprise):
    await make_report(enterprise, LAST.previous, revenue="1000", output_value="1300",
                      output_quantity="850")
    r = await as_staff.put(url(enterprise.id, LAST), json={**FULL, "revenue": "1150"})
    assert [(w["field"], w["change_percent"]) for w in r.json()["warnings"]] == \
        [("revenue", "15.0")]
