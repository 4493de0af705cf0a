"""The Chinese description of every column of the registry (registry.py keeps the English one beside the
labels).  The Chinese pages show these; the English page and the packages' Table Schemas keep the English.

Codes and names written as in the data are in backticks (code font on the pages).  Keyed by column name; where one name means different things in different tables, (table, name) comes first.
tests/schema/test_descriptions_zh.py holds that every column of every resource has one.
"""
from __future__ import annotations

from gongkai.schema import measures as M
from gongkai.schema.registry import REPORT_STATUSES, STATUSES

_CELL_STATUSES = "；".join(f"`{code}` = {zh}" for code, (zh, _en) in STATUSES.items())
_REPORT_STATUSES = "；".join(f"`{code}` = {zh}" for code, (zh, _en) in REPORT_STATUSES.items())

BY_TABLE = {
    ("metadata", "edition"): "报告统计表所用的格式版本：`2019`、`2021` 或 `pre-2019`（2019 年以前）；报告中没有能判断版本的表格时为空。",
    ("metadata", "status"): f"整份报告的提取状态：{_REPORT_STATUSES}。",
    ("legacy_statistics", "status"): "数值是如何得到的（与填报格式单元格的状态相同）。",
    ("legacy_statistics", "unit"): "报告印出的单位（条、件等）。",
    ("legacy_statistics", "raw"): "这一行提取出的原文，未经任何改动。",
    ("legacy_statistics", "source_row"): "来源表格中的行号，或文本文件中的行号；单元格粘连的文本为空。",
    ("checks", "result"): "`pass`（通过）、`fail`（未通过）或 `not checked`（所需单元格缺失或无法读取，未核验）。",
    ("reviews_litigation", "result"): "列标签，照填报格式印出的文字。",
    ("corrections", "code"): "被更正单元格在该表中的代码。",
    ("corrections", "value"): "发布的数值（该单元格的状态为 `corrected`）。",
}

