"""Survey module: reading with located errors, points, quality diagnostics, criteria quality."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cchc_analysis.config import DEFAULT_SURVEY, DEFAULT_WORKBOOK
from cchc_analysis.errors import DataError
from cchc_analysis.scoring import applicable_index
from cchc_analysis.survey import (
    SURVEY_COLUMNS,
    criteria_discrimination,
    cronbach_alpha,
    icc1,
    make_synthetic_survey,
    quality_table,
    read_survey,
    rwg_j,
    survey_points,
    survey_quality,
    survey_reliability,
    survey_summary,
    survey_vs_appraisal,
    synthetic_survey_questions,
    validate_survey,
    write_synthetic_survey,
)

QUESTIONS = pd.DataFrame({"question": ["q1", "q2", "q3"], "scale_min": [1, 1, 0], "scale_max": [5, 5, 10],
                          "scale": ["s1", "s1", "s2"]})


def _write(tmp_path, text, name="s.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- reading


def test_read_long_csv_vietnamese_headers_roles_and_skips(tmp_path):
    p = _write(tmp_path, "\ufeffNăm;Mã đơn vị;Mã phiếu;Vai trò;Câu hỏi;Trả lời;Dấu thời gian\n"
                         "2023;vu-01;1;Lãnh đạo;q1;5;14/11/2023 09:30\n"
                         "2023;vu-01;1;Lãnh đạo;q2;4,0;14/11/2023 09:30\n"
                         "2023;vu-01;2;Công chức;q1;3;2023-11-15 10:00:05\n"
                         "2023;vu-01;2;Công chức;q2;;2023-11-15 10:00:05\n")
    s = read_survey(p)
    assert list(s.columns) == SURVEY_COLUMNS + ["submitted_at"]
    assert s["respondent_role"].tolist() == ["leader", "leader", "staff", "staff"]
    assert s["respondent_id"].tolist() == ["1", "1", "2", "2"]
    assert s["response"].iloc[:3].tolist() == [5.0, 4.0, 3.0] and np.isnan(s["response"].iat[3])
    assert s["submitted_at"].iat[0] == pd.Timestamp("2023-11-14 09:30")  # day first
    assert s["submitted_at"].iat[2] == pd.Timestamp("2023-11-15 10:00:05")
    assert s["year"].dtype == np.int64


def test_read_xlsx_with_title_row_and_parquet_give_the_same_table(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Hướng dẫn"
    ws.append(["đọc tôi"])
    ws2 = wb.create_sheet("phieu")
    ws2.append(["KẾT QUẢ KHẢO SÁT 2023"])
    ws2.append(["year", "unit_id", "respondent_id", "respondent_role", "question", "response", "scale"])
    ws2.append([2023, "cuc-01", 1.0, "staff", "q1", 4, "s1"])
    ws2.append([2023, "cuc-01", 1.0, "staff", "q3", 10, "s2"])
    wb.save(tmp_path / "s.xlsx")
    x = read_survey(tmp_path / "s.xlsx", questions=QUESTIONS)
    assert x["respondent_id"].tolist() == ["1", "1"] and x["response"].tolist() == [4.0, 10.0]
    assert x["scale"].tolist() == ["s1", "s2"]
    x.to_parquet(tmp_path / "s.parquet")
    pd.testing.assert_frame_equal(read_survey(tmp_path / "s.parquet", questions=QUESTIONS), x)


def test_wide_layout_equals_long(tmp_path):
    wide = _write(tmp_path, "year,unit_id,respondent_id,role,q1,q2\n2023,a,r1,staff,4,5\n2023,a,r2,leader,3,\n",
                  "w.csv")
    long = _write(tmp_path, "year,unit_id,respondent_id,role,question,response\n"
                            "2023,a,r1,staff,q1,4\n2023,a,r1,staff,q2,5\n2023,a,r2,leader,q1,3\n2023,a,r2,leader,q2,\n",
                  "l.csv")
    pd.testing.assert_frame_equal(read_survey(wide), read_survey(long))


def test_wide_layout_locates_bad_answer_in_its_question_column(tmp_path):
    p = _write(tmp_path, "year,unit_id,respondent_id,q1,q2\n2023,a,r1,4,5\n2023,a,r2,3,9\n")
    with pytest.raises(DataError) as e:
        read_survey(p)
    assert (e.value.first.row, e.value.first.column) == (3, "q2")


HEADER = "year,unit_id,respondent_id,respondent_role,question,response,submitted_at\n"
OK = "2023,a,r1,staff,q1,4,2023-11-01 09:00\n"


@pytest.mark.parametrize(
    "body, row, column, needle",
    [
        (OK + "2023,a,r2,staff,q2,6,2023-11-01 09:00\n", 3, "response", "outside the scale 1–5"),
        (OK + "2023,a,r2,staff,q3,11,2023-11-01 09:00\n", 3, "response", "outside the scale 0–10"),
        (OK + "2023,a,r2,staff,q9,4,2023-11-01 09:00\n", 3, "question", "not in the questions table"),
        (OK + "2023,a,r1,staff,q1,3,2023-11-01 09:00\n", 3, "question", "already answered question 'q1' at row 2"),
        (OK + "20x3,a,r2,staff,q1,4,2023-11-01 09:00\n", 3, "year", "year must be a whole number"),
        (OK + "2023,a,r2,staff,q1,rất tốt,2023-11-01 09:00\n", 3, "response", "must be a number"),
        (OK + "2023,a,r2,staff,q1,4,hôm qua\n", 3, "submitted_at", "cannot read the submission time"),
        (OK + "2023,a,r1,leader,q2,4,2023-11-01 09:00\n", 3, "respondent_role", "has two roles"),
        (OK + "2023,,r2,staff,q1,4,2023-11-01 09:00\n", 3, "unit_id", "unit id is empty"),
    ],
)
def test_located_errors(tmp_path, body, row, column, needle):
    p = _write(tmp_path, HEADER + body)
    with pytest.raises(DataError) as e:
        read_survey(p, questions=QUESTIONS)
    first = e.value.first
    assert (first.row, first.column) == (row, column)
    assert needle in first.en and first.vi and first.file.endswith("s.csv")


def test_errors_name_the_header_as_written(tmp_path):
    p = _write(tmp_path, "Năm,Mã đơn vị,Mã phiếu,Câu hỏi,Trả lời\n2023,a,r1,q1,0\n")
    with pytest.raises(DataError) as e:
        read_survey(p)
    assert e.value.first.column == "Trả lời" and "cột 'Trả lời'" in str(e.value)


@pytest.mark.parametrize(
    "text, needle",
    [("", "the file is empty"), ("\n\n", "the file is empty"),
     ("year,unit_id,respondent_id,question,response\n", "no data rows"),
     ("year,unit_id,question,response\n2023,a,q1,4\n", "required column 'respondent_id' is missing"),
     ("year,unit_id,respondent_id\n2023,a,r1\n", "required column 'question' is missing"),
     ("foo,bar\n1,2\n", "no header row found")],
)
def test_file_level_errors(tmp_path, text, needle):
    p = tmp_path / "e.csv"
    p.write_bytes(text.encode())
    with pytest.raises(DataError) as e:
        read_survey(p)
    assert needle in str(e.value)


def test_validate_survey_lists_every_problem(tmp_path):
    p = _write(tmp_path, HEADER + OK + "2023,a,r1,staff,q1,9,2023-11-01 09:00\n" + "x,a,r2,staff,q2,4,\n")
    t = validate_survey(p)
    assert list(t["row"]) == [3, 3, 4] and set(t["column"]) == {"response", "question", "year"}
    assert validate_survey(_write(tmp_path, HEADER + OK, "ok.csv")).empty


def test_bad_arguments():
    with pytest.raises(ValueError, match="response_range"):
        read_survey(DEFAULT_SURVEY, response_range=(5, 1))
    with pytest.raises(ValueError, match="scale_min"):
        read_survey(DEFAULT_SURVEY, questions=pd.DataFrame({"question": ["q"]}))


# --------------------------------------------------------------------------- points


def test_survey_points_by_hand_and_joins_scores():
    survey = pd.DataFrame({
        "year": 2023, "unit_id": ["a"] * 4 + ["b"] * 2, "respondent_id": ["r1", "r1", "r2", "r2", "r1", "r2"],
        "respondent_role": "staff", "question": ["q1", "q3", "q1", "q3", "q1", "q1"],
        "response": [5.0, 10.0, 2.0, np.nan, 1.0, 3.0]})
    mapping = pd.DataFrame({"question": ["q1", "q3"], "criterion": ["1.6", "1.6"], "max_points": [1.0, 2.0],
                            "scale_min": [1, 0], "scale_max": [5, 10]})
    before = survey.copy()
    pts = survey_points(survey, mapping=mapping, units=pd.DataFrame({"unit_id": ["a"], "unit_name": ["Vụ A"],
                                                                      "unit_type": ["vu"]}))
    pd.testing.assert_frame_equal(survey, before)
    # unit a: q1 achievement mean(1, 0.25) = 0.625; q3 (r2 skipped) = 1.0
    #         points = 3 × (1 × 0.625 + 2 × 1.0) / 3 = 2.625
    # unit b: only q1 answered: achievement mean(0, 0.5) = 0.25 → points = 3 × 0.25 = 0.75
    assert pts["points"].tolist() == pytest.approx([2.625, 0.75])
    assert pts["max_points"].tolist() == [3.0, 3.0]
    assert pts["unit_name"].tolist() == ["Vụ A", "b"] and pts["unit_type"].tolist() == ["vu", ""]
    assert (pts["component"] == "survey").all() and pts["field"].eq("1").all() and pts["applicable"].all()
    from cchc_analysis.io import SCORE_COLUMNS
    assert list(pts.columns) == SCORE_COLUMNS
    appraisal = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "unit_name": ["Vụ A", "b"], "unit_type": "vu",
                              "field": "1", "criterion": "1.1", "component": "appraisal", "max_points": 1.0,
                              "points": [1.0, 0.0], "applicable": True})
    idx = applicable_index(pd.concat([appraisal, pts], ignore_index=True), aggregate="component")
    assert idx.loc[idx["component"] == "survey", "index"].tolist() == pytest.approx([87.5, 25.0])


def test_survey_points_bad_mapping():
    s = make_synthetic_survey(seed=3, n_cuc=1, n_vu=1, years=(2023,), n_planted=0)
    with pytest.raises(ValueError, match="max_points"):
        survey_points(s, mapping=pd.DataFrame({"question": ["q1_1"], "criterion": ["1.6"]}))
    with pytest.raises(ValueError, match="twice"):
        survey_points(s, mapping=pd.DataFrame({"question": ["q", "q"], "criterion": "1", "max_points": 1.0}))


def test_synthetic_survey_points_cover_the_survey_criteria():
    s = make_synthetic_survey(seed=3, n_cuc=2, n_vu=2, years=(2023,), n_planted=0)
    pts = survey_points(s, mapping=synthetic_survey_questions(3))
    assert pts.groupby("unit_id").size().to_dict() == {"cuc-01": 7, "cuc-02": 7, "thanh-tra-bo": 6,
                                                        "van-phong-bo": 6, "vu-01": 6, "vu-02": 6}
    assert ((pts["points"] >= 0) & (pts["points"] <= pts["max_points"])).all()
    assert (pts["max_points"] == 3.0).all()


# --------------------------------------------------------------------------- statistics


def test_cronbach_alpha_by_hand():
    x = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]
    # item variances 5/3, 19/12, 5/3 (sum 59/12); total variance 57/4
    assert cronbach_alpha(x) == pytest.approx(1.5 * (1 - (59 / 12) / (57 / 4)))
    assert np.isnan(cronbach_alpha([[1, 2]]))  # one respondent
    assert np.isnan(cronbach_alpha([[1], [2]]))  # one item
    assert cronbach_alpha([[1, 2, np.nan], [2, 3, 3], [3, 3, 4], [4, 5, 5], [1, 2, 2]]) == pytest.approx(
        cronbach_alpha([[2, 3, 3], [3, 3, 4], [4, 5, 5], [1, 2, 2]]))  # listwise deletion


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=3, max_size=3), min_size=3, max_size=12))
def test_cronbach_alpha_equals_the_covariance_form(rows):
    x = np.array(rows, dtype=float)
    c = np.cov(x, rowvar=False)
    k = 3
    vbar = np.diag(c).mean()
    cbar = (c.sum() - np.trace(c)) / (k * (k - 1))
    denom = vbar + (k - 1) * cbar
    if c.sum() <= 1e-12:
        assert np.isnan(cronbach_alpha(x))
    else:
        assert cronbach_alpha(x) == pytest.approx(k * cbar / denom)


def test_icc1_matches_scipy_anova_with_unequal_groups():
    d = pd.DataFrame({"unit_id": list("aaabbbbcc"), "value": [1.0, 2, 2, 4, 5, 5, 6, 3, 4]})
    F = stats.f_oneway(*[g["value"].to_numpy() for _, g in d.groupby("unit_id")]).statistic  # scipy reference
    n = np.array([3, 4, 2.0])
    k0 = (n.sum() - (n ** 2).sum() / n.sum()) / 2
    assert icc1(d) == pytest.approx((F - 1) / (F + k0 - 1))
    # by hand on equal groups: MSB 13.5, MSW 1, k = 3
    e = pd.DataFrame({"unit_id": list("aaabbb"), "value": [1.0, 2, 3, 4, 5, 6]})
    assert icc1(e) == pytest.approx(12.5 / 15.5)


def test_rwg_j_by_hand():
    assert rwg_j([[4, 5], [5, 5], [4, 4]]) == pytest.approx(10 / 11)
    assert rwg_j([[3, 3], [3, 3]]) == 1.0
    assert rwg_j([[1, 5], [5, 1], [1, 5], [5, 1]]) == 0.0  # more spread than random: truncated
    # one item, 3 options: variance 0.25 vs (9 − 1)/12 = 2/3 → ratio 0.375 → r_wg = 0.625
    assert rwg_j([[1], [2], [2], [2]], n_options=3) == pytest.approx(0.625)


# --------------------------------------------------------------------------- quality


def _frame(unit_vectors, *, times=None, roles=None, year=2023):
    rows = []
    for unit, vectors in unit_vectors.items():
        for r, vec in enumerate(vectors):
            for j, v in enumerate(vec):
                row = {"year": year, "unit_id": unit, "respondent_id": f"r{r}",
                       "respondent_role": (roles or {}).get(unit, ["staff"] * len(vectors))[r],
                       "question": f"q{j}", "response": float(v)}
                if times is not None:
                    row["submitted_at"] = pd.Timestamp(times[unit][r])
                rows.append(row)
    return pd.DataFrame(rows)


HONEST = [[2, 4, 3, 5, 1, 3], [4, 2, 5, 3, 3, 1], [1, 3, 2, 4, 5, 2], [5, 1, 4, 2, 2, 4], [3, 5, 1, 1, 4, 5],
          [2, 2, 5, 4, 1, 1]]


def test_quality_straightlining_duplicates_and_near_duplicates():
    copied = [[4, 5, 4, 5, 4, 3]] * 2 + [[4, 5, 4, 5, 4, 4]] + [[3, 4, 3, 4, 3, 2]] + HONEST[:4]
    straight = [[5] * 6, [4] * 6, [3] * 6] + HONEST[:5]
    s = _frame({"copy": copied, "honest": HONEST, "straight": straight})
    before = s.copy()
    q = survey_quality(s).set_index("unit_id")
    pd.testing.assert_frame_equal(s, before)
    # copy: 2 identical + 1 at Hamming distance 1 + 1 shifted by one (r = 1) = 4 of 8
    assert q.loc["copy", "share_duplicate"] == 0.5 and q.loc["copy", "share_straightlined"] == 0
    assert q.loc["straight", "share_straightlined"] == 3 / 8 and q.loc["straight", "share_duplicate"] == 0
    assert q.loc["honest", "share_duplicate"] == 0 and not q.loc["honest", "suspect_formal"]
    assert q.loc["copy", "suspect_formal"] and q.loc["straight", "suspect_formal"]
    assert "giống hệt hoặc gần giống" in q.loc["copy", "reason_vi"] and "50%" in q.loc["copy", "reason_en"]
    assert q.loc["honest", "reason_en"] == ""
    # thresholds are arguments; the shifted copy stops counting without the correlation rule
    q2 = survey_quality(s, duplicate_threshold=0.6, straightline_threshold=0.4, near_correlation=1.1, near_share=0)
    q2 = q2.set_index("unit_id")
    assert q2.loc["copy", "share_duplicate"] == 3 / 8 and not q2["suspect_formal"].any()
    q3 = survey_quality(s, near_hamming=0, near_share=0).set_index("unit_id")
    assert q3.loc["copy", "share_duplicate"] == 3 / 8  # the Hamming-1 copy correlates only 0.857 (by hand)
    assert np.isnan(q.loc["honest", "burst_share"]) and np.isnan(q.loc["honest", "leader_staff_diff"])


def test_quality_bursts_roles_and_too_few_respondents():
    day = pd.Timestamp("2023-11-01 09:00")
    burst_times = [day + pd.Timedelta(minutes=m) for m in (0, 1, 2, 3, 4, 600)]
    spread_times = [day + pd.Timedelta(days=d) for d in range(6)]
    roles = {"burst": ["leader", "leader", "staff", "staff", "staff", "staff"],
             "spread": ["staff"] * 6, "tiny": ["staff"] * 3}
    s = _frame({"burst": HONEST, "spread": HONEST, "tiny": HONEST[:3]},
               times={"burst": burst_times, "spread": spread_times, "tiny": spread_times[:3]}, roles=roles)
    q = survey_quality(s).set_index("unit_id")
    assert q.loc["burst", "burst_share"] == pytest.approx(5 / 6) and q.loc["burst", "suspect_formal"]
    assert "30 phút" in q.loc["burst", "reason_vi"] and "group sitting" in q.loc["burst", "reason_en"]
    assert q.loc["spread", "burst_share"] == pytest.approx(1 / 6) and not q.loc["spread", "suspect_formal"]
    assert q.loc["spread", "median_gap_minutes"] == pytest.approx(24 * 60)
    assert q.loc["burst", "median_gap_minutes"] == pytest.approx(1.0)
    means = np.array(HONEST, dtype=float).mean(axis=1)
    assert q.loc["burst", "leader_staff_diff"] == pytest.approx(means[:2].mean() - means[2:].mean())
    assert (q.loc["burst", "n_leaders"], q.loc["burst", "n_staff"]) == (2, 4)
    assert not q.loc["tiny", "suspect_formal"] and "only 3 respondents" in q.loc["tiny", "reason_en"]
    # the window is half-open: submissions less than 2 minutes apart (minutes 0 and 1, not 2)
    assert survey_quality(s, burst_window="2min").set_index("unit_id").loc["burst", "burst_share"] == pytest.approx(
        2 / 6)


def test_quality_alpha_and_agreement_per_unit():
    x = [[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5], [2, 2, 3]]
    q = survey_quality(_frame({"a": x}))
    assert q["cronbach_alpha_mean"].iat[0] == pytest.approx(cronbach_alpha(x))
    assert q["rwg_j"].iat[0] == pytest.approx(rwg_j(x))
    s = _frame({"a": x}).assign(scale=lambda d: np.where(d["question"] == "q2", "s2", "s1"))
    q = survey_quality(s)
    assert q["cronbach_alpha_mean"].iat[0] == pytest.approx(cronbach_alpha(np.array(x)[:, :2]))  # s2: 1 item → NaN


def test_quality_bad_arguments():
    s = _frame({"a": HONEST})
    with pytest.raises(ValueError, match="duplicate_threshold"):
        survey_quality(s, duplicate_threshold=0)
    with pytest.raises(ValueError, match="lacks"):
        survey_quality(s.drop(columns="respondent_id"))


def test_planted_formal_units_are_found_on_the_bundled_survey():
    survey, truth = make_synthetic_survey(return_truth=True)
    q = survey_quality(survey).merge(truth, on=["year", "unit_id"], validate="1:1")
    assert len(q) == 36 * 3 and q["planted"].sum() == 15
    assert q.loc[q["planted"], "suspect_formal"].all()  # every planted unit found
    assert q.loc[~q["planted"], "suspect_formal"].sum() <= 2  # few false positives (measured: 0)


def test_planted_units_found_with_another_seed():
    survey, truth = make_synthetic_survey(seed=11, n_cuc=8, n_vu=8, years=(2022, 2023), n_planted=4,
                                          return_truth=True)
    q = survey_quality(survey).merge(truth, on=["year", "unit_id"])
    assert q.loc[q["planted"], "suspect_formal"].all()
    assert q.loc[~q["planted"], "suspect_formal"].sum() <= 1


def test_reliability_table():
    s = make_synthetic_survey(seed=2, n_cuc=4, n_vu=4, years=(2023,), n_planted=0)
    r = survey_reliability(s)
    assert r["scale"].tolist() == [f"f{k}" for k in range(1, 8)] and (r["n_items"] == 2).all()
    assert r.loc[r["scale"] == "f6", "n_units"].item() == 4 and r.loc[r["scale"] == "f1", "n_units"].item() == 10
    assert r["cronbach_alpha"].between(0.5, 0.95).all()  # the two questions of a scale hang together
    assert r["icc1"].between(0.05, 0.8).all()
    one = s.loc[s["scale"] == "f1"]
    x = one.pivot_table(index=["unit_id", "respondent_id"], columns="question", values="response").dropna()
    assert r.loc[r["scale"] == "f1", "cronbach_alpha"].item() == pytest.approx(cronbach_alpha(x.to_numpy()))


def test_display_helpers():
    s = _frame({"copy": [[4, 5, 4, 5, 4, 3]] * 3 + HONEST, "honest": HONEST})
    q = survey_quality(s)
    t = quality_table(q, lang="en")
    assert len(t) == 1 and t["Unit id"].item() == "copy" and "another respondent" in t["Reason"].item()
    assert len(quality_table(q, flagged_only=False)) == 2
    assert survey_summary(q, lang="vi").startswith("1/2 đơn vị (2023)")
    with pytest.raises(ValueError, match="lang"):
        survey_summary(q, lang="fr")


# --------------------------------------------------------------------------- synthetic


def test_generator_is_seeded_and_labelled(tmp_path):
    a, ta = make_synthetic_survey(seed=4, n_cuc=2, n_vu=1, years=(2023,), n_planted=1, return_truth=True)
    b = make_synthetic_survey(seed=4, n_cuc=2, n_vu=1, years=(2023,), n_planted=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(make_synthetic_survey(seed=5, n_cuc=2, n_vu=1, years=(2023,), n_planted=1))
    assert list(ta.columns) == ["year", "unit_id", "planted", "modes"] and ta["planted"].sum() == 1
    assert set(ta.loc[ta["planted"], "modes"].item().split("+")) <= {"copied", "straightline", "burst"}
    p = write_synthetic_survey(tmp_path / "synthetic_survey.csv", seed=4, n_cuc=2, n_vu=1, years=(2023,))
    text = p.read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in text.splitlines()[1] and text.splitlines()[2].endswith(",synthetic,True")
    with pytest.raises(PermissionError):
        write_synthetic_survey(DEFAULT_SURVEY, seed=4, n_cuc=1, n_vu=1, years=(2023,), n_planted=1)


def test_bundled_survey_is_the_generator_output():
    assert "synthetic" in DEFAULT_SURVEY.name
    s = read_survey(DEFAULT_SURVEY, questions=synthetic_survey_questions())
    pd.testing.assert_frame_equal(s, make_synthetic_survey(), check_dtype=False)
    assert set(s["unit_id"]) == {f"cuc-{i:02d}" for i in range(1, 19)} | {f"vu-{i:02d}" for i in range(1, 17)} | {
        "van-phong-bo", "thanh-tra-bo"}
    assert sorted(s["year"].unique()) == [2021, 2022, 2023]


# --------------------------------------------------------------------------- scores-based


def test_survey_vs_appraisal_by_hand():
    scores = pd.DataFrame({
        "year": 2023, "unit_id": ["a", "a", "a", "b", "b", "b", "c"],
        "criterion": ["1.1", "1.2", "1.6", "1.1", "1.2", "1.6", "1.6"],
        "component": ["appraisal", "appraisal", "survey"] * 2 + ["survey"],
        "max_points": [1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 2.0],
        "points": [1.0, 0.0, 2.0, 1.0, 1.0, 0.5, 0.5], "applicable": True})
    # a: appraisal 50, survey 100 (gap +50); b: appraisal 100, survey 25 (gap -75); c: survey only
    out = survey_vs_appraisal(scores).set_index("unit_id")
    assert out.loc["a", "gap"] == 50.0 and out.loc["b", "gap"] == -75.0 and np.isnan(out.loc["c", "gap"])
    assert out.loc["a", "gap_rank"] == 1 and out.loc["b", "gap_rank"] == 2 and pd.isna(out.loc["c", "gap_rank"])
    assert out.loc["b", "survey_rank"] == 2 and out.loc["c", "survey_rank"] == 2  # tie at 25: competition rank
    assert out.loc["a", "rank_shift"] == 1 and out.loc["b", "rank_shift"] == -1


def test_survey_vs_appraisal_on_bundled_workbook():
    from cchc_analysis.io import read_scores

    scores = read_scores(DEFAULT_WORKBOOK)
    out = survey_vs_appraisal(scores)
    assert len(out) == 36 * 3 and out["gap"].notna().all()
    idx = applicable_index(scores, aggregate="component")
    one = idx[(idx["unit_id"] == "cuc-01") & (idx["year"] == 2023)].set_index("component")["index"]
    row = out[(out["unit_id"] == "cuc-01") & (out["year"] == 2023)].iloc[0]
    assert row["gap"] == pytest.approx(one["survey"] - one["appraisal"])
    assert sorted(out.loc[out["year"] == 2023, "gap_rank"].tolist()) == list(range(1, 37))


def test_criteria_discrimination_by_hand():
    pts = {"7.1": [1, 1, 1, 1, 1, 1], "1.1": [0, .5, 1, 1, .5, 0], "2.1": [2, 1, 2, 0, 1, 1]}
    rows = [{"year": 2023, "unit_id": u, "field": c[0], "criterion": c, "component": "appraisal",
             "max_points": 2.0 if c == "2.1" else 1.0, "points": float(v), "applicable": True}
            for c, vals in pts.items() for u, v in zip("abcdef", vals)]
    scores = pd.DataFrame(rows)
    d = criteria_discrimination(scores).set_index("criterion")
    assert d.index[0] == "7.1" and d.loc["7.1", "non_discriminating"] and d.loc["7.1", "share_at_max"] == 1
    assert np.isnan(d.loc["7.1", "item_total_r"])  # no variation
    assert d.loc["1.1", "share_at_max"] == pytest.approx(2 / 6) and d.loc["1.1", "share_at_zero"] == pytest.approx(2 / 6)
    # corrected item-total r of 1.1: achievement vs 100 × (other points) / 3 by hand
    other = np.array([1 + 2, 1 + 1, 1 + 2, 1 + 0, 1 + 1, 1 + 1]) / 3 * 100
    assert d.loc["1.1", "item_total_r"] == pytest.approx(np.corrcoef([0, .5, 1, 1, .5, 0], other)[0, 1])
    assert d.loc["2.1", "mean_achievement"] == pytest.approx(7 / 12)
    flagged = criteria_discrimination(scores, flagged_only=True)
    assert flagged["criterion"].tolist() == ["7.1"]
    assert criteria_discrimination(scores, min_units=7)["non_discriminating"].sum() == 0
    # at 30 %: 1.1 and 2.1 (2 of 6 at the maximum) join; ties ordered by criterion
    assert criteria_discrimination(scores, threshold=0.3, flagged_only=True)["criterion"].tolist() == ["7.1", "1.1", "2.1"]


def test_saturated_criteria_flagged_on_bundled_workbook():
    from cchc_analysis.io import read_scores

    scores = read_scores(DEFAULT_WORKBOOK)
    d = criteria_discrimination(scores)
    for year in (2021, 2022, 2023):
        flagged = set(d.loc[(d["year"] == year) & d["non_discriminating"], "criterion"])
        assert {"7.1", "7.2", "7.3"} <= flagged
        assert len(flagged) <= 4
    pooled = criteria_discrimination(scores, by=(), flagged_only=True)
    assert set(pooled["criterion"]) == {"7.1", "7.2", "7.3"}
    assert "no longer discriminates" in pooled["reason_en"].iat[0]


def test_google_forms_like_wide_export_with_excel_datetimes(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Dấu thời gian", "Năm", "Mã đơn vị", "Mã phiếu", "Đối tượng", "q1", "q2"])
    ws.append([datetime(2023, 11, 14, 9, 30), 2023, "vu-01", 1, "Chuyên viên", 4, 5])
    ws.append([datetime(2023, 11, 14, 9, 31), 2023, "vu-01", 2, "Lãnh đạo quản lý", 5, None])
    wb.save(tmp_path / "forms.xlsx")
    s = read_survey(tmp_path / "forms.xlsx")
    assert s["respondent_role"].tolist() == ["staff", "staff", "leader", "leader"]
    assert s["submitted_at"].tolist()[::2] == [pd.Timestamp("2023-11-14 09:30"), pd.Timestamp("2023-11-14 09:31")]
    assert s["question"].tolist() == ["q1", "q2", "q1", "q2"] and np.isnan(s["response"].iat[3])


def test_quality_noisy_copies_found_against_the_permutation_null():
    from cchc_analysis.synthetic import make_survey_world

    tp = planted = flagged = tp_old = 0
    for seed in (21, 22, 23, 24):  # pooled over four seeded worlds (measured: 45 of 48 found, 48 flagged)
        s, truth = make_survey_world(120, share_planted=0.1, flip_rate=0.2, seed=seed)
        q = survey_quality(s).merge(truth, on=["year", "unit_id"], validate="1:1")
        tp += (q["planted"] & q["suspect_formal"]).sum()
        planted, flagged = planted + q["planted"].sum(), flagged + q["suspect_formal"].sum()
        old = survey_quality(s, near_share=0).merge(truth, on=["year", "unit_id"])
        tp_old += (old["planted"] & old["suspect_formal"]).sum()
    assert tp / planted >= 0.9 and tp / flagged >= 0.9
    assert tp_old / planted < 0.5  # the absolute Hamming-1 rule misses noisy copies


def test_quality_is_the_same_unit_by_unit_and_in_one_batch():
    # units of very different sizes go through different padded batches; the answer must not depend on that
    s = make_synthetic_survey(seed=4, n_cuc=3, n_vu=3, years=(2023,), n_planted=2)
    big = s[s["unit_id"] == "cuc-01"].copy()
    big = pd.concat([big.assign(respondent_id=big["respondent_id"] + f"-{k}") for k in range(4)], ignore_index=True)
    both = pd.concat([s, big.assign(unit_id="big")], ignore_index=True)
    together = survey_quality(both).set_index("unit_id")
    for unit, d in both.groupby("unit_id"):
        alone = survey_quality(d).set_index("unit_id")
        pd.testing.assert_frame_equal(alone, together.loc[[unit]], check_dtype=False)
    assert together.loc["big", "n_respondents"] == 4 * together.loc["cuc-01", "n_respondents"]
    assert together.loc["big", "share_duplicate"] == 1.0  # every form appears four times


def test_quality_large_honest_units_are_not_flagged_by_chance_look_alikes():
    from cchc_analysis.synthetic import make_survey_world

    s, truth = make_survey_world(30, n_respondents=150, share_planted=0.1, seed=2)
    q = survey_quality(s).merge(truth, on=["year", "unit_id"], validate="1:1")
    assert q.loc[q["planted"], "suspect_formal"].all()
    assert not q.loc[~q["planted"], "suspect_formal"].any()  # before scaling the partners: 6 of 27 flagged


def test_survey_page_reads_once_and_still_locates_a_bad_synthetic_answer(tmp_path):
    """survey_for_year checks the synthetic instrument on the parsed table (one read); the
    same frame as the careful read with the instrument, and a bad answer is still located."""
    from cchc_analysis.survey.findings import survey_for_year

    p = write_synthetic_survey(tmp_path / "s.csv", seed=4, n_cuc=2, n_vu=2, years=(2023,), n_planted=0)
    got, synthetic, why = survey_for_year(str(p), "", year=2023)
    assert synthetic and why is None
    want = read_survey(p, questions=synthetic_survey_questions())
    pd.testing.assert_frame_equal(got, want[want["year"] == 2023])
    lines = p.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    k = head.index("question")
    row = lines[5].split(",")
    row[k] = "q_khong_co"  # a question the instrument does not have: fine without it
    lines[5] = ",".join(row)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_survey(p)  # no instrument: no problem
    with pytest.raises(DataError) as e:
        survey_for_year(str(p), "", year=2023)
    assert e.value.problems[0].row == 6 and "q_khong_co" in e.value.problems[0].en


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["1", "2", "3,5", "x", " 4 ", ""]),
                          st.floats(allow_nan=True, allow_infinity=False, width=32)), min_size=65, max_size=120),
       st.sampled_from(["text", "numbers", "mixed"]))
def test_parse_unique_fast_path_equals_the_cell_by_cell_rule(values, kind):
    """The pandas-hashed path of _parse_unique (one type per column, empty cells) gives what
    the cell-by-cell rule gives: one parse per distinct (type, value), NaN as one value."""
    from cchc_analysis.io.survey import _parse_response, _parse_unique

    if kind != "mixed":  # one type (and empty cells): the hashed path
        keep = str if kind == "text" else float
        values = [v for v in values if v is None or isinstance(v, keep)]
        values = (values * (70 // max(1, len(values)) + 1))[:max(70, len(values))] if values else [None] * 70
    vals = np.array(values, dtype=object)
    got, bad = _parse_unique(vals, _parse_response)
    cache, want, want_bad = {}, [], []
    for v in vals:
        key = (type(v).__name__, v) if not isinstance(v, float) or v == v else ("nan", None)
        if key not in cache:
            try:
                cache[key] = (_parse_response(v), False)
            except (ValueError, TypeError, OverflowError):
                cache[key] = (None, True)
        want.append(cache[key][0])
        want_bad.append(cache[key][1])
    assert list(bad) == want_bad
    assert [None if w is None else (w if w == w else "nan") for w in got] == \
           [None if w is None else (w if w == w else "nan") for w in want]


def test_checked_copy_reads_back_equal_and_is_checked_again_when_asked(tmp_path):
    """The report's cached survey (write_checked_survey) reads back as the same table, with
    its provenance, without parsing; a read with an instrument or another scale range, or a
    copy whose metadata was not written by it, goes through the full check."""
    from cchc_analysis.io.survey import CHECKED_TABLE_KEY, write_checked_survey
    from cchc_analysis.provenance import is_synthetic

    full = read_survey(DEFAULT_SURVEY)
    path = write_checked_survey(full, tmp_path / "survey-x.parquet")
    import pyarrow.parquet as pq

    assert CHECKED_TABLE_KEY in pq.read_schema(path).metadata
    back = read_survey(path)
    pd.testing.assert_frame_equal(back, full)
    assert is_synthetic(back) and is_synthetic(full)

    # an answer outside 1-5 in a checked copy checked with 0-10: a 1-5 read does not trust it
    wide = full.copy()
    wide.loc[0, "response"] = 9.0
    write_checked_survey(wide, tmp_path / "survey-wide.parquet", response_range=(0, 10))
    assert read_survey(tmp_path / "survey-wide.parquet", response_range=(0, 10)).loc[0, "response"] == 9.0
    with pytest.raises(DataError, match="outside the scale 1–5"):
        read_survey(tmp_path / "survey-wide.parquet")
    # the same bad answer in a Parquet file someone else wrote: checked, located
    wide.to_parquet(tmp_path / "other.parquet", index=False)
    with pytest.raises(DataError, match=r"row 2, column 'response'"):
        read_survey(tmp_path / "other.parquet")
    # an instrument given: checked against it even from the checked copy
    with pytest.raises(DataError, match="not in the questions table"):
        read_survey(path, questions=QUESTIONS)


def test_item_statistics_against_scipy_and_alpha_without_the_item():
    from cchc_analysis.survey import item_statistics

    s = read_survey(DEFAULT_SURVEY).assign(scale="all")  # the whole form: 14 items
    s = s[s["year"] == 2023]
    it = item_statistics(s)
    w = s.pivot_table(index=["unit_id", "respondent_id"], columns="question", values="response").dropna()
    assert len(it) == w.shape[1] and (it["n_respondents"] == len(w)).all()
    for r in it.itertuples():
        rest = w.drop(columns=r.question).sum(axis=1)
        assert r.item_rest_r == pytest.approx(stats.pearsonr(w[r.question], rest)[0], abs=1e-12)
        assert r.alpha_if_deleted == pytest.approx(cronbach_alpha(w.drop(columns=r.question).to_numpy()), abs=1e-12)
        assert r.mean == pytest.approx(w[r.question].mean()) and r.sd == pytest.approx(w[r.question].std())
    assert it["alpha"].iloc[0] == pytest.approx(cronbach_alpha(w.to_numpy()))


def test_item_statistics_find_a_planted_noise_question():
    from cchc_analysis.survey import item_statistics

    rng = np.random.default_rng(3)
    rows = []
    for i in range(200):
        trait = rng.normal()
        for q in ("a", "b", "c", "d"):
            v = trait + rng.normal(0, 0.6) if q != "d" else rng.normal()  # d measures nothing
            rows.append({"year": 2024, "unit_id": f"u{i % 10}", "respondent_id": f"r{i}", "question": q,
                         "response": float(np.clip(np.round(3 + v), 1, 5)), "scale": "s"})
    it = item_statistics(pd.DataFrame(rows)).set_index("question")
    assert it["weak"].to_dict() == {"a": False, "b": False, "c": False, "d": True}
    assert it.loc["d", "alpha_if_deleted"] > it.loc["d", "alpha"] + 0.02 and abs(it.loc["d", "item_rest_r"]) < 0.2
    # a scale of two items: their correlation, no α without one of them
    two = item_statistics(pd.DataFrame(rows).query("question in ['a', 'b']"))
    assert two["alpha_if_deleted"].isna().all() and two["item_rest_r"].iloc[0] == pytest.approx(two["item_rest_r"].iloc[1])


def test_weak_questions_are_a_finding_with_their_numbers():
    from cchc_analysis.survey import findings as sf

    items = pd.DataFrame({"year": [2024, 2024, 2024], "scale": ["f2", "f2", "f3"], "question": ["q2_1", "q2_2", "q3_1"],
                          "item_rest_r": [0.61, 0.12, 0.5], "alpha": [0.7, 0.7, 0.8],
                          "alpha_if_deleted": [0.55, 0.78, np.nan], "weak": [False, True, False]})
    disc = pd.DataFrame({"non_discriminating": [False]})
    out = sf.findings(None, disc, year=2024, lang="vi", items=items)
    assert out[-1] == ("Năm 2024: 1 câu hỏi tương quan yếu với các câu cùng thang đo, nên xem lại cách hỏi: "
                       "q2_2 (2. Cải cách thể chế: r = 0,12; α 0,70 → 0,78 khi bỏ câu này).")
    en = sf.findings(None, disc, year=2024, lang="en", items=items)
    assert en[-1] == ("2024: 1 question correlates weakly with the rest of its scale; review the wording: "
                      "q2_2 (2. Institutional reform: r = 0.12; α 0.70 → 0.78 without it).")
    assert not any("weakly" in x for x in sf.findings(None, disc, year=2024, lang="en", items=items.assign(weak=False)))


def test_a_scale_whose_items_all_fail_is_said_once_for_the_scale():
    from cchc_analysis.survey import findings as sf

    items = pd.DataFrame({"year": 2025, "scale": "all", "question": ["C1", "C2", "C3"], "item_rest_r": [0.26, 0.22, 0.24],
                          "alpha": 0.54, "alpha_if_deleted": [0.51, 0.52, 0.52], "weak": True})
    out = sf.findings(None, pd.DataFrame({"non_discriminating": [False]}), year=2025, lang="vi", items=items)
    assert out[-1] == ("Năm 2025: các câu hỏi của thang đo Cả phiếu (mọi câu hỏi) ít liên quan với nhau (α = 0,54; "
                       "tương quan của mỗi câu với các câu còn lại 0,22 đến 0,26): thang đo không đo một điều chung, "
                       "nên đọc kết quả từng câu.")
    assert not any("xem lại cách hỏi" in x for x in out)
