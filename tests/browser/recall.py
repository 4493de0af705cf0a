"""Search recall over a built site: for a word, the pages whose indexed text contains it (read from the
HTML files, independently of Pagefind) against the pages the real search box lists.

The indexed text of a page is what gongkai/site.py tells Pagefind to index: the element marked
data-pagefind-body, without tables (EXCLUDE_SELECTORS), scripts, styles and anything marked
data-pagefind-ignore.  Containment is plain substring containment after removing zero-width characters,
which is what a reader means by "the page contains the word".
"""
from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from gongkai.site import EXCLUDE_SELECTORS

# 2- to 6-character words a reader types: places, agency names and their parts, and terms of the form.
# Chosen by reading the sample reports' names and the official form, not from search results.
WORDS = (
    "平潭", "淮安", "洪泽", "宁夏", "上海", "汉阳", "九龙坡", "京山", "泰州", "抚远", "湖口县", "阿巴嘎旗",
    "司法", "司法厅", "教育", "教育局", "卫生健康", "自然资源局", "办公厅", "人民政府", "公安厅",
    "行政复议", "行政诉讼", "不予公开", "依申请公开", "政府信息公开", "信息公开申请", "主动公开",
)

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")
# The same elements as XPath (lxml's CSS selectors need another package); EXCLUDE_SELECTORS is a tag name.
assert re.fullmatch(r"[a-z]+", EXCLUDE_SELECTORS), EXCLUDE_SELECTORS
DROP = ".//script | .//style | .//template | .//noscript | .//*[@data-pagefind-ignore] | .//" + EXCLUDE_SELECTORS


def page_url(site: Path, path: Path) -> str:
    """The URL path Pagefind records for a built page: directory URLs end in '/'."""
    rel = path.relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def indexed_texts(site: Path, lang: str = "zh") -> dict[str, str]:
    """{url path: indexed text} for every page Pagefind indexes in `lang`: Pagefind keeps one index per page
    language, and the 搜索 page (Chinese) searches the Chinese one (the English summary is lang="en")."""
    out = {}
    for path in sorted(Path(site).rglob("*.html")):
        if "pagefind" in path.relative_to(site).parts:
            continue
        tree = lxml_html.fromstring(path.read_bytes())
        if tree.get("lang", "") != lang:
            continue
        bodies = tree.xpath("//*[@data-pagefind-body]")
        if not bodies:
            continue
        for body in bodies:
            for el in body.xpath(DROP):
                el.drop_tree()
        out[page_url(site, path)] = ZERO_WIDTH.sub("", " ".join(b.text_content() for b in bodies))
    return out


def containing(texts: dict[str, str], word: str) -> set[str]:
    return {url for url, text in texts.items() if word in text}


RESULTS = "li.pagefind-ui__result"  # one per page; sub-results (headings inside it) are nested in it
RESULT_LINKS = ".pagefind-ui__result-inner > .pagefind-ui__result-title a.pagefind-ui__result-link"


def submit_header_search(page, start_url: str, word: str) -> None:
    """Type `word` into the header's search box on `start_url` and press Enter: the 搜索 page opens."""
    page.goto(start_url)
    box = page.locator("input.gk-search__input").first
    box.click()
    page.keyboard.insert_text(word)  # CJK arrives from an input method as committed text
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")


def type_on_search_page(page, word: str) -> None:
    """Replace the query in the 搜索 page's own box (Pagefind's UI searches while typing)."""
    box = page.locator("input.pagefind-ui__search-input").first
    box.fill("")
    # An empty box clears the list: the results read next are the new query's, not the last one's.
    page.wait_for_function("() => !document.querySelector('li.pagefind-ui__result')", timeout=20_000)
    box.click()
    page.keyboard.insert_text(word)


def listed_results(page, word: str, prefix: str = "/") -> set[str]:
    """Every page the 搜索 page lists for `word` ("加载更多" pressed until all are shown), as URL paths from
    the site's root (`prefix` is the site's own path when it is served under one)."""
    # The message reads 正在搜索 … while the query runs, then 找到 N 个 … or 未找到 … once it is answered.
    page.wait_for_function(
        "(w) => { const m = document.querySelector('.pagefind-ui__message');"
        " return m && m.textContent.includes(w) && /找到/.test(m.textContent) && !/正在搜索/.test(m.textContent); }",
        arg=word, timeout=20_000)
    message = page.locator(".pagefind-ui__message").first.inner_text()
    count = int(m.group(1)) if (m := re.search(r"找到\s*(\d+)", message)) else 0
    results = page.locator(RESULTS)
    more = page.locator("button.pagefind-ui__button")
    page.wait_for_function("(n) => document.querySelectorAll('li.pagefind-ui__result').length >= n"
                           " && !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')",
                           arg=min(count, 5), timeout=20_000)
    while results.count() < count and more.count() and more.first.is_visible():
        shown = results.count()
        more.first.click()
        page.wait_for_function("(n) => document.querySelectorAll('li.pagefind-ui__result').length > n",
                               arg=shown, timeout=20_000)
    # Each result fetches its own fragment: a placeholder stands in until it has (no link yet).
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')",
                           timeout=20_000)
    hrefs = page.evaluate("(sel) => [...document.querySelectorAll(sel)].map(a => a.getAttribute('href'))",
                          RESULT_LINKS)
    return {"/" + h.split("#")[0][len(prefix):] for h in hrefs if h.startswith(prefix)}


def table(rows: list[tuple[str, int, int, float]]) -> str:
    lines = ["| word | pages found | pages that contain it | recall |", "|---|---|---|---|"]
    lines += [f"| {w} | {f} | {c} | {r:.2f} |" for w, f, c, r in rows]
    return "\n".join(lines)
