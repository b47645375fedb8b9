"""Tests for cchc_analysis.trends: hand-computed attributions, exact Shapley sums,
rank intervals against scipy references, breaks, lineage, and the notebook."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cchc_analysis import trends
from cchc_analysis.trends import (
    _shapley_ratio,
    attribution_report,
    break_note,
    breaks_between,
    methodology_breaks,
    movers,
    pick_unit,
    rank_change_attribution,
    rank_intervals,
    rank_trajectory,
)

# ----------------------------------------------------------------------------- fixtures


def four_units():
    """b: 88 → 78 (2nd → 4th); d: 70 → 86."""
    return pd.DataFrame({"year": [2022] * 4 + [2023] * 4, "unit_id": list("abcdabcd"),
                         "unit_name": ["A", "B", "C", "D"] * 2,
                         "index": [90.0, 88.0, 80.0, 70.0, 91.0, 78.0, 79.0, 86.0]})


def scores_frame(rows):
    """rows: (year, unit, field, component, max, points|None)."""
    df = pd.DataFrame(rows, columns=["year", "unit_id", "field", "component", "max_points", "points"])
    df["criterion"] = df["field"] + "." + df.groupby(["year", "unit_id", "field"]).cumcount().astype(str)
    df["applicable"] = df["points"].notna()
    df["unit_name"] = df["unit_id"]
    return df


def random_scores(seed, *, n_units=6, n_crit=12, years=(2022, 2023)):
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        for u in range(n_units):
            for c in range(n_crit):
                mx = float(rng.choice([0.5, 1.0, 2.0]))
                app = rng.uniform() < 0.75 or c == 0
                pts = float(mx * rng.integers(0, 5) / 4) if app else None
                rows.append((y, f"u{u}", str(c % 4 + 1), "survey" if c % 3 == 0 else "appraisal", mx, pts))
    return scores_frame(rows)


# ----------------------------------------------------------------------------- attribution


def test_hand_computed_attribution_four_units():
    att = rank_change_attribution(four_units(), unit="b", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")
    # R(s0,O0)=2, R(s1,O1)=4, R(s1,O0)=3 (78 vs 90,80,70), R(s0,O1)=2 (88 vs 91,79,86)
    assert r.loc["total", "value"] == -2.0
    assert r.loc["own_score", "value"] == -1.5  # ½[(3-2) + (4-2)]
    assert r.loc["others", "value"] == -0.5  # ½[(2-2) + (4-3)]
    assert (r["cf_rank_own_new"] == 3).all() and (r["cf_rank_others_new"] == 2).all()
    assert att["rank_from"].iloc[0] == 2 and att["rank_to"].iloc[0] == 4
    idx = att[(att["group"] == "index") & (att["part"] == "total")]["value"].iloc[0]
    assert idx == pytest.approx(-10.0)
    assert "B: hạng 2 năm 2022 → hạng 4 năm 2023 (giảm 2 bậc" in att["sentence_vi"].iloc[0]
    assert "down 1.5 places" in att["sentence_en"].iloc[1]
    assert att["sentence_vi"].str.len().gt(0).all() and att["sentence_en"].str.len().gt(0).all()


def test_shapley_ratio_hand_example_with_changing_maximum():
    # field A: 5/10 -> 9/10; field B: 8/10 -> not applicable (0/0)
    # v(∅)=65, v({A})=85, v({B})=50, v(N)=90 -> φA=½(20+40)=30, φB=½(-15+5)=-5
    phi = _shapley_ratio([5, 8], [10, 10], [9, 0], [10, 0])
    np.testing.assert_allclose(phi, [30.0, -5.0])


def test_shapley_ratio_fixed_maximum_is_points_change():
    phi = _shapley_ratio([1, 2, 3], [4, 4, 2], [2, 1, 2], [4, 4, 2])
    np.testing.assert_allclose(phi, 100 * np.array([1, -1, -1]) / 10)


def test_field_and_component_attribution_on_scores():
    rows = [
        (2022, "a", "1", "appraisal", 10.0, 5.0), (2022, "a", "2", "survey", 10.0, 8.0),
        (2023, "a", "1", "appraisal", 10.0, 9.0), (2023, "a", "2", "survey", 10.0, None),
        (2022, "b", "1", "appraisal", 10.0, 7.0), (2022, "b", "2", "survey", 10.0, 7.0),
        (2023, "b", "1", "appraisal", 10.0, 7.0), (2023, "b", "2", "survey", 10.0, 7.0),
    ]
    att = rank_change_attribution(scores_frame(rows), unit="a", year_from=2022, year_to=2023)
    f = att[att["group"] == "field"].set_index("part")["value"]
    assert f["1"] == pytest.approx(30.0) and f["2"] == pytest.approx(-5.0)
    c = att[att["group"] == "component"].set_index("part")["value"]
    assert c["appraisal"] == pytest.approx(30.0) and c["survey"] == pytest.approx(-5.0)
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["total"] == 1.0  # 65 (2nd, b=70) -> 90 (1st)
    assert not att["break_between"].any()
    assert "Field 2" in att.loc[(att["group"] == "field") & (att["part"] == "2"), "sentence_en"].iloc[0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), unit=st.integers(0, 5))
def test_parts_sum_exactly_to_totals(seed, unit):
    sc = random_scores(seed)
    att = rank_change_attribution(sc, unit=f"u{unit}", year_from=2022, year_to=2023)
    rank = att[att["group"] == "rank"].set_index("part")["value"]
    assert rank["own_score"] + rank["others"] == pytest.approx(rank["total"], abs=1e-12)
    total = att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0]
    for g in ("component", "field"):
        part = att.loc[(att["group"] == g) & att["computable"], "value"]
        assert part.sum() == pytest.approx(total, abs=1e-9)
    # the rank change equals the change of the recomputed ranks
    from cchc_analysis.ranking import rank_units
    from cchc_analysis.scoring import applicable_index

    ranks = rank_units(applicable_index(sc)).set_index(["year", "unit_id"])["rank"]
    assert rank["total"] == ranks[(2022, f"u{unit}")] - ranks[(2023, f"u{unit}")]


@settings(max_examples=25, deadline=None)
@given(vals=st.lists(st.tuples(st.floats(50, 100), st.floats(50, 100)), min_size=2, max_size=8))
def test_rank_parts_sum_on_published(vals):
    n = len(vals)
    pub = pd.DataFrame({"year": [2022] * n + [2023] * n, "unit_id": [f"u{i}" for i in range(n)] * 2,
                        "index": [v[0] for v in vals] + [v[1] for v in vals]})
    att = rank_change_attribution(pub, unit="u0", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["own_score"] + r["others"] == r["total"]
    # own part is 0 when the own score did not change; others' is 0 when nobody else moved
    if vals[0][0] == vals[0][1]:
        assert r["own_score"] == 0


def published_pair(components_2022: bool):
    pub = pd.DataFrame({
        "year": [2022] * 3 + [2023] * 3, "rank": [1, 2, 3, 1, 2, 3],
        "unit_id": ["x", "y", "z", "y", "z", "x"], "unit_name": ["X", "Y", "Z", "Y", "Z", "X"],
        "appraisal": [62.0, 61.0, 60.0, 62.67, 61.52, 60.50],
        "survey": [27.0, 26.5, 26.0, 27.21, 27.66, 25.33],
        "index": [89.0, 87.5, 86.0, 89.89, 89.18, 85.83],
    })
    pub["total"] = pub["index"]
    pub["source_url"] = "http://example.org"
    if not components_2022:
        pub.loc[pub["year"] == 2022, ["appraisal", "survey"]] = np.nan
    return pub


def test_published_without_components_says_so_not_crash():
    att = rank_change_attribution(published_pair(False), unit="x", year_from=2022, year_to=2023)
    comp = att[att["group"] == "component"]
    assert len(comp) == 1 and not comp["computable"].iloc[0] and np.isnan(comp["value"].iloc[0])
    assert "2022" in comp["sentence_vi"].iloc[0] and "2022" in comp["sentence_en"].iloc[0]
    assert not att.loc[att["group"] == "field", "computable"].any()
    r = att[att["group"] == "rank"].set_index("part")["value"]
    assert r["total"] == -2 and r["own_score"] + r["others"] == -2
    txt = attribution_report(att, lang="en")
    assert "components missing" in txt and "not fully" in txt
    assert "thiếu thành phần" in attribution_report(att, lang="vi")


def test_published_components_with_rounding_residual_sum_exactly():
    att = rank_change_attribution(published_pair(True), unit="x", year_from=2022, year_to=2023)
    comp = att[att["group"] == "component"].set_index("part")["value"]
    assert comp["appraisal"] == pytest.approx(60.50 - 62.0)
    assert comp["survey"] == pytest.approx(25.33 - 27.0)
    total = att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0]
    assert comp.sum() == pytest.approx(total, abs=1e-12)
    assert comp["rounding"] == pytest.approx((85.83 - 89.0) - (60.50 - 62.0) - (25.33 - 27.0))


def test_comparison_across_a_break_is_flagged():
    pub = published_pair(True)
    pub["year"] = pub["year"].replace({2022: 2021})
    att = rank_change_attribution(pub, unit="x", year_from=2021, year_to=2023)
    assert att["break_between"].all()
    cav = att[att["part"] == "methodology_break"]
    assert len(cav) == 1 and "876/QĐ-BNV" in cav["sentence_vi"].iloc[0]
    m = movers(pub, year_from=2021, year_to=2023)
    assert m["break_between"].all() and m["note_en"].str.contains("876").all() and m["note_vi"].str.contains("876").all()
    # unit-level scores: no national break assumed unless given
    sc = random_scores(1, years=(2021, 2022))
    assert not rank_change_attribution(sc, unit="u0", year_from=2021, year_to=2022)["break_between"].any()
    own = pd.DataFrame({"year_from": [2022], "decision": ["QĐ nội bộ"], "what_changed_vi": ["x"],
                        "what_changed_en": ["y"]})
    att2 = rank_change_attribution(sc, unit="u0", year_from=2021, year_to=2022, breaks=own)
    assert att2["break_between"].all()


def test_attribution_does_not_mutate_input_and_bad_args():
    pub = four_units()
    before = pub.copy()
    rank_change_attribution(pub, unit="b", year_from=2022, year_to=2023)
    pd.testing.assert_frame_equal(pub, before)
    with pytest.raises(ValueError, match="not a year"):
        rank_change_attribution(pub, unit="b", year_from=2021, year_to=2023)
    with pytest.raises(ValueError, match="no index"):
        rank_change_attribution(pub, unit="zz", year_from=2022, year_to=2023)


# ----------------------------------------------------------------------------- breaks, trajectory, movers


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


def test_trajectory_gaps_breaks_and_lineage():
    pub = pd.DataFrame({
        "year": [2020, 2020, 2021, 2021, 2023, 2023, 2023],
        "unit_id": ["old", "b", "old", "b", "new", "b", "c"],
        "index": [80.0, 85.0, 90.0, 84.0, 70.0, 75.0, 95.0],
    })
    lin = pd.DataFrame({"unit_id": ["old", "c2"], "successor_id": ["new", "new"]})
    t = rank_trajectory(pub, units="new", lineage=lin)
    assert t["year"].tolist() == [2020, 2021, 2023]
    assert t["unit_id"].tolist() == ["old", "old", "new"]
    assert t["rank"].tolist() == [2, 1, 3]
    assert (t["lineage_id"] == "new").all()
    # a gap year inside the span is an explicit row, never a zero
    t2 = rank_trajectory(pub, units="b")
    assert t2["year"].tolist() == [2020, 2021, 2023]
    all_years = rank_trajectory(pub.assign(year=pub["year"].replace({2021: 2022})), units="b")
    assert all_years["observed"].all()
    tb = rank_trajectory(pub[pub["unit_id"] != "b"], units="c")
    assert tb["observed"].tolist() == [False, False, True] and tb["index"].isna().sum() == 2
    assert tb["rank"].isna().sum() == 2
    # break 876 (2022) lies between 2021 and 2023
    assert t.set_index("year")["break_before"].to_dict() == {2020: True, 2021: False, 2023: True}
    assert t.set_index("year").loc[2023, "break_decision"] == "876/QĐ-BNV"
    # forward lineage: following "old" reaches "new"
    assert rank_trajectory(pub, units="old", lineage=lin)["unit_id"].tolist() == ["old", "old", "new"]
    with pytest.raises(ValueError, match="not in the data"):
        rank_trajectory(pub, units="nope")


def test_unranked_units_keep_index_but_no_rank():
    pub = four_units()
    pub["ranked"] = pub["unit_id"] != "a"
    t = rank_trajectory(pub)
    a = t[t["unit_id"] == "a"]
    assert a["rank"].isna().all() and a["index"].notna().all()
    assert t.loc[(t["unit_id"] == "b") & (t["year"] == 2022), "rank"].iloc[0] == 1
    assert (t.loc[t["unit_id"] != "a", "n_ranked"] == 3).all()


def test_movers_hand_example():
    m = movers(four_units(), year_from=2022, year_to=2023, top=2)
    rise = m[m["kind"] == "rank_rise"]
    assert rise["unit_id"].tolist() == ["d"] and rise["places_gained"].tolist() == [2]
    fall = m[m["kind"] == "rank_fall"]
    # 2023 order a 91, d 86, c 79, b 78: c keeps 3rd, so only b falls
    assert fall["unit_id"].tolist() == ["b"] and fall["places_gained"].tolist() == [-2]
    ifall = m[m["kind"] == "index_fall"]
    assert ifall["unit_id"].tolist() == ["b", "c"]
    assert ifall["index_change"].tolist() == pytest.approx([-10.0, -1.0])
    assert not m["break_between"].any()
    with pytest.raises(ValueError, match="top"):
        movers(four_units(), year_from=2022, year_to=2023, top=0)


def test_pick_unit():
    assert pick_unit(four_units(), "c", year_from=2022, year_to=2023) == "c"
    assert pick_unit(four_units(), "bo-x", year_from=2022, year_to=2023) == "b"


# ----------------------------------------------------------------------------- rank intervals


def test_intervals_contain_point_rank_and_reproducible():
    sc = random_scores(3, n_units=10, n_crit=20, years=(2023,))
    a = rank_intervals(sc, n_draws=3000, seed=7)
    assert ((a["rank_lo"] <= a["rank"]) & (a["rank"] <= a["rank_hi"])).all()
    assert ((a["rank_lo"] <= a["rank_median"]) & (a["rank_median"] <= a["rank_hi"])).all()
    assert a["p_top_k"].between(0, 1).all()
    b = rank_intervals(sc, n_draws=3000, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = rank_intervals(sc, n_draws=3000, seed=8)
    assert not np.allclose(a["p_top_k"], c["p_top_k"])
    # bands are consecutive integers in rank order, starting at 1
    assert a["band"].iloc[0] == 1 and a["band"].diff().dropna().isin([0, 1]).all()
    assert a["rank"].is_monotonic_increasing


@pytest.mark.parametrize("kw", [dict(trials=np.inf, respondents=np.inf), dict(trials=np.inf, response_sd=0.0)])
def test_zero_noise_collapses_to_rank(kw):
    sc = random_scores(5, n_units=8, years=(2023,))
    ri = rank_intervals(sc, n_draws=200, **kw)
    assert (ri["rank_lo"] == ri["rank"]).all() and (ri["rank_hi"] == ri["rank"]).all()
    assert (ri["p_top_k"] == (ri["rank"] <= 3)).all()
    # each distinct score is its own band; ties share one
    distinct = ri["index"].round(9).nunique()
    assert ri["band"].max() == distinct


def test_zero_noise_collapses_on_published():
    ri = rank_intervals(published_pair(True).assign(level="ministry"), n_draws=100, response_sd=0.0)
    assert (ri["rank_lo"] == ri["rank"]).all() and (ri["rank_hi"] == ri["rank"]).all()
    assert set(ri["year"]) == {2022, 2023}


def test_binomial_model_matches_scipy():
    # unit a: one criterion at 50 % with m=4 trials -> index = 25·K, K ~ Binomial(4, 0.5);
    # unit b fixed at 60 (100 % on 3 points, 0 % on 2 points): P(a first) = P(K >= 3)
    sc = scores_frame([(2023, "a", "1", "appraisal", 1.0, 0.5),
                       (2023, "b", "1", "appraisal", 3.0, 3.0), (2023, "b", "2", "appraisal", 2.0, 0.0)])
    ri = rank_intervals(sc, n_draws=40_000, top_k=1, seed=3).set_index("unit_id")
    ref = stats.binom.sf(2, 4, 0.5)  # scipy reference: 5/16
    assert ri.loc["a", "p_top_k"] == pytest.approx(ref, abs=4 * np.sqrt(ref * (1 - ref) / 40_000))
    assert ri.loc["a", "rank_lo"] == 1 and ri.loc["a", "rank_hi"] == 2


def test_survey_model_matches_normal():
    # survey rate 0.5, n=25, sd=0.25 -> SD 0.05 -> index SD 5; b fixed at 55: P(a above) = P(Z > 1)
    sc = scores_frame([(2023, "a", "1", "survey", 1.0, 0.5), (2023, "b", "1", "appraisal", 1.0, 0.55)])
    ri = rank_intervals(sc, n_draws=40_000, top_k=1, seed=4, respondents=25, trials=np.inf).set_index("unit_id")
    ref = stats.norm.sf(1.0)  # scipy reference
    assert ri.loc["a", "p_top_k"] == pytest.approx(ref, abs=4 * np.sqrt(ref * (1 - ref) / 40_000))


def test_published_model_sd():
    # two ministries 0.5 points apart; survey 31.5 points, sd 0.25, n=100 -> SD 0.7875 each
    pub = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "index": [85.5, 85.0], "total": [85.5, 85.0]})
    ri = rank_intervals(pub, n_draws=40_000, top_k=1, seed=5, respondents=100).set_index("unit_id")
    ref = stats.norm.cdf(0.5 / (np.sqrt(2) * 31.5 * 0.25 / 10))
    assert ri.loc["a", "p_top_k"] == pytest.approx(ref, abs=0.01)
    assert "31.5" in ri.attrs["model"] or "31.5" in rank_intervals(pub, n_draws=10).attrs["model"]
    with pytest.raises(ValueError, match="survey_max"):
        rank_intervals(pub.assign(year=2015), n_draws=10)
    assert len(rank_intervals(pub.assign(year=2015), n_draws=10, survey_max=40.0)) == 2


def test_rank_intervals_bad_arguments():
    sc = random_scores(0, years=(2023,))
    for kw in (dict(n_draws=0), dict(level=1.0), dict(top_k=0), dict(trials=-1)):
        with pytest.raises(ValueError):
            rank_intervals(sc, **kw)
    with pytest.raises(ValueError, match="year"):
        rank_intervals(sc, year=1999)


def test_exact_and_normal_binomial_paths_agree():
    sc = random_scores(9, n_units=6, n_crit=30, years=(2023,))
    # m = 8 uses the exact inverse-CDF path, m = 9 the normal approximation: similar spreads
    a = rank_intervals(sc, n_draws=4000, trials=8, seed=1)
    b = rank_intervals(sc, n_draws=4000, trials=9, seed=1)
    assert np.abs(a["rank_median"].to_numpy() - b["rank_median"].to_numpy()).max() <= 1


def test_interval_text():
    ri = rank_intervals(random_scores(0, years=(2023,)), n_draws=100)
    assert "Binomial(m=4" in trends.interval_model_text(ri, lang="en")
    assert "nhóm hạng" in trends.interval_model_text(ri, lang="vi")


# ----------------------------------------------------------------------------- notebook


def _run_notebook(tmp_path, params):
    import papermill as pm

    from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "01_ranking_trends.ipynb"), str(out),
                        parameters={**params, "output_dir": str(tmp_path / "report")},
                        kernel_name="python3", cwd=str(PROJ_ROOT), progress_bar=False)
    return out, tmp_path / "report"


@pytest.mark.notebooks
def test_notebook_on_synthetic_workbook(tmp_path):
    from cchc_analysis.config import DEFAULT_WORKBOOK

    out, rep = _run_notebook(tmp_path, {"data_path": str(DEFAULT_WORKBOOK), "lang": "en", "n_draws": 1000})
    tables = {p.name for p in (rep / "tables").glob("*.csv")}
    assert "01_ranking_trends__attribution.csv" in tables and "01_ranking_trends__rank_intervals.csv" in tables
    att = pd.read_csv(rep / "tables" / "01_ranking_trends__attribution.csv", encoding="utf-8-sig")
    assert att["computable"].sum() >= 6  # rank, index, components and fields all computed
    figs = {p.name for p in (rep / "figures").glob("*.png")}
    assert {"01_ranking_trends__bump.png", "01_ranking_trends__intervals.png"} <= figs


@pytest.mark.notebooks
@pytest.mark.skipif(importlib.util.find_spec("cchc_analysis.published") is None,
                    reason="published tables not available yet")
def test_notebook_on_published_default(tmp_path):
    out, rep = _run_notebook(tmp_path, {"n_draws": 1000})
    att = pd.read_csv(rep / "tables" / "01_ranking_trends__attribution.csv", encoding="utf-8-sig")
    assert {"rank", "index"} <= set(att["group"])


def test_mogstad_confidence_sets():
    # three ministries: a far ahead, b and c equal; known SDs
    pub = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "c"], "index": [95.0, 85.0, 85.0]})
    ri = rank_intervals(pub, n_draws=4000, respondents=100, confidence_sets=True).set_index("unit_id")
    assert (ri.loc["a", "cs_lo"], ri.loc["a", "cs_hi"]) == (1, 1)
    assert (ri.loc["b", "cs_lo"], ri.loc["b", "cs_hi"]) == (2, 3)
    assert (ri.loc["c", "cs_lo"], ri.loc["c", "cs_hi"]) == (2, 3)
    # zero noise: the sets are the point ranks (ties: the tied ranks)
    z = rank_intervals(pub, n_draws=50, response_sd=0.0, confidence_sets=True).set_index("unit_id")
    assert z["cs_lo"].tolist() == [1, 2, 2] and z["cs_hi"].tolist() == [1, 3, 3]
    # on scores: the set contains the point rank and is at least as wide as needed
    sc = random_scores(2, n_units=8, years=(2023,))
    r = rank_intervals(sc, n_draws=2000, confidence_sets=True)
    assert ((r["cs_lo"] <= r["rank"]) & (r["rank"] <= r["cs_hi"])).all()
    # one comparison (p = 2): c = the 90 % two-sided normal quantile 1.645 (scipy reference);
    # SD of the difference sqrt(2)·31.5·0.25/10 = 1.1137: a gap of 1.8 SD separates, 1.5 SD does not
    sd = np.sqrt(2) * 31.5 * 0.25 / 10
    assert stats.norm.ppf(0.95) == pytest.approx(1.645, abs=1e-3)
    for k, separated in ((1.8, True), (1.5, False)):
        two = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "index": [85.0 + k * sd, 85.0]})
        t = rank_intervals(two, n_draws=40_000, respondents=100, confidence_sets=True, seed=2)
        assert bool(t["cs_hi"].iloc[0] == 1) is separated


def test_attribution_infers_the_units_level():
    m = published_pair(True).assign(level="ministry")
    p = m.assign(level="province", unit_id=m["unit_id"] + "-tinh", index=m["index"] - 1)
    both = pd.concat([m, p], ignore_index=True)
    att = rank_change_attribution(both, unit="x", year_from=2022, year_to=2023)
    assert att["n_others_to"].iloc[0] == 2
    with pytest.raises(ValueError, match="level"):
        movers(both, year_from=2022, year_to=2023)
    assert len(movers(both, year_from=2022, year_to=2023, level="province")) > 0


def test_lineage_absorbing_successor_does_not_stand_in_while_both_exist():
    # m absorbed into s in 2025; s existed all along; m has a gap in 2021
    pub = pd.DataFrame({
        "year": [2020, 2020, 2021, 2022, 2022, 2025],
        "unit_id": ["m", "s", "s", "m", "s", "s"],
        "index": [80.0, 85.0, 86.0, 82.0, 87.0, 90.0],
    })
    lin = pd.DataFrame({"unit_id": ["m"], "successor_id": ["s"]})
    t = rank_trajectory(pub, units="m", lineage=lin)
    obs = t[t["observed"]]
    assert obs["unit_id"].tolist() == ["m", "m", "s"] and obs["year"].tolist() == [2020, 2022, 2025]
    assert not t.set_index("year").loc[2021, "observed"]  # the gap stays a gap
    # following s backwards: s's own rows only (m is not s while both exist)
    assert set(rank_trajectory(pub, units="s", lineage=lin)["unit_id"]) == {"s"}
    att = rank_change_attribution(pub, unit="m", year_from=2022, year_to=2025, lineage=lin)
    assert att["unit_id"].iloc[0] == "s" and att["index_from"].iloc[0] == 82.0


def partial_published():
    """2022 lists 3 of 5 ranked units (ranks 1, 3, 5); 2023 is complete; 2021 gives m's rank only."""
    return pd.DataFrame({
        "year": [2021] + [2022] * 3 + [2023] * 5, "rank": [2, 1, 3, 5, 1, 2, 3, 4, 5],
        "unit_id": ["m", "a", "m", "e", "a", "b", "c", "m", "e"],
        "index": [np.nan, 90.0, 87.0, 80.0, 91.0, 89.0, 88.0, 85.8, 80.0],
    })


