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
