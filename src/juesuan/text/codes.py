"""Codes, names, severities and summaries of the TX family (the explanation text) and of
XT215 (X15, 机关运行经费 against T6 公用经费合计, checked where the text is read).

Plain tuples: `juesuan.rules.registry` imports this at start-up and must not import back.
"""

from __future__ import annotations

# (code, name, severity, summary zh, summary en)
TEXT_RULES: tuple[tuple[str, str, str, str, str], ...] = (
    ("TX301", "text-table-mismatch", "error",
     "说明中的金额与其所复述的表格单元格不一致",
     "an amount in the text differs from the table cell it restates"),
    ("TX302", "text-share-mismatch", "error",
     "说明中的占比与其金额算出的比例不一致",
     "a share in the text differs from the ratio of its amounts"),
    ("TX303", "text-sum-mismatch", "error",
     "说明中各分项金额之和与所述合计不一致",
     "parts stated in the text do not add up to the stated total"),
    ("TX304", "text-growth-mismatch", "error",
     "说明中的增减幅度与增减额、本年数不符",
     "a year-on-year percentage does not follow from the change and the current amount"),
    ("TX305", "text-budget-rate-mismatch", "error",
     "说明中的预决算差异率或预算完成率与预算数、决算数不符",
     "a budget variance or completion rate does not follow from its amounts"),
    ("TX306", "text-restated-differently", "error",
     "同一数额在说明中前后表述不一致",
     "the text states the same quantity twice with different values"),
    ("TX307", "perf-execution-rate-mismatch", "error",
     "绩效自评表执行率与全年执行数、全年预算数不符",
     "a performance table's execution rate does not match its amounts"),
    ("TX308", "perf-score-sum-mismatch", "error",
     "绩效自评表总分与各项得分之和不符，或得分超过分值",
     "a performance table's total score is not the sum of its scores"),
    ("TX309", "perf-indicator-implausible", "warning",
     "绩效指标的实际完成值与年度指标值相差悬殊或未达标却得满分",
     "an indicator's result is far off its target, or misses it yet scores in full"),
    ("TX310", "text-prior-year-mismatch", "error",
     "说明中的增减额、增减幅度与上年决算表不符",
     "a year-on-year change differs from last year's workbook"),
    ("TX311", "three-counts-inconsistent", "warning",
     "“三公”经费金额与所述团组、批次、车辆数不相称或未写明",
     "a 三公 amount and its stated counts (groups, receptions, vehicles) disagree"),
    ("XT215", "admin-cost-vs-t6-public", "error",
     "说明中的机关运行经费与基本支出表公用经费合计不符（行政单位应相等，混合单位不应超过）",
     "机关运行经费 in the text vs T6 公用经费合计: equal for an administrative unit, ≤ otherwise"),
)  # fmt: skip
