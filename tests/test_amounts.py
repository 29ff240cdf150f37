from __future__ import annotations

from decimal import Decimal

import pytest

from juesuan.parse.amounts import float_amount, float_amounts, parse


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


EDGES = [
    0.1 + 0.2,  # 0.30000000000000004: float noise, shown as 0.3
    580.93999999999994,
    580.94,
    -580.94,
    1e16,
    1e15,
    -0.0,
    0.0,
    1e-7,
    0.005,
    0.01,
    -0.01,
    0.05,
    0.1,
    0.5,
    1.5,
    12.3456,
    100.0,
    -100.0,
    1200.0,
    1234.5,
    123456789012.34,
    9999999999999.99,  # 15 digits: the largest of whole cents
    99999999999999.99,  # 16 digits: shown rounded to 15
    999999999999999.0,
    1234567890123456.0,
    2.0**53,
    5e-324,
    1.7976931348623157e308,
    float("inf"),
    float("-inf"),
    float("nan"),
]


def _same(got: tuple[Decimal, int], want: tuple[Decimal, int]) -> bool:
    """Same digits, exponent and sign (1.5 is not 1.50), and the same count of decimals."""
    return got[0].as_tuple() == want[0].as_tuple() and got[1] == want[1]


def test_converted_together_is_converted_one_by_one() -> None:
    import random

    rng = random.Random(6)
    cents = [rng.randrange(-(10**12), 10**12) / 100 for _ in range(20_000)]
    small = [rng.randrange(1, 1000) / 100 for _ in range(2_000)]
    noisy = [c + rng.choice((1e-9, -1e-11, 0.0)) for c in cents[:5_000]]
    doubles = [rng.uniform(-1e6, 1e6) for _ in range(3_000)]
    values = [*EDGES, *cents, *small, *noisy, *doubles, "580.94", 7, True, None]
    together = float_amounts(values)
    for v in set(values):
        if type(v) is not float or not v:
            assert v not in together
            continue
        if any(ch in format(v, ".15g") for ch in "en"):  # an exponent, inf or nan
            assert v not in together  # the reader converts those when it meets them
        else:
            assert _same(together[v], float_amount(v)), (v, together[v], float_amount(v))
    assert _same(together[0.1 + 0.2], (Decimal("0.3"), 1))
    assert _same(together[580.93999999999994], (Decimal("580.94"), 2))
    assert _same(together[1200.0], (Decimal("1200"), 0))
    assert _same(together[-0.05 * -1], (Decimal("0.05"), 2))
    assert _same(together[123456789012.34], (Decimal("123456789012.34"), 2))
    assert _same(together[99999999999999.99], (Decimal("100000000000000"), 0))


def test_a_tiny_decimal_context_does_not_round_the_figures() -> None:
    import decimal

    with decimal.localcontext(decimal.Context(prec=3)):
        together = float_amounts([123456.78, 1234.5])
    assert _same(together[123456.78], (Decimal("123456.78"), 2))
    assert _same(together[1234.5], (Decimal("1234.5"), 1))
