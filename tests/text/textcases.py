"""Case files of the text rules (tests/text/cases/<CODE>.toml): a text (one of texts/ with
replacements, or written inline), optionally the sample workbook with changed cells and a
last-year workbook, and where the findings of the code must be.

```toml
[[fail]]
note = "基本支出 share typed wrong"            # what the case plants
base = "standard_2023.txt"                    # a text of tests/text/texts/
replace = [["占67.85%", "占76.85%"]]           # each old string must occur exactly once
workbook = true                               # check with sample_2023.xlsx (default: text alone)
set = { "T6:main:public.total:amount" = "30.00" }   # cells changed (tests/rules/README.md syntax)
prior = { "T7:main:main:final.total" = "3.78" }     # last year's workbook: the sample, changed
expect = ["占76.85%"]                           # fail: one fragment of each finding's quoted
severity = "notice"                           #       sentence, in text order
text = "……"                                   # instead of base/replace: the whole text
```
"""

from __future__ import annotations

import functools
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "rules"))

from rulecases import Case as WorkbookCase  # noqa: E402
from rulecases import apply  # noqa: E402

from juesuan.tables import Workbook  # noqa: E402
from juesuan.text.check import TextResult, check_text  # noqa: E402
from juesuan.text.source import Source, decode  # noqa: E402

TEXTS = HERE / "texts"
CASES = HERE / "cases"
KEYS = {"note", "base", "replace", "workbook", "set", "prior", "expect", "severity", "text"}


@dataclass(frozen=True)
class TextCase:
    code: str
    kind: str
    number: int
    raw: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.code}-{self.kind}-{self.number}"

    def text(self) -> str:
        if "text" in self.raw:
            return str(self.raw["text"])
        base = read_text(str(self.raw["base"]))
        for old, new in self.raw.get("replace", []):
            assert base.count(old) == 1, f"{self.id}: {old!r} occurs {base.count(old)} times"
            base = base.replace(old, new)
        return base

    def workbook(self, changes: dict[str, str] | None) -> Workbook:
        return apply(
            WorkbookCase(self.code, self.kind, self.number, "", changes or {}, (), (), (), None)
        )

    def run(self) -> TextResult:
        wb = self.workbook(self.raw.get("set")) if self.raw.get("workbook") else None
        prior = self.workbook(self.raw["prior"]) if "prior" in self.raw else None
        return check_text(Source(f"{self.id}.txt", self.text(), "txt"), wb, prior)


@functools.cache
def read_text(name: str) -> str:
    return decode((TEXTS / name).read_bytes(), name)[0]


@functools.cache
def case_files() -> dict[str, tuple[list[TextCase], list[TextCase]]]:
    out: dict[str, tuple[list[TextCase], list[TextCase]]] = {}
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(data) <= {"fail", "pass"}, path.name
        lists = []
        for kind in ("fail", "pass"):
            cases = []
            for n, raw in enumerate(data.get(kind, []), 1):
                unknown = set(raw) - KEYS
                assert not unknown, f"{path.stem} {kind}-{n}: unknown keys {sorted(unknown)}"
                cases.append(TextCase(path.stem, kind, n, raw))
            lists.append(cases)
        out[path.stem] = (lists[0], lists[1])
    return out


def all_cases() -> list[TextCase]:
    return [c for fails, passes in case_files().values() for c in (*fails, *passes)]
