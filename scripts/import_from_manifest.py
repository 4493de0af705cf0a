"""Copy reports from the team's shared corpus into reports/, each with a provenance sidecar.

Usage: python scripts/import_from_manifest.py ../shared/corpus FILE [FILE ...]

The sidecar records what MANIFEST.tsv says of the file: where it came from and, as
overrides, the agency, region, level and year a person read from the document.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def github_url(source: str) -> str | None:
    m = re.match(r"github:([^:]+):(.+)@([0-9a-f]+)$", source)
    if not m:
        return None
    repo, path, commit = m.groups()
    return f"https://github.com/{repo}/blob/{commit}/{path}"


def sidecar_for(row: dict, today: str) -> dict:
    source = row["source"].strip()
    url = source.split()[0] if source.startswith(("http://", "https://")) else github_url(source)
    level = row["level"].split("(")[0].strip() or None
    data = {
        "source_url": url,
        "source": source,
        "retrieved": today,
        "agency": row["agency"],
        "region": row["region"],
        "level": level,
        "year": int(row["year"]),
        "notes": "Copied from the team's shared corpus; the original retrieval date was not recorded. "
                 + row["notes"],
    }
    return {k: v for k, v in data.items() if v not in (None, "")}


def main(argv: list[str]) -> int:
    corpus = Path(argv[0])
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        manifest = {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}
    today = dt.date.today().isoformat()
    for name in argv[1:]:
        row = manifest[name]
        shutil.copyfile(corpus / name, ROOT / "reports" / name)
        side = ROOT / "reports" / (name + ".yml")
        side.write_text(yaml.safe_dump(sidecar_for(row, today), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        print(f"reports/{name} (+ {side.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
