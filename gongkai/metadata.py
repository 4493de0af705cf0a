"""Report metadata: detected from the document's own words, overridden by the sidecar."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .labels import squash
from .places import LEVELS, MUNICIPALITIES, NATIONAL, province_of

_TITLE = re.compile(r"(政府)?信息(公开)?(工作)?(年度)?(报告|年报)")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"统计期限[^0-9]{0,12}((?:19|20)\d{2})\s*年?")
_DATE = re.compile(r"(?:发布日期|发布时间|成文日期|生成日期)\s*[:：]?\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_TITLE_TAIL = re.compile(r"\s*((?:19|20)\d{2})\s*年度?\s*(?:政府)?信息(?:公开)?(?:工作)?(?:年度)?(?:报告|年报)\s*$")
_LEADING_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*年度?\s*")
_TRAILING_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*年?度?\s*(?:至|到|-|—|–|~|、|和)?\s*$")


@dataclass
class Metadata:
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    publication_date: str | None = None
    province: str | None = None
    region: str | None = None
    level: str | None = None
    warnings: list[str] = field(default_factory=list)


def find_title(lines: list[str], meta: dict) -> str | None:
    for line in lines[:40]:
        s = line.strip()
        if s.startswith("标题") and _TITLE.search(s):
            return re.sub(r"^标题\s*[:：]\s*", "", s)
    for i, line in enumerate(lines[:40]):
        s = line.strip()
        if len(s) <= 60 and _TITLE.search(s) and _YEAR_IN_TITLE.search(s) and not s.endswith("。"):
            # A title broken over two lines: agency on the first, "2023 年…报告" on the second.
            if _LEADING_YEAR.match(s) and i > 0 and len(lines[i - 1].strip()) <= 30 \
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
    return squash(s) or None


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
    province = province_of(agency) if agency else None
    year, doubts = year_from(title, lines)
    return Metadata(
        agency=agency,
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
    out = Metadata(**{k: getattr(detected, k) for k in ("agency", "year", "title", "publication_date",
                                                          "province", "region", "level")})
    warnings = list(detected.warnings) if sidecar.get("year") is None else []
    side_agency = sidecar.get("agency")
    if side_agency:
        if detected.agency and detected.agency not in side_agency and side_agency not in detected.agency:
            warnings.append(f"sidecar agency '{side_agency}' differs from the document's '{detected.agency}'")
        out.agency = side_agency
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
