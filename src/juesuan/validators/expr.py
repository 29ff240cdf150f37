"""The `check` expressions of the identity catalogue, parsed once into references and signs.

Grammar (see the comment block of catalogue/within.toml for the reader's version):

    check   := cell REL term (("+" | "-") term)*     REL is "=", "<=" or "≤"
    term    := [NUMBER ("*" | "×")] (cell | "sum(" cell ")")      NUMBER: 0.01, 1%, 2
    cell    := TABLE ["." SECTION] "[" ROW "]" ["." COLUMN]  |  "row." COLUMN

ROW is a row key, or inside sum() and for_each a selector: "*" (every row), "classes" (the 类
rows), "classes:<panel>" (the 类 rows of one T6 panel), "codes" (every coded row), "leaves"
(the coded rows with no printed row below them). Under for_each, ROW may be "row": the row
with the same key as the current row (T3[row].total — cross-table catalogue, cross.toml). COLUMN may
contain dots (T7: final.total). Operators are recognised only outside brackets, so row keys may
hold any character but "]".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from juesuan.validators.interval import Relation

SELECTORS = frozenset({"*", "classes", "codes", "leaves"})
MATCH = "row"  # T3[row]: the row of T3 with the same key as the current for_each row
PANEL_SELECTOR = "classes:"

_NAME = r"[a-z_][a-z0-9_]*"
_COLUMN = rf"{_NAME}(?:\.{_NAME})*"
_CELL = re.compile(
    rf"(?P<table>T[1-9])(?:\.(?P<section>{_NAME}))?\[(?P<row>[^\[\]]+)\](?:\.(?P<column>{_COLUMN}))?"
)
_ROW_CELL = re.compile(rf"row\.(?P<column>{_COLUMN})")
_SUM = re.compile(r"sum\((?P<inner>.*)\)")
# a coefficient before a term: "0.01 * T6[public.total]", "1% × …" (bureau rules, --rules)
_SCALED = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<percent>%?)\s*[*×]\s*(?P<term>.+)", re.S)
_MINUS = frozenset("-−")  # ASCII hyphen-minus or the typographic minus sign


class CatalogueError(ValueError):
    """The catalogue itself is malformed: raised at load, never while checking a workbook.
    `zh` says the same in Chinese for a bureau's own rule file (validators/extra.py)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh or en


def is_selector(row: str) -> bool:
    return row in SELECTORS or row.startswith(PANEL_SELECTOR)


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to one cell, or to a set of rows (`summed`, or a for_each row set).

    `table` None means the current row of for_each (`row.COLUMN`); `column` None means the
    current column of `columns`, or else the section's only amount column.
    """

    table: str | None
    section: str = "main"
    row: str | None = None
    column: str | None = None
    summed: bool = False

    @property
    def is_row_cell(self) -> bool:
        return self.table is None

    @property
    def is_matched(self) -> bool:
        """T3[row]: the row of T3 with the current for_each row's key."""
        return self.row == MATCH and not self.summed


@dataclass(frozen=True, slots=True)
class Check:
    total: Ref
    relation: Relation
    items: tuple[tuple[Decimal, Ref], ...]  # (weight: ±1, or ± a coefficient; reference)
    source: str

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.total, *(ref for _, ref in self.items))


def parse_ref(text: str, *, selector: bool = False) -> Ref:
    """One cell reference; with `selector`, the row part must be a row selector."""
    text = text.strip()
    if m := _ROW_CELL.fullmatch(text):
        if selector:
            raise CatalogueError(
                f"{text!r}: a row set needs a table, e.g. T3[*]",
                f"「{text}」：行集合要写明表，如 T3[*]",
            )
        return Ref(table=None, column=m["column"])
    m = _CELL.fullmatch(text)
    if m is None:
        raise CatalogueError(
            f"{text!r} is not a cell reference like T3[total].basic",
            f"「{text}」不是单元格引用（应形如 T3[total].basic）",
        )
    row = m["row"].strip()
    if selector != is_selector(row):
        wanted = (
            "a row set (*, classes, classes:<panel>, codes, leaves)" if selector else "a row key"
        )
        raise CatalogueError(
            f"{text!r}: expected {wanted} between the brackets",
            f"「{text}」：方括号中应为{'行集合（*、classes、codes、leaves）' if selector else '行的键'}",
        )
    return Ref(m["table"], m["section"] or "main", row, m["column"], summed=selector)


def _scaled(text: str) -> tuple[Decimal, Ref]:
    """A term with its coefficient (1 when none is written)."""
    text = text.strip()
    factor = Decimal(1)
    if m := _SCALED.fullmatch(text):
        try:
            factor = Decimal(m["number"])
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
            raise CatalogueError(f"{text!r}: {m['number']!r} is not a number") from exc
        if m["percent"]:
            factor = factor.scaleb(-2)
        if factor == 0:
            raise CatalogueError(
                f"{text!r}: a coefficient of 0 checks nothing",
                f"「{text}」：系数为 0，什么也不核对",
            )
        text = m["term"]
    return factor, _term(text)


def _term(text: str) -> Ref:
    text = text.strip()
    if m := _SUM.fullmatch(text):
        return parse_ref(m["inner"], selector=True)
    return parse_ref(text)


def _split(text: str) -> list[str]:
    """Operands and operators, splitting only outside [] and ()."""
    parts: list[str] = []
    depth = 0
    current = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if depth == 0 and (text.startswith("<=", i) or ch in "=≤+" or ch in _MINUS):
            op = "<=" if text.startswith("<=", i) else ch
            parts += [current, op]
            current = ""
            i += len(op)
            continue
        current += ch
        i += 1
    if depth != 0:
        raise CatalogueError(f"{text!r}: unbalanced brackets", f"「{text}」：括号不配对")
    return [*parts, current]


def parse_check(text: str) -> Check:
    parts = _split(text)
    relations = [i for i, p in enumerate(parts) if p in ("=", "<=", "≤")]
    if len(relations) != 1 or relations[0] != 1:
        raise CatalogueError(
            f"{text!r}: write one total, then = or <=, then the items",
            f"「{text}」：应写一个合计单元格，然后是 = 或 <=，再写各项",
        )
    total = _term(parts[0])
    if total.summed:
        raise CatalogueError(
            f"{text!r}: the total must be a single cell, not a sum",
            f"「{text}」：左边的合计应是一个单元格，不能是 sum()",
        )
    relation: Relation = "=" if parts[1] == "=" else "<="
    items: list[tuple[Decimal, Ref]] = []
    rest = parts[2:]
    sign = 1
    if rest and not rest[0].strip() and len(rest) > 1 and rest[1] in _MINUS:
        sign, rest = -1, rest[2:]  # a leading minus sign before the first item
    expect_operand = True
    for part in rest:
        if expect_operand:
            if not part.strip():
                raise CatalogueError(
                    f"{text!r}: an operator lacks its operand", f"「{text}」：运算符缺少运算对象"
                )
            factor, ref = _scaled(part)
            items.append((sign * factor, ref))
        elif part in ("+", *_MINUS):
            sign = -1 if part in _MINUS else 1
        else:
            raise CatalogueError(
                f"{text!r}: unexpected {part!r}", f"「{text}」：无法理解「{part}」"
            )
        expect_operand = not expect_operand
    if not items or expect_operand:
        raise CatalogueError(
            f"{text!r}: the items side is empty or ends with an operator",
            f"「{text}」：右边没有项，或以运算符结尾",
        )
    return Check(total, relation, tuple(items), text)
