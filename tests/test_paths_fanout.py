"""No published directory grows with the number of agencies: every per-agency folder and page sits in one of
paths.BUCKETS buckets (paths.bucket), so object stores and CDNs list at most a few thousand entries a folder."""
from __future__ import annotations

import os
import posixpath
from collections import Counter
from pathlib import Path

from gongkai import paths as P

# A folder may hold its buckets plus a few fixed names (downloads/ holds all/ and archive/ beside the buckets;
# docs/ and site/ hold their hand-written pages).  Nothing else may grow.
FIXED_NAMES = 64
LIMIT = P.BUCKETS + FIXED_NAMES
CDN_LIMIT = 10_000  # what the layout must keep under at national scale
NATIONAL_AGENCIES = 160_000


def _entries(top: Path) -> dict[str, list[str]]:
    """Every directory under `top` (relative path) -> the names it holds."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(top):
        out[Path(dirpath).relative_to(top.parent).as_posix()] = dirnames + filenames
    return out


def _stem(name: str) -> str:
    for suffix in (".md", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def test_no_directory_of_the_sample_build_outgrows_its_buckets(built):
    root, result, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    slugs = {rep.slug for rep in result.reports}
    # The most agencies any one bucket holds in the sample: a folder listing more agencies than that is
    # listing agencies from several buckets (the layout before the fan-out put every agency in one folder).
    per_bucket = max(Counter(P.bucket(s) for s in slugs).values())
    assert len(slugs) > per_bucket  # the sample spreads over buckets, so the check below can fail
    tops = [root / P.DOCS_DIR, root / P.PACKAGES_DIR, root / P.SITE_DIR]
    assert all(top.is_dir() for top in tops)
    seen_bucketed = set()
    for top in tops:
        for rel, names in _entries(top).items():
            assert len(names) <= LIMIT, f"{rel}: {len(names)} entries (limit {LIMIT})"
            agencies = [n for n in names if _stem(n) in slugs]
            assert len(agencies) <= per_bucket, f"{rel} lists {len(agencies)} agencies: {sorted(agencies)[:5]}…"
            if agencies:
                seen_bucketed.add(posixpath.basename(rel))
    # Agencies were found, and only inside bucket folders.
    assert seen_bucketed and seen_bucketed <= {P.bucket(s) for s in slugs}, seen_bucketed


def _per_agency_paths(slug: str, year: int) -> list[str]:
    """Every published path of one agency and one of its reports, as the build spells them."""
    links = P.report_links(slug, year)
    return [P.report_page(slug, year), P.report_evidence(slug, year), P.agency_page(slug),
            f"{P.API_DIR}/{P.report_api(slug, year)}", P.report_dir(slug, year), links["page"], links["agency"],
            links["api"], links["downloads"], links["zip"]]


def test_every_per_agency_path_sits_in_the_agencys_bucket():
    for slug in ("ningxiahuizuzizhiqu-sifating", "a-ju", "x" * 80):
        for path in _per_agency_paths(slug, 2021):
            # The agency's part of the path starts right below its bucket folder: [<kind>/]<bucket>/<slug>...
            head, sep, _tail = f"/{path}".partition(f"/{slug}")
            assert sep and head.count("/") <= 2 and head.endswith(f"/{P.bucket(slug)}"), path


def test_at_national_scale_no_bucket_passes_the_cdn_limit():
    """160,000 agencies (China's reporting bodies): the fullest bucket holds ~700 of them, so a bucket folder
    (reports/<bucket>/, agencies/<bucket>/, api/<bucket>/, downloads/<bucket>/ …) lists ~700 entries, and an
    agency's own folder one per year: far below 10,000."""
    counts = Counter(P.bucket(f"agency-{i}") for i in range(NATIONAL_AGENCIES))
    assert len(counts) == P.BUCKETS
    assert max(counts.values()) < min(2 * NATIONAL_AGENCIES / P.BUCKETS, CDN_LIMIT)
