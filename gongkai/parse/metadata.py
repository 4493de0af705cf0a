"""Report metadata: detected from the document's own words, overridden by the sidecar."""
from __future__ import annotations

import re

from gongkai.model import Metadata
from gongkai.parse.agency_names import official_name
from gongkai.parse.labels import squash
from gongkai.schema.places import LEVELS, MUNICIPALITIES, NATIONAL, province_of

_TITLE = re.compile(r"(政府)?信息(公开)?(工作)?(年度)?(报告|年报)")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计(?:期限|时限|期间)[^0-9]{0,12}((?:19|20)\d{2})\s*年?")
_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|生成日期)\s*[:：]?\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_TITLE_TAIL = re.compile(r"\s*((?:19|20)\d{2})\s*年度?\s*(?:政府)?信息(?:公开)?(?:工作)?(?:年度)?(?:报告|年报)\s*$")
_TITLE_END = re.compile(r"(?:政府)?信息(?:公开)?(?:工作)?(?:年度)?(?:报告|年报)$")
_LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年度?\s*")
_TRAILING_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*年?度?\s*(?:至|到|-|—|–|~|、|和)?\s*$")
# The first half of a title broken over two lines is an agency name: Han characters only, so
# browser chrome such as "11/25/26, 12:57 PM" above a title is not taken for one.
_NAME_LINE = re.compile(r"[\u4e00-\u9fff（）()]{2,30}")


# Opening sentences that name the agency when the title was cut off or never printed:
# 现将莲湖区西关街道办事处2024年度…, 现公布泰州市人民政府2017年…, 为认真做好京山市卫生健康局政府信息公开工作,
# 2023年,江苏省公安厅以…为指导.
_OPENING = (
    re.compile(r"现(?:将|公布)(?P<agency>[\u4e00-\u9fff]{2,25}?)(?P<year>(?:19|20)\d{2})\s*年度?(?:政府)?信息"),
    re.compile(r"为认真做好(?P<agency>[\u4e00-\u9fff]{4,25}?)(?:政府)?信息公开工作"),
    re.compile(r"^(?P<year>(?:19|20)\d{2})年[,，](?P<agency>[\u4e00-\u9fff]{4,25}?)(?:坚持|认真|以习近平|深入|全面|紧紧|不断|"
               r"始终|严格|积极|按照|围绕)"),
    # 007: …要求,由信访局结合有关统计数据编制。 020: 本报告由南平市人民政府信息公开工作领导小组办公室根据…
    re.compile(r"本报告由(?P<agency>[\u4e00-\u9fff]{2,25}?(?:人民政府|局|委员会|厅|办公室|办事处))(?:政府)?信息公开"),
    re.compile(r"由(?P<agency>[\u4e00-\u9fff]{2,25}?)(?:结合|根据|依据|汇总)[^。]{0,40}编制"),
    # 008, 032: the contact line of the opening paragraph: 如有疑问请与阿巴嘎旗自然资源局办公室联系
    re.compile(r"请与(?P<agency>[\u4e00-\u9fff]{4,25}?)(?<!政府)(?:办公室)?(?:联系|[(（])"),
)
# A name that starts like this is relative to a context the reader does not have (市政府办公室, 我局).
_RELATIVE = re.compile(r"^(我|本|该|全|市|区|县|省|州|旗|乡|镇|街道|自治区|政府)")
_AGENCY_END = re.compile(r"(局|委员会|委|厅|办公室|办公厅|人民政府|政府|办事处|街道|部|署|院|中心|管委会|管理委员会|"
                         r"办|所|队|站|会)$")
_LABEL_PREFIX = re.compile(r"^(?:名称|标题|题名)\s*[:：]\s*")


def _title_segment(line: str) -> str:
    """A browser <title> line "报告标题 - 栏目 - 网站" -> the segment that is the report title."""
    for part in re.split(r"\s+[-|_]\s+", line):
        if _TITLE.search(part) and _YEAR_IN_TITLE.search(part):
            return part.strip()
    return line


