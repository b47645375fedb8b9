"""Tests for cchc_analysis.bias.funnel: funnel_data, funnel_limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.bias import funnel_data, funnel_limits
from cchc_analysis.bias.funnel import winsor_z2_mean


def test_funnel_limits_hand_case():
    # three units, target = 90/120 = 0.75; z-scores by hand
    s = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "c"], "criterion": "k",
                      "max_points": [20.0, 40.0, 60.0], "points": [18.0, 28.0, 44.0],
                      "applicable": True})
    f = funnel_data(s, overdispersion="none", winsor=0.0, trials="size").set_index("unit_id")
    t = 0.75
    for u, n, y in (("a", 20, 0.9), ("b", 40, 0.7), ("c", 60, 44 / 60)):
        se = np.sqrt(t * (1 - t) / n)
        assert f.loc[u, "z"] == pytest.approx((y - t) / se)
        assert f.loc[u, "upper95"] == pytest.approx(100 * (t + 1.959964 * se), rel=1e-6)
        assert f.loc[u, "lower998"] == pytest.approx(100 * (t - 3.090232 * se), rel=1e-6)
    z = f["z"].to_numpy()
    phi = np.mean(z**2)  # no winsorising
    fm = funnel_data(s, winsor=0.0, trials="size").set_index("unit_id")
    assert fm["phi"].iloc[0] == pytest.approx(phi)
    se_a = np.sqrt(t * (1 - t) / 20)
    assert phi > 1  # applied only when > 1
    assert fm.loc["a", "upper95"] == pytest.approx(min(100, 100 * (t + 1.959964 * np.sqrt(phi) * se_a)), rel=1e-6)
    # DerSimonian-Laird tau^2 (Spiegelhalter 2005, eq. for the additive model)
    w = np.array([20, 40, 60]) / (t * (1 - t))
    tau2 = max(0, (3 * phi - 2) / (w.sum() - (w**2).sum() / w.sum()))
    fa = funnel_data(s, overdispersion="additive", winsor=0.0, trials="size").set_index("unit_id")
    assert fa["tau2"].iloc[0] == pytest.approx(tau2)
    assert fa.loc["a", "upper95"] == pytest.approx(min(100, 100 * (t + 1.959964 * np.sqrt(se_a**2 + tau2))))


def test_funnel_winsorising_and_grid(biased):
    f = funnel_data(biased)
    z = f["z"].to_numpy()
    lo, hi = np.quantile(z, [0.1, 0.9])
    assert f["phi"].iloc[0] == pytest.approx(np.mean(np.clip(z, lo, hi) ** 2) / winsor_z2_mean(0.1))
    g = funnel_limits(f, points=50)
    assert len(g) == 50 and (g["upper998"] >= g["upper95"]).all()
    # limits narrow as the size grows
    assert (np.diff(g["upper95"]) <= 1e-12).all()
    assert set(f["flag"]) <= {"above_998", "above_95", "within", "below_95", "below_998"}
    with pytest.raises(ValueError, match="overdispersion"):
        funnel_data(biased, overdispersion="beta")


def test_winsor_correction_matches_monte_carlo():
    from cchc_analysis.bias.funnel import winsor_z2_mean

    z = np.random.default_rng(0).standard_normal((2000, 200))
    lo, hi = np.quantile(z, [0.1, 0.9], axis=1)
    mc = np.mean(np.clip(z, lo[:, None], hi[:, None]) ** 2)
    assert winsor_z2_mean(0.1) == pytest.approx(mc, abs=0.005)
    assert winsor_z2_mean(0.1) == pytest.approx(0.679, abs=5e-4)


def _null_world(rng, n_units=200, scale=1.0):
    """No real differences: every unit has the same rate on each criterion; quarter-point steps."""
    rows = []
    for i in range(n_units):
        k = int(rng.integers(10, 60))
        pts = scale * rng.binomial(4, 0.7, k) / 4
        rows.append(pd.DataFrame({"year": 2023, "unit_id": f"u{i:03d}", "criterion": [f"c{j}" for j in range(k)],
                                  "max_points": scale, "points": pts, "applicable": True}))
    return pd.concat(rows, ignore_index=True)


def test_funnel_null_world_flags_about_five_percent_and_limits_ignore_the_points_unit():
    rng = np.random.default_rng(3)
    out95, out998 = [], []
    for _ in range(5):
        f = funnel_data(_null_world(rng))
        out95.append(np.mean(f["flag"] != "within"))
        out998.append(np.mean(f["flag"].isin(["above_998", "below_998"])))
        assert f["trials_per_size"].iloc[0] == pytest.approx(4.0, rel=0.01)  # quarter points (rare criteria may show coarser steps)
    assert 0.02 <= np.mean(out95) <= 0.08 and np.mean(out998) <= 0.01
    s = _null_world(np.random.default_rng(9))
    s4 = s.assign(max_points=4 * s["max_points"], points=4 * s["points"])
    for od in ("additive", "multiplicative", "none"):
        a = funnel_data(s, overdispersion=od)
        b = funnel_data(s4, overdispersion=od)
        for c in ("lower95", "upper95", "lower998", "upper998"):
            np.testing.assert_allclose(a[c], b[c], rtol=1e-9)


def test_normal_quantile_constants_are_scipys():
    from scipy import stats

    from cchc_analysis.bias import funnel

    assert funnel._Z95 == float(stats.norm.ppf(0.975))
    assert funnel._Z998 == float(stats.norm.ppf(0.999))
