"""Enterprises: the processing firms of the county, keyed by their credit code."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import EnterpriseStatus, LeadingLevel


class Enterprise(Model):
    id = fields.IntField(primary_key=True)
    credit_code = fields.CharField(max_length=18, unique=True)
    name = fields.CharField(max_length=200)
    # A place name from the county file (town, township, farm, forest farm, zone).
    township = fields.CharField(max_length=32)
    # Primary industry code from the county file; others in `other_industries`.
    industry = fields.CharField(max_length=32)
    other_industries = fields.JSONField(default=list)
    leading_level = fields.CharEnumField(LeadingLevel, max_length=16, default=LeadingLevel.NONE)
    above_scale = fields.BooleanField(default=False)
    # When it became 规上 (above designated size); the plan counts new ones.
    above_scale_since = fields.DateField(null=True)
    legal_representative = fields.CharField(max_length=64, default="")
    contact_name = fields.CharField(max_length=64, default="")
    contact_phone = fields.CharField(max_length=32, default="")
    address = fields.CharField(max_length=255, default="")
    status = fields.CharEnumField(EnterpriseStatus, max_length=16, default=EnterpriseStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "enterprise"
        ordering = ["id"]
        indexes = [
            Index(fields=("township",), name="ix_enterprise_township"),
            Index(fields=("industry",), name="ix_enterprise_industry"),
        ]

    def __str__(self) -> str:
        return self.name
