"""Tests for cchc_analysis.trends.intervals: rank intervals against scipy references, bands, sets."""

from __future__ import annotations
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cchc_analysis import trends
from cchc_analysis.trends import rank_intervals


def test_intervals_contain_point_rank_and_reproducible(frames):
    sc = frames.random_scores(3, n_units=10, n_crit=20, years=(2023,))
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


@pytest.mark.parametrize("kw", [dict(n_trials=np.inf, respondents=np.inf), dict(n_trials=np.inf, response_sd=0.0)])
def test_zero_noise_collapses_to_rank(frames, kw):
    sc = frames.random_scores(5, n_units=8, years=(2023,))
    ri = rank_intervals(sc, n_draws=200, **kw)
    assert (ri["rank_lo"] == ri["rank"]).all() and (ri["rank_hi"] == ri["rank"]).all()
    assert (ri["p_top_k"] == (ri["rank"] <= 3)).all()
    # each distinct score is its own band; ties share one
    distinct = ri["index"].round(9).nunique()
    assert ri["band"].max() == distinct


def test_zero_noise_collapses_on_published(frames):
    ri = rank_intervals(frames.published_pair(True).assign(level="ministry"), n_draws=100, response_sd=0.0)
    assert (ri["rank_lo"] == ri["rank"]).all() and (ri["rank_hi"] == ri["rank"]).all()
    assert set(ri["year"]) == {2022, 2023}


def test_binomial_model_matches_scipy(frames):
    # unit a: one criterion at 50 % with m=4 trials -> index = 25·K, K ~ Binomial(4, 0.5);
    # unit b fixed at 60 (100 % on 3 points, 0 % on 2 points): P(a first) = P(K >= 3)
    sc = frames.scores_frame([(2023, "a", "1", "appraisal", 1.0, 0.5),
                       (2023, "b", "1", "appraisal", 3.0, 3.0), (2023, "b", "2", "appraisal", 2.0, 0.0)])
    ri = rank_intervals(sc, n_draws=40_000, top_k=1, seed=3).set_index("unit_id")
    ref = stats.binom.sf(2, 4, 0.5)  # scipy reference: 5/16
    assert ri.loc["a", "p_top_k"] == pytest.approx(ref, abs=4 * np.sqrt(ref * (1 - ref) / 40_000))
    assert ri.loc["a", "rank_lo"] == 1 and ri.loc["a", "rank_hi"] == 2


def test_survey_model_matches_normal(frames):
    # survey rate 0.5, n=25, sd=0.25 -> SD 0.05 -> index SD 5; b fixed at 55: P(a above) = P(Z > 1)
    sc = frames.scores_frame([(2023, "a", "1", "survey", 1.0, 0.5), (2023, "b", "1", "appraisal", 1.0, 0.55)])
    ri = rank_intervals(sc, n_draws=40_000, top_k=1, seed=4, respondents=25, n_trials=np.inf).set_index("unit_id")
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


def test_rank_intervals_bad_arguments(frames):
    sc = frames.random_scores(0, years=(2023,))
    for kw in (dict(n_draws=0), dict(confidence=1.0), dict(top_k=0), dict(n_trials=-1), dict(level="district")):
        with pytest.raises(ValueError):
            rank_intervals(sc, **kw)
    with pytest.raises(ValueError, match="year"):
        rank_intervals(sc, year=1999)


def test_exact_and_normal_binomial_paths_agree(frames):
    sc = frames.random_scores(9, n_units=6, n_crit=30, years=(2023,))
    # m = 8 uses the exact inverse-CDF path, m = 9 the normal approximation: similar spreads
    a = rank_intervals(sc, n_draws=4000, n_trials=8, seed=1)
    b = rank_intervals(sc, n_draws=4000, n_trials=9, seed=1)
    assert np.abs(a["rank_median"].to_numpy() - b["rank_median"].to_numpy()).max() <= 1


def test_interval_text(frames):
    ri = rank_intervals(frames.random_scores(0, years=(2023,)), n_draws=100)
    assert "Binomial(m=4" in trends.interval_model_text(ri, lang="en")
    assert "nhóm hạng" in trends.interval_model_text(ri, lang="vi")


def test_mogstad_confidence_sets(frames):
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
    sc = frames.random_scores(2, n_units=8, years=(2023,))
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


def test_old_argument_names_warn_and_still_work(frames):
    sc = frames.random_scores(0, years=(2023,))
    new = rank_intervals(sc, n_draws=200, confidence=0.8, n_trials=6, seed=2)
    with pytest.warns(FutureWarning, match="confidence"):
        old = rank_intervals(sc, n_draws=200, level=0.8, seed=2, n_trials=6)
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(FutureWarning, match="n_trials"):
        old = rank_intervals(sc, n_draws=200, confidence=0.8, trials=6, seed=2)
    pd.testing.assert_frame_equal(old, new)
    both = frames.published_pair(True).assign(level="ministry")
    both = pd.concat([both, both.assign(level="province", unit_id=both["unit_id"] + "-p")])
    new = rank_intervals(both, n_draws=100, level="province")
    with pytest.warns(FutureWarning, match="data_level"):
        old = rank_intervals(both, n_draws=100, data_level="province")
    pd.testing.assert_frame_equal(old, new)
    assert set(new["level"]) == {"province"} and new["confidence"].eq(0.9).all()
