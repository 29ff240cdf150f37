"""The interval rounding model (nine-tables.md §5) in exact decimals."""

from __future__ import annotations

from decimal import Decimal

from juesuan.validators.interval import Outcome, Status, Term, compare

D = Decimal


def t(text: str, weight: int = 1) -> Term:
    """A printed figure with the decimals it shows, as the reader records them."""
    value = D(text)
    exp = value.as_tuple().exponent
    assert isinstance(exp, int)
    return Term(value, max(0, -exp), weight)


def run(total: str, *items: str, relation: str = "=") -> Outcome:
    terms = [t(i[1:], -1) if i.startswith("-") else t(i) for i in items]
    return compare(t(total), terms, "=" if relation == "=" else "<=")


def test_equal_thirds_are_a_rounding_notice() -> None:
    out = run("100.00", "33.33", "33.33", "33.33")
    assert out.status is Status.NOTICE
    assert (out.expected, out.actual, out.difference) == (D("99.99"), D("100.00"), D("0.01"))
    assert out.tolerance == D("0.020")  # 0.005 × (3 items + the total)


def test_beyond_rounding_is_an_error() -> None:
    out = run("100.00", "33.33", "33.33", "33.31")
    assert out.status is Status.FAIL
    assert out.difference == D("0.03")
    assert out.tolerance == D("0.020")


def test_the_seed_grand_total_is_a_notice() -> None:
    out = run("580.93", "573.75", "0.00", "7.19")
    assert out.status is Status.NOTICE
    assert out.expected == D("580.94")
    assert out.difference == D("-0.01")
    assert out.tolerance == D("0.02")


def test_exact_equality_passes() -> None:
    out = run("573.75", "389.27", "184.48")
    assert out.status is Status.PASS
    assert out.difference == 0


def test_the_boundary_of_the_intervals_still_overlaps() -> None:
    # 0.02 apart with one item: tolerance 0.005 + 0.005 = 0.01 < 0.02 → error; two items 0.015
    assert run("1.02", "1.00").status is Status.FAIL
    assert run("1.01", "1.00").status is Status.NOTICE  # |d| = 0.01 = tolerance: touching
    assert run("1.015", "1.00").status is Status.FAIL  # 0.015 > 0.0005 + 0.005


def test_more_decimals_narrow_only_their_own_interval() -> None:
    # 12.3456 stands for [12.34555, 12.34565]; with 4 decimals on every cell the tolerance is
    # 3 × 0.00005, so a 0.0006 gap is an error although it would be a notice at 2 decimals.
    out = run("12.3456", "12.3400", "0.0050")
    assert out.status is Status.FAIL
    assert out.tolerance == D("0.00015")
    assert run("12.35", "12.34", "0.00").status is Status.NOTICE
    # a 4-decimal total among 2-decimal items: only its own half-width shrinks
    out = run("12.3456", "12.34", "0.00")
    assert out.tolerance == D("0.01005")
    assert out.status is Status.NOTICE


def test_integers_round_like_the_unit_and_blanks_are_exact() -> None:
    # 12 (an integer cell) and 0.00 (a printed zero) in a 2-decimal table were rounded to 0.01
    out = compare(Term(D(12)), [Term(D("11.99")), Term(D(0))])
    assert out.status is Status.NOTICE
    assert out.tolerance == D("0.015")
    # a blank cell was not rounded at all: it adds nothing to the tolerance
    out = compare(Term(D(12)), [Term(D("11.99"), 2), *[Term(D(0), exact=True)] * 20])
    assert out.tolerance == D("0.010")
    assert out.status is Status.NOTICE
    out = compare(Term(D(12)), [Term(D("11.97"), 2), *[Term(D(0), exact=True)] * 20])
    assert out.status is Status.FAIL


def test_negative_weights() -> None:
    # 年末 = 年初 + 本年收入 − 本年支出
    assert run("0.09", "0.00", "573.75", "-573.66").status is Status.PASS
    out = run("0.10", "0.00", "573.75", "-573.66")
    assert out.status is Status.NOTICE
    assert out.expected == D("0.09")
    out = run("1.09", "0.00", "573.75", "-573.66")
    assert out.status is Status.FAIL
    assert out.difference == D("1.00")
    # a weight flips the interval's ends but not its width
    assert out.tolerance == D("0.020")


def test_less_or_equal() -> None:
    assert run("3.80", "3.80", relation="<=").status is Status.PASS
    assert run("3.70", "3.80", relation="<=").status is Status.PASS
    assert run("3.81", "3.80", relation="<=").status is Status.NOTICE  # within rounding
    out = run("3.90", "3.80", relation="<=")
    assert out.status is Status.FAIL
    assert out.difference == D("0.10")
    # ≤ against a sum: 5.20 ≤ 4.94 + 0.25 = 5.19 holds within 0.015
    assert run("5.20", "4.94", "0.25", relation="<=").status is Status.NOTICE
    assert run("5.30", "4.94", "0.25", relation="<=").status is Status.FAIL


def test_a_coefficient_scales_the_interval_of_its_item() -> None:
    # 0.01 × 31.74 = 0.3174; the item's ±0.005 shrinks to ±0.00005, the total keeps ±0.005
    within = compare(t("0.32"), [Term(D("31.74"), 2, D("0.01"))], "<=")
    assert within.status is Status.NOTICE and within.tolerance == D("0.00505")
    over = compare(t("0.33"), [Term(D("31.74"), 2, D("0.01"))], "<=")
    assert over.status is Status.FAIL and over.difference == D("0.0126")
    # a weight of 2 doubles the item's half-width
    assert compare(t("1.00"), [Term(D("0.50"), 2, 2)]).tolerance == D("0.015")
