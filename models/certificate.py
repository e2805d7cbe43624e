"""Certificates (green food, organic, geographic indication) and brand authorisations."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import AnnualInspection, CertificateKind, RecordSource


class Certification(Model):
    id = fields.IntField(primary_key=True)
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="certifications", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(CertificateKind, max_length=32)
    certificate_no = fields.CharField(max_length=64)
    product_name = fields.CharField(max_length=200)
    issued_on = fields.DateField()
    expires_on = fields.DateField()
    annual_inspection = fields.CharEnumField(
        AnnualInspection, max_length=16, default=AnnualInspection.NOT_DUE
    )
    source = fields.CharEnumField(RecordSource, max_length=16, default=RecordSource.SELF)
    created_by = fields.ForeignKeyField(
        "models.User", related_name="certifications_created", null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "certification"
        # A certificate number identifies one certificate of its kind county-wide;
        # this is also what makes re-importing an official list change nothing.
        unique_together = (("kind", "certificate_no"),)
        ordering = ["-issued_on", "id"]
        indexes = [
            Index(fields=("kind", "issued_on"), name="ix_cert_kind_issued"),
            Index(fields=("enterprise_id", "kind"), name="ix_cert_enterprise_kind"),
            Index(fields=("expires_on",), name="ix_cert_expires"),
        ]
