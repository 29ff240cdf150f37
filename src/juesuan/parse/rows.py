"""Data rows of a located table → typed rows of amounts, with structure findings."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from operator import eq, itemgetter
from typing import cast

from juesuan import textnorm
from juesuan.findings import Finding, Related
from juesuan.io.grid import CellValue, Grid, a1, col_letter
from juesuan.parse.amounts import float_amount, parse
from juesuan.parse.header import HeaderMap, MappedColumn, is_column_number_row
from juesuan.rules import finding
from juesuan.spec import LEVEL_BY_DIGITS, CodeBook, Edition, RowSpec, SectionSpec, TableSpec
from juesuan.tables import Amount, AmountColumns, Column, Row, Section

# a name never starts with a Latin letter: "20103O1" is a mistyped code, not 20103 + "O1"
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s?\d{2}){0,2})\s*([^\dA-Za-z].*)$")
_MISTYPED_CODE = re.compile(r"^\d{3}[\dA-Za-z]*$")
_DIGITS = re.compile(r"^\d+$")
_TOTAL_KEYS = frozenset({"合计", "总计", "合计数", "本年合计", "总合计"})
_NOTE = re.compile(r"^(注|说明|备注|附注|填报说明)\s*[:：\d]")
_EMPTY_NOTE = re.compile(r"(无数据|没有|空表|无此项|不涉及)")


# (column, key, 0-based column, letter) of each amount column of a section
_AmountColumns = tuple[tuple[MappedColumn, str, int, str], ...]


@dataclass
class RowContext:
    grid: Grid
    spec: TableSpec
    edition: Edition
    header: HeaderMap
    stop: int
    findings: list[Finding] = field(default_factory=list)
    text_cells: list[Related] = field(default_factory=list)
    empty_note: str | None = None
    last_row: int = 0
    note_row: int | None = None
    # doubles already converted in this workbook: a workbook repeats its figures (the same 合计
    # in T2, T3 and T5, a 款 equal to its only 项); Decimals are immutable, so sharing is safe
    # (and None → blank, 0.0 → zero, added in __post_init__)
    numbers: dict[float | None, tuple[Decimal | None, int]] = field(default_factory=dict)
    # id of a section's column list → (the list, its amount columns with their letters)
    amount_columns: dict[int, tuple[list[MappedColumn], _AmountColumns]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        # blanks and zeros looked up like any other value: one C-level map per column
        self.numbers.setdefault(None, _BLANK)
        self.numbers.setdefault(0.0, _ZERO)

    @property
    def title(self) -> str:
        return self.spec.title

    def cell(self, r: int, c: int) -> str:
        return a1(r, c)

    def add(self, code: str, zh: str, en: str, r: int, c: int, **kw: object) -> None:
        self.findings.append(
            finding(code, zh, en, table=self.spec.key, sheet=self.grid.name, cell=a1(r, c), **kw)
        )


# _text and _code_text are asked of every row's name and code cells: the same few hundred
# values in every table and workbook, each answered once (typed: 1 and 1.0 and True differ)
@functools.lru_cache(maxsize=16384, typed=True)
def _text(v: CellValue) -> str:
    return textnorm.display(v) if isinstance(v, str) else ""


def _read_amount(ctx: RowContext, r: int, col: MappedColumn, row_label: str) -> Amount:
    raw = ctx.grid.value(r, col.col)
    addr = a1(r, col.col)
    sheet = ctx.grid.name
    if ctx.grid.formulas_without_value and addr in ctx.grid.formulas_without_value:
        return Amount(None, sheet, addr, unknown=True)
    # the usual cells, a number or a blank, without the general parser's detours
    if type(raw) is float:
        known = ctx.numbers.get(raw)
        if known is None:
            known = ctx.numbers[raw] = float_amount(raw)
        return Amount(known[0], sheet, addr, known[1])
    if raw is None:
        return Amount(None, sheet, addr)
    p = parse(raw)
    if not p.ok:
        shown = textnorm.display(raw)
        ctx.add(
            "VA101",
            f"{ctx.title} {addr}「{row_label} / {col.label}」的内容「{shown}」不是数字",
            f"{ctx.spec.key} {addr} ({row_label} / {col.label}): '{shown}' is not a number",
            r,
            col.col,
            row=row_label,
            column=col.label,
            place=f"{row_label}|{col.key}",
        )
        return Amount(None, sheet, addr, unknown=True)
    if p.as_text and p.value is not None:
        ctx.text_cells.append(Related(sheet, addr, p.value, f"{row_label} / {col.label}"))
    return Amount(p.value, sheet, addr, p.decimals, p.as_text)


def _amount_columns(ctx: RowContext, cols: list[MappedColumn]) -> _AmountColumns:
    """A section's amount columns with their letters, worked out once per section."""
    known = ctx.amount_columns.get(id(cols))
    if known is None or known[0] is not cols:
        known = ctx.amount_columns[id(cols)] = (
            cols,
            tuple((c, c.key, c.col, col_letter(c.col)) for c in cols if c.role == "amount"),
        )
    return known[1]


