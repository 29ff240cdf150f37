"""Numbers as printed in disclosure texts: thousands separators, decimals, Chinese numerals
for counts, and the rounding interval each printed figure stands for (nine-tables.md §5)."""

from __future__ import annotations

import re
from decimal import Decimal

NUM = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
# “万” alone (“0.00 万,”) only where nothing follows it: “万人次” is a count, not money
AMOUNT = re.compile(rf"({NUM})\s*(亿\s*元|万\s*元|元|万(?=[，,。；;、\s)）]|$))")
PERCENT = re.compile(rf"(-\s*)?({NUM})\s*%")
_CN_DIGITS = "零〇一二两三四五六七八九十百"
COUNT = re.compile(
    rf"((?<![\d.]){NUM}|(?<![{_CN_DIGITS}])[{_CN_DIGITS}]{{1,4}})\s*"
    r"(人次|批次|个|辆|人|台\(套\)|台|条|件|家)"
)
# 1 元 = 0.0001 万元; 1 亿元 = 10000 万元
UNIT_SHIFT = {"元": -4, "万元": 0, "万": 0, "亿元": 4}


def decimal_of(printed: str) -> tuple[Decimal, int]:
    """The exact value and the number of decimals printed ("1,234.50" → 1234.50, 2)."""
    clean = printed.replace(",", "")
    value = Decimal(clean)
    exponent = value.as_tuple().exponent
    return value, (-exponent if isinstance(exponent, int) and exponent < 0 else 0)


def in_wan(printed: str, unit: str) -> tuple[Decimal, Decimal]:
    """(value in 万元, half-width of its rounding interval in 万元)."""
    value, decimals = decimal_of(printed)
    shift = UNIT_SHIFT[re.sub(r"\s", "", unit)]
    return value.scaleb(shift), half_width(decimals).scaleb(shift)


def half_width(decimals: int) -> Decimal:
    return Decimal(5).scaleb(-(decimals + 1))


_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
       "八": 8, "九": 9}  # fmt: skip


def count_of(printed: str) -> int | None:
    """Arabic or Chinese numerals up to 999 (“十二” 12, “二十” 20, “一百零五” 105)."""
    if printed.isdigit():
        return int(printed)
    total, current = 0, 0
    for ch in printed:
        if ch in _CN:
            current = _CN[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current
