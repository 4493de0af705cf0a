"""Copy reports from the team's shared corpus into reports/, each with a provenance sidecar.

Usage: python scripts/import_from_manifest.py [--sidecars-only] ../shared/corpus FILE [FILE ...]

The sidecar records what MANIFEST.tsv says of the file and nothing more: where it came from and,
as overrides, the agency, region, level and year a person read from the document. The manifest
records no retrieval date, so the sidecar has no `retrieved` (writing today's date would state a
fact nobody observed). Where the file came from:
- `source_url`: the report's own address on the publishing agency's site;
- `mirror_url`: a copy it was taken from (a GitHub archive, a third-party mirror, repost or proxy);
- `source`: the manifest's free text, kept only when it says more than the address.
`--sidecars-only` rewrites the sidecars of files already in reports/ without copying them.
"""
from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Words the manifest uses after an address when the address is a copy, not the agency's own page.
COPY_WORDS = re.compile(r"mirror|repost|proxy|copy|third-party|archive", re.IGNORECASE)


def github_url(source: str) -> str | None:
    m = re.match(r"github:([^:]+):(.+)@([0-9a-f]+)$", source)
    if not m:
        return None
    repo, path, commit = m.groups()
    # Archive folders can hold a space ('…管理局 2022年度…'); encode it (and quotes, angle brackets) so the
    # address stays one token a Markdown autolink and safe_href accept. Chinese stays readable (an IRI).
    path = re.sub(r"[\s\"'<>]", lambda c: "%{:02X}".format(ord(c.group())), path)
    return f"https://github.com/{repo}/blob/{commit}/{path}"


def provenance(source: str) -> dict:
    """source_url / mirror_url / source from the manifest's `source` column."""
    source = source.strip()
    mirror = github_url(source)
    if mirror:
        return {"mirror_url": mirror, "source": source}
    if source.startswith(("http://", "https://")):
        url, _, rest = source.partition(" ")
        key = "mirror_url" if COPY_WORDS.search(rest) else "source_url"
        return {key: url, "source": source if rest.strip() else None}
    return {"source": source}


def sidecar_for(row: dict) -> dict:
    level = row["level"].split("(")[0].strip() or None
    data = {
        **provenance(row["source"]),
        "agency": row["agency"],
        "region": row["region"],
        "level": level,
        "year": int(row["year"]),
        "notes": "Copied from the team's shared corpus; the original retrieval date was not recorded. "
                 + row["notes"],
    }
    order = ("source_url", "mirror_url", "source", "agency", "region", "level", "year", "notes")
    return {k: data[k] for k in order if data.get(k) not in (None, "")}


def main(argv: list[str]) -> int:
    copy = True
    if argv and argv[0] == "--sidecars-only":
        copy, argv = False, argv[1:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    corpus = Path(argv[0])
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        manifest = {r["file"]: r for r in csv.DictReader(fh, delimiter="\t")}
    missing = [name for name in argv[1:] if name not in manifest]
    if missing:
        print(f"not in {corpus / 'MANIFEST.tsv'}: {', '.join(missing)}", file=sys.stderr)
        return 2
    for name in argv[1:]:
        if copy:
            shutil.copyfile(corpus / name, ROOT / "reports" / name)
        side = ROOT / "reports" / (name + ".yml")
        side.write_text(yaml.safe_dump(sidecar_for(manifest[name]), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        print(f"reports/{name} (+ {side.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
