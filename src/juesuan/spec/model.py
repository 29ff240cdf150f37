"""Typed view of an edition's spec. Built once from TOML by `juesuan.spec.load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from juesuan import textnorm

Layout = Literal["two_sided", "coded", "panels", "single_row"]
Role = Literal["label", "code", "name", "amount"]
CodeLevel = Literal["类", "款", "项"]

# A header alternative: token groups that must all appear in a column's header path; each group
# holds the normalised spellings of one word.
HeaderAlt = tuple[frozenset[str], ...]


def parse_header_alt(text: str) -> HeaderAlt:
    """'本年支出/合计|小计' → ({本年支出}, {合计, 小计})."""
    return tuple(
        frozenset(textnorm.key(word) for word in part.split("|")) for part in text.split("/")
    )


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    headers: tuple[HeaderAlt, ...]
    role: Role = "amount"
    optional_tokens: frozenset[str] = frozenset()

    @property
    def is_amount(self) -> bool:
        return self.role == "amount"


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    optional: bool = False

    def keys(self) -> frozenset[str]:
        out: set[str] = set()
        for text in (self.label, *self.aliases):
            out.update(textnorm.label_keys(text))
        return frozenset(out)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    name: str
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    side: frozenset[str] = frozenset()
    class_rows: bool = False

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def amount_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.is_amount)


@dataclass(frozen=True)
class PanelSpec:
    key: str
    name: str
    classes: tuple[str, ...]
    footer: str
    footer_aliases: tuple[str, ...] = ()

    def footer_keys(self) -> frozenset[str]:
        out: set[str] = set()
        for text in (self.footer, *self.footer_aliases):
            out.update(textnorm.label_keys(text))
        return frozenset(out)


@dataclass(frozen=True)
class TableSpec:
    key: str
    code: str
    title: str
    aliases: tuple[str, ...]
    layout: Layout
    note: str
    sections: tuple[SectionSpec, ...]
    optional_tokens: frozenset[str] = frozenset()
    codes: Literal["function", "economic"] | None = None
    panels: tuple[PanelSpec, ...] = ()
    optional_columns: frozenset[str] = frozenset()

    def section(self, key: str) -> SectionSpec:
        for sec in self.sections:
            if sec.key == key:
                return sec
        raise KeyError(key)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


# a code's level by its number of digits
LEVEL_BY_DIGITS: Mapping[int, CodeLevel] = {3: "类", 5: "款", 7: "项"}


@dataclass(frozen=True)
class CodeBook:
    """A code dictionary: names by code, and the parents whose children are all listed."""

    names: dict[str, str]
    complete: frozenset[str]
    kind: Literal["function", "economic"]

    @staticmethod
    def level(code: str) -> CodeLevel | None:
        return LEVEL_BY_DIGITS.get(len(code)) if code.isdigit() else None

    @staticmethod
    def parent(code: str) -> str:
        return code[:-2] if len(code) > 3 else ""

    def name(self, code: str) -> str | None:
        return self.names.get(code)

    def is_unknown(self, code: str) -> bool:
        """Unknown only where the dictionary claims to list every sibling."""
        return code not in self.names and self.parent(code) in self.complete

    def class_by_name(self, label: object) -> str | None:
        """The 类 code whose name matches a printed label (for T1/T4 rows without codes)."""
        wanted = set(textnorm.label_keys(label))
        for code, name in self.names.items():
            if len(code) == 3 and textnorm.key(name) in wanted:
                return code
        return None


@dataclass(frozen=True)
class Edition:
    year: int
    currency_unit: str
    tables: tuple[TableSpec, ...]
    function_classes: tuple[str, ...]
    central_only_classes: frozenset[str]
    function_codes: CodeBook
    economic_codes: CodeBook
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def table(self, key: str) -> TableSpec:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def codebook(self, kind: str | None) -> CodeBook:
        return self.economic_codes if kind == "economic" else self.function_codes
