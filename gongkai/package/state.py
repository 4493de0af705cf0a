"""The records the corpus outputs keep about the files they wrote (build/cache: the combined CSVs' ranges, the
everything-zip's members, the corpus exports' parts), so an edit rewrites only what changed.

In marshal's format, behind a magic first line: at 10,000 reports the three records hold ~30 MB, which JSON took
~1 s to write and read back on every edit, marshal ~0.15 s.  marshal's format is this program's own (and its
Python version's); a file without the magic line (a JSON record of an older build, a torn or foreign file) is no
record, and the output is then written whole.

Here, beside the corpus outputs that alone keep such records, not among files.py's write helpers.
"""
from __future__ import annotations

import marshal
from pathlib import Path

from gongkai.files import atomic_write

STATE_MAGIC = b"gongkai-state 1\n"


def write_state(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, STATE_MAGIC + marshal.dumps(record))


def load_state(path: Path | None) -> dict | None:
    """The record write_state left, or None when there is none or it does not read back as one."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
        recorded = marshal.loads(memoryview(data)[len(STATE_MAGIC):]) if data.startswith(STATE_MAGIC) else None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return recorded if isinstance(recorded, dict) else None
