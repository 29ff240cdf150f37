"""`juesuan addin build`: the .xlam made from xlwings' quickstart ribbon add-in."""

from __future__ import annotations

import importlib
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner

from juesuan.addin import ADDIN_FILE
from juesuan.addin.build import (
    CALLBACK,
    CONFIG_SHEET,
    CUSTOM_UI,
    CUSTOM_UI_NS,
    Config,
    build,
    source_addin,
)
from juesuan.cli import main as cli

NS = {"ui": CUSTOM_UI_NS}


@pytest.fixture
def xlam(tmp_path: Path) -> Path:
    return build(tmp_path, Config(interpreter=sys.executable, pythonpath="C:\\用户\\juesuan src"))


def test_ribbon_is_a_well_formed_2006_customui_with_the_button(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as z:
        root = ET.fromstring(z.read(CUSTOM_UI))
    assert root.tag == f"{{{CUSTOM_UI_NS}}}customUI"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) == 3
    [tab] = root.findall(".//ui:tab", NS)
    assert tab.get("label") == "决算校验"
    [button] = root.findall(".//ui:button", NS)
    assert button.get("label") == "校验"
    assert button.get("size") == "large"
    assert button.get("imageMso") == "AcceptInvitation"
    assert button.get("onAction") == CALLBACK
    assert "校验结果" in (button.get("supertip") or "")


def test_content_types_and_relationships_point_at_the_ribbon(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as z:
        rels = ET.fromstring(z.read("_rels/.rels"))
        types = ET.fromstring(z.read("[Content_Types].xml"))
    ui = [r for r in rels if r.get("Type", "").endswith("/ui/extensibility")]
    assert [r.get("Target") for r in ui] == [CUSTOM_UI]
    overrides = {
        o.get("PartName"): o.get("ContentType") for o in types if o.tag.endswith("Override")
    }
    defaults = {
        d.get("Extension"): d.get("ContentType") for d in types if d.tag.endswith("Default")
    }
    assert overrides.get("/" + CUSTOM_UI, defaults.get("xml")) == "application/xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"


def test_vba_is_xlwings_own_byte_for_byte_and_names_the_callback(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as built, zipfile.ZipFile(source_addin()) as source:
        assert built.read("xl/vbaProject.bin") == source.read("xl/vbaProject.bin")
        changed = {n for n in source.namelist() if built.read(n) != source.read(n)}
        assert sorted(built.namelist()) == sorted(source.namelist())
        vba = built.read("xl/vbaProject.bin")
    assert changed == {CUSTOM_UI, "xl/workbook.xml", "xl/worksheets/sheet1.xml"}
    module, _, procedure = CALLBACK.partition(".")
    assert f"Module={module}".encode() in vba and procedure.encode() in vba


def test_callback_module_is_the_file_name_and_provides_main() -> None:
    # The VBA imports the add-in's file name up to its last dot and calls main() on it.
    module = ADDIN_FILE.rsplit(".", 1)[0]
    assert module == "juesuan.addin"
    assert callable(importlib.import_module(module).main)


def test_config_sheet_is_switched_on_and_filled(xlam: Path) -> None:
    with io.BytesIO(xlam.read_bytes()) as data:
        book = python_calamine.CalamineWorkbook.from_filelike(data)
        assert book.sheet_names == [CONFIG_SHEET]
        rows = book.get_sheet_by_name(CONFIG_SHEET).to_python(skip_empty_area=False)
    keys = [row[0] for row in rows[:10]]
    assert "" not in keys  # the VBA reads A1 down to the first blank
    settings = {str(row[0]).upper(): row[1] if len(row) > 1 else "" for row in rows[:10]}
    assert settings["INTERPRETER_WIN"] == settings["INTERPRETER_MAC"] == sys.executable
    assert settings["PYTHONPATH"] == "C:\\用户\\juesuan src"
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] is False
    assert all(row[0] == "" for row in rows[10:])


def test_the_command_excel_runs_reaches_main_and_fails_politely(tmp_path: Path) -> None:
    """What the VBA runs (RunPython with the add-in's config), without Excel: Book.caller()
    fails, and the user sees one short Chinese line and the log file, never a traceback."""
    module = ADDIN_FILE.rsplit(".", 1)[0]
    command = (
        'import xlwings.utils;xlwings.utils.prepare_sys_path("False;;;;;;"); '
        f"import {module};{module}.main()"
    )
    env = {**os.environ, "JUESUAN_LOG_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-B", "-c", command, "--wb=2023决算.xlsx", "--from_xl=1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("校验没有完成：")
    assert str(tmp_path / "addin.log") in done.stderr
    assert "Traceback" not in done.stderr
    assert "Traceback" in (tmp_path / "addin.log").read_text(encoding="utf-8")


def test_importing_the_add_in_or_the_cli_does_not_import_xlwings() -> None:
    code = "import sys, juesuan.addin, juesuan.cli; print('xlwings' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_build_writes_the_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["addin", "build", "--out", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert (tmp_path / ADDIN_FILE).is_file()
    again = runner.invoke(cli, ["addin", "build", "--out", str(tmp_path)])
    assert again.exit_code == 2
    assert "已存在" in again.output
    forced = runner.invoke(cli, ["addin", "build", "--out", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    english = runner.invoke(cli, ["addin", "build", "--out", str(tmp_path), "--lang", "en"])
    assert english.exit_code == 2
    assert english.output.startswith("output file exists:")
    fresh = runner.invoke(cli, ["addin", "build", "--out", str(tmp_path / "en"), "--lang", "en"])
    assert fresh.exit_code == 0
    assert fresh.output.startswith("Excel add-in built:")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Excel exists there")
@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_install_without_excel_says_so_and_exits_2(command: str) -> None:
    result = CliRunner().invoke(cli, ["addin", command])
    assert result.exit_code == 2
    assert "只能安装在 Windows 或 macOS 上" in result.output
    english = CliRunner().invoke(cli, ["addin", command, "--lang", "en"])
    assert english.exit_code == 2
    assert english.output.startswith("the Excel add-in installs on Windows or macOS only")


def test_default_config_is_this_python_and_where_juesuan_lives() -> None:
    import juesuan
    from juesuan.addin.build import default_config

    config = default_config()
    assert config.interpreter == sys.executable
    home = Path(juesuan.__file__).resolve().parent.parent
    # an editable install (a source tree) needs PYTHONPATH; site-packages does not
    in_site = "site-packages" in home.parts or "dist-packages" in home.parts
    assert config.pythonpath == ("" if in_site else str(home))
