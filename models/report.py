"""Monthly production reports and every revision of them."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import ReportStatus

MONEY = {"max_digits": 16, "decimal_places": 4}      # 万元, to one yuan
QUANTITY = {"max_digits": 18, "decimal_places": 3}


class MonthlyReport(Model):
    """One enterprise's figures for one month (`period` = YYYY-MM)."""

    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="reports", on_delete=fields.RESTRICT
    )
    period = fields.CharField(max_length=7)
    status = fields.CharEnumField(ReportStatus, max_length=16, default=ReportStatus.DRAFT)
    revenue = fields.DecimalField(**MONEY, null=True)          # 营业收入, 万元
    output_value = fields.DecimalField(**MONEY, null=True)     # 产值, 万元
    output_quantity = fields.DecimalField(**QUANTITY, null=True)
    output_unit = fields.CharField(max_length=16, default="")
    employees = fields.IntField(null=True)
    # Product lines: [{"name": ..., "quantity": "decimal string", "unit": ...}]
    products = fields.JSONField(default=list)
    # Raw-milk quality (dairy only), checked against the county's standard.
    milk_protein_pct = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    milk_fat_pct = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    milk_bacteria_per_ml = fields.IntField(null=True)
    milk_somatic_cells_per_ml = fields.IntField(null=True)
    # Why a figure moved more than the warning bound against last month / last year.
    change_explanation = fields.TextField(default="")
    review_comment = fields.TextField(default="")
    submitted_at = fields.DatetimeField(null=True)
    # The first submission: lateness is judged by it, not by a resubmission after a return.
    first_submitted_at = fields.DatetimeField(null=True)
    submitted_by = fields.ForeignKeyField(
        "models.User", related_name="submitted_reports", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by = fields.ForeignKeyField(
        "models.User", related_name="reviewed_reports", null=True, on_delete=fields.SET_NULL
    )
    # Incremented on every change; guards against lost updates.
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "monthly_report"
        unique_together = (("enterprise", "period"),)
        ordering = ["-period"]
        indexes = [
            Index(fields=("period", "status"), name="ix_report_period_status"),
            # Supervision reads only these columns (bench/supervision_speed.py): the
            # year's figures per enterprise, streamed in enterprise order without a
            # sort, and the submission rates per month, without a table lookup each.
            Index(fields=("enterprise_id", "period", "status", "output_unit", "revenue",
                          "output_value", "output_quantity"), name="ix_report_facts"),
            Index(fields=("period", "status", "enterprise_id", "submitted_at"),
                  name="ix_report_submitted"),
        ]


class ReportRevision(Model):
    """A snapshot of a report after each change: the history staff and supervisors read."""

    id = fields.IntField(primary_key=True)
    report = fields.ForeignKeyField(
        "models.MonthlyReport", related_name="revisions", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    action = fields.CharField(max_length=16)   # save, submit, return, approve
    status = fields.CharEnumField(ReportStatus, max_length=16)
    data = fields.JSONField()
    comment = fields.TextField(default="")
    actor = fields.ForeignKeyField(
        "models.User", related_name="report_revisions", null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "report_revision"
        ordering = ["report_id", "version"]
        unique_together = (("report", "version"),)
