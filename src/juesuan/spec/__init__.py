"""The statutory tables of each edition, loaded from the TOML files beside this module."""

from juesuan.spec.load import available_editions, edition_for_year, load_edition
from juesuan.spec.model import (
    LEVEL_BY_DIGITS,
    CodeBook,
    ColumnSpec,
    Edition,
    PanelSpec,
    RowSpec,
    SectionSpec,
    TableSpec,
)

__all__ = [
    "LEVEL_BY_DIGITS",
    "CodeBook",
    "ColumnSpec",
    "Edition",
    "PanelSpec",
    "RowSpec",
    "SectionSpec",
    "TableSpec",
    "available_editions",
    "edition_for_year",
    "load_edition",
]
