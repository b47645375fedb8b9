"""Tests for cchc_analysis.outputs and cchc_analysis.text."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from cchc_analysis.config import RAW_DIR
from cchc_analysis.outputs import atomic_write_text, safe_filename, write_csv, write_xlsx
from cchc_analysis.text import parse_number


def test_refuses_to_write_into_raw(tmp_path):
    with pytest.raises(PermissionError, match="data/raw"):
        atomic_write_text(RAW_DIR / "x.txt", "no")
    assert not (RAW_DIR / "x.txt").exists()


def test_formula_cells_neutralised_in_csv_and_xlsx(tmp_path):
    df = pd.DataFrame({"unit_name": ['=HYPERLINK("http://evil","x")', "+1", "@SUM(A1)", "Bộ Y tế", "-x+1", "+0.33"],
                       "index": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    csv = write_csv(df, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n'@SUM(A1)," in csv and "\n'-x+1," in csv and "Bộ Y tế" in csv
    assert "\n+1," in csv and "\n+0.33," in csv and "-1.0" in csv  # numbers written as text are no formulas
    ws = load_workbook(write_xlsx({"bảng": df}, tmp_path / "t.xlsx"))["bảng"]
    assert ws["A2"].value.startswith("'=") and ws["A2"].data_type == "s"
    assert ws["B2"].value == -1.0


def test_xlsx_and_docx_zip_entries_have_fixed_times(tmp_path):
    import zipfile

    from cchc_analysis.outputs import deterministic_zip

    df = pd.DataFrame({"a": [1.5]})
    one = write_xlsx({"s": df}, tmp_path / "1.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "1.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert deterministic_zip(one) == one


def test_csv_bytes_identical_on_rewrite(tmp_path):
    df = pd.DataFrame({"a": [1.5, 2.25], "b": ["x", "ý"]})
    one = write_csv(df, tmp_path / "1.csv").read_bytes()
    two = write_csv(df, tmp_path / "2.csv").read_bytes()
    assert one == two


def test_safe_filename_never_raw_text():
    assert safe_filename('=HYPERLINK("a")/../x') == "hyperlink-a-x"
    assert safe_filename("   ") == "unnamed"


@pytest.mark.parametrize("text,value", [("89,95", 89.95), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
                                        ("92.18 %", 92.18), ("\u00a07 ", 7.0), ("−2", -2.0), (3, 3.0)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("bad", ["tốt", "1,2,3.4.5x", "--1"])
def test_parse_number_rejects(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


def test_outputs_have_ordinary_permissions(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        p = atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
