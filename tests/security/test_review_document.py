"""docs/SECURITY.md names a test for each point: every name it gives must exist."""

import re

from server.core.config import PROJECT_ROOT

TESTS = PROJECT_ROOT / "tests"


def test_every_test_named_in_the_security_review_exists():
    doc = (PROJECT_ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    refs = [r for r in re.findall(r"`([^`\s]*\.py)?::(test_\w+)`", doc)]
    assert len(refs) > 80
    missing, last = [], None
    for path, name in refs:
        last = path or last
        file = TESTS / last.replace("S/", "security/", 1)
        if not file.exists() or not re.search(rf"def {name}\(", file.read_text("utf-8")):
            missing.append(f"{last}::{name}")
    assert missing == []
