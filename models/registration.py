"""Registration (主体注册) on a national or provincial traceability platform."""

from tortoise import fields
from tortoise.models import Model

from models.enums import Platform, Verification


class TraceabilityRegistration(Model):
    id = fields.IntField(primary_key=True)
    enterprise = fields.OneToOneField(
        "models.Enterprise", related_name="registration", on_delete=fields.RESTRICT
    )
    platform = fields.CharEnumField(Platform, max_length=16)
    registration_no = fields.CharField(max_length=64)   # 主体码
    registered_on = fields.DateField(db_index=True)
    verification = fields.CharEnumField(Verification, max_length=16, default=Verification.PENDING)
    verified_by = fields.ForeignKeyField(
        "models.User", related_name="verified_registrations", null=True,
        on_delete=fields.SET_NULL,
    )
    verified_at = fields.DatetimeField(null=True)
    verification_comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "traceability_registration"


class RegistrationEvidence(Model):
    """A photo proving the registration, re-encoded and stored under an unguessable name."""

    id = fields.IntField(primary_key=True)
    registration = fields.ForeignKeyField(
        "models.TraceabilityRegistration", related_name="evidence", on_delete=fields.CASCADE
    )
    file_name = fields.CharField(max_length=80, unique=True)
    content_type = fields.CharField(max_length=32, default="image/jpeg")
    width = fields.IntField()
    height = fields.IntField()
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    uploaded_by = fields.ForeignKeyField(
        "models.User", related_name="uploaded_evidence", null=True, on_delete=fields.SET_NULL
    )
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "registration_evidence"
        ordering = ["id"]
