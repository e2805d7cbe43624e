"""Write settings.local.toml with a random SECRET_KEY unless it exists (used by `make run`)."""

import secrets
from pathlib import Path

path = Path(__file__).resolve().parents[1] / "settings.local.toml"
if not path.exists():
    path.write_text(
        "# Local settings for this machine (not committed). Written by `make run`.\n"
        f'SECRET_KEY = "{secrets.token_urlsafe(48)}"\n',
        encoding="utf-8",
    )
    print(f"wrote {path.name} with a new random SECRET_KEY")
