"""Tests for cchc_analysis.trends.breaks: the methodology table and break notes."""

from __future__ import annotations
from cchc_analysis.trends import break_note, breaks_between, methodology_breaks


def test_methodology_breaks_table_is_documented():
    b = methodology_breaks()
    assert b["year_from"].is_monotonic_increasing and b["year_from"].is_unique
    assert {2012, 2017, 2019, 2020, 2022, 2024} <= set(b["year_from"])
    assert b["source_url"].str.startswith("http").all()
    assert b["what_changed_vi"].str.len().gt(10).all() and b["what_changed_en"].str.len().gt(10).all()
    assert set(b["year_from_basis"]) <= {"documented", "inferred"}
    r = b.set_index("decision")
    assert r.loc["876/QĐ-BNV", "survey_points_ministry"] == 31.5
    assert r.loc["876/QĐ-BNV", "survey_points_province"] == 32
    assert r.loc["1149/QĐ-BNV", "survey_points_ministry"] == 36.5
    assert breaks_between(2023, 2024)["decision"].tolist() == ["892/QĐ-BNV"]
    assert breaks_between(2016, 2020)["year_from"].tolist() == [2017, 2018, 2019, 2020]
    assert "876/QĐ-BNV" in break_note(2022, 2021, lang="vi")


def test_decision_dates_in_the_readers_format():
    from cchc_analysis.trends import findings, methodology_breaks

    b = methodology_breaks()
    vi = findings.breaks_for_people(b, lang="vi")
    first = b.index[b["decision"] == "1294/QĐ-BNV"][0]
    assert vi.loc[first, "date"] == "03/12/2012" and b.loc[first, "date"] == "2012-12-03"  # the input is untouched
    assert findings.breaks_for_people(b, lang="en").loc[first, "date"] == "3 Dec 2012"
