"""What consumers and supervision add: complaints, manually entered target figures."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import ComplaintStatus


class Complaint(Model):
    """A consumer's report about a scanned product."""

    id = fields.IntField(primary_key=True)
    trace_code = fields.ForeignKeyField(
        "models.TraceCode", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="complaints", null=True, on_delete=fields.SET_NULL
    )
    code_text = fields.CharField(max_length=40, default="")
    text = fields.TextField()
    contact = fields.CharField(max_length=64, default="")
    status = fields.CharEnumField(ComplaintStatus, max_length=16, default=ComplaintStatus.OPEN)
    handled_by = fields.ForeignKeyField(
        "models.User", related_name="handled_complaints", null=True, on_delete=fields.SET_NULL
    )
    handled_at = fields.DatetimeField(null=True)
    handling_note = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "complaint"
        ordering = ["-created_at"]
        indexes = [Index(fields=("status", "created_at"), name="ix_complaint_status")]


class TargetEntry(Model):
    """A figure no report can measure (产业强镇, investment attracted), entered by supervision."""

    id = fields.IntField(primary_key=True)
    target_key = fields.CharField(max_length=64)
    value = fields.DecimalField(max_digits=16, decimal_places=4)
    as_of = fields.DateField()
    note = fields.TextField(default="")
    entered_by = fields.ForeignKeyField(
        "models.User", related_name="target_entries", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "target_entry"
        ordering = ["-as_of", "-id"]
        indexes = [Index(fields=("target_key", "as_of"), name="ix_target_entry_key")]
