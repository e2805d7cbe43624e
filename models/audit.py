"""The audit log: who changed what, when, and the record before and after."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class AuditLog(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    actor = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=100, default="")   # kept if the user goes
    action = fields.CharField(max_length=64)                      # e.g. enterprise.create
    entity = fields.CharField(max_length=64)
    entity_id = fields.CharField(max_length=64)
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_log"
        ordering = ["-at", "-id"]
        indexes = [
            Index(fields=("enterprise_id", "at"), name="ix_audit_enterprise_at"),
            Index(fields=("entity", "entity_id"), name="ix_audit_entity"),
        ]
