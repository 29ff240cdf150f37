from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.parse.amounts import parse


@pytest.mark.parametrize(
    ("raw", "value", "decimals", "as_text"),
    [
        (573.75, "573.75", 2, False),
        (580.9399999999999, "580.94", 2, False),  # a cached double Excel shows as 580.94
        (100.0, "100", 0, False),
        (7, "7", 0, False),
        (12.3456, "12.3456", 4, False),
        ("340.75", "340.75", 2, True),
        ("1,234.56", "1234.56", 2, True),
        ("５７３．７５", "573.75", 2, True),
        ("(12.50)", "-12.50", 2, True),
        (-3.2, "-3.2", 1, False),
    ],
)
def test_numbers(raw: object, value: str, decimals: int, as_text: bool) -> None:
    p = parse(raw)  # type: ignore[arg-type]
    assert p.ok
    assert p.value == Decimal(value)
    assert str(p.value) == value  # exact digits, no float noise
    assert (p.decimals, p.as_text) == (decimals, as_text)


@pytest.mark.parametrize("raw", [None, "", "-", "—", "－", " "])
def test_blanks(raw: object) -> None:
    p = parse(raw)  # type: ignore[arg-type]
    assert p.ok and p.value is None


@pytest.mark.parametrize("raw", ["见附件", "12..5", "1,23", "五百"])
def test_text_that_is_not_a_number(raw: str) -> None:
    assert not parse(raw).ok
