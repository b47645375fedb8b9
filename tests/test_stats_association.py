"""Tests for the association tests of cchc_analysis.stats (studentized Spearman, HC3 OLS, bootstrap CI)."""

from __future__ import annotations

import numpy as np
import pytest

from scipy import stats

from cchc_analysis.stats import ols_hc3, spearman_boot_ci, studentized_spearman


def test_studentized_spearman_rho_matches_scipy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=25)
    y = x + rng.normal(size=25)
    y[3] = y[4]  # a tie
    out = studentized_spearman(x, y, n_perm=499, seed=1)
    assert out["rho"] == pytest.approx(stats.spearmanr(x, y)[0])  # scipy reference
    assert out["p_val"] < 0.05
    # the plain permutation p-value agrees with scipy's own permutation test of rho
    ref = stats.permutation_test(
        (y,), lambda yy: stats.spearmanr(x, yy)[0], permutation_type="pairings",
        n_resamples=4999, random_state=2,
    ).pvalue
    assert abs(studentized_spearman(x, y + 0 * x, n_perm=4999, seed=3)["p_val_plain"] - ref) < 0.02


def test_studentized_spearman_exact_small_case():
    # n = 6: enumerate all 720 permutations by hand; the Monte Carlo p-values
    # converge to the exact permutation p-values
    from itertools import permutations

    x = np.array([1.0, 2, 3, 4, 5, 6])
    y = np.array([2.0, 1, 4, 3, 6, 5])
    rx, ry = x - x.mean(), y - y.mean()  # already ranks

    def stats_of(yy):
        # direct O(n²) loops of the projection studentizer (Croux & Dehon 2010 influence function)
        ry_ = yy + 3.5
        r = rx @ yy / np.sqrt((rx @ rx) * (yy @ yy))
        u, v = x / 6, ry_ / 6
        psi = [12 * (u[i] * v[i] + np.mean([u[j] * (ry_[j] >= ry_[i]) for j in range(6)])
                     + np.mean([v[j] * (x[j] >= x[i]) for j in range(6)])) for i in range(6)]
        return r, np.sqrt(6) * r / np.std(psi)

    r0, t0 = stats_of(ry)
    perms = [stats_of(ry[list(q)]) for q in permutations(range(6))]
    p_plain = np.mean([abs(r) >= abs(r0) - 1e-10 for r, _ in perms])
    p_stud = np.mean([abs(t) >= abs(t0) - 1e-10 for _, t in perms])
    out = studentized_spearman(x, y, n_perm=40_000, seed=0)
    assert out["rho"] == pytest.approx(r0)
    assert out["statistic"] == pytest.approx(t0)
    assert out["p_val_plain"] == pytest.approx(p_plain, abs=0.005)
    assert out["p_val"] == pytest.approx(p_stud, abs=0.005)


def test_studentized_spearman_one_sided():
    rng = np.random.default_rng(8)
    x = rng.normal(size=30)
    y = -0.5 * x + rng.normal(size=30)
    two = studentized_spearman(x, y, n_perm=4999, seed=1)
    less = studentized_spearman(x, y, n_perm=4999, seed=1, alternative="less")
    greater = studentized_spearman(x, y, n_perm=4999, seed=1, alternative="greater")
    assert two["rho"] < 0
    assert less["p_val"] == pytest.approx(two["p_val"] / 2, abs=0.01)  # symmetric null distribution
    assert greater["p_val"] > 0.9
    with pytest.raises(ValueError, match="alternative"):
        studentized_spearman(x, y, alternative="both")


