"""Configuration for Tortoise's own migration tool, used by `make migration NAME=...`:

    tortoise -c server.core.migration_config.TORTOISE_ORM makemigrations --name NAME

It compares the models with the migrations folder; the SECRET_KEY is not used there.
"""

from server.core.config import load_settings
from server.core.db import tortoise_config

TORTOISE_ORM = tortoise_config(
    load_settings({"SECRET_KEY": "migration-tool-does-not-sign-anything-000"})
)
