"""The audit page shows changes to people: every audited field has a Chinese label."""

from __future__ import annotations

import re

import models
from server.core.audit import ENTITY_LABELS, FIELD_LABELS, field_label

# Never in a snapshot (the services exclude them), so never shown.
SECRETS = {"password_hash", "token_hash"}
# Not shown as changes (changed_fields skips them) or the row's own id.
UNSHOWN = {"id", "created_at", "updated_at", "version"}


def _snapshot_fields(model) -> set[str]:
    # Relations add their `<name>_id` columns to db_fields only once Tortoise has
    # initialised the models, so they are named from the relation fields here.
    meta = model._meta
    return set(meta.db_fields) | {f"{name}_id" for name in meta.fk_fields | meta.o2o_fields}


def test_every_field_of_every_audited_model_has_a_chinese_label():
    missing = {
        entity: sorted(_snapshot_fields(getattr(models, entity)) - SECRETS - UNSHOWN
                       - set(FIELD_LABELS))
        for entity in ENTITY_LABELS
    }
    assert {entity: fields for entity, fields in missing.items() if fields} == {}


def test_labels_are_chinese_and_unknown_fields_fall_back_to_their_name():
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in FIELD_LABELS.values())
    assert field_label("password_changed_at") == "密码修改时间"
    assert field_label("no_such_field") == "no_such_field"