def test_incomplete_year_uses_published_ranks_and_says_why():
    att = rank_change_attribution(partial_published(), unit="m", year_from=2022, year_to=2023)
    r = att[att["group"] == "rank"].set_index("part")
    assert r.loc["total", "value"] == -1.0 and r.loc["total", "computable"]  # 3rd -> 4th (published)
    for part in ("own_score", "others"):
        assert not r.loc[part, "computable"] and np.isnan(r.loc[part, "value"])
    assert "2022" in r.loc["own_score", "sentence_en"] and "incomplete" in r.loc["own_score", "sentence_en"]
    assert "chưa đầy đủ" in r.loc["own_score", "sentence_vi"]
    assert not att["years_complete"].any() and att["cf_rank_own_new"].isna().all()
    assert att.loc[(att["group"] == "index") & (att["part"] == "total"), "value"].iloc[0] == pytest.approx(-1.2)
    t = rank_trajectory(partial_published(), units="m")
    assert t["rank"].tolist() == [2, 3, 4] and t["year_complete"].tolist() == [False, False, True]
    assert t["observed"].all() and t["index"].isna().tolist() == [True, False, False]
    m = movers(partial_published(), year_from=2022, year_to=2023)
    assert m["note_en"].str.contains("incomplete").all()
    assert m.loc[m["kind"] == "rank_fall", "unit_id"].tolist() == ["m"]
    txt = attribution_report(att, lang="en")
    cannot = txt.split("**What it cannot explain:**")[1]
    assert "own score and how much the others'" in cannot
    assert "own score and how much the others'" not in attribution_report(
        rank_change_attribution(four_units(), unit="b", year_from=2022, year_to=2023), lang="en"
    ).split("**What it cannot explain:**")[1]
