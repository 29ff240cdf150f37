"""What the extractor makes of the seed text and of texts written in other styles: sections by
their headings, figures with their meaning, sentences it does not understand skipped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from juesuan.text.document import split
from juesuan.text.extract import Extraction, extract
from juesuan.text.numbers import count_of
from juesuan.text.perf import read_tables
from juesuan.text.source import read_source

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sample_workbooks" / "sample_2023_说明.txt"


def _seed() -> tuple[Extraction, list[str]]:
    doc = split("seed", read_source(SEED).text)
    return extract(doc, 2023), [s.kind for s in doc.sections]


def _has(x: Extraction, kind: str, key: str, value: str) -> bool:
    return any(f.kind == kind and f.key == key and f.value == Decimal(value) for f in x.figures)


def _missing(x: Extraction, spec: str) -> list[str]:
    """The lines “kind key value” of `spec` that the extraction lacks."""
    return [line for line in spec.split("\n") if line and not _has(x, *line.split())]


def test_seed_sections_are_found_by_their_headings() -> None:
    doc = split("seed", read_source(SEED).text)
    kinds = {s.heading: s.kind for s in doc.sections}
    assert kinds["三、支出决算情况说明"] == "expenditure"
    assert kinds["六、一般公共预算财政拨款基本支出决算情况说明"] == "basic"
    assert kinds["七、财政拨款“三公”经费支出决算情况说明"] == "three"
    assert kinds["（一）机关运行经费支出情况"] == "admin"
    assert kinds["十一、预算绩效的情况说明"] == "perf"
    assert kinds["第三部分 专业名词解释"] == "glossary"
    # the glossary's numbered entries are not headings of their own
    assert "一、财政拨款收入：指同级财政当年拨付的资金。" not in kinds


def test_seed_figures_with_their_meaning() -> None:
    x, _ = _seed()
    assert (
        _missing(
            x,
            """
