"""Wrong usage of the command line as one line in the user's language.

Click reports a mistyped option, a bad value or a missing argument as a usage block in English
("Usage: … Try … Error: No such option …"). An accountant at a Chinese terminal gets one line in
Chinese instead, naming the option and what it takes, and the command to see the help; with
`--lang en` anywhere on the line, the same in English. Exit code 2, as before. Ctrl-C ends any
command with one line and exit code 130, not click's "Aborted!" and 1 (the findings code).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any, NoReturn

import click
from click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchCommand,
    NoSuchOption,
)

INTERRUPTED = 130  # Ctrl-C, as a shell reports a process ended by SIGINT


class Usage(click.UsageError):
    """A usage error of ours, written in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


class _OneLine(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


class _Interrupted(_OneLine):
    exit_code = INTERRUPTED


def language(args: Sequence[str]) -> str:
    """The language asked for by `--lang` on the command line, before click has parsed it."""
    lang = "zh"
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return "en" if lang == "en" else "zh"


def one_line(exc: click.UsageError, lang: str, where: str = "juesuan") -> str:
    """`exc` as the line the user sees: the command (`where`, unless the error knows it), what
    is wrong, where the help is."""
    en = lang == "en"
    where = exc.ctx.command_path if exc.ctx is not None else where
    what = _what(exc, en)
    if en:
        return f"{where}: {what}. See {where} --help."
    return f"{where}：{what}。用 {where} --help 查看用法。"


def _what(exc: click.UsageError, en: bool) -> str:
    if isinstance(exc, Usage):
        return exc.en if en else exc.zh
    if isinstance(exc, NoSuchOption):
        return _no_such(exc.option_name, exc.possibilities or (), (), en)
    if isinstance(exc, NoSuchCommand):
        ctx, commands = exc.ctx, []
        if ctx is not None and isinstance(ctx.command, click.Group):
            commands = ctx.command.list_commands(ctx)
        return _no_such(exc.command_name, exc.possibilities or (), commands, en)
    if isinstance(exc, MissingParameter):
        return _missing(exc, en)
    if isinstance(exc, BadParameter):
        return _bad_value(exc, en)
    if isinstance(exc, BadOptionUsage):
        name = exc.option_name
        if "does not take a value" in exc.message:
            return f"option {name} takes no value" if en else f"选项 {name} 不带值"
        if "requires" in exc.message:
            return f"option {name} needs a value" if en else f"选项 {name} 后面要给出值"
    if m := re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message):
        return f"unexpected extra argument: {m[1]}" if en else f"多余的参数：{m[1]}"
    return exc.message


def _no_such(name: str, close: Sequence[str], commands: Sequence[str], en: bool) -> str:
    """No such option (or, with the group's `commands`, no such command): the closest names
    first (click sorts them alphabetically); a command with none close lists them all."""
    import difflib

    ranked = difflib.get_close_matches(name, close, n=3, cutoff=0)
    kind = "command" if commands else "option"
    if en:
        text = f"no such {kind} {name}"
        if ranked:
            return f"{text} (did you mean {_or(ranked, ', ', ' or ')}?)"
        return f"{text} (commands: {', '.join(commands)})" if commands else text
    text = f"没有{'命令' if commands else '选项'} {name}"
    if ranked:
        return f"{text}（是不是 {_or(ranked, '、', ' 或 ')}？）"
    return f"{text}（可用的命令：{'、'.join(commands)}）" if commands else text


def _or(items: Sequence[str], sep: str, last: str) -> str:
    return items[0] if len(items) == 1 else sep.join(items[:-1]) + last + items[-1]


def _missing(exc: MissingParameter, en: bool) -> str:
    param = exc.param
    if isinstance(param, click.Option):
        name = param.opts[0]
        return f"missing option {name}" if en else f"缺少选项 {name}"
    name = param.human_readable_name if param is not None else ""
    usage = ""
    if exc.ctx is not None:
        pieces = " ".join(exc.ctx.command.collect_usage_pieces(exc.ctx))
        usage = f"{exc.ctx.command_path} {pieces}"
    if en:
        return f"missing argument {name} (usage: {usage})"
    return f"缺少参数 {name}（用法：{usage}）"


# the value click quotes at the start of its message: "'xml' is not one of …", "0 is not in the
# range x>=1.", "File 'a b' is a directory."
_VALUE_RE = re.compile(r"^(?:[A-Z]\w* )?(['\"]?)(.*?)\1 (?:is|does)\b")


def _bad_value(exc: BadParameter, en: bool) -> str:
    param, message = exc.param, exc.message
    name = (param.opts[0] if isinstance(param, click.Option) else None) or (
        param.human_readable_name if param is not None else exc.param_hint or ""
    )
    m = _VALUE_RE.match(message)
    value = m[2] if m else None
    kind = param.type if param is not None else None
    wanted = _wanted(kind, message, en)
    if wanted is None:
        return f"invalid value for {name}: {message}" if en else f"{name} 的值无效：{message}"
    shown = f" {value!r}" if value is not None else ""
    if en:
        return f"invalid value{shown} for {name}: {wanted}"
    return f"{name} 的值{shown} 无效：{wanted}"


def _wanted(kind: Any, message: str, en: bool) -> str | None:
    """What the parameter takes, said plainly; None when click's reason is not one we know."""
    if isinstance(kind, click.Choice):
        choices = [str(c) for c in kind.choices]
        return f"use one of {', '.join(choices)}" if en else f"应为 {'、'.join(choices)} 之一"
    if isinstance(kind, (click.IntRange, click.FloatRange)) or kind in (click.INT, click.FLOAT):
        integer = isinstance(kind, click.IntRange) or kind is click.INT
        bounds = _bounds(kind, en)
        if en:
            return f"use {'an integer' if integer else 'a number'}{bounds}"
        return f"应为{bounds}{'整数' if integer else '数'}"
    if isinstance(kind, click.Path):
        for english, zh, en_text in _PATH_REASONS:
            if english in message:
                return en_text if en else zh
    return None


_PATH_REASONS = (
    ("does not exist", "没有这个文件或文件夹", "no such file or folder"),
    ("is a directory", "这是文件夹，应给出文件", "it is a folder; a file is wanted"),
    ("is a file", "这是文件，应给出文件夹", "it is a file; a folder is wanted"),
    ("is not readable", "没有读取权限", "not readable"),
    ("is not writable", "没有写入权限", "not writable"),
)


def _bounds(kind: Any, en: bool) -> str:
    low, high = getattr(kind, "min", None), getattr(kind, "max", None)
    parts = []
    if low is not None:
        parts.append(f"{'>' if kind.min_open else '≥'} {low}")
    if high is not None:
        parts.append(f"{'<' if kind.max_open else '≤'} {high}")
    if not parts:
        return ""
    return f" {' and '.join(parts)}" if en else f" {'、'.join(parts)} 的"


class Command(click.Command):
    """A command whose option that takes a value is never given another of its options as that
    value: in `intake a --out --lang en` the folder was forgotten; click would write the
    outputs into a folder named "--lang" and take "en" for a submission."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = [p for p in self.get_params(ctx) if isinstance(p, click.Option)]
        names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
        valued = {name for p in options if not p.is_flag and not p.count for name in p.opts}
        for option, value in pairwise(args):
            if option == "--":
                break
            if option in valued and value.partition("=")[0] in names:
                raise BadOptionUsage(option, f"Option '{option}' requires an argument.", ctx)
        return super().parse_args(ctx, args)


_LANG_KEY = "juesuan.lang"  # in the contexts' shared meta: the language of the whole line


class Group(click.Group):
    """The command groups: click's usage errors leave them as one line (`one_line`)."""

    group_class = type  # its subgroups are of this class too
    command_class = Command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        lang = language(args) if parent is None else parent.meta.get(_LANG_KEY, "zh")
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            where = f"{parent.command_path} {info_name}" if parent else info_name or "juesuan"
            _reraise(exc, lang, where)
        ctx.meta[_LANG_KEY] = lang
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        lang = ctx.meta.get(_LANG_KEY, "zh")
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # a subcommand's own arguments failed before it had a context: name it
            where = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            _reraise(exc, lang, where)
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, the findings code
            raise _Interrupted("interrupted" if lang == "en" else "已中断") from None


def _reraise(exc: click.UsageError, lang: str, where: str) -> NoReturn:
    if isinstance(exc, NoArgsIsHelpError):  # no arguments at all: the help, as click shows it
        raise exc
    raise _OneLine(one_line(exc, lang, where)) from None
