"""The recent layer of a shard's search index: the pages changed since the shard was last indexed whole, in an
index of their own that the browser merges with the others, while the whole index's copies of those pages are
listed as superseded and dropped from every result (docs/assets/search/pagefind.js).

Pagefind cannot update an index: a page changed meant indexing its whole shard again, about 10 ms a page (18 s
for the 1,760 pages of a 1,250-report shard, the largest single step of a one-report edit; BENCHMARKS.md).
Indexing the changed pages alone costs their own pages only.  The layer grows with every edit until it holds
more than RECENT_SHARE of the shard's pages; then the shard is indexed whole again and the layer goes.

State, in the shard's folder (search.json): each page of the whole index by its address (its fragment id, which
Pagefind derives from the page's content, and its filter values, to correct filter counts in the browser),
and the pages of the recent layer.
"""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from gongkai.mirror import mirror
from gongkai.shards import PAGEFIND_DIR

STATE = "search.json"
LAYERS = "recent"  # a shard's recent layer: pagefind/recent/<name>/
RECENT_SHARE = 0.1  # above this share of the shard's pages in the layer, the shard is indexed whole again
LAYER_SITE = "recent-site"  # the shard's folder of links to the layer's pages, which Pagefind indexes
_FRAGMENT_HEAD = b"pagefind_dcd"


def listed(name: str) -> str:
    """A shard's recent layer as pagefind/shards.json lists it, relative to the pagefind folder."""
    return f"{LAYERS}/{name}/"


def recent_dir(name: str) -> str:
    return f"{PAGEFIND_DIR}/{LAYERS}/{name}"


def fragments(index: Path) -> dict[str, list]:
    """Each page of a Pagefind bundle by its address (as the site serves it, from the root): [its fragment id,
    its filters]."""
    out = {}
    for path in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_FRAGMENT_HEAD):
            data = data[len(_FRAGMENT_HEAD):]
        page = json.loads(data)
        out[page["url"]] = [path.stem, page.get("filters", {})]
    return out


def _load(shard: Path) -> dict:
    try:
        return json.loads((shard / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save(shard: Path, state: dict) -> None:
    tmp = shard / (STATE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(shard / STATE)


def indexed_whole(shard: Path, index: Path, name: str) -> None:
    """After the shard was indexed whole: its pages recorded, the recent layer gone."""
    shutil.rmtree(shard / "site" / recent_dir(name), ignore_errors=True)
    shutil.rmtree(shard / LAYER_SITE, ignore_errors=True)
    _save(shard, {"whole": fragments(index), "recent": []})


def url_of(html: str) -> str:
    """The address Pagefind records for a page file: a/b/index.html -> /a/b/, index.html -> /."""
    return "/" + (html[: -len("index.html")] if html.endswith("index.html") else html)


def layer(shard: Path, changed: list[str], pages: int) -> list[str] | None:
    """The recent layer's page files (relative to the shard's site) once `changed` joins it, or None when the
    shard must be indexed whole: no record of its whole index, or the layer would grow past RECENT_SHARE."""
    state = _load(shard)
    if "whole" not in state:
        return None
    now = sorted(set(state.get("recent", [])) | set(changed))
    return now if len(now) <= RECENT_SHARE * pages else None


def superseded(shard: Path, name: str, state: dict) -> dict[str, dict]:
    """The whole index's copies of the layer's pages (`state`: the shard's search.json), by fragment id: what
    the browser drops from a search's results, with their filters (to take them out of the counts).  A page
    whose copy in the layer is the very same fragment (its words did not change) comes back twice under one
    id: marked `twin`, one is kept."""
    layer_pages = fragments(shard / "site" / recent_dir(name))
    whole = state.get("whole", {})
    out = {}
    for html in state.get("recent", []):
        old = whole.get(url_of(html))
        if old:
            out[old[0]] = {"filters": old[1], **({"twin": True} if layer_pages.get(url_of(html), [None])[0] == old[0]
                                                 else {})}
    return out


def index_layer(shard: Path, name: str, pages: list[str], command, run) -> dict:
    """Index the layer's pages into the shard's site (pagefind/recent/<name>/) with run(command(out), cwd), and
    record them.  The step's result as `run` gives it."""
    site = shard / "site"
    mirror(shard / LAYER_SITE, {rel: (str(site / rel), (site / rel).stat().st_ino) for rel in pages})
    out = site / recent_dir(name)
    shutil.rmtree(out, ignore_errors=True)
    result = run(command(str(out)), shard / LAYER_SITE)
    if result["returncode"] == 0:
        state = _load(shard)
        state["recent"] = pages
        _save(shard, state)
    return result


def listing(shard: Path, name: str) -> tuple[bool, dict[str, dict]]:
    """For the search page: whether the shard has a recent layer, and what it supersedes."""
    state = _load(shard)
    has = bool(state.get("recent")) and (shard / "site" / recent_dir(name)).is_dir()
    return has, (superseded(shard, name, state) if has else {})
