from __future__ import annotations

import pytest

from juesuan.parse.locate import TitleMatcher
from juesuan.spec import load_edition

MATCH = TitleMatcher(load_edition(2024).tables)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("收入支出决算总表", "T1"),
        ("乌鲁木齐市政务服务管理局2023年度收入支出决算总表", "T1"),
        ("部门收支总体情况决算表", "T1"),
        ("财政拨款收入支出决算总表", "T4"),
        ("2023年度一般公共预算财政拨款支出决算表（公开05表）", "T5"),
        ("支出决算表", "T3"),
        ("附表1 收入决算表", "T2"),
        ("一般公共预算财政拨款基本支出决算表", "T6"),
        ('一般公共预算财政拨款"三公"经费支出决算表', "T7"),
        ("财政拨款\u201c三公\u201d经费支出决算表", "T7"),
        ("财政拨款三公经费支出决算表", "T7"),
        ("政府性基金预算财政拨款收入支出决算表", "T8"),
        ("国有资本经营预算财政拨款支出决算表", "T9"),
        ("国有资本经营预算财政拨款收入支出决算表", "T9"),
    ],
)
def test_titles_and_aliases(text: str, key: str) -> None:
    spec = MATCH.match(text)
    assert spec is not None and spec.key == key


@pytest.mark.parametrize(
    "text",
    [
        "一、《收入支出决算总表》",  # a reference in the explanation text, not a title
        "注：本表反映部门本年度的总收支和年末结转结余情况。",
        "公开01表",
        "资产负债情况表",  # an eleventh table is not one of the nine
        "说明：本单位本年度没有政府性基金预算财政拨款收入、支出和结转结余，故本表无数据。",
    ],
)
def test_non_titles(text: str) -> None:
    assert MATCH.match(text) is None