BY_NAME = {
    "report_id": "报告标识：`<机关代码>/<年度>`。",
    "agency": "发布报告的机关名称，照报告印出的（或附注文件给出的）写法。",
    "agency_official": "写出常见简称全称后的机关名称（市科委 → 市科学技术委员会，中村乡 → 中村乡人民政府）；"
                       "没有可展开的简称时与 `agency` 相同。",
    "agency_slug": "机关代码：可用于网址的机关标识。",
    "region": "机关所属地区，尽量具体。",
    "province": "省级行政区。",
    "level": "机关层级：`national-ministry`（国务院部门）、`province`（省级政府）、`province-dept`（省级部门）、"
             "`city`（市级政府）、`city-dept`（市级部门）、`county`（县级政府）、`county-dept`（县级部门）或 "
             "`township`（乡镇街道）。",
    "year": "报告所属年度。",
    "edition": "该表所依据的填报格式版本。",
    "status": f"数值是如何得到的：{_CELL_STATUSES}。",
    "title": "识别出的报告标题。",
    "publication_date": "发布日期（已知时）。",
    "source_file": "`reports/` 目录中的文件名。",
    "source_format": "文件格式：`pdf`、`html`、`txt` 等。",
    "source_url": "报告在发布机关网站上的地址。",
    "mirror_url": "文件不是取自机关网站时，所依据的副本（存档、镜像或转载）的地址。",
    "retrieved": "获取文件的日期；未记录时为空。",
    "sha256": "源文件的 SHA-256 校验值。",
    "checks_failed": "未通过的勾稽关系核验数。",
    "warnings": "提取中遇到的问题，以 `|` 分隔（写给维护者，英文）。",
    "code": "单元格的稳定代码，在一份报告内唯一：`<行代码>.<列代码>`。",
    "item_group": "该项所属的《政府信息公开条例》条款。",
    "item_code": "行的稳定代码。",
    "item": "行标签，照填报格式印出的文字。",
    "measure_code": "列的稳定代码。",
    "measure": "列标签，照填报格式印出的文字。",
    "value": "照报告印出的数值；单元格空白或无法读取时为空值（不是 0）。",
    "unit": "填报格式规定的单位。",
    "raw": "单元格提取出的原文，解析之前的样子。",
    "confidence": "OCR 读取的单元格（状态为 `ocr` 或 `illegible`）：识别引擎的置信度，0 到 1；从文字读取的单元格为空。",
    "source_page": "数值所在的源 PDF 页码；其他格式为空。",
    "source_table": "数值取自源文件的第几张表格（1 为第一张），适用于 PDF、HTML 和 DOCX；纯文本为空。",
    "source_row": "该表格中的行号（1 为第一行），或文本文件中这一行开始的行号。",
    "source_cell": "单元格在印出的这一行中的位置（1 为第一格，行标签也算）。",
    "source_line": "文本文件：数值所在的行（1 为第一行）；其他格式为空。",
    "source_start": "文本文件：这一行中数值之前的字符数（0 表示数值在行首）。",
    "source_end": "文本文件：`source_start` 加上数值的字符数。",
    "source_x0": "PDF：这一格在其页（`source_page`）上的左边界，单位为点，从页面左上角量起；其他格式为空。",
    "source_top": "PDF：这一格的上边界，单位为点，从页面左上角量起；其他格式为空。",
    "source_x1": "PDF：这一格的右边界，单位为点，从页面左上角量起；其他格式为空。",
    "source_bottom": "PDF：这一格的下边界，单位为点，从页面左上角量起；其他格式为空。",
    "row_code": "行的稳定代码。",
    "row_group": "该行所属的印出分组，例如（三）不予公开。",
    "row_label": "行标签，照填报格式印出的文字。",
    "applicant_code": "列（申请人类别）的稳定代码。",
    "applicant": "列标签，照填报格式印出的文字。",
    "category_code": "`review`（行政复议）、`litigation_direct`（未经复议直接起诉）或 `litigation_after_review`（复议后起诉）。",
    "category": "行政复议或行政诉讼。",
    "subcategory": "行政诉讼的类别：未经复议直接起诉或复议后起诉；行政复议为空。",
    "result_code": "列（结果）的稳定代码。",
    "check_id": "核验的稳定标识及其范围。",
    "identity": "所核验的关系，用文字写出。",
    "lhs": "等式左边的值；空白按 0 计。",
    "rhs": "等式右边的值；空白按 0 计。",
    "note": "未核验的原因，或哪些空白按 0 计。",
    "section": "填报格式的节号，1 到 6。",
    "heading": "印出的标题。",
    "text": "该节的正文。",
    "row": "该行在印出的表格中的位置（1 为第一行）。",
    "indicator": "行标签，照报告印出的文字。",
    "this_year": "报告年度的数值。",
    "cumulative": "历年累计值（报告印出时）。",
    # Corrections (a maintainer's correction of a misread cell, from the sidecar).
    "table": "被更正单元格所在的资源（表）。",
    "extracted_value": "提取程序读出的数值，与更正并列保留；未读出时为空值。",
    "extracted_status": "更正之前该单元格的状态。",
    "reason": "更正的理由。",
    "who": "更正人。",
    "when": "更正的日期。",
    # The database's agencies table (package/exports.py agency_records).
    "first_year": "该机关最早一份报告的年度。",
    "last_year": "该机关最近一份报告的年度。",
    "reports": "该机关的报告份数。",
}


def description_zh(table: str, column: str) -> str:
    """The Chinese description of a column of a resource or database table; KeyError for a column with none.
    A measure's column is described by its formula (measures.py), as its English description is."""
    if table == M.TABLE and column in M.BY_CODE:
        m = M.BY_CODE[column]
        return f"{m.zh}（{m.unit[0]}）= {m.formula_zh()}；所需单元格空白、缺失或无法读取时为空值（不是 0）。"
    return BY_TABLE.get((table, column)) or BY_NAME[column]
