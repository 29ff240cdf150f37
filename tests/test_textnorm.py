from __future__ import annotations

import pytest

from juesuan import textnorm


@pytest.mark.parametrize(
    ("printed", "spec_label"),
    [
        ("一、一般公共预算财政拨款收入", "一般公共预算财政拨款收入"),
        ("使用非财政拨款结余（含专用结余）", "使用非财政拨款结余"),
        ("（一）公务用车购置及运行（维护）费", "公务用车购置及运行维护费"),
        ("公务用车购置及运行费", "公务用车购置及运行（维护）费"),
        ("1.一般公共服务支出(类)", "一般公共服务支出"),
        ("机关事业单位基本养老保\n险缴费支出", "机关事业单位基本养老保险缴费支出"),
        ("  其中：行政运行", "行政运行"),
        ("财政拨款\u201c三公\u201d经费", '财政拨款"三公"经费'),
    ],
)
def test_printed_labels_match_their_spec_label(printed: str, spec_label: str) -> None:
    assert set(textnorm.label_keys(printed)) & set(textnorm.label_keys(spec_label))


@pytest.mark.parametrize(
    ("a", "b"), [("一般公共服务支出", "社会保障和就业支出"), ("行政运行", "一般行政管理事务")]
)
def test_different_labels_do_not_match(a: str, b: str) -> None:
    assert not set(textnorm.label_keys(a)) & set(textnorm.label_keys(b))


def test_display_joins_wrapped_cjk_but_keeps_latin_spaces() -> None:
    assert (
        textnorm.display("机关事业单位基本养老保\n险缴费支出") == "机关事业单位基本养老保险缴费支出"
    )
    assert textnorm.display("Sheet  1") == "Sheet 1"


def test_key_folds_full_width_and_units() -> None:
    assert textnorm.key("决算数（万元）") == textnorm.key("决算数")
    assert textnorm.digits("２０１ ０３") == "20103"
