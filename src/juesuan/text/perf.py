"""The 绩效自评表 printed inside the text (one per project): the funds row (全年预算数, 全年执行数,
分值, 执行率, 得分), the indicator rows (年度指标值, 实际完成值, 分值, 得分) and the 总分 row.

Texts copied from PDF break every cell over several lines, so rows are found by their ends: an
indicator row is the line that ends with “分值 得分” (“10 10.00”). Its name is read from the
lines above it, for messages only. What cannot be read this way is left out, and the score sum
is only checked when the weights read add up to the printed total weight, i.e. when no row was
missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.text.document import Document, Section
from juesuan.text.normal import normalise
from juesuan.text.numbers import decimal_of

_ROW_END = re.compile(r"(?:^|\s)(\d{1,3}(?:\.\d+)?)\s+(\d{1,3}\.\d{1,2})\s*分?\s*$")
_TOTAL = re.compile(r"^总分\s+(\d{1,3}(?:\.\d+)?)\s+(\d{1,3}(?:\.\d+)?)\s*分?\s*$")
_FUNDS = re.compile(r"^年度资金总额\s+(.*)$")
_TARGET = re.compile(
    r"(?:^|\s)(?P<target>(?:[<>]=?|≤|≥|=)\s*[\d.,]+\s*[^\s=<>≤≥]*)\s+(?P<actual>=?\s*[\d.,]+\s*\S*)$"
)
_HEADER = re.compile(r"年度指标值|实际完成值")
_STOP = re.compile(
    r"^(标|指标|一级指|二级指标|三级指标|(产出|效益|成本)指|满意度|"
    r"(数量|质量|时效|经济成本|社会成本|生态环境成本|成本|社会效益|经济效益|生态效益|"
    r"可持续影响|满意度|服务对象满意度|效益)指标|情况|措施|年度|绩效|完成)$"
)


@dataclass(frozen=True)
class Number:
    value: Decimal
    printed: str
    offset: int  # in the text


@dataclass
class Indicator:
    name: str
    weight: Number
    score: Number
    line: str
    offset: int
    target: str | None = None
    actual: str | None = None


@dataclass
class PerfTable:
    section: Section
    project: str = ""
    year_budget: Number | None = None
    executed: Number | None = None
    weight: Number | None = None  # of the funds row
    rate: Number | None = None
    score: Number | None = None
    funds_line: str = ""
    funds_offset: int = 0
    indicators: list[Indicator] = field(default_factory=list)
    total_weight: Number | None = None
    total_score: Number | None = None
    total_offset: int = 0


def _number(token: str, offset: int) -> Number:
    value, _ = decimal_of(token.rstrip("%"))
    return Number(value, token, offset)


def _lines(doc: Document, section: Section) -> list[tuple[int, str]]:
    out, pos = [], section.start
    for line in doc.text[section.start : section.end].splitlines(keepends=True):
        stripped = normalise(line).strip()
        if stripped:
            out.append((pos + len(line) - len(line.lstrip()), stripped))
        pos += len(line)
    return out


def printed_line(doc: Document, offset: int) -> str:
    """The line at `offset` as printed (for quoting; parsing works on the normalised line)."""
    end = doc.text.find("\n", offset)
    return doc.text[offset : end if end >= 0 else len(doc.text)].strip()


def read_tables(doc: Document) -> list[PerfTable]:
    return [_table(doc, s) for s in doc.sections if s.kind == "perf_table"]


def _table(doc: Document, section: Section) -> PerfTable:
    table = PerfTable(section)
    in_indicators = False
    name_lines: list[str] = []
    for offset, line in _lines(doc, section):
        if line.startswith("项目名称"):
            table.project = re.sub(r"\s+", "", line.removeprefix("项目名称"))
            continue
        if m := _FUNDS.match(line):
            _funds(table, m.group(1), offset, line)
            table.funds_line = printed_line(doc, offset)
            continue
        if _HEADER.search(line):
            in_indicators, name_lines = True, []
            continue
        if m := _TOTAL.match(line):
            table.total_weight = _number(m.group(1), offset)
            table.total_score = _number(m.group(2), offset)
            table.total_offset = offset
            break
        if not in_indicators:
            continue
        if m := _ROW_END.search(line):
            head = line[: m.start()].strip()
            ind = Indicator(
                "".join(name_lines[-6:]),
                _number(m.group(1), offset + m.start(1)),
                _number(m.group(2), offset + m.start(2)),
                printed_line(doc, offset),
                offset,
            )
            head = re.sub(r"\s+(?=[元万%个条件块次])", "", head)
            if t := _TARGET.search(head):
                ind.target, ind.actual = t.group("target"), t.group("actual")
                head = head[: t.start()].strip()
            if head and not ind.name:  # a table kept one row per line: the name is on it
                ind.name = head.split()[-1] if " " in head else head
            table.indicators.append(ind)
            name_lines = []
            continue
        if _STOP.match(re.sub(r"\s", "", line)) or line.endswith("。"):
            name_lines = []
            continue
        name_lines.append(re.sub(r"\s+", "", line))
    return table


def _funds(table: PerfTable, rest: str, offset: int, line: str) -> None:
    tokens = re.findall(r"[\d.,]+%?", rest)
    if len(tokens) < 5 or not tokens[-2].endswith("%"):
        return
    amounts = tokens[:-3]
    if len(amounts) not in (2, 3):
        return
    where = offset + line.find(rest)
    table.year_budget = _number(amounts[-2], where)
    table.executed = _number(amounts[-1], where)
    table.weight = _number(tokens[-3], where)
    table.rate = _number(tokens[-2], where)
    table.score = _number(tokens[-1], where)
    table.funds_line, table.funds_offset = line, offset
