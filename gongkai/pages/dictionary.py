"""The reference pages generated from the registry and the corpus files: the data dictionary (every table,
column, code and measure) and the downloads page (every corpus file with its size, how to read them)."""
from __future__ import annotations

from gongkai import paths as P
from gongkai.pages import cite
from gongkai.pages.markup import front_matter, md_text
from gongkai.package import changes as C
from gongkai.package.datapackage import RELEASE_VERSION, data_version
from gongkai.package.exports import CORPUS_TABLES, PARQUET_TABLES
from gongkai.package.exports import columns as table_columns, key as table_key, title as table_title
from gongkai.schema import measures as M
from gongkai.schema import registry as R
from gongkai.schema.descriptions_zh import description_zh


def zh_text(text) -> str:
    """A Chinese description with `code` spans (registry codes, never report text) in code font."""
    parts = str(text).split("`")
    return "".join(f"`{part}`" if i % 2 else md_text(part) for i, part in enumerate(parts))


def en_text(text) -> str:
    """English in the bilingual dictionary (its English labels and the field descriptions written in
    English): marked lang="en" for screen readers and the site's Chinese-text check."""
    return f'<span lang="en">{md_text(text)}</span>' if text else ""



def human_size(size: int) -> str:
    for unit, step in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} 字节"


def _corpus_item(name: str) -> tuple[str, str] | None:
    """(format, description) of a file in downloads/all/, or None for a file the page does not know."""
    if name == P.EVERYTHING_ZIP:
        return "zip", "全部数据：合并数据包，以及 `reports/` 下每份报告自己的数据包（CSV、JSON、datapackage.json），以及说明许可的 README.txt"
    if name == P.CORPUS_SQLITE:
        return "SQLite", ("一个数据库：三张统计表、`reports`（每份报告一行）、`agencies`（每个机关一行）、"
                          "`measures`（每份报告的指标）、`checks`、`sections`，以及字段说明表 `fields`；"
                          "主键和外键与数据字典一致；报告正文和机关名称可全文检索（`sections_fts`、`agencies_fts`，"
                          "词之间用空格）")
    if name == P.CHANGELOG:
        return "文本", "数据更新记录：每个发布版本与上一版本相比的变化（也见[更新记录](changelog.md)页）"
    if name == P.CITATION_FILE:
        return "文本（UTF-8）", "如何引用本数据集（GB/T 7714 和 BibTeX，数据集版本，许可）"
    if name == "datapackage.json":
        return "JSON", "合并数据包的描述（Frictionless Data Package，含各表的 Table Schema）"
    stem, _, ext = name.partition(".")
    if ext == "csv" and stem.endswith("_excel") and stem[: -len("_excel")] in PARQUET_TABLES:
        zh, _en = table_title(stem[: -len("_excel")])
        return "CSV（Excel）", (f"{zh}，全部报告；UTF-8 带 BOM，Excel 双击即可正确显示中文；"
                               "以 `=`、`+`、`-`、`@` 开头的文字前加 `'`，不会被当作公式")
    if stem in R.RESOURCE_ORDER and ext == "csv":
        zh, _en = table_title(stem)
        return "CSV（UTF-8）", f"{zh}，全部报告"
    if name == P.PARQUET_DIR:
        return "Parquet", parquet_text()
    return None


def parquet_text() -> str:
    """How the partitioned Parquet datasets are laid out, read in one call, and fetched (paths.parquet_part)."""
    example, table = P.parquet_part("applications", 2023, "beijingshi", "0"), P.parquet("applications")
    return (f"每张表一个 Parquet 数据集（文件夹 `{P.PARQUET_DIR}/<表名>/`，表：{'、'.join(f'`{t}`' for t in PARQUET_TABLES)}），"
            f"按报告年度和省份分区（Hive 风格，如 `{example}`）；省份不明的分区（`{P.PARQUET_PROVINCE}=unknown`）按机关代码的散列分成至多 16 个文件"
            f"（`part-0` 至 `part-f`，同一机关的报告总在同一个文件里），一份报告更新时只重写它所在的文件。"
            f"整个文件夹一次读入：`pandas.read_parquet(\"{table}\")`、`pyarrow.dataset.dataset(\"{table}\", "
            f"partitioning=\"hive\")`，或 DuckDB `read_parquet('{table}/*/*/*.parquet', hive_partitioning=true)`；"
            f"分区键 `{P.PARQUET_YEAR}`、`{P.PARQUET_PROVINCE}` 作为列加入（不与表中的 `year`、`province` 同名）。"
            "网站不列出文件夹内容：本链接是全部文件及其大小的清单（路径相对于 `downloads/all/`，"
            "可用 `wget -x -nH -B <本站>/downloads/all/ -i FILES.txt` 下载）")


