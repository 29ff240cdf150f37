"""User-interface words in Chinese (default) and English. Finding messages carry their own."""

from __future__ import annotations

_WORDS: dict[str, tuple[str, str]] = {
    "file": ("文件", "File"),
    "unit_name": ("单位", "Unit"),
    "year": ("年度", "Year"),
    "edition": ("报表版本", "Edition"),
    "currency": ("金额单位", "Currency unit"),
    "tables_found": ("找到的表", "Tables found"),
    "table": ("表", "Table"),
    "title": ("标题", "Title"),
    "sheet": ("工作表", "Sheet"),
    "range": ("范围", "Range"),
    "empty": ("空表", "empty"),
    "severity": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "cell": ("单元格", "Cell"),
    "message": ("问题说明", "Problem"),
    "workbook": ("工作簿", "Workbook"),
    "text_findings": ("情况说明", "Explanation text"),
    "text_at": ("说明第 {line} 行（第 {offset} 字）：", "text line {line} (char {offset}): "),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "notice": ("提示", "notice"),
    "pass": ("通过", "PASS"),
    "fail": ("未通过", "FAIL"),
    "unreadable": ("无法读取", "UNREADABLE"),
    "no_findings": ("未发现问题", "no problems found"),
    "summary": (
        "共 {errors} 个错误、{warnings} 个警告、{notices} 个提示",
        "{errors} error(s), {warnings} warning(s), {notices} notice(s)",
    ),
    "internal_error": (
        "内部错误：{error}（这不是您的文件的问题，请把此信息报告给 juesuan 开发者）",
        "internal error: {error} (not a problem of your file; please report it)",
    ),
    "exists": (
        "输出文件已存在：{path}（如需覆盖请加 --force）",
        "output file exists: {path} (use --force to overwrite)",
    ),
    "annotated": ("已写出带校验结果的副本：{path}", "annotated copy written: {path}"),
    "cannot_write": ("无法写出 {path}：{error}", "cannot write {path}: {error}"),
    "skipped": (
        "{count} 项核对因缺少表、列或数值而未执行：",
        "{count} check(s) not run for a missing table, column or value:",
    ),
    "template_written": ("已生成空白模板：{path}", "template written: {path}"),
}


Words = dict[str, tuple[str, str]]


def pick(words: Words, key: str, lang: str = "zh", **kw: object) -> str:
    """`key` of a (Chinese, English) word table in `lang`, with its {fields} filled."""
    zh, en = words[key]
    return (en if lang == "en" else zh).format(**kw)


def t(word: str, lang: str = "zh", **kw: object) -> str:
    return pick(_WORDS, word, lang, **kw)


class Said(Exception):
    """An error whose one line for the user is written in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh
