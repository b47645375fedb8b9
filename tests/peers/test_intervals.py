"""Tests for cchc_analysis.peers.intervals and the draws it takes from the one engine (resample)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cchc_analysis import peers
from cchc_analysis.peers import by_max_band, compare_schemes, peer_rank_intervals
from cchc_analysis.resample import index_draws
from cchc_analysis.peers.intervals import _group_rank_pct_draws
from cchc_analysis.peers.league import _index_frame


def test_index_draws_are_exact_when_achievement_is_all_or_nothing():
    s = pd.DataFrame({
        "year": 2023, "unit_id": ["a", "a", "b", "b"], "criterion": ["1", "2"] * 2,
        "max_points": [1.0, 3.0, 2.0, 2.0], "points": [1.0, 0.0, 2.0, np.nan],
        "applicable": [True, True, True, False],
    })
    d = index_draws(s, np.array(["a", "b"]), year=2023, n_draws=5, n_trials=4, survey="binomial",
                    rng=np.random.default_rng(0))
    np.testing.assert_allclose(d, np.tile([25.0, 100.0], (5, 1)))


def test_index_draws_mean_matches_the_index(synth):
    idx = _index_frame(synth, ["index"], [2023])
    d = index_draws(synth, idx["unit_id"].to_numpy(), year=2023, n_draws=4000, n_trials=4, survey="binomial",
                    rng=np.random.default_rng(1))
    np.testing.assert_allclose(d.mean(axis=0), idx["index"].to_numpy(), atol=0.5)


def test_group_rank_pct_draws_match_scipy_rankdata():
    rng = np.random.default_rng(5)
    draws = rng.integers(0, 4, size=(30, 7)).astype(float)  # many ties
    groups = np.array(["x", "y", "x", "x", "z", "y", "x"], dtype=object)
    got = _group_rank_pct_draws(draws, groups)
    for d in range(draws.shape[0]):
        for g in np.unique(groups):
            cols = np.flatnonzero(groups == g)
            m = len(cols)
            r = stats.rankdata(-draws[d, cols], method="min")  # competition rank, best = 1
            want = (r - 1) / (m - 1) if m > 1 else np.full(m, 0.5)
            np.testing.assert_allclose(got[d, cols], want)



def test_rank_intervals_contain_the_observed_rank_pct(synth):
    r = peer_rank_intervals(synth, by_max_band(2), n_draws=300, seed=2)
    assert (r["rank_pct_low"] <= r["rank_pct_high"]).all()
    assert r["width"].between(0, 1).all()
    assert list(r.columns) == ["year", "unit_id", "scheme", "peer_group", "rank_pct",
                               "rank_pct_low", "rank_pct_high", "width"]
    t = compare_schemes(synth, [by_max_band(2)], n_draws=300, seed=2)
    assert t["stability"].iat[0] == pytest.approx(r["width"].mean())


def test_old_names_rank_intervals_and_level_still_work_with_a_future_warning(synth):
    new = peer_rank_intervals(synth, by_max_band(2), n_draws=100, seed=2, confidence=0.8)
    with pytest.warns(FutureWarning, match="peer_rank_intervals"):
        old = peers.rank_intervals(synth, by_max_band(2), n_draws=100, seed=2, confidence=0.8)
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(FutureWarning, match="confidence"):
        old = peer_rank_intervals(synth, by_max_band(2), n_draws=100, seed=2, level=0.8)
    pd.testing.assert_frame_equal(old, new)
    wide = peer_rank_intervals(synth, by_max_band(2), n_draws=100, seed=2)
    assert (wide["width"] >= new["width"]).all()  # 95 % intervals contain the 80 % ones
    with pytest.raises(ValueError, match="confidence"):
        peer_rank_intervals(synth, by_max_band(2), n_draws=100, confidence=95)