def test_studentized_spearman_seeded_and_degenerate():
    x, y = np.arange(10.0), np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3.0])
    assert studentized_spearman(x, y, seed=5, n_perm=299) == studentized_spearman(x, y, seed=5, n_perm=299)
    assert np.isnan(studentized_spearman(x, np.ones(10), n_perm=9)["p_val"])
    with pytest.raises(ValueError, match="At least 4"):
        studentized_spearman([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        studentized_spearman([1, 2, 3, np.nan], [1, 2, 3, 4])


def test_studentized_spearman_size_under_heteroscedastic_null():
    # small version of the calibration's stress world: the plain test over-rejects,
    # the studentized one stays near alpha (loose binomial bound over 300 worlds)
    rng = np.random.default_rng(42)
    rej_s = rej_p = 0
    worlds = 300
    for i in range(worlds):
        n = 40
        small = rng.uniform(size=n) < 0.2
        m = np.where(small, rng.uniform(4, 12, n), rng.uniform(40, 70, n))
        y = 80 + 2 * rng.normal(size=n) + 3 * np.sqrt(70 / m) * rng.normal(size=n)
        out = studentized_spearman(m, y, n_perm=199, seed=i)
        rej_s += out["p_val"] <= 0.05
        rej_p += out["p_val_plain"] <= 0.05
    assert rej_s <= stats.binom.ppf(0.999, worlds, 0.05)  # 99.9 % bound under alpha = 0.05
    assert rej_s >= stats.binom.ppf(0.001, worlds, 0.05)


def test_ols_hc3_against_hand_computation():
    rng = np.random.default_rng(1)
    n = 12
    x = rng.uniform(1, 5, n)
    X = np.column_stack([np.ones(n), x])
    y = 1 + 2 * x + rng.normal(size=n) * x
    fit = ols_hc3(y, X)
    # hand computation, element by element
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    e = y - X @ beta
    xbar = x.mean()
    sxx = np.sum((x - xbar) ** 2)
    h = 1 / n + (x - xbar) ** 2 / sxx  # leverage of simple regression
    # slope: sum c_i^2 e_i^2/(1-h_i)^2 with c_i = (x_i - xbar)/sxx
    var_slope = np.sum(((x - xbar) / sxx) ** 2 * e**2 / (1 - h) ** 2)
    assert fit["beta"] == pytest.approx(beta)
    assert fit["leverage"] == pytest.approx(h)
    assert fit["se"][1] == pytest.approx(np.sqrt(var_slope))
    q = stats.t.ppf(0.975, n - 2)
    assert fit["ci_high"][1] == pytest.approx(beta[1] + q * np.sqrt(var_slope))
    assert fit["p_val"][1] == pytest.approx(2 * stats.t.sf(abs(beta[1] / np.sqrt(var_slope)), n - 2))
    # OLS estimates agree with scipy.stats.linregress
    assert fit["beta"][1] == pytest.approx(stats.linregress(x, y).slope)


def test_ols_hc3_refuses_bad_designs():
    X = np.column_stack([np.ones(5), np.arange(5.0), 2 * np.arange(5.0)])
    with pytest.raises(ValueError, match="full column rank"):
        ols_hc3(np.arange(5.0), X)
    D = np.column_stack([np.ones(5), np.arange(5.0), [0, 0, 0, 0, 1.0]])  # one-unit dummy
    with pytest.raises(ValueError, match="leverage 1"):
        ols_hc3(np.array([1, 2, 2, 4, 9.0]), D)


def test_spearman_boot_ci_covers_rho_and_narrows_with_confidence():
    rng = np.random.default_rng(4)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    rho = stats.spearmanr(x, y)[0]
    lo95, hi95 = spearman_boot_ci(x, y, seed=1)
    lo80, hi80 = spearman_boot_ci(x, y, confidence=0.8, seed=1)
    assert lo95 < rho < hi95 and lo95 <= lo80 < hi80 <= hi95
    assert np.isnan(spearman_boot_ci([1.0] * 6, [1, 2, 3, 4, 5, 6])[0])  # constant x: no interval
    with pytest.raises(ValueError, match="confidence"):
        spearman_boot_ci(x, y, confidence=95)


def test_ols_hc3_level_is_a_deprecated_alias_of_confidence():
    x = np.arange(8.0)
    X = np.column_stack([np.ones(8), x])
    y = 1 + 0.5 * x + np.array([0.1, -0.2, 0.0, 0.3, -0.1, 0.2, -0.3, 0.05])
    new = ols_hc3(y, X, confidence=0.9)
    with pytest.warns(FutureWarning, match="confidence"):
        old = ols_hc3(y, X, level=0.9)
    np.testing.assert_allclose(old["ci_low"], new["ci_low"])
    assert (new["ci_low"] > ols_hc3(y, X)["ci_low"]).all()  # 90 % narrower than the default 95 %
    with pytest.raises(TypeError, match="only"):
        ols_hc3(y, X, confidence=0.9, level=0.9)


def test_spearman_studentizer_is_the_asymptotic_variance():
    # independence: the projection variance of sqrt(n)·rho is 1; dependence with
    # heteroscedasticity: it matches the Monte Carlo variance of sqrt(n)·rho
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=n)
    out = studentized_spearman(x, rng.normal(size=n), n_perm=9)
    assert (np.sqrt(n) * out["rho"] / out["statistic"]) ** 2 == pytest.approx(1.0, abs=0.1)
    def draw(r):
        xx = r.normal(size=n)
        return xx, r.normal(size=n) * (0.2 + np.abs(xx))   # rho = 0, spread grows with |x|
    rhos = [stats.spearmanr(*draw(rng))[0] for _ in range(1000)]
    mc_var = n * np.var(rhos)
    xx, yy = draw(rng)
    o = studentized_spearman(xx, yy, n_perm=9)
    est = (np.sqrt(n) * o["rho"] / o["statistic"]) ** 2
    assert est == pytest.approx(mc_var, rel=0.2)
    assert mc_var > 1.15   # the plain permutation variance (1) is wrong here


def _direct_spearman_t(rx0, RY):
    """sqrt(n)·ρ/σ̂ of each row of permuted y ranks RY, by the O(n²) definitions (no sorting)."""
    n = len(rx0)
    u, v = rx0 / n, RY / n
    xc, yc = rx0 - rx0.mean(), RY - (n + 1) / 2
    r = (yc @ xc) / np.sqrt((xc @ xc) * (yc[0] @ yc[0]))
    A = (u[None, None, :] * (RY[:, None, :] >= RY[:, :, None])).mean(axis=2)   # mean_j u_j 1{y_j >= y_i}
    B = (v[:, None, :] * (rx0[None, None, :] >= rx0[None, :, None])).mean(axis=2)
    psi = 12 * (u[None, :] * v + A + B)
    return r, np.sqrt(n) * r / psi.std(axis=1)


@pytest.mark.parametrize("alternative", ["two-sided", "less"])
def test_studentized_spearman_p_values_are_those_of_the_seeded_permutations(alternative):
    # the seeded p-value is the count over the permutations numpy.random.default_rng(seed)
    # .permuted draws of y's ranks, recomputed here by the O(n²) definitions (ties in x and y)
    rng = np.random.default_rng(11)
    n, n_perm = 30, 300
    x = np.round(rng.normal(size=n), 1)
    y = np.round(-0.4 * x + rng.normal(size=n), 1)
    out = studentized_spearman(x, y, n_perm=n_perm, seed=5, alternative=alternative, chunk=70)
    rx0, ry0 = stats.rankdata(x), stats.rankdata(y)
    r0, t0 = _direct_spearman_t(rx0, ry0[None, :])
    # one call's permutations (the chunks of 70 draw the same: row-wise shuffles, in order)
    RY = np.random.default_rng(5).permuted(np.broadcast_to(ry0, (n_perm, n)), axis=1)
    r, t = _direct_spearman_t(rx0, RY)
    if alternative == "two-sided":
        ge_t, ge_r = np.sum(np.abs(t) >= abs(t0[0]) - 1e-10), np.sum(np.abs(r) >= abs(r0[0]) - 1e-10)
    else:
        ge_t, ge_r = np.sum(t <= t0[0] + 1e-10), np.sum(r <= r0[0] + 1e-10)
    assert out["statistic"] == pytest.approx(t0[0], rel=1e-12)
    assert out["p_val"] == (1 + ge_t) / (n_perm + 1)
    assert out["p_val_plain"] == (1 + ge_r) / (n_perm + 1)


def test_spearman_boot_ci_is_the_rankdata_bootstrap_to_the_last_bit():
    # counting tie groups in each resample gives scipy.stats.rankdata's average ranks
    # exactly, so the interval is bit-for-bit that of ranking every resample (ties, chunks)
    rng = np.random.default_rng(3)
    for n, n_boot in ((25, 199), (700, 900)):    # 700 units: several chunks of resamples
        x = np.round(rng.normal(size=n), 1)
        y = np.round(x + rng.normal(size=n), 0)
        idx = np.random.default_rng([4, 7]).integers(0, n, size=(n_boot, n))
        rx, ry = stats.rankdata(x[idx], axis=1), stats.rankdata(y[idx], axis=1)
        rx -= rx.mean(axis=1, keepdims=True)
        ry -= ry.mean(axis=1, keepdims=True)
        r = np.sum(rx * ry, axis=1) / np.sqrt(np.sum(rx**2, axis=1) * np.sum(ry**2, axis=1))
        a = (1 - 0.95) / 2                        # (0.025000000000000022: the same float)
        ref = (np.quantile(r, a), np.quantile(r, 1 - a))
        assert spearman_boot_ci(x, y, n_boot=n_boot, seed=4) == ref
