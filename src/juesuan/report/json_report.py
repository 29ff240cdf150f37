"""The JSON contract (docs/json-contract.md): one object per file, amounts as exact strings."""

from __future__ import annotations

import json

from juesuan.findings import Report


def dumps(reports: list[Report], lang: str = "zh") -> str:
    objects = [r.to_json(lang) for r in reports]
    payload: object = objects[0] if len(objects) == 1 else objects
    return json.dumps(payload, ensure_ascii=False, indent=2)
