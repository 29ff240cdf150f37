"""The edition spec is data: these tests keep it coherent as people extend it."""

from __future__ import annotations

import pytest

from juesuan import textnorm
from juesuan.spec import available_editions, edition_for_year, load_edition


@pytest.fixture(params=available_editions())
def edition(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return load_edition(request.param)


def test_nine_tables_with_unique_keys_and_titles(edition) -> None:  # type: ignore[no-untyped-def]
    assert [t.key for t in edition.tables] == [f"T{i}" for i in range(1, 10)]
    titles = [textnorm.key(title) for t in edition.tables for title in t.titles]
    assert len(titles) == len(set(titles)), "a title or alias names two tables"


def test_every_class_has_a_dictionary_name(edition) -> None:  # type: ignore[no-untyped-def]
    for code in edition.function_classes:
        assert edition.function_codes.name(code), code


def test_sample_codes_are_in_the_dictionary() -> None:
    book = load_edition(2023).function_codes
    expected = {
        "2010301": "行政运行",
        "2010302": "一般行政管理事务",
        "2080501": "行政单位离退休",
        "2080502": "事业单位离退休",
        "2080505": "机关事业单位基本养老保险缴费支出",
        "2080506": "机关事业单位职业年金缴费支出",
        "2129999": "其他城乡社区支出",
        "20103": "政府办公厅（室）及相关机构事务",
        "20805": "行政事业单位养老支出",
        "21299": "其他城乡社区支出",
    }
    for code, name in expected.items():
        assert book.name(code) == name


def test_every_dictionary_code_sits_under_a_listed_parent() -> None:
    for book in (load_edition(2023).function_codes, load_edition(2023).economic_codes):
        for code in book.names:
            if len(code) > 3:
                assert book.parent(code) in book.names, f"{code} has no parent in the dictionary"


def test_unknown_only_where_the_dictionary_is_complete() -> None:
    book = load_edition(2023).function_codes
    assert book.is_unknown("218")  # every 类 is listed
    assert book.is_unknown("2010309")  # 20103 is listed completely
    assert not book.is_unknown("2050299")  # 20502 is not claimed complete: no false alarm


def test_t6_panels_cover_the_template_classes() -> None:
    t6 = load_edition(2023).table("T6")
    assert {p.key for p in t6.panels} == {"personnel", "public"}
    classes = {c for p in t6.panels for c in p.classes}
    assert {"301", "302", "303", "310"} <= classes


def test_t7_has_twelve_cells() -> None:
    cols = load_edition(2023).table("T7").sections[0].columns
    assert len(cols) == 12
    assert {c.key.split(".")[0] for c in cols} == {"budget", "final"}


def test_2024_edition_knows_debt_classes_and_2023_does_not() -> None:
    assert "231" in load_edition(2024).function_classes
    assert "231" not in load_edition(2023).function_classes


@pytest.mark.parametrize(
    ("year", "edition_year"), [(2023, 2023), (2024, 2024), (2026, 2024), (2019, 2023), (None, 2023)]
)
def test_edition_for_year(year: int | None, edition_year: int) -> None:
    assert edition_for_year(year).year == edition_year