# Three lines of pandas, shown on the downloads page and the data dictionary (the README has the same).
# An indented code block: the site's Markdown has no fenced-code extension.
PANDAS_EXAMPLE = (
    "    from gongkai import data\n"
    "    apps = data.load(\"applications\", base=\"https://本站地址/\")  # 或本地的 datapackages/ 目录\n"
    "    m = data.measures(base=\"https://本站地址/\")  # 每份报告一行：机关、年度和全部指标\n\n")


def pandas_section() -> str:
    return ("## 用 pandas 读取\n\n"
            "在本项目的代码目录里（`make` 装好 `.venv` 之后），`gongkai.data` 把发布的数据读成 pandas 表格，"
            "类型来自数据字典：计数为可空整数 `Int64`，**空白单元格是 `<NA>`，不是 0**；代码列（状态、行代码、"
            "申请人代码、版本、层级等）为分类类型；日期为日期类型。`base` 可以是本站网址（读取 `downloads/` 下的文件），"
            "也可以是本地的 `datapackages/` 目录。\n\n" + PANDAS_EXAMPLE +
            "`data.load_report(\"<机关代码>\", <年度>)` 读取一份报告的全部表。不用本项目代码时，`pandas.read_parquet` "
            "也能直接读取 Parquet 数据集的文件夹（如 `" + P.parquet("measures") + "`）。\n\n")


def version_section(version: str) -> str:
    """Which data version the downloads are, and how to cite it (every package's `version` is the same)."""
    if not RELEASE_VERSION.fullmatch(version):
        return (f"**版本。** 这些文件来自未发布的构建（提取程序版本 {md_text(version)}）；发布的数据版本及其变化见"
                "[更新记录](changelog.md)。\n\n")
    day = C.version_date(version)
    return (f"**版本 {md_text(version)}**（{md_text(day)} 发布；每个数据包的 `version` 字段相同）。"
            f"变化见[更新记录](changelog.md)。引用本数据：{md_text(C.citation(version, day))}\n\n")


