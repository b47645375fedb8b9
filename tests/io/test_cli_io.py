"""`cchc validate` / `cchc import` / `cchc template` on every layout (issue 12)."""

from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from cchc_analysis.cli import main
from cchc_analysis.io.template import default_tree, summary_workbook

UNITS = [("vu-phap-che", "Vụ Pháp chế", "vu"), ("van-phong", "Văn phòng Bộ", "van-phong")]


def _summary(path, years=(2023, 2024)):
    vals = {}
    for y in years:
        for u, _, _ in UNITS:
            for n in default_tree():
                if n["leaf"]:
                    vals[(y, u, n["id"], "points")] = n["max"] / 2
                    vals[(y, u, n["id"], "self")] = n["max"]
    vals[(2024, "van-phong", "2.2", "points")] = "-"
    summary_workbook(UNITS, years=years, values=vals, formulas=False).save(path)
    return path


def test_import_summary_to_each_format(tmp_path, capsys):
    src = _summary(tmp_path / "bth.xlsx")
    for ext in ("csv", "parquet", "xlsx"):
        out = tmp_path / f"tidy.{ext}"
        assert main(["import", str(src), "--out", str(out)]) == 0
        assert out.exists()
    text = capsys.readouterr().out
    assert "2 đơn vị, năm 2023, 2024, 23 tiêu chí; 1 ô không phát sinh" in text
    assert "0 sai" in text
    back = pd.read_parquet(tmp_path / "tidy.parquet")
    assert len(back) == 2 * 2 * 23 and {"criterion_name", "self_points"} <= set(back.columns)
    from cchc_analysis.io import read_scores

    again = read_scores(tmp_path / "tidy.csv")  # the tidy table reads back the same
    assert again["points"].sum() == back["points"].sum()


def test_import_refuses_bad_data_and_writes_nothing(tmp_path, capsys):
    src = _summary(tmp_path / "bth.xlsx")
    wb = load_workbook(src)
    ws = wb["Bảng tổng hợp 2024"]
    ws["E8"] = 5  # above the maximum (1) of 1.1.1, and its subtotal no longer adds up
    wb.save(src)
    out = tmp_path / "tidy.csv"
    assert main(["import", str(src), "--out", str(out), "--lang", "en"]) == 1
    assert not out.exists()
    text = capsys.readouterr().out
    assert "Bảng tổng hợp 2024  8" in text and "Vụ Pháp chế – Thẩm định (E)" in text


def test_validate_natural_sheet_order_and_renamed_sheet(tmp_path, capsys):
    p = tmp_path / "t.xlsx"
    assert main(["template", str(p), "--units", "11"]) == 0
    wb = load_workbook(p)
    for k in range(1, 12):
        ws = wb[f"don-vi-{k}"]
        for r in range(3, ws.max_row + 1):  # row 2 left empty: one problem per sheet
            ws.cell(r, 5).value = 0.5
    wb["don-vi-7"].title = "Phòng 7"
    wb.save(p)
    assert main(["validate", str(p)]) == 1
    out = capsys.readouterr().out
    sheets = [line.split()[0] for line in out.split("Lỗi")[-1].splitlines()[2:] if line.startswith("don-vi")]
    order = list(dict.fromkeys(sheets))
    assert order == [f"don-vi-{k}" for k in (1, 2, 3, 4, 5, 6, 8, 9, 10, 11)]
    assert "tên trang tính 'Phòng 7' không khớp mã đơn vị" in out
    assert "nan" not in out.lower()


def test_template_bang_tong_hop(tmp_path, capsys):
    p = tmp_path / "bth.xlsx"
    assert main(["template", str(p), "--layout", "bang-tong-hop", "--year", "2023", "--year", "2024"]) == 0
    assert {"Bảng tổng hợp 2023", "Bảng tổng hợp 2024"} <= set(load_workbook(p).sheetnames)
