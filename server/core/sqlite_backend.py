"""Tortoise's SQLite engine with transactions that begin IMMEDIATE.

A plain (deferred) BEGIN reads first and asks for the write lock at its first write. With
several workers on one file (WAL), another worker may commit in between: SQLite then
refuses the upgrade at once with "database is locked" (the read snapshot is stale), and
busy_timeout does not help. Seen when two staff saved the same new month through two
workers. BEGIN IMMEDIATE takes the write lock first, waiting up to busy_timeout, so
concurrent writers queue instead of failing. The module name contains "sqlite": Tortoise's
migrations pick their schema editor by it.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:   # still locked after busy_timeout
            raise TransactionManagementError(exc) from exc


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> ImmediateTransactionWrapper:
        # Tortoise's own context keeps the worker's transaction lock when BEGIN fails
        # (or the request is cancelled while it waits for the write lock): every later
        # transaction of the worker would then wait forever. Release it.
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> ImmediateTransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