def downloads_page(sizes: dict[str, int], built_on: str = "") -> str:
    """`sizes` maps `all/<file>` to bytes; `built_on` is the declared build date (page only, never in data)."""
    # Not in the search index: the page is a file list, and its build date would make the index differ
    # between two builds of the same inputs (overrides/main.html reads `search.exclude`).
    out = [front_matter("下载", {"search": {"exclude": True}}), "# 下载\n\n",
           "全部数据可以整体下载，也可以按报告下载。表格都是“长表”：每个印刷单元格一行，带稳定代码、数值、"
           "状态和原文，含义见[数据字典](dictionary.md)。**空白单元格为空值（状态 `blank`），不是 0。**\n\n",
           version_section(data_version()),
           "## 全部报告\n\n", "| 文件 | 格式 | 内容 | 大小 | 构建日期 |\n|---|---|---|---:|---|\n"]
    rank = {"zip": 0, "SQLite": 1, "JSON": 2}
    rows = []
    for rel, size in sizes.items():
        name = rel.rsplit("/", 1)[-1]
        item = _corpus_item(name)
        if item is None:
            continue
        fmt, desc = item
        # A folder (the Parquet datasets) links to its file list: a static site lists no folder.
        href, text = (f"{P.COMBINED}/{P.PARQUET_LIST}", f"`{name}/`") if name == P.PARQUET_DIR else (rel, md_text(name))
        rows.append(((rank.get(fmt, 3), fmt, name),
                     f"| [{text}](downloads/{href}) | {md_text(fmt)} | {desc} | {human_size(size)} | "
                     f"{md_text(built_on)} |\n"))
    out += [row for _, row in sorted(rows)]
    out.append("\n全部报告不再提供一个 Excel 工作簿（XLSX）：全国的报告数量超过一个工作表的行数上限（1,048,576 行），"
               f"每改动一份报告也要重写整个工作簿。每份报告一行的报告信息和指标在 `{P.excel_csv('metadata')}` 和 "
               f"`{P.excel_csv('measures')}` 中，Excel 可直接打开；每份报告仍有自己的工作簿（见下）。\n")
    out.append("\n## 单份报告\n\n每份报告的页面上都有以下文件（[机关索引](agencies.md)列出全部报告）：\n\n"
               "| 文件 | 格式 | 内容 |\n|---|---|---|\n"
               "| `<机关代码>-<年度>.zip` | zip | 该报告的数据包：各表的 CSV 和 JSON、datapackage.json，以及说明许可的 README.txt |\n"
               "| `<机关代码>-<年度>.xlsx` | Excel 工作簿 | 每张表一个工作表；README 工作表列出来源和字段说明 |\n"
               "| `<表名>.csv` | CSV（UTF-8） | 规范数据，与数据包相同，适合程序读取 |\n"
               "| `<表名>_excel.csv` | CSV（UTF-8 带 BOM） | 供 Excel 直接打开（BOM 让 Excel 正确识别中文） |\n"
               "| `<表名>.json` | JSON | 与 CSV 相同的记录 |\n"
               "| `datapackage.json` | JSON | 数据包描述（Frictionless Data Package） |\n\n")
    out.append("## 原文存档\n\n"
               f"每份报告的源文件（本站数字读自的那个文件，逐字节不变）都存档在 `{P.DOWNLOADS}/{P.ARCHIVE}/` 下，"
               "文件名是它的 SHA-256 校验值，报告页的“原文存档”一行链接到它。政府网站常常改版或删除旧报告，"
               "存档让每个数字都能对照原文核实：下载后计算 SHA-256（如 `sha256sum 文件`），应与文件名和报告页上的值相同；"
               "构建时逐一核对，不一致即报错。PDF、DOCX 和 TXT 按原格式提供；网页（HTML）源文件的原始字节以 `.txt` "
               "结尾提供，浏览器只会把它显示为纯文本，不会运行其中的脚本（要查看排版，请另存为 `.html` 后在本机打开，"
               "并留意其中的脚本来自原网站）。存档只含源文件本身，不含网页引用的图片、样式表或附件。\n\n")
    out.append("**关于 Excel 版本。** 报告文字来自各网站，不可全信。以 `=`、`+`、`-`、`@`、制表符或回车开头的文字单元格，"
               "在 Excel CSV 中前面加一个撇号 `'`，在 XLSX 中存为文本，防止被当作公式执行；数字（包括负数）保持为数字。"
               "规范 CSV、JSON 和数据包中的文字保持原样。\n\n")
    out.append(cite.block(cite.DATASET_ZH, P.page_url("downloads.md")))
    out.append("每份报告的下载文件夹和合并数据包旁都有同样内容的引用说明文件 "
               f"`{P.CITATION_FILE}`。\n\n")
    out.append("各报告的数据包也在仓库的 `datapackages/<分桶>/<机关代码>/<年度>/datapackage.json`"
               "（`<分桶>` 是机关代码 SHA-256 值的前两位十六进制数字，使每个文件夹的条目数不随机关数量增长），"
               "结构见[数据字典](dictionary.md)。"
               "数据包本身不含构建时间：相同的输入总是得到逐字节相同的文件。\n")
    out.append("\n" + pandas_section())
    out.append("\n## JSON API {#api}\n\n随网站一起发布的静态 JSON 文件（离线也可用），供程序读取。"
               "字段名为英文代码，中文名称在 `*_zh` 字段中；其中的路径都相对于网站根目录。\n\n"
               "| 文件 | 内容 |\n|---|---|\n"
               "| `api/index.json` | 指标定义，以及每份报告的机关、地区、层级、年度、格式版本、提取状态、未通过的核验数、"
               "主要指标和链接 |\n"
               "| `api/agencies.json` | 全部机关及其地区、层级和年度 |\n"
               "| `api/<分桶>/<机关代码>/<年度>.json` | 一份报告：元数据、三张表的每个单元格（代码、中英文标签、数值、单位、状态）、"
               "核验结果和正文各节（确切路径见 `api/index.json` 中该报告的 `links.api`） |\n\n"
               "全部数据以 ODC-PDDL-1.0（公共领域贡献）发布。\n")
    return "".join(out)


