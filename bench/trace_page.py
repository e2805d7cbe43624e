"""The public trace page under load against a bare Sanic hello-world, in one run.

    .venv/bin/python bench/trace_page.py [--seconds 8] [--rounds 5] [--codes 1000]

Both servers run with one worker on this machine: ours exactly as deployed
(`python -m server serve --workers 1`, access log on, SQLite), the hello-world as
Sanic's defaults. wrk (Debian's package, `make system-deps`) keeps 64 connections
open; the page requests cycle through `--codes` different codes of one batch, so no
answer comes from a per-code cache. Rounds alternate (hello, page, hello, page, ...) so
both see the same machine; the median of each is compared.

Then the server is stopped (SIGTERM) and the scans in the database are compared with the
page answers the server's access log shows: every scan must be there, none twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-key-bench-secret-key-0123"
HELLO = textwrap.dedent("""
    from sanic import Sanic
    from sanic.response import text

    app = Sanic("hello")

    @app.get("/")
    async def hello(request):
        return text("Hello, world.")
""")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(db: Path, folder: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(DATABASE_URL=f"sqlite://{db}", SECRET_KEY=SECRET, DATA_DIR=str(folder / "data"),
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", PYTHONUNBUFFERED="1")
    return env


async def make_data(env: dict[str, str], count: int) -> list[str]:
    """One enterprise with a certificate and a registration, a product, a batch with a
    six-step history, and `count` codes - through the services."""
    os.environ.update(env)
    from datetime import date, timedelta

    from models import Certification, Enterprise, TraceabilityRegistration, User
    from models.enums import CertificateKind, Platform, Role, Verification
    from server.core.config import load_settings
    from server.core.context import ServiceContext
    from server.core.county import load_county
    from server.core.db import close_db, init_db
    from server.core.security import Passwords
    from server.demo.seed import demo_credit_code
    from server.features.trace import service

    settings = load_settings()
    await init_db(settings)
    try:
        ctx = ServiceContext(settings, load_county(settings.county_path), Passwords(settings))
        enterprise = await Enterprise.create(credit_code=demo_credit_code("bench"),
                                             name="虎林市珍宝岛蜂业有限责任公司",
                                             township="虎头镇", industry="honey")
        staff = await User.create(phone="13800000001", name="填报员", role=Role.STAFF,
                                  enterprise=enterprise, password_hash="x")
        cert = await Certification.create(
            enterprise=enterprise, kind=CertificateKind.GREEN_FOOD,
            certificate_no="LB-18-25010001A", product_name="椴树蜜",
            issued_on=date(2025, 1, 1), expires_on=date(2027, 12, 31))
        await TraceabilityRegistration.create(enterprise=enterprise, platform=Platform.NATIONAL,
                                              registration_no="GJ1", registered_on=date(2025, 2, 1),
                                              verification=Verification.VERIFIED)
        as_staff = ctx.acting_as(staff)
        product = await service.create_product(as_staff, enterprise.id, {
            "name": "虎林椴树蜜", "industry": "honey", "spec": "500g/瓶",
            "certification_id": cert.id})
        batch = await service.create_batch(as_staff, product.id, {
            "batch_no": "20250601-01", "production_date": "2025-06-01", "quantity": "2000",
            "origin": "虎头镇椴树蜜源基地"})
        for k, kind in enumerate(["harvest", "receive", "process", "inspect", "pack", "ship"]):
            at = f"{date(2025, 5, 28) + timedelta(days=k)}T09:00:00+08:00"
            await service.add_event(as_staff, batch.id, {"type": kind, "at": at,
                                                         "location": "虎头镇", "note": "正常"})
        codes = await service.issue_codes(as_staff, batch.id, {"count": count})
        return [c.code for c in codes]
    finally:
        await close_db()


class Server:
    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.log_path = log
        self._log = log.open("w")
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, url: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=10).status_code in (200, 404):
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"{url} did not come up; see {self.log_path}")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._log.close()


def wrk(url: str, seconds: int, script: Path | None = None) -> dict[str, float]:
    command = ["wrk", "-t1", "-c64", f"-d{seconds}s", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "requests": done, "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--codes", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make system-deps` (Debian package wrk)")
    folder = Path(tempfile.mkdtemp(prefix="hulin-bench-"))
    db = folder / "bench.sqlite3"
    port, hello_port = free_port(), free_port()
    env = env_for(db, folder, port)
    python = sys.executable
    subprocess.run([python, "-m", "server", "migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    codes = asyncio.run(make_data(env, args.codes))
    script = folder / "codes.lua"
    script.write_text("paths = {" + ",".join(f'"/t/{c}"' for c in codes) + "}\n"
                      "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format(\"GET\", paths[i])\nend\n")
    (folder / "hello_app.py").write_text(HELLO)

    ours = Server([python, "-m", "server", "serve", "--port", str(port), "--workers", "1"],
                  env, folder / "server.log", ROOT)
    hello = Server([str(Path(python).with_name("sanic")), "hello_app:app", "--port",
                    str(hello_port), "--workers", "1"], env, folder / "hello.log", folder)
    try:
        ours.wait(f"http://127.0.0.1:{port}/api/v1/healthz")
        hello.wait(f"http://127.0.0.1:{hello_port}/")
        page = httpx.get(f"http://127.0.0.1:{port}/t/{codes[0]}", timeout=30)
        assert page.status_code == 200 and "虎林椴树蜜" in page.text, page.status_code
        wrk(f"http://127.0.0.1:{hello_port}/", 2)                         # warm-up
        wrk(f"http://127.0.0.1:{port}", 2, script)
        hello_runs, page_runs = [], []
        for _ in range(args.rounds):
            hello_runs.append(wrk(f"http://127.0.0.1:{hello_port}/", args.seconds))
            page_runs.append(wrk(f"http://127.0.0.1:{port}", args.seconds, script))
    finally:
        hello.stop()
        ours.stop()                      # SIGTERM: the worker writes its buffered scans
    log = (folder / "server.log").read_text()
    answered = len(re.findall(r"GET http://127\.0\.0\.1:\d+/t/\w+ 200 \d+", log))
    cut_off = len(re.findall(r"GET http://127\.0\.0\.1:\d+/t/\w+ 200 DISCONNECTED", log))
    with sqlite3.connect(db) as conn:
        counted = conn.execute("SELECT SUM(scan_count) FROM trace_code").fetchone()[0]
        daily = conn.execute("SELECT SUM(count) FROM scan_daily").fetchone()[0]

    hello_rps = statistics.median(r["rps"] for r in hello_runs)
    page_rps = statistics.median(r["rps"] for r in page_runs)
    errors = sum(r["non_2xx"] for r in page_runs + hello_runs)
    socket_errors = [r["socket_errors"] for r in page_runs + hello_runs if r["socket_errors"]]
    print(f"trace page: 1 worker, 64 connections, {args.rounds} x {args.seconds} s each, "
          f"{len(codes)} codes")
    print("  hello-world rounds: " + ", ".join(f"{r['rps']:.0f}" for r in hello_runs) + " req/s")
    print("  /t/{code} rounds:   " + ", ".join(f"{r['rps']:.0f}" for r in page_runs) + " req/s")
    print(f"  median hello-world {hello_rps:.0f} req/s, /t/{{code}} {page_rps:.0f} req/s: "
          f"ratio {page_rps / hello_rps:.1%} (issue asks >= 25 %)")
    print(f"  errors: non-2xx {errors}, socket {socket_errors or 'none'}")
    print(f"  scans answered (access log) {answered} + cut off by wrk's end {cut_off}; "
          f"counted in trace_code {counted}, in scan_daily {daily}")
    exact = counted == daily == answered + cut_off
    print(f"  every scan counted: {'yes' if exact else 'NO'}")
    shutil.rmtree(folder, ignore_errors=True)
    if not exact or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
