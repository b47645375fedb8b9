"""Tests for cchc_analysis.bias: hand-computed cases, scipy references, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.bias import shrunk_index, standardised_index
from cchc_analysis.synthetic import make_synthetic_scores


def _tiny():
    # a: only the easy criterion; b, c: easy + hard; d: nothing applicable
    return pd.DataFrame(
        {
            "year": 2023,
            "unit_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
            "unit_type": ["vu", "vu", "cuc", "cuc", "cuc", "cuc", "vu", "vu"],
            "criterion": ["easy", "hard"] * 4,
            "max_points": [2.0, 4.0] * 4,
            "points": [2.0, np.nan, 1.0, 3.0, 2.0, 1.0, np.nan, np.nan],
            "applicable": [True, False, True, True, True, True, False, False],
        }
    )


@pytest.fixture(scope="module")
def synth():
    return make_synthetic_scores(seed=3, n_cuc=8, n_vu=7, years=(2022, 2023))


# ---------------------------------------------------------------- standardised_index
def test_standardised_index_hand_computed():
    out = standardised_index(_tiny()).set_index("unit_id")
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


def test_standardised_index_errors():
    with pytest.raises(ValueError, match="lacks the column"):
        standardised_index(_tiny().drop(columns="criterion"))
    bad = _tiny()
    bad.loc[0, "points"] = np.nan
    with pytest.raises(ValueError, match="without points"):
        standardised_index(bad)


# ---------------------------------------------------------------- shrunk_index
def test_shrunk_index_moment_estimator_by_hand():
    out = shrunk_index(_tiny()).set_index("unit_id")
    n = np.array([2.0, 6.0, 6.0])
    a = np.array([2.0, 4.0, 3.0])
    p = a / n
    mu = a.sum() / n.sum()
    big_n = n.sum()
    s = np.sum(n * (p - mu) ** 2)
    rho = (s / (mu * (1 - mu)) - 2) / (big_n - np.sum(n**2) / big_n - 2)
    rho = max(rho, 1e-9)
    ab = 1 / rho - 1
    w = n / (n + ab)
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
    out = shrunk_index(s)
    assert np.allclose(out["index_shrunk"], 50.0)
    assert (out["weight"] < 1e-6).all()


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
    out = shrunk_index(s, trials=trials)
    w = out["weight"].to_numpy()
    assert ((w > 0) & (w < 1)).all()
    mu = out["prior_mean"].to_numpy()
    raw = out["index"].to_numpy()
    shr = out["index_shrunk"].to_numpy()
    lo, hi = np.minimum(raw, mu), np.maximum(raw, mu)
    assert ((shr >= lo - 1e-9) & (shr <= hi + 1e-9)).all()  # between raw and prior mean
    # more trials -> larger weight (same prior for the year)
    order = np.argsort(out["n_trials"].to_numpy(), kind="stable")
    assert np.all(np.diff(w[order]) >= -1e-12)


# ---------------------------------------------------------------- primary test
from scipy import stats  # noqa: E402

from cchc_analysis.bias import (  # noqa: E402
    adjusted_ranking,
    bias_decomposition,
    bias_verdict,
    few_task_bias,
    funnel_data,
    funnel_limits,
    ols_hc3,
    studentized_spearman,
    unit_sizes,
)


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
        r = rx @ yy / np.sqrt((rx @ rx) * (yy @ yy))
        tau = np.sqrt(6 * np.sum(rx**2 * yy**2) / ((rx @ rx) * (yy @ yy)))
        return r, np.sqrt(6) * r / tau

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


# ---------------------------------------------------------------- HC3
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


# ---------------------------------------------------------------- the battery
@pytest.fixture(scope="module")
def biased():
    return make_synthetic_scores(seed=11, n_cuc=14, n_vu=14, years=(2022, 2023), composition=1.0)


def test_few_task_bias_table(biased):
    res = few_task_bias(biased, n_perm=499, seed=0, lang="en")
    assert list(res.columns)[:10] == ["test", "method", "statistic", "p_val", "effect_size",
                                      "effect_name", "ci_low", "ci_high", "reject", "n"]
    assert res["test"].iloc[0] == "association"
    assert (res["year"] == 2023).all()  # the latest year by default
    units = unit_sizes(biased)
    assert (res["n"] == len(units)).all() and len(units) == 30
    r = res.set_index("test")
    # primary effect = scipy's Spearman rho of index vs applicable max (reference)
    rho = stats.spearmanr(units["max_points"], units["index"])[0]
    assert r.loc["association", "effect_size"] == pytest.approx(rho)
    assert r.loc["association", "ci_low"] <= rho <= r.loc["association", "ci_high"]
    # Brown-Forsythe = scipy.stats.levene(center="median") on the two halves
    few = units["group"].eq("few-task")
    w, p = stats.levene(units.loc[few, "index"], units.loc[~few, "index"], center="median")
    assert r.loc["dispersion", "statistic"] == pytest.approx(w)
    assert r.loc["dispersion", "p_val"] == pytest.approx(p)
    # hypergeometric top-k: hand count and scipy.stats.hypergeom
    k = round(30 / 5)
    top = units.sort_values("index", ascending=False).head(k)
    cnt = int(top["group"].eq("few-task").sum())
    assert r.loc["top_concentration", "statistic"] == cnt
    assert r.loc["top_concentration", "p_val"] == pytest.approx(
        stats.hypergeom.sf(cnt - 1, 30, int(few.sum()), k))
    # regression slope = linregress slope on log(max) times ln 2
    slope = stats.linregress(np.log(units["max_points"]), units["index"]).slope
    assert r.loc["regression_log_max", "effect_size"] == pytest.approx(slope * np.log(2))
    assert "regression_log_max_by_type" in r.index
    assert res["reject"].equals(res["p_val"] <= 0.05)
    assert res["interpretation"].str.len().gt(10).all()


def test_few_task_bias_year_size_and_errors(biased):
    res = few_task_bias(biased, n_perm=99, year=2022, size="n_applicable", lang="vi")
    assert (res["year"] == 2022).all()
    u = unit_sizes(biased, year=2022, size="n_applicable")
    assert res.loc[0, "effect_size"] == pytest.approx(stats.spearmanr(u["n_applicable"], u["index"])[0])
    assert "Chỉ số" in res.loc[0, "interpretation"]
    a = few_task_bias(biased, n_perm=99, seed=4)
    b = few_task_bias(biased, n_perm=99, seed=4)
    pd.testing.assert_frame_equal(a, b)  # seeded
    with pytest.raises(ValueError, match="year"):
        few_task_bias(biased, year=1999)
    with pytest.raises(ValueError, match="alpha"):
        few_task_bias(biased, alpha=5)
    with pytest.raises(ValueError, match="size"):
        few_task_bias(biased, size="criteria")
    with pytest.raises(ValueError, match="lang"):
        few_task_bias(biased, lang="fr")


def test_few_task_bias_detects_planted_top_only_advantage():
    # a planted real advantage: few-task units are +15 points better -> top crowded only
    rng = np.random.default_rng(3)
    rows = []
    for u in range(30):
        k = 5 if u < 15 else 25
        p = 0.95 if u < 15 else 0.75
        for c in range(k):
            rows.append((f"u{u:02d}", f"c{c}", 1.0, float(rng.uniform() < p)))
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"])
    s["year"] = 2023
    s["applicable"] = True
    res = few_task_bias(s, n_perm=499, lang="en").set_index("test")
    assert res.loc["association", "reject"] and res.loc["association", "effect_size"] < 0
    assert res.loc["top_concentration", "reject"]
    assert not res.loc["bottom_concentration", "reject"]
    v = bias_verdict(res.reset_index(), lang="en")
    assert "top of the ranking but not the bottom" in v


# ---------------------------------------------------------------- decomposition, ranking, verdict
def test_bias_decomposition_hand_case():
    d = bias_decomposition(_tiny()).set_index("part")
    # units a (M=2) few-task; b, c (M=6) busy
    std = standardised_index(_tiny()).set_index("unit_id")
    gap = std.loc["a", "index"] - (std.loc["b", "index"] + std.loc["c", "index"]) / 2
    comp = std.loc["a", "expected_index"] - std.loc["b", "expected_index"]
    assert d.loc["index", "difference"] == pytest.approx(gap)
    assert d.loc["composition", "difference"] == pytest.approx(comp)
    assert d.loc["remainder", "difference"] == pytest.approx(gap - comp)
    assert d.loc["composition", "share_of_gap"] + d.loc["remainder", "share_of_gap"] == pytest.approx(1)


def test_adjusted_ranking(biased):
    r = adjusted_ranking(biased)
    assert r["rank"].is_monotonic_increasing
    assert sorted(r["rank_adjusted"].tolist()) == list(range(1, len(r) + 1))
    assert (r["rank_change"] == r["rank"] - r["rank_adjusted"]).all()


def test_bias_verdict_languages(biased):
    res = few_task_bias(biased, n_perm=99)
    dec = bias_decomposition(biased)
    vi = bias_verdict(res, lang="vi", decomposition=dec, synthetic=True)
    en = bias_verdict(res, lang="en", decomposition=dec, synthetic=True)
    assert vi.startswith("**Kết luận") and "tổng hợp" in vi
    assert en.startswith("**Verdict") and "Synthetic" in en
    assert "," in vi.split("ρ = ")[1][:6]  # Vietnamese decimal comma
    with pytest.raises(ValueError, match="lang"):
        bias_verdict(res, lang="de")


# ---------------------------------------------------------------- funnel
def test_funnel_limits_hand_case():
    # three units, target = 90/120 = 0.75; z-scores by hand
    s = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "c"], "criterion": "k",
                      "max_points": [20.0, 40.0, 60.0], "points": [18.0, 28.0, 44.0],
                      "applicable": True})
    f = funnel_data(s, overdispersion="none", winsor=0.0).set_index("unit_id")
    t = 0.75
    for u, n, y in (("a", 20, 0.9), ("b", 40, 0.7), ("c", 60, 44 / 60)):
        se = np.sqrt(t * (1 - t) / n)
        assert f.loc[u, "z"] == pytest.approx((y - t) / se)
        assert f.loc[u, "upper95"] == pytest.approx(100 * (t + 1.959964 * se), rel=1e-6)
        assert f.loc[u, "lower998"] == pytest.approx(100 * (t - 3.090232 * se), rel=1e-6)
    z = f["z"].to_numpy()
    phi = np.mean(z**2)  # no winsorising
    fm = funnel_data(s, winsor=0.0).set_index("unit_id")
    assert fm["phi"].iloc[0] == pytest.approx(phi)
    se_a = np.sqrt(t * (1 - t) / 20)
    assert fm.loc["a", "upper95"] == pytest.approx(min(100, 100 * (t + 1.959964 * np.sqrt(phi) * se_a)), rel=1e-6)
    # DerSimonian-Laird tau^2 (Spiegelhalter 2005, eq. for the additive model)
    w = np.array([20, 40, 60]) / (t * (1 - t))
    tau2 = max(0, (3 * phi - 2) / (w.sum() - (w**2).sum() / w.sum()))
    fa = funnel_data(s, overdispersion="additive", winsor=0.0).set_index("unit_id")
    assert fa["tau2"].iloc[0] == pytest.approx(tau2)
    assert fa.loc["a", "upper95"] == pytest.approx(min(100, 100 * (t + 1.959964 * np.sqrt(se_a**2 + tau2))))


def test_funnel_winsorising_and_grid(biased):
    f = funnel_data(biased)
    z = f["z"].to_numpy()
    lo, hi = np.quantile(z, [0.1, 0.9])
    assert f["phi"].iloc[0] == pytest.approx(np.mean(np.clip(z, lo, hi) ** 2))
    g = funnel_limits(f, points=50)
    assert len(g) == 50 and (g["upper998"] >= g["upper95"]).all()
    # limits narrow as the size grows
    assert (np.diff(g["upper95"]) <= 1e-12).all()
    assert set(f["flag"]) <= {"above_998", "above_95", "within", "below_95", "below_998"}
    with pytest.raises(ValueError, match="overdispersion"):
        funnel_data(biased, overdispersion="beta")


# ---------------------------------------------------------------- notebook
@pytest.mark.notebooks
def test_notebook_runs_on_small_synthetic_workbook(tmp_path):
    import papermill

    from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT
    from cchc_analysis.synthetic import write_synthetic_workbook

    declared = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "02_few_task_bias.ipynb"))
    assert {"data_path", "year", "alpha", "lang", "output_dir"} <= set(declared)  # the report CLI reads these
    data = write_synthetic_workbook(tmp_path / "small_synthetic.xlsx", seed=9, n_cuc=6, n_vu=6,
                                    years=(2022, 2023))
    out_dir = tmp_path / "out"
    nb_out = tmp_path / "02_out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "02_few_task_bias.ipynb"), str(nb_out),
        parameters={"data_path": str(data), "year": 0, "n_perm": 199, "calibration_worlds": 2,
                    "lang": "en", "output_dir": str(out_dir)},
        kernel_name="python3", cwd=str(PROJ_ROOT), progress_bar=False,
    )
    tables = {p.name for p in (out_dir / "tables").iterdir()}
    assert {"02_few_task_bias__tests.csv", "02_few_task_bias__ranking_adjusted.csv",
            "02_few_task_bias__decomposition.csv"} <= tables
    figs = {p.name for p in (out_dir / "figures").iterdir()}
    assert "02_few_task_bias__funnel.png" in figs and "02_few_task_bias__rank_shift.svg" in figs
    tests = pd.read_csv(out_dir / "tables" / "02_few_task_bias__tests.csv", encoding="utf-8-sig")
    assert tests["test"].iloc[0] == "association" and (tests["year"] == 2023).all()
    text = nb_out.read_text(encoding="utf-8")
    assert "Kết luận" in text and "Verdict" in text and "Synthetic data" in text


def test_few_task_bias_all_units_same_size_is_not_testable():
    rng = np.random.default_rng(0)
    rows = [(f"u{u}", f"c{c}", 1.0, float(rng.uniform() < 0.8)) for u in range(8) for c in range(10)]
    s = pd.DataFrame(rows, columns=["unit_id", "criterion", "max_points", "points"])
    s["year"] = 2023
    s["applicable"] = True
    res = few_task_bias(s, n_perm=99, lang="en")
    assert res["p_val"].isna().all() and not res["reject"].any()
    assert "Cannot be tested" in bias_verdict(res, lang="en", decomposition=bias_decomposition(s))
    with pytest.raises(ValueError, match="at least 5 units"):
        few_task_bias(s[s["unit_id"].isin(["u0", "u1", "u2"])])