# A field's label and description in Chinese, then its English label and description (marked English).
DICT_HEAD = "| 字段 | 类型 | 中文 | 说明 | English |\n|---|---|---|---|---|\n"

# The database's tables that are not package resources: derived from them by the build.
DERIVED = tuple(n for n in CORPUS_TABLES if n not in R.RESOURCE_ORDER)


def sqlite_dictionary() -> str:
    """The database's extra table and names, from the same registry definitions."""
    out = [f"## SQLite 数据库\n\n[下载](downloads.md)页的 `{P.CORPUS_SQLITE}` 含上列各资源，每个一张表，列、类型和主键相同"
           "（资源 `metadata` 的表名为 `reports`），并以外键相连；字段说明也在表 `fields` 中。另有两张汇总表："
           "`agencies`（每个机关一行）和 `measures`（每份报告一行，每个[指标](#measures)一列，"
           f"也有 Parquet 数据集 `{P.parquet('measures')}`）：\n\n"]
    for name in DERIVED:
        zh, _en = table_title(name)
        out.append(f"### {md_text(zh)} {{#table-{name}}}\n\n表名 `{name}`；主键：{'、'.join(f'`{k}`' for k in table_key(name))}\n\n"
                   + DICT_HEAD)
        out += [f"| `{c.name}` | `{c.type}` | {md_text(c.zh)} | {zh_text(description_zh(name, c.name))} | "
                f"{en_text(c.en + '. ' + c.description)} |\n" for c in table_columns(name)]
        out.append("\n")
    return "".join(out)


