"""Stable codes, names and severities of every rule.

Families: IN input (the file cannot be used), ST structure (a table or its layout cannot be
mapped), CD codes (功能分类/经济分类 codes), VA values (single amounts), SM sums within a
table, XT identities across tables, TX the explanation text (情况说明; juesuan/text/codes.py,
which also holds XT215). Codes are never reused. SM199 is no catalogue identity: it
is the finding that stands for several checks one wrong cell breaks (validators/rootcause.py). The SM and XT codes live in the
identity catalogues (`juesuan/validators/catalogue/within.toml`, `cross.toml`) and are added to RULES from there at import;
VA103/VA104 and CD101–CD103 are checked by the schema layer (`juesuan/validators/schemas.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from juesuan.findings import Finding, Related, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    summary_en: str


_E, _W, _N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("IN101", "not-a-workbook", _E, "文件不是电子表格", "the file is not a spreadsheet"),
        Rule("IN102", "corrupt-file", _E, "文件已损坏或不完整", "the file is damaged or truncated"),
        Rule("IN103", "encrypted", _E, "工作簿设有打开密码", "the workbook is encrypted"),
        Rule(
            "IN104",
            "too-large",
            _E,
            "文件或解压后内容超出限制",
            "the file or its unpacked size is over the limit",
        ),
        Rule(
            "IN105",
            "unsafe-xml",
            _E,
            "文件含不安全的 XML 声明",
            "the file holds unsafe XML declarations",
        ),
        Rule("IN106", "empty-workbook", _E, "工作簿没有任何内容", "the workbook holds no data"),
        Rule("IN107", "no-tables", _E, "未找到任何决算公开表", "none of the nine tables was found"),
        Rule(
            "IN108",
            "not-found",
            _E,
            "文件不存在或无法打开",
            "the file does not exist or cannot be opened",
        ),
        Rule(
            "IN109",
            "sheet-too-large",
            _E,
            "工作表声明的行列数超出限制",
            "a sheet declares more rows or cells than allowed",
        ),
        Rule(
            "IN110",
            "timeout",
            _E,
            "文件处理超时（批量校验）",
            "processing the file took longer than the time limit (intake)",
        ),
        Rule(
            "IN111",
            "processing-failed",
            _E,
            "处理文件的进程异常退出（批量校验）",
            "the process checking the file died (intake)",
        ),
        Rule("ST101", "table-missing", _E, "缺少法定公开表", "a statutory table is missing"),
        Rule("ST102", "table-duplicate", _W, "同一张表出现多次", "a table appears more than once"),
        Rule(
            "ST103", "unit-missing", _W, "表中未写明金额单位", "the table states no currency unit"
        ),
        Rule(
            "ST104",
            "unit-inconsistent",
            _W,
            "各表金额单位不一致",
            "tables use different currency units",
        ),
        Rule(
            "ST105",
            "header-unrecognised",
            _E,
            "表头无法识别，本表无法读取",
            "the header cannot be read; the table is unusable",
        ),
        Rule(
            "ST106",
            "column-unknown",
            _W,
            "表头中有无法识别的列",
            "a column header is not recognised",
        ),
        Rule("ST107", "row-missing", _W, "缺少固定行项目", "a fixed row item is missing"),
        Rule("ST108", "row-unknown", _W, "无法识别的行项目", "a row label is not recognised"),
        Rule(
            "ST109", "row-duplicate", _W, "同一行项目出现多次", "a row item appears more than once"
        ),
        Rule(
            "ST111",
            "column-missing",
            _W,
            "缺少金额列，涉及该列的核对将跳过",
            "an amount column is missing; checks on it are skipped",
        ),
        Rule(
            "ST112",
            "unit-magnitude",
            _E,
            "一张表的金额与其他各表相差一万倍：金额单位标错或金额按错误单位填写",
            "a table's amounts are 10,000 times off the other tables: unit line or amounts wrong",
        ),
        Rule(
            "ST110",
            "formula-without-value",
            _E,
            "公式没有保存计算结果",
            "formulas were saved without their values",
        ),
        Rule(
            "CD101",
            "code-malformed",
            _E,
            "科目编码格式不正确",
            "a classification code is malformed",
        ),
        Rule(
            "CD102",
            "code-unknown",
            _W,
            "科目编码不在本年度科目表中",
            "a classification code is not in this edition's list",
        ),
        Rule(
            "CD103",
            "code-name-mismatch",
            _W,
            "科目名称与编码不符",
            "the name does not match the code",
        ),
        Rule(
            "CD104",
            "class-unknown",
            _W,
            "支出功能分类“类”不在本年度科目表中",
            "an expenditure class is not in this edition's list",
        ),
        Rule(
            "SM199",
            "likely-wrong-cell",
            _E,
            "一个单元格使多项核对相差同一数额，很可能是它填错了",
            "one cell makes several checks differ by the same amount: it is probably wrong",
        ),
        Rule("VA101", "amount-unparseable", _E, "金额无法识别为数字", "an amount is not a number"),
        Rule("VA102", "amount-as-text", _W, "金额以文本形式存储", "an amount is stored as text"),
        Rule(
            "VA103",
            "negative-amount",
            _W,
            "金额为负数（结余分配除外）",
            "an amount is negative (结余分配 excepted)",
        ),
        Rule(
            "VA104",
            "precision-beyond-unit",
            _W,
            "金额的小数位数多于金额单位应显示的 2 位",
            "an amount shows more than the unit's 2 decimals",
        ),
    )
}


def _catalogue_rules() -> None:
    """Codes of the identity catalogue (validators/catalogue/*.toml): the TOML is their only
    list, so a rule added there is known here without a second entry."""
    from juesuan.validators.catalogue import CATALOGUES, metadata

    for catalogue in CATALOGUES:
        for code, name, severity, summary, summary_en in metadata(catalogue):
            if code in RULES:
                raise ValueError(f"rule code {code} is defined twice")
            RULES[code] = Rule(code, name, Severity(severity), summary, summary_en)


_catalogue_rules()


def _text_rules() -> None:
    """The TX family and XT215, emitted by the explanation-text checker (juesuan.text)."""
    from juesuan.text.codes import TEXT_RULES

    for code, name, severity, summary, summary_en in TEXT_RULES:
        if code in RULES:
            raise ValueError(f"rule code {code} is defined twice")
        RULES[code] = Rule(code, name, Severity(severity), summary, summary_en)


_text_rules()
# the codes juesuan ships; a bureau's rules (--rules) are added to RULES at run time
BUILTIN: frozenset[str] = frozenset(RULES)


def rule(code: str) -> Rule:
    return RULES[code]


def finding(code: str, message: str, message_en: str, **fields: Any) -> Finding:
    """A finding of a registered rule; the name and severity come from the catalogue."""
    r = RULES[code]
    severity = fields.pop("severity", r.severity)
    related = tuple(fields.pop("related", ()))
    for item in related:
        assert isinstance(item, Related)
    for amount in ("expected", "actual", "difference", "tolerance"):
        value = fields.get(amount)
        assert value is None or isinstance(value, Decimal)
    return Finding(
        code=code,
        name=r.name,
        severity=severity,
        message=message,
        message_en=message_en,
        related=related,
        **fields,
    )
