"""Every figure the prose states, with its meaning: which quantity, what kind of statement
(an amount, a share, a year-on-year change, a budget comparison, a count), the value with its
rounding interval, and where it is. A figure whose meaning cannot be told is not guessed: its
sentence is recorded as skipped, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.text import numbers
from juesuan.text.document import PROSE_SKIP, Document, Section
from juesuan.text.quantities import COUNTS, SHARE_PARENT, SUBJECT_PHRASES, classify

_SENTENCE_END = "。；;!？?！"
_CLAUSE = "，,：:、;；"
_LEAD = re.compile(
    r"^(?:\d+[.、]|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|其中|包括|分别为|分别是"
    r"|截至|\d{4}年(?:度|末)?|\d{1,2}月\d{1,2}日|本年度|与上年相比|与年初预算相比)+"
)
_TAIL = re.compile(r"(?:为|是|共计|共|达到|达|约)$")
_YOY_AMOUNT = re.compile(r"(增加|减少|增长|下降|上升|降低|节约|减)了?$")
_YOY_PCT = re.compile(r"(增长|下降|增幅|降幅|增长率|下降率|上升|减少|降低|增加)(了|为|达)?$")
_NEGATIVE = ("减少", "下降", "降幅", "下降率", "降低", "节约", "减")
_BUDGET = re.compile(r"(年初预算数?|全年预算数?|预算数|支出预算)(为)?$")
_ACTUAL = re.compile(r"决算数?(为)?$")
_SHARE = re.compile(r"占(.*?)的?(比重|比例)?(为)?$")
_COMPARED = re.compile(
    r"(?:(?:比|较|与|同)(?:上年|上年度|去年|\d{4}年度?)(?:决算数?|同期)?(?:相比)?|同比|相比)$"
)
_COMPLETION = re.compile(r"(完成(年初|全年)?预算的?|预算完成率)(为)?$")


@dataclass(eq=False)
class Figure:
    kind: str  # amount, actual, budget, yoy_amount, yoy_pct, share, diff_rate, completion, count
    key: str | None  # the quantity (see quantities.py); None while unknown
    value: Decimal  # 万元 for amounts, % for percentages, a number for counts
    half: Decimal  # half-width of the rounding interval, same unit as value
    printed: str  # as printed, e.g. "573.75 万元"
    label: str  # the words naming it, cleaned
    section: Section
    start: int  # offset in the text
    end: int
    sentence: str  # the sentence as printed, on one line
    sentence_start: int
    subject: Figure | None = None  # the amount a share / change / budget figure is about
    denominator: str | None = None  # a share's denominator quantity
    pair: Figure | None = None  # a percentage's amount: yoy_pct → yoy_amount, rate → budget
    actual: Figure | None = None  # a budget comparison's 决算数
    alternatives: tuple[str, ...] = ()  # possible meanings of an ambiguous label
    # False when the quantity was inferred from context (a 预算数 with no name of its own):
    # good enough to recompute its rate, not to call a different figure a contradiction
    explicit: bool = True

    @property
    def is_percent(self) -> bool:
        return self.kind in ("yoy_pct", "share", "diff_rate", "completion")


@dataclass(frozen=True)
class Skip:
    section: Section
    sentence: str
    start: int
    reason: str
    reason_en: str


@dataclass
class Extraction:
    figures: list[Figure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def stated(self, key: str) -> list[Figure]:
        """Amounts stated for a quantity, in text order (决算数 restatements included)."""
        return [f for f in self.figures if f.key == key and f.kind in ("amount", "actual")]

    def first(self, key: str) -> Figure | None:
        found = self.stated(key)
        return found[0] if found else None


@dataclass
class _Token:
    kind: str  # amount / percent / count
    start: int  # flat index
    end: int
    printed: str
    value: Decimal
    half: Decimal
    unit: str = ""


def _tokens(flat: str) -> list[_Token]:
    out: list[_Token] = []
    for m in numbers.AMOUNT.finditer(flat):
        value, half = numbers.in_wan(m.group(1), m.group(2))
        out.append(_Token("amount", m.start(), m.end(), m.group(0), value, half, "万元"))
    for m in numbers.PERCENT.finditer(flat):
        value, decimals = numbers.decimal_of(m.group(2))
        if m.group(1):
            value = -value
        out.append(_Token("percent", m.start(), m.end(), m.group(0), value,
                          numbers.half_width(decimals)))  # fmt: skip
    taken = [(t.start, t.end) for t in out]
    for m in numbers.COUNT.finditer(flat):
        n = numbers.count_of(m.group(1))
        if n is None or any(s <= m.start() < e for s, e in taken):
            continue
        out.append(
            _Token("count", m.start(), m.end(), m.group(0), Decimal(n), Decimal(0), m.group(2))
        )
    return sorted(out, key=lambda t: t.start)


def clean(label: str) -> str:
    s = re.sub(r"[\s“”\"'‘’《》「」]", "", label)
    previous = None
    while previous != s:
        previous = s
        s = _LEAD.sub("", s)
        s = _TAIL.sub("", s)
    return s


def _clause_start(flat: str, lo: int, i: int) -> int:
    j = i - 1
    while j >= lo:
        ch = flat[j]
        if ch in _CLAUSE:
            between_digits = (
                ch == "," and flat[j - 1 : j].isdigit() and flat[j + 1 : j + 2].isdigit()
            )
            if not between_digits:
                return j + 1
        j -= 1
    return lo


def _sentences(flat: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(flat):
        if ch in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(flat):
        out.append((start, len(flat)))
    return [(s, e) for s, e in out if flat[s:e].strip()]


class _Reader:
    """Walks one section's sentences, keeping the subject (the amount last stated) that
    shares, changes and budget comparisons refer to."""

    def __init__(self, doc: Document, section: Section, out: Extraction, codes: _Codes) -> None:
        self.doc, self.section, self.out, self.codes = doc, section, out, codes
        self.subject: Figure | None = None
        self.against_budget = False  # this sentence states a change against the budget

    def offset(self, i: int) -> int:
        offsets = self.section.offsets
        return offsets[min(i, len(offsets) - 1)] if offsets else self.section.start

    def run(self) -> None:
        flat = self.section.flat
        tokens = _tokens(flat)
        for s, e in _sentences(flat):
            mine = [t for t in tokens if s <= t.start < e]
            if mine:
                self.sentence(s, e, mine)

    def figure(self, kind: str, key: str | None, tok: _Token, label: str, s: int, e: int) -> Figure:
        raw = self.section.raw
        fig = Figure(
            kind, key, tok.value, tok.half, raw[tok.start : tok.end], label, self.section,
            self.offset(tok.start), self.offset(tok.end - 1) + 1, raw[s:e].strip(),
            self.offset(s),
        )  # fmt: skip
        self.out.figures.append(fig)
        return fig

    def skip(self, s: int, e: int, zh: str, en: str) -> None:
        sentence = self.section.raw[s:e].strip()
        if not any(k.sentence == sentence and k.reason == zh for k in self.out.skipped):
            self.out.skipped.append(Skip(self.section, sentence, self.offset(s), zh, en))

    def sentence(self, s: int, e: int, tokens: list[_Token]) -> None:
        flat = self.section.flat
        budget: Figure | None = None
        last_yoy: Figure | None = None
        self.against_budget = False
        last_count: str | None = None
        head = re.sub(r"\s", "", flat[s : tokens[0].start])
        for phrase, key in SUBJECT_PHRASES:
            if phrase in head and self.out.first(key):
                self.subject = self.out.first(key)
                break
        for tok in tokens:
            c = _clause_start(flat, s, tok.start)
            label = clean(flat[c : tok.start])
            prefix = re.sub(r"\s", "", flat[s : tok.start])
            if tok.kind == "count":
                last_count = self.count(tok, label, prefix, last_count, s, e)
                continue
            if tok.kind == "amount":
                fig = self.amount(tok, label, prefix, budget, s, e)
                if fig is None:
                    continue
                if fig.kind == "budget":
                    budget = fig
                elif fig.kind == "actual" and budget is not None:
                    budget.actual = fig
                elif fig.kind == "yoy_amount":
                    last_yoy = fig
                continue
            self.percent(tok, label, budget, last_yoy, s, e)

    # ── amounts ──
    def amount(
        self, tok: _Token, label: str, prefix: str, budget: Figure | None, s: int, e: int
    ) -> Figure | None:
        kind = self.section.kind
        if m := _YOY_AMOUNT.search(label):
            subject = self.named_subject(label[: m.start()], s, e)
            if subject is None:
                return None
            fig = self.figure("yoy_amount", subject.key, tok, label, s, e)
            if m.group(1) in _NEGATIVE:
                fig.value = -fig.value
            fig.subject = subject
            return fig
        if kind == "perf" and (q := classify(label, kind)) is not None:
            fig = self.figure("amount", q.key, tok, label, s, e)
            fig.alternatives = q.alternatives
            self.subject = fig
            return fig
        if m := _BUDGET.search(label):
            rest = label[: m.start()]
            q = classify(rest, kind) if rest else None
            subject = self.base_for(q.key) if q is not None else self.subject
            key = q.key if q is not None else (subject.key if subject is not None else None)
            if key is None:
                self.skip(s, e, "预算数没有可对应的项目", "a budget figure naming no quantity")
                return None
            # a 预算数 that names nothing (“与年初预算相比，年初预算数…”) is about the amount
            # discussed, but which one is not certain: it serves its rate only, under no name
            fig = self.figure(
                "budget", "budget:" + key if q is not None else None, tok, label, s, e
            )
            fig.subject, fig.explicit = subject, q is not None
            return fig
        if "(类)" in prefix and (found := self.item(tok, label, prefix, s, e)) is not None:
            return found
        if _ACTUAL.search(label) and budget is not None:
            key = budget.key.removeprefix("budget:") if budget.key else None
            key = key if budget.explicit else None
            fig = self.figure("actual", key, tok, label, s, e)
            fig.subject, fig.explicit = budget.subject, budget.explicit
            return fig
        q = classify(label, kind) or classify(_ACTUAL.sub("", label), kind)
        if q is None:
            # the text now speaks of something we do not know: what follows in the sentence
            # (a change, a share) must not be pinned on the amount stated before
            self.subject = None
            self.skip(s, e, f"未识别的金额「{label or tok.printed}」",
                      f"amount of unknown meaning '{label or tok.printed}'")  # fmt: skip
            return None
        fig = self.figure("amount", q.key, tok, label, s, e)
        fig.alternatives = q.alternatives
        self.subject = fig
        return fig

    def named_subject(self, words: str, s: int, e: int) -> Figure | None:
        """What a change or share is about: the quantity named just before it (“公务接待费比上年
        增加”), else the amount stated last. None (and the sentence skipped) when the words name
        something unknown or unstated, or compare with a budget rather than last year."""
        rest = _COMPARED.sub("", words)
        if "预算" in rest or self.against_budget:
            self.against_budget = True  # the sentence's percentages compare with the budget too
            self.skip(
                s, e, "与预算比较的增减（未核对）", "a change against the budget (not checked)"
            )
            return None
        if not rest:
            if self.subject is None:
                self.skip(s, e, "增减或占比没有可对应的金额", "a change or share with no amount")
            return self.subject
        for phrase, key in SUBJECT_PHRASES:
            if rest.endswith(phrase) and (found := self.out.first(key)) is not None:
                return found
        q = classify(rest, self.section.kind)
        found = self.base_for(q.key) if q is not None else None
        if found is None:
            self.skip(
                s, e, f"无法确定「{rest}」所指的金额", f"cannot tell which amount '{rest}' is"
            )
        return found

    def base_for(self, key: str) -> Figure | None:
        """The amount stated last for `key` in this section, else the first in the text."""
        mine = [f for f in self.out.stated(key) if f.section is self.section and f.kind == "amount"]
        return mine[-1] if mine else self.out.first(key)

    def item(self, tok: _Token, label: str, prefix: str, s: int, e: int) -> Figure | None:
        """A 功能分类 类/款/项 named “X(类)Y(款)Z(项)”, resolved to its code."""
        segments = [w for w in re.split(r"[，,。；;：:]", prefix) if "(类)" in w]
        if not segments:
            return None
        words = re.sub(r"^\d+[.、]", "", segments[-1])
        cls, _, rest = words.partition("(类)")
        kuan, _, rest = rest.partition("(款)") if "(款)" in rest else ("", "", rest)
        xiang = rest.partition("(项)")[0] if "(项)" in rest else ""
        code = self.codes.resolve(clean(cls), clean(kuan), clean(xiang))
        name = clean(xiang or kuan or cls)
        if code is None:
            self.skip(s, e, f"科目「{name}」不在科目表中", f"'{name}' is not a known 功能分类 name")
            return None
        fig = self.figure("amount", f"gpb.item:{code}", tok, name, s, e)
        self.subject = fig
        return fig

    # ── percentages ──
    def percent(
        self,
        tok: _Token,
        label: str,
        budget: Figure | None,
        last_yoy: Figure | None,
        s: int,
        e: int,
    ) -> None:
        if "差异率" in label or _COMPLETION.search(label):
            if budget is None:
                self.skip(s, e, "差异率/完成率前没有预算数", "a rate without its budget figure")
                return
            fig = self.figure("diff_rate" if "差异率" in label else "completion", budget.key, tok,
                              label, s, e)  # fmt: skip
            fig.pair = budget
            return
        if m := _YOY_PCT.search(label):
            subject = self.named_subject(label[: m.start()], s, e)
            if subject is None:
                return
            fig = self.figure("yoy_pct", subject.key, tok, label, s, e)
            if m.group(1) in _NEGATIVE and fig.value > 0:
                fig.value = -fig.value
            fig.subject = subject
            if last_yoy is not None and last_yoy.subject is subject:
                fig.pair = last_yoy
            return
        if m := _SHARE.search(label):
            subject = self.named_subject(label[: m.start()], s, e)
            if subject is None:
                return
            self.subject = subject
            named = m.group(1)
            q = classify(named, self.section.kind) if named else None
            denominator = q.key if q is not None else SHARE_PARENT.get(self.section.kind)
            if (named and q is None) or denominator is None or denominator == self.subject.key:
                self.skip(s, e, "占比的分母无法确定", "the share's denominator is unclear")
                return
            fig = self.figure("share", self.subject.key, tok, label, s, e)
            fig.subject, fig.denominator = self.subject, denominator
            return
        self.skip(s, e, f"未识别的百分比「{label or tok.printed}」",
                  f"percentage of unknown meaning '{label or tok.printed}'")  # fmt: skip

    # ── counts ──
    def count(
        self, tok: _Token, label: str, prefix: str, last: str | None, s: int, e: int
    ) -> str | None:
        key = None
        for k, _, _, pattern in COUNTS:
            if label and re.search(f"(?:{pattern})$", label):
                key = k
                break
        if key is None and not label and last == "three.reception_batches" and tok.unit == "人次":
            key = "three.reception_people"
        if key is None:
            return last
        self.figure("count", key, tok, label, s, e)
        return key


class _Codes:
    """功能分类 names → codes, from the edition's dictionary."""

    def __init__(self, year: int | None) -> None:
        from juesuan.spec import edition_for_year
        from juesuan.textnorm import key

        self.key = key
        self.names = edition_for_year(year).function_codes.names

    def find(self, name: str, parent: str, length: int) -> str | None:
        want = self.key(name)
        hits = [c for c, n in self.names.items()
                if len(c) == length and c.startswith(parent) and self.key(n) == want]  # fmt: skip
        return hits[0] if len(hits) == 1 else None

    def resolve(self, cls: str, kuan: str, xiang: str) -> str | None:
        code = self.find(cls, "", 3)
        if code is None or not kuan:
            return code
        code = self.find(kuan, code, 5)
        if code is None or not xiang:
            return code
        return self.find(xiang, code, 7)


def extract(doc: Document, year: int | None = None) -> Extraction:
    out = Extraction()
    codes = _Codes(year)
    for section in doc.sections:
        if section.kind in PROSE_SKIP or not section.flat:
            continue
        _Reader(doc, section, out, codes).run()
    return out
