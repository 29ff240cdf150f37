"""Realistic, consistent workbooks for the benchmark, written by juesuan's own template writer.

    fill = generate(edition, rows=150, seed=1)      # WorkbookFill: every identity holds
    write(path, rows=150, seed=1)                   # the nine tables as an .xlsx

The coded tables (T2 T3 T5 T8 T9) print about `rows` rows each, all with the same 功能分类 codes:
real 类/款/项 of function_codes.toml first, then codes the dictionary does not list, under 款
that it does not claim to list completely (a real unit's workbook has many such codes and they
are accepted silently). T1/T4 print one row per 类 used, T6 every 款 the economic code book
lists (its size is bounded by the classification, not by `rows`), T7 its one row.

Amounts are exact cents drawn from a seeded random generator and then summed upwards, so that
every identity within and across tables holds exactly (the clean workbook has no findings and
no skipped checks): the validation does all of its work, none of it short-circuited.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from juesuan.io.template_writer import CellKey, CodedRow, TableFill, WorkbookFill, write_workbook
from juesuan.spec import CodeBook, Edition, load_edition

UNIT_NAME = "基准测试市某某局"
YEAR = 2023
CENT = Decimal("0.01")


# --- the codes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """A 项 with its 款 and 类, and the names to print (None: the code book's)."""

    code: str
    name: str | None
    parent_name: str | None


def _children(book: CodeBook, parent: str, width: int) -> Iterator[tuple[str, str | None]]:
    """Real children of `parent` in code order, then (unless the dictionary lists them all)
    codes it does not list, named after their parent."""
    length = len(parent) + width
    real = sorted(c for c in book.names if len(c) == length and c.startswith(parent))
    yield from ((c, None) for c in real)
    if parent in book.complete:
        return
    parent_name = book.name(parent) or parent
    for n in range(1, 99):
        code = f"{parent}{n:02d}"
        if code not in book.names:
            yield code, f"{parent_name}专项{n:02d}"


def choose_codes(edition: Edition, rows: int) -> list[tuple[str, str | None]]:
    """About `rows` coded rows (类, then its 款 each followed by its 项) in print order."""
    book = edition.function_codes
    classes = [c for c in edition.function_classes if c not in edition.central_only_classes]
    n_classes = min(len(classes), max(1, rows // 15))
    budget = rows / n_classes - 1  # rows under each 类
    per_class = max(1, round(math.sqrt(budget) / 2))  # 款 per 类
    per_item = max(1, round(budget / per_class) - 1)  # 项 per 款
    out: list[tuple[str, str | None]] = []
    for cls in classes[:n_classes]:
        out.append((cls, None))
        items = _children(book, cls, 2)
        for _ in range(per_class):
            item, item_name = next(items)
            leaves = list(_take(_children(book, item, 2), per_item))
            if not leaves:
                continue
            out.append((item, item_name))
            out.extend(leaves)
    return out


def _take(it: Iterator[tuple[str, str | None]], n: int) -> Iterator[tuple[str, str | None]]:
    for _, value in zip(range(n), it, strict=False):
        yield value


# --- amounts -----------------------------------------------------------------------------------


def _money(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


@dataclass
class _Coded:
    """One coded table: amounts per leaf, summed to 款, 类 and 合计 on request."""

    columns: tuple[str, ...]
    leaves: dict[str, dict[str, int]] = field(default_factory=dict)

    def rollup(self, codes: list[str]) -> dict[str, dict[str, int]]:
        """Every printed row (leaves, their parents, 'total') → column → cents."""
        sums: dict[str, dict[str, int]] = {c: dict.fromkeys(self.columns, 0) for c in codes}
        sums["total"] = dict.fromkeys(self.columns, 0)
        for leaf, amounts in self.leaves.items():
            for target in (leaf[:5], leaf[:3], "total"):
                for col, cents in amounts.items():
                    sums[target][col] += cents
            for col, cents in amounts.items():
                sums[leaf][col] = cents
        return sums

    def total(self, col: str) -> int:
        return sum(a[col] for a in self.leaves.values())

    def class_total(self, cls: str, col: str) -> int:
        return sum(a[col] for leaf, a in self.leaves.items() if leaf.startswith(cls))


def _maybe(rng: random.Random, high: int, p_zero: float) -> int:
    return 0 if rng.random() < p_zero else rng.randint(1, high)


def _coded_fill(
    table: _Coded, codes: list[tuple[str, str | None]], keep_zero_leaves: bool = False
) -> TableFill:
    """Leaf amounts blank when zero (as units print them), parents and 合计 always printed."""
    sums = table.rollup([c for c, _ in codes])
    values: dict[CellKey, Decimal] = {}
    for row, amounts in sums.items():
        leaf = len(row) == 7
        for col, cents in amounts.items():
            if cents or not leaf or keep_zero_leaves:
                values[("main", row, col)] = _money(cents)
    return TableFill(values=values, rows=tuple(CodedRow(c, n) for c, n in codes))


def _split(rng: random.Random, cents: int, keys: list[str]) -> dict[str, int]:
    """`cents` over `keys` by random weights, exactly (the rounding remainder to the first)."""
    weights = [rng.random() for _ in keys]
    scale = sum(weights)
    parts = [int(cents * w / scale) for w in weights]
    parts[0] += cents - sum(parts)
    return dict(zip(keys, parts, strict=True))


def generate(edition: Edition, rows: int, seed: int = 1) -> WorkbookFill:
    rng = random.Random(seed)
    codes = choose_codes(edition, rows)
    leaves = [c for c, _ in codes if len(c) == 7]
    classes = [c for c, _ in codes if len(c) == 3]

    t5 = _Coded(("total", "basic", "project"))
    fund_cols = ("carry_in", "income", "exp_total", "exp_basic", "exp_project", "carry_out")
    t8, t9 = _Coded(fund_cols), _Coded(fund_cols)
    t3 = _Coded(("total", "basic", "project", "to_superior", "operating", "to_affiliated"))
    t2 = _Coded(("total", "fiscal", "superior", "business", "operating", "affiliated", "other"))
    for leaf in leaves:
        basic, project = _maybe(rng, 300_000, 0.3), _maybe(rng, 200_000, 0.4)
        t5.leaves[leaf] = {"total": basic + project, "basic": basic, "project": project}
        for fund, scale in ((t8, 50_000), (t9, 10_000)):
            carry_in, income = _maybe(rng, scale, 0.5), _maybe(rng, scale, 0.3)
            exp_basic = rng.randint(0, (carry_in + income) // 2)
            exp_project = rng.randint(0, carry_in + income - exp_basic)
            spent = exp_basic + exp_project
            fund.leaves[leaf] = {
                "carry_in": carry_in,
                "income": income,
                "exp_total": spent,
                "exp_basic": exp_basic,
                "exp_project": exp_project,
                "carry_out": carry_in + income - spent,
            }
        nature = {
            "basic": basic
            + t8.leaves[leaf]["exp_basic"]
            + t9.leaves[leaf]["exp_basic"]
            + _maybe(rng, 20_000, 0.7),
            "project": project
            + t8.leaves[leaf]["exp_project"]
            + t9.leaves[leaf]["exp_project"]
            + _maybe(rng, 20_000, 0.7),
            "to_superior": _maybe(rng, 5_000, 0.95),
            "operating": _maybe(rng, 5_000, 0.95),
            "to_affiliated": _maybe(rng, 5_000, 0.95),
        }
        t3.leaves[leaf] = {"total": sum(nature.values()), **nature}
        sources = {
            "fiscal": t5.leaves[leaf]["total"]
            + t8.leaves[leaf]["income"]
            + t9.leaves[leaf]["income"],
            "superior": _maybe(rng, 10_000, 0.9),
            "business": _maybe(rng, 30_000, 0.8),
            "operating": _maybe(rng, 5_000, 0.95),
            "affiliated": _maybe(rng, 5_000, 0.95),
            "other": _maybe(rng, 10_000, 0.8),
        }
        t2.leaves[leaf] = {"total": sum(sources.values()), **sources}

    tables = {
        "T2": _coded_fill(t2, codes),
        "T3": _coded_fill(t3, codes),
        "T5": _coded_fill(t5, codes),
        "T8": _coded_fill(t8, codes),
        "T9": _coded_fill(t9, codes),
    }
    tables["T4"], gpb_carry_in = _t4(rng, classes, t5, t8, t9)
    tables["T1"] = _t1(rng, classes, t2, t3, t8, t9, gpb_carry_in)
    tables["T6"], economic = _t6(rng, edition, t5.total("basic"))
    tables["T7"] = _t7(rng, economic)
    return WorkbookFill(tables=tables)


def _t4(
    rng: random.Random, classes: list[str], t5: _Coded, t8: _Coded, t9: _Coded
) -> tuple[TableFill, int]:
    """T4: the three appropriations. Its 一般公共预算 income equals T5's spending, so what is
    carried in is carried out."""
    gpb_in = rng.randint(0, 500_000)
    funds = {"gpb": t5, "gov_fund": t8, "soe": t9}
    spent = {"gpb": "total", "gov_fund": "exp_total", "soe": "exp_total"}
    income = {"gpb": t5.total("total"), "gov_fund": t8.total("income"), "soe": t9.total("income")}
    carry_in = {"gpb": gpb_in, "gov_fund": t8.total("carry_in"), "soe": t9.total("carry_in")}
    carry_out = {"gpb": gpb_in, "gov_fund": t8.total("carry_out"), "soe": t9.total("carry_out")}
    values: dict[CellKey, int] = {}
    for fund in funds:
        values[("income", fund, "amount")] = income[fund]
        values[("income", f"carry_in.{fund}", "amount")] = carry_in[fund]
    values[("income", "income_total", "amount")] = sum(income.values())
    values[("income", "carry_in", "amount")] = sum(carry_in.values())
    values[("income", "grand_total", "amount")] = sum(income.values()) + sum(carry_in.values())
    for cls in classes:
        row = {f: funds[f].class_total(cls, spent[f]) for f in funds}
        values.update({("expenditure", cls, f): v for f, v in row.items()})
        values[("expenditure", cls, "total")] = sum(row.values())
    for fund in funds:
        total = funds[fund].total(spent[fund])
        values[("expenditure", "expenditure_total", fund)] = total
        values[("expenditure", "carry_out", fund)] = carry_out[fund]
        values[("expenditure", f"carry_out.{fund}", fund)] = carry_out[fund]
        values[("expenditure", f"carry_out.{fund}", "total")] = carry_out[fund]
        values[("expenditure", "grand_total", fund)] = total + carry_out[fund]
    for line in ("expenditure_total", "carry_out", "grand_total"):
        values[("expenditure", line, "total")] = sum(
            values[("expenditure", line, f)] for f in funds
        )
    return TableFill(values={k: _money(v) for k, v in values.items()}), gpb_in


def _t1(
    rng: random.Random,
    classes: list[str],
    t2: _Coded,
    t3: _Coded,
    t8: _Coded,
    t9: _Coded,
    gpb_carry_in: int,
) -> TableFill:
    """T1: all funds. Its 年初结转 covers the appropriations' and the non-fiscal spending, so
    年末结转 is never below T4's."""
    income = {
        "gpb": t2.total("fiscal") - t8.total("income") - t9.total("income"),
        "gov_fund": t8.total("income"),
        "soe": t9.total("income"),
        **{k: t2.total(k) for k in ("superior", "business", "operating", "affiliated", "other")},
    }
    income_total = sum(income.values())
    appropriations_in = gpb_carry_in + t8.total("carry_in") + t9.total("carry_in")
    carry_in = appropriations_in + t3.total("total") + rng.randint(0, 100_000)
    spent = t3.total("total")
    grand = income_total + carry_in
    values: dict[CellKey, int] = {("income", k, "amount"): v for k, v in income.items()}
    values.update(
        {
            ("income", "income_total", "amount"): income_total,
            ("income", "non_fiscal_balance_used", "amount"): 0,
            ("income", "carry_in", "amount"): carry_in,
            ("income", "grand_total", "amount"): grand,
            ("expenditure", "expenditure_total", "amount"): spent,
            ("expenditure", "surplus_distribution", "amount"): 0,
            ("expenditure", "carry_out", "amount"): grand - spent,
            ("expenditure", "grand_total", "amount"): grand,
        }
    )
    for cls in classes:
        values[("expenditure", cls, "amount")] = t3.class_total(cls, "total")
    return TableFill(values={k: _money(v) for k, v in values.items()})


def _t6(rng: random.Random, edition: Edition, basic: int) -> tuple[TableFill, dict[str, int]]:
    """T6: T5's 基本支出 over every listed 款 (a few left blank), summed to 类 and footers."""
    book = edition.economic_codes
    spec = edition.table("T6")
    items = sorted(c for c in book.names if len(c) == 5 and c[:3] in {"301", "302", "303", "310"})
    used = [c for c in items if rng.random() < 0.8]
    amounts = _split(rng, basic, used)
    values: dict[CellKey, int] = {("main", c, "amount"): v for c, v in amounts.items()}
    for panel in spec.panels:
        footer = 0
        for cls in panel.classes:
            if not any(c.startswith(cls) for c in items):
                continue
            class_total = sum(v for c, v in amounts.items() if c.startswith(cls))
            values[("main", cls, "amount")] = class_total
            footer += class_total
        values[("main", f"{panel.key}.total", "amount")] = footer
    return TableFill(values={k: _money(v) for k, v in values.items()}), amounts


def _t7(rng: random.Random, economic: dict[str, int]) -> TableFill:
    """三公: 决算数 at least T6's basic-spending part of each item (the rest is project money)."""
    final = {
        "abroad": economic.get("30212", 0) + rng.randint(0, 50_000),
        "vehicle_purchase": economic.get("31013", 0) + rng.randint(0, 50_000),
        "vehicle_operation": economic.get("30231", 0) + rng.randint(0, 50_000),
        "reception": economic.get("30217", 0) + rng.randint(0, 20_000),
    }
    values: dict[CellKey, int] = {}
    for block, items in (
        ("final", final),
        ("budget", {k: v + rng.randint(0, 30_000) for k, v in final.items()}),
    ):
        vehicle = items["vehicle_purchase"] + items["vehicle_operation"]
        row = {**items, "vehicle": vehicle}
        row["total"] = row["abroad"] + vehicle + row["reception"]
        values.update({("main", "main", f"{block}.{k}"): v for k, v in row.items()})
    return TableFill(values={k: _money(v) for k, v in values.items()})


def write(path: Path, rows: int, seed: int = 1, unit_name: str = UNIT_NAME) -> Path:
    edition = load_edition(YEAR)
    fill = generate(edition, rows, seed)
    write_workbook(path, edition, unit_name=unit_name, year=YEAR, fill=fill)
    return path
