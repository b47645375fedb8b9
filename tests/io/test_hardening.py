"""Every crash signature and silent acceptance of issue 19, one by one: a located DataError
(or the documented reading), never a traceback or a silently different table."""

from __future__ import annotations

import io
import re
import time
import zipfile

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.errors import DataError
from cchc_analysis.io import read_scores, read_survey, validate_scores

HEAD = "year,unit_id,unit_name,unit_type,criterion,max_points,points\n"


def _units(n=4):
    return [(f"cuc-0{k}", f"Cục số {k}") for k in range(1, n + 1)]


def _csv(tmp_path, body=None, *, name="s.csv", head=HEAD, raw=None):
    p = tmp_path / name
    if raw is not None:
        p.write_bytes(raw)
        return p
    if body is None:
        body = "".join(f"2023,{u},{n},cuc,{c},2,1.5\n" for u, n in _units() for c in ("1.1", "1.2"))
    p.write_text(head + body, encoding="utf-8")
    return p


def _err(path, reader=read_scores, **kw) -> DataError:
    with pytest.raises(DataError) as ei:
        reader(path, **kw)
    return ei.value


def _at(err: DataError, row=None, column=None, sheet=None) -> bool:
    """Some problem names that row / column / sheet (what is given)."""
    return any((row is None or p.row == row) and (column is None or p.column == column)
               and (sheet is None or p.sheet == sheet) for p in err.problems)


# --------------------------------------------------------------------------- crash signatures


def _parquet_bytes(frame):
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


SCORES = pd.DataFrame({"year": [2023, 2023], "unit_id": ["a", "a"], "criterion": ["1.1", "1.2"],
                       "max_points": [2.0, 1.0], "points": [1.5, np.nan], "applicable": [True, False]})
SURVEY = pd.DataFrame({"year": [2023, 2023], "unit_id": ["a", "a"], "respondent_id": ["r1", "r1"],
                       "question": ["q1", "q2"], "response": [4.0, 5.0]})


@pytest.mark.parametrize("reader,frame", [(read_scores, SCORES), (read_survey, SURVEY)])
@pytest.mark.parametrize("damage", ["truncate", "flip_footer", "random"])
def test_damaged_parquet_is_a_file_error(tmp_path, reader, frame, damage):
    data = bytearray(_parquet_bytes(frame))
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip_footer":
        data[-6] ^= 0xFF  # the footer length
    else:
        data = bytearray(np.random.default_rng(0).bytes(3000))
    p = tmp_path / "x.parquet"
    p.write_bytes(bytes(data))
    err = _err(p, reader)
    assert err.first.file == str(p) and "Parquet" in str(err)


@pytest.mark.parametrize("reader", [read_scores, read_survey])
def test_csv_field_over_the_size_limit_is_located(tmp_path, reader):
    head = HEAD if reader is read_scores else "year,unit_id,respondent_id,question,response,note\n"
    line = ("2023,cuc-01,Cục,cuc,1.1,2," if reader is read_scores else "2023,a,r1,q1,4,") + "9" * 200_000 + "\n"
    err = _err(_csv(tmp_path, raw=(head + line).encode()), reader)
    assert _at(err, row=2)


def test_non_numeric_year_in_units_sheet_is_located(tmp_path):
    from openpyxl import load_workbook

    from cchc_analysis.io import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(p)
    wb["Đơn vị"]["D3"] = "năm nay"
    for ws in wb.worksheets[3:]:
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 5, 0)
    wb.save(p)
    err = _err(p)
    assert _at(err, row=3, column="Năm", sheet="Đơn vị")


def test_units_sheet_with_one_id_twice_is_located(tmp_path):
    from openpyxl import load_workbook

    from cchc_analysis.io import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(p)
    wb["Đơn vị"]["A4"] = "don-vi-1"
    wb.save(p)
    assert _at(_err(p), row=4, column="Mã đơn vị", sheet="Đơn vị")


@pytest.mark.parametrize("col", ["points", "max_points"])
def test_400_digit_integer_is_located(tmp_path, col):
    big = "9" * 400
    body = f"2023,cuc-01,Cục số 1,cuc,1.1,{big if col == 'max_points' else 2},{big if col == 'points' else 1}\n"
    assert _at(_err(_csv(tmp_path, body)), row=2, column=col)


