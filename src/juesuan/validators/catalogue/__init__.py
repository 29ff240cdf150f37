"""The identity catalogues (TOML files beside this module) and their rule metadata.

Only `tomllib` is imported: the rule registry reads the metadata of every catalogue rule at
import, so that `juesuan.rules.finding()` knows the codes without a second, hand-kept list.

The syntax of a catalogue is explained for finance staff in the comment block at the top of
within.toml (cross.toml adds the references across tables); the grammar of `check` is in `juesuan.validators.expr`, the kinds of rule in
`juesuan.validators.rulebook`.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

WITHIN = "within.toml"  # identities inside one table
CROSS = "cross.toml"  # identities between tables (nine-tables.md §3 X1–X14)
CATALOGUES = (WITHIN, CROSS)


@functools.cache
def raw_rules(name: str = "within.toml") -> tuple[dict[str, Any], ...]:
    """The [[rule]] tables of one catalogue file, parsed once per process."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return tuple(tomllib.loads(text).get("rule", []))


def metadata(name: str = WITHIN) -> list[tuple[str, str, str, str, str]]:
    """(code, name, severity, summary, summary_en) of every rule of one catalogue, in file
    order."""
    return [
        (r["code"], r["name"], r["severity"], r["summary"], r["summary_en"])
        for r in raw_rules(name)
    ]
