"""Settings: file, environment, overrides; one clear line for a bad value."""

import pytest

from server.core.config import SettingsError, load_settings

GOOD = {"SECRET_KEY": "k" * 40}


def test_defaults_from_settings_toml():
    s = load_settings(GOOD, environ={})
    assert s.DATABASE_URL == "sqlite://data/hulin.sqlite3"
    assert s.PORT == 8000 and s.REPORT_DEADLINE_DAY == 10
    assert s.is_sqlite and s.sqlite_path.name == "hulin.sqlite3"


def test_environment_overrides_file_and_converts_types():
    s = load_settings(GOOD, environ={"PORT": "9001", "PUBLIC_BASE_URL": "https://a.example.cn",
                                     "DATABASE_URL": "postgres://u:p@db:5433/hulin",
                                     "REPORT_CHANGE_WARN_RATIO": "0.3"})
    assert s.PORT == 9001 and s.https and not s.is_sqlite
    assert s.REPORT_CHANGE_WARN_RATIO == 0.3


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32"),
        ({"PORT": "eighty"}, "PORT must be a whole number"),
        ({"PORT": "70000"}, "PORT must be a port number"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL must start with"),
        ({"DATABASE_URL": "postgres://nohost"}, "DATABASE_URL must look like"),
        ({"PUBLIC_BASE_URL": "trace.example.cn"}, "PUBLIC_BASE_URL must be an http"),
        ({"PUBLIC_BASE_URL": "https://a.cn/path"}, "PUBLIC_BASE_URL must be an origin"),
        ({"REPORT_DEADLINE_DAY": "31"}, "REPORT_DEADLINE_DAY must be a day"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be"),
    ],
)
def test_bad_values_name_the_setting(env, named):
    environ = {"SECRET_KEY": "k" * 40, **env}
    with pytest.raises(SettingsError) as err:
        load_settings(environ=environ)
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_key_in_file_is_rejected(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('SECRET_KEY = "' + "k" * 40 + '"\nDATABSE_URL = "x"\n')
    with pytest.raises(SettingsError, match="DATABSE_URL is not a known setting"):
        load_settings(environ={}, files=(path,))


def test_missing_required_setting(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("PORT = 8000\n")
    with pytest.raises(SettingsError, match="DATABASE_URL is missing"):
        load_settings(environ={}, files=(path,))
