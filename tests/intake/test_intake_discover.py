"""Discovery: folders, archives taken apart safely, stable keys. Real files in tmp_path."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from conftest import SAMPLES
from hostile import raw_zip, zeros_deflated
from juesuan.intake.discover import discover
from juesuan.io.package_scan import Limits

SAMPLE = SAMPLES / "sample_2023.xlsx"


def run(tmp_path: Path, *paths: Path, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    return discover(list(paths), tmp_path / "out", tmp_path / "work", limits or Limits())


def test_member_names_never_become_paths_outside_the_work_folder(tmp_path: Path) -> None:
    archive = tmp_path / "in" / "报送.zip"
    archive.parent.mkdir()
    data = SAMPLE.read_bytes()
    with zipfile.ZipFile(archive, "w") as z:
        for name in (
            "../../逃逸.xlsx",
            "/etc/绝对.xlsx",
            "a/../../../上级.xlsx",
            "..\\..\\反斜杠.xlsx",
        ):
            z.writestr(name, data)
    found = run(tmp_path, archive)
    work = (tmp_path / "work").resolve()
    assert len(found.submissions) == 4
    for sub in found.submissions:
        assert sub.problem is None
        assert sub.path.resolve().is_relative_to(work), sub.path
        assert sub.path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.rglob("*.xlsx")) == sorted(
        ["逃逸.xlsx", "绝对.xlsx", "上级.xlsx", "反斜杠.xlsx"]
    )  # only the four copies in work/, nothing beside or above it
    assert {s.key for s in found.submissions} >= {
        f"{tmp_path.as_posix()}/in/报送.zip/etc/绝对.xlsx"
    }


def test_gbk_member_names_from_chinese_zip_tools_are_read_as_gbk(tmp_path: Path) -> None:
    """Windows zip tools in Chinese locales write GBK names without the UTF-8 flag."""
    gbk = "报送.xlsx".encode("gbk")
    placeholder = b"X" * (len(gbk) - 5) + b".xlsx"
    archive = tmp_path / "gbk.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(placeholder.decode(), SAMPLE.read_bytes())
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))
    found = run(tmp_path, archive)
    assert [s.name for s in found.submissions] == ["报送.xlsx"]
    assert found.submissions[0].key.endswith("gbk.zip/报送.xlsx")


def test_bombs_oversized_members_nested_archives_and_other_files(tmp_path: Path) -> None:
    bomb, crc = zeros_deflated(64)
    data = SAMPLE.read_bytes()
    archive = raw_zip(tmp_path / "bomb.zip", [("炸弹.xlsx", bomb, crc, 64 << 20)])
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as z:
        z.writestr("好的.xlsx", data)
        z.writestr("说明.pdf", b"%PDF-1.7")
        z.writestr("~$好的.xlsx", b"lock")
    found = run(tmp_path, archive, tmp_path / "more.zip", limits=Limits(max_file_bytes=64 << 20))
    problems = {s.name: s.problem for s in found.submissions}
    assert problems["炸弹.xlsx"] is not None and problems["炸弹.xlsx"].code == "IN104"
    assert "压缩炸弹" in problems["炸弹.xlsx"].zh
    assert problems["好的.xlsx"] is None
    assert not list((tmp_path / "work").rglob("炸弹.xlsx"))  # never inflated
    reasons = {i.key.rsplit("/", 1)[1]: i.reason for i in found.ignored}
    assert set(reasons) == {"说明.pdf", "~$好的.xlsx"}
    assert "临时锁文件" in reasons["~$好的.xlsx"]


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def gbk_zip(path: Path, name: str, data: bytes) -> Path:
    """One member named in GBK without the UTF-8 flag, as Chinese Windows zip tools write it:
    written under an ASCII placeholder of the same byte length, then renamed in the bytes."""
    gbk = name.encode("gbk")
    suffix = Path(name).suffix.encode()
    placeholder = b"X" * (len(gbk) - len(suffix)) + suffix
    zip_of(path, {placeholder.decode(): data})
    path.write_bytes(path.read_bytes().replace(placeholder, gbk))
    return path


def test_a_zip_of_zips_is_opened_one_level_deep_under_the_same_checks(tmp_path: Path) -> None:
    """Districts send the zips of their units in one zip."""
    data = SAMPLE.read_bytes()
    bomb, crc = zeros_deflated(64)
    inner = tmp_path / "parts"
    inner.mkdir()
    zip_of(inner / "deeper.zip", {"最深.xlsx": data})
    district_a = zip_of(inner / "a.zip", {"甲单位.xlsx": data, "../../逃逸.xlsx": data})
    district_b = zip_of(
        inner / "b.zip",
        {"乙单位.xlsx": data, "更深.zip": (inner / "deeper.zip").read_bytes(), "说明.pdf": b"%PDF"},
    )
    bombs = raw_zip(inner / "c.zip", [("炸弹.xlsx", bomb, crc, 64 << 20)])
    outer = zip_of(
        tmp_path / "全市.zip",
        {
            "区县A.zip": district_a.read_bytes(),
            "区县B/区县B.zip": district_b.read_bytes(),
            "区县C.zip": bombs.read_bytes(),
            "坏的.zip": district_a.read_bytes()[:200],
            "直接.xlsx": data,
        },
    )
    found = run(tmp_path, outer, limits=Limits(max_file_bytes=64 << 20))
    root = f"{tmp_path.as_posix()}/全市.zip"
    subs = {s.key.removeprefix(root + "/"): s for s in found.submissions}
    assert set(subs) == {
        "区县A.zip/甲单位.xlsx",
        "区县A.zip/../../逃逸.xlsx",
        "区县B/区县B.zip/乙单位.xlsx",
        "区县C.zip/炸弹.xlsx",
        "坏的.zip",
        "直接.xlsx",
    }
    work = (tmp_path / "work").resolve()
    for key in (
        "区县A.zip/甲单位.xlsx",
        "区县A.zip/../../逃逸.xlsx",
        "区县B/区县B.zip/乙单位.xlsx",
    ):
        sub = subs[key]
        assert sub.problem is None, key
        assert sub.path.resolve().is_relative_to(work) and sub.path.read_bytes() == data, key
    bombed = subs["区县C.zip/炸弹.xlsx"].problem
    assert bombed is not None and bombed.code == "IN104" and "压缩炸弹" in bombed.zh
    damaged = subs["坏的.zip"].problem
    assert damaged is not None and damaged.code == "IN102"
    assert not list((tmp_path / "work").rglob("炸弹.xlsx"))  # never inflated
    assert not list((tmp_path / "work").rglob("*.zip"))  # the nested copies went once read
    assert not list(tmp_path.glob("逃逸.xlsx")) and not list(tmp_path.parent.glob("逃逸.xlsx"))
    reasons = {i.key.removeprefix(root + "/"): i.reason for i in found.ignored}
    assert set(reasons) == {"区县B/区县B.zip/更深.zip", "区县B/区县B.zip/说明.pdf"}
    assert "只展开一层" in reasons["区县B/区县B.zip/更深.zip"]


def test_gbk_names_inside_a_nested_zip_are_read_as_gbk(tmp_path: Path) -> None:
    inner = gbk_zip(tmp_path / "inner.zip", "甲单位.xlsx", SAMPLE.read_bytes())
    outer = gbk_zip(tmp_path / "outer.zip", "区县.zip", inner.read_bytes())
    found = run(tmp_path, outer)
    assert [s.name for s in found.submissions] == ["甲单位.xlsx"]
    assert found.submissions[0].key.endswith("outer.zip/区县.zip/甲单位.xlsx")
    assert found.submissions[0].problem is None
    assert found.submissions[0].path.read_bytes() == SAMPLE.read_bytes()


def test_nested_zips_share_the_outer_archives_bounds(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A nested zip cannot multiply the limits: its workbooks count against what the outer
    archive may still unpack."""
    from juesuan.intake import archive

    data = SAMPLE.read_bytes()
    district = zip_of(tmp_path / "d.zip", {f"{n}.xlsx": data for n in range(3)})
    outer = zip_of(tmp_path / "outer.zip", {"区县.zip": district.read_bytes(), "直接.xlsx": data})
    # room for the outer archive's own members (the nested zip and one workbook) but not
    # for the three workbooks in the nested zip as well
    monkeypatch.setattr(archive, "MAX_ARCHIVE_UNPACKED", district.stat().st_size + 2 * len(data))
    found = run(tmp_path, outer)
    subs = {s.key.rsplit("outer.zip/", 1)[1]: s for s in found.submissions}
    assert set(subs) == {"区县.zip", "直接.xlsx"}
    assert subs["直接.xlsx"].problem is None
    problem = subs["区县.zip"].problem
    assert problem is not None and problem.code == "IN104" and "连同外层压缩包" in problem.zh


