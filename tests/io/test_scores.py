"""Tests for cchc_analysis.io: formats, real-world mess, and every DataError case located."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from cchc_analysis.errors import DataError
from cchc_analysis.io import SCORE_COLUMNS, read_scores, validate_scores, write_template

HEADER = "year,unit_id,unit_name,unit_type,field,criterion,component,max_points,points,applicable\n"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def xlsx(tmp_path, name, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None):
    wb = Workbook()
    wb.remove(wb.active)
    for sname, rows in sheets.items():
        ws = wb.create_sheet(sname)
        for r in rows:
            ws.append(r)
        for rng in (merges or {}).get(sname, []):
            ws.merge_cells(rng)
    p = tmp_path / name
    wb.save(p)
    return p


def only_problem(path, **kw):
    with pytest.raises(DataError) as ei:
        read_scores(path, **kw)
    return ei.value, ei.value.first


# ----------------------------------------------------------------------------- good input


def test_tidy_csv_roundtrip_types(tmp_path):
    p = write(tmp_path, "t.csv", HEADER
              + "2023,a,Cục A,cuc,1,1.1,appraisal,2,1.5,True\n"
              + "2023,a,Cục A,cuc,1,1.2,survey,1,,False\n")
    s = read_scores(p)
    assert list(s.columns) == SCORE_COLUMNS
    assert s["year"].dtype == np.int64
    assert s["points"].tolist()[0] == 1.5 and np.isnan(s["points"].tolist()[1])
    assert s["applicable"].tolist() == [True, False]
    assert s["component"].tolist() == ["appraisal", "survey"]


def test_real_world_mess_csv(tmp_path):
    """Decimal commas, %, NFD diacritics, stray spaces, BOM, semicolons, Vietnamese headers."""
    name_nfd = unicodedata.normalize("NFD", "Bộ Tư pháp")
    text = (
        "Năm;Mã đơn vị;Tên đơn vị;Mã tiêu chí;Điểm tối đa;Điểm đạt được\n"
        f"2023; bo-tu-phap ;{name_nfd};1.1;2;1,5\n"
        f"2023;bo-tu-phap;{name_nfd};1.2; 10,0 ;\u00a09,5\n"
        f"2023;bo-tu-phap;{name_nfd};1.3;100;89,95\n"
        f"2023;bo-tu-phap;{name_nfd};1.4;1;không phát sinh\n"
        f"2023;bo-tu-phap;{name_nfd};1.5;1;KPS\n"
    )
    p = tmp_path / "mess.csv"
    p.write_bytes(("\ufeff" + text).encode("utf-8"))
    s = read_scores(p)
    assert s["unit_id"].unique().tolist() == ["bo-tu-phap"]
    assert s["unit_name"].iat[0] == "Bộ Tư pháp"
    assert unicodedata.is_normalized("NFC", s["unit_name"].iat[0])
    assert s["points"].tolist()[:3] == [1.5, 9.5, 89.95]
    assert s["max_points"].tolist()[:3] == [2.0, 10.0, 100.0]
    assert s["applicable"].tolist() == [True, True, True, False, False]
    assert s["field"].unique().tolist() == ["1"]  # derived from the criterion id


def test_percent_and_ambiguous_thousands_are_located_errors(tmp_path):
    """Issue 19: '95%' in a points column is not 95 points (a located error). '1.500' / '1,500'
    follow the range rule: a point value is never >= 1,000, so the thousands reading is
    impossible and both conventions agree on 1.5 (a pandas CSV writes '1.875' for 1.875)."""
    p = write(tmp_path, "amb.csv", "year;unit_id;criterion;max_points;points\n"
              "2023;a;1.1;2;95%\n2023;a;1.2;2;1.500\n2023;a;1.3;2;1,500\n2023;a;1.4;1.000;1\n"
              "2023;a;1.5;2;1,25\n")
    v = validate_scores(p)
    assert v[["row", "column"]].values.tolist() == [[2, "points"]]
    assert "phần trăm" in v.iloc[0]["problem_vi"]
    ok = p.with_name("ok.csv")
    ok.write_text(p.read_text().replace("95%", "1"), encoding="utf-8")
    s = read_scores(ok).set_index("criterion")
    assert s.loc[["1.2", "1.3", "1.5"], "points"].tolist() == [1.5, 1.5, 1.25]
    assert s.loc["1.4", "max_points"] == 1.0


def test_parquet_fast_path_equals_csv(tmp_path):
    df = pd.DataFrame({
        "year": [2023, 2023], "unit_id": ["a", "b"], "criterion": ["1.1", "1.1"],
        "max_points": [2.0, 2.0], "points": [1.0, np.nan], "applicable": [True, False],
    })
    p = tmp_path / "t.parquet"
    df.to_parquet(p)
    s = read_scores(p)
    assert s["points"].iat[0] == 1.0 and not s["applicable"].iat[1]
    assert s["unit_name"].tolist() == ["a", "b"]


def test_workbook_with_title_rows_and_merged_header(tmp_path):
    """Title rows above a two-row header where 'Điểm' is merged over 'Tối đa | Đạt được'."""
    rows = [
        ["BẢNG CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023", None, None, None, None],
        [None, None, None, None, None],
        ["Năm", "Mã đơn vị", "Mã tiêu chí", "Điểm", None],
        [None, None, None, "Tối đa", "Đạt được"],
        [2023, "cuc-a", "1.1", "2", "1,75"],  # numbers stored as text
        [2023, "cuc-a", "1.2", 1, "x"],
    ]
    p = xlsx(tmp_path, "merged.xlsx", {"Điểm": rows}, {"Điểm": ["A1:E1", "D3:E3"]})
    s = read_scores(p)
    assert s["points"].tolist()[0] == 1.75
    assert s["max_points"].tolist() == [2.0, 1.0]
    assert s["applicable"].tolist() == [True, False]


def test_analyst_workbook_per_unit_sheets(tmp_path):
    p = xlsx(tmp_path, "wb.xlsx", {
        "criteria": [["criterion", "field", "name", "component", "max_points"],
                     ["1.1", "1", "Kế hoạch", "thẩm định", 2],
                     ["2.1", "2", "Đánh giá", "điều tra", 3]],
        "units": [["unit_id", "unit_name", "unit_type", "year"],
                  ["cuc-a", "Cục A", "cuc", 2023], ["vu-b", "Vụ B", "vu", 2023]],
        "cuc-a": [["Mã tiêu chí", "Điểm đạt được"], ["1.1", 2], ["2.1", "2,5"]],
        "vu-b": [["Mã tiêu chí", "Điểm đạt được"], ["1.1", 1], ["2.1", "KPS"]],
    })
    s = read_scores(p)
    assert set(s["unit_id"]) == {"cuc-a", "vu-b"}
    b = s[s["unit_id"] == "vu-b"].set_index("criterion")
    assert b.loc["2.1", "applicable"] == False  # noqa: E712
    assert b.loc["2.1", "component"] == "survey" and b.loc["1.1", "max_points"] == 2.0
    assert s.loc[s["unit_id"] == "cuc-a", "unit_name"].iat[0] == "Cục A"
    assert s["year"].unique().tolist() == [2023]


def test_template_written_and_filled_reads(tmp_path):
    p = write_template(tmp_path / "tpl.xlsx", n_units=2)
    wb = load_workbook(p)
    assert {"Hướng dẫn", "Tiêu chí", "Đơn vị", "don-vi-1", "don-vi-2"} <= set(wb.sheetnames)
    ws = wb["don-vi-1"]
    n = ws.max_row - 1  # criteria pre-filled with id, name and maximum
    assert n == 23 and ws["A2"].value == "1.1.1" and ws["C2"].value == 1.0 and ws["B2"].value
    assert ws.freeze_panes == "A2"
    dv = ws.data_validations.dataValidation
    assert dv and '"KPS,-"' == dv[0].formula1 and "E2" in str(dv[0].sqref)
    # a blank template is not yet valid: every points cell is empty
    problems = validate_scores(p)
    assert len(problems) == 2 * n and set(problems["column"]) == {"Điểm thẩm định"}
    for name in ("don-vi-1", "don-vi-2"):
        ws = wb[name]
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 5, 1 if r % 3 else "KPS")
    wb.save(p)
    s = read_scores(p)
    assert len(s) == 2 * n and s["applicable"].sum() == 2 * 15
    assert "self_points" not in s.columns  # no tự chấm entered


def test_summary_template_written_blank_and_filled(tmp_path):
    from cchc_analysis.io import write_summary_template

    p = write_summary_template(tmp_path / "bth.xlsx", n_units=2, years=(2023, 2024))
    wb = load_workbook(p)
    assert {"Bảng tổng hợp 2023", "Bảng tổng hợp 2024", "Đơn vị"} <= set(wb.sheetnames)
    ws = wb["Bảng tổng hợp 2024"]
    assert ws.freeze_panes == "D6" and "D4:F4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D5"].value == "Tự chấm" and ws["E5"].value == "Thẩm định"
    v = validate_scores(p)  # blank: every leaf cell of both years is empty
    assert len(v) == 2 * 2 * 23 and v["problem_en"].str.contains("applies but has no points").all()
    for name in ("Bảng tổng hợp 2023", "Bảng tổng hợp 2024"):
        ws = wb[name]
        for r in range(6, ws.max_row + 1):
            if ws.cell(r, 3).value is not None and not str(ws.cell(r, 3).value).startswith("="):
                ws.cell(r, 5).value = 0.5
                ws.cell(r, 8).value = "KPS"
    wb.save(p)
    s = read_scores(p)
    assert len(s) == 2 * 2 * 23 and s.groupby("unit_id")["applicable"].sum().to_dict() == {
        "don-vi-1": 46, "don-vi-2": 0}


def test_bundled_synthetic_workbook_reads():
    from cchc_analysis.config import DEFAULT_WORKBOOK
    from cchc_analysis.synthetic import make_synthetic_scores

    s = read_scores(DEFAULT_WORKBOOK)
    assert "synthetic" in DEFAULT_WORKBOOK.name
    assert set(load_workbook(DEFAULT_WORKBOOK, read_only=True).sheetnames) >= {"README (synthetic)", "scores (synthetic)"}
    expected = make_synthetic_scores()
    # the criteria sheet's names are carried through (issue 12)
    wb = load_workbook(DEFAULT_WORKBOOK, read_only=True)
    names = {r[0]: r[2] for r in wb["criteria"].iter_rows(min_row=2, values_only=True)}
    assert s["criterion_name"].tolist() == s["criterion"].map(names).tolist()
    assert "Ban hành kế hoạch CCHC năm đúng hạn" in set(s["criterion_name"])
    pd.testing.assert_frame_equal(
        s[SCORE_COLUMNS].sort_values(["year", "unit_id", "criterion"]).reset_index(drop=True),
        expected.sort_values(["year", "unit_id", "criterion"]).reset_index(drop=True),
    )


# ----------------------------------------------------------------------------- each error, located


def test_error_missing_required_column(tmp_path):
    p = write(tmp_path, "nocol.csv", "year,unit_id,criterion,points\n2023,a,1.1,1\n")
    err, pr = only_problem(p)
    assert pr.column == "max_points" and pr.file.endswith("nocol.csv")
    assert "thiếu cột" in str(err) and "required column 'max_points'" in str(err)


def test_error_wrong_type_points(tmp_path):
    p = write(tmp_path, "type.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,1.0,True\n"
              "2023,a,A,cuc,1,1.2,appraisal,2,tốt,True\n")
    err, pr = only_problem(p)
    assert (pr.row, pr.column) == (3, "points")
    assert "'tốt'" in str(err) and "must be a number" in str(err)


def test_error_points_negative_and_above_max(tmp_path):
    p = write(tmp_path, "range.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,-1,True\n"
              "2023,a,A,cuc,1,1.2,appraisal,2,2.5,True\n")
    problems = validate_scores(p)
    assert problems[["row", "column"]].values.tolist() == [[2, "points"], [3, "points"]]
    assert "negative" in problems["problem_en"].iat[0]
    assert "exceed the maximum (2)" in problems["problem_en"].iat[1]
    err, pr = only_problem(p)
    assert pr.row == 2 and "1 more problems" in str(err)


def test_error_max_not_positive(tmp_path):
    p = write(tmp_path, "max.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,0,0,True\n")
    _, pr = only_problem(p)
    assert (pr.row, pr.column) == (2, "max_points")


def test_error_applicable_without_points(tmp_path):
    p = write(tmp_path, "empty.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,1,True\n"
              "2023,a,A,cuc,1,1.2,appraisal,2,,True\n")
    err, pr = only_problem(p)
    assert (pr.row, pr.column) == (3, "points")
    assert "KPS" in pr.en and "no points" in pr.en


def test_error_not_applicable_with_points(tmp_path):
    p = write(tmp_path, "napts.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,1.5,không\n")
    _, pr = only_problem(p)
    assert (pr.row, pr.column) == (2, "points")
    assert "marked not applicable but has points" in pr.en


def test_error_duplicate(tmp_path):
    p = write(tmp_path, "dup.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,1,True\n"
              "2023,b,B,cuc,1,1.1,appraisal,2,1,True\n2023,a,A,cuc,1,1.1,appraisal,2,2,True\n")
    _, pr = only_problem(p)
    assert (pr.row, pr.column) == (4, "criterion")
    assert "already at row 2" in pr.en


def test_error_criterion_not_in_tree(tmp_path):
    p = xlsx(tmp_path, "tree.xlsx", {
        "criteria": [["criterion", "max_points"], ["1.1", 2]],
        "scores": [["year", "unit_id", "criterion", "points"], [2023, "a", "1.1", 1], [2023, "a", "9.9", 1]],
    })
    err, pr = only_problem(p)
    assert (pr.sheet, pr.row, pr.column) == ("scores", 3, "criterion")
    assert "'9.9'" in str(err) and "criteria sheet" in pr.en


def test_error_empty_file(tmp_path):
    p = write(tmp_path, "empty.csv", "")
    err, pr = only_problem(p)
    assert pr.file.endswith("empty.csv") and "empty" in pr.en and "tệp rỗng" in str(err)
    p2 = write(tmp_path, "header_only.csv", HEADER)
    _, pr2 = only_problem(p2)
    assert "no data rows" in pr2.en


def test_error_wrong_sheet_name(tmp_path):
    p = xlsx(tmp_path, "sheets.xlsx", {"Sheet1": [["a", "b"], [1, 2]], "Sheet2": [["c"], [3]]})
    err, pr = only_problem(p)
    assert "no 'criteria' sheet" in pr.en and "Sheet1" in pr.en
    err2, pr2 = only_problem(p, sheet="điểm 2023")
    assert pr2.sheet == "điểm 2023" and "there is no sheet" in pr2.en


def test_error_year_not_integer(tmp_path):
    p = write(tmp_path, "year.csv", HEADER + "2023.5,a,A,cuc,1,1.1,appraisal,2,1,True\n"
              "năm 2023,a,A,cuc,1,1.2,appraisal,2,1,True\n")
    problems = validate_scores(p)
    assert problems[["row", "column"]].values.tolist() == [[2, "year"], [3, "year"]]
    assert "whole number" in problems["problem_en"].iat[0]


def test_workbook_error_names_sheet_and_excel_row(tmp_path):
    p = xlsx(tmp_path, "loc.xlsx", {
        "criteria": [["Mã tiêu chí", "Điểm tối đa"], ["1.1", 2], ["1.2", 1]],
        "units": [["Mã đơn vị", "Năm"], ["cuc-a", 2023]],
        "cuc-a": [["Bảng điểm Cục A"], [], ["Mã tiêu chí", "Điểm đạt được"], ["1.1", 1], ["1.2", 3]],
    })
    err, pr = only_problem(p)
    assert (pr.file.endswith("loc.xlsx"), pr.sheet, pr.row, pr.column) == (True, "cuc-a", 5, "Điểm đạt được")
    assert "trang tính 'cuc-a', dòng 5, cột 'Điểm đạt được'" in str(err)


def test_validate_lists_all_problems(tmp_path):
    p = write(tmp_path, "many.csv", HEADER
              + "2023,a,A,cuc,1,1.1,appraisal,2,3,True\n"
              + "2023,a,A,cuc,1,1.2,appraisal,-1,0,True\n"
              + "2023,a,A,cuc,1,1.3,appraisal,2,,True\n"
              + "2023,a,A,cuc,1,1.3,appraisal,2,1,True\n")
    problems = validate_scores(p)
    assert problems["row"].tolist() == [2, 3, 4, 5]
    assert list(problems.columns) == ["file", "sheet", "row", "column", "problem_vi", "problem_en"]
    assert validate_scores(write(tmp_path, "ok.csv", HEADER + "2023,a,A,cuc,1,1.1,appraisal,2,1,True\n")).empty


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="not supported"):
        read_scores(write(tmp_path, "x.json", "{}"))
    with pytest.raises(DataError, match="file not found"):
        read_scores(tmp_path / "nope.csv")


def test_parquet_keeps_self_points_and_criterion_names(tmp_path):
    """The report reads every input once and hands the notebooks a Parquet cache: the
    optional columns must survive it (the self-assessment page and criterion names)."""
    import pandas as pd

    from cchc_analysis.io.template import default_tree, summary_workbook

    units = [("a", "Sở A", "so"), ("b", "Sở B", "so"), ("c", "Sở C", "so")]
    vals = {(2025, u, n["id"], r): (n["max"] / 2 if r == "points" else n["max"])
            for u, _, _ in units for n in default_tree() if n["leaf"] for r in ("points", "self")}
    x = tmp_path / "t.xlsx"
    summary_workbook(units, years=(2025,), values=vals, formulas=False).save(x)
    s = read_scores(x)
    p = tmp_path / "t.parquet"
    s.to_parquet(p, index=False)
    t = read_scores(p)
    assert {"self_points", "criterion_name"} <= set(t.columns)
    cols = sorted(s.columns)
    pd.testing.assert_frame_equal(s[cols].reset_index(drop=True), t[cols].reset_index(drop=True), check_dtype=False)
    bad = s.copy()
    bad.loc[bad.index[0], "self_points"] = bad["max_points"].iloc[0] + 5  # over the maximum: still checked
    bad.to_parquet(p, index=False)
    with pytest.raises(DataError):
        read_scores(p)


def test_tree_lookups_give_what_series_map_gives_for_known_keys():
    """A unit sheet takes max points, field, component and names from the criteria and
    units tables through per-table lookups (made once per table); for every key of the
    table they give what ``Series.map`` gives: None in an all-empty object column, NaN in
    a text or number column with gaps, the value otherwise."""
    import numpy as np

    from cchc_analysis.io._score_rows import _lookups

    table = pd.DataFrame({"k": ["1.1", "1.2", "2.1"], "empty": pd.Series([None] * 3, dtype=object),
                          "text": ["Một", None, "Ba"], "num": [1.5, np.nan, 3.0]})
    look = _lookups(table, "k")
    assert look is _lookups(table, "k")  # once per table
    for keys in (["1.1"], ["1.2", "2.1"], ["2.1", "1.1", "1.2", "1.1"]):
        for c in ("empty", "text", "num"):
            want = pd.Series(keys).map(table.set_index("k")[c]).tolist()
            got = [look[c][k] for k in keys]
            assert [type(v) for v in got] == [type(v) for v in want], (c, keys, got, want)
            assert [v for v in got if v == v] == [v for v in want if v == v]
    assert look["_keys"] == {"1.1", "1.2", "2.1"} and look["_any_name"] is False