amount income.grand_total 580.93
amount exp.basic 389.27
amount gpb.basic 389.27
amount exp.basic 319.56
amount gpb.item:2010301 340.75
yoy_amount gpb.item:2010301 -13.04
yoy_pct gpb.item:2010301 -3.69
budget budget:three.vehicle_operation 4.94
diff_rate budget:three.total -24.86
amount admin.cost 31.74
amount proc.services 102.74
count three.reception_people 42
count three.vehicles_held 2
""",
        )
        == []
    )
    share = next(f for f in x.figures if f.kind == "share" and f.key == "exp.basic")
    assert (share.value, share.denominator) == (Decimal("67.85"), "exp.total")
    growth = next(f for f in x.figures if f.kind == "yoy_pct" and f.key == "income.grand_total")
    assert growth.pair is not None and growth.pair.value == Decimal("85.78")
    assert len(x.figures) >= 140


def test_seed_unknown_amounts_are_skipped_not_guessed() -> None:
    x, _ = _seed()
    reasons = " ".join(s.reason for s in x.skipped)
    assert "固定资产原值" in reasons and "单价" in reasons
    assert not any(f.label.endswith("固定资产原值") for f in x.figures)
    assert len({s.sentence for s in x.skipped}) <= 5


def test_seed_performance_tables() -> None:
    doc = split("seed", read_source(SEED).text)
    tables = read_tables(doc)
    assert [t.project for t in tables] == [
        "2023年优化政务服务保障经费",
        "2023年“最多跑一次”改革领导小组办公室专项经费",
    ]
    assert [len(t.indicators) for t in tables] == [10, 10]
    first = tables[0]
    assert first.rate is not None and first.rate.value == Decimal("88.95")
    assert first.total_score is not None and first.total_score.value == Decimal("96.90")
    seal = next(i for i in tables[1].indicators if "电子印章" in i.name)
    assert (seal.target, seal.actual, seal.score.value) == ("<=4元", "=398元", Decimal("0.00"))


def test_headings_in_another_order_and_wording() -> None:
    text = (
        "（一）部门支出决算情况\n本年支出100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元，占40.00%。\n"
        "（二）部门收入决算情况\n本年收入100.00万元，其中：财政拨款收入100.00万元，占100.00%。\n"
    )
    x = extract(split("t", text))
    assert _has(x, "share", "exp.basic", "60.00") and _has(x, "share", "income.fiscal", "100.00")


def test_a_share_without_a_known_denominator_is_skipped() -> None:
    text = "十二、其他需说明的事项\n培训费5.00万元，占10.00%。\n"
    x = extract(split("t", text))
    assert not any(f.kind == "share" for f in x.figures)
    assert {s.sentence for s in x.skipped} == {"培训费5.00万元，占10.00%。"}


def test_thousands_separators_and_yuan() -> None:
    text = "一、收入支出决算总体情况说明\n2023年度收入总计5,809,310.00元。\n"
    x = extract(split("t", text))
    (fig,) = x.figures
    assert fig.value == Decimal("580.931") and fig.half == Decimal("0.0000005")


def test_chinese_numerals() -> None:
    assert [count_of(s) for s in ("零", "三", "十二", "二十", "四十二", "一百零五", "两")] == [
        0, 3, 12, 20, 42, 105, 2,
    ]  # fmt: skip
    assert count_of("12") == 12 and count_of("几") is None


def test_a_change_names_its_quantity() -> None:
    text = (
        "七、财政拨款“三公”经费支出决算情况说明\n"
        "公务接待费支出0.10万元，公务用车运行维护费3.80万元。公务接待费比上年增加0.07万元，增长233.33%。\n"
    )
    x = extract(split("t", text))
    change = next(f for f in x.figures if f.kind == "yoy_amount")
    assert change.key == "three.reception" and change.subject is not None
    assert change.subject.value == Decimal("0.10")  # not the 3.80 stated last


def test_changes_against_the_budget_and_unknown_subjects_are_skipped() -> None:
    text = (
        "五、一般公共预算财政拨款支出决算情况说明\n"
        "一般公共预算财政拨款支出573.75万元，比年初预算增加138.45万元，增长31.81%。\n"
        "培训费比上年增加1.00万元。\n"
    )
    x = extract(split("t", text))
    assert [f.kind for f in x.figures] == ["amount"]
    reasons = {s.reason for s in x.skipped}
    assert "与预算比较的增减（未核对）" in reasons
    assert "无法确定「培训费」所指的金额" in reasons


def test_other_regional_wordings() -> None:
    """Wordings seen in other regions' texts: “万” without 元, 上年结转和结余, 总支出,
    “预算为… 决算为…”, 接待批次为 N 个, 接待人次为 N 人."""
    text = (
        "一、收入支出决算总体情况说明\n"
        "5.经营收入 0.00 万,为事业单位在业务活动之外取得的收入。较 2022 年度决算数增加 0.00 万元,增长 0%。\n"
        "8.上年结转和结余 8.02 万元。较 2022 年度决算数增加 0.78 万元,增长 10.8%。\n"
        "9.固定资产净值 3.00 万元,较 2022 年度决算数增加 1.00 万元,增长 50.00%。\n"
        "本单位 2023 年度总支出 125.08 万元。\n"
        "七、“三公”经费支出情况\n"
        "“三公”经费财政拨款支出预算为44.52万元,2019年实际支出“三公经费”决算为22.62万元。"
        "其中公务接待费为20.10万元,占88.86%;公务用车运行维护费为2.52万元,占11.14%。"
        "公务用车保有量为2辆,国内公务接待批次为520个,接待人次为4200人。\n"
    )
    x = extract(split("t", text))
    assert _has(x, "amount", "income.operating", "0.00")
    assert _has(x, "amount", "income.carry_in", "8.02")
    carry = next(f for f in x.figures if f.kind == "yoy_amount" and f.value == Decimal("0.78"))
    assert carry.key == "income.carry_in"
    # the change after an amount of unknown meaning is not pinned on the amount before it
    assert not any(f.kind == "yoy_amount" and f.value == Decimal("1.00") for f in x.figures)
    assert (
        _missing(
            x,
            """
amount exp.grand_total 125.08
budget budget:three.total 44.52
actual three.total 22.62
share three.reception 88.86
count three.reception_batches 520
count three.reception_people 4200
count three.vehicles_held 2
""",
        )
        == []
    )


def test_short_words_in_the_appropriation_section_mean_appropriations() -> None:
    text = (
        "四、财政拨款收入支出决算总体情况说明\n"
        "财政拨款收入总计573.84万元，其中：本年收入573.75万元，年初结转和结余0.09万元。\n"
    )
    x = extract(split("t", text))
    assert [f.key for f in x.figures] == ["fiscal.income_grand", "fiscal.income", "fiscal.carry_in"]