def test_member_over_the_file_size_limit_is_not_taken_out(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "big.zip", "w") as z:
        z.writestr("大.xlsx", SAMPLE.read_bytes())
    found = run(tmp_path, tmp_path / "big.zip", limits=Limits(max_file_bytes=1000))
    [sub] = found.submissions
    assert sub.problem is not None and sub.problem.code == "IN104" and "太大" in sub.problem.zh
    assert not sub.path.exists()


def test_a_damaged_archive_is_one_unreadable_submission(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("好的.xlsx", SAMPLE.read_bytes())
    raw = (tmp_path / "a.zip").read_bytes()
    (tmp_path / "b.zip").write_bytes(raw[: len(raw) // 2])
    found = run(tmp_path, tmp_path / "b.zip")
    [sub] = found.submissions
    assert sub.key.endswith("b.zip") and sub.problem is not None and sub.problem.code == "IN102"
    assert "压缩包已损坏" in sub.problem.zh


def test_folders_are_walked_in_a_stable_order_without_the_output_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "b").mkdir(parents=True)
    (inbox / "a").mkdir()
    shutil.copy(SAMPLE, inbox / "b" / "2.xlsx")
    shutil.copy(SAMPLE, inbox / "a" / "1.xls")
    (inbox / "a" / "说明.txt").write_text("x", encoding="utf-8")
    out = inbox / "out"
    (out / "带注释副本").mkdir(parents=True)
    shutil.copy(SAMPLE, out / "带注释副本" / "旧副本.xlsx")
    found = discover(
        [inbox, inbox / "b" / "2.xlsx", tmp_path / "无此文件.xlsx"], out, tmp_path / "w", Limits()
    )
    keys = [s.key for s in found.submissions]
    root = inbox.as_posix()
    assert keys == sorted(keys)
    assert keys == [f"{root}/a/1.xls", f"{root}/b/2.xlsx", f"{tmp_path.as_posix()}/无此文件.xlsx"]
    missing = found.submissions[-1].problem
    assert missing is not None and missing.code == "IN108"
    assert [i.key for i in found.ignored] == [f"{root}/a/说明.txt"]
