"""The interval model of nine-tables.md §5 for figures of the text: every printed number stands
for the interval of values that round to it. Amounts are compared by overlapping intervals;
a percentage is recomputed over the box of its inputs' intervals (ratios are monotonic in each
input while no denominator crosses zero, so the corners bound them) and must overlap the
stated percentage's own interval.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from juesuan.validators.interval import Status

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    """A printed figure: value and half-width of its rounding interval (0 = exact)."""

    value: Decimal
    half: Decimal = Decimal(0)

    @property
    def lo(self) -> Decimal:
        return self.value - self.half

    @property
    def hi(self) -> Decimal:
        return self.value + self.half


@dataclass(frozen=True)
class Result:
    status: Status
    expected: Decimal  # computed from the other figures (rounded like the stated one for %)
    actual: Decimal  # as stated
    difference: Decimal
    tolerance: Decimal


def equal(stated: Value, parts: Sequence[Value], signs: Sequence[int] | None = None) -> Result:
    """stated = Σ ±parts, within the sum of half-widths."""
    signs = signs or [1] * len(parts)
    expected = sum((s * p.value for s, p in zip(signs, parts, strict=True)), Decimal(0))
    tolerance = stated.half + sum((p.half for p in parts), Decimal(0))
    return _result(stated.value, expected, tolerance)


def restates(fine: Value, coarse: Value, coarse_decimals: int) -> Result:
    """A figure printed with more decimals than the cell it restates (a text in 元 against a
    table in 万元) passes when it rounds to the printed cell; else as `equal`."""
    if decimals_of(fine.value) > coarse_decimals:
        quantum = Decimal(1).scaleb(-coarse_decimals)
        if fine.value.quantize(quantum, rounding=ROUND_HALF_UP) == coarse.value:
            return Result(Status.PASS, coarse.value, fine.value, fine.value - coarse.value,
                          fine.half + coarse.half)  # fmt: skip
    return equal(fine, [coarse])


def not_more(stated: Value, bound: Value) -> Result:
    tolerance = stated.half + bound.half
    difference = stated.value - bound.value
    status = (
        Status.PASS
        if difference <= 0
        else Status.NOTICE
        if difference <= tolerance
        else Status.FAIL
    )
    return Result(status, bound.value, stated.value, difference, tolerance)


def _result(actual: Decimal, expected: Decimal, tolerance: Decimal) -> Result:
    difference = actual - expected
    status = (
        Status.PASS
        if difference == 0
        else Status.NOTICE
        if abs(difference) <= tolerance
        else Status.FAIL
    )
    return Result(status, expected, actual, difference, tolerance)


def percentage(
    stated: Value, decimals: int, fn: Callable[..., Decimal], *inputs: Value
) -> Result | None:
    """Check a stated percentage against fn(*inputs) × 100; None when the ratio is undefined
    somewhere inside the inputs' intervals (a denominator that may be zero)."""
    try:
        exact = fn(*(v.value for v in inputs)) * HUNDRED
        corners = [
            fn(*combo) * HUNDRED for combo in itertools.product(*((v.lo, v.hi) for v in inputs))
        ]
    except (DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None
    quantum = Decimal(1).scaleb(-decimals)
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    lo, hi = min(corners), max(corners)
    difference = stated.value - rounded
    if rounded == stated.value:
        status = Status.PASS
    elif stated.lo <= hi and lo <= stated.hi:
        status = Status.NOTICE
    else:
        status = Status.FAIL
    tolerance = max(hi - exact, exact - lo) + stated.half
    return Result(status, rounded, stated.value, difference, tolerance.quantize(Decimal("0.0001")))


def share(n: Decimal, d: Decimal) -> Decimal:
    return n / d


def growth(change: Decimal, current: Decimal) -> Decimal:
    """Y = X / (current − X): the change against last year's amount."""
    return change / (current - change)


def variance(actual: Decimal, budget: Decimal) -> Decimal:
    return (actual - budget) / budget


def decimals_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