@pytest.mark.parametrize("stamp,expected", [
    ("2023-11-14T09:30:00+07:00", "2023-11-14 09:30:00"),
    ("2023-11-14T02:30:00Z", "2023-11-14 09:30:00"),
    ("14/11/2023 09:30", "2023-11-14 09:30:00"),
])
def test_survey_time_zones_read_as_vietnam_time(tmp_path, stamp, expected):
    p = _csv(tmp_path, head="year,unit_id,respondent_id,question,response,submitted_at\n",
             body=f"2023,a,r1,q1,4,{stamp}\n2023,a,r2,q1,5,2023-11-14 09:30:00\n")
    s = read_survey(p)
    assert (s["submitted_at"] == pd.Timestamp(expected)).all()


@pytest.mark.parametrize("stamp", ["09:30", "now", "today", "-2023-11-14 09:30", "2023-13-01", "11/14/2023"])
def test_survey_time_without_a_readable_date_is_located(tmp_path, stamp):
    p = _csv(tmp_path, head="year,unit_id,respondent_id,question,response,submitted_at\n",
             body=f"2023,a,r1,q1,4,2023-11-14 09:30\n2023,a,r2,q1,5,{stamp}\n")
    assert _at(_err(p, read_survey), row=3, column="submitted_at")


# --------------------------------------------------------------------------- huge extents, zip tricks


def _wb_bytes(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "scores"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, fn) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            new = fn(info.filename, zin.read(info.filename))
            if new is not None:
                z.writestr(info.filename, new)
    return out.getvalue()


ROWS = [["year", "unit_id", "criterion", "max_points", "points"], [2023, "a", "1.1", 2, 1.5], [2023, "a", "1.2", 1, 1]]


@pytest.mark.parametrize("ref", ["XFD1048576", "H200000"])
def test_stray_cell_far_below_is_refused_in_seconds(tmp_path, ref):
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    data = _rezip(_wb_bytes(ROWS), lambda n, b: b.replace(b"</sheetData>", cell + b"</sheetData>")
                  if n.startswith("xl/worksheets/") else b)
    p = tmp_path / "w.xlsx"
    p.write_bytes(data)
    t = time.perf_counter()
    err = _err(p)
    assert time.perf_counter() - t < 5
    assert _at(err, row=int(row), sheet="scores") and ref in str(err)


def test_declared_huge_member_refused_before_parsing(tmp_path):
    b = bytearray(_wb_bytes(ROWS))
    k = b.find(b"PK\x01\x02")
    while k != -1:  # every central-directory entry claims ~4 GB
        b[k + 24:k + 28] = (0xFFFFFFF0).to_bytes(4, "little")
        k = b.find(b"PK\x01\x02", k + 4)
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(bytes(b))
    assert "zip" in str(_err(p)).lower()


def test_dangling_sheet_relation_is_a_file_error(tmp_path):
    data = _rezip(_wb_bytes(ROWS), lambda n, b: re.sub(rb"<Relationship [^>]*worksheets/sheet1\.xml\"[^>]*/>", b"", b)
                  if n == "xl/_rels/workbook.xml.rels" else b)
    p = tmp_path / "w.xlsx"
    p.write_bytes(data)
    assert "scores" in str(_err(p))


def test_damaged_deflate_stream_is_a_file_error(tmp_path):
    data = bytearray(_wb_bytes(ROWS))
    k = data.find(b"xl/worksheets/sheet1.xml") + 60  # inside the member's compressed bytes
    data[k:k + 8] = b"\xff" * 8
    p = tmp_path / "w.xlsx"
    p.write_bytes(bytes(data))
    assert _err(p).first.file == str(p)


# --------------------------------------------------------------------------- Parquet fast path


