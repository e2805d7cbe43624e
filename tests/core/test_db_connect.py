"""The database connection is opened at start-up, never lazily inside a request.

Tortoise connects lazily while holding its connection lock; a request cancelled during
that first connect (its client hung up) never releases the lock and the worker hangs on
every later query. Seen with the real server under load: health checks that time out
on a fresh worker left it dead.
"""

from tortoise import connections


async def test_the_worker_is_connected_before_it_serves(app):
    client = connections.get("default")
    if app.ctx.settings.is_sqlite:
        assert client._connection is not None
    else:
        assert client._pool is not None
