"""Wrong usage gets one line in Chinese (English with --lang en) naming the command, what is
wrong and where the help is; exit code 2; never click's English usage block. Runs the real
command in a subprocess."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import juesuan.validate as engine
from conftest import SAMPLES, juesuan
from juesuan.cli import main

# (arguments, what the Chinese line must say, what the English line must say)
CASES = [
    (
        ["validate", "x.xlsx", "--formt", "json"],
        ["juesuan validate：", "没有选项 --formt", "是不是 --format"],
        ["no such option --formt", "did you mean --format"],
    ),
    (
        ["validate", "--format", "xml", "x.xlsx"],
        ["--format 的值 'xml' 无效", "text、json、csv"],
        ["invalid value 'xml' for --format", "text, json, csv"],
    ),
    (
        ["intake", "a", "--out", "o", "--jobs", "0"],
        ["juesuan intake：", "--jobs 的值 '0' 无效", "≥ 1 的整数"],
        ["invalid value '0' for --jobs", "an integer ≥ 1"],
    ),
    (
        ["intake", "a", "--out", "o", "--timeout", "soon"],
        ["--timeout 的值 'soon' 无效", "≥ 0.1 的数"],
        ["invalid value 'soon' for --timeout", "a number ≥ 0.1"],
    ),
    (["intake", "a"], ["juesuan intake：", "缺少选项 --out"], ["missing option --out"]),
    (
        ["intake", "a", "--out"],
        ["juesuan intake：", "选项 --out 后面要给出值"],
        ["option --out needs a value"],
    ),
    (
        ["intake", "a", "--out", "--force"],
        ["juesuan intake：", "选项 --out 后面要给出值"],
        ["option --out needs a value"],
    ),
    (["validate", "x.xlsx", "--force=yes"], ["选项 --force 不带值"], ["--force takes no value"]),
    (
        ["explain"],
        ["juesuan explain：", "缺少参数 CODE", "juesuan explain [OPTIONS] CODE"],
        ["missing argument CODE", "explain [OPTIONS] CODE)"],
    ),
    # no --lang before the command is known: Chinese only
    (["valdate", "x.xlsx"], ["juesuan：", "没有命令 valdate", "是不是 validate"], None),
    (
        ["frob"],
        ["没有命令 frob", "可用的命令：", "intake", "validate"],
        ["no such command frob", "commands: ", "validate"],
    ),
    (["addin", "frob"], ["juesuan addin：", "build、install、uninstall"], None),
    (["rules", "--rules", "a.toml", "b.toml"], ["多余的参数：b.toml"], ["extra argument: b.toml"]),
    (
        ["addin", "install", "--file", "不存在.xlam"],
        ["juesuan addin install：", "'不存在.xlam'", "没有这个文件"],
        None,  # --lang belongs to the subcommand: the test below
    ),
    (["validate"], ["请给出工作簿"], ["give a workbook"]),
    (["validate", "x.xlsx", "--select", "ZZ"], ["未知的规则代码或前缀：ZZ"], ["unknown rule code"]),
    (
        ["validate", "a.xlsx", "b.xlsx", "--annotate", "c.xlsx"],
        ["--annotate 只能用于一个输入文件"],
        ["--annotate takes one input file"],
    ),
]


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a wrongly parsed line writes lands there, not in the checkout."""
    monkeypatch.chdir(tmp_path)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _one_line(args: list[str]) -> str:
    result = juesuan(*args)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for english in ("Usage:", "Error:", "Try ", "Traceback"):
        assert english not in result.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "zh", "en"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_one_line_in_the_users_language(
    args: list[str], zh: list[str], en: list[str] | None
) -> None:
    line = _one_line(args)
    for part in zh:
        assert part in line
    assert line.endswith("--help 查看用法。")
    if en is None:
        return
    english = _one_line([args[0], "--lang", "en", *args[1:]])
    for part in en:
        assert part in english
    assert not _CJK.search(english.replace("不存在", "")), english
    assert english.endswith("--help.")


def test_the_add_in_commands_speak_english_too() -> None:
    line = _one_line(["addin", "install", "--lang", "en", "--file", "不存在.xlam"])
    assert "invalid value '不存在.xlam' for --file: no such file or folder" in line


def test_lang_given_before_the_mistake() -> None:
    line = _one_line(["validate", "--lang=en", "x.xlsx", "--formt", "json"])
    assert "juesuan validate: no such option --formt" in line


def test_an_option_is_not_taken_for_a_missing_value(tmp_path: Path) -> None:
    """Click takes the next word for --out's folder even when it is an option: the outputs
    went into a folder named "--lang" and "en" became a submission."""
    submission = tmp_path / "报送"
    submission.mkdir()
    result = juesuan("intake", "报送", "--out", "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "juesuan intake: option --out needs a value. See python -m juesuan intake --help."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报送"]
    # written out with "=", the value is what the user says it is
    named = _one_line(["validate", "--format=--lang", "x.xlsx"])
    assert "--format 的值 '--lang' 无效" in named


def test_no_arguments_still_show_the_help() -> None:
    result = juesuan()
    assert result.returncode == 2
    assert "validate" in result.stderr and "intake" in result.stderr


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Click's own answer is "Aborted!" and exit 1, which a script reads as findings."""

    def pressed_ctrl_c(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "validate_path", pressed_ctrl_c)
    sample = SAMPLES / "sample_2023.xlsx"
    for lang, said in (("zh", "已中断"), ("en", "interrupted")):
        result = CliRunner().invoke(main, ["validate", str(sample), "--lang", lang])
        assert result.exit_code == 130
        assert result.output.strip() == said
