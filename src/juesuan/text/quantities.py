"""The quantities an explanation text states, how their labels are worded, and the table cell
each restates (nine-tables.md §4).

A label is matched at its end (`re.search(pattern + "$")`) after quotes and spaces are removed,
so “2023年度收入总计” is 收入总计 and “其中：本年收入合计” is 本年收入合计. Narrower patterns come
first (财政拨款收入总计 before 收入总计). `kinds` limits a pattern to sections of those kinds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# (table, section, row key, column key) of the cell a quantity restates
Ref = tuple[str, str, str, str]


@dataclass(frozen=True)
class Quantity:
    key: str
    zh: str
    en: str
    pattern: str
    ref: Ref | None = None
    kinds: frozenset[str] | None = None  # section kinds where the label means this quantity
    # meanings of the same words outside `kinds`: a figure matching none of them is reported
    alternatives: tuple[str, ...] = ()


def _q(key: str, zh: str, en: str, pattern: str, ref: Ref | None = None, kinds: str = "",
       alternatives: tuple[str, ...] = ()) -> Quantity:  # fmt: skip
    return Quantity(key, zh, en, pattern, ref, frozenset(kinds.split()) or None, alternatives)


_IN, _EX = "income", "expenditure"
QUANTITIES: tuple[Quantity, ...] = (
    _q(
        "fiscal.income_grand",
        "财政拨款收入总计",
        "appropriation income grand total",
        r"财政拨款收入总计",
        ("T4", _IN, "grand_total", "amount"),
    ),
    _q(
        "fiscal.exp_grand",
        "财政拨款支出总计",
        "appropriation expenditure grand total",
        r"财政拨款支出总计",
        ("T4", _EX, "grand_total", "total"),
    ),
    _q(
        "fiscal.carry_in",
        "年初财政拨款结转和结余",
        "appropriation balance at the start",
        r"年初财政拨款结转和?结余",
        ("T4", _IN, "carry_in", "amount"),
    ),
    _q(
        "fiscal.carry_out",
        "年末财政拨款结转和结余",
        "appropriation balance at the end",
        r"年末财政拨款结转和?结余",
        ("T4", _EX, "carry_out", "total"),
    ),
    _q(
        "fiscal.income",
        "本年财政拨款收入",
        "appropriation income of the year",
        r"本年财政拨款收入",
        ("T4", _IN, "income_total", "amount"),
    ),
    _q(
        "fiscal.exp",
        "本年财政拨款支出",
        "appropriation expenditure of the year",
        r"本年财政拨款支出",
        ("T4", _EX, "expenditure_total", "total"),
    ),
    # inside 财政拨款收入支出 sections the short words mean the appropriation figures
    _q(
        "fiscal.income_grand",
        "财政拨款收入总计",
        "appropriation income grand total",
        r"收入总计",
        ("T4", _IN, "grand_total", "amount"),
        "fiscal",
    ),
    _q(
        "fiscal.exp_grand",
        "财政拨款支出总计",
        "appropriation expenditure grand total",
        r"支出总计",
        ("T4", _EX, "grand_total", "total"),
        "fiscal",
    ),
    _q(
        "fiscal.carry_in",
        "年初财政拨款结转和结余",
        "appropriation balance at the start",
        r"(年初|上年)结转和?结余",
        ("T4", _IN, "carry_in", "amount"),
        "fiscal",
    ),
    _q(
        "fiscal.carry_out",
        "年末财政拨款结转和结余",
        "appropriation balance at the end",
        r"年末结转和?结余",
        ("T4", _EX, "carry_out", "total"),
        "fiscal",
    ),
    _q(
        "fiscal.income",
        "本年财政拨款收入",
        "appropriation income of the year",
        r"本年收入(合计)?",
        ("T4", _IN, "income_total", "amount"),
        "fiscal",
    ),
    _q(
        "fiscal.exp",
        "本年财政拨款支出",
        "appropriation expenditure of the year",
        r"本年支出(合计)?",
        ("T4", _EX, "expenditure_total", "total"),
        "fiscal",
    ),
    _q(
        "income.grand_total",
        "收入总计",
        "income grand total",
        r"(收入总计|总收入)",
        ("T1", _IN, "grand_total", "amount"),
    ),
    _q(
        "exp.grand_total",
        "支出总计",
        "expenditure grand total",
        r"(支出总计|总支出)",
        ("T1", _EX, "grand_total", "amount"),
    ),
    _q(
        "income.total",
        "本年收入合计",
        "income of the year",
        r"本年收入(合计)?",
        ("T1", _IN, "income_total", "amount"),
    ),
    _q(
        "exp.total",
        "本年支出合计",
        "expenditure of the year",
        r"本年支出(合计)?",
        ("T1", _EX, "expenditure_total", "amount"),
    ),
    _q(
        "income.nfb",
        "使用非财政拨款结余",
        "non-appropriation balance used",
        r"使用非财政拨款结余",
        ("T1", _IN, "non_fiscal_balance_used", "amount"),
    ),
    _q(
        "income.carry_in",
        "年初结转和结余",
        "balance at the start",
        r"(年初|上年)结转和?结余",
        ("T1", _IN, "carry_in", "amount"),
    ),
    _q(
        "exp.surplus",
        "结余分配",
        "surplus distribution",
        r"结余分配",
        ("T1", _EX, "surplus_distribution", "amount"),
    ),
    _q(
        "exp.carry_out",
        "年末结转和结余",
        "balance at the end",
        r"年末结转和?结余",
        ("T1", _EX, "carry_out", "amount"),
    ),
    _q(
        "income.fiscal",
        "财政拨款收入",
        "appropriation income",
        r"财政拨款收入",
        ("T2", "main", "total", "fiscal"),
        "income overall",
    ),
    _q(
        "income.superior",
        "上级补助收入",
        "grants from the superior",
        r"上级补助收入",
        ("T2", "main", "total", "superior"),
    ),
    _q(
        "income.business",
        "事业收入",
        "business income",
        r"事业收入",
        ("T2", "main", "total", "business"),
    ),
    _q(
        "income.operating",
        "经营收入",
        "operating income",
        r"经营收入",
        ("T2", "main", "total", "operating"),
    ),
    _q(
        "income.affiliated",
        "附属单位上缴收入",
        "income from affiliates",
        r"附属单位上缴收入",
        ("T2", "main", "total", "affiliated"),
    ),
    _q(
        "income.other",
        "其他收入",
        "other income",
        r"其他收入",
        ("T2", "main", "total", "other"),
        "income overall",
    ),
    _q(
        "gpb.basic",
        "一般公共预算财政拨款基本支出",
        "general-budget basic expenditure",
        r"一般公共预算财政拨款基本支出",
        ("T5", "main", "total", "basic"),
    ),
    _q(
        "gpb.project",
        "一般公共预算财政拨款项目支出",
        "general-budget project expenditure",
        r"一般公共预算财政拨款项目支出",
        ("T5", "main", "total", "project"),
    ),
    _q(
        "gpb.total",
        "一般公共预算财政拨款支出",
        "general-budget expenditure",
        r"一般公共预算财政拨款支出",
        ("T5", "main", "total", "total"),
    ),
    _q(
        "gpb.personnel",
        "人员经费",
        "personnel costs",
        r"人员经费(支出)?",
        ("T6", "main", "personnel.total", "amount"),
        "basic",
    ),
    _q(
        "gpb.public",
        "公用经费",
        "public costs",
        r"公用经费(支出)?",
        ("T6", "main", "public.total", "amount"),
        "basic",
    ),
    _q(
        "gpb.basic",
        "基本支出",
        "basic expenditure",
        r"基本支出",
        ("T5", "main", "total", "basic"),
        "basic",
    ),
    _q(
        "exp.basic",
        "基本支出",
        "basic expenditure",
        r"基本支出",
        ("T3", "main", "total", "basic"),
        "expenditure",
    ),
    _q(
        "exp.basic",
        "基本支出",
        "basic expenditure",
        r"基本支出",
        ("T3", "main", "total", "basic"),
        alternatives=("exp.basic", "gpb.basic"),
    ),
    _q(
        "gpb.project",
        "项目支出",
        "project expenditure",
        r"项目支出",
        ("T5", "main", "total", "project"),
        "gpb",
    ),
    _q(
        "exp.project",
        "项目支出",
        "project expenditure",
        r"项目支出",
        ("T3", "main", "total", "project"),
        "expenditure",
    ),
    _q(
        "exp.project",
        "项目支出",
        "project expenditure",
        r"项目支出",
        ("T3", "main", "total", "project"),
        alternatives=("exp.project", "gpb.project"),
    ),
    _q(
        "exp.to_superior",
        "上缴上级支出",
        "payments to the superior",
        r"上缴上级支出",
        ("T3", "main", "total", "to_superior"),
    ),
    _q(
        "exp.to_affiliated",
        "对附属单位补助支出",
        "grants to affiliates",
        r"对附属单位补助支出",
        ("T3", "main", "total", "to_affiliated"),
    ),
    _q(
        "exp.operating",
        "经营支出",
        "operating expenditure",
        r"经营支出",
        ("T3", "main", "total", "operating"),
    ),
    _q(
        "three.total",
        "“三公”经费",
        "three public expenses",
        r"三公经费(财政拨款)?(支出)?(合计)?",
        ("T7", "main", "main", "final.total"),
    ),
    _q(
        "three.vehicle",
        "公务用车购置及运行（维护）费",
        "official vehicles",
        r"公务用车购置及运行(维护|维修)?(\(维护\))?费(支出)?",
        ("T7", "main", "main", "final.vehicle"),
    ),
    _q(
        "three.vehicle_purchase",
        "公务用车购置费",
        "vehicle purchase",
        r"公务用车购置费(支出)?",
        ("T7", "main", "main", "final.vehicle_purchase"),
    ),
    _q(
        "three.vehicle_operation",
        "公务用车运行（维护）费",
        "vehicle operation",
        r"公务用车运行(维护|维修)?(\(维护\))?费(支出)?",
        ("T7", "main", "main", "final.vehicle_operation"),
    ),
    _q(
        "three.abroad",
        "因公出国（境）费",
        "official travel abroad",
        r"因公出国\(境\)(费用?|经费)(支出)?",
        ("T7", "main", "main", "final.abroad"),
    ),
    _q(
        "three.reception",
        "公务接待费",
        "official reception",
        r"公务接待费(支出)?",
        ("T7", "main", "main", "final.reception"),
    ),
    _q("admin.cost", "机关运行经费", "administrative running costs", r"机关运行经费(支出)?"),
    _q("proc.total", "政府采购支出总额", "government procurement", r"政府采购(支出)?总额"),
    _q("proc.goods", "政府采购货物支出", "procurement of goods", r"政府采购货物(支出)?"),
    _q("proc.works", "政府采购工程支出", "procurement of works", r"政府采购工程(支出)?"),
    _q("proc.services", "政府采购服务支出", "procurement of services", r"政府采购服务(支出)?"),
    _q("proc.sme", "授予中小企业合同金额", "contracts to SMEs", r"授予中小企业合同(金额)?"),
    _q(
        "proc.small", "授予小微企业合同金额", "contracts to small firms", r"授予小微企业合同(金额)?"
    ),
    _q(
        "perf.budget",
        "绩效评价项目全年预算数",
        "budget of evaluated projects",
        r"全年预算数",
        kinds="perf",
    ),
    _q(
        "perf.exec",
        "绩效评价项目全年执行数",
        "spending of evaluated projects",
        r"全年执行数",
        kinds="perf",
    ),
)

# counts: key → (zh, en, label pattern)
COUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("three.abroad_groups", "因公出国（境）团组", "groups abroad", r"团组"),
    ("three.abroad_people", "因公出国（境）人次", "persons abroad", r"出国\(境\)(人次|人数)?"),
    ("three.reception_batches", "国内公务接待批次", "receptions", r"接待(批次|次数)?"),
    ("three.reception_people", "国内公务接待人次", "persons received", r"接待人(次|数)"),
    ("three.vehicles_bought", "公务用车购置数", "vehicles bought", r"购置数"),
    ("three.vehicles_held", "公务用车保有量", "vehicles held", r"保有量"),
    ("staff.total", "实有人数", "staff", r"实有人(数|员)"),
    ("staff.active", "在职人员", "staff in post", r"在职人员"),
    ("staff.li", "离休人员", "retired (离休)", r"离休人员"),
    ("staff.retired", "退休人员", "retired", r"退休人员"),
    ("perf.projects", "绩效评价项目数", "evaluated projects", r"绩效评价项目"),
    ("assets.vehicles", "固定资产车辆", "vehicles among fixed assets", r"车辆"),
)
COUNT_NAMES = {key: (zh, en) for key, zh, en, _ in COUNTS}

# Phrases standing for a quantity without stating it (“收入支出总体与上年相比，增加…”).
SUBJECT_PHRASES = (
    ("财政拨款收入支出总体", "fiscal.income_grand"),
    ("收入支出总体", "income.grand_total"),
    ("收支总体", "income.grand_total"),
)

# Default denominators of “占 X%” by section kind
SHARE_PARENT = {
    "income": "income.total",
    "expenditure": "exp.total",
    "gpb": "gpb.total",
    "three": "three.total",
    "procurement": "proc.total",
}


def _names() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for q in QUANTITIES:
        out.setdefault(q.key, (q.zh, q.en))
    return out


NAMES = _names()


def by_key(key: str) -> Quantity | None:
    return next((q for q in QUANTITIES if q.key == key and not q.alternatives), None)


def ref_of(key: str) -> Ref | None:
    q = by_key(key)
    if q is not None and q.ref is not None:
        return q.ref
    if key.startswith("gpb.item:"):
        return ("T5", "main", key.split(":", 1)[1], "total")
    if key.startswith("budget:three."):
        ref = ref_of(key.removeprefix("budget:"))
        return (
            None if ref is None else (ref[0], ref[1], ref[2], ref[3].replace("final.", "budget."))
        )
    return None


def name_of(key: str, lang: str = "zh") -> str:
    if key.startswith("budget:"):
        base = name_of(key.removeprefix("budget:"), lang)
        return f"{base} 预算数" if lang != "en" else f"{base} (budget)"
    if key.startswith("gpb.item:"):
        return key.split(":", 2)[2] if key.count(":") == 2 else key
    zh, en = NAMES.get(key) or COUNT_NAMES.get(key) or (key, key)
    return en if lang == "en" else zh


_PATTERNS = tuple((q, re.compile(f"(?:{q.pattern})$")) for q in QUANTITIES)


@functools.lru_cache(maxsize=4096)
def classify(label: str, kind: str) -> Quantity | None:
    """The quantity a label names in a section of `kind`, None when it names none we know."""
    for q, pattern in _PATTERNS:
        if q.kinds is not None and kind not in q.kinds:
            continue
        if pattern.search(label):
            return q
    return None