def _amounts(ctx: RowContext, r: int, cols: list[MappedColumn], label: str) -> dict[str, Amount]:
    grid = ctx.grid
    if grid.formulas_without_value:
        return {c.key: _read_amount(ctx, r, c, label) for c in cols if c.role == "amount"}
    # numbers and blanks inline, anything else the full way
    own = grid.row_values(r)
    width = len(own)
    number = str(r + 1)
    numbers = ctx.numbers
    sheet = grid.name
    out: dict[str, Amount] = {}
    for c, key, col, letter in _amount_columns(ctx, cols):
        raw = own[col] if col < width else None
        if type(raw) is float:
            known = numbers.get(raw)
            if known is None:
                known = numbers[raw] = float_amount(raw)
            out[key] = _new(Amount, (known[0], sheet, letter + number, known[1], False, False))
        elif raw is None:
            out[key] = _new(Amount, (None, sheet, letter + number, 0, False, False))
        else:
            out[key] = _read_amount(ctx, r, c, label)
    return out


_new = tuple.__new__  # an Amount straight from its fields, in C (see tables.Amount)
_FLOAT_OR_BLANK = frozenset({float, type(None)})


def _amount_rows(
    ctx: RowContext,
    rows: list[int],
    cols: list[MappedColumn],
    owns: list[tuple[CellValue, ...]] | None = None,
) -> AmountColumns | None:
    """The amounts of every data row of a section as columns, or None when some amount cell
    is neither a number nor blank (or is a formula without its value): the row by row path
    then reads them, with its findings in row order.

    The reader's innermost work: a typical workbook has ~4,400 amount cells. Each column's
    raw values and their Decimals are one C-level map over the column; the `Amount`s are made
    only for a row whose `values` someone asks for (`AmountColumns`, `Row.values`)."""
    grid = ctx.grid
    if grid.formulas_without_value or not rows:
        return None
    amount_columns = _amount_columns(ctx, cols)
    width = grid.width
    if any(col >= width for _, _, col, _ in amount_columns):
        return None
    own = owns if owns is not None else list(map(grid.row_values, rows))
    numbers = ctx.numbers
    values: list[tuple[Decimal | None, ...]] = []
    places: list[tuple[int, ...]] = []
    for _, _, col, _ in amount_columns:
        raws = list(map(itemgetter(col), own))
        if not _FLOAT_OR_BLANK.issuperset(map(type, raws)):
            return None
        found = list(map(numbers.get, raws))
        if not all(found):  # a double not converted yet (parse_table without the workbook's)
            for i, raw in enumerate(raws):
                if found[i] is None:
                    found[i] = numbers[raw] = float_amount(cast(float, raw))
        column, column_places = zip(*cast(list[tuple[Decimal | None, int]], found), strict=True)
        values.append(column)
        places.append(column_places)
    return AmountColumns(
        grid.name,
        tuple(key for _, key, _, _ in amount_columns),
        tuple(letter for _, _, _, letter in amount_columns),
        [str(r + 1) for r in rows],
        values,
        places,
    )


_BLANK: tuple[Decimal | None, int] = (None, 0)
_ZERO: tuple[Decimal | None, int] = (Decimal(0), 0)