def find_title(lines: list[str], meta: dict) -> str | None:
    for line in lines[:40]:
        s = line.strip()
        if s.startswith("标题") and _TITLE.search(s):
            return re.sub(r"^标题\s*[:：]\s*", "", s)
    for i, line in enumerate(lines[:40]):
        s = _title_segment(line.strip())
        if i > 0 and _TITLE.match(s) and re.search(r"(?:19|20)\d{2}\s*年度?$", lines[i - 1].strip()) \
                and len(lines[i - 1].strip()) <= 40:
            # 宿州市人民政府2016年 / 政府信息公开工作年度报告
            return lines[i - 1].strip() + s
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not _TITLE.search(s) and _YEAR_IN_TITLE.search(s) and len(s) <= 40 and 0 < len(nxt) <= 12 \
                and _TITLE_END.search(s + nxt):
            # 2024 年上海市科委政府信息公开工作 / 年度报告: the title's last words on a line of their own.
            return s + nxt
        if len(s) <= 60 and _TITLE.search(s) and _YEAR_IN_TITLE.search(s) and not s.endswith("。"):
            # A title broken over two lines: agency on the first, "2023 年…报告" on the second.
            if _LEADING_YEAR.match(s) and i > 0 and _NAME_LINE.fullmatch(squash(lines[i - 1])) \
                    and not _TITLE.search(lines[i - 1]):
                return lines[i - 1].strip() + s
            return s
    title = meta.get("html_title")
    if title and _TITLE.search(title):
        return title
    return None


def agency_from_title(title: str) -> str | None:
    s = " ".join(title.split())
    tail = _TITLE_TAIL.search(s)
    if tail:
        s = s[: tail.start()]
    else:
        lead = _LEADING_YEAR.match(s)
        if not lead:
            return None
        s = _TITLE.split(s[lead.end():])[0]
    s = _LEADING_YEAR.sub("", s).strip(" ：:，,")
    s = _TRAILING_YEAR_RANGE.sub("", s)  # '…局2020年至' of a title naming two years
    return squash(_LABEL_PREFIX.sub("", s)) or None


def from_opening(lines: list[str]) -> tuple[str | None, int | None]:
    """The agency (and year) an opening sentence names, when the name is absolute, not 我局 or 市政府办公室."""
    for line in lines[:40]:
        text = squash(line)
        for pattern in _OPENING:
            m = pattern.search(text)
            if not m:
                continue
            agency = m.group("agency")
            year = m.groupdict().get("year")
            year = int(year) if year else None
            if _RELATIVE.match(agency) or not _AGENCY_END.search(agency):
                if year:
                    return None, year  # 现将我办2022年度…: the year is stated, the agency only relatively
                continue
            return agency, year
    return None, None


def year_from(title: str | None, lines: list[str]) -> tuple[int | None, list[str]]:
    """The report year and any doubt about it.  A title naming two years does not decide alone:
    the statistics period (统计期限) picks one of them, or the year stays unknown."""
    head = squash(" ".join(lines[:60]))
    m = _PERIOD.search(head)
    period = int(m.group(1)) if m else None
    years = sorted({int(y) for y in _YEAR_IN_TITLE.findall(title or "")})
    if len(years) == 1:
        return years[0], []
    if len(years) > 1:
        named = "、".join(map(str, years))
        if period in years:
            return period, [f"the title names several years ({named}); the statistics period says {period}"]
        return None, [f"the title names several years ({named}) and no statistics period decides; "
                      "give 'year' in the sidecar"]
    return period, []


