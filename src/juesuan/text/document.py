"""The text split into sections by their headings (never by their numbers), and each section's
body flattened into one line whose characters map back to offsets in the text as read.

Regions number and word their headings differently (“三、支出决算情况说明”, “（三）支出决算情况”,
“三、部门支出情况”); what a section is about comes from the words of its heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juesuan.text.normal import normalise

_NUM = "一二三四五六七八九十"
_PART = re.compile(rf"^第[{_NUM}]+部分")
_LEVEL1 = re.compile(rf"^[{_NUM}]+[、.]")
_LEVEL2 = re.compile(rf"^\([{_NUM}]+\)")
_PERF_TABLE = re.compile(r"^(项目支出|部门整体支出|整体支出|项目)?绩效自评表")

# Heading words → what the section is about; the first match wins, so narrower words come first.
_KINDS = (
    ("名词解释", "glossary"),
    ("决算报表", "tables"),
    ("附表", "tables"),
    ("绩效", "perf"),
    ("三公", "three"),
    ("机关运行经费", "admin"),
    ("政府采购", "procurement"),
    ("国有资产", "assets"),
    ("其他重要事项", "other"),
    ("政府性基金", "fund"),
    ("国有资本经营", "soe"),
    ("基本支出", "basic"),
    ("一般公共预算", "gpb"),
    ("财政拨款收入支出", "fiscal"),
    ("收入支出决算总体", "overall"),
    ("收支总体", "overall"),
    ("收入支出总体", "overall"),
    ("收入决算", "income"),
    ("收入情况", "income"),
    ("支出决算", "expenditure"),
    ("支出情况", "expenditure"),
    ("单位概况", "profile"),
    ("机构设置", "profile"),
    ("主要职能", "profile"),
)
# Kinds whose whole part is not prose to check (sub-headings there are list items).
_OPAQUE = frozenset({"glossary", "tables"})
PROSE_SKIP = frozenset({"glossary", "tables", "perf_table", "fund", "soe"})


def heading_kind(heading: str) -> str:
    key = re.sub(r"[\s“”\"'‘’]", "", normalise(heading))
    return next((kind for word, kind in _KINDS if word in key), "other")


@dataclass
class Section:
    heading: str  # as printed, spaces folded ("" before the first heading)
    kind: str
    level: int  # 0 part, 1 一、, 2 （一）, 3 a 绩效自评表
    start: int  # offset of the first body character in the text
    end: int
    parent: Section | None = None
    flat: str = ""  # the body on one line, normalised
    raw: str = ""  # the same, as printed
    offsets: list[int] = field(default_factory=list)  # flat index → text offset

    @property
    def path(self) -> str:
        """The heading with its parent heading, for messages: “五、… > （二）…”."""
        if self.parent is not None and self.parent.heading and self.level == 2:
            return f"{self.parent.heading} > {self.heading}"
        return self.heading or "（正文开头）"


@dataclass
class Document:
    name: str
    text: str
    sections: list[Section]

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


def _heading(line: str) -> tuple[int, str] | None:
    """(level, kind-or-None marker) when the line is a heading."""
    key = re.sub(r"\s+", "", normalise(line))
    if not key or len(key) > 42:
        return None
    if _PERF_TABLE.match(key):
        return 3, "perf_table"
    if _PART.match(key):
        return 0, ""
    if ":" in key or "：" in key or key.endswith("。"):
        return None
    if _LEVEL1.match(key) and not re.match(r"^[一二三四五六七八九十]+\.\d", key):
        return 1, ""
    if _LEVEL2.match(key):
        return 2, ""
    return None


def split(name: str, text: str) -> Document:
    sections: list[Section] = []
    current = Section("", "other", 1, 0, len(text))
    part: Section | None = None
    level1: Section | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        found = _heading(line)
        body_start = pos + len(line)
        if found is not None:
            level, marker = found
            shown = re.sub(r"\s+", " ", line.strip())
            if marker == "perf_table":
                shown = re.sub(r"\s+", "", shown)
            current.end = pos
            sections.append(current)
            parent = {0: None, 1: part, 2: level1 or part, 3: level1 or part}[level]
            own = marker or heading_kind(shown)
            inherit = parent is not None and (
                (parent.kind in _OPAQUE and marker != "perf_table")
                or (level == 2 and own == "other")
            )
            if inherit and parent is not None:
                own = parent.kind
            elif level == 1 and own == "other" and part is not None and part.kind in _OPAQUE:
                own = part.kind
            current = Section(shown, own, level, body_start, len(text), parent)
            if level == 0:
                part, level1 = current, None
            elif level == 1:
                level1 = current
        pos = body_start
    current.end = len(text)
    sections.append(current)
    for s in sections:
        _flatten(text, s)
    return Document(name, text, [s for s in sections if s.heading or s.end > s.start])


def _flatten(text: str, section: Section) -> None:
    """Join the body's lines: a line break is layout (PDF wrapping), not a separator, except
    between two digits, where it becomes a space so two figures never merge into one."""
    raw: list[str] = []
    offsets: list[int] = []
    pending_break = False
    for i in range(section.start, section.end):
        ch = text[i]
        if ch in "\r\n\f":
            pending_break = True
            continue
        if pending_break:
            pending_break = False
            prev = next((c for c in reversed(raw) if c != " "), "")
            if prev.isdigit() and ch.isdigit():
                raw.append(" ")
                offsets.append(i - 1)
        raw.append(ch)
        offsets.append(i)
    section.raw = "".join(raw)
    section.flat = normalise(section.raw)
    section.offsets = offsets