@functools.lru_cache(maxsize=8192)
def _is_note(text: str) -> bool:
    # asked of the first text of every row: the same labels, workbook after workbook
    return bool(_NOTE.match(unicodedata.normalize("NFKC", text).strip()))


@functools.lru_cache(maxsize=8192)
def _says_column_numbers(text: str) -> bool:
    return textnorm.key(text) in ("栏次", "行次")


@functools.lru_cache(maxsize=16384)
def _texts_kind(texts: tuple[str, ...]) -> str:
    """What a row's texts alone say: 'note' (its first non-blank text opens a note),
    'numbers?' (one says 栏次: the row may be the column-number row) or 'data'. Keyed by the
    texts: rows repeat their texts (codes and names) in every table and every workbook, so
    each is worked out once (~1 µs saved per row, ~0.8 ms per typical workbook)."""
    first = next((v for v in texts if v.strip()), None)
    if first is not None and _is_note(first):
        return "note"
    if any(map(_says_column_numbers, texts)):
        return "numbers?"
    return "data"


def _scan_notes(ctx: RowContext, start: int) -> None:
    for r in range(start, ctx.stop):
        for v in ctx.grid.row_values(r):
            if isinstance(v, str) and "说明" in v[:4] and _EMPTY_NOTE.search(v):
                ctx.empty_note = textnorm.display(v)
                return


def data_rows(ctx: RowContext) -> list[int]:
    """The data rows below the header, up to the note that ends the table: blank rows and the
    栏次 row are passed over. What a row's texts say is worked out once per distinct texts
    (_texts_kind); a row without text is blank or a data row."""
    rows: list[int] = []
    grid = ctx.grid
    start = ctx.header.last_row + 1
    for r, own in enumerate(grid.rows_between(start, ctx.stop), start):
        texts = tuple([v for v in own if type(v) is str])
        if not texts:
            if own.count(None) == len(own):
                continue
        else:
            kind = _texts_kind(texts)
            if kind == "note":
                ctx.note_row = r
                _scan_notes(ctx, r)
                break
            if kind == "numbers?" and is_column_number_row(grid, r):
                continue
        rows.append(r)
    if rows:
        ctx.last_row = rows[-1]
    return rows


def _columns(ctx: RowContext, cols: list[MappedColumn]) -> dict[str, Column]:
    return {
        c.key: Column(c.key, c.label, c.col, a1(0, c.col).rstrip("0123456789"))
        for c in cols
        if c.role != "ignore"
    }


# --- coded tables (T2 T3 T5 T8 T9) -----------------------------------------------------------


@functools.lru_cache(maxsize=16384, typed=True)
def _code_text(v: CellValue) -> str:
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int | float):
        return str(v)
    folded = textnorm.digits(str(v))
    return folded if _DIGITS.match(folded) else str(v).strip()


def _class_unknown(
    ctx: RowContext, label: str, r: int, c: int, key: str, *, by_label: bool
) -> None:
    """CD104: a 类 the edition does not list (231 债务还本支出 in a 2023 workbook). A row known
    only by its label (T1/T4) is then read as a class row, and the message says so."""
    zh_tail, en_tail = ("，已按类读取", "; read as a class row") if by_label else ("", "")
    ctx.add(
        "CD104",
        f"{ctx.title} {a1(r, c)}「{label}」不是 {ctx.edition.year} 年支出功能分类的“类”{zh_tail}",
        f"{ctx.spec.key} {a1(r, c)}: '{label}' is not a {ctx.edition.year} expenditure class"
        + en_tail,
        r,
        c,
        row=label,
        place=f"class|{key}",
    )


