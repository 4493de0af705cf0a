"""Command line: `python -m gongkai extract FILE --out DIR` and `python -m gongkai build`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gongkai.pipeline import build as build_mod
from gongkai.model import ReadError
from gongkai.extract import extract, summary
from gongkai.files import write_files
from gongkai.package.datapackage import report_package
from gongkai.package.validate import validate_package


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
    args = parser.parse_args(argv)

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
    status = build_mod.main(args.root)
    if args.command == "build" or status:
        return status
    from gongkai.site import build_site

    status = build_site(args.root, force=args.force) or 0
    print(peak_memory())
    return status


def peak_memory() -> str:
    """The build's peak resident memory: this process, and the largest of its subprocesses (workers,
    MkDocs, Pagefind), which the benchmark reports separately."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory: build process {own:.0f} MB, largest subprocess {children:.0f} MB"

