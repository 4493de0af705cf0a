"""The package's shape: no import cycles (imports inside functions count too), no sys.path edits."""
from __future__ import annotations

from pathlib import Path

from conftest import ROOT
from gongkai.pipeline.fingerprint import import_graph, imports_of


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert "gongkai.pages.write" in graph and "gongkai.extract" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_an_import_inside_a_function_is_an_edge(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("def f():\n    from gongkai import y\n    from .z import w\n")
    assert imports_of(f, "gongkai.x", {"gongkai.x", "gongkai.y", "gongkai.z"}) == {"gongkai.y", "gongkai.z"}


def test_nothing_edits_sys_path():
    offenders = []
    for top in ("gongkai", "tests", "scripts", "hooks"):
        for path in (ROOT / top).rglob("*.py"):
            if path == Path(__file__):
                continue
            text = path.read_text(encoding="utf-8")
            if any(s in text for s in ("sys.path.insert", "sys.path[:0]", "sys.path.append")):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