@pytest.mark.parametrize("change,column", [
    (lambda f: f.assign(year=[0, 0]), "year"),
    (lambda f: f.assign(year=[-5, 2023]), "year"),
    (lambda f: f.assign(year=[99999, 2023]), "year"),
    (lambda f: f.assign(year=pd.to_datetime(["2023-01-01"] * 2)), "year"),
    (lambda f: f.assign(year=(f["year"] % 256).astype("uint8")), "year"),
    (lambda f: f.assign(unit_id=["", "a"]), "unit_id"),
    (lambda f: f.assign(component=["junk", "appraisal"]), "component"),
    (lambda f: f.assign(component=["", "appraisal"]), "component"),
    (lambda f: f.assign(criterion=["１.１", "1.2"]), "criterion"),
    (lambda f: f.assign(unit_id=["\u202ea", "a"]), "unit_id"),
])
def test_parquet_fast_path_checks_like_csv(tmp_path, change, column):
    p = tmp_path / "s.parquet"
    p.write_bytes(_parquet_bytes(change(SCORES.copy())))
    assert _at(_err(p), column=column)


def test_parquet_mistyped_column_name(tmp_path):
    p = tmp_path / "s.parquet"
    p.write_bytes(_parquet_bytes(SCORES.assign(unit_nme="Cục A")))
    assert _at(_err(p), row=1, column="unit_nme")


# --------------------------------------------------------------------------- silent acceptances


@pytest.mark.parametrize("year", ["0", "1800", "2200", "2021.5", "-2023", "2.023", "2,023", "2023%"])
def test_bad_years_are_located(tmp_path, year):
    body = f"\"{year}\",cuc-01,Cục số 1,cuc,1.1,2,1\n"
    assert _at(_err(_csv(tmp_path, body)), row=2, column="year")


@pytest.mark.parametrize("value,points", [("1.500", 1.5), ("1,500", 1.5), ("1,5", 1.5), ("0.375", 0.375)])
def test_point_values_by_the_range_rule(tmp_path, value, points):
    p = _csv(tmp_path, f'2023,cuc-01,Cục số 1,cuc,1.1,2,"{value}"\n')
    assert read_scores(p)["points"].tolist() == [points]


@pytest.mark.parametrize("value", ["95%", "1.5%", "１.５", "nan", "inf", "1.234,5", "2023-05-01", "1.5.2", "1.0,0", "1,5.0"])
def test_point_values_that_are_errors(tmp_path, value):
    p = _csv(tmp_path, f'2023,cuc-01,Cục số 1,cuc,1.1,2,"{value}"\n')
    assert _at(_err(p), row=2, column="points")


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "shift_jis", "cp1258"])
def test_csv_in_another_encoding_is_refused(tmp_path, encoding):
    text = HEAD + "".join(f"2023,{u},{n},cuc,1.1,2,1\n" for u, n in _units())
    p = _csv(tmp_path, raw=text.encode(encoding, errors="replace"))
    assert "UTF-8" in str(_err(p))


def test_cut_off_csv_is_refused_at_its_last_line(tmp_path):
    text = HEAD + "".join(f"2023,{u},{n},cuc,1.1,2,1.125\n" for u, n in _units())
    p = _csv(tmp_path, raw=text[:-3].encode())  # "1.125" cut to "1.1"
    assert _at(_err(p), row=5)


def test_unquoted_decimal_comma_makes_a_row_longer(tmp_path):
    assert _at(_err(_csv(tmp_path, "2023,cuc-01,Cục số 1,cuc,1.1,2,1,5\n")), row=2)


def test_duplicated_and_mistyped_headers(tmp_path):
    assert _at(_err(_csv(tmp_path, head="year,unit_id,criterion,max_points,points,points\n",
                         body="2023,a,1.1,2,1,1\n")), row=1, column="points")
    assert _at(_err(_csv(tmp_path, head="year,unit_id,criterion,max_points,points,comp\n",
                         body="2023,a,1.1,2,1,survey\n")), row=1, column="comp")


def test_criteria_sheet_component_header_renamed_is_located(tmp_path):
    from openpyxl import load_workbook

    from cchc_analysis.io import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(p)
    wb["Tiêu chí"]["D1"] = "comp"
    wb.save(p)
    assert _at(_err(p), row=1, column="comp", sheet="Tiêu chí")


