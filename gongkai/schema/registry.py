"""The one definition of the annual-report form: tables, rows, columns, codes and labels.

Table Schemas, the data dictionary page, the parser's label matching and the
validation are all generated from the objects in this module.  A new label
variant seen in a real report is added here as an alias, not as an `if` in a parser.
"""
from __future__ import annotations

from dataclasses import dataclass, field

EDITION_2019 = "2019"
EDITION_2021 = "2021"
EDITION_PRE2019 = "pre-2019"
EDITIONS = (EDITION_2019, EDITION_2021)

EDITION_LABELS = {
    EDITION_2019: "2019 试行版（国办公开办函〔2019〕60号）",
    EDITION_2021: "2021 版（国办公开办函〔2021〕30号）",
    EDITION_PRE2019: "2019 年以前的格式",
}

# Cell statuses: what a published value means.  `blank` is a printed empty cell, never 0.
STATUSES = {
    "reported": ("如实摘录", "the value as printed in the report"),
    "blank": ("空白", "the cell is printed empty; the value is unknown, not zero"),
    "inferred": ("推断", "recovered from text whose cells run together, using the identities"),
    "ambiguous": ("存疑", "several readings fit the text; no value is published"),
    "unreadable": ("无法读取", "the table is present but its cells cannot be separated"),
    "missing": ("缺失", "the report ends or the row is absent before this cell"),
    "ocr": ("识别", "read by OCR from a picture of the table (a scan, or a table printed as an image); "
                    "`confidence` gives the engine's confidence"),
    "illegible": ("无法辨认", "the cell is printed in a picture but OCR could not read it with confidence; "
                              "no value is published"),
    "corrected": ("已更正", "corrected in the open by a maintainer; the value as extracted, the reason, who and "
                            "when are in the corrections resource"),
}
# The statuses whose cell carries a value: every other status publishes null (a blank is not zero).
VALUE_STATUSES = ("reported", "inferred", "ocr", "corrected")


# An OCR reading below this confidence is not published (status `illegible`).  The engine's scores on
# digits it read right sit at 0.95-1.0 on our derived scans; below 0.8 they were guesses (BENCHMARKS.md).
OCR_MIN_CONFIDENCE = 0.8


def carries_value(status: str) -> bool:
    return status in VALUE_STATUSES


# Column types (Table Schema's names) and what each becomes in the other formats; the validator supports
# exactly these.  Arrow's are pyarrow factory names (pyarrow is imported only where Parquet is written).
COLUMN_TYPES = ("string", "integer", "number", "date")
SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}
ARROW_TYPES = {"string": "string", "integer": "int64", "number": "float64", "date": "date32"}

# Report-level extraction statuses.
REPORT_STATUSES = {
    "complete": ("表格完整", "all three statistical tables were read"),
    "tables incomplete": ("表格不完整", "some rows or tables are missing, e.g. a truncated report"),
    "cells run together": ("单元格粘连", "the text has no cell separators: a value is published (as inferred) "
                                          "only where the form's identities admit exactly one reading"),
    "no standard tables": ("无标准表格", "no 2019/2021 statistical tables: a pre-2019 or narrative-only report"),
    "tables as images": ("表格为图片", "the statistical tables are printed as pictures, so no number can be read "
                                     "from the text; no value is published"),
    "no text layer": ("无文字层", "the file is a scan or image with no text to read; no value is published"),
}

# What each status means for a reader, in one or two sentences (the report page's banner).
REPORT_STATUS_READINGS = {
    "complete": "三张统计表都已读取。",
    "tables incomplete": "部分行或表缺失，例如报告被截断。",
    "cells run together": "报告文字中的单元格没有分隔符、数字连在一起：只有当填报格式的勾稽关系只允许一种拆分时，"
                          "才发布拆分出的数字（标为推断）。",
    "no standard tables": "报告没有 2019 或 2021 格式的统计表（2019 年以前的格式，或只有文字）。",
    "tables as images": "统计表以图片印出，文字中读不到数字，因此不发布数字。",
    "no text layer": "文件是扫描件或图片，没有可读取的文字，因此不发布数字。",
}
assert set(REPORT_STATUS_READINGS) == set(REPORT_STATUSES)


