"""Accounts, their sessions and API tokens, and the throttle of failed attempts."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.enums import Role


class User(Model):
    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=64)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16)
    # Set for staff (and only staff): the one enterprise they report for.
    enterprise = fields.ForeignKeyField(
        "models.Enterprise", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "app_user"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.phone}）"


class UserSession(Model):
    """A browser log-in. The cookie carries the token, the table only its hash."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user = fields.ForeignKeyField("models.User", related_name="sessions", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=255, default="")

    class Meta:
        table = "user_session"


class ApiToken(Model):
    """A bearer token for integrations, shown once and stored as a hash."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    token_hash = fields.CharField(max_length=64, unique=True)
    prefix = fields.CharField(max_length=12)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class ThrottleHit(Model):
    """One counted attempt (a failed log-in, a complaint) under a throttle key.

    Kept in the database so every worker and host sees the same counts.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=128)
    at = fields.DatetimeField()

    class Meta:
        table = "throttle_hit"
        indexes = [Index(fields=("key", "at"), name="ix_throttle_key_at")]
