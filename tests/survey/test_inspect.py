"""`cchc validate` on survey files: recognised by their header, every problem located,
what was read summarised; day/month dates that could be either order are pointed out."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from cchc_analysis.cli import main
from cchc_analysis.config import DEFAULT_SURVEY, DEFAULT_WORKBOOK
from cchc_analysis.io import read_survey, write_summary_template, write_template
from cchc_analysis.io.inspect import survey_summary_lines
from cchc_analysis.io.survey import inspect_survey, looks_like_survey

HEAD = "Năm;Mã đơn vị;Mã phiếu;Vai trò;Thời gian nộp;Câu hỏi;Trả lời\n"


def _write(tmp_path, body, name="s.csv"):
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    return p


def _rows(times):
    """Two questions per form, form k at times[k], units a (all but the last) and b."""
    out = []
    for k, t in enumerate(times):
        unit = "b" if k == len(times) - 1 else "a"
        role = "Lãnh đạo" if k == 0 else "Công chức"
        for q, r in (("q1", 4), ("q2", "")):
            out.append(f"2023;{unit};r{k};{role};{t};{q};{r}\n")
    return "".join(out)


def test_day_month_dates_that_fit_both_orders_get_a_note_and_are_read_day_first(tmp_path):
    p = _write(tmp_path, _rows(["03/04/2023 09:30", "05/04/2023", "05/04/2023", "01/02/2023"]))
    ins = inspect_survey(p)
    assert ins.problems == []
    (vi, en), = ins.notes
    assert "3 submission times" in en and "'03/04/2023 09:30'" in en and "day 3, month 4" in en
    assert "3 thời gian nộp" in vi and "ngày 3 tháng 4" in vi
    s = read_survey(p)  # read_survey itself reads them the same way, without a note
    assert s["submitted_at"].iat[0] == pd.Timestamp(2023, 4, 3, 9, 30)


@pytest.mark.parametrize("times", [
    ["03/04/2023", "14/11/2023", "05/04/2023"],  # one day above 12: the file is day first
    ["2023-04-03", "2023-11-14", "2023-04-05"],  # ISO: no order to guess
    ["04/04/2023", "01/01/2023", "12/12/2023"],  # day = month: both orders agree
])
def test_no_note_where_the_order_is_known(tmp_path, times):
    assert inspect_survey(_write(tmp_path, _rows(times))).notes == []


def test_a_month_above_12_in_a_month_first_file_says_so_at_its_row(tmp_path):
    p = _write(tmp_path, _rows(["03/04/2023", "11/14/2023", "05/04/2023"]))
    ins = inspect_survey(p)
    rows = [(x.row, x.column) for x in ins.problems]
    assert rows == [(4, "Thời gian nộp"), (5, "Thời gian nộp")]  # form r1's two answer rows
    assert "month/day (US order)" in ins.problems[0].en and "tháng 14" in ins.problems[0].vi
    # a lone bad month in a day-first file gets the plain message
    q = _write(tmp_path, _rows(["15/04/2023", "11/14/2023", "05/04/2023"]), name="t.csv")
    assert all("cannot read the submission time" in x.en for x in inspect_survey(q).problems)


def test_summary_counts_by_hand(tmp_path):
    times = ["14/11/2023"] * 6 + ["20/11/2023"]
    ins = inspect_survey(_write(tmp_path, _rows(times)))
    lines = survey_summary_lines(ins, "en")
    # 7 forms x 2 questions; unit a has forms r0..r5, unit b r6; every q2 left blank
    assert lines[0] == ("Read 14 answers: 2 units, year 2023; 7 forms (6 staff, 1 leader), 2 questions; "
                        "7 answers left blank")
    assert lines[1] == "Submitted from 2023-11-14 to 2023-11-20"
    assert lines[-2:] == ["  2023  a: 6", "  2023  b: 1  ← fewer than half the usual number of forms (4)"]
    vi = survey_summary_lines(ins, "vi")
    assert vi[0].startswith("Đã đọc 14 câu trả lời: 2 đơn vị, năm 2023; 7 phiếu (6 công chức, 1 lãnh đạo)")
    assert vi[1] == "Thời gian nộp: từ 14/11/2023 đến 20/11/2023"


def test_survey_files_are_told_apart_from_score_files(tmp_path):
    assert looks_like_survey(DEFAULT_SURVEY)
    assert not looks_like_survey(DEFAULT_WORKBOOK)
    assert not looks_like_survey(write_template(tmp_path / "t.xlsx", n_units=2))
    assert not looks_like_survey(write_summary_template(tmp_path / "b.xlsx", n_units=3, years=[2025]))
    assert not looks_like_survey(tmp_path / "missing.csv")
    # a wide survey workbook (a form export) with a title row above the header
    wb = Workbook()
    ws = wb.active
    ws.append(["Kết quả khảo sát 2023"])
    ws.append(["Dấu thời gian", "Năm", "Mã đơn vị", "Mã phiếu", "q1", "q2"])
    ws.append(["14/11/2023 09:30", 2023, "a", "r1", 4, 5])
    wb.save(tmp_path / "wide.xlsx")
    assert looks_like_survey(tmp_path / "wide.xlsx")
    # a tidy score CSV is not one
    (tmp_path / "tidy.csv").write_text("year,unit_id,criterion,max_points,points\n2023,a,1.1,2,1\n", encoding="utf-8")
    assert not looks_like_survey(tmp_path / "tidy.csv")


def test_cchc_validate_on_a_survey_and_a_score_file_together(tmp_path, capsys):
    bad = _write(tmp_path, _rows(["14/11/2023", "15/11/2023"]).replace(";q1;4", ";q1;7", 1))
    rc = main(["validate", str(DEFAULT_WORKBOOK), str(bad), "--lang", "en"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "OK: no problems found in " + str(DEFAULT_WORKBOOK) in out  # the scores are fine
    assert f"Survey file {bad}:" in out and "Read 4 answers" in out
    assert "response 7 to question 'q1' is outside the scale 1–5" in out
    assert f"1 problem in {bad}" in err
    good = _write(tmp_path, _rows(["14/11/2023", "15/11/2023"]), name="good.csv")
    assert main(["validate", str(good)]) == 0
    assert "OK: không phát hiện lỗi" in capsys.readouterr().out


def test_cchc_validate_survey_flag_reads_a_file_as_a_survey(tmp_path, capsys):
    # no respondent column: not recognised, so the score reader speaks; --survey asks the survey reader
    p = tmp_path / "odd.csv"
    p.write_text("year,unit_id,question,response\n2023,a,q1,4\n", encoding="utf-8")
    assert main(["validate", str(p), "--survey", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Survey file" in out and "required column 'respondent_id' is missing" in out


def test_a_question_with_two_columns_is_said_once_at_the_header(tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text("year,unit_id,respondent_id,q1,q2,q1\n2023,a,r1,4,5,3\n2023,a,r2,4,5,3\n", encoding="utf-8")
    ins = inspect_survey(p)
    assert [(x.row, x.column, x.en) for x in ins.problems] == [
        (1, "q1", "question 'q1' has two columns (D and F); delete or rename one")]


def test_units_written_by_name_are_read_and_matched_to_the_scores(tmp_path):
    from cchc_analysis.io.survey import match_survey_units
    from cchc_analysis.report.inputs import _unmatched_survey_units
    from cchc_analysis.survey.findings import survey_for_year

    # a form export whose unit column holds names ("Đơn vị công tác"), in the wide layout
    p = tmp_path / "form.csv"
    p.write_text("Năm,Đơn vị công tác,Mã phiếu,q1,q2\n2023,Cục số 1,r1,4,5\n2023,CỤC SỐ 1,r2,3,4\n"
                 "2023,Vụ số 2,r3,5,5\n2023,Phòng cũ,r4,2,2\n", encoding="utf-8")
    s = read_survey(p)
    assert sorted(s["unit_id"].unique()) == ["CỤC SỐ 1", "Cục số 1", "Phòng cũ", "Vụ số 2"]
    assert looks_like_survey(p)
    scores = pd.DataFrame({"year": 2023, "unit_id": ["cuc-01", "vu-02", "vu-03"],
                           "unit_name": ["Cục số 1", "Vụ số 2", "Vụ số 2"]})  # two units named alike
    out, lost = match_survey_units(s, scores.iloc[:2])
    assert out.groupby("unit_id")["respondent_id"].nunique().to_dict() == {"Phòng cũ": 1, "cuc-01": 2, "vu-02": 1}
    assert lost == ["Phòng cũ"]
    _, lost = match_survey_units(s, scores)  # 'Vụ số 2' names two units: not guessed
    assert lost == ["Phòng cũ", "Vụ số 2"]
    note = _unmatched_survey_units(s, scores.iloc[:2], 2023)
    assert note["en"] == ("1 unit of the survey file matches no unit of the score file (by id or name), so its "
                          "answers are not used: Phòng cũ. Correct the names or ids to match.")
    assert "Phòng cũ" in note["vi"] and note["vi"].startswith("1 đơn vị trong tệp khảo sát không khớp")
    # the pages use the matched answers only
    rows, _, _ = survey_for_year(str(p), "x.xlsx", year=2023, scores=scores.iloc[:2])
    assert set(rows["unit_id"]) == {"cuc-01", "vu-02"}
    none = _unmatched_survey_units(s, pd.DataFrame({"unit_id": ["z"], "unit_name": ["Z"]}), 2023)
    assert none["vi"].startswith("Không đơn vị nào của tệp khảo sát khớp")
