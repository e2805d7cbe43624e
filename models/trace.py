"""Products, batches, their trace events, the trace codes printed on labels, and scans."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import CodeStatus, EventType


class Product(Model):
    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="products", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    industry = fields.CharField(max_length=32)
    spec = fields.CharField(max_length=100, default="")          # 规格, e.g. 5kg/袋
    gtin = fields.CharField(max_length=14, null=True, unique=True)  # normalised to 14 digits
    certification = fields.ForeignKeyField(
        "models.Certification", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product"
        ordering = ["id"]
        indexes = [Index(fields=("enterprise_id",), name="ix_product_enterprise")]


class Batch(Model):
    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="batches",
                                     on_delete=fields.RESTRICT)
    batch_no = fields.CharField(max_length=64)
    production_date = fields.DateField()
    quantity = fields.DecimalField(max_digits=18, decimal_places=3)
    quantity_unit = fields.CharField(max_length=16, default="")
    origin = fields.CharField(max_length=200, default="")        # base or field of origin
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "batch"
        unique_together = (("product", "batch_no"),)
        ordering = ["-production_date", "id"]


class TraceEvent(Model):
    """One step of a batch's history (in the spirit of GS1 EPCIS), never edited.

    A mistake is corrected by a new event whose `corrects` points at the wrong one.
    """

    id = fields.IntField(primary_key=True)
    batch = fields.ForeignKeyField("models.Batch", related_name="events", on_delete=fields.RESTRICT)
    type = fields.CharEnumField(EventType, max_length=16)
    at = fields.DatetimeField()
    location = fields.CharField(max_length=200, default="")
    note = fields.TextField(default="")
    operator = fields.ForeignKeyField(
        "models.User", related_name="trace_events", null=True, on_delete=fields.SET_NULL
    )
    operator_name = fields.CharField(max_length=64, default="")
    corrects = fields.ForeignKeyField(
        "models.TraceEvent", related_name="corrections", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "trace_event"
        ordering = ["at", "id"]
        indexes = [Index(fields=("batch_id", "at"), name="ix_event_batch_at")]


class TraceCode(Model):
    """A signed code on one label. Scan counters are flushed here from the workers."""

    id = fields.BigIntField(primary_key=True)
    code = fields.CharField(max_length=24, unique=True)
    batch = fields.ForeignKeyField("models.Batch", related_name="codes", on_delete=fields.RESTRICT)
    serial = fields.IntField()          # 1.. within the batch; the GS1 (21) serial
    status = fields.CharEnumField(CodeStatus, max_length=8, default=CodeStatus.ACTIVE)
    void_reason = fields.CharField(max_length=200, default="")
    voided_at = fields.DatetimeField(null=True)
    voided_by = fields.ForeignKeyField(
        "models.User", related_name="voided_codes", null=True, on_delete=fields.SET_NULL
    )
    scan_count = fields.IntField(default=0)
    first_scan_at = fields.DatetimeField(null=True)
    last_scan_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "trace_code"
        unique_together = (("batch", "serial"),)


class ScanDaily(Model):
    """Scans per batch per day, for supervision's statistics."""

    id = fields.IntField(primary_key=True)
    batch = fields.ForeignKeyField("models.Batch", related_name="scan_days",
                                   on_delete=fields.CASCADE)
    day = fields.DateField()
    count = fields.IntField(default=0)

    class Meta:
        table = "scan_daily"
        unique_together = (("batch", "day"),)
