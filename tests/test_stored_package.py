"""The package the scan hands to python-calamine: the same members with the same bytes, the XML
parts stored as the scan inflated them and every other part copied compressed; calamine reads
it exactly as it reads the file. Where it cannot be rebuilt exactly, calamine reads the file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from annotate_fixtures import build_rich_workbook
from juesuan.io import package_scan
from juesuan.io.calamine_reader import read_grids
from juesuan.io.grid import Grid
from juesuan.io.package_scan import scan

SAMPLES = sorted((Path(__file__).parent.parent / "sample_workbooks").glob("*.xlsx"))


def _members(data: bytes | Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as z:
        assert z.testzip() is None  # every member inflates and passes its CRC
        return [(info.filename, z.read(info)) for info in z.infolist()]


def _methods(data: bytes) -> dict[str, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: info.compress_type for info in z.infolist()}


def _seen(grids: list[Grid]) -> list[tuple[object, ...]]:
    return [(g.name, g.rows, g.merged, g.hidden, g.formulas_without_value) for g in grids]


def _same_reading(path: Path) -> bytes:
    """The stored package of `path`: the same members and bytes, and the same grids."""
    info = scan(path)
    assert info.stored is not None
    assert _members(info.stored) == _members(path)
    formulas = info.formulas_without_value
    assert _seen(read_grids(path, formulas, info.stored)) == _seen(read_grids(path, formulas))
    return info.stored


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_read_the_same_from_the_stored_package(path: Path) -> None:
    stored = _same_reading(path)
    assert set(_methods(stored).values()) == {zipfile.ZIP_STORED}


def test_parts_the_scan_does_not_inflate_keep_their_compression(tmp_path: Path) -> None:
    """A picture, a chart, comments, a table (the rich workbook of the annotate tests) and a
    sheet too large to inflate at once (over 1 MiB of XML, inflated in chunks)."""
    rich = build_rich_workbook(tmp_path / "rich.xlsx")
    stored = _same_reading(rich)
    methods = _methods(stored)
    assert methods["xl/media/image1.png"] == zipfile.ZIP_DEFLATED
    assert methods["xl/worksheets/sheet1.xml"] == zipfile.ZIP_STORED

    big = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(big)
    ws = wb.add_worksheet("收入决算表")
    for r in range(4000):
        ws.write_row(r, 0, [f"行{r}", *(r * 1.25 + c for c in range(9))])
    wb.close()
    with zipfile.ZipFile(big) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 20
    methods = _methods(_same_reading(big))
    assert methods["xl/worksheets/sheet1.xml"] == zipfile.ZIP_DEFLATED
    assert methods["xl/sharedStrings.xml"] == zipfile.ZIP_STORED


def test_past_the_budget_parts_are_handed_over_compressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the scan keeps of its inflated parts is bounded; the rest goes compressed, and the
    reading is the same."""
    monkeypatch.setattr(package_scan, "_KEEP_INFLATED", 60_000)
    path = SAMPLES[-1]
    methods = _methods(_same_reading(path))
    assert zipfile.ZIP_STORED in methods.values()
    assert zipfile.ZIP_DEFLATED in methods.values()


def test_a_member_the_package_cannot_carry_over_leaves_calamine_the_file(tmp_path: Path) -> None:
    """A picture whose local header is not where the directory says: nothing reads it, so the
    file is valid for the scan, but it cannot be copied exactly; calamine reads the file."""
    book = tmp_path / "picture.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "收入支出决算总表"
    ws.append(["合计", 1234.5])
    wb.save(book)
    with zipfile.ZipFile(book, "a") as z:
        z.writestr("xl/media/image9.png", b"\x89PNG" + bytes(64))
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        at = z.getinfo("xl/media/image9.png").header_offset
    data[at : at + 4] = b"XXXX"
    book.write_bytes(bytes(data))

    info = scan(book)
    assert info.stored is None
    grids = read_grids(book, info.formulas_without_value, info.stored)
    assert grids[0].rows == [["合计", 1234.5]]


def test_the_stored_package_is_what_the_scan_checked(tmp_path: Path) -> None:
    """calamine reads the bytes that were checked: a file replaced after its scan is not read."""
    path = tmp_path / "sample.xlsx"
    path.write_bytes(SAMPLES[-1].read_bytes())
    info = scan(path)
    path.write_bytes(b"not a workbook any more")
    grids = read_grids(path, info.formulas_without_value, info.stored)
    assert [g.name for g in grids] == list(info.sheet_names)
    assert _seen(grids) == _seen(read_grids(SAMPLES[-1]))
