"""Typed settings: settings.toml, then settings.local.toml, then the environment.

Every setting is declared once in `Settings`; loading converts and validates each value
and raises `SettingsError` naming the first bad key, which the command line prints as one
line (exit status 2) instead of a traceback.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = PROJECT_ROOT / "settings.toml"
LOCAL_SETTINGS_FILE = PROJECT_ROOT / "settings.local.toml"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: float) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _port(value: int) -> str | None:
    return None if 1 <= value <= 65535 else "must be a port number from 1 to 65535"


def _day_of_month(value: int) -> str | None:
    return None if 1 <= value <= 28 else "must be a day from 1 to 28"


def _secret(value: str) -> str | None:
    if not value:
        return "is missing: set it in the environment or settings.local.toml"
    if len(value) < 32:
        return "must be at least 32 characters"
    return None


def _database_url(value: str) -> str | None:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme == "sqlite":
        return None if value[len("sqlite://") :] else "needs a path after sqlite://"
    if scheme in ("postgres", "postgresql"):
        parts = urlsplit(value)
        if not parts.hostname or not parts.path.strip("/"):
            return "must look like postgres://USER:PASS@HOST:PORT/DB"
        return None
    return "must start with sqlite:// or postgres://"


def _base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an http:// or https:// origin, e.g. https://trace.example.cn"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "must be an origin only, without a path"
    return None


def _log_level(value: str) -> str | None:
    return None if value in ("DEBUG", "INFO", "WARNING", "ERROR") else (
        "must be DEBUG, INFO, WARNING or ERROR"
    )


def setting(default: Any = dataclasses.MISSING, check=None):
    return dataclasses.field(default=default, metadata={"check": check})


@dataclasses.dataclass(frozen=True)
class Settings:
    DATABASE_URL: str = setting(check=_database_url)
    SECRET_KEY: str = setting(check=_secret)
    PUBLIC_BASE_URL: str = setting(check=_base_url)
    DATABASE_QUERY_SECONDS: float = setting(60.0, _positive)
    HOST: str = setting("127.0.0.1")
    PORT: int = setting(8000, _port)
    WORKERS: int = setting(1, _positive)
    DATA_DIR: str = setting("data")
    COUNTY_FILE: str = setting("county/hulin.toml")
    SESSION_MAX_AGE_HOURS: float = setting(12.0, _positive)
    SESSION_IDLE_MINUTES: float = setting(120.0, _positive)
    LOGIN_MAX_FAILURES: int = setting(5, _positive)
    LOGIN_WINDOW_MINUTES: float = setting(15.0, _positive)
    COMPLAINTS_PER_HOUR: int = setting(5, _positive)
    COMPLAINTS_PER_CODE_PER_HOUR: int = setting(20, _positive)
    ARGON2_TIME_COST: int = setting(3, _positive)
    ARGON2_MEMORY_KIB: int = setting(65536, lambda v: None if v >= 8 else "must be at least 8")
    ARGON2_PARALLELISM: int = setting(1, _positive)
    UPLOAD_MAX_BYTES: int = setting(10 * 1024 * 1024, _positive)
    REPORT_DEADLINE_DAY: int = setting(10, _day_of_month)
    REPORT_CHANGE_WARN_RATIO: float = setting(0.5, _positive)
    CERT_EXPIRY_WARN_DAYS: int = setting(90, _positive)
    SCAN_WARN_THRESHOLD: int = setting(10, _positive)
    SCAN_FLUSH_SECONDS: float = setting(2.0, _positive)
    PROXIES_COUNT: int = setting(0, _non_negative)
    LOG_LEVEL: str = setting("INFO", _log_level)

    # Derived values, so callers do not re-parse.
    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite://")

    @property
    def data_path(self) -> Path:
        return _resolve(self.DATA_DIR)

    @property
    def county_path(self) -> Path:
        return _resolve(self.COUNTY_FILE)

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        raw = self.DATABASE_URL[len("sqlite://") :]
        return None if raw == ":memory:" else _resolve(raw)

    @property
    def https(self) -> bool:
        return self.PUBLIC_BASE_URL.startswith("https://")


def _resolve(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


def _convert(name: str, kind: type, raw: Any) -> Any:
    """Convert a TOML or environment value to the declared type."""
    if kind is str:
        if not isinstance(raw, str):
            raise SettingsError(f"{name} must be text, got {raw!r}")
        return raw.strip()
    if kind is int:
        if isinstance(raw, bool):
            raise SettingsError(f"{name} must be a whole number, got {raw!r}")
        try:
            return int(str(raw).strip())
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(str(raw).strip())
        except ValueError:
            raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    raise AssertionError(f"unsupported setting type {kind}")  # a programming error


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path.name} is not valid TOML: {exc}") from None


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    files: tuple[Path, ...] = (SETTINGS_FILE, LOCAL_SETTINGS_FILE),
) -> Settings:
    """Build the settings from files, the environment, then explicit overrides (tests)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for path in files:
        values.update(_read_toml(path))
    values.update(overrides or {})
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise SettingsError(f"{unknown[0]} is not a known setting (see settings.toml)")
    for name in fields:
        if name in environ and name not in (overrides or {}):
            values[name] = environ[name]

    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        kind = {"str": str, "int": int, "float": float}[field.type]
        if name in values:
            value = _convert(name, kind, values[name])
        elif field.default is not dataclasses.MISSING:
            value = field.default
        else:
            raise SettingsError(f"{name} is missing: set it in settings.toml or the environment")
        check = field.metadata.get("check")
        problem = check(value) if check else None
        if problem:
            raise SettingsError(f"{name} {problem}")
        kwargs[name] = value
    return Settings(**kwargs)
