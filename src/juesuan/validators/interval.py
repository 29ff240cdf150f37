"""Exact-decimal interval comparison: the rounding model of nine-tables.md §5.

A value published to d decimals stands for every true value that rounds to it, the closed
interval [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ] (XBRL Calculations 1.1). d is the number of decimals actually
present, but never fewer than the unit displays: a cell showing 7.2 in a two-decimal 万元 table
was rounded to 7.20, not to 7.2. A blank cell is exactly 0: nothing was printed, so nothing was
rounded, and it widens no interval (a sum over 25 类 rows of which 3 are filled must not gain a
tolerance of 0.125 from 22 empty cells). A printed 0.00 is a rounded figure like any other.

For `total REL Σ wᵢ·itemᵢ` (w = ±1, or a bureau rule's coefficient, whose interval is scaled
by |w|) the items' intervals add up (a weight of −1 swaps the ends,
which leaves the half-width unchanged), so the check is one subtraction and one comparison:
the two intervals overlap exactly when |total − Σ| ≤ h(total) + Σ h(itemᵢ). No fudge factor is
involved: the tolerance follows from the digits printed and the number of cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Relation = Literal["=", "<="]

# Decimals every unit juesuan knows displays: 万元 and 元 are both printed to two places.
UNIT_DECIMALS = 2
# The sign (±1) or coefficient (a bureau rule's 0.01 × …) of an item in a sum.
Weight = Decimal | int

# The units juesuan converts between, as powers of ten of one 元 (nine-tables.md §5).
UNIT_EXPONENT = {"元": 0, "万元": 4}


class Status(StrEnum):
    PASS = "pass"  # the relation holds exactly
    NOTICE = "notice"  # it fails on the printed figures but holds within rounding
    FAIL = "fail"  # it fails whatever the rounding


@dataclass(frozen=True, slots=True)
class Term:
    """One printed figure: its value, the decimals printed, and its sign in a sum."""

    value: Decimal
    decimals: int = 0
    weight: Weight = 1
    exact: bool = False  # a blank cell: exactly 0, no rounding interval

    def half_width(self, unit_decimals: int = UNIT_DECIMALS) -> Decimal:
        """½·10⁻ᵈ with d = max(decimals present, decimals the unit displays); 0 if exact."""
        if self.exact:
            return Decimal(0)
        return Decimal(5).scaleb(-(max(self.decimals, unit_decimals) + 1))


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a relation came out. `difference` = actual − expected; `tolerance` is the sum of the
    half-widths, i.e. the largest difference that rounding alone can explain."""

    status: Status
    expected: Decimal
    actual: Decimal
    difference: Decimal
    tolerance: Decimal


def compare(
    total: Term,
    items: Sequence[Term],
    relation: Relation = "=",
    unit_decimals: int = UNIT_DECIMALS,
) -> Outcome:
    """Compare `total` with Σ wᵢ·itemᵢ under `relation` (`=`, or `<=` meaning total ≤ Σ).

    `total.weight` is ignored: the total always stands alone on its side.
    """
    expected = sum((item.weight * item.value for item in items), Decimal(0))
    # a weighted item's interval is scaled with it: w·[v − h, v + h] is w·v ± |w|·h
    tolerance = total.half_width(unit_decimals) + sum(
        (Decimal(item.weight).copy_abs() * item.half_width(unit_decimals) for item in items),
        Decimal(0),
    )
    difference = total.value - expected
    if relation == "=":
        holds = difference == 0
        overlap = abs(difference) <= tolerance
    elif relation == "<=":
        holds = difference <= 0
        # [t − h, t + h] and [Σ − H, Σ + H] share a point where t − h ≤ Σ + H.
        overlap = difference <= tolerance
    else:  # pragma: no cover - Literal keeps callers honest; a catalogue typo is caught at load
        raise ValueError(f"unknown relation {relation!r}")
    status = Status.PASS if holds else Status.NOTICE if overlap else Status.FAIL
    return Outcome(status, expected, total.value, difference, tolerance)
