"""A lost database is a 503 the client may retry, not a 500; a bug stays a 500."""

import sqlite3

import asyncpg
import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from server.core.db import is_unavailable
from server.core.errors import DatabaseUnavailable, InternalError, as_api_error
from tests.support.processes import free_port


async def test_a_refused_postgres_connection_is_unavailable():
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(host="127.0.0.1", port=free_port(), user="postgres", timeout=5)
    assert is_unavailable(refused.value)
    error = as_api_error(refused.value)
    assert isinstance(error, DatabaseUnavailable) and error.status == 503
    assert error.headers == {"Retry-After": "5"}


def test_an_sqlite_file_that_cannot_be_opened_is_unavailable_even_when_wrapped(tmp_path):
    with pytest.raises(sqlite3.OperationalError) as missing:
        sqlite3.connect(tmp_path / "gone" / "db.sqlite3")
    try:
        raise OperationalError(missing.value) from missing.value   # as Tortoise wraps it
    except OperationalError as wrapped:
        assert is_unavailable(wrapped)


def test_query_bugs_and_conflicts_are_not_unavailability():
    with pytest.raises(sqlite3.OperationalError) as syntax:
        sqlite3.connect(":memory:").execute("SELEC 1")
    assert not is_unavailable(syntax.value)
    assert isinstance(as_api_error(syntax.value), InternalError)
    assert not is_unavailable(IntegrityError("duplicate key"))
    assert not is_unavailable(ValueError("bad"))
