"""Published claims recomputed from the published rows; notebook 00 through papermill."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis import config
from cchc_analysis.published import check_claims, claims_summary_text, load_claims, year_status
from cchc_analysis.errors import DataError
from cchc_analysis.published import load_published

# Every claim notebook 00 marks "pass" with its defaults (ministry, 2023), asserted one by one
# against hand-computed values from the 17-row government table
# https://xaydungchinhsach.chinhphu.vn/chi-tiet-bang-xep-hang-par-index-2023-cua-cac-bo-co-quan-ngang-bo-119240417175319406.htm
IDX_2023 = [89.95, 89.89, 89.18, 87.04, 87.01, 86.41, 86.28, 86.18, 85.83, 85.81, 83.56, 80.53, 80.38, 80.07,
            79.80, 78.48, 78.03]
EXPECTED_PASS_2023 = {
    "min-2023-n_ranked": 17,
    "min-2023-mean": sum(IDX_2023) / 17,  # 84.378..., published 84.38
    "min-2023-n_above_mean": 10,
    "min-2023-n_above-80": 14,
    "min-2023-n_below-80": 3,
    "min-2023-top": 89.95,
    "min-2023-bottom": 78.03,
    "min-2023-gap_top_bottom": 89.95 - 78.03,
    "min-2023-unit_rank_change": 9,
}


@pytest.fixture(scope="module")
def ministry():
    return load_published("ministry")


@pytest.fixture(scope="module")
def table_2023(ministry):
    return check_claims(ministry, level="ministry", year=2023).set_index("claim_id")


def test_hand_values_match_the_published_numbers():
    assert round(EXPECTED_PASS_2023["min-2023-mean"], 2) == 84.38
    assert round(EXPECTED_PASS_2023["min-2023-gap_top_bottom"], 2) == 11.92
    m = EXPECTED_PASS_2023["min-2023-mean"]
    assert sum(v > m for v in IDX_2023) == 10 and sum(v > 80 for v in IDX_2023) == 14


def test_exactly_the_expected_claims_pass(table_2023):
    passed = set(table_2023.index[table_2023["status"] == "pass"])
    assert passed == set(EXPECTED_PASS_2023)
    assert (table_2023["status"] != "fail").all()


@pytest.mark.parametrize("claim_id", sorted(EXPECTED_PASS_2023))
def test_each_passing_claim(table_2023, claim_id):
    row = table_2023.loc[claim_id]
    assert row["status"] == "pass"
    assert row["computed_value"] == pytest.approx(EXPECTED_PASS_2023[claim_id], abs=1e-9)
    assert row["source_url"].startswith("http")


def test_top_bottom_units_and_mic_rank_move(table_2023):
    assert table_2023.at["min-2023-top", "computed"] == "Bộ Tư pháp 89,95"
    assert table_2023.at["min-2023-bottom", "computed"] == "Bộ Công Thương 78,03"
    mic = table_2023.loc["min-2023-unit_rank_change"]
    assert (mic["computed"], mic["published"]) == ("5 → 9", "5 → 9")
    assert "2022" in mic["detail"]  # the 2022 rank is read from the published row, and says so


def test_incomplete_year_is_not_computable_never_fail(table_2023, ministry):
    for cid in ("min-2023-mean_change", "min-2023-n_increased", "min-2023-n_decreased", "min-2023-max_fall"):
        assert table_2023.at[cid, "status"] == "not computable"
        assert "2022" in table_2023.at[cid, "detail"]
    # the named unit's own change is shown, but 'largest' is not claimed as verified
    rise = table_2023.loc["min-2023-max_rise"]
    assert rise["status"] == "not computable"
    assert rise["computed_value"] == pytest.approx(78.48 - 72.65)  # +5.83 as published
    allt = check_claims(ministry, level="ministry")
    assert set(allt["status"]) <= {"pass", "not computable"}


def test_a_wrong_row_makes_claims_fail(ministry):
    bad = ministry.copy()
    i = bad.index[(bad["year"] == 2023) & (bad["unit_id"] == "bo-cong-thuong")][0]
    bad.loc[i, "index"] = 95.0  # now above the Ministry of Justice
    t = check_claims(bad, level="ministry", year=2023).set_index("claim_id")
    assert t.at["min-2023-top", "status"] == "fail"
    assert "Bộ Công Thương" in t.at["min-2023-top", "detail"]
    assert t.at["min-2023-mean", "status"] == "fail"
    assert t.at["min-2023-n_below-80", "status"] == "fail"  # 2 below 80, not 3
    assert t.at["min-2023-unit_rank_change", "status"] == "fail"  # MIC drops to 10th


def test_complete_years_compute_changes():
    """A complete pair of years: changes, counts and movers are computed (hand example)."""
    pub = pd.DataFrame({
        "year": [2022] * 3 + [2023] * 3, "level": "ministry",
        "unit_id": ["bo-tu-phap", "bo-y-te", "bo-ngoai-giao"] * 2, "rank": pd.array([1, 2, 3, 1, 3, 2], "Int64"),
        "index": [90.0, 80.0, 70.0, 91.0, 75.0, 78.0], "ranked": True})
    claims = pd.DataFrame({
        "claim_id": ["a", "b", "c", "d", "e", "f", "g"], "year": 2023, "level": "ministry",
        "metric": ["n_ranked", "mean_change", "max_rise", "max_fall", "n_increased", "unit_rank_change", "n_ranked"],
        "threshold": float("nan"), "unit_id": ["", "", "bo-ngoai-giao", "bo-y-te", "", "bo-y-te", ""],
        "unit_name": "", "value": [3, (244 - 240) / 3, 8.0, -5.0, 2, 3, 3], "value_from": [None, None, None, None, None, 2, None],
        "compare_year": pd.array([None, 2022, 2022, 2022, 2022, 2022, None], "Int64"),
        "source_url": "https://example.org", "quote": "", "notes": ""})
    claims.loc[6, "year"] = 2022
    claims["value_from"] = claims["value_from"].astype(float)
    t = check_claims(pub, level="ministry", claims=claims).set_index("claim_id")
    assert (t["status"] == "pass").all(), t[["status", "detail"]]
    assert t.at["b", "computed_value"] == pytest.approx(4 / 3)
    assert t.at["c", "computed"].endswith("+8,00")


def test_year_status(ministry):
    s = year_status(ministry).set_index("year")
    assert bool(s.at[2023, "complete"]) and not bool(s.at[2022, "complete"])
    assert s.at[2022, "n_ranked_published"] == 17


def test_claims_file_has_sources_and_known_units():
    c = load_claims()
    assert c["source_url"].str.startswith("http").all()
    assert (c["quote"] != "").all()
    named = c[c["unit_name"] != ""]
    assert (named["unit_id"] != "").all()
    assert c.set_index("claim_id").at["pro-2024-mean", "value"] == 88.37
    assert c.set_index("claim_id").at["pro-2023-mean", "value"] == 86.98


def test_unknown_unit_in_claims_is_located(tmp_path):
    text = (config.PUBLISHED_DIR / "claims.csv").read_text(encoding="utf-8").replace(",Bộ Công Thương,", ",Bộ Không Có,", 1)
    p = tmp_path / "claims.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_claims(path=p)
    assert e.value.first.column == "unit_name" and e.value.first.row is not None


def test_english_and_summary(ministry):
    t = check_claims(ministry, level="ministry", year=2023, lang="en")
    assert t.set_index("claim_id").at["min-2023-mean", "claim"] == "Mean PAR index of the ministries in 2023"
    assert set(t["status_text"]) <= {"pass", "fail", "not computable"}
    assert claims_summary_text(t, lang="en").startswith("14 published claims checked: 9 pass, 0 fail")
    assert claims_summary_text(check_claims(ministry, level="ministry", year=2023), lang="vi").startswith(
        "Đã đối chiếu 14 nhận định đã công bố: 9 khớp")


def test_bad_arguments(ministry):
    with pytest.raises(ValueError, match="lang"):
        check_claims(ministry, lang="fr")
    with pytest.raises(ValueError, match="level"):
        check_claims(ministry, level="district")
