"""Command line: `python -m gongkai extract FILE --out DIR`, `build`, `site`, `harvest LIST`, `check-sources`,
`release`, `datasette` and `deploy-diff`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gongkai.pipeline import build as build_mod
from gongkai.model import ReadError
from gongkai.extract import extract, summary
from gongkai.files import write_files
from gongkai.package.datapackage import report_package
from gongkai.package.datasette_meta import serve
from gongkai.package.validate import validate_package
from gongkai.pipeline.release import make_release


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="gongkai", description="Government information-disclosure annual "
                                     "reports as open data.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract one report into a data package")
    ex.add_argument("file", type=Path, help="report file (PDF, HTML or TXT); its sidecar FILE.yml is read if present")
    ex.add_argument("--out", type=Path, required=True, help="directory to write the package into")
    bd = sub.add_parser("build", help="extract every report in reports/, write datapackages/ and docs/")
    bd.add_argument("--root", type=Path, default=Path("."), help="project root (default: current directory)")
    st = sub.add_parser("site", help="build, then run MkDocs into site/ unless no docs input changed")
    st.add_argument("--root", type=Path, default=Path("."), help="project root (default: current directory)")
    st.add_argument("--force", action="store_true", help="run MkDocs even if its inputs look unchanged")
    hv = sub.add_parser("harvest", help="download the reports a CSV/TSV list of URLs names into reports/, with sidecars")
    hv.add_argument("list", type=Path, help="CSV or TSV: a url column, optionally agency, region, level, year, mirror_url")
    hv.add_argument("--per-host", type=int, default=1,
                    help="requests in flight per host (default 1; more only for your own servers)")
    _fetch_options(hv)
    cs = sub.add_parser("check-sources", help="request every report's source again: online, changed or gone")
    _fetch_options(cs)
    ds = sub.add_parser("datasette", help="serve the published SQLite database in Datasette on 127.0.0.1")
    ds.add_argument("--root", type=Path, default=Path("."), help="project root (default: current directory)")
    ds.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")
    rl = sub.add_parser("release", help="build a versioned data release into releases/<version>/ with change notes")
    rl.add_argument("--root", type=Path, default=Path("."), help="project root (default: current directory)")
    rl.add_argument("--version", help="release version (default: the build date as YYYY.MM.DD, .N when taken)")
    rl.add_argument("--no-site", action="store_true", help="do not run MkDocs afterwards")
    dd = sub.add_parser("deploy-diff", help="the site files to upload and to delete, from two site manifests")
    dd.add_argument("old", type=Path, help="the deployed site's MANIFEST.tsv")
    dd.add_argument("new", type=Path, help="the new build's site/MANIFEST.tsv")
    args = parser.parse_args(argv)
    if args.command == "deploy-diff":
        return print_deploy_diff(args.old, args.new)
    if args.command == "harvest":
        from gongkai.harvest.run import main as harvest_main
        return harvest_main(args.list, args.reports, _fetch_settings(args), args.workers, args.per_host)
    if args.command == "check-sources":
        from gongkai.harvest.sources import main as check_main
        return check_main(args.reports, _fetch_settings(args), args.workers)

    if args.command == "release":
        return make_release(args.root, args.version, site=not args.no_site)

    if args.command == "datasette":
        return serve(args.root, port=args.port)

    if args.command == "extract":
        try:
            report = extract(args.file)
        except ReadError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        write_files(args.out, report_package(report))
        errors = validate_package(args.out)
        print(summary(report))
        for err in errors:
            print(f"invalid: {err}", file=sys.stderr)
        return 1 if errors else 0
    site = args.command == "site"
    status, _result = build_mod.run(args.root, site=site, force=site and args.force)
    print(peak_memory())
    return status


def print_deploy_diff(old: Path, new: Path) -> int:
    """`upload\t<path>` for each new or changed file, then `delete\t<path>` for each file gone."""
    from gongkai.pipeline.manifest import diff_manifests

    try:
        upload, delete = diff_manifests(old, new)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write("".join(f"upload\t{p}\n" for p in upload) + "".join(f"delete\t{p}\n" for p in delete))
    return 0


def _fetch_options(p) -> None:
    p.add_argument("--reports", type=Path, default=Path("reports"), help="the reports folder (default: reports)")
    p.add_argument("--workers", type=int, default=8, help="hosts worked on at once (default 8)")
    p.add_argument("--interval", type=float, default=1.0,
                   help="seconds between two requests to one host (default 1; robots.txt Crawl-delay can raise it)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a connection or for data (default 30)")
    p.add_argument("--max-mb", type=float, default=100.0, help="largest file taken, in MB (default 100)")
    p.add_argument("--retries", type=int, default=3, help="retries on timeouts, 5xx and 429 (default 3)")


def _fetch_settings(args):
    import os

    from gongkai.harvest.fetch import ALLOW_LOOPBACK_ENV, Settings

    return Settings(interval=max(0.0, args.interval), timeout=args.timeout, retries=max(0, args.retries),
                    max_bytes=int(args.max_mb * 1024 * 1024), allow_loopback=os.environ.get(ALLOW_LOOPBACK_ENV) == "1")


def peak_memory() -> str:
    """The build's peak resident memory: this process, and the largest of its subprocesses (workers,
    MkDocs, Pagefind), which the benchmark reports separately."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory: build process {own:.0f} MB, largest subprocess {children:.0f} MB"