def read_coded(ctx: RowContext, section: SectionSpec) -> Section:
    cols = ctx.header.by_section(section.key)
    code_col = next((c for c in cols if c.key == "code"), None)
    split = {c.key: c for c in cols if c.key.startswith("code.")}
    name_col = next((c for c in cols if c.key == "name"), None)
    sec = Section(section, _columns(ctx, cols))
    last_class = last_kuan = ""
    seen: dict[str, int] = {}
    rows = data_rows(ctx)
    grid = ctx.grid
    owns = list(map(grid.row_values, rows))
    amounts = _amount_rows(ctx, rows, cols, owns)
    name_at = name_col.col if name_col else -1
    code_at = code_col.col if code_col else -1
    classes = ctx.edition.function_classes
    if not split and code_at >= 0 and amounts is not None:
        plain = _plain_coded_rows(ctx, rows, owns, amounts, code_at, name_at)
        if plain is not None:
            sec.rows = plain
            return sec
    for i, (r, own) in enumerate(zip(rows, owns, strict=True)):
        name = _text(own[name_at]) if name_at >= 0 else ""
        code = ""
        label_c = name_at if name_at >= 0 else (code_at if code_at >= 0 else 0)
        if split:
            parts = {k: _code_text(own[c.col]) for k, c in split.items()}
            cls, kuan, xiang = (parts.get(f"code.{p}", "") for p in ("class", "kuan", "xiang"))
            label_c = min(c.col for c in split.values())
            if cls and not _DIGITS.match(cls):
                name = name or textnorm.display(cls)
                cls = ""
            if cls:
                last_class, last_kuan = cls, ""
            if kuan:
                last_kuan = kuan
            if xiang:
                code = (cls or last_class) + (kuan or last_kuan) + xiang
            elif kuan:
                code = (cls or last_class) + kuan
            else:
                code = cls
        elif code_at >= 0:
            code, name = _code_and_name(_code_text(own[code_at]), name)
            label_c = code_at
        label = name or code
        if not code and textnorm.key(textnorm.strip_enumeration(name)) in _TOTAL_KEYS:
            values = amounts.amounts(i) if amounts is not None else _amounts(ctx, r, cols, name)
            row = Row("total", name, r, a1(r, label_c), values=values)
            _add_row(ctx, sec, row, seen)
            continue
        if not code:
            values = amounts.amounts(i) if amounts is not None else _amounts(ctx, r, cols, label)
            if any(a.value is not None for a in values.values()) or name:
                ctx.add(
                    "ST108",
                    f"{ctx.title} 第 {r + 1} 行「{label}」没有科目编码，无法归入类/款/项",
                    f"{ctx.spec.key} row {r + 1} ('{label}') has no classification code",
                    r,
                    label_c,
                    row=label,
                    place=f"nocode|{textnorm.key(label)}",
                )
            continue
        # code format, dictionary and name: the schema layer (validators/schemas.py)
        # a mistyped code (CD101) keeps its place in the tree by its length, so the sums of its
        # 款 and 类 still count its amounts instead of reporting them missing
        level = CodeBook.level(code) or CodeBook.level("0" * len(code))
        label = f"{code} {name}" if name else code
        if level == "类" and code not in classes:
            _class_unknown(ctx, label, r, label_c, code, by_label=False)
        row = Row(
            code,
            label,
            r,
            f"{col_letter(label_c)}{r + 1}",
            code,
            level,
            None,
            amounts.amounts(i) if amounts is not None else _amounts(ctx, r, cols, label),
        )
        _add_row(ctx, sec, row, seen)
    return sec


@functools.lru_cache(maxsize=16384)  # the same code and name cells print in up to five tables
def _code_and_name(text: str, name: str) -> tuple[str, str]:
    """What a code cell says, with the name beside it: (code, name). "2010301" is a code;
    "2010301 行政运行" a code and its name (the name column, when printed, wins); "20103O1" a
    mistyped code (CD101 says what is wrong); anything else — 合计 in the code column — a
    name with no code."""
    if not text or _DIGITS.match(text):
        return text, name
    folded = unicodedata.normalize("NFKC", text)
    if m := _CODE_AND_NAME.match(folded):
        return m.group(1).replace(" ", ""), name or textnorm.display(m.group(2))
    if _MISTYPED_CODE.match(folded):
        return folded, name
    return "", name or textnorm.display(text)


