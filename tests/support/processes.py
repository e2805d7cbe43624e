"""Running the command line and the real server as separate processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from tests.support import databases

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmptyDatabase:
    """A database with no schema yet, of the engine under test; dropped at the end."""

    def __init__(self, tmp_path: Path) -> None:
        if databases.ENGINE == "postgres":
            self.name = f"hulin_cli_{uuid.uuid4().hex[:10]}"
            asyncio.run(databases.PostgresDatabase._admin(f'CREATE DATABASE "{self.name}"'))
            self.url = databases._with_database(databases.PG_ADMIN_URL, self.name)
        else:
            self.name = None
            self.url = f"sqlite://{tmp_path / 'cli.sqlite3'}"

    def drop(self) -> None:
        if self.name:
            asyncio.run(databases.PostgresDatabase._admin(
                f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


def env_for(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": databases.TEST_SECRET,
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "DATA_DIR": str(tmp_path / "data"),
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, check=False)


class ServerProcess:
    """`python -m server serve` on a free port, stopped with SIGTERM like a real deploy."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log_path = log_path
        # Output to a file: an unread pipe fills up and blocks the workers mid-request.
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(self.port),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,     # its own process group: stop() can end the workers too
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Until every worker has said it is ready and the health check answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            ready = self.log_path.read_text().count("Worker ready")
            try:
                # generous: on a busy machine a new worker answers its first requests slowly
                if ready >= self.workers and httpx.get(
                    f"{self.base}/api/v1/healthz", timeout=10
                ).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not become ready:\n{self.log_path.read_text()}")

    def stop(self) -> str:
        """SIGTERM, wait for a graceful exit; the server's output."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(ProcessLookupError):   # no worker outlives the test
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()
        return self.log_path.read_text()
