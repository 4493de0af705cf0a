"""Province-level divisions, used to place an agency from its name."""
from __future__ import annotations

# Full name -> the short forms that also appear in agency names.
PROVINCES = {
    "北京市": ("北京",), "天津市": ("天津",), "上海市": ("上海",), "重庆市": ("重庆",),
    "河北省": ("河北",), "山西省": ("山西",), "辽宁省": ("辽宁",), "吉林省": ("吉林",),
    "黑龙江省": ("黑龙江",), "江苏省": ("江苏",), "浙江省": ("浙江",), "安徽省": ("安徽",),
    "福建省": ("福建",), "江西省": ("江西",), "山东省": ("山东",), "河南省": ("河南",),
    "湖北省": ("湖北",), "湖南省": ("湖南",), "广东省": ("广东",), "海南省": ("海南",),
    "四川省": ("四川",), "贵州省": ("贵州",), "云南省": ("云南",), "陕西省": ("陕西",),
    "甘肃省": ("甘肃",), "青海省": ("青海",), "台湾省": ("台湾",),
    "内蒙古自治区": ("内蒙古",), "广西壮族自治区": ("广西",), "西藏自治区": ("西藏",),
    "宁夏回族自治区": ("宁夏",), "新疆维吾尔自治区": ("新疆",),
    "香港特别行政区": ("香港",), "澳门特别行政区": ("澳门",),
}
# GB/T 2260 codes of the provincial-level divisions: the standard order of lists of provinces
# (北京, 天津, 河北 … 新疆, then 台湾, 香港, 澳门), which code point order is not.
PROVINCE_CODES = {
    "北京市": 11, "天津市": 12, "河北省": 13, "山西省": 14, "内蒙古自治区": 15,
    "辽宁省": 21, "吉林省": 22, "黑龙江省": 23,
    "上海市": 31, "江苏省": 32, "浙江省": 33, "安徽省": 34, "福建省": 35, "江西省": 36, "山东省": 37,
    "河南省": 41, "湖北省": 42, "湖南省": 43, "广东省": 44, "广西壮族自治区": 45, "海南省": 46,
    "重庆市": 50, "四川省": 51, "贵州省": 52, "云南省": 53, "西藏自治区": 54,
    "陕西省": 61, "甘肃省": 62, "青海省": 63, "宁夏回族自治区": 64, "新疆维吾尔自治区": 65,
    "台湾省": 71, "香港特别行政区": 81, "澳门特别行政区": 82,
}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
NATIONAL = "全国"
UNKNOWN_PROVINCE = "未知地区"  # where pages group a report whose province is not known

LEVELS = {
    "national-ministry": "国务院部门",
    "province": "省级政府",
    "province-dept": "省级部门",
    "city": "市级政府",
    "city-dept": "市级部门",
    "county": "县级政府",
    "county-dept": "县级部门",
    "township": "乡镇街道",
}


def province_order(province: str | None) -> tuple[int, str]:
    """Sort key of a province name: 全国 first, then the GB/T 2260 order, then any other name (未知地区)."""
    if province == NATIONAL:
        return (0, "")
    return (PROVINCE_CODES.get(province or "", 100), province or "")


def province_of(text: str) -> str | None:
    """The province named at the start of (or inside) a name or region string."""
    best = None
    for full, shorts in PROVINCES.items():
        for form in (full, *shorts):
            pos = text.find(form)
            if pos != -1 and (best is None or pos < best[0]):
                best = (pos, full)
    return best[1] if best else None


def province_or_unknown(province: str | None) -> str:
    return province or UNKNOWN_PROVINCE
