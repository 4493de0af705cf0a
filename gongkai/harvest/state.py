"""Reading the harvest's state files (reports/harvest/*.json) for the pages.  No network code here: the
build imports only this module of the harvest package."""
from __future__ import annotations

import json
from pathlib import Path

STATE_DIR = "harvest"
REPORT_FILE = "harvest.json"
SOURCES_FILE = "sources.json"


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_sources(reports: Path) -> dict[str, dict]:
    """report file -> its latest source check (state online/changed/gone/error, since, last_check, history)."""
    sources = _load(Path(reports) / STATE_DIR / SOURCES_FILE).get("sources", {})
    return {k: v for k, v in sources.items() if isinstance(v, dict)} if isinstance(sources, dict) else {}


def load_harvest(reports: Path) -> dict:
    return _load(Path(reports) / STATE_DIR / REPORT_FILE)
