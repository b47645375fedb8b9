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


def _brute_law(w, r, m):
    """The law of Σ w·K, K ~ Binomial(m, r) per row, by enumerating every outcome."""
    from itertools import product
    law = {}
    for ks in product(*[range(mi + 1) for mi in m]):
        p = np.prod([stats.binom.pmf(k, mi, ri) for k, mi, ri in zip(ks, m, r)])
        t = round(sum(k * wi for k, wi in zip(ks, w)), 9)
        law[t] = law.get(t, 0.0) + p
    return law


def test_unit_totals_follow_their_exact_law():
    """The FFT path draws each unit's total from the convolution of its criteria's binomials:
    steps of a quarter, a half and three quarters of a point, all-or-nothing and m = 2, 4 rows."""
    from cchc_analysis.resample import _exact_unit_sums
    w = np.array([0.25, 0.5, 0.75, 0.5, 1.5, 0.25, 1.0])
    r = np.array([0.3, 0.6, 0.5, 0.6, 0.4, 0.9, 0.5])
    m = np.array([4, 4, 4, 2, 1, 4, 2])
    unit = np.array([0, 0, 0, 0, 0, 1, 1])
    n = 200_000
    res = _exact_unit_sums(unit, 2, w, r, m, n, np.random.default_rng(11), direct_cost=np.inf)
    assert res.shape == (2, n)
    for u in (0, 1):
        law = _brute_law(w[unit == u], r[unit == u], m[unit == u])
        vals = np.array(sorted(law))
        probs = np.array([law[v] for v in vals])
        obs = np.array([(np.abs(res[u] - v) < 1e-6).sum() for v in vals])
        assert obs.sum() == n  # nothing off the support
        keep = probs * n >= 5
        chi = stats.chisquare(np.append(obs[keep], obs[~keep].sum()),
                              n * np.append(probs[keep], probs[~keep].sum()))
        assert chi.pvalue > 1e-3
    # mean and variance: Σ w·m·r and Σ w²·m·r·(1 − r)
    mu = np.bincount(unit, weights=w * m * r)
    var = np.bincount(unit, weights=w ** 2 * m * r * (1 - r))
    np.testing.assert_allclose(res.mean(axis=1), mu, rtol=0.01)
    np.testing.assert_allclose(res.var(axis=1), var, rtol=0.03)


def test_exact_and_per_criterion_paths_agree_and_odd_steps_fall_back():
    from cchc_analysis.resample import _exact_unit_sums
    rng = np.random.default_rng(4)
    n_units, per = 40, 25
    unit = np.repeat(np.arange(n_units), per)
    M = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], len(unit))
    pts = M * rng.integers(1, 4, len(unit)) / 4
    big = dict(n_draws=20_000, rng=np.random.default_rng(1), n_trials=4)
    fast = criterion_index_draws(unit, n_units, pts, M, **big)
    import cchc_analysis.resample as R
    orig = R._exact_unit_sums
    try:
        R._exact_unit_sums = lambda *a, **k: None  # force the per-criterion draws
        slow = criterion_index_draws(unit, n_units, pts, M, **big)
    finally:
        R._exact_unit_sums = orig
    r = pts / M
    mu = 100 * np.bincount(unit, weights=pts) / np.bincount(unit, weights=M)
    sd = 100 * np.sqrt(np.bincount(unit, weights=(M / 4) ** 2 * 4 * r * (1 - r))) / np.bincount(unit, weights=M)
    for d in (fast, slow):
        assert (np.abs(d.mean(axis=0) - mu) <= 4.5 * sd / np.sqrt(20_000)).all()
        np.testing.assert_allclose(d.std(axis=0), sd, rtol=0.03)
    assert not np.array_equal(fast, slow)
    # a step with no grid of ≤ 1,024 parts per point: the exact path declines
    assert _exact_unit_sums([0], 1, [np.pi / 10], [0.5], [4], 10, rng, direct_cost=np.inf) is None


def test_row_ranks_are_competition_ranks_row_by_row():
    from cchc_analysis.ranking import competition_rank
    from cchc_analysis.stats import row_competition_ranks
    rng = np.random.default_rng(2)
    x = np.round(rng.normal(80, 3, (500, 37)), 1)
    x[:, 5] = x[:, 6] + 1e-11  # equal to TIE_DECIMALS: a tie
    x[:, 7] = x[:, 8] + 1e-6   # not a tie
    want = np.array([competition_rank(row) for row in x])
    np.testing.assert_array_equal(row_competition_ranks(x), want)
    x[0, 0] = 1e300  # beyond the packed keys: the sort of the values
    np.testing.assert_array_equal(row_competition_ranks(x)[1:], want[1:])
    assert row_competition_ranks(x)[0, 0] == 1
