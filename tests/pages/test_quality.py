"""gongkai/pages/quality.py: the data-quality page and its CSV (failing identities, cell problems, files
not published)."""
from __future__ import annotations

import csv
import io

from gongkai.pages import quality as Q


def _html(root, rel):
    return (root / "site" / rel).read_text(encoding="utf-8")


def test_quality_csv_lists_failing_identities_and_cell_problems(built):
    root, result, _proc = built
    text = (root / "site" / "quality.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and set(rows[0]) == set(Q.QUALITY_FIELDS)
    # reports/001 prints 行政复议 总计 0 beside 维持 10 and 纠正 1.
    hz23 = [r for r in rows if r["source_file"] == "001_huaian_hongzequ_2023.pdf" and r["issue"] == "check_failed"]
    review = next(r for r in hz23 if r["detail"] == "review_total.review")
    assert (review["lhs"], review["rhs"]) == ("0", "11")
    flagged = {r["report_id"] for r in rows if r["issue"] == "check_failed"}
    assert flagged == {r.report_id for r in result.reports if r.failed_checks}
    assert any(r["issue"] == "cells_inferred" for r in rows)
    html = _html(root, "quality/index.html")
    assert "<code>review_total.review</code>" in html and 'href="../quality.csv"' in html


def test_not_published_files_are_listed():
    csv_text = Q.quality_csv([], [{"file": "x.doc", "reason": "unsupported file type '.doc'"}])
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert rows == [{**{k: "" for k in Q.QUALITY_FIELDS}, "source_file": "x.doc", "issue": "not_published",
                     "issue_zh": "未能发布", "detail": "unsupported file type '.doc'"}]
