"""Tests for cchc_analysis.resample: the criterion-level engine against scipy and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cchc_analysis.resample import criterion_index_draws, index_draws


def scores():
    return pd.DataFrame({
        "year": [2023, 2023, 2023, 2023, 2022], "unit_id": ["a", "a", "b", "c", "a"],
        "component": ["appraisal", "survey", "appraisal", "appraisal", "appraisal"],
        "max_points": [2.0, 1.0, 1.0, 1.0, 1.0], "points": [1.0, 0.5, 0.25, np.nan, 1.0],
        "applicable": [True, True, True, False, True],
    })


def test_binomial_draws_match_scipy():
    d = index_draws(scores(), ["b"], year=2023, n_draws=40_000, seed=1)
    k = np.round(d[:, 0] / 25).astype(int)  # index = 100 * K / 4
    freq = np.bincount(k, minlength=5) / len(k)
    np.testing.assert_allclose(freq, stats.binom.pmf(np.arange(5), 4, 0.25), atol=0.01)


def test_columns_follow_unit_ids_and_no_applicable_is_nan():
    d = index_draws(scores(), ["c", "a", "zz"], year=2023, n_draws=50, seed=0, respondents=30)
    assert d.shape == (50, 3)
    assert np.isnan(d[:, 0]).all() and np.isnan(d[:, 2]).all()
    assert np.isfinite(d[:, 1]).all() and d[:, 1].std() > 0


def test_no_noise_gives_the_index_and_seed_is_reproducible():
    d = index_draws(scores(), ["a", "b"], year=2023, n_draws=20, seed=0, n_trials=np.inf)
    np.testing.assert_allclose(d, np.tile([100 * 1.5 / 3, 25.0], (20, 1)))  # respondents=inf
    a = index_draws(scores(), ["a", "b"], year=2023, n_draws=300, seed=7, respondents=10)
    b = index_draws(scores(), ["a", "b"], year=2023, n_draws=300, rng=np.random.default_rng(7), respondents=10)
    np.testing.assert_array_equal(a, b)


def test_binomial_survey_option_and_bad_arguments():
    d = index_draws(scores(), ["a"], year=2023, n_draws=2000, seed=0, survey="binomial")
    assert len(np.unique(np.round(d[:, 0], 6))) <= 15  # (0..4 of 2 points + 0..4 of 1) / 3: a lattice
    with pytest.raises(ValueError, match="survey"):
        index_draws(scores(), ["a"], n_draws=2, seed=0, survey="poisson")
    with pytest.raises(ValueError, match="not both"):
        index_draws(scores(), ["a"], n_draws=2, seed=0, rng=np.random.default_rng(0))


def test_array_engine_ignores_negative_positions():
    d = criterion_index_draws([0, -1, 1], 2, [1.0, 0.0, 0.5], [1.0, 5.0, 1.0], n_draws=10,
                              rng=np.random.default_rng(0), n_trials=np.inf)
    np.testing.assert_allclose(d, np.tile([100.0, 50.0], (10, 1)))


def test_per_row_trials_match_scipy_and_scalar_trials_keep_their_stream():
    # a 1-point criterion scored all-or-nothing at 1/2 and a 2-point one in halves at 1/2 (m = 2)
    sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "component": "appraisal",
                       "max_points": [1.0, 1.0], "points": [0.0, 0.5], "applicable": True})
    d = index_draws(sc, ["a", "b"], n_draws=40_000, seed=3, n_trials=np.array([1.0, 2.0]))
    assert (d[:, 0] == 0).all()  # 0 % without smoothing does not move
    freq = np.bincount(np.round(d[:, 1] / 50).astype(int), minlength=3) / len(d)
    np.testing.assert_allclose(freq, stats.binom.pmf(np.arange(3), 2, 0.5), atol=0.01)
    # the scalar path is untouched: same draws as before the per-row option existed
    a = index_draws(scores(), ["a", "b"], year=2023, n_draws=200, seed=5)
    b = index_draws(scores(), ["a", "b"], year=2023, n_draws=200, seed=5, n_trials=4)
    np.testing.assert_array_equal(a, b)


def test_jeffreys_smoothing_moves_zero_and_full_criteria_by_the_beta_mean():
    sc = pd.DataFrame({"year": 2023, "unit_id": ["a", "b"], "component": "appraisal",
                       "max_points": [1.0, 1.0], "points": [1.0, 0.0], "applicable": True})
    d = index_draws(sc, ["a", "b"], n_draws=40_000, seed=1, n_trials=1, jeffreys=True)
    # all-or-nothing (m = 1): k = 1 -> rate (1 + 1/2) / 2 = 0.75; k = 0 -> 0.25
    np.testing.assert_allclose((d / 100).mean(axis=0), [0.75, 0.25], atol=0.01)
    assert set(np.unique(d[:, 0])) == {0.0, 100.0}
    d4 = index_draws(sc, ["a"], n_draws=40_000, seed=2, n_trials=4, jeffreys=True)
    freq = np.bincount(np.round(d4[:, 0] / 25).astype(int), minlength=5) / len(d4)
    np.testing.assert_allclose(freq, stats.binom.pmf(np.arange(5), 4, 4.5 / 5), atol=0.01)