def _plain_coded_rows(
    ctx: RowContext,
    rows: list[int],
    owns: list[tuple[CellValue, ...]],
    amounts: AmountColumns,
    code_at: int,
    name_at: int,
) -> list[Row] | None:
    """The rows of a coded table that holds nothing unusual, built column by column; None when
    some row needs the row-by-row path (read_coded's loop) and its findings: a code with other
    characters or none (other than the 合计 row), a repeated code, a 类 the edition does not
    list. What this builds is what that loop builds for the same rows (a test compares them on
    every sample); it saves the loop's ~2.5 µs per row (~1 ms on the typical workbook)."""
    codes = list(map(_code_text, map(itemgetter(code_at), owns)))
    names = list(map(_text, map(itemgetter(name_at), owns))) if name_at >= 0 else [""] * len(rows)
    # an all-digit code reads as itself; the few other cells (合计, a code with its name) are
    # read as read_coded reads them
    for i in [i for i, code in enumerate(codes) if not code.isdecimal()]:
        codes[i], names[i] = _code_and_name(codes[i], names[i])
    if not all(map(str.isdecimal, filter(None, codes))):
        return None  # a mistyped code: CD101
    totals = [i for i, code in enumerate(codes) if not code]
    if any(textnorm.key(textnorm.strip_enumeration(names[i])) not in _TOTAL_KEYS for i in totals):
        return None  # a row without a code that is not the 合计 row: ST108
    if len(totals) > 1 or len(set(codes)) != len(codes):
        return None  # a repeated row: ST109
    # every code is all digits or "" here: CodeBook.level by the length alone (0 → None)
    levels = list(map(LEVEL_BY_DIGITS.get, map(len, codes)))
    if not frozenset(ctx.edition.function_classes).issuperset(
        compress(codes, map(eq, levels, repeat("类")))
    ):
        return None  # CD104
    cells = list(map(col_letter(code_at).__add__, amounts.numbers))
    labels = [f"{code} {name}" if name else code for code, name in zip(codes, names, strict=True)]
    out = list(
        map(
            Row,
            codes,
            labels,
            rows,
            cells,
            codes,
            levels,
            repeat(None),
            repeat(None),
            repeat(amounts),
            range(len(rows)),
        )
    )
    for i in totals:
        out[i] = Row("total", names[i], rows[i], cells[i], columns=amounts, at=i)
    return out


def _add_row(ctx: RowContext, sec: Section, row: Row, seen: dict[str, int]) -> None:
    if row.key in seen:
        ctx.add(
            "ST109",
            f"{ctx.title} 第 {row.sheet_row + 1} 行「{row.label}」与第 {seen[row.key] + 1} 行重复",
            f"{ctx.spec.key} row {row.sheet_row + 1} ('{row.label}') repeats row "
            f"{seen[row.key] + 1}",
            row.sheet_row,
            0,
            row=row.label,
            place=f"dup|{row.key}",
        )
        return
    seen[row.key] = row.sheet_row
    sec.rows.append(row)


# --- two-sided tables (T1 T4) -----------------------------------------------------------------


@dataclass
class _FixedMatcher:
    rows: tuple[RowSpec, ...]
    keys: list[frozenset[str]]
    used: set[str] = field(default_factory=set)
    last: int = -1

    @classmethod
    def of(cls, section: SectionSpec) -> _FixedMatcher:
        return cls(section.rows, [r.keys() for r in section.rows])

    def match(self, label: str) -> RowSpec | None:
        wanted = set(textnorm.label_keys(label))
        hits = [i for i, k in enumerate(self.keys) if k & wanted]
        if not hits:
            return None
        # Sub-rows repeat labels of the income items ("一般公共预算财政拨款" under 年初结转):
        # prefer the first unused match after the last matched row.
        order = [i for i in hits if i > self.last and self.rows[i].key not in self.used]
        order += [i for i in hits if self.rows[i].key not in self.used]
        i = (order or hits)[0]
        self.last = max(self.last, i)
        self.used.add(self.rows[i].key)
        return self.rows[i]


def _strip_code(label: str) -> tuple[str, str]:
    m = re.match(r"^\s*(\d{3})\s*(.+)$", unicodedata.normalize("NFKC", label))
    return (m.group(1), m.group(2)) if m else ("", label)


