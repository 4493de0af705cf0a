"""MkDocs hooks (mkdocs.yml `hooks:`) that keep the build of thousands of generated pages fast.

1. Pre-rendered HTML blocks.  Report pages carry their tables, narrative and download list as one-line
   raw HTML blocks (gongkai/pages/markup.py, gongkai/pages/write.py); every piece of report text in them is already escaped.  Python-Markdown would
   parse each block twice with html.parser (md_in_html's block preprocessor and MkDocs' anchor
   collector), which was most of the Markdown time at 1,000 reports, only to pass it through unchanged.
   A preprocessor hands such blocks to Markdown's own raw-HTML stash instead, so they come out verbatim.

2. Downloads.  docs/downloads/ (tens of thousands of data files written by `gongkai build`) is excluded
   from MkDocs (`exclude_docs`), so MkDocs neither copies nor checks them one by one; Markdown links to
   them still resolve (MkDocs rewrites links to excluded files and logs them at INFO only).  After the
   build they are hard-linked into the site (copied when site_dir is on another device), for
   `mkdocs build` and `mkdocs serve` alike.  Hard links are safe because `gongkai build` replaces files
   (write to a temporary file, then rename) and never rewrites one in place.

3. Shards.  `make site` renders the site in several MkDocs runs (gongkai/shards.py).  In a shard's run,
   the files of other shards that its pages link to, and the nav's pages, are added as files that are not
   built, so the links resolve as in one whole build; the downloads are put in the site once, when the
   shards are assembled (gongkai/site.py).

4. Search words.  Each indexed article gets a hidden block of the words its longer words contain
   (gongkai/pages/search_terms.py), so that searching 办公厅 finds a page that says 国务院办公厅.  A run of a
   few pages (an edit's changed pages, rendered alone) looks up each page's own words instead of loading
   jieba's whole dictionary, which was most of such a run's time.

5. Compiled templates.  Jinja compiles the theme's templates in every run, a fifth of a run that renders an
   edit's few pages; their bytecode is kept in build/cache/ (Jinja's own cache, checked against each
   template's source, written by a rename: shards running at once share it).
"""
from __future__ import annotations

import os
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

from gongkai.files import link_or_copy
from gongkai.package.licence import FOOTER_HTML
from gongkai.pages.search_terms import hidden_block
from gongkai.paths import CACHE_DIR, DOWNLOADS
from gongkai.shard_build import STAND_INS_ENV

# Up to this many pages to render, each page's dictionary words are looked up alone (search_terms.dictionary_for,
# some milliseconds a page) rather than the whole dictionary loaded once (1.5-2.5 CPU-s).
FEW_PAGES = 50
_run = {"few": False}


# Only blocks written by gongkai/pages/markup.py: a whole line starting like this is generated HTML, because
# report text is escaped and can never open a tag.
RAW_PREFIXES = ('<div class="gk-table-wrap">', '<div class="gk-text">', '<div class="gk-downloads">',
                '<div class="gk-checks-section">')


def is_raw_block(lines: list[str], i: int) -> bool:
    """A pre-rendered block that is a paragraph of its own, closes what it opens, and defines no anchor
    (MkDocs collects ids from raw HTML for its anchor check; stashed HTML would hide them)."""
    line = lines[i]
    return (line.startswith(RAW_PREFIXES)
            and (i == 0 or not lines[i - 1].strip())
            and (i + 1 == len(lines) or not lines[i + 1].strip())
            and line.count("<div") == line.count("</div>")
            and " id=" not in line and "markdown=" not in line)


class RawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return [self.md.htmlStash.store(line) if is_raw_block(lines, i) else line for i, line in enumerate(lines)]


class RawBlocksExtension(Extension):
    def extendMarkdown(self, md):
        # After whitespace normalisation (30, which strips the stash's marker characters from the source),
        # before MkDocs' anchor collector (21) and the HTML block parser (20).
        md.preprocessors.register(RawBlocks(md), "gongkai_raw_blocks", 25)


def on_config(config):
    config.markdown_extensions.append(RawBlocksExtension())
    config.copyright = FOOTER_HTML  # the data licence in every page's footer, worded once (package/licence.py)
    return config


def publish_downloads(docs_dir: str, site_dir: str) -> int:
    """Put every file of docs/downloads/ at the same path in the site; returns the number of files.
    Dot-files (a killed build's temporary files) are skipped, as MkDocs skips them."""
    src_root = os.path.join(docs_dir, DOWNLOADS)
    count = 0
    for dirpath, dirnames, filenames in os.walk(src_root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, src_root)
        dest_dir = Path(site_dir, DOWNLOADS, rel)
        dest_dir.mkdir(parents=True, exist_ok=True)
        for name in sorted(filenames):
            if not name.startswith("."):
                link_or_copy(Path(dirpath, name), dest_dir / name)
                count += 1
    return count


def _nav_pages(items) -> list[str]:
    out = []
    for item in items or []:
        for value in (item.values() if isinstance(item, dict) else [item]):
            if isinstance(value, list):
                out += _nav_pages(value)
            elif isinstance(value, str) and value.endswith(".md"):
                out.append(value)
    return out


def on_files(files, config):
    """In a shard's run: the stand-ins for files of other shards (links to them resolve, nothing is built)."""
    _run["few"] = sum(1 for _ in files.documentation_pages()) <= FEW_PAGES
    listing = os.environ.get(STAND_INS_ENV)
    if not listing:
        return files
    from mkdocs.structure.files import File, InclusionLevel

    wanted = Path(listing).read_text(encoding="utf-8").splitlines() + _nav_pages(config.nav)
    for rel in dict.fromkeys(wanted):
        if rel and files.get_file_from_path(rel) is None:
            files.append(File.generated(config, rel, content=b"", inclusion=InclusionLevel.EXCLUDED))
    return files


TEMPLATE_CACHE = "mkdocs-templates"  # under build/cache/: the theme's compiled templates


def on_env(env, config, files):
    """The theme's templates compiled once for every run of the project (Jinja's bytecode cache)."""
    from jinja2 import FileSystemBytecodeCache

    folder = Path(config.config_file_path).resolve().parent / CACHE_DIR / TEMPLATE_CACHE
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_page_content(html: str, page, config, files) -> str:
    """Words the search would miss inside longer words (gongkai/pages/search_terms.py), in a hidden block
    inside the indexed article; pages left out of the index get none."""
    search = (page.meta or {}).get("search") or {}
    if isinstance(search, dict) and search.get("exclude"):
        return html
    return html + hidden_block(html, few=_run["few"])


def on_post_page(output: str, page, config) -> str:
    """A page whose front matter says `lang: en` (the English summary) is marked English as a whole, for
    screen readers, search engines and the site's own Chinese-text check; the theme's language stays zh."""
    lang = (page.meta or {}).get("lang")
    if lang == "en":
        output = output.replace('<html lang="zh"', '<html lang="en"', 1)
    return output


def on_post_build(config):
    if not os.environ.get(STAND_INS_ENV):  # a shard leaves the downloads to the assembly of the site
        publish_downloads(config.docs_dir, config.site_dir)
