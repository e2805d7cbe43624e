"""Screenshots of pages as a phone shows them (375 px), logged in as a given account.

    .venv/bin/python scripts/phone_shots.py --base http://127.0.0.1:8000 \
        --phone 13904670002 --password Hulin-demo-2025 --out /tmp/shots / /enterprises

Each URL path is saved as a PNG under --out (full page). Without --phone it stays
logged out (the public pages).
"""

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import PhoneBrowser  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--phone")
    parser.add_argument("--password", default="Hulin-demo-2025")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    async with PhoneBrowser() as phone:
        if args.phone:
            await phone.goto(f"{args.base}/login")
            await phone.fill("#f-phone", args.phone)
            await phone.fill("#f-password", args.password)
            await phone.click("form.hl-login button[type=submit]")
        for path in args.paths:
            await phone.goto(f"{args.base}{path}")
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            saved = await phone.screenshot(out / f"{name}.png")
            width = await phone.page_width()
            print(f"{saved}  (page width {width}px)")


if __name__ == "__main__":
    asyncio.run(main())