def dictionary_page() -> str:
    """Generated from the registry: the one definition of tables, columns and codes."""
    out = [front_matter("数据字典"), "# 数据字典\n\n",
           "本页由代码中的唯一定义（`gongkai/schema/registry.py`）生成；数据包的 Table Schema 和校验也来自同一定义。\n\n",
           "## 数据包中的资源\n\n"]
    for name in R.RESOURCE_ORDER:
        zh, _en = R.title_of(name)
        key = "、".join(f"`{k}`" for k in R.key_of(name))
        out.append(f"### {md_text(zh)} {{#{name}}}\n\n资源 `{name}`；主键：{key}\n\n" + DICT_HEAD)
        for col in R.columns_of(name):
            # The values are codes: in code font (registry names, no report text).
            extra = f" 取值：{'、'.join(f'`{v}`' for v in col.enum)}。" if col.enum and len(col.enum) <= 12 else ""
            minimum = f" 最小值 {col.minimum}。" if col.minimum is not None else ""
            out.append(f"| `{col.name}` | `{col.type}` | {md_text(col.zh)} | "
                       f"{zh_text(description_zh(name, col.name))}{extra}{md_text(minimum)} | "
                       f"{en_text(col.en + '. ' + col.description)} |\n")
        out.append("\n")
    out.append(sqlite_dictionary())
    out.append("## 状态代码\n\n| 代码 | 中文 | 含义 |\n|---|---|---|\n")
    for code, (zh, en) in R.STATUSES.items():
        out.append(f"| `{code}` | {zh} | {en_text(en)} |\n")
    out.append("\n| 报告状态 | 中文 | 含义 |\n|---|---|---|\n")
    for code, (zh, _en) in R.REPORT_STATUSES.items():
        out.append(f"| `{code}` | {zh} | {md_text(R.REPORT_STATUS_READINGS[code])} |\n")
    out.append("\n## 表二：主动公开政府信息情况\n\n两个版本的列不同；同一代码在两个版本中含义相同。\n\n"
               "| 项目代码 | 条款 | 2021 版标签 | 2019 版标签 | English | 2021 版指标 | 2019 版指标 |\n"
               "|---|---|---|---|---|---|---|\n")
    for item in R.AD_ITEMS:
        cols = []
        for ed in (R.EDITION_2021, R.EDITION_2019):
            ms = R.AD_LAYOUT[ed].get(item.code)
            cols.append("、".join(f"`{m}`" for m in ms) if ms else "（无）")
        lab21 = item.label(R.EDITION_2021) if R.EDITION_2021 in item.editions else "（无）"
        lab19 = item.label(R.EDITION_2019) if R.EDITION_2019 in item.editions else "（无）"
        out.append(f"| `{item.code}` | {md_text(item.group)} | {md_text(lab21)} | {md_text(lab19)} | "
                   f"{en_text(item.en)} | {cols[0]} | {cols[1]} |\n")
    out.append("\n| 指标代码 | 版本 | 中文 | English | 单位 | 类型 | 可为负 |\n|---|---|---|---|---|---|---|\n")
    for m in R.AD_MEASURES:
        labels = "；".join(f"{ed}：{m.label(ed)}" for ed in m.editions)
        out.append(f"| `{m.code}` | {'、'.join(m.editions)} | {md_text(labels)} | {en_text(m.en)} | "
                   f"{md_text(m.unit)} | `{m.type}` | {'是' if m.minimum is None else '否'} |\n")
    out.append("\n## 表三：收到和处理政府信息公开申请情况\n\n"
               "2019 版把“（六）其他处理”印作一行（`other_total`）；2021 版拆成三行"
               "（`other_no_correction`、`other_unpaid_fee`、`other_other`）。两者可比：`other_total` 等于三行之和。"
               "有的报告用 2021 版的表二却把（六）印作一行，这时按实际印刷发布 `other_total`。\n\n"
               "| 行代码 | 分组 | 标签 | English | 版本 |\n|---|---|---|---|---|\n")
    for row in R.APP_ROWS:
        out.append(f"| `{row.code}` | {md_text(row.group)} | {md_text(row.zh)} | {en_text(row.en)} | "
                   f"{'、'.join(row.editions)} |\n")
    out.append("\n| 申请人代码 | 分组 | 标签 | English |\n|---|---|---|---|\n")
    for a in R.APPLICANTS:
        out.append(f"| `{a.code}` | {md_text(a.group)} | {md_text(a.zh)} | {en_text(a.en)} |\n")
    out.append("\n## 表四：政府信息公开行政复议、行政诉讼情况\n\n| 类别代码 | 类别 | 子类别 | English |\n"
               "|---|---|---|---|\n")
    for c in R.RL_CATEGORIES:
        out.append(f"| `{c.code}` | {md_text(c.group or c.zh)} | {md_text(c.zh if c.group else '')} | "
                   f"{en_text(c.en)} |\n")
    out.append("\n| 结果代码 | 标签 | English |\n|---|---|---|\n")
    for r in R.RL_RESULTS:
        out.append(f"| `{r.code}` | {md_text(r.zh)} | {en_text(r.en)} |\n")
    out.append("\n## 勾稽关系\n\n"
               "- `balance.<申请人>`：表三每一列，一 + 二 = 三（七）总计 + 四（表中印明）。\n"
               "- `outcomes.<申请人>`：（七）总计 = 各办理结果之和。\n"
               "- `applicants.<行>`：总计列 = 六类申请人之和。\n"
               "- `review_total.<类别>`：表四每组，总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。\n"
               "- `cross_year.<申请人>`：本年“二、上年结转”= 同一机关上一年度报告的“四、结转下年度”（两年都已发布时）。\n\n"
               "空白单元格按 0 计入并在说明中注明；一边全部空白、或有单元格缺失/无法读取时，不作核验（`not checked`）。\n")
    out.append(measures_section())
    out.append("\n" + pandas_section())
    return "".join(out)


def measures_section() -> str:
    """The headline measures' formulas, from the same definitions the pages and the API use."""
    out = ["\n## 指标 {#measures}\n\n"
           "首页、年度、地区、机关页面和 JSON API 中的指标都按下表计算，只用表三“总计”列和表四的单元格。"
           "计算只采用状态为 `reported`（如实摘录）或 `inferred`（推断）的数值；任何一个输入单元格为空白、缺失、"
           "存疑或无法读取时，该指标为空（未知），不按 0 计。比例的分母为 0 时也为空。"
           "纠错率的分母只计已审结的案件（结果维持 + 结果纠正 + 其他结果），不含尚未审结。"
           "多份报告合计时，数量相加；比例为分子之和除以分母之和（按规模加权），并注明纳入和排除的报告数。\n\n"
           "| 代码 | 中文 | English | 单位 | 公式 |\n|---|---|---|---|---|\n"]
    for m in M.MEASURES:
        unit_zh, unit_en = m.unit
        out.append(f"| `{m.code}` | {md_text(m.zh)} | {en_text(m.en)} | {md_text(unit_zh)}（{en_text(unit_en)}） | "
                   f"{md_text(m.formula_zh())} |\n")
    return "".join(out)
