"""如何引用: how to cite the dataset, a report's data, an agency's series — GB/T 7714 and BibTeX.

One function makes the citation of a thing; the pages show it in a block, and the downloads carry the
same text (paths.CITATION_FILE).  No date is invented: the dataset version is the package's version, the
access date is left for the reader to write (it is the day *they* read it, which a static page cannot
know), and the site's address is the page's path from the site root (the site is served from wherever it
is deployed; mkdocs.yml has no fixed site_url).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from gongkai import paths as P
from gongkai.package.datapackage import LICENSE
from gongkai.pages.markup import esc

DATASET_ZH = "公开 Gongkai：政府信息公开工作年度报告开放数据"
PUBLISHER = "Gongkai 项目"
ACCESS_DATE = "引用日期"  # GB/T 7714 puts the access date in brackets; the reader fills in theirs


@lru_cache(maxsize=1)
def dataset_version() -> str:
    # Cached: reading the installed metadata takes about a millisecond, and every page and chart cites it.
    try:
        # None when the install's metadata folder is gone (an editable install's gongkai.egg-info removed)
        return metadata.version("gongkai") or "unversioned"
    except metadata.PackageNotFoundError:  # running from a checkout without the editable install
        return "unversioned"


def report_reference(rep) -> dict:
    """How a report is cited, the same on its page (block) and beside its downloads (citation_file): its title,
    its page, its year, the agency as author and a BibTeX key named like its downloads."""
    m = rep.meta
    return {"title": f"{m.agency} {m.year} 年政府信息公开工作年度报告", "path": P.page_url(P.report_page_of(rep)),
            "year": m.year, "author": m.agency, "key": P.zip_prefix(rep.slug, m.year)}


def _bib_escape(text: str) -> str:
    """BibTeX field text: braces and backslashes balanced away, one line."""
    out = " ".join(str(text).split())
    for ch in "\\{}%&$#_^~":
        out = out.replace(ch, "\\" + ch if ch not in "\\^~" else " ")
    return out


def citation(title: str, path: str, year: int | None = None, author: str | None = None,
             key: str = "gongkai") -> dict[str, str]:
    """{'gbt7714': ..., 'bibtex': ...} for a thing on the site at `path` (from the site root).

    `author` is the agency for a report's data (it wrote the figures); the dataset compiles them."""
    version = dataset_version()
    who = author or PUBLISHER
    titled = title if title == DATASET_ZH else f"{title}（{DATASET_ZH}）"
    gbt = (f"{who}. {titled}[DS/OL]. 版本 {version}. {PUBLISHER}"
           f"{f', {year}' if year else ''}[{ACCESS_DATE}]. {path or '/'}.")
    fields = [("author", f"{{{_bib_escape(who)}}}"), ("title", f"{{{_bib_escape(titled)}}}"),
              ("publisher", f"{{{_bib_escape(PUBLISHER)}}}"), ("version", f"{{{version}}}")]
    if year:
        fields.append(("year", f"{{{int(year)}}}"))
    url = "".join(c for c in (path or "/") if c.isascii() and (c.isalnum() or c in "/-_.")) or "/"
    fields += [("url", f"{{{url}}}"), ("urldate", f"{{{ACCESS_DATE}}}"),
               ("note", f"{{License: {LICENSE['name']}}}")]
    safe_key = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in key) or "gongkai"
    bib = f"@dataset{{{safe_key},\n" + ",\n".join(f"  {k} = {v}" for k, v in fields) + "\n}"
    return {"gbt7714": gbt, "bibtex": bib}


def block(title: str, path: str, year: int | None = None, author: str | None = None, key: str = "gongkai") -> str:
    """The 如何引用 block of a page: raw HTML on few lines, every text escaped (agency names come from reports)."""
    cite = citation(title, path, year, author, key)
    return ('<details class="gk-cite"><summary>如何引用</summary>'
            f"<p>数据集版本 {esc(dataset_version())}；访问日期请填写您查阅的日期（“{ACCESS_DATE}”处）；"
            f'许可：<a href="{esc(LICENSE["path"])}"><span lang="en">{esc(LICENSE["title"])}</span>（{esc(LICENSE["name"])}）</a>。'
            f"网址是本页相对于本站根目录的路径，请加上您访问的站点地址。</p>"
            f"<p>GB/T 7714：</p><pre><code>{esc(cite['gbt7714'])}</code></pre>"
            f"<p>BibTeX：</p><pre><code>{esc(cite['bibtex'])}</code></pre></details>\n\n")


def citation_file(title: str, path: str, year: int | None = None, author: str | None = None,
                  key: str = "gongkai") -> bytes:
    """The same text as a plain-text file beside the downloads (UTF-8)."""
    cite = citation(title, path, year, author, key)
    return (f"# 如何引用 How to cite\n\n{title}\n\n"
            f"数据集版本 Dataset version: {dataset_version()}\n\n"
            f"访问日期 Access date: 请把“{ACCESS_DATE}”换成您查阅的日期 (write the day you accessed it).\n\n"
            f"许可 License: {LICENSE['title']} ({LICENSE['name']}, {LICENSE['path']})\n\n"
            f"网址 Address: {path or '/'} (relative to the root of the site you downloaded it from)\n\n"
            f"## GB/T 7714\n\n    {cite['gbt7714']}\n\n## BibTeX\n\n"
            + "".join(f"    {line}\n" for line in cite["bibtex"].splitlines()) + "\n").encode("utf-8")