@dataclass(frozen=True)
class Dim:
    """One member of a table dimension (a row, a column, an item or a measure)."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    editions: tuple[str, ...] = EDITIONS
    group: str = ""  # the printed group label this row sits under, e.g. （三）不予公开
    group_code: str = ""
    unit: str = "件"
    type: str = "integer"
    minimum: float | None = 0
    labels_by_edition: dict = field(default_factory=dict, hash=False, compare=False)

    def label(self, edition: str) -> str:
        return self.labels_by_edition.get(edition, self.zh)


# ---------------------------------------------------------------------------
# Table 二: proactive disclosure (主动公开政府信息情况)
# ---------------------------------------------------------------------------
AD_ITEMS = (
    Dim("rules", "规章", "Rules (regulations)", group="第二十条第（一）项", group_code="art20_1"),
    Dim("normative_documents", "行政规范性文件", "Administrative normative documents",
        aliases=("规范性文件",), group="第二十条第（一）项", group_code="art20_1",
        labels_by_edition={EDITION_2019: "规范性文件"}),
    Dim("licensing", "行政许可", "Administrative licensing", group="第二十条第（五）项", group_code="art20_5"),
    Dim("other_services", "其他对外管理服务事项", "Other external management services",
        editions=(EDITION_2019,), group="第二十条第（五）项", group_code="art20_5"),
    Dim("penalty", "行政处罚", "Administrative penalties", group="第二十条第（六）项", group_code="art20_6"),
    Dim("enforcement", "行政强制", "Administrative coercive measures", group="第二十条第（六）项",
        group_code="art20_6"),
    Dim("fees", "行政事业性收费", "Administrative fees", group="第二十条第（八）项", group_code="art20_8"),
    Dim("procurement", "政府集中采购", "Centralised government procurement", editions=(EDITION_2019,),
        group="第二十条第（九）项", group_code="art20_9"),
)

AD_MEASURES = (
    Dim("issued", "本年制发件数", "Issued this year", editions=(EDITION_2021,)),
    Dim("repealed", "本年废止件数", "Repealed this year", editions=(EDITION_2021,)),
    Dim("in_force", "现行有效件数", "In force", aliases=("现行有效件数(历史累计)",), editions=(EDITION_2021,)),
    Dim("made", "本年新制作数量", "Newly made this year", editions=(EDITION_2019,)),
    Dim("published", "本年新公开数量", "Newly published this year", editions=(EDITION_2019,)),
    Dim("total_published", "对外公开总数量", "Total published", editions=(EDITION_2019,)),
    Dim("prev_items", "上一年项目数量", "Items in the previous year", unit="项", editions=(EDITION_2019,)),
    Dim("change", "本年增/减", "Change this year", unit="项", minimum=None, editions=(EDITION_2019,)),
    Dim("decisions", "本年处理决定数量", "Decisions made this year", aliases=("处理决定数量",),
        labels_by_edition={EDITION_2019: "处理决定数量"}),
    Dim("fee_amount", "本年收费金额（单位：万元）", "Fees collected this year", unit="万元", type="number",
        aliases=("本年收费金额",), editions=(EDITION_2021,)),
    Dim("procurement_items", "采购项目数量", "Procurement projects", unit="项", editions=(EDITION_2019,)),
    Dim("procurement_amount", "采购总金额", "Procurement amount", unit="按报告所印（元或万元）",
        type="number", editions=(EDITION_2019,)),
)

# Which measures each item carries, in printed column order, per edition.
AD_LAYOUT = {
    EDITION_2021: {
        "rules": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("fee_amount",),
    },
    EDITION_2019: {
        "rules": ("made", "published", "total_published"),
        "normative_documents": ("made", "published", "total_published"),
        "licensing": ("prev_items", "change", "decisions"),
        "other_services": ("prev_items", "change", "decisions"),
        "penalty": ("prev_items", "change", "decisions"),
        "enforcement": ("prev_items", "change", "decisions"),
        "fees": ("prev_items", "change"),
        "procurement": ("procurement_items", "procurement_amount"),
    },
}

# ---------------------------------------------------------------------------
# Table 三: requests received and handled (收到和处理政府信息公开申请情况)
# ---------------------------------------------------------------------------
G_RESULTS = "三、本年度办理结果"
G_REFUSED = "（三）不予公开"
G_UNABLE = "（四）无法提供"
G_NOT_PROCESSED = "（五）不予处理"
G_OTHER = "（六）其他处理"

APP_ROWS = (
    Dim("new_received", "一、本年新收政府信息公开申请数量", "New requests received this year"),
    Dim("carried_over", "二、上年结转政府信息公开申请数量", "Requests carried over from last year"),
    Dim("granted", "（一）予以公开", "Disclosed in full", group=G_RESULTS, group_code="results"),
    Dim("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "Disclosed in part",
        aliases=("部分公开",), group=G_RESULTS, group_code="results"),
    Dim("refused_state_secret", "1.属于国家秘密", "Refused: state secret", group=G_REFUSED, group_code="refused"),
    Dim("refused_law_prohibited", "2.其他法律行政法规禁止公开", "Refused: prohibited by other laws",
        aliases=("其他法律行政止公开", "其他法律和行政法规禁止公开", "其他法律、行政法规禁止公开"), group=G_REFUSED, group_code="refused"),
    Dim("refused_three_security", "3.危及“三安全一稳定”", "Refused: endangers the 'three securities and one stability'",
        aliases=('危及"三安全一稳定"', "危及三安全一稳定"), group=G_REFUSED, group_code="refused"),
    Dim("refused_third_party", "4.保护第三方合法权益", "Refused: protects third-party rights", group=G_REFUSED,
        group_code="refused"),
    Dim("refused_internal_affairs", "5.属于三类内部事务信息", "Refused: internal affairs", group=G_REFUSED,
        group_code="refused"),
    Dim("refused_process_info", "6.属于四类过程性信息", "Refused: process information", group=G_REFUSED,
        group_code="refused"),
    Dim("refused_enforcement_file", "7.属于行政执法案卷", "Refused: law-enforcement case file", group=G_REFUSED,
        group_code="refused"),
    Dim("refused_query_matter", "8.属于行政查询事项", "Refused: administrative query matter", group=G_REFUSED,
        group_code="refused"),
    Dim("unable_not_held", "1.本机关不掌握相关政府信息", "Unable: information not held", group=G_UNABLE,
        group_code="unable"),
    Dim("unable_needs_creating", "2.没有现成信息需要另行制作", "Unable: would have to be created", group=G_UNABLE,
        group_code="unable"),
    Dim("unable_unclear", "3.补正后申请内容仍不明确", "Unable: request still unclear after correction",
        group=G_UNABLE, group_code="unable"),
    Dim("not_processed_petition", "1.信访举报投诉类申请", "Not processed: petition or complaint",
        group=G_NOT_PROCESSED, group_code="not_processed"),
    Dim("not_processed_repeat", "2.重复申请", "Not processed: repeated request", group=G_NOT_PROCESSED,
        group_code="not_processed"),
    Dim("not_processed_publication", "3.要求提供公开出版物", "Not processed: asks for a publication",
        group=G_NOT_PROCESSED, group_code="not_processed"),
    Dim("not_processed_mass_repeat", "4.无正当理由大量反复申请", "Not processed: mass repeated requests",
        group=G_NOT_PROCESSED, group_code="not_processed"),
    Dim("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息",
        "Not processed: asks to confirm or reissue information already obtained",
        group=G_NOT_PROCESSED, group_code="not_processed"),
    # The 2019 edition prints （六）其他处理 as one row; the 2021 edition splits it in three.
    # Both are kept: other_total equals the sum of the three other_* rows (see the dictionary).
    Dim("other_total", "（六）其他处理", "Otherwise handled (single row)", group=G_RESULTS, group_code="results"),
    Dim("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "Otherwise handled: applicant did not correct the request in time", group=G_OTHER,
        group_code="other", editions=(EDITION_2021,)),
    Dim("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "Otherwise handled: applicant did not pay the fee in time", group=G_OTHER, group_code="other",
        editions=(EDITION_2021,)),
    Dim("other_other", "3.其他", "Otherwise handled: other", group=G_OTHER, group_code="other",
        editions=(EDITION_2021,)),
    Dim("total", "（七）总计", "Total handled", group=G_RESULTS, group_code="results"),
    Dim("carried_forward", "四、结转下年度继续办理", "Carried forward to next year"),
)

APPLICANTS = (
    Dim("natural_person", "自然人", "Natural persons"),
    Dim("commercial", "商业企业", "Commercial enterprises", group="法人或其他组织", group_code="organisation"),
    Dim("research", "科研机构", "Research institutions", group="法人或其他组织", group_code="organisation"),
    Dim("public_interest", "社会公益组织", "Public-interest organisations", group="法人或其他组织",
        group_code="organisation"),
    Dim("legal_services", "法律服务机构", "Legal service providers", group="法人或其他组织",
        group_code="organisation"),
    Dim("other_organisation", "其他", "Other organisations", group="法人或其他组织", group_code="organisation"),
    Dim("total", "总计", "Total"),
)

# Outcome rows whose sum is （七）总计.  other_total stands in for the three other_* rows.
OUTCOME_LEAVES = (
    "granted", "partial",
    "refused_state_secret", "refused_law_prohibited", "refused_three_security", "refused_third_party",
    "refused_internal_affairs", "refused_process_info", "refused_enforcement_file", "refused_query_matter",
    "unable_not_held", "unable_needs_creating", "unable_unclear",
    "not_processed_petition", "not_processed_repeat", "not_processed_publication",
    "not_processed_mass_repeat", "not_processed_confirmation",
)
OTHER_SPLIT = ("other_no_correction", "other_unpaid_fee", "other_other")

# ---------------------------------------------------------------------------
# Table 四: administrative review and litigation (行政复议、行政诉讼)
# ---------------------------------------------------------------------------
RL_CATEGORIES = (
    Dim("review", "行政复议", "Administrative review"),
    Dim("litigation_direct", "未经复议直接起诉", "Lawsuits filed directly", group="行政诉讼",
        group_code="litigation"),
    Dim("litigation_after_review", "复议后起诉", "Lawsuits filed after review", group="行政诉讼",
        group_code="litigation"),
)
RL_RESULTS = (
    Dim("upheld", "结果维持", "Upheld"),
    Dim("corrected", "结果纠正", "Corrected"),
    Dim("other", "其他结果", "Other result"),
    Dim("pending", "尚未审结", "Pending"),
    Dim("total", "总计", "Total"),
)

# Words that only appear in header rows; a row holding one of them carries no values.
HEADER_WORDS = (
    "信息内容", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
    "法律服务机构", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉",
    "勾稽关系",
)

# Labels that identify the edition of table 二 (normalised form, see labels.normalise).
EDITION_MARKERS = {
    EDITION_2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额"),
    EDITION_2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "政府集中采购"),
}

# Section headings of the 2019/2021 form; variants seen in real reports are aliases.
SECTIONS = (
    ("1", "一、总体情况", ("总体情况", "概述")),
    ("2", "二、主动公开政府信息情况", ("主动公开政府信息情况", "主动公开政府信息")),
    ("3", "三、收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请情况",)),
    ("4", "四、政府信息公开行政复议、行政诉讼情况",
     ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
      "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开行政复议及行政诉讼情况",
      "政府信息公开行政复议和行政诉讼情况")),
    ("5", "五、存在的主要问题及改进情况",
     ("存在的主要问题及改进情况", "存在的问题及改进情况", "存在的主要问题及改进措施",
      "政府信息公开工作存在的主要问题及改进情况")),
    ("6", "六、其他需要报告的事项", ("其他需要报告的事项",)),
)


# ---------------------------------------------------------------------------
# The published tables
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    en: str
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None


def _common_tail(value_type: str, minimum: float | None) -> tuple[Column, ...]:
    return (
        Column("value", value_type, "数值", "Value",
               "The number as printed; null when the cell is blank or could not be read.", minimum=minimum),
        Column("unit", "string", "单位", "Unit", "Unit of the value as defined by the form."),
        Column("status", "string", "状态", "Status",
               "How the value was obtained: " + "; ".join(f"{k} = {v[1]}" for k, v in STATUSES.items()) + ".",
               required=True, enum=tuple(STATUSES)),
        Column("raw", "string", "原文", "Raw text", "The cell's text exactly as extracted, before parsing."),
        Column("confidence", "number", "识别置信度", "OCR confidence",
               "For cells read by OCR (status ocr or illegible): the engine's confidence, 0 to 1; "
               "empty for cells read from text.", minimum=0),
        Column("source_page", "integer", "来源页码", "Source page",
               "Page of the source PDF the value was read from; null for other formats.", minimum=1),
        Column("source_table", "integer", "来源表格序号", "Source table",
               "Which table of the source document (1 = first) the value was read from, for PDF, HTML and DOCX; "
               "null for plain text.", minimum=1),
        Column("source_row", "integer", "来源行号", "Source row",
               "Row of that table (1 = first), or the line of a text file where the row starts.", minimum=1),
        Column("source_cell", "integer", "来源单元格序号", "Source cell",
               "Position of the cell in its printed row (1 = first, the label included).", minimum=1),
        # Where the value itself is printed, for the evidence view: characters of a line of a text file,
        # or the cell's box on a PDF page.
        Column("source_line", "integer", "来源文字行", "Source line",
               "Text files: the line the value is printed on (1 = first); null for other formats.", minimum=1),
        Column("source_start", "integer", "来源起始字符", "Source start",
               "Text files: characters on that line before the value (0 = it starts the line).", minimum=0),
        Column("source_end", "integer", "来源结束字符", "Source end",
               "Text files: source_start plus the value's length in characters.", minimum=0),
        *(Column(f"source_{edge}", "number", zh, en, f"PDFs: the cell's {what} on its page (source_page), in "
                 "points from the page's top-left corner; null for other formats.", minimum=0)
          for edge, zh, en, what in (("x0", "来源框左", "Source box left", "left edge"),
                                     ("top", "来源框上", "Source box top", "top edge"),
                                     ("x1", "来源框右", "Source box right", "right edge"),
                                     ("bottom", "来源框下", "Source box bottom", "bottom edge"))),
    )


REPORT_ID = Column("report_id", "string", "报告编号", "Report id",
                   "Identifier of the report: <agency-slug>/<year>.", required=True)
CODE = Column("code", "string", "单元格代码", "Cell code",
              "Stable code of the cell, unique within a report: <row>.<column>.", required=True)

TABLES = {
    "active_disclosure": {
        "zh": "二、主动公开政府信息情况", "en": "Proactive disclosure",
        "columns": (
            REPORT_ID, CODE,
            Column("edition", "string", "格式版本", "Edition", "Edition of the form the table follows.",
                   required=True, enum=EDITIONS),
            Column("item_group", "string", "条款", "Article", "The article of the Regulations the item falls under."),
            Column("item_code", "string", "项目代码", "Item code", "Stable code of the row.", required=True,
                   enum=tuple(d.code for d in AD_ITEMS)),
            Column("item", "string", "信息内容", "Item", "Row label as printed in the form.", required=True),
            Column("measure_code", "string", "指标代码", "Measure code", "Stable code of the column.",
                   required=True, enum=tuple(d.code for d in AD_MEASURES)),
            Column("measure", "string", "指标", "Measure", "Column label as printed in the form.", required=True),
        ) + _common_tail("number", None),
        "rows": AD_ITEMS, "cols": AD_MEASURES,
    },
    "applications": {
        "zh": "三、收到和处理政府信息公开申请情况", "en": "Requests received and handled",
        "columns": (
            REPORT_ID, CODE,
            Column("row_code", "string", "行代码", "Row code", "Stable code of the row.", required=True,
                   enum=tuple(d.code for d in APP_ROWS)),
            Column("row_group", "string", "行分组", "Row group", "The printed group the row sits under, e.g. （三）不予公开."),
            Column("row_label", "string", "行标签", "Row label", "Row label as printed in the form.", required=True),
            Column("applicant_code", "string", "申请人代码", "Applicant code", "Stable code of the column.",
                   required=True, enum=tuple(d.code for d in APPLICANTS)),
            Column("applicant", "string", "申请人", "Applicant", "Column label as printed in the form.",
                   required=True),
        ) + _common_tail("integer", 0),
        "rows": APP_ROWS, "cols": APPLICANTS,
    },
    "reviews_litigation": {
        "zh": "四、政府信息公开行政复议、行政诉讼情况", "en": "Administrative review and litigation",
        "columns": (
            REPORT_ID, CODE,
            Column("category_code", "string", "类别代码", "Category code", "review, litigation_direct or "
                   "litigation_after_review.", required=True, enum=tuple(d.code for d in RL_CATEGORIES)),
            Column("category", "string", "类别", "Category", "行政复议 or 行政诉讼.", required=True),
            Column("subcategory", "string", "子类别", "Subcategory",
                   "For lawsuits: 未经复议直接起诉 or 复议后起诉; empty for reviews."),
            Column("result_code", "string", "结果代码", "Result code", "Stable code of the column.",
                   required=True, enum=tuple(d.code for d in RL_RESULTS)),
            Column("result", "string", "结果", "Result", "Column label as printed in the form.", required=True),
        ) + _common_tail("integer", 0),
        "rows": RL_CATEGORIES, "cols": RL_RESULTS,
    },
}

METADATA_COLUMNS = (
    REPORT_ID,
    Column("agency", "string", "机关", "Agency", "Name of the reporting body, as the report prints it (or as the "
           "sidecar gives it).", required=True),
    Column("agency_official", "string", "机关全称", "Official agency name",
           "The agency name with common short forms written out (市科委 → 市科学技术委员会, 中村乡 → 中村乡人民政府); "
           "the same as `agency` when nothing is known to expand."),
    Column("agency_slug", "string", "机关代码", "Agency slug", "URL-safe identifier of the agency.", required=True),
    Column("region", "string", "地区", "Region", "Region the agency belongs to, as precise as known."),
    Column("province", "string", "省级行政区", "Province", "Province-level division."),
    Column("level", "string", "层级", "Administrative level",
           "national-ministry, province, province-dept, city, city-dept, county, county-dept or township."),
    Column("year", "integer", "年度", "Report year", "The year the report covers.", required=True,
           minimum=2000),
    Column("edition", "string", "格式版本", "Edition",
           "2019, 2021 or pre-2019; empty when the report prints no table that tells.",
           enum=EDITIONS + (EDITION_PRE2019,)),
    Column("status", "string", "提取状态", "Extraction status",
           "; ".join(f"{k} = {v[1]}" for k, v in REPORT_STATUSES.items()) + ".", required=True,
           enum=tuple(REPORT_STATUSES)),
    Column("title", "string", "标题", "Title", "Title of the report as detected."),
    Column("publication_date", "date", "发布日期", "Publication date", "Publication date where known."),
    Column("source_file", "string", "源文件", "Source file", "File name in reports/.", required=True),
    Column("source_format", "string", "源格式", "Source format", "pdf, html or txt.", required=True),
    Column("source_url", "string", "来源网址", "Source URL", "The report's own address on the publishing agency's site."),
    Column("mirror_url", "string", "副本网址", "Mirror URL",
           "The copy (an archive, a mirror or a repost) the file was taken from, when not from the agency's site."),
    Column("retrieved", "date", "获取日期", "Retrieved", "Date the file was retrieved; empty when it was not recorded."),
    Column("sha256", "string", "SHA-256", "SHA-256", "Checksum of the source file.", required=True),
    Column("checks_failed", "integer", "未通过核验数", "Checks failed", "Number of identity checks that fail.",
           minimum=0),
    Column("warnings", "string", "提示", "Warnings", "Problems met during extraction, separated by ' | '."),
)

CHECK_COLUMNS = (
    REPORT_ID,
    Column("check_id", "string", "核验代码", "Check id", "Stable id of the check and its scope.", required=True),
    Column("identity", "string", "勾稽关系", "Identity", "The identity checked, in words.", required=True),
    Column("lhs", "number", "左边", "Left-hand side", "Value of the left side; blanks count as 0."),
    Column("rhs", "number", "右边", "Right-hand side", "Value of the right side; blanks count as 0."),
    Column("result", "string", "结果", "Result",
           "pass, fail, or not checked (a cell needed is missing or unreadable).", required=True,
           enum=("pass", "fail", "not checked")),
    Column("note", "string", "说明", "Note", "Why a check was not run, or which blanks it read as 0."),
)

SECTION_COLUMNS = (
    REPORT_ID,
    Column("section", "string", "部分", "Section", "Section number of the form, 1 to 6.", required=True),
    Column("heading", "string", "标题", "Heading", "Heading as printed."),
    Column("text", "string", "正文", "Text", "Narrative text of the section."),
)

LEGACY_COLUMNS = (
    REPORT_ID,
    Column("row", "integer", "行序", "Row", "Position of the row in the printed table (1 = first).", required=True,
           minimum=1),
    Column("indicator", "string", "指标名称", "Indicator", "Row label as printed.", required=True),
    Column("unit", "string", "计量单位", "Unit", "Unit as printed (条, 件, …)."),
    Column("this_year", "number", "本年度", "This year", "Value for the report year.", minimum=0),
    Column("cumulative", "number", "历年累计", "Cumulative", "Running total over the years, where printed.",
           minimum=0),
    Column("status", "string", "状态", "Status",
           "How the values were obtained (same statuses as the form's cells).", required=True, enum=tuple(STATUSES)),
    Column("raw", "string", "原文", "Raw text", "The row's text exactly as extracted."),
    Column("source_row", "integer", "来源行号", "Source row",
           "Row of the source table, or line of a text file; null for run-together text.", minimum=1),
)

CORRECTION_COLUMNS = (
    REPORT_ID,
    Column("table", "string", "表", "Table", "The resource the corrected cell is in.", required=True,
           enum=tuple(TABLES)),
    Column("code", "string", "单元格代码", "Cell code", "Code of the corrected cell in that table.", required=True),
    Column("value", "number", "更正值", "Corrected value", "The value published (the cell's status is corrected).",
           required=True),
    Column("extracted_value", "number", "提取值", "Extracted value",
           "The value the extractor read, kept beside the correction; null when it read none."),
    Column("extracted_status", "string", "提取状态", "Extracted status", "The cell's status before the correction.",
           required=True, enum=tuple(s for s in STATUSES if s != "corrected")),
    Column("reason", "string", "理由", "Reason", "Why the cell was corrected."),
    Column("who", "string", "更正人", "Corrected by", "Who made the correction.", required=True),
    Column("when", "date", "更正日期", "Corrected on", "When the correction was made.", required=True),
)

AUX_TABLES = {
    "metadata": {"zh": "报告元数据", "en": "Report metadata", "columns": METADATA_COLUMNS, "key": ("report_id",)},
    "checks": {"zh": "勾稽关系核验", "en": "Identity checks", "columns": CHECK_COLUMNS,
               "key": ("report_id", "check_id")},
    "sections": {"zh": "报告正文", "en": "Narrative sections", "columns": SECTION_COLUMNS,
                 "key": ("report_id", "section")},
    "legacy_statistics": {"zh": "统计表（2019 年以前格式）", "en": "Statistics table (pre-2019 format)",
                          "columns": LEGACY_COLUMNS, "key": ("report_id", "row")},
    "corrections": {"zh": "更正记录", "en": "Corrections (errata log)", "columns": CORRECTION_COLUMNS,
                    "key": ("report_id", "table", "code")},
}

# One row per agency, derived from the reports' metadata (its latest report names and places it).
# Only the whole-corpus SQLite database carries it; the packages keep agencies inside `metadata`.
_META = {c.name: c for c in METADATA_COLUMNS}
AGENCY_COLUMNS = (
    Column("agency_slug", "string", "机关代码", "Agency slug", "URL-safe identifier of the agency.", required=True),
    _META["agency"], _META["region"], _META["province"], _META["level"],
    Column("first_year", "integer", "最早年度", "First year", "Earliest report year published.", required=True,
           minimum=2000),
    Column("last_year", "integer", "最近年度", "Last year", "Latest report year published.", required=True,
           minimum=2000),
    Column("reports", "integer", "报告数", "Reports", "Number of reports published for the agency.",
           required=True, minimum=1),
)
DERIVED_TABLES = {
    "agencies": {"zh": "机关", "en": "Agencies", "columns": AGENCY_COLUMNS, "key": ("agency_slug",)},
}

RESOURCE_ORDER = ("metadata", "active_disclosure", "applications", "reviews_litigation", "checks", "sections",
                  "legacy_statistics", "corrections")


def _spec(resource: str) -> dict:
    return TABLES.get(resource) or AUX_TABLES.get(resource) or DERIVED_TABLES[resource]


def columns_of(resource: str) -> tuple[Column, ...]:
    return _spec(resource)["columns"]


def key_of(resource: str) -> tuple[str, ...]:
    if resource in TABLES:
        return ("report_id", "code")
    return _spec(resource)["key"]


def title_of(resource: str) -> tuple[str, str]:
    spec = _spec(resource)
    return spec["zh"], spec["en"]


def by_code(dims) -> dict[str, Dim]:
    return {d.code: d for d in dims}


def expected_cells(table: str, edition: str):
    """Yield (row Dim, column Dim) for every cell the given edition prints, in form order."""
    if table == "active_disclosure":
        items, measures = by_code(AD_ITEMS), by_code(AD_MEASURES)
        for item_code, measure_codes in AD_LAYOUT[edition].items():
            for m in measure_codes:
                yield items[item_code], measures[m]
    elif table == "applications":
        for row in APP_ROWS:
            if edition in row.editions:
                for col in APPLICANTS:
                    yield row, col
    elif table == "reviews_litigation":
        for cat in RL_CATEGORIES:
            for res in RL_RESULTS:
                yield cat, res
