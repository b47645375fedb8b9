"""Issue 12: the office's own workbooks (bảng tổng hợp, phiếu chấm điểm), every number checked.

Every file here is written by the test as an office writes it: title rows, merged one- or
two-row headers, Roman numerals, ``a, b`` sub-criteria, both marker styles; then planted
mistakes must come back located to the cell.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from cchc_analysis.errors import DataError
from cchc_analysis.io import read_scores, validate_scores
from cchc_analysis.io.office import NOT_ARISING
from cchc_analysis.io.template import default_tree, summary_workbook

UNITS = [("vu-phap-che", "Vụ Pháp chế", "vu"), ("van-phong", "Văn phòng Bộ", "van-phong"),
         ("cuc-a", "Cục Quản lý A", "cuc")]
TREE = default_tree()
LEAVES = [n for n in TREE if n["leaf"]]


def values(years=(2024,), seed=0):
    rng = np.random.default_rng(seed)
    out = {}
    for y in years:
        for u, _, _ in UNITS:
            for n in LEAVES:
                p = round(float(rng.uniform(0, n["max"])) * 4) / 4
                out[(y, u, n["id"], "points")] = p
                out[(y, u, n["id"], "self")] = min(n["max"], p + 0.25)
    return out


def summary(tmp_path, name="tong_hop.xlsx", *, vals=None, years=(2024,), units=True, **kw):
    vals = values(years) if vals is None else vals
    wb = summary_workbook(UNITS, years=years, values=vals, formulas=False, **kw)
    if not units:
        wb.remove(wb["Đơn vị"])
    p = tmp_path / name
    wb.save(p)
    return p, vals


def find_row(ws, col, text):
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == text:
            return r
    raise AssertionError(text)


def problems(path, **kw):
    v = validate_scores(path, **kw)
    return v


# ----------------------------------------------------------------------------- bảng tổng hợp


def test_summary_reads_leaves_with_names_self_points_and_survey(tmp_path):
    vals = values()
    vals[(2024, "cuc-a", "2.1.2", "points")] = "KPS"
    vals[(2024, "cuc-a", "2.1.2", "self")] = "-"
    p, _ = summary(tmp_path, vals=vals)
    s = read_scores(p)
    assert validate_scores(p).empty
    assert set(s["unit_id"]) == {u for u, _, _ in UNITS}  # ids from the units sheet
    assert (s.groupby("unit_id").size() == len(LEAVES)).all()
    # Roman numerals and a/b sub-criteria -> ids; names carried through
    r = s[(s.unit_id == "vu-phap-che") & (s.criterion == "3.1.2")].iloc[0]
    assert r["criterion_name"] == "Cải cách thủ tục hành chính: tiêu chí 1, nội dung b"
    assert r["points"] == vals[(2024, "vu-phap-che", "3.1.2", "points")]
    assert r["self_points"] == vals[(2024, "vu-phap-che", "3.1.2", "self")]
    assert r["field"] == "3" and r["year"] == 2024
    kps = s[(s.unit_id == "cuc-a") & (s.criterion == "2.1.2")].iloc[0]
    assert not kps["applicable"] and np.isnan(kps["points"]) and np.isnan(kps["self_points"])
    # the field named "Điều tra xã hội học" is the survey component
    assert set(s.loc[s.field == "8", "component"]) == {"survey"}
    assert set(s.loc[s.field != "8", "component"]) == {"appraisal"}
    # the total equals the hand sum of the appraised cells
    want = sum(v for (y, u, c, role), v in vals.items() if u == "van-phong" and role == "points")
    assert s.loc[s.unit_id == "van-phong", "points"].sum() == pytest.approx(want)


def test_summary_without_units_sheet_uses_slugs_and_title_year(tmp_path):
    p, _ = summary(tmp_path, units=False, title_year=True)
    s = read_scores(p)
    assert set(s["unit_id"]) == {"vu-phap-che", "van-phong-bo", "cuc-quan-ly-a"}
    assert set(s["unit_name"]) == {"Vụ Pháp chế", "Văn phòng Bộ", "Cục Quản lý A"}
    assert set(s["year"]) == {2024}  # "NĂM 2024" of the title, not the decision's date (2025)


def test_two_years_in_one_workbook(tmp_path):
    p, vals = summary(tmp_path, years=(2023, 2024))
    s = read_scores(p)
    assert sorted(s["year"].unique()) == [2023, 2024]
    r = s[(s.year == 2023) & (s.unit_id == "cuc-a") & (s.criterion == "7.2")].iloc[0]
    assert r["points"] == vals[(2023, "cuc-a", "7.2", "points")]


def test_one_row_header_one_column_per_unit(tmp_path):
    vals = {k: v for k, v in values().items() if k[3] == "points"}
    p, _ = summary(tmp_path, vals=vals, self_points=False)
    s = read_scores(p)
    assert "self_points" not in s.columns
    assert len(s) == len(UNITS) * len(LEAVES)


def test_planted_subtotal_mistake_located_to_the_cell(tmp_path):
    p, vals = summary(tmp_path)
    wb = load_workbook(p)
    ws = wb["Bảng tổng hợp 2024"]
    r = find_row(ws, 2, TREE[[n["id"] for n in TREE].index("2.1")]["name"])  # criterion 2.1 (a + b)
    ws.cell(r, 5).value = (ws.cell(r, 5).value or 0) + 0.5  # Vụ Pháp chế – Thẩm định is column E
    wb.save(p)
    v = validate_scores(p)
    assert len(v) == 1
    row = v.iloc[0]
    assert row["sheet"] == "Bảng tổng hợp 2024" and row["row"] == r
    assert row["column"] == "Vụ Pháp chế – Thẩm định (E)"
    assert "2.1" in row["problem_vi"] and "tổng" in row["problem_vi"]
    with pytest.raises(DataError):
        read_scores(p)


@pytest.mark.parametrize("label,col,delta,word", [
    ("TỔNG ĐIỂM", 5, 1.0, "tổng điểm"),
    ("Chỉ số CCHC (%)", 8, 2.0, "chỉ số"),
    ("Xếp hạng", 11, 1, "xếp hạng"),
])
def test_planted_bottom_row_mistakes(tmp_path, label, col, delta, word):
    p, _ = summary(tmp_path)
    wb = load_workbook(p)
    ws = wb["Bảng tổng hợp 2024"]
    r = find_row(ws, 2, label)
    ws.cell(r, col).value = ws.cell(r, col).value + delta
    wb.save(p)
    v = validate_scores(p)
    assert len(v) >= 1
    hit = v[v["row"] == r]
    assert len(hit) == 1 and word in hit.iloc[0]["problem_vi"].lower()
    assert hit.iloc[0]["column"].endswith(f"({'ABCDEFGHIJKL'[col - 1]})")


def test_deleted_row_in_summary_is_an_error(tmp_path):
    p, _ = summary(tmp_path)
    wb = load_workbook(p)
    ws = wb["Bảng tổng hợp 2024"]
    r = find_row(ws, 2, "Cải cách tổ chức bộ máy: tiêu chí 1, nội dung b")
    ws.delete_rows(r)
    wb.save(p)
    v = validate_scores(p)
    assert len(v) > 0
    assert v["problem_vi"].str.contains("điểm tối đa của mục 4.1").any()  # parent max 2 ≠ 1


def test_unit_renamed_in_the_header_but_not_in_the_units_sheet_is_located(tmp_path):
    """The template's units sheet is the registry: a unit renamed in the table only would
    otherwise become a new unit without a type (a phantom), silently."""
    p, _ = summary(tmp_path)
    wb = load_workbook(p)
    ws = wb["Bảng tổng hợp 2024"]
    hdr = find_row(ws, 1, "STT")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(hdr, c).value == "Văn phòng Bộ")
    ws.cell(hdr, col).value = "Văn phòng"
    wb.save(p)
    v = validate_scores(p)
    hit = v[v["problem_vi"].str.contains("'Văn phòng' không có trong trang tính đơn vị")]
    assert len(hit) == 1 and int(hit["row"].iloc[0]) == hdr and hit["sheet"].iloc[0] == "Bảng tổng hợp 2024"
    assert "Văn phòng Bộ" in hit["problem_vi"].iloc[0]  # says what the sheet has, so the fix is clear
    with pytest.raises(DataError):
        read_scores(p)
    p2, _ = summary(tmp_path, name="no_units.xlsx", units=False)  # without a units sheet: slugs, no error
    assert len(validate_scores(p2)) == 0


def test_empty_cell_on_applicable_criterion_stays_an_error(tmp_path):
    vals = values()
    del vals[(2024, "van-phong", "5.2", "points")]
    p, _ = summary(tmp_path, vals=vals)
    v = validate_scores(p)
    hit = v[v["problem_en"].str.contains("applies but has no points")]
    assert len(hit) == 1 and hit.iloc[0]["column"] == "Văn phòng Bộ – Thẩm định (H)"


def test_empty_self_points_beside_others_are_missing_and_a_percent_is_not_points(tmp_path):
    # found by the fuzzing harness: both were read (a blank Tự chấm as no self points, '95%' as 0.95)
    vals = values()
    del vals[(2024, "van-phong", "5.2", "self")]
    vals[(2024, "cuc-a", "1.2", "points")] = "95%"
    p, _ = summary(tmp_path, vals=vals)
    v = validate_scores(p)
    ws = load_workbook(p)["Bảng tổng hợp 2024"]
    gap = v[v["problem_en"].str.contains("self-assessed points are missing")]
    assert gap[["row", "column"]].values.tolist() == [[find_row(ws, 2, next(n["name"] for n in LEAVES if n["id"] == "5.2")),
                                                      "Văn phòng Bộ – Tự chấm (G)"]]
    pct = v[v["problem_en"].str.contains("must be a number, but the cell holds '95%'")]
    assert pct["column"].tolist() == ["Cục Quản lý A – Thẩm định (K)"]
    # a unit that fills in no Tự chấm at all has no self points: not an error
    vals = values()
    for n in LEAVES:
        del vals[(2024, "cuc-a", n["id"], "self")]
    p, _ = summary(tmp_path, name="no_self.xlsx", vals=vals)
    s = read_scores(p)
    assert s.loc[s["unit_id"] == "cuc-a", "self_points"].isna().all()
    assert s.loc[s["unit_id"] != "cuc-a", "self_points"].notna().all()


@pytest.mark.parametrize("marker", ["-", "–", "—", "KPS", "kps", "K.P.S", "không phát sinh",
                                    "KHÔNG ÁP DỤNG", "N/A", "x", "X"])
def test_markers_any_case_nfc_nfd(tmp_path, marker):
    vals = values()
    vals[(2024, "cuc-a", "6.2", "points")] = unicodedata.normalize("NFD", marker)
    vals[(2024, "cuc-a", "6.2", "self")] = marker
    p, _ = summary(tmp_path, vals=vals)
    s = read_scores(p)
    r = s[(s.unit_id == "cuc-a") & (s.criterion == "6.2")].iloc[0]
    assert not r["applicable"]


def test_marker_list_documented():
    assert {"-", "–", "—", "kps", "k.p.s", "khong phat sinh", "khong ap dung", "n/a", "x"} <= NOT_ARISING
    import cchc_analysis.io.scores as sc

    for m in ("`-`", "`KPS`", "`K.P.S`", "`N/A`"):
        assert m in sc.__doc__


def test_letter_fields_and_numbered_text_cell(tmp_path):
    """Fields A, B, C, D (C and D are not Roman here) and sub-criteria 1.1 / 1.2."""
    wb = Workbook()
    ws = wb.active
    ws.title = "2023"
    ws.append(["KẾT QUẢ CHẤM ĐIỂM"])
    ws.append(["TT", "Nội dung", "Điểm tối đa", "Vụ A", "Vụ B"])
    rows = [("A", "Chỉ đạo", 3, 2, 3), ("1", "Kế hoạch", 3, 2, 3), ("1.1", "Ban hành", 1, 1, 1),
            ("1.2", "Thực hiện", 2, 1, 2), ("B", "Thể chế", 1, 1, "-"), ("1", "Văn bản", 1, 1, "-"),
            ("C", "Thủ tục", 2, 0.5, 2), ("1", "Một cửa", 2, 0.5, 2), ("D", "Tổ chức", 1, 1, 0),
            ("1", "Sắp xếp", 1, 1, 0)]
    for r in rows:
        ws.append(list(r))
    ws.append([None, "Tổng cộng", 7, 4.5, 5])
    p = tmp_path / "letters.xlsx"
    wb.save(p)
    assert validate_scores(p).empty
    s = read_scores(p)
    assert sorted(s["criterion"].unique()) == ["1.1.1", "1.1.2", "2.1", "3.1", "4.1"]
    assert s.loc[(s.unit_id == "vu-b") & (s.criterion == "2.1"), "applicable"].item() is False or \
        not s.loc[(s.unit_id == "vu-b") & (s.criterion == "2.1"), "applicable"].item()


def test_layout_override(tmp_path):
    p, _ = summary(tmp_path)
    assert len(read_scores(p, layout="bang-tong-hop")) == len(read_scores(p))
    with pytest.raises(DataError):
        read_scores(p, layout="template")  # no criteria sheet: told so
    with pytest.raises(ValueError):
        read_scores(p, layout="nonsense")


# ----------------------------------------------------------------------------- phiếu chấm điểm


def form_workbook(tmp_path, name="phieu.xlsx", drop=None, wrong_subtotal=False):
    wb = Workbook()
    wb.remove(wb.active)
    for k, (uid, uname, _) in enumerate(UNITS[:2]):
        ws = wb.create_sheet(f"Phiếu {k + 1}")
        ws.append(["PHIẾU CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023"])
        ws.merge_cells("A1:F1")
        ws.append([f"Đơn vị: {uname}"])
        ws.append(["STT", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự chấm",
                   "Điểm thẩm định", "Tài liệu kiểm chứng"])
        sub = {}
        for n in TREE:
            if n["leaf"]:
                sub[n["id"]] = (min(n["max"], 1.0), min(n["max"], 0.5) if n["id"] != "3.2" else "K.P.S")
        for n in TREE:
            if drop and uid == UNITS[0][0] and n["id"] == drop:
                continue
            if n["leaf"]:
                sp, pts = sub[n["id"]]
            else:
                kids = [c for c in TREE if c["id"].startswith(n["id"] + ".") and c["leaf"]]
                sp = sum(sub[c["id"]][0] for c in kids)
                pts = sum(sub[c["id"]][1] for c in kids if isinstance(sub[c["id"]][1], float))
                if wrong_subtotal and n["id"] == "5" and k == 1:
                    pts += 1
            ws.append([n["stt"], n["name"], n["max"], sp, pts, "QĐ số 12"])
    p = tmp_path / name
    wb.save(p)
    return p


def test_form_layout_reads_each_unit_sheet(tmp_path):
    p = form_workbook(tmp_path)
    assert validate_scores(p).empty
    s = read_scores(p)
    assert set(s["unit_id"]) == {"vu-phap-che", "van-phong-bo"}
    assert set(s["year"]) == {2023}
    assert (s.groupby("unit_id").size() == len(LEAVES)).all()
    assert s["self_points"].notna().all()
    assert not s.loc[s.criterion == "3.2", "applicable"].any()


def test_form_deleted_row_and_wrong_subtotal(tmp_path):
    v = validate_scores(form_workbook(tmp_path, drop="2.1.2"))
    assert v["problem_en"].str.contains("max points of item 2.1").any()
    assert (v["sheet"] == "Phiếu 1").all()
    v = validate_scores(form_workbook(tmp_path, "w.xlsx", wrong_subtotal=True))
    assert len(v) == 1 and v.iloc[0]["sheet"] == "Phiếu 2"
    assert v.iloc[0]["column"] == "Điểm thẩm định (E)"


# ----------------------------------------------------------------------------- template layout


def _template(tmp_path, name="t.xlsx"):
    from cchc_analysis.io import write_template

    p = write_template(tmp_path / name, n_units=3)
    wb = load_workbook(p)
    for j in (1, 2, 3):
        ws = wb[f"don-vi-{j}"]
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 5).value = ws.cell(r, 3).value / 2
            ws.cell(r, 4).value = ws.cell(r, 3).value
    return p, wb


def test_template_filled_reads_with_names_and_self_points(tmp_path):
    p, wb = _template(tmp_path)
    wb.save(p)
    s = read_scores(p)
    assert (s["points"] * 2 == s["max_points"]).all() and (s["self_points"] == s["max_points"]).all()
    assert s["criterion_name"].str.contains("tiêu chí|câu hỏi").all()


def test_template_deleted_row_is_missing_criterion(tmp_path):
    p, wb = _template(tmp_path)
    wb["Đơn vị"]["B2"] = "Vụ Pháp chế"
    assert wb["don-vi-1"].cell(5, 1).value == "2.1.1"
    wb["don-vi-1"].delete_rows(5)
    wb.save(p)
    v = validate_scores(p)
    assert len(v) == 1
    assert v.iloc[0]["problem_vi"].startswith("thiếu tiêu chí 2.1.1 cho đơn vị Vụ Pháp chế")
    assert v.iloc[0]["sheet"] == "don-vi-1"


def test_template_renamed_and_deleted_unit_sheet(tmp_path):
    p, wb = _template(tmp_path)
    wb["don-vi-2"].title = "Vụ 2"
    wb.save(p)
    v = validate_scores(p)
    assert v["problem_vi"].str.contains("tên trang tính 'Vụ 2' không khớp").any()
    assert v["problem_vi"].str.contains("đơn vị don-vi-2 có trong trang").any()
    assert not v["problem_vi"].str.contains("thiếu cột").any()


# ----------------------------------------------------------------------------- several files


def test_several_files_and_a_folder(tmp_path):
    d = tmp_path / "years"
    d.mkdir()
    summary(d, "a.xlsx", years=(2023,))
    summary(d, "b.xlsx", years=(2024,))
    s = read_scores(d)
    assert sorted(s["year"].unique()) == [2023, 2024]
    s2 = read_scores([d / "a.xlsx", d / "b.xlsx"])
    assert len(s2) == len(s)
    v = validate_scores([d / "a.xlsx", d / "a.xlsx"])  # the same year twice: duplicates
    assert v["problem_en"].str.contains("duplicate").any()