def read_fixed(ctx: RowContext, section: SectionSpec, rows: list[int]) -> Section:
    cols = ctx.header.by_section(section.key)
    label_col = next((c for c in cols if c.role == "label"), None)
    sec = Section(section, _columns(ctx, cols))
    if label_col is None:
        return sec
    matcher = _FixedMatcher.of(section)
    book = ctx.edition.function_codes
    classes = set(ctx.edition.function_classes)
    seen: dict[str, int] = {}
    past_classes = False
    amounts = _amount_rows(ctx, rows, cols)
    for i, r in enumerate(rows):
        raw = ctx.grid.value(r, label_col.col)
        label = _text(raw)
        # a row read from the columns makes its Amounts when asked (Row.values)
        values = None if amounts is not None else _amounts(ctx, r, cols, label or f"第 {r + 1} 行")
        columns, at = (amounts, i) if values is None else (None, -1)
        if not label:
            if values is None and all(v[i] is None for v in cast(AmountColumns, amounts).values):
                continue  # a blank row: no Amounts made to tell
            own = values if values is not None else cast(AmountColumns, amounts).amounts(i)
            printed = [a for a in own.values() if a.value is not None]
            if printed:
                shown = "、".join(f"{a.cell} {a.value}" for a in printed)
                ctx.add(
                    "ST108",
                    f"{ctx.title}（{section.name}）第 {r + 1} 行有金额（{shown}）但没有项目名称，"
                    f"未计入任何核对；请补上项目名称，或删除这些金额",
                    f"{ctx.spec.key} ({section.key}) row {r + 1} has amounts ({shown}) but no "
                    f"label, so no check counts them; add the label or clear the amounts",
                    r,
                    label_col.col,
                    place=f"nolabel|{section.key}|{r}",
                )
            continue
        spec_row = matcher.match(label)
        code, bare = _strip_code(label)
        if spec_row is not None:
            past_classes = past_classes or not spec_row.key.startswith("class")
            row = Row(
                spec_row.key, label, r, a1(r, label_col.col), values=values, columns=columns, at=at
            )
        elif section.class_rows and not past_classes:
            found = code if code in classes else book.class_by_name(bare)
            if found and found in classes:
                key = found
            elif found or textnorm.key(bare).endswith("支出"):
                key = f"class:{textnorm.strip_enumeration(bare)}"
                _class_unknown(ctx, label, r, label_col.col, textnorm.key(bare), by_label=True)
            else:
                _unknown_row(ctx, section, label, r, label_col.col)
                continue
            row = Row(
                key,
                label,
                r,
                a1(r, label_col.col),
                code=found,
                level="类",
                values=values,
                columns=columns,
                at=at,
            )
        else:
            _unknown_row(ctx, section, label, r, label_col.col)
            continue
        _add_row(ctx, sec, row, seen)
    sec.keep_columns(amounts)
    _missing_rows(ctx, section, sec)
    return sec


def _unknown_row(ctx: RowContext, section: SectionSpec, label: str, r: int, c: int) -> None:
    ctx.add(
        "ST108",
        f"{ctx.title}（{section.name}）{a1(r, c)}「{label}」不是本表的项目",
        f"{ctx.spec.key} ({section.key}) {a1(r, c)}: '{label}' is not a row of this table",
        r,
        c,
        row=label,
        place=f"unknown|{section.key}|{textnorm.key(label)}",
    )


def _missing_rows(ctx: RowContext, spec: SectionSpec, sec: Section) -> None:
    have = {row.key for row in sec.rows}
    for row_spec in spec.rows:
        if row_spec.optional or row_spec.key in have:
            continue
        r = ctx.header.first_row
        ctx.add(
            "ST107",
            f"{ctx.title}（{spec.name}）缺少「{row_spec.label}」行",
            f"{ctx.spec.key} ({spec.key}) lacks the row '{row_spec.label}'",
            r,
            0,
            row=row_spec.label,
            place=f"missing|{spec.key}|{row_spec.key}",
        )


# --- T6 panels ------------------------------------------------------------------------------------


