"""Why a file cannot be used at all. Each problem is one line in Chinese and in English."""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.i18n import Said


@dataclass(frozen=True)
class InputProblem(Said):
    """A file that cannot be validated: raised by readers, turned into exit code 2 by the CLI.

    `code` is a stable IN-family rule code (see `juesuan.rules.registry`).
    """

    code: str
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh
