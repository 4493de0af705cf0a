"""No page of the built site links to a missing file or anchor; sampled pages load whole in the browser."""
from __future__ import annotations

import shutil

from .linkcheck import broken_links


def test_no_broken_internal_links(built):
    root, _, proc = built
    assert proc.returncode == 0, proc.stderr[-3000:]
    problems = broken_links(root / "site")
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems[:50])


def test_link_check_can_fail(built, tmp_path):
    """A missing page, a missing asset, a missing anchor and a javascript: link are each reported."""
    root, _, _ = built
    site = tmp_path / "site"
    shutil.copytree(root / "site", site)
    shutil.rmtree(site / "dictionary")
    (site / "assets" / "gongkai.css").unlink()
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</article>", '<a href="#no-such-anchor">x</a><a href="JavaScript:alert(1)">y</a></article>', 1),
        encoding="utf-8")
    text = "\n".join(broken_links(site))
    assert "dictionary/index.html" in text
    assert "gongkai.css" in text
    assert "#no-such-anchor" in text
    assert "JavaScript:alert(1)" in text