def read_panels(ctx: RowContext, section: SectionSpec) -> Section:
    cols = ctx.header.by_section(section.key)
    sec = Section(section, _columns(ctx, cols))
    panels: dict[int, dict[str, MappedColumn]] = {}
    for c in cols:
        panels.setdefault(c.panel, {})[c.key] = c
    footer_keys = {p.key: p.footer_keys() for p in ctx.spec.panels}
    # most rows are coded rows: one disjointness test tells them from the footers
    any_footer = frozenset().union(*footer_keys.values())
    seen: dict[str, int] = {}
    for r in data_rows(ctx):
        own = ctx.grid.row_values(r)
        for group in panels.values():
            code_c, name_c, amount_c = group.get("code"), group.get("name"), group.get("amount")
            code_text = _code_text(own[code_c.col]) if code_c else ""
            name = _text(own[name_c.col]) if name_c else ""
            label = name or (code_text if not _DIGITS.match(code_text) else "")
            wanted = textnorm.label_keys(label)
            footer = (
                None
                if any_footer.isdisjoint(wanted)
                else next((k for k, keys in footer_keys.items() if not keys.isdisjoint(wanted)))
            )
            if footer is not None:
                amount = _footer_amount(ctx, r, amount_c, cols, label)
                start = code_c or name_c or amount_c
                cell = a1(r, start.col) if start else None
                _add_row(
                    ctx,
                    sec,
                    Row(
                        f"{footer}.total",
                        label,
                        r,
                        cell,
                        panel=footer,
                        values={"amount": amount} if amount else {},
                    ),
                    seen,
                )
                continue
            code = code_text if _DIGITS.match(code_text) else ""
            if not code:
                if label and amount_c and parse(ctx.grid.value(r, amount_c.col)).value:
                    _unknown_row(ctx, section, label, r, name_c.col if name_c else 0)
                continue
            level = CodeBook.level(code) if len(code) in (3, 5) else None
            at = code_c.col if code_c else 0
            panel = next((p.key for p in ctx.spec.panels if code[:3] in p.classes), None)
            values = {}
            label = f"{code} {name}".strip()
            if amount_c is not None:
                values["amount"] = _read_amount(ctx, r, amount_c, label)
            _add_row(
                ctx,
                sec,
                Row(
                    code,
                    label,
                    r,
                    a1(r, at),
                    code=code,
                    level=level,
                    panel=panel,
                    values=values,
                ),
                seen,
            )
    return sec


def _footer_amount(
    ctx: RowContext, r: int, own: MappedColumn | None, cols: list[MappedColumn], label: str
) -> Amount | None:
    """A footer's amount sits in its panel's amount column, or — when the label is merged across
    panels — in the next amount column to the right that holds a value."""
    candidates = [c for c in cols if c.role == "amount" and (own is None or c.col >= own.col)]
    for c in candidates:
        if ctx.grid.value(r, c.col) is not None:
            return _read_amount(ctx, r, c, label)
    return _read_amount(ctx, r, own, label) if own is not None else None


# --- T7 single row --------------------------------------------------------------------------------


def read_single(ctx: RowContext, section: SectionSpec) -> Section:
    cols = ctx.header.by_section(section.key)
    sec = Section(section, _columns(ctx, cols))
    for r in data_rows(ctx):
        values = _amounts(ctx, r, cols, section.name)
        if any(a.value is not None or a.unknown for a in values.values()) or not sec.rows:
            label = next(
                (
                    _text(ctx.grid.value(r, c))
                    for c in range(ctx.grid.width)
                    if isinstance(ctx.grid.value(r, c), str)
                ),
                "",
            )
            if sec.rows:
                if any(a.value is not None for a in values.values()):
                    _unknown_row(ctx, section, label or f"第 {r + 1} 行", r, 0)
                continue
            sec.rows.append(Row("main", label or section.name, r, None, values=values))
    if not sec.rows and ctx.header.last_row + 1 < ctx.stop:
        # an empty template: the one data row is blank, but its cells are still the table's
        r = ctx.header.last_row + 1
        sec.rows.append(Row("main", section.name, r, None, values=_amounts(ctx, r, cols, "")))
    return sec
