"""What extraction depends on, read from the code itself: the cache key of every extracted file.

A cached extraction is reused while the file, its sidecar and this fingerprint are unchanged.  The
fingerprint covers every module `gongkai.extract` imports, directly or through others (imports inside
functions included), so editing any of them re-extracts; a hand-kept list of modules once forgot two
(prose and legacy) and the build republished stale checks.  Page and package writers are not in the
closure, so a change to how pages look does not re-extract anything.
"""
from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from gongkai import EXTRACTOR_VERSION
from gongkai.schema import registry as R

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = (package_dir.name,) + path.relative_to(package_dir).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_in(package_dir: Path = PACKAGE_DIR) -> dict[str, Path]:
    return {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}


@lru_cache(maxsize=1024)
def import_statements(source: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(level, module, names) of every import statement in a module's source, at the top or inside a
    function.  Cached by source text: a build hashes the package once per run and the tests re-hash it
    after editing one file, when only that file needs parsing again."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.append((-1, "", tuple(a.name for a in node.names)))
        elif isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or "", tuple(a.name for a in node.names)))
    return tuple(out)


# sha256 of a module's source -> its import statements, kept between builds (remember/keep): parsing every
# module of the package was 0.7 CPU-s of every build's start, an edit's included (issue 17).
_KNOWN: dict[str, tuple] = {}


def statements(source: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """import_statements, from what an earlier build found in the same source when it is known."""
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    found = _KNOWN.get(key)
    if found is None:
        found = _KNOWN[key] = import_statements(source)
    return found


def remember(path: Path) -> None:
    """Load what keep() saved (a missing or damaged file is parsed again, module by module)."""
    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        _KNOWN.update({key: tuple((level, base, tuple(names)) for level, base, names in found)
                       for key, found in saved.items()})
    except (OSError, ValueError, TypeError):
        pass


def keep(path: Path) -> None:
    """Save the statements of the package's current modules for the next build (a file only it writes)."""
    current = {hashlib.sha256(p.read_text(encoding="utf-8").encode("utf-8")).hexdigest() for p in modules_in().values()}
    data = json.dumps({key: found for key, found in sorted(_KNOWN.items()) if key in current})
    path = Path(path)
    if not path.exists() or path.read_text(encoding="utf-8") != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(path)


def imports_of(path: Path, name: str, modules) -> set[str]:
    """The package's modules that the file imports anywhere: at the top, or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for level, base, aliases in statements(path.read_text(encoding="utf-8")):
        if level < 0:
            names = list(aliases)
        else:
            if level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a}" for a in aliases]  # `from pkg import module`
        for imported in names:
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                found.add(imported)
    return found


def import_graph(package_dir: Path = PACKAGE_DIR) -> dict[str, set[str]]:
    modules = modules_in(package_dir)
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def closure(graph: dict[str, set[str]], start: str) -> set[str]:
    """start and everything it imports, transitively; importing a.b.c also runs a/__init__ and a/b/__init__."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in graph:
            continue
        seen.add(name)
        todo.extend(graph[name])
        parent = name.rpartition(".")[0]
        while parent:
            todo.append(parent)
            parent = parent.rpartition(".")[0]
    return seen


def closure_files(start: str, package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The files of module `start` (e.g. "extract") and of every module it imports, transitively."""
    modules = modules_in(package_dir)
    names = closure(import_graph(package_dir), f"{package_dir.name}.{start}")
    return [modules[n] for n in sorted(names)]


def extraction_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    return closure_files("extract", package_dir)


def closure_hash(start: str, package_dir: Path = PACKAGE_DIR) -> str:
    """A hash of the code of `start` and everything it imports."""
    h = hashlib.sha256()
    for path in closure_files(start, package_dir):
        h.update(path.relative_to(package_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def code_hash(package_dir: Path = PACKAGE_DIR) -> str:
    return closure_hash("extract", package_dir)


def schema_hash() -> str:
    """A hash of everything the registry defines: a new code, label, alias or column changes it."""
    parts = (R.TABLES, R.AUX_TABLES, R.AD_ITEMS, R.AD_MEASURES, R.AD_LAYOUT, R.APP_ROWS, R.APPLICANTS,
             R.RL_CATEGORIES, R.RL_RESULTS, R.STATUSES, R.REPORT_STATUSES, R.SECTIONS, R.EDITION_MARKERS,
             R.HEADER_WORDS, R.RESOURCE_ORDER)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def extractor_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    return hashlib.sha256(f"{EXTRACTOR_VERSION}\0{schema_hash()}\0{code_hash(package_dir)}".encode()).hexdigest()
