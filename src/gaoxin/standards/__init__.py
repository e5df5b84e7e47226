"""Versioned rule profiles as TOML files; every value names the clause it comes from."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

STANDARDS_DIR = Path(__file__).resolve().parent


def load(name: str) -> dict[str, Any]:
    """Read `<name>.toml` from this package."""
    with (STANDARDS_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)
