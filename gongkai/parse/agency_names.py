"""An agency's official name from the name a report prints (市科委 -> 市科学技术委员会).

Reports often name their agency by a common short form, or by its place alone (中村乡,
上海市, 东风路街道).  The printed name stays what the report says; this module gives the
official form beside it.  Only expansions that mean the same body everywhere are listed:
a form whose long name differs between provinces (文旅局, 城管局, 民委) is left as printed.
"""
from __future__ import annotations

import re

# Short form -> long form, applied to the end of a name (市科委, 区人社局).  Longer short forms
# come first so that 住建委 is not read as 住 + 建委.
SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("卫生健康委", "卫生健康委员会"),
    ("卫健委", "卫生健康委员会"),
    ("卫计委", "卫生和计划生育委员会"),
    ("发改委", "发展和改革委员会"),
    ("科技委", "科学技术委员会"),
    ("科委", "科学技术委员会"),
    ("经信委", "经济和信息化委员会"),
    ("住建委", "住房和城乡建设委员会"),
    ("国资委", "国有资产监督管理委员会"),
    ("教委", "教育委员会"),
    ("管委会", "管理委员会"),
    ("发改局", "发展和改革局"),
    ("人社局", "人力资源和社会保障局"),
    ("人社厅", "人力资源和社会保障厅"),
    ("住建局", "住房和城乡建设局"),
    ("住建厅", "住房和城乡建设厅"),
    ("市场监管局", "市场监督管理局"),
    ("市监局", "市场监督管理局"),
    ("工信局", "工业和信息化局"),
    ("工信厅", "工业和信息化厅"),
    ("科技局", "科学技术局"),
    ("科技厅", "科学技术厅"),
    ("医保局", "医疗保障局"),
    ("应急局", "应急管理局"),
    ("退役军人局", "退役军人事务局"),
    ("教体局", "教育和体育局"),
    ("环保局", "环境保护局"),
    ("政务服务办", "政务服务办公室"),
    ("政府办", "人民政府办公室"),
    ("侨办", "侨务办公室"),
    ("外办", "外事办公室"),
)
# Short forms that also occur inside a longer official name (…管委会办公室).
_INNER = ("管委会",)

# A name that is a place alone stands for that place's government.
_PLACE_GOVERNMENT = (
    (re.compile(r"街道$"), "办事处"),
    (re.compile(r"(?:实验区|新区|开发区|高新区)$"), "管理委员会"),
    (re.compile(r"(?:乡|镇|苏木)$"), "人民政府"),
    (re.compile(r"(?:省|自治区|市|区|县|旗|州|盟)$"), "人民政府"),
)
# …区政府 / …市政府办公室: the official name says 人民政府.
_BARE_GOVERNMENT = re.compile(r"(?<!人民)政府(办公室|办公厅)?$")
# A printed note after the name, e.g. 平潭综合实验区管委会(全区汇总).
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
# Names that end like a body: the place-only rule must not apply to them.
_BODY_END = re.compile(r"(局|委员会|委|厅|办公室|办公厅|政府|办事处|部|署|院|中心|办|所|队|站|会|处|室)$")


def official_name(printed: str | None) -> str | None:
    """The official form of a printed agency name; the name itself when nothing is known to expand."""
    if not printed:
        return None
    name = _NOTE.sub("", printed.strip()).strip()
    for short, long in SHORT_FORMS:
        if name.endswith(short) and not name.endswith(long):
            return name[: -len(short)] + long
    for short in _INNER:
        name = re.sub(f"{short}(?=.)", dict(SHORT_FORMS)[short], name)
    if _BARE_GOVERNMENT.search(name):
        return _BARE_GOVERNMENT.sub(lambda m: "人民政府" + (m.group(1) or ""), name)
    if not _BODY_END.search(name):
        for pattern, suffix in _PLACE_GOVERNMENT:
            if pattern.search(name):
                return name + suffix
    return name