def publication_date_from(lines: list[str]) -> str | None:
    for line in lines[:60]:
        m = _DATE.search(line)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def level_from(agency: str) -> str | None:
    """A best guess from the name's ending; sidecars override it for county-level cities."""
    if not agency:
        return None
    gov = re.search(r"(人民政府|管委会|管理委员会)(办公厅|办公室)?$", agency) or agency.endswith("街道办事处")
    if agency.endswith(("街道办事处", "乡人民政府", "镇人民政府")):
        return "township"
    if gov:
        place = re.sub(r"(人民政府|管委会|管理委员会)(办公厅|办公室)?$", "", agency)
        if place in ("国务院",):
            return "national-ministry"
        if province_of(place) and (place in (p for p in MUNICIPALITIES) or re.fullmatch(r".{2,8}(省|自治区)", place)):
            return "province"
        if place.endswith(("区", "县", "旗")):
            return "county"
        if place.endswith(("市", "州", "盟")):
            return "city"
        return None
    if agency.startswith(("国家", "中华人民共和国")) or re.fullmatch(r"[^市县区省]{2,8}部", agency):
        return "national-ministry"
    if re.match(r"^(.{2,8}(省|自治区)|北京市|天津市|上海市|重庆市)[^市县区]", agency) or agency.startswith("自治区"):
        return "province-dept"
    if re.match(r"^.{2,10}(县|区|旗)[^县区旗]", agency):
        return "county-dept"
    if re.match(r"^.{2,10}市", agency):
        return "city-dept"
    return None


def detect(lines: list[str], meta: dict) -> Metadata:
    title = find_title(lines, meta)
    agency = agency_from_title(title) if title else None
    year, doubts = year_from(title, lines)
    if not agency:
        agency, opening_year = from_opening(lines)
        year = year or opening_year
    province = province_of(agency) if agency else None
    return Metadata(
        agency=agency,
        agency_official=official_name(agency),
        year=year,
        title=title,
        publication_date=publication_date_from(lines),
        province=province,
        region=province,
        level=level_from(agency) if agency else None,
        warnings=doubts,
    )


def merge(detected: Metadata, sidecar: dict) -> Metadata:
    """Sidecar values win; a disagreement with the document is recorded, never silent."""
    out = Metadata(**{k: getattr(detected, k) for k in ("agency", "agency_official", "year", "title",
                                                          "publication_date", "province", "region", "level")})
    warnings = list(detected.warnings) if sidecar.get("year") is None else []
    side_agency = sidecar.get("agency")
    if side_agency:
        if detected.agency and detected.agency not in side_agency and side_agency not in detected.agency:
            warnings.append(f"sidecar agency '{side_agency}' differs from the document's '{detected.agency}'")
        out.agency = side_agency
        out.agency_official = official_name(side_agency)
    if sidecar.get("year") is not None:
        if detected.year and detected.year != sidecar["year"]:
            warnings.append(f"sidecar year {sidecar['year']} differs from the document's {detected.year}")
        out.year = sidecar["year"]
    if sidecar.get("region"):
        out.region = sidecar["region"]
        out.province = NATIONAL if sidecar["region"].startswith(NATIONAL) else province_of(sidecar["region"])
        if out.province is None:
            warnings.append(f"sidecar region '{sidecar['region']}' names no known province; "
                            "the report is listed under 未知地区 until the region is corrected")
    elif out.agency:
        out.province = out.province or province_of(out.agency)
        out.region = out.region or out.province
    if sidecar.get("level"):
        if sidecar["level"] not in LEVELS:
            warnings.append(f"sidecar level '{sidecar['level']}' is not one of {', '.join(LEVELS)}; ignored")
        else:
            if detected.level and detected.level != sidecar["level"]:
                warnings.append(f"sidecar level '{sidecar['level']}' differs from the detected '{detected.level}'")
            out.level = sidecar["level"]
    elif out.agency and not out.level:
        out.level = level_from(out.agency)
    if sidecar.get("publication_date"):
        out.publication_date = str(sidecar["publication_date"])
    if sidecar.get("title"):
        out.title = sidecar["title"]
    out.warnings = warnings
    return out
