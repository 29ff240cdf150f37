"""A finance bureau's own identities (`--rules extra.toml`), in the syntax of the catalogue.

A bureau writes [[rule]] tables exactly like within.toml/cross.toml (see the comment block at
the top of within.toml), with one addition to `check`: a term may carry a coefficient, written
`0.01 * T6[public.total]` or `1% × T6[public.total]`. A check naming one table is a within-table
rule, naming several a cross-table one; both run after the built-in catalogue, in the same
engine, with the same rounding model.

Everything is checked when the file is loaded, before any workbook is read: TOML syntax, the
keys of each rule, the code (two capital letters and three digits, not a built-in code, not used
twice), the name (kebab-case), the severity, the check's grammar, and that every table,
section, row and column it names exists in the edition. A mistake raises ExtraRulesError with
the line of the file it is on, so the bureau can fix it without reading Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juesuan.findings import Severity
from juesuan.i18n import Said
from juesuan.rules import BUILTIN, RULES, Rule
from juesuan.spec import Edition, available_editions, load_edition
from juesuan.validators.expr import CatalogueError, Ref, is_selector
from juesuan.validators.rulebook import IdentityRule, identity_rule

_CODE = re.compile(r"^[A-Z]{2}\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_KEYS = frozenset(
    {"code", "name", "severity", "summary", "summary_en", "basis", "check", "for_each", "columns"}
)
_REQUIRED = ("code", "name", "severity", "summary", "check")
# row keys every coded table has besides its codes, and the T7 single row
_STANDARD_ROWS = frozenset({"total", "main", "row"})


class ExtraRulesError(Said, ValueError):
    """A bureau rule file that cannot be used: one line, in Chinese and English."""

    def __init__(self, path: Path, line: int | None, zh: str, en: str) -> None:
        where_zh = f"{path.name} 第 {line} 行：" if line else f"{path.name}："
        where_en = f"{path.name}, line {line}: " if line else f"{path.name}: "
        super().__init__(where_zh + zh, where_en + en)
        self.line = line


@dataclass(frozen=True)
class ExtraRules:
    """The rules of one or more bureau files, ready for the engine."""

    rules: tuple[IdentityRule, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.info.code for r in self.rules)

    def register(self) -> None:
        """Make the codes known to the registry, so findings, --select and `rules` know them."""
        for r in self.rules:
            i = r.info
            RULES[i.code] = Rule(i.code, i.name, i.severity, i.summary, i.summary_en)

    def unregister(self) -> None:
        for code in self.codes:
            RULES.pop(code, None)


class _Lines:
    """Where each [[rule]] and each of its keys sits in the file (tomllib keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts = [i for i, line in enumerate(self.lines) if line.strip() == "[[rule]]"]

    def of(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.starts):
            return None
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            for i in range(start, end):
                if pattern.match(self.lines[i]):
                    return i + 1
        return start + 1


def load_extra(paths: tuple[Path, ...] | list[Path]) -> ExtraRules:
    """The bureau rules of every file, in order; ExtraRulesError at the first mistake."""
    rules: list[IdentityRule] = []
    seen: dict[str, Path] = {}
    edition = load_edition(available_editions()[-1])  # the latest edition knows every key
    for path in paths:
        for rule in _load_one(Path(path), edition):
            code = rule.info.code
            if code in seen:
                raise ExtraRulesError(
                    path,
                    None,
                    f"规则代码 {code} 已在 {seen[code].name} 中使用",
                    f"rule code {code} is already used in {seen[code].name}",
                )
            seen[code] = Path(path)
            rules.append(rule)
    return ExtraRules(tuple(rules))


def _load_one(path: Path, edition: Edition) -> list[IdentityRule]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExtraRulesError(
            path, None, "规则文件不存在", "the rule file does not exist"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtraRulesError(
            path,
            None,
            f"规则文件无法读取（需为 UTF-8 编码的 TOML）：{exc}",
            f"cannot read the rule file (UTF-8 TOML expected): {exc}",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ExtraRulesError(
            path,
            int(m[1]) if m else None,
            f"TOML 语法错误：{exc}",
            f"TOML syntax error: {exc}",
        ) from None
    lines = _Lines(text)
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise ExtraRulesError(
            path,
            None,
            f"未知的顶层项 {unknown}：每条规则写成一个 [[rule]] 表",
            f"unknown top-level keys {unknown}: write each rule as a [[rule]] table",
        )
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ExtraRulesError(
            path, None, "文件中没有任何 [[rule]] 规则", "the file holds no [[rule]] table"
        )
    out: list[IdentityRule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rule = _rule(path, lines, index, raw, edition)
        if rule.info.code in seen:
            raise ExtraRulesError(
                path,
                lines.of(index, "code"),
                f"规则代码 {rule.info.code} 在本文件中出现了两次",
                f"rule code {rule.info.code} is used twice in this file",
            )
        seen.add(rule.info.code)
        out.append(rule)
    return out


def _rule(
    path: Path, lines: _Lines, index: int, raw: dict[str, Any], edition: Edition
) -> IdentityRule:
    def fail(key: str | None, zh: str, en: str) -> ExtraRulesError:
        return ExtraRulesError(path, lines.of(index, key), zh, en)

    label = f"第 {index + 1} 条规则" if "code" not in raw else f"规则 {raw['code']}"
    label_en = f"rule {index + 1}" if "code" not in raw else f"rule {raw['code']}"
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise fail(
            unknown[0],
            f"{label}：未知的键 {unknown}（可用：{', '.join(sorted(_KEYS))}）",
            f"{label_en}: unknown keys {unknown} (allowed: {', '.join(sorted(_KEYS))})",
        )
    for key in _REQUIRED:
        if key not in raw:
            raise fail(None, f"{label}：缺少 {key}", f"{label_en}: `{key}` is missing")
    code, name, severity = raw["code"], raw["name"], raw["severity"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise fail(
            "code",
            f"{label}：代码应为两个大写字母加三位数字（如 LC001）",
            f"{label_en}: a code is two capital letters and three digits (e.g. LC001)",
        )
    if code in BUILTIN:
        raise fail(
            "code",
            f"规则代码 {code} 是 juesuan 的内置规则，请另取一个（建议用 LC 开头）",
            f"rule code {code} is a built-in rule; choose another (LC… is suggested)",
        )
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail(
            "name",
            f"{label}：name 应为小写英文单词加连字符（如 reception-share）",
            f"{label_en}: a name is kebab-case (e.g. reception-share)",
        )
    if severity not in ("error", "warning", "notice"):
        raise fail(
            "severity",
            f"{label}：severity 应为 error、warning 或 notice",
            f"{label_en}: severity is error, warning or notice",
        )
    for key in ("summary", "summary_en", "basis"):
        if key in raw and not isinstance(raw[key], str):
            raise fail(key, f"{label}：{key} 应为文字", f"{label_en}: {key} must be text")
    raw = {"summary_en": raw["summary"], **raw, "severity": Severity(severity)}
    try:
        rule = identity_rule(raw, cross=None)
    except CatalogueError as exc:
        key = (
            "for_each"
            if "for_each" in str(exc)
            else "columns"
            if "columns" in str(exc)
            else "check"
        )
        raise fail(
            key, f"{label} 的 {key} 无法解析：{exc.zh}", f"{label_en}: cannot read `{key}`: {exc}"
        ) from None
    for check in rule.checks:
        for ref in (*check.refs, *((rule.for_each,) if rule.for_each else ())):
            problem = _unknown_part(ref, edition)
            if problem:
                raise fail(
                    "check",
                    f"{label} 的 check「{check.source}」：{problem[0]}",
                    f"{label_en}, check '{check.source}': {problem[1]}",
                )
    return rule


def _unknown_part(ref: Ref, edition: Edition) -> tuple[str, str] | None:
    """What in a reference the edition does not know, in Chinese and English; None if fine."""
    if ref.table is None:
        return None  # row.X: checked against the for_each table by its own reference
    try:
        table = edition.table(ref.table)
    except KeyError:
        return (f"没有表 {ref.table}", f"there is no table {ref.table}")
    try:
        section = table.section(ref.section)
    except KeyError:
        keys = ", ".join(s.key for s in table.sections)
        return (
            f"{ref.table} 没有 {ref.section} 部分（可用：{keys}）",
            f"{ref.table} has no section {ref.section} (known: {keys})",
        )
    if ref.column is not None:
        columns = ", ".join(c.key for c in section.amount_columns)
        if ref.column not in {c.key for c in section.amount_columns}:
            return (
                f"{ref.table} 没有列 {ref.column}（可用：{columns}）",
                f"{ref.table} has no column {ref.column} (known: {columns})",
            )
    row = ref.row or ""
    if is_selector(row) or row.isdigit() or row in _STANDARD_ROWS:
        return None
    known = {r.key for r in section.rows} | {f"{p.key}.total" for p in table.panels}
    if row not in known:
        sample = ", ".join(sorted(known)[:8])
        return (
            f"{ref.table} 没有行 {row}（固定行的键如：{sample}；科目行写编码）",
            f"{ref.table} has no row {row} (fixed rows such as: {sample}; coded rows by code)",
        )
    return None
