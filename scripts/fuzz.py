"""`make fuzz`: schemathesis against a real server on a throwaway demo county.

Starts `python -m server serve` on a fresh SQLite database with the demo data, gets an
API token for a supervisor and one for an enterprise's staff, and runs schemathesis
from the served /api/v1/openapi.json once as each, checking that no request gives a
500 and that every response matches the document (status, content type, body schema).
Bounded by `--max-examples` and a wall-clock budget per run (FUZZ_SECONDS, default 70).
Exit status: schemathesis's (non-zero when a check failed).

    .venv/bin/python scripts/fuzz.py [--seconds 70] [--examples 25] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ST = str(Path(PY).with_name("st"))
PASSWORD = "Hulin-demo-2025"
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
# Who the fuzzer acts as: supervision sees everything; staff meet the 403s and their own
# enterprise's writes.
ACTORS = [("supervisor", "13904670002"), ("staff", "13804670001")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({
        "DATABASE_URL": f"sqlite://{work / 'fuzz.sqlite3'}",
        "SECRET_KEY": "fuzz-only-secret-key-not-for-production-0123456789",
        "DATA_DIR": str(work / "data"),
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        # The fuzzer tries wrong passwords and files complaints by the thousand from one
        # address; the throttles would turn the rest of the run into 429s.
        "LOGIN_MAX_FAILURES": "1000000",
        "COMPLAINTS_PER_HOUR": "1000000",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "-m", "server", *args], cwd=ROOT, env=env, check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def wait_ready(proc: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/v1/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"server did not become ready:\n{log.read_text()}")


def token_for(base: str, phone: str) -> str:
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30) as client:
        client.post("/session", json={"phone": phone, "password": PASSWORD}).raise_for_status()
        answer = client.post("/tokens", json={"name": "fuzz"})
        answer.raise_for_status()
        return answer.json()["token"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 70)),
                        help="wall-clock budget of each schemathesis run")
    parser.add_argument("--examples", type=int, default=25, help="max examples per operation")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hulin-fuzz-"))
    env = server_env(work)
    started = time.monotonic()
    cli(env, "migrate")
    cli(env, "seed-demo")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    with log.open("w") as out:   # a file, not a pipe: an unread pipe blocks the server
        server = subprocess.Popen([PY, "-m", "server", "serve", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    status = 0
    try:
        wait_ready(server, base, log)
        tokens = [(who, token_for(base, phone)) for who, phone in ACTORS]
        print(f"server ready on {base} ({time.monotonic() - started:.0f} s)", flush=True)
        for who, token in tokens:
            print(f"\n== schemathesis as {who}", flush=True)
            run = subprocess.run([
                ST, "run", f"{base}/api/v1/openapi.json",
                "--checks", CHECKS,
                "--header", f"Authorization: Bearer {token}",
                "--max-examples", str(args.examples),
                "--max-time", str(args.seconds),
                "--phases", "examples,coverage,fuzzing",
                # One worker: hypothesis describing strategies from two threads at once
                # broke with "AST constructor recursion depth mismatch".
                "--workers", "1",
                "--seed", os.environ.get("FUZZ_SEED", "20261129"),
                "--request-timeout", "30",
                # Revoking a token by a guessed id would end the fuzzer's own log-in.
                "--exclude-path", "/tokens/{token_id}",
                "--warnings", "off",
            ], cwd=ROOT, stdin=subprocess.DEVNULL, check=False)
            status = status or run.returncode
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        errors = [line for line in log.read_text().splitlines() if "ERROR" in line]
        if errors:
            print("\nserver errors:\n" + "\n".join(errors[:40]))
            status = status or 1
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nmake fuzz: {'passed' if status == 0 else 'FAILED'} in "
          f"{time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