def test_bad_max_points_in_criteria_sheet_is_located_there(tmp_path):
    from openpyxl import load_workbook

    from cchc_analysis.io import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(p)
    wb["Tiêu chí"]["E3"] = "9" * 400
    wb.save(p)
    err = _err(p)
    assert all(q.sheet == "Tiêu chí" for q in err.problems) and _at(err, row=3, column="Điểm tối đa")


def test_mistyped_unit_id_is_not_a_phantom_unit(tmp_path):
    body = "".join(f"2023,{u},{n},cuc,{c},2,1.5\n" for u, n in _units() for c in ("1.1", "1.2"))
    body = body.replace("2023,cuc-01,Cục số 1,cuc,1.2", "2023,cuc-1,Cục số 1,cuc,1.2")
    assert _at(_err(_csv(tmp_path, body)), row=3, column="unit_id")


def test_deleted_row_with_peers_is_located(tmp_path):
    body = "".join(f"2023,{u},{n},cuc,{c},2,1.5\n" for u, n in _units() for c in ("1.1", "1.2"))
    body = body.replace("2023,cuc-03,Cục số 3,cuc,1.2,2,1.5\n", "")
    err = _err(_csv(tmp_path, body))
    assert "cuc-03" in str(err) and "1.2" in str(err)


@pytest.mark.parametrize("name", ["\u202eCục số 1", "Cục " * 1300])
def test_rtl_and_absurdly_long_names_are_located(tmp_path, name):
    body = "".join(f'2023,{u},"{name if u == "cuc-01" else n}",cuc,1.1,2,1\n' for u, n in _units())
    assert _at(_err(_csv(tmp_path, body)), row=2, column="unit_name")


def test_rtl_in_a_criterion_name_is_located(tmp_path):
    from openpyxl import load_workbook

    from cchc_analysis.io import write_template

    p = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(p)
    wb["Tiêu chí"]["C4"] = "\u202eTiêu chí đảo chiều"
    wb.save(p)
    assert _at(_err(p), row=4, column="Tên tiêu chí", sheet="Tiêu chí")


def test_total_row_kept_is_located(tmp_path):
    body = "2023,cuc-01,Cục số 1,cuc,1.1,2,1\n2023,cuc-01,Cục số 1,cuc,Tổng cộng,2,1\n"
    assert _at(_err(_csv(tmp_path, body)), row=3, column="criterion")


@pytest.mark.parametrize("value", ["nan", "inf", "4%", "９"])
def test_survey_answers_that_are_errors(tmp_path, value):
    p = _csv(tmp_path, head="year,unit_id,respondent_id,question,response\n", body=f"2023,a,r1,q1,{value}\n")
    assert _at(_err(p, read_survey), row=2, column="response")


@pytest.mark.parametrize("col,value", [("question", "\u202eq1"), ("respondent_id", "r１"), ("unit_id", "")])
def test_survey_ids(tmp_path, col, value):
    vals = {"unit_id": "a", "respondent_id": "r1", "question": "q1", col: value}
    p = _csv(tmp_path, head="year,unit_id,respondent_id,question,response\n",
             body=f"2023,{vals['unit_id']},{vals['respondent_id']},{vals['question']},4\n")
    assert _at(_err(p, read_survey), row=2, column=col)


def test_validate_lists_and_never_raises_on_damage(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    v = validate_scores(p)
    assert len(v) == 1 and v.iloc[0]["file"] == str(p)


def test_validate_warns_of_a_missing_units_sheet(tmp_path, capsys):
    """The documented reading (names = ids, no id list) is read, and cchc validate says so."""
    from openpyxl import load_workbook

    from cchc_analysis.cli import main
    from cchc_analysis.config import DEFAULT_WORKBOOK

    wb = load_workbook(DEFAULT_WORKBOOK)
    del wb["units"]
    p = tmp_path / "no_units.xlsx"
    wb.save(p)
    s = read_scores(p)
    assert (s["unit_name"] == s["unit_id"]).all() and (s["unit_type"] == "").all()
    assert main(["validate", str(p)]) == 0
    assert "Lưu ý: no_units.xlsx: không có trang đơn vị" in capsys.readouterr().out
