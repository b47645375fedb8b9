"""Tests for cchc_analysis.bias.adjusted: standardised and shrunk indices, adjusted ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.bias import adjusted_ranking, shrunk_index, standardised_index
from cchc_analysis.synthetic import make_synthetic_scores



def test_standardised_index_hand_computed(tiny):
    out = standardised_index(tiny.copy()).set_index("unit_id")
    # pooled rates: easy = (2+1+2)/(2+2+2) = 5/6 ; hard = (3+1)/(4+4) = 1/2
    r_easy, r_hard = 5 / 6, 1 / 2
    e = {"a": 2 * r_easy, "b": 2 * r_easy + 4 * r_hard, "c": 2 * r_easy + 4 * r_hard}
    o = {"a": 2.0, "b": 4.0, "c": 3.0}
    m = {"a": 2.0, "b": 6.0, "c": 6.0}
    overall = 100 * 9.0 / 14.0
    for u in "abc":
        assert out.loc[u, "expected_points"] == pytest.approx(e[u])
        assert out.loc[u, "index"] == pytest.approx(100 * o[u] / m[u])
        assert out.loc[u, "expected_index"] == pytest.approx(100 * e[u] / m[u])
        assert out.loc[u, "oe_ratio"] == pytest.approx(o[u] / e[u])
        assert out.loc[u, "index_adjusted"] == pytest.approx(o[u] / e[u] * overall)
    assert np.isnan(out.loc["d", "index"]) and np.isnan(out.loc["d", "index_adjusted"])
    assert out.loc["d", "n_applicable"] == 0
    assert out.loc["a", "unit_type"] == "vu"


def test_standardised_index_identities(synth):
    before = synth.copy()
    out = standardised_index(synth)
    pd.testing.assert_frame_equal(synth, before)  # input not mutated
    assert len(out) == synth.groupby(["year", "unit_id"]).ngroups
    for _, g in out.groupby("year"):
        # pooled rates: total expected = total observed within the year
        assert g["expected_points"].sum() == pytest.approx(g["points"].sum())
        # the expected-points-weighted mean of the adjusted index is the overall index
        overall = 100 * g["points"].sum() / g["max_points"].sum()
        wmean = np.average(g["index_adjusted"], weights=g["expected_points"])
        assert wmean == pytest.approx(overall)
    # years are standardised separately: computing one year alone gives the same answer
    alone = standardised_index(synth[synth["year"] == 2023])
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True), out[out["year"] == 2023].reset_index(drop=True)
    )


def test_standardised_index_same_criteria_is_raw_index():
    # when every unit has the same criteria, expected is the same for all and
    # the adjusted index is a constant multiple (here exactly) of the raw index
    s = make_synthetic_scores(seed=5, n_cuc=4, n_vu=0, years=(2023,))
    s = s[s["unit_type"] == "cuc"].copy()
    s["applicable"] = True
    s["points"] = s["points"].fillna(s["max_points"] / 2)
    out = standardised_index(s)
    assert np.allclose(out["index_adjusted"], out["index"])
    assert np.allclose(out["expected_index"], out["expected_index"].iloc[0])


def test_standardised_index_errors(tiny):
    with pytest.raises(ValueError, match="lacks the column"):
        standardised_index(tiny.copy().drop(columns="criterion"))
    bad = tiny.copy()
    bad.loc[0, "points"] = np.nan
    with pytest.raises(ValueError, match="without points"):
        standardised_index(bad)


def test_shrunk_index_moment_estimator_by_hand(tiny):
    with pytest.warns(UserWarning, match="tied ranks"):
        out = shrunk_index(tiny.copy(), method="moments").set_index("unit_id")
    n = np.array([2.0, 6.0, 6.0])
    a = np.array([2.0, 4.0, 3.0])
    p = a / n
    mu = a.sum() / n.sum()
    big_n = n.sum()
    s = np.sum(n * (p - mu) ** 2)
    rho = (s / (mu * (1 - mu)) - 2) / (big_n - np.sum(n**2) / big_n - 2)
    rho = max(rho, 1e-9)
    ab = 1 / rho - 1
    assert rho <= 1e-6  # this tiny world spreads less than chance: degenerate prior, weight 0
    w = np.zeros(3)
    assert out["prior_degenerate"].all()
    for i, u in enumerate("abc"):
        assert out.loc[u, "weight"] == pytest.approx(w[i])
        assert out.loc[u, "index_shrunk"] == pytest.approx(100 * (w[i] * p[i] + (1 - w[i]) * mu))
        assert out.loc[u, "prior_alpha"] + out.loc[u, "prior_beta"] == pytest.approx(ab)
        assert out.loc[u, "prior_mean"] == pytest.approx(100 * mu)
    assert np.isnan(out.loc["d", "index_shrunk"])


def test_shrunk_index_no_spread_shrinks_all_to_mean():
    # identical rates: no between-unit variance -> every unit at the mean, weight ~ 0
    s = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "c"], "criterion": "k",
                      "max_points": [2.0, 4.0, 8.0], "points": [1.0, 2.0, 4.0],
                      "applicable": True})
    with pytest.warns(UserWarning, match="cannot tell the units apart"):
        out = shrunk_index(s)
    assert (out["index_shrunk"] == 50.0).all() and (out["weight"] == 0).all()
    from cchc_analysis.bias import adjusted_ranking
    with pytest.warns(UserWarning):
        r = adjusted_ranking(s)
    assert (r["rank_shrunk"] == 1).all()  # tied, not ordered by numerical residue


def test_shrunk_index_trials_option(synth):
    pts = shrunk_index(synth)
    crit = shrunk_index(synth, trials="criteria")
    assert (crit["n_trials"] == crit["n_applicable"]).all()
    assert (pts["n_trials"] == pts["max_points"]).all()
    with pytest.raises(ValueError, match="trials"):
        shrunk_index(synth, trials="units")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.floats(0.0, 1.0)), min_size=2, max_size=25
    ),
    st.sampled_from(["points", "criteria"]),
)
def test_shrunk_index_properties(units, trials):
    rows = []
    for i, (k, frac) in enumerate(units):
        for j in range(k):
            rows.append((f"u{i}", f"k{j}", 1.0, float(j < round(frac * k))))
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"])
    s["year"] = 2023
    s["applicable"] = True
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = shrunk_index(s, trials=trials)
    w = out["weight"].to_numpy()
    if out["prior_degenerate"].all():
        assert (w == 0).all()
    else:
        assert ((w > 0) & (w < 1)).all()
    mu = out["prior_mean"].to_numpy()
    raw = out["index"].to_numpy()
    shr = out["index_shrunk"].to_numpy()
    lo, hi = np.minimum(raw, mu), np.maximum(raw, mu)
    assert ((shr >= lo - 1e-9) & (shr <= hi + 1e-9)).all()  # between raw and prior mean
    # more trials -> larger weight (same prior for the year)
    order = np.argsort(out["n_trials"].to_numpy(), kind="stable")
    assert np.all(np.diff(w[order]) >= -1e-12)


def test_adjusted_ranking(biased):
    r = adjusted_ranking(biased)
    assert r["rank"].is_monotonic_increasing
    assert sorted(r["rank_adjusted"].tolist()) == list(range(1, len(r) + 1))
    assert (r["rank_change"] == r["rank"] - r["rank_adjusted"]).all()




def test_shrunk_index_ml_matches_scipy_betabinom_and_a_direct_optimum():
    from scipy import optimize, stats as st

    rng = np.random.default_rng(8)
    n = rng.integers(5, 40, 25)
    truth = rng.beta(6, 3, 25)
    k = rng.binomial(n, truth)
    rows = [(f"u{i:02d}", f"k{j}", 1.0, float(j < k[i])) for i in range(25) for j in range(n[i])]
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"]).assign(year=2023, applicable=True)
    out = shrunk_index(s).sort_values("unit_id")
    a0, b0 = out["prior_alpha"].iat[0], out["prior_beta"].iat[0]

    def nll(t):
        return -st.betabinom.logpmf(k, n, np.exp(t[0]), np.exp(t[1])).sum()

    ref = optimize.minimize(nll, [1.0, 1.0], method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10})
    assert nll([np.log(a0), np.log(b0)]) <= ref.fun + 1e-6
    np.testing.assert_allclose([a0, b0], np.exp(ref.x), rtol=1e-3)
    w = n / (n + a0 + b0)
    np.testing.assert_allclose(out["index_shrunk"], 100 * (w * k / n + (1 - w) * a0 / (a0 + b0)), rtol=1e-9)
    assert not out["prior_degenerate"].any()


def test_shrunk_index_prior_by_log_max_keeps_small_good_units_up():
    # small units are genuinely better: a common prior pulls them down to the busy units' mean
    rng = np.random.default_rng(2)
    rows, truth = [], {}
    for i in range(60):
        m = int(rng.integers(8, 120))
        p = 1 / (1 + np.exp(-(1.5 - 0.8 * (np.log(m) - 3.5) + rng.normal(0, 0.3))))
        truth[f"u{i:02d}"] = p
        rows += [(f"u{i:02d}", f"k{j}", 1.0, float(rng.uniform() < p)) for j in range(m)]
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"]).assign(year=2023, applicable=True)
    t = pd.Series(truth)
    err = {}
    for by in (None, "log_max"):
        o = shrunk_index(s, prior_by=by).set_index("unit_id")
        err[by] = float(((o["index_shrunk"] / 100 - t.loc[o.index]) ** 2).mean())
        if by == "log_max":
            assert o["prior_mean"].nunique() > 1
    raw = shrunk_index(s).set_index("unit_id")["index"] / 100
    assert err["log_max"] < err[None] and err["log_max"] < float(((raw - t.loc[raw.index]) ** 2).mean())
    with pytest.raises(ValueError, match="method='ml'"):
        shrunk_index(s, method="moments", prior_by="log_max")
    with pytest.raises(ValueError, match="unit_type"):
        shrunk_index(s, prior_by="unit_type")
