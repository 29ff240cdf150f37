"""Command line: thin commands over the core.

Exit codes (every command): 0 no findings at the failing level, 1 findings at the failing level,
2 unusable input or wrong usage.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from juesuan import __version__
from juesuan.cli_usage import INTERRUPTED, Group, Usage

if TYPE_CHECKING:
    from juesuan.validators.extra import ExtraRules

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2

_LANG = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="消息语言 / message language.",
)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="juesuan")
def main() -> None:
    """juesuan（决算）：部门决算九张公开表的校验工具。

    Checks the nine statutory tables of a 部门决算 (final accounts) workbook.

    \b
    退出码 / exit codes:
      0  未发现达到失败级别的问题 / no findings at the failing level
      1  发现问题 / findings at the failing level
      2  文件无法使用或用法错误 / unusable input or usage error
    130  按 Ctrl-C 中断 / interrupted
    """


def _codes(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """Codes or code prefixes, comma-separated or repeated (checked by _known_codes once the
    bureau rules of --rules are loaded)."""
    return tuple(c.strip().upper() for v in value for c in v.split(",") if c.strip())


def _known_codes(*groups: tuple[str, ...]) -> None:
    from juesuan.rules import RULES

    for c in (c for group in groups for c in group):
        if not any(code.startswith(c) for code in RULES):
            raise Usage(
                f"未知的规则代码或前缀：{c}（用 juesuan rules 查看全部）",
                f"unknown rule code or prefix: {c} (juesuan rules lists them all)",
            )


_RULES_OPTION = click.option(
    "--rules",
    "rule_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.toml",
    help="附加本地规则（与内置规则目录同一写法，可重复） / add a bureau's own rules (repeatable).",
)


def _stop(lang: str, zh: str, en: str) -> NoReturn:
    """One line on stderr, exit code 2."""
    click.echo(en if lang == "en" else zh, err=True)
    sys.exit(EXIT_UNUSABLE)


def _extra_rules(files: tuple[Path, ...], lang: str) -> ExtraRules | None:
    """The bureau rules, registered; one line and exit 2 when a file is unusable."""
    if not files:
        return None
    from juesuan.validators.extra import ExtraRulesError, load_extra

    try:
        extra = load_extra(files)
    except ExtraRulesError as exc:
        _stop(lang, exc.zh, exc.en)
    extra.register()
    return extra


def _wanted(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    if select and not code.startswith(select):
        return False
    return not code.startswith(ignore)


@main.command()
@click.argument("files", nargs=-1, required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="输出格式 / output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="何种级别的问题使退出码为 1 / the severity that makes the exit code 1.",
)
@click.option(
    "--annotate",
    "annotate",
    type=click.Path(path_type=Path),
    default=None,
    help="写出带「校验结果」工作表的副本（仅限一个输入文件） / write an annotated copy (one input).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="把每个输入的带注释副本写入此目录 / write an annotated copy of each input into DIR.",
)
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件 / overwrite existing outputs.")
@click.option(
    "--select",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="只报告这些规则（代码或前缀，逗号分隔或重复，如 SM,XT201） / "
    "report only these rules (codes or prefixes).",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=_codes,
    metavar="CODES",
    help="不报告这些规则（代码或前缀，如 SM103,SM104） / drop these rules (codes or prefixes).",
)
@click.option(
    "--text",
    "text",
    type=click.Path(path_type=Path),
    default=None,
    help="同时核对情况说明（.txt/.docx/.pdf；可不给工作簿） / also check the explanation text.",
)
@click.option(
    "--text-sheet",
    default=None,
    metavar="SHEET",
    help="情况说明在工作簿的这张工作表中 / the text is kept in this sheet of the workbook.",
)
@click.option(
    "--prior",
    type=click.Path(path_type=Path),
    default=None,
    help="上年决算工作簿，用于核对增减额 / last year's workbook, for year-on-year changes.",
)
@click.option(
    "--verbose", is_flag=True, help="列出从说明中提取和跳过的内容 / list what the text gave."
)
@_RULES_OPTION
@_LANG
def validate(
    files: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    annotate: Path | None,
    out_dir: Path | None,
    force: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    text: Path | None,
    text_sheet: str | None,
    prior: Path | None,
    verbose: bool,
    rule_files: tuple[Path, ...],
    lang: str,
) -> None:
    """校验一个或多个决算工作簿 / validate one or more workbooks.

    \b
    例 / example:
      juesuan validate 2023决算.xlsx
      juesuan validate 2023决算.xlsx --format json
      juesuan validate 2023决算.xlsx --annotate 2023决算_校验.xlsx
      juesuan validate 2023决算.xlsx --select SM,XT --ignore SM103
      juesuan validate 2023决算.xlsx --text 2023说明.docx --prior 2022决算.xlsx
      juesuan validate --text 2023说明.pdf --verbose
      juesuan validate 2023决算.xlsx --rules 本地规则.toml
    """
    from juesuan.findings import Severity
    from juesuan.validate import validate_path

    if annotate is not None and len(files) != 1:
        raise Usage(
            "--annotate 只能用于一个输入文件；多个文件请用 --out DIR",
            "--annotate takes one input file; for several, use --out DIR",
        )
    texts = text is not None or text_sheet is not None or prior is not None
    if not files and text is None:
        raise Usage(
            "请给出工作簿，或用 --text 给出情况说明",
            "give a workbook, or the explanation text with --text",
        )
    if texts and len(files) > 1:
        raise Usage(
            "--text/--text-sheet/--prior 只能用于一个工作簿",
            "--text/--text-sheet/--prior take one workbook",
        )
    if (text_sheet or prior) and text is None and not files:
        raise Usage("--text-sheet 需要工作簿", "--text-sheet needs a workbook")
    extra = _extra_rules(rule_files, lang)
    _known_codes(select, ignore)
    reports = []
    if texts:
        from juesuan.text.cli import run_text

        reports.append(run_text(files[0] if files else None, text, text_sheet, prior, verbose,
                                fmt, lang, extra))  # fmt: skip
    for path in files if not texts else ():
        try:
            reports.append(validate_path(path, extra))
        except Exception as exc:  # a bug of ours must still not reach the user as a traceback
            from juesuan.i18n import t

            click.echo(f"{path}: {t('internal_error', lang, error=repr(exc))}", err=True)
            sys.exit(EXIT_UNUSABLE)
    if select or ignore:
        for report in reports:
            # why a file could not be read is always shown
            # a finding that stands for several checks (Finding.also) is kept while any of
            # its checks is wanted
            report.findings = [
                f
                for f in report.findings
                if (report.unreadable and f.code.startswith("IN"))
                or any(_wanted(code, select, ignore) for code in f.codes)
            ]
            report.skipped = [s for s in report.skipped if _wanted(s.code, select, ignore)]
    if fmt == "json":
        from juesuan.report.json_report import dumps

        click.echo(dumps(reports, lang))
    elif fmt == "csv":
        from juesuan.report import csv_report

        click.echo(csv_report.dumps(reports, lang), nl=False)
    else:
        from rich.console import Console

        from juesuan.report.console import render

        console = Console(highlight=False, soft_wrap=True)
        for i, report in enumerate(reports):
            if i:
                console.print()
            render(report, console, lang)
    for path, report in zip(files, reports, strict=False):
        if report.unreadable or (annotate is None and out_dir is None):
            continue
        if not _annotate(path, report, annotate, out_dir, force, lang):
            sys.exit(EXIT_UNUSABLE)
    if any(r.unreadable for r in reports):
        sys.exit(EXIT_UNUSABLE)
    failing = {Severity.ERROR} if fail_on == "error" else {Severity.ERROR, Severity.WARNING}
    if any(f.severity in failing for r in reports for f in r.findings):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _annotate(
    src: Path, report: object, target: Path | None, out_dir: Path | None, force: bool, lang: str
) -> bool:
    """Write the annotated copy; False (after one line on stderr) when it cannot be written."""
    from juesuan.findings import Report
    from juesuan.i18n import t
    from juesuan.io.annotate import annotated_path, write_annotated_copy

    assert isinstance(report, Report)
    dst = target if target is not None else (out_dir or src.parent) / annotated_path(src).name
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = write_annotated_copy(src, dst, report, lang=lang, overwrite=force)
    except FileExistsError:
        click.echo(t("exists", lang, path=dst), err=True)
        return False
    except (OSError, ValueError) as exc:
        click.echo(t("cannot_write", lang, path=dst, error=exc), err=True)
        return False
    click.echo(t("annotated", lang, path=result.path), err=True)
    if result.note:
        click.echo(result.note, err=True)
    return True


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--year", type=int, default=None, help="报表年度 / edition year (default: 2023).")
@click.option("--force", is_flag=True, help="覆盖已存在的文件 / overwrite an existing file.")
@_LANG
def template(out: Path, year: int | None, force: bool, lang: str) -> None:
    """生成九张表的空白模板 / write the empty template of the nine tables."""
    from juesuan.i18n import t
    from juesuan.io.template_writer import write_template
    from juesuan.spec import available_editions, edition_for_year

    if out.exists() and not force:
        click.echo(t("exists", lang, path=out), err=True)
        sys.exit(EXIT_UNUSABLE)
    edition = edition_for_year(year or available_editions()[0])
    write_template(out, edition)
    click.echo(t("template_written", lang, path=out))


@main.command("rules")
@_RULES_OPTION
@_LANG
def rules_command(rule_files: tuple[Path, ...], lang: str) -> None:
    """列出全部规则：代码、名称、级别、说明 / list every rule."""
    from rich.console import Console
    from rich.table import Table

    from juesuan.rules import RULES
    from juesuan.rules.docs import SEVERITY_ZH, ordered_codes

    extra = _extra_rules(rule_files, lang)
    en = lang == "en"
    table = Table(show_lines=False)
    table.add_column("Code" if en else "代码", no_wrap=True)
    table.add_column("Name" if en else "名称", no_wrap=True)
    table.add_column("Severity" if en else "级别", no_wrap=True)
    table.add_column("Summary" if en else "说明")
    for code in (*ordered_codes(), *(extra.codes if extra else ())):
        r = RULES[code]
        severity = r.severity.value if en else SEVERITY_ZH[r.severity.value]
        table.add_row(code, r.name, severity, r.summary_en if en else r.summary)
    Console(highlight=False).print(table)


@main.command()
@click.argument("code")
@_LANG
def explain(code: str, lang: str) -> None:
    """显示一条规则的说明 / explain one rule.

    \b
    例 / example:
      juesuan explain SM121
      juesuan explain SM121 --lang en
    """
    from rich.console import Console
    from rich.markdown import Markdown

    from juesuan.rules import RULES
    from juesuan.rules.docs import render_markdown

    key = code.strip().upper()
    if key not in RULES:
        _stop(
            lang,
            f"未知的规则代码：{code}（用 juesuan rules 查看全部）",
            f"unknown rule code: {code} (juesuan rules lists them all)",
        )
    Console(highlight=False).print(Markdown(render_markdown(key, lang)))


# ── intake: a finance bureau's batch of submissions ─────────────────────────────────────────


def _cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="输出文件夹 / output folder.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="并行的工作进程数，默认为 CPU 核数 / worker processes (default: the number of cores).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="每个文件的处理时限（秒），超时的文件记为无法读取 / per-file time limit in seconds.",
)
@click.option(
    "--max-unpacked",
    type=click.IntRange(min=1),
    default=400,
    show_default=True,
    metavar="MB",
    help="每个工作簿解压后（按声明大小）的上限 / limit on a workbook's declared unpacked size.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=1024,
    show_default=True,
    metavar="MB",
    help="每个工作进程的内存上限，0 为不限 / address-space cap per worker, 0 for none.",
)
@click.option(
    "--force", is_flag=True, help="输出文件夹非空时仍写入（覆盖） / write into a non-empty folder."
)
@_RULES_OPTION
@_LANG
def intake(
    paths: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    timeout: float,
    max_unpacked: int,
    max_memory: int,
    force: bool,
    rule_files: tuple[Path, ...],
    lang: str,
) -> None:
    """批量校验报送的决算工作簿 / check a batch of submitted workbooks.

    PATHS 可以是文件、文件夹（含子文件夹）和 .zip 压缩包；.xlsx/.xlsm/.xls/.xlsb/.ods
    逐个校验，其他文件列为未处理。输出文件夹中写出：汇总.xlsx、每份报送的带注释副本、
    results.jsonl、findings.csv、junit.xml。

    \b
    退出码 / exit codes:
      0  全部通过 / every submission passed
      1  有报送未通过（有错误） / a submission has errors
      2  有文件无法读取（损坏、加密、超时……）或用法错误 / a file is unreadable, or usage error
      130  按 Ctrl-C 中断 / interrupted

    \b
    例 / example:
      juesuan intake 报送/ 补报.zip --out 校验结果/
      juesuan intake 报送/ --out 校验结果/ --jobs 2 --timeout 30
      juesuan intake 报送/ --out 校验结果/ --rules 本地规则.toml
    """
    from juesuan.intake.pool import Pool, WorkersFailed
    from juesuan.intake.worker import handle, warm_up

    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        _stop(
            lang,
            f"输出文件夹不是空的：{out_dir}（如需写入请加 --force）",
            f"the output folder is not empty: {out_dir} (use --force to write into it)",
        )
    _extra_rules(rule_files, lang)  # checked here: a broken file stops the batch with one line
    try:
        # the workers first: their imports (~0.4 s) overlap with everything up to the first file
        with Pool(
            handle, warm_up, jobs=jobs or _cores(), timeout=timeout, memory_mb=max_memory
        ) as workers:
            from dataclasses import replace

            from juesuan.intake.batch import SUMMARY, Options, run
            from juesuan.intake.progress import progress_for
            from juesuan.io.package_scan import Limits

            options = Options(
                out=out_dir,
                timeout=timeout,
                memory_mb=max_memory,
                limits=replace(Limits(), max_uncompressed_bytes=max_unpacked << 20),
                lang=lang,
                rules=tuple(p.resolve() for p in rule_files),
            )
            outcome = run(paths, options, progress_for(lang), workers)
    except WorkersFailed as exc:
        _stop(
            lang,
            f"工作进程无法启动（{exc}）；若 --max-memory 设得很小，请调大后重试",
            f"the worker processes cannot start ({exc}); if --max-memory is small, raise it",
        )
    except OSError as exc:
        _stop(lang, f"无法写出 {out_dir}：{exc}", f"cannot write {out_dir}: {exc}")
    except KeyboardInterrupt:  # the workers are stopped and the scratch folder removed
        click.echo(
            "已中断，未写出汇总" if lang != "en" else "interrupted; no summary written", err=True
        )
        sys.exit(INTERRUPTED)
    click.echo(outcome.summary_line(lang, out_dir / SUMMARY))
    if not outcome.entries:
        click.echo("没有找到任何工作簿" if lang != "en" else "no workbook was found", err=True)
    import gc

    # the interpreter's last collection would walk every report of the batch only to find no
    # cycles: 15 ms -> 4-8 ms of exit after the summary (200 workbooks)
    gc.freeze()
    sys.exit(outcome.exit_code)


# ── the Excel add-in (juesuan.addin; xlwings is imported only inside these commands) ──────


@main.group("addin")
def addin_group() -> None:
    """Excel 加载项：「决算校验」选项卡上的「校验」按钮 / the Excel add-in.

    \b
    juesuan addin build      生成 juesuan.addin.xlam / build the add-in file
    juesuan addin install    安装到 Excel（Windows、macOS） / install into Excel
    juesuan addin uninstall  从 Excel 中移除 / remove it from Excel
    """


@addin_group.command("build")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="输出目录 / output directory.",
)
@click.option("--force", is_flag=True, help="覆盖已存在的文件 / overwrite an existing file.")
@_LANG
def addin_build(out_dir: Path, force: bool, lang: str) -> None:
    """由已安装的 xlwings 生成加载项 / build juesuan.addin.xlam from the installed xlwings."""
    from juesuan.addin.build import BuildError, build
    from juesuan.i18n import t

    try:
        path = build(out_dir, overwrite=force)
    except FileExistsError as exc:
        _stop(lang, t("exists", "zh", path=exc.args[0]), t("exists", "en", path=exc.args[0]))
    except BuildError as exc:
        _stop(lang, f"无法生成加载项：{exc.zh}", f"cannot build the add-in: {exc.en}")
    except OSError as exc:
        _stop(lang, f"无法生成加载项：{exc}", f"cannot build the add-in: {exc}")
    click.echo(f"Excel add-in built: {path}" if lang == "en" else f"已生成 Excel 加载项：{path}")


@addin_group.command("install")
@click.option(
    "--file",
    "built",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="安装已生成的 juesuan.addin.xlam（默认现场生成） / install this built file.",
)
@_LANG
def addin_install(built: Path | None, lang: str) -> None:
    """安装到 Excel 的启动文件夹 / install into Excel's startup folder (Windows, macOS)."""
    from juesuan.addin.install import install
    from juesuan.i18n import Said

    try:
        install(built)
    except Said as exc:  # no Excel here, a file of another name, the build failed
        _stop(lang, exc.zh, exc.en)


@addin_group.command("uninstall")
@_LANG
def addin_uninstall(lang: str) -> None:
    """从 Excel 的启动文件夹移除 / remove from Excel's startup folder (Windows, macOS)."""
    from juesuan.addin.install import uninstall
    from juesuan.i18n import Said

    try:
        uninstall()
    except Said as exc:
        _stop(lang, exc.zh, exc.en)


if __name__ == "__main__":  # pragma: no cover
    main()
