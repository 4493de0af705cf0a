"""The data licence, stated wherever the data leave the site: every page's footer (hooks/gongkai_mkdocs.py sets
MkDocs' `copyright` from FOOTER_HTML), a README.txt in every zip, the XLSX README sheet and the Parquet files'
metadata, and `licenses` in every datapackage.json.  One wording, here, so they cannot drift apart.
"""
from __future__ import annotations

from gongkai.package.datapackage import LICENSE

README_NAME = "README.txt"  # beside the package folder's files in each zip

STATEMENT_ZH = (f"数据以 {LICENSE['name']}（开放数据共享公共领域贡献和许可协议）发布，可自由复制、使用和再发布；"
                "报告原文的权利属于发布机关。")
STATEMENT_EN = (f"The data are released under the {LICENSE['title']} ({LICENSE['name']}): copy, use and "
                "redistribute them freely. The rights to the reports themselves remain with the bodies that "
                "published them.")

FOOTER_HTML = (f'数据以 <a href="{LICENSE["path"]}">{LICENSE["name"]}</a>（开放数据共享公共领域贡献和许可协议）发布，'
               "可自由复制、使用和再发布；报告原文的权利属于发布机关。")


def readme(title: str) -> bytes:
    """README.txt of a zip: what it holds and under which licence, in Chinese and English.  No date or
    version (datapackage.json carries the version), so the same package gives the same zip."""
    lines = [
        f"公开 Gongkai：{title}",
        "",
        "许可：" + STATEMENT_ZH,
        f"许可全文：{LICENSE['path']}",
        "内容：datapackage.json 说明各表的字段、单位和来源（sources：报告原文的网址和 SHA-256）；各表的数据在同名的 CSV 文件中。",
        "空白单元格表示报告中该格为空或无法读取（见 status 字段），不等于 0。",
        "",
        "Licence: " + STATEMENT_EN,
        f"Full text: {LICENSE['path']}",
        "Contents: datapackage.json describes every table's fields, units and sources (the reports' addresses "
        "and SHA-256); each table's data are in the CSV file of its name.",
        "A blank cell is empty or unreadable in the report (see the status field), never 0.",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")  # CRLF: Notepad on older Windows shows LF files as one line
