"""Amount cells → exact Decimals.

Excel stores numbers as binary doubles and shows at most 15 significant digits; a cached value
such as 580.93999999999994 is 580.94 to the user. Rounding to 15 significant digits recovers the
decimal the user typed or saw, so no spurious precision warnings arise from float noise.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from itertools import compress, repeat
from operator import itemgetter

from juesuan.io.grid import CellValue

_BLANKS = frozenset({"", "-", "--", "—", "——", "–", "－", "/", "／", "无"})
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PAREN_NEGATIVE = re.compile(r"^\((.+)\)$")


@dataclass(frozen=True, slots=True)
class Parsed:
    value: Decimal | None
    decimals: int
    as_text: bool
    ok: bool  # False: the cell holds text that is not a number


def _decimals(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def from_float(number: float) -> Decimal:
    """A double as the decimal Excel shows: 15 significant digits, trailing zeros dropped."""
    return float_amount(number)[0]


def float_amount(number: float) -> tuple[Decimal, int]:
    """`from_float` and its number of decimals: the reader's hot path (every amount cell)."""
    if number == 0:
        return _ZERO
    text = format(number, ".15g")
    if "e" not in text and "n" not in text:
        # %g already drops trailing zeros and writes plain notation here: the literal is the
        # normalised decimal, and its decimals are the digits after the point
        point = text.find(".")
        return Decimal(text), (len(text) - point - 1 if point >= 0 else 0)
    d = Decimal(text)
    # normalize() would turn 100 into 1E+2; quantize keeps plain notation
    d = d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize()
    return d, _decimals(d)


_ZERO = (Decimal(0), 0)


def float_amounts(values: Iterable[CellValue]) -> dict[float, tuple[Decimal, int]]:
    """`float_amount` of every distinct non-zero double among `values`, converted together: a
    workbook holds a few thousand. Doubles whose 15 digits need an exponent (or are not finite)
    are left out, as is zero: the reader converts those one by one, when it meets them."""
    unique = values if isinstance(values, AbstractSet) else set(values)
    amounts, rest = _whole_cents([v for v in unique if type(v) is float and v])
    amounts.update(_formatted(rest))
    return amounts


# exact products: at most 15 digits, exact at 28 whatever the caller's decimal context says
_EXACT = Context(prec=28)
_TENTH, _CENT = Decimal("0.1"), Decimal("0.01")


def _whole_cents(numbers: list[float]) -> tuple[dict[float, tuple[Decimal, int]], list[float]]:
    """The doubles that are a whole number of cents (most amounts), converted by integer
    arithmetic on arrays instead of formatting each one (0.55 against 1.16 ms for a typical
    workbook's 2,600 figures); the others are returned for `_formatted`.

    Why it is the same Decimal: with c = rint(v × 100), c / 100 == v (IEEE division is
    correctly rounded) says the decimal D = c/100 rounds to v. D has at most 15 significant
    digits (|c| < 10¹⁵), and every such decimal survives the trip through a double and back
    to 15 digits (DBL_DIG = 15): "%.15g" of v writes D, trailing zeros dropped. So D is
    Decimal(c) × 0.01 with 2 decimals, or Decimal(c / 10) × 0.1 with 1, or Decimal(c / 100)
    with none, as c ends in no, one or two zeros. Infinities and NaN fail the bound or the
    equality."""
    import numpy as np

    v = np.array(numbers, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # huge values overflow: not cents
        c = np.rint(v * 100.0)
        cents = (c / 100.0 == v) & (np.abs(c) < 1e15)
    whole = np.where(cents, c, 0.0).astype(np.int64)
    tens, hundreds = whole % 10 == 0, whole % 100 == 0
    amounts: dict[float, tuple[Decimal, int]] = {}
    for decimals, group in (
        (2, cents & ~tens),
        (1, cents & tens & ~hundreds),
        (0, cents & hundreds),
    ):
        digits = (whole[group] // 10 ** (2 - decimals)).tolist()
        scale = _CENT if decimals == 2 else _TENTH
        figures = map(_EXACT.multiply, digits, repeat(scale)) if decimals else map(Decimal, digits)
        keys = compress(numbers, group.tolist())
        amounts.update(zip(keys, zip(figures, repeat(decimals)), strict=False))
    return amounts, list(compress(numbers, (~cents).tolist()))


def _formatted(distinct: list[float]) -> dict[float, tuple[Decimal, int]]:
    """`float_amount` of the distinct non-zero doubles in C-level `map`s (no Python call per
    value); those whose 15 digits need an exponent, or not finite, are left out."""
    texts = list(map("%.15g".__mod__, distinct))
    if _exotic("".join(texts)):  # some text has an exponent, inf or nan: leave those out
        kept = [(v, t) for v, t in zip(distinct, texts, strict=True) if not _exotic(t)]
        distinct, texts = [v for v, _ in kept], [t for _, t in kept]
    # as in float_amount: the literal is the normalised decimal, its decimals the digits after
    # the point
    decimals = map(len, map(itemgetter(2), map(str.partition, texts, repeat("."))))
    return dict(zip(distinct, zip(map(Decimal, texts), decimals, strict=True), strict=True))


def _exotic(text: str) -> bool:
    """An exponent (1e+20), inf or nan: float_amount's slow path."""
    return "e" in text or "n" in text


def parse(raw: CellValue) -> Parsed:
    if raw is None or isinstance(raw, bool):
        return Parsed(None, 0, False, raw is None)
    if isinstance(raw, int):
        return Parsed(Decimal(raw), 0, False, True)
    if isinstance(raw, float):
        d, decimals = float_amount(raw)
        return Parsed(d, decimals, False, True)
    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        return Parsed(None, 0, False, False)
    return _parse_text(str(raw))


# Header, label and text-amount cells repeat within and across workbooks; a Parsed is frozen.
@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> Parsed:
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u3000", "")
    if s in _BLANKS:
        return Parsed(None, 0, False, True)
    negative = False
    if m := _PAREN_NEGATIVE.match(s):
        negative, s = True, m.group(1)
    if s.startswith("－"):
        negative, s = True, s[1:]
    if not _NUMBER.match(s):
        return Parsed(None, 0, True, False)
    try:
        d = Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return Parsed(None, 0, True, False)
    if negative:
        d = -d
    return Parsed(d, _decimals(d), True, True)
