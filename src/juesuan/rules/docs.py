"""The documentation of every rule, kept as data beside the rules (`rules/docs/<FAMILY>.toml`).

Each rule has one `[CODE]` table with six Chinese sections (检查内容, 为什么, 错误示例, 正确示例,
修正方法, 已知局限) and optionally `summary`/`why_en` in English. `render_markdown` turns one
into a page, `render_all` writes the pages and their index into `docs/rules/`:

    python -m juesuan.rules.docs docs/rules
"""

from __future__ import annotations

import functools
import sys
import tomllib
from importlib import resources
from pathlib import Path

from juesuan.rules.registry import RULES, Rule

SECTIONS = ("检查内容", "为什么", "错误示例", "正确示例", "修正方法", "已知局限")
EXAMPLES = frozenset({"错误示例", "正确示例"})
FAMILIES = ("IN", "ST", "CD", "VA", "SM", "XT", "TX")
FAMILY_NAMES = {  # (zh, en)
    "IN": ("输入文件", "input file"),
    "ST": ("表格结构", "table structure"),
    "CD": ("科目编码", "classification codes"),
    "VA": ("单个金额", "single amounts"),
    "SM": ("表内勾稽", "sums within a table"),
    "XT": ("表间勾稽", "identities across tables"),
    "TX": ("说明文本", "explanation text"),
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "notice": "提示"}


@functools.cache
def all_docs() -> dict[str, dict[str, str]]:
    """Every rule doc by code, read once per process from the TOML files of `rules/docs/`."""
    folder = resources.files("juesuan.rules").joinpath("docs")
    docs: dict[str, dict[str, str]] = {}
    for family in FAMILIES:
        text = folder.joinpath(f"{family}.toml").read_text(encoding="utf-8")
        for code, table in tomllib.loads(text).items():
            if code in docs:
                raise ValueError(f"rule {code} is documented twice")
            docs[code] = {key: str(value).strip() for key, value in table.items()}
    return docs


def doc(code: str) -> dict[str, str] | None:
    return all_docs().get(code)


def ordered_codes() -> list[str]:
    """Every rule code, family by family (IN, ST, CD, VA, SM, XT), then by number."""
    rank = {family: i for i, family in enumerate(FAMILIES)}
    return sorted(RULES, key=lambda code: (rank.get(code[:2], len(rank)), code))


@functools.cache
def _catalogue_entries() -> dict[str, dict[str, object]]:
    from juesuan.validators.catalogue import CATALOGUES, raw_rules

    return {str(r["code"]): r for name in CATALOGUES for r in raw_rules(name)}


def _checks(code: str) -> list[str]:
    check = _catalogue_entries().get(code, {}).get("check")
    if check is None:
        return []
    return [str(c) for c in check] if isinstance(check, list) else [str(check)]


def basis(code: str) -> str | None:
    """The identity a catalogue rule checks (nine-tables.md §3, e.g. T1.1 or X3)."""
    value = _catalogue_entries().get(code, {}).get("basis")
    return None if value is None else str(value)


def _family(code: str, lang: str) -> str:
    zh, en = FAMILY_NAMES.get(code[:2], (code[:2], code[:2]))
    return en if lang == "en" else zh


def render_markdown(code: str, lang: str = "zh") -> str:
    """The Markdown page of one rule; KeyError for an unknown code or a rule without doc.
    In English (`lang="en"`): the summary, the identity checked, why, and the examples; the
    other sections exist in Chinese only, and the page says so."""
    if lang == "en":
        return _render_english(code)
    r: Rule = RULES[code]
    d = all_docs()[code]
    lines = [f"# {code} {r.name}", ""]
    meta = f"**级别**：{SEVERITY_ZH[r.severity.value]}（{r.severity.value}）"
    meta += f" · **类别**：{_family(code, 'zh')}"
    if (b := basis(code)) is not None:
        meta += f" · **依据**：{b}（nine-tables.md §3）"
    lines += [meta, "", r.summary, "", f"*{d.get('summary', r.summary_en)}*", ""]
    checks = _checks(code)
    if checks:
        lines += ["核对式（validators/catalogue）：", "", "```text", *checks, "```", ""]
    for section in SECTIONS:
        lines += [f"## {section}", ""]
        if section in EXAMPLES:
            lines += ["```text", d[section], "```", ""]
        else:
            lines += [d[section], ""]
        if section == "为什么" and d.get("why_en"):
            lines += [f"*Why:* {d['why_en']}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _render_english(code: str) -> str:
    r, d = RULES[code], all_docs()[code]
    meta = f"**Severity**: {r.severity.value} · **Family**: {_family(code, 'en')}"
    if (b := basis(code)) is not None:
        meta += f" · **Basis**: {b} (nine-tables.md §3)"
    lines = [f"# {code} {r.name}", "", meta, "", d.get("summary", r.summary_en), ""]
    if checks := _checks(code):
        lines += ["Checked as (validators/catalogue):", "", "```text", *checks, "```", ""]
    lines += ["## Why", "", d.get("why_en") or r.summary_en, ""]
    for section, title in (("错误示例", "Failing example"), ("正确示例", "Passing example")):
        lines += [f"## {title}", "", "```text", d[section], "```", ""]
    lines += [
        "What it checks in detail, how to fix it and its known limits are written in Chinese "
        f"only: `juesuan explain {code}`.",
    ]
    return "\n".join(lines) + "\n"


def render_index() -> str:
    lines = [
        "# juesuan 规则一览 / rule index",
        "",
        "由 `python -m juesuan.rules.docs docs/rules` 从 `src/juesuan/rules/docs/*.toml` 生成，"
        "请勿手改。命令行：`juesuan rules`、`juesuan explain 代码`。",
        "",
        "| 代码 | 名称 | 级别 | 说明 |",
        "| --- | --- | --- | --- |",
    ]
    for code in ordered_codes():
        r = RULES[code]
        summary = r.summary.replace("|", "\\|")
        lines.append(
            f"| [{code}]({code}.md) | {r.name} | {SEVERITY_ZH[r.severity.value]} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def render_all(directory: Path) -> list[Path]:
    """Write `<CODE>.md` for every rule and the index `README.md`; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for code in ordered_codes():
        path = directory / f"{code}.md"
        path.write_text(render_markdown(code), encoding="utf-8", newline="\n")
        written.append(path)
    index = directory / "README.md"
    index.write_text(render_index(), encoding="utf-8", newline="\n")
    written.append(index)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    print(f"{len(render_all(target))} files written to {target}")
