"""Few-task bias audit: is a unit with few applicable criteria favoured, why, and an adjusted index.

The users' question: units where few tasks arise (a small *applicable maximum* ``M``,
the sum of ``max_points`` over the criteria that arise for the unit) are said to score
higher than busy units. This module answers it in three steps.

1. **Is there an association?** :func:`few_task_bias` runs a battery of tests, one row
   per test (pingouin style): the primary test of association between the index and
   ``M``, a robust regression, a dispersion test and the Wainer top/bottom check.
2. **Why?** The suspected mechanism is *composition* (case mix): few-task units carry
   mostly generic, easy criteria, busy units the hard ones. :func:`standardised_index`
   removes it by indirect standardisation and :func:`bias_decomposition` splits the
   gap between few-task and busy units into composition and remainder.
3. **An adjusted index.** :func:`standardised_index` (case mix) and
   :func:`shrunk_index` (empirical-Bayes beta-binomial shrinkage: small units are
   noisier) and :func:`funnel_data` (Spiegelhalter 2005 funnel with overdispersion).

Choices (and why)
-----------------
- *Size* = applicable maximum ``M`` (Σ max_points over applicable criteria); the number
  of applicable criteria is an option (``size="n_applicable"``). *Few-task* = below
  the median size of the year, *busy* = at or above it.
- One year at a time (``year``; the latest year by default): units and criteria
  change between years; each result row carries its ``year``.
- Primary test: Spearman's ρ with a *studentized* permutation p-value (DiCiccio &
  Romano 2017), two-sided by default. The plain permutation test is exact only under
  full independence; when small units are more variable it over-rejects. Checked
  by simulation in :mod:`cchc_analysis.calibration` (rejection rate under the null
  0.046-0.056 at α = 0.05 on 20-60 units).
- Standardisation: pooled criterion rates (Σ points / Σ max over the units where the
  criterion applies), per year; the adjusted index is the O/E ratio times the pooled
  index of the year, so it reads on the index scale.
- Shrinkage: beta-binomial with the applicable max points as effective trials and a
  moment-estimated prior (Kleinman 1973); the number of criteria is an option.
- Funnel: multiplicative overdispersion φ from 10 %-Winsorised z-scores (default;
  invariant to the unit of the effective trials) or additive τ² (DerSimonian–Laird).

References
----------
DiCiccio C.J. & Romano J.P. (2017) Robust permutation tests for correlation and
regression coefficients. *JASA* 112:1211-1220,
https://doi.org/10.1080/01621459.2016.1202117.
Spiegelhalter D.J. (2005) Funnel plots for comparing institutional performance.
*Statistics in Medicine* 24:1185-1202, https://doi.org/10.1002/sim.1970.
Wainer H. (2007) The most dangerous equation. *American Scientist* 95:249,
https://doi.org/10.1511/2007.65.249.
Kleinman J.C. (1973) Proportions with extraneous variance: single and independent
samples. *JASA* 68:46-54 (the weighted moment estimator used for the beta prior).
Long J.S. & Ervin L.H. (2000) Using heteroscedasticity consistent standard errors in
the linear regression model. *The American Statistician* 54:217-224 (HC3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..labels import check_lang, register
from ..ranking import rank_units
from ..scoring import applicable_index

__all__ = [
    "few_task_bias",
    "studentized_spearman",
    "ols_hc3",
    "standardised_index",
    "shrunk_index",
    "bias_decomposition",
    "funnel_data",
    "funnel_limits",
    "adjusted_ranking",
    "bias_verdict",
    "unit_sizes",
]

_NEED = ["year", "unit_id", "criterion", "max_points", "points", "applicable"]


def _check_scores(scores: pd.DataFrame, extra=()) -> None:
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(f"`scores` must be a pandas DataFrame, not {type(scores).__name__}.")
    missing = [c for c in [*_NEED, *extra] if c not in scores.columns]
    if missing:
        raise ValueError(
            f"`scores` lacks the column(s) {missing}; expected the canonical scores table "
            "(see cchc_analysis.read_scores)."
        )


def _applicable_rows(scores: pd.DataFrame) -> pd.DataFrame:
    """Applicable rows only, with float points and max; refuse missing points."""
    app = scores["applicable"].to_numpy(dtype=bool)
    rows = scores.loc[app, ["year", "unit_id", "criterion", "max_points", "points"]].copy()
    rows["max_points"] = rows["max_points"].astype(float)
    rows["points"] = rows["points"].astype(float)
    if rows["points"].isna().any():
        bad = rows.loc[rows["points"].isna()].iloc[0]
        raise ValueError(
            "applicable criteria without points (missing, not zero) — validate the data first "
            f"(cchc validate); first: year={bad['year']}, unit_id={bad['unit_id']}, "
            f"criterion={bad['criterion']}"
        )
    return rows


def _units(scores: pd.DataFrame) -> pd.DataFrame:
    """Every unit-year of the table (also those with no applicable criterion), with name/type."""
    cols = ["year", "unit_id"] + [c for c in ("unit_name", "unit_type") if c in scores.columns]
    return (
        scores[cols].drop_duplicates(["year", "unit_id"]).sort_values(["year", "unit_id"])
        .reset_index(drop=True)
    )


def standardised_index(scores: pd.DataFrame) -> pd.DataFrame:
    """Case-mix-adjusted index by indirect standardisation (observed over expected points).

    For each year, every criterion ``c`` gets its pooled achievement rate across the
    units where it applies, ``r_c = Σ_u points_uc / Σ_u max_uc``. A unit's *expected*
    points are what an average unit would score on the unit's own applicable
    criteria, ``E_u = Σ_c max_uc × r_c``; its observed points are ``O_u``.

    - ``expected_index = 100 × E_u / M_u``: the index an average unit would get with
      this unit's criteria (its case mix). A unit with only easy criteria has a high
      expected index.
    - ``oe_ratio = O_u / E_u``: above 1 means better than average on the same criteria.
    - ``index_adjusted = oe_ratio × overall_index`` with ``overall_index =
      100 × Σ_u O_u / Σ_u M_u`` (the pooled index of the year): the O/E ratio put back
      on the scale of the index (a unit exactly average on its criteria gets the
      overall index), so raw and adjusted indices can be compared and ranked side by
      side. Because the rates are pooled, ``Σ_u E_u = Σ_u O_u`` within a year. Being
      a ratio, it can exceed 100 for a unit far above average on hard criteria.

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table (``year, unit_id, criterion, max_points, points,
        applicable``; ``unit_name``, ``unit_type`` are carried when present).

    Returns
    -------
    DataFrame
        One row per unit and year: ``year, unit_id, [unit_name, unit_type], points,
        max_points, n_applicable, expected_points, index, expected_index, oe_ratio,
        index_adjusted``. A unit with no applicable criterion has NaN indices.

    Notes
    -----
    Rates are computed per year and include the unit itself. A criterion that applies
    to one unit only has that unit's rate, so it carries no information about the
    unit's relative performance (observed = expected on it); the adjusted index then
    rests on the criteria the unit shares with others. Rates are pooled (``Σ points /
    Σ max``) rather than averaged over units, so that criteria compare like with like
    in points and the identity ``Σ E = Σ O`` holds.

    Examples
    --------
    Unit ``a`` has only the easy criterion (everyone scores 100 % on it); ``b`` also
    has the hard one, where the average is 50 %:

    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "a", "b", "b", "c", "c"],
    ...     "criterion": ["easy", "hard"] * 3, "max_points": 2.0,
    ...     "points": [2.0, np.nan, 2.0, 1.5, 2.0, 0.5],
    ...     "applicable": [True, False, True, True, True, True]})
    >>> out = standardised_index(scores)
    >>> out[["unit_id", "index", "expected_index", "oe_ratio", "index_adjusted"]]
      unit_id  index  expected_index  oe_ratio  index_adjusted
    0       a  100.0           100.0  1.000000           80.0
    1       b   87.5            75.0  1.166667           93.333333
    2       c   62.5            75.0  0.833333           66.666667
    """
    _check_scores(scores)
    rows = _applicable_rows(scores)
    grp = rows.groupby(["year", "criterion"], sort=False)
    rate = grp["points"].transform("sum") / grp["max_points"].transform("sum")
    rows["expected_points"] = rows["max_points"] * rate
    rows["n_applicable"] = 1
    per_unit = rows.groupby(["year", "unit_id"], sort=True)[
        ["points", "max_points", "n_applicable", "expected_points"]
    ].sum()
    out = _units(scores).merge(per_unit.reset_index(), on=["year", "unit_id"], how="left")
    out["n_applicable"] = out["n_applicable"].fillna(0).astype(np.int64)
    for c in ("points", "max_points", "expected_points"):
        out[c] = out[c].fillna(0.0)
    mx = out["max_points"].to_numpy()
    has = mx > 0
    safe = np.where(has, mx, 1.0)
    e = out["expected_points"].to_numpy()
    o = out["points"].to_numpy()
    out["index"] = np.where(has, 100.0 * o / safe, np.nan)
    out["expected_index"] = np.where(has, 100.0 * e / safe, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        oe = np.where(has & (e > 0), o / np.where(e > 0, e, 1.0), np.nan)
    # a unit with E = 0 (every criterion it has is scored 0 by everyone) is exactly average
    oe = np.where(has & (e <= 0), 1.0, oe)
    out["oe_ratio"] = oe
    tot = out.groupby("year")[["points", "max_points"]].transform("sum")
    overall = 100.0 * tot["points"] / tot["max_points"]
    out["index_adjusted"] = out["oe_ratio"] * overall
    return out


def _beta_prior_mom(a: np.ndarray, n: np.ndarray) -> tuple[float, float, float, float]:
    """Beta prior (α₀, β₀) by Kleinman's weighted method of moments.

    ``a`` successes out of ``n`` trials per unit. With ``μ̂ = Σa/Σn`` and
    ``S = Σ n_i (p_i − μ̂)²``, ``E[S] = μ(1−μ)[(I−1)(1−ρ) + ρ(N − Σn²/N)]`` where
    ``ρ = 1/(α₀+β₀+1)`` is the intra-unit correlation; solving gives ``ρ̂``.
    Returns ``(alpha0, beta0, mu, rho)``; ``ρ̂`` is floored at 1e-9 (no detectable
    between-unit spread: everyone is pulled all the way to the mean).
    """
    n = n.astype(float)
    a = a.astype(float)
    N = n.sum()
    k = len(n)
    mu = a.sum() / N
    if k < 2 or mu <= 0.0 or mu >= 1.0:
        rho = 1e-9
    else:
        p = a / n
        s = np.sum(n * (p - mu) ** 2)
        denom = N - np.sum(n**2) / N - (k - 1)
        rho = (s / (mu * (1.0 - mu)) - (k - 1)) / denom if denom > 0 else 1e-9
        rho = float(np.clip(rho, 1e-9, 1.0 - 1e-9))
    ab = 1.0 / rho - 1.0
    return mu * ab, (1.0 - mu) * ab, mu, rho


_TRIALS = ("points", "criteria")


def shrunk_index(scores: pd.DataFrame, *, trials: str = "points") -> pd.DataFrame:
    """Empirical-Bayes (beta-binomial) shrunk index: small units pulled toward the mean.

    Each unit-year's achievement rate ``p_i = O_i / M_i`` is treated as a binomial
    proportion out of ``n_i`` *effective trials*; the rates of the year get a common
    prior ``Beta(α₀, β₀)`` fitted by the method of moments (Kleinman 1973, see
    Notes), and the posterior mean is

        ``p̃_i = (n_i p_i + α₀) / (n_i + α₀ + β₀) = w_i p_i + (1 − w_i) μ``,
        ``w_i = n_i / (n_i + α₀ + β₀)``,  ``μ = α₀ / (α₀ + β₀)``.

    ``index_shrunk = 100 × p̃_i``. Units with few effective trials are pulled hardest
    toward the prior mean ``μ`` (the pooled index of the year).

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table.
    trials : {"points", "criteria"}
        Effective trials ``n_i``: the applicable maximum points ``M_i`` (default) or the
        number of applicable criteria.

    Returns
    -------
    DataFrame
        One row per unit and year: ``year, unit_id, [unit_name, unit_type],
        max_points, n_applicable, n_trials, index, index_shrunk, weight, prior_alpha,
        prior_beta, prior_mean`` (``prior_mean`` in index units, 0..100). Units with
        no applicable criterion have NaN ``index``/``index_shrunk``/``weight`` and do
        not enter the prior.

    Notes
    -----
    Points are not Bernoulli trials (a criterion is scored in steps of its maximum),
    so ``n_i`` is an *effective* number of trials: the prior's strength ``α₀ + β₀`` is
    estimated from the spread of the rates *given* that choice of ``n_i``, and the
    weights ``w_i`` rank units by size correctly whichever unit is chosen; the
    calibration study (``python -m cchc_analysis.calibration``) checks that the shrunk
    index tracks the true ability. The moment estimator: ``μ̂ = Σ a_i / Σ n_i``,
    ``S = Σ n_i (p_i − μ̂)²``, ``ρ̂ = (S / (μ̂(1−μ̂)) − (I−1)) / (N − Σ n_i²/N − (I−1))``
    with ``N = Σ n_i``, ``α₀ + β₀ = 1/ρ̂ − 1`` (the binomial analogue of the
    DerSimonian–Laird estimator). When the rates spread no more than binomial noise
    (``ρ̂ ≤ 0``) ``ρ̂`` is floored at 1e-9: the weights are then ≈ 0 and every unit is
    shrunk to the mean — the data cannot tell the units apart.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a"] * 2 + ["b"] * 8 + ["c"] * 8,
    ...     "criterion": [f"k{i}" for i in range(2)] + [f"k{i}" for i in range(8)] * 2,
    ...     "max_points": 1.0, "applicable": True,
    ...     "points": [1, 1] + [1, 1, 1, 1, 0, 1, 0, 1] + [0, 0, 0, 1, 0, 0, 1, 0.0]})
    >>> out = shrunk_index(scores)
    >>> out[["unit_id", "index", "weight"]].round(3)
      unit_id  index  weight
    0       a  100.0   0.615
    1       b   75.0   0.865
    2       c   25.0   0.865
    >>> bool(((out["index_shrunk"] - out["index"]).abs() <= (out["prior_mean"] - out["index"]).abs()).all())
    True
    """
    if trials not in _TRIALS:
        raise ValueError(f"The value for `trials` must be one of {list(_TRIALS)}, but {trials!r} was passed.")
    base = standardised_index(scores)
    out = base.drop(columns=["expected_points", "expected_index", "oe_ratio", "index_adjusted", "points"])
    out = out.copy()
    n_all = (base["max_points"] if trials == "points" else base["n_applicable"]).to_numpy(dtype=float)
    out["n_trials"] = n_all
    for c in ("index_shrunk", "weight", "prior_alpha", "prior_beta", "prior_mean"):
        out[c] = np.nan
    for _, idx in base.groupby("year", sort=True).groups.items():
        pos = base.index.get_indexer(idx)
        mx = base["max_points"].to_numpy()[pos]
        ok = pos[mx > 0]
        if len(ok) == 0:
            continue
        p = base["points"].to_numpy()[ok] / base["max_points"].to_numpy()[ok]
        n = n_all[ok]
        alpha0, beta0, mu, _ = _beta_prior_mom(n * p, n)
        w = n / (n + alpha0 + beta0)
        out.loc[ok, "weight"] = w
        out.loc[ok, "index_shrunk"] = 100.0 * (w * p + (1.0 - w) * mu)
        out.loc[pos, "prior_alpha"] = alpha0
        out.loc[pos, "prior_beta"] = beta0
        out.loc[pos, "prior_mean"] = 100.0 * mu
    return out


# ---------------------------------------------------------------------------------------
# unit table of one year
# ---------------------------------------------------------------------------------------
_SIZES = ("max_points", "n_applicable")
_FEW, _BUSY = "few-task", "busy"


def _pick_year(scores: pd.DataFrame, year):
    years = sorted(pd.unique(scores["year"]).tolist())
    if not years:
        raise ValueError("`scores` has no rows.")
    if year is None:
        return years[-1]
    if year not in years:
        raise ValueError(f"The value for `year` must be one of {years}, but {year!r} was passed.")
    return year


def unit_sizes(scores: pd.DataFrame, *, year=None, size: str = "max_points") -> pd.DataFrame:
    """The units of one year with their index, size and size group (few-task or busy).

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table.
    year : int, optional
        Year to analyse; the latest year in ``scores`` by default.
    size : {"max_points", "n_applicable"}
        What "few tasks" means: a small applicable maximum (sum of ``max_points`` over
        applicable criteria, default) or few applicable criteria.

    Returns
    -------
    DataFrame
        One row per unit with an index: the columns of :func:`standardised_index`
        plus ``size`` (the chosen size measure) and ``group``: ``"few-task"`` when the
        size is *below* the median size of the year, ``"busy"`` otherwise (at or above
        the median). Units without any applicable criterion are left out.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> u = unit_sizes(make_synthetic_scores(seed=1, n_cuc=4, n_vu=4, years=(2023,)))
    >>> u["group"].value_counts().to_dict()
    {'busy': 5, 'few-task': 5}
    """
    if size not in _SIZES:
        raise ValueError(f"The value for `size` must be one of {list(_SIZES)}, but {size!r} was passed.")
    _check_scores(scores)
    year = _pick_year(scores, year)
    out = standardised_index(scores[scores["year"] == year])
    out = out[out["max_points"] > 0].reset_index(drop=True)
    out["size"] = out[size].astype(float)
    med = float(np.median(out["size"])) if len(out) else np.nan
    out["group"] = np.where(out["size"] < med, _FEW, _BUSY)
    return out


# ---------------------------------------------------------------------------------------
# the primary test: studentized permutation test of Spearman's rho
# ---------------------------------------------------------------------------------------
_ALTERNATIVES = ("two-sided", "less", "greater")


def studentized_spearman(x, y, *, n_perm: int = 9_999, seed=0, alternative: str = "two-sided",
                         chunk: int = 2_000) -> dict:
    """Spearman's ρ with a studentized permutation p-value.

    Both variables are replaced by their (average) ranks, centred. The statistic is
    the studentized correlation of DiCiccio & Romano (2017),

        ``T = √n · r / τ̂``,  ``τ̂² = (1/n Σ x̃ᵢ² ỹᵢ²) / ((1/n Σ x̃ᵢ²)(1/n Σ ỹᵢ²))``,

    computed on the ranks (``r`` is then Spearman's ρ). Its permutation distribution
    (permuting ``y``) gives the p-value ``(1 + #{|T*| ≥ |T|}) / (n_perm + 1)``
    (two-sided; ``#{T* ≤ T}`` for ``alternative="less"``, ``#{T* ≥ T}`` for
    ``"greater"``).

    Why studentized: the plain permutation test of ρ is exact only when ``x`` and
    ``y`` are *independent*. The null of interest is weaker — "no association", while
    small units may be more variable (heteroscedastic: the spread of ``y`` depends on
    ``x``) — and under it permuting breaks the link between size and spread, so the
    plain test's null distribution has the wrong variance (``τ² ≠ 1``) and it rejects
    too often (calibration, heteroscedastic null, 20-60 units, α = 0.05: plain 6.4 %,
    studentized 4.6 %; a plain test of Pearson's r on log M reached 24 % in a harsher
    world tried while designing).
    Dividing by ``τ̂`` makes the statistic asymptotically pivotal, so the test stays
    exact under independence and is asymptotically valid under heteroscedasticity
    (DiCiccio C.J. & Romano J.P. 2017, *JASA* 112:1211-1220,
    https://doi.org/10.1080/01621459.2016.1202117). ``python -m
    cchc_analysis.calibration`` checks its size on 20-60 units.

    Parameters
    ----------
    x, y : array-like of equal length (at least 4 values).
    n_perm : number of random permutations.
    seed : seed of the permutations (``numpy.random.default_rng``).
    alternative : ``"two-sided"`` (default), ``"less"`` (ρ < 0: e.g. few-task units
        score higher when ``x`` is the size) or ``"greater"``.
    chunk : permutations computed at once (memory bound).

    Returns
    -------
    dict
        ``rho`` (Spearman's ρ), ``statistic`` (``T``), ``p_val`` (studentized
        permutation), ``p_val_plain`` (plain permutation of ρ, for comparison),
        ``n``. NaN values when ``x`` or ``y`` is constant.

    Examples
    --------
    >>> x = [1, 2, 3, 4, 5, 6, 7, 8]
    >>> out = studentized_spearman(x, [2, 1, 4, 3, 6, 5, 8, 7], n_perm=999)
    >>> round(out["rho"], 4), out["p_val"] < 0.05
    (0.9048, True)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("`x` and `y` must be one-dimensional and of equal length.")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("`x` and `y` must be finite (drop units without an index first).")
    n = len(x)
    if n < 4:
        raise ValueError(f"At least 4 units are needed for the association test, but {n} were given.")
    if n_perm < 1:
        raise ValueError(f"`n_perm` must be a positive integer, but {n_perm!r} was passed.")
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"The value for `alternative` must be one of {list(_ALTERNATIVES)}, "
                         f"but {alternative!r} was passed.")
    rx = stats.rankdata(x)
    ry = stats.rankdata(y)
    rx = rx - rx.mean()
    ry = ry - ry.mean()
    sxx = float(rx @ rx)
    syy = float(ry @ ry)
    nan = {"rho": np.nan, "statistic": np.nan, "p_val": np.nan, "p_val_plain": np.nan, "n": n}
    if sxx == 0 or syy == 0:
        return nan
    x2 = rx**2

    def _stat(Y):
        r = (Y @ rx) / np.sqrt(sxx * syy)
        tau2 = n * ((Y**2) @ x2) / (sxx * syy)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.sqrt(n) * r / np.sqrt(tau2)
        return r, t

    r0, t0 = _stat(ry[None, :])
    r0, t0 = float(r0[0]), float(t0[0])
    rng = np.random.default_rng(seed)
    tol = 1e-10
    ge_t = ge_r = 0
    done = 0
    while done < n_perm:
        m = min(chunk, n_perm - done)
        Y = rng.permuted(np.broadcast_to(ry, (m, n)), axis=1)
        r, t = _stat(Y)
        if alternative == "two-sided":
            ge_t += int(np.sum(np.abs(t) >= abs(t0) - tol))
            ge_r += int(np.sum(np.abs(r) >= abs(r0) - tol))
        elif alternative == "less":
            ge_t += int(np.sum(t <= t0 + tol))
            ge_r += int(np.sum(r <= r0 + tol))
        else:
            ge_t += int(np.sum(t >= t0 - tol))
            ge_r += int(np.sum(r >= r0 - tol))
        done += m
    return {
        "rho": r0,
        "statistic": t0,
        "p_val": (1 + ge_t) / (n_perm + 1),
        "p_val_plain": (1 + ge_r) / (n_perm + 1),
        "n": n,
    }


def _spearman_boot_ci(x, y, *, level=0.95, n_boot=1_999, seed=0):
    """Percentile bootstrap CI of Spearman's ρ, resampling units."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    rng = np.random.default_rng([seed, 7])
    idx = rng.integers(0, n, size=(n_boot, n))
    rx = stats.rankdata(x[idx], axis=1)
    ry = stats.rankdata(y[idx], axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sum(rx * ry, axis=1) / np.sqrt(np.sum(rx**2, axis=1) * np.sum(ry**2, axis=1))
    r = r[np.isfinite(r)]
    if len(r) < 10:
        return np.nan, np.nan
    a = (1 - level) / 2
    return float(np.quantile(r, a)), float(np.quantile(r, 1 - a))


# ---------------------------------------------------------------------------------------
# regression with HC3 standard errors
# ---------------------------------------------------------------------------------------
def ols_hc3(y, X, *, level: float = 0.95) -> dict:
    """Ordinary least squares with HC3 heteroscedasticity-consistent standard errors.

    ``β̂ = (X'X)⁻¹X'y``; with residuals ``eᵢ`` and leverages ``hᵢ`` (diagonal of the
    hat matrix), the HC3 covariance is ``(X'X)⁻¹ X' diag(eᵢ²/(1−hᵢ)²) X (X'X)⁻¹``
    (MacKinnon & White 1985; recommended for small samples by Long & Ervin 2000).
    t-statistics use ``n − p`` degrees of freedom.

    Parameters
    ----------
    y : array (n,)
    X : array (n, p), including the intercept column; must have full column rank.
    level : confidence level of the intervals.

    Returns
    -------
    dict
        ``beta, se, t, p_val, ci_low, ci_high`` (arrays of length p), ``df``,
        ``leverage`` (array n).

    Examples
    --------
    >>> x = np.array([1.0, 2, 3, 4, 5, 6])
    >>> fit = ols_hc3(2 + 0.5 * x + np.array([0.1, -0.1, 0.2, -0.2, 0.0, 0.05]),
    ...               np.column_stack([np.ones(6), x]))
    >>> np.round(fit["beta"], 4).tolist(), np.round(fit["se"], 4).tolist()
    ([2.0433, 0.49], [0.1467, 0.0334])
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    if n <= p:
        raise ValueError(f"OLS needs more observations ({n}) than coefficients ({p}).")
    if np.linalg.matrix_rank(X) < p:
        raise ValueError("The design matrix X is not of full column rank.")
    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    e = y - X @ beta
    h = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
    if np.any(h > 1 - 1e-10):
        raise ValueError("An observation has leverage 1 (it is fitted exactly); HC3 is undefined.")
    meat = X.T @ (X * (e**2 / (1 - h) ** 2)[:, None])
    cov = xtx_inv @ meat @ xtx_inv
    se = np.sqrt(np.diag(cov))
    df = n - p
    with np.errstate(invalid="ignore", divide="ignore"):
        t = beta / se
    pv = 2 * stats.t.sf(np.abs(t), df)
    q = stats.t.ppf(0.5 + level / 2, df)
    return {"beta": beta, "se": se, "t": t, "p_val": pv, "ci_low": beta - q * se,
            "ci_high": beta + q * se, "df": df, "leverage": h}


def _type_dummies(unit_type: pd.Series, *, min_units: int = 3) -> tuple[np.ndarray, list[str]]:
    """Dummy columns for unit types with >= min_units units (others join the reference)."""
    counts = unit_type.value_counts()
    kept = sorted(counts[counts >= min_units].index.tolist())
    if len(kept) < 2:
        return np.empty((len(unit_type), 0)), []
    ref = counts[kept].sort_values(ascending=False, kind="stable").index[0]
    cols = [t for t in kept if t != ref]
    return np.column_stack([unit_type.eq(t).to_numpy(float) for t in cols]), cols


def _num(x: float, lang: str, digits: int = 2) -> str:
    s = f"{x:.{digits}f}"
    if lang == "vi":
        s = s.replace(".", ",")
    return s.replace("-", "−")


def _pval(p: float, lang: str) -> str:
    if not np.isfinite(p):
        return "p = —"
    if p < 0.001:
        return "p < " + _num(0.001, lang, 3)
    return "p = " + _num(p, lang, 3)


# ---------------------------------------------------------------------------------------
# the battery
# ---------------------------------------------------------------------------------------
_TESTS = {
    "association": {
        "vi": "Liên hệ giữa chỉ số và điểm tối đa phát sinh (kiểm định chính)",
        "en": "Association of index with applicable maximum (primary test)",
    },
    "regression_log_max": {
        "vi": "Hồi quy chỉ số theo log(điểm tối đa phát sinh), sai số HC3",
        "en": "Regression of index on log(applicable maximum), HC3 errors",
    },
    "regression_log_max_by_type": {
        "vi": "Như trên, trong cùng loại đơn vị",
        "en": "As above, within unit types",
    },
    "dispersion": {
        "vi": "Độ phân tán: đơn vị ít nhiệm vụ so với đơn vị nhiều nhiệm vụ",
        "en": "Dispersion: few-task vs busy units",
    },
    "top_concentration": {
        "vi": "Đơn vị ít nhiệm vụ tập trung ở nhóm đầu bảng xếp hạng",
        "en": "Few-task units concentrated at the top of the ranking",
    },
    "bottom_concentration": {
        "vi": "Đơn vị ít nhiệm vụ tập trung ở nhóm cuối bảng xếp hạng",
        "en": "Few-task units concentrated at the bottom of the ranking",
    },
    "association_adjusted": {
        "vi": "Liên hệ còn lại sau khi chuẩn hóa theo cơ cấu tiêu chí",
        "en": "Association left after standardising for criteria mix",
    },
}

register(
    {
        "test": {"vi": "Kiểm định", "en": "Test"},
        "method": {"vi": "Phương pháp", "en": "Method"},
        "statistic": {"vi": "Thống kê", "en": "Statistic"},
        "p_val": {"vi": "Giá trị p", "en": "p-value"},
        "effect_size": {"vi": "Độ lớn hiệu ứng", "en": "Effect size"},
        "effect_name": {"vi": "Loại hiệu ứng", "en": "Effect"},
        "ci_low": {"vi": "KTC dưới", "en": "CI low"},
        "ci_high": {"vi": "KTC trên", "en": "CI high"},
        "reject": {"vi": "Bác bỏ H0", "en": "Reject H0"},
        "n": {"vi": "Số đơn vị", "en": "Units"},
        "interpretation": {"vi": "Diễn giải", "en": "Interpretation"},
        "expected_index": {"vi": "Chỉ số kỳ vọng theo cơ cấu tiêu chí (%)",
                           "en": "Expected index from criteria mix (%)"},
        "expected_points": {"vi": "Điểm kỳ vọng", "en": "Expected points"},
        "oe_ratio": {"vi": "Tỷ số thực tế/kỳ vọng", "en": "Observed/expected"},
        "index_adjusted": {"vi": "Chỉ số đã chuẩn hóa (%)", "en": "Standardised index (%)"},
        "index_shrunk": {"vi": "Chỉ số co về trung bình (%)", "en": "Shrunk index (%)"},
        "weight": {"vi": "Trọng số dữ liệu riêng", "en": "Own-data weight"},
        "rank_adjusted": {"vi": "Hạng sau chuẩn hóa", "en": "Rank (standardised)"},
        "rank_shrunk": {"vi": "Hạng sau co", "en": "Rank (shrunk)"},
        "rank_change": {"vi": "Thay đổi hạng (+ = tăng)", "en": "Rank change (+ = up)"},
        "size": {"vi": "Quy mô nhiệm vụ", "en": "Task size"},
        "group": {"vi": "Nhóm", "en": "Group"},
        _FEW: {"vi": "Ít nhiệm vụ", "en": "Few-task"},
        _BUSY: {"vi": "Nhiều nhiệm vụ", "en": "Busy"},
        "few_task": {"vi": "Ít nhiệm vụ", "en": "Few-task"},
        "busy": {"vi": "Nhiều nhiệm vụ", "en": "Busy"},
        "difference": {"vi": "Chênh lệch", "en": "Difference"},
        "share_of_gap": {"vi": "Tỷ trọng trong chênh lệch", "en": "Share of gap"},
        "n_few_task": {"vi": "Số đơn vị ít nhiệm vụ", "en": "Few-task units"},
        "n_busy": {"vi": "Số đơn vị nhiều nhiệm vụ", "en": "Busy units"},
    }
)


def _interpret(test: str, row: dict, lang: str, alpha: float) -> str:
    vi = lang == "vi"
    rej = bool(row["reject"])
    es = row["effect_size"]
    p = _pval(row["p_val"], lang)
    if not np.isfinite(row["p_val"]):
        return ("Không kiểm định được (thiếu biến thiên hoặc quá ít đơn vị)." if vi
                else "Could not be tested (no variation or too few units).")
    if test in ("association", "association_adjusted"):
        rho = f"ρ = {_num(es, lang)}, {p}"
        what_vi = "Chỉ số đã chuẩn hóa" if test == "association_adjusted" else "Chỉ số"
        what_en = "The standardised index" if test == "association_adjusted" else "The index"
        if not rej:
            return (f"{what_vi} không liên hệ rõ với quy mô nhiệm vụ ({rho}); chênh lệch quan sát được "
                    "có thể do ngẫu nhiên." if vi else
                    f"{what_en} shows no clear association with task size ({rho}); the pattern "
                    "seen could be chance.")
        if es < 0:
            return (f"{what_vi} cao hơn ở đơn vị ít nhiệm vụ ({rho}); khó là ngẫu nhiên." if vi else
                    f"{what_en} is higher for units with fewer tasks ({rho}); unlikely to be chance.")
        return (f"{what_vi} cao hơn ở đơn vị nhiều nhiệm vụ ({rho}); khó là ngẫu nhiên." if vi else
                f"{what_en} is higher for busier units ({rho}); unlikely to be chance.")
    if test in ("regression_log_max", "regression_log_max_by_type"):
        if test == "regression_log_max_by_type":
            pre_vi, pre_en = "Trong cùng loại đơn vị: khi", "Within unit types, doubling"
        else:
            pre_vi, pre_en = "Khi", "Doubling"
        d = f"{_num(es, lang, 1)} điểm %" if vi else f"{_num(es, lang, 1)} index points"
        ci = (f"KTC 95 %: {_num(row['ci_low'], lang, 1)} đến {_num(row['ci_high'], lang, 1)}" if vi
              else f"95 % CI {_num(row['ci_low'], lang, 1)} to {_num(row['ci_high'], lang, 1)}")
        if not rej:
            return (f"{pre_vi} điểm tối đa phát sinh tăng gấp đôi, chỉ số thay đổi {d} ({ci}, {p}): "
                    "không khác 0 rõ rệt." if vi else
                    f"{pre_en} the applicable maximum changes the index by {d} ({ci}, {p}): "
                    "not clearly different from 0.")
        return (f"{pre_vi} điểm tối đa phát sinh tăng gấp đôi, chỉ số thay đổi {d} ({ci}, {p})." if vi
                else f"{pre_en} the applicable maximum changes the index by {d} ({ci}, {p}).")
    if test == "dispersion":
        r = _num(es, lang)
        if rej and es > 1:
            return (f"Đơn vị ít nhiệm vụ phân tán hơn (tỷ số độ lệch chuẩn {r}, {p}): thứ hạng của "
                    "chúng kém tin cậy hơn." if vi else
                    f"Few-task units are more spread out (SD ratio {r}, {p}): their ranks are less "
                    "reliable.")
        if rej:
            return (f"Đơn vị nhiều nhiệm vụ phân tán hơn (tỷ số độ lệch chuẩn {r}, {p})." if vi else
                    f"Busy units are more spread out (SD ratio {r}, {p}).")
        return (f"Không có khác biệt rõ về độ phân tán (tỷ số độ lệch chuẩn {r}, {p})." if vi else
                f"No clear difference in spread (SD ratio {r}, {p}).")
    if test in ("top_concentration", "bottom_concentration"):
        top = test == "top_concentration"
        k = int(row["k"])
        cnt = int(row["statistic"])
        exp = row["expected"]
        where_vi = f"{k} vị trí đầu" if top else f"{k} vị trí cuối"
        where_en = f"the top {k}" if top else f"the bottom {k}"
        base_vi = f"{cnt} đơn vị ít nhiệm vụ trong {where_vi} (kỳ vọng {_num(exp, lang, 1)}, {p})"
        noun = "unit" if cnt == 1 else "units"
        base_en = f"{cnt} few-task {noun} in {where_en} (expected {_num(exp, lang, 1)}, {p})"
        if rej:
            return (base_vi + ": nhiều hơn mức ngẫu nhiên." if vi else base_en + ": more than chance.")
        return (base_vi + ": không nhiều hơn mức ngẫu nhiên." if vi else base_en + ": not more than chance.")
    raise ValueError(test)


def few_task_bias(
    scores: pd.DataFrame,
    *,
    alpha: float = 0.05,
    n_perm: int = 9_999,
    seed=0,
    year=None,
    size: str = "max_points",
    k: int | None = None,
    alternative: str = "two-sided",
    lang: str = "vi",
) -> pd.DataFrame:
    """Is a unit with few applicable tasks favoured? One row per test (one year).

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table; one year is analysed (``year``, the latest by default).
    alpha : significance level of every row's ``reject``.
    n_perm : permutations of the primary test (and of the adjusted association test).
    seed : seed of permutations and bootstrap; same seed, same table.
    year : year to analyse (default: the latest in ``scores``).
    size : ``"max_points"`` (applicable maximum, default) or ``"n_applicable"``
        (number of applicable criteria): what "few tasks" means.
    k : size of the top and bottom groups of the Wainer check; default
        ``max(3, round(n / 5))`` (a fifth of the units).
    alternative : of the association tests (rows 1 and 6): ``"two-sided"`` (default;
        an audit that would also flag busy units being favoured) or ``"less"`` (only
        "few-task units score higher", ρ < 0: more power for that one claim, decided
        before looking at the data).
    lang : ``"vi"`` or ``"en"`` for the ``interpretation`` column.

    Returns
    -------
    DataFrame
        Columns ``test, method, statistic, p_val, effect_size, effect_name, ci_low,
        ci_high, reject, n, year, interpretation``. Rows, in order:

        1. ``association`` (PRIMARY): Spearman's ρ between index and size, two-sided
           studentized permutation p-value (:func:`studentized_spearman`; valid when
           small units are more variable); ``statistic`` = studentized ``T``,
           ``effect_size`` = ρ with a 95 % percentile bootstrap CI. ρ < 0 means
           few-task units score higher.
        2. ``regression_log_max``: OLS of index on ``log(size)``, HC3 standard errors
           (:func:`ols_hc3`); ``effect_size`` = slope × ln 2, the change in index
           points when the size doubles, with its 95 % CI; ``statistic`` = t.
           ``regression_log_max_by_type`` (only when ``unit_type`` has at least two
           types with ≥ 3 units): the same with unit-type dummies (smaller types join
           the largest): the association *within* types. When size and type go
           together (Cục are busy, Vụ are not) this row is imprecise by design.
        3. ``dispersion``: Brown–Forsythe test (Levene with median centring) between
           the few-task half (size below the median) and the busy half;
           ``effect_size`` = SD ratio few-task / busy.
        4. ``top_concentration`` / 5. ``bottom_concentration``: the Wainer check.
           Of the ``k`` best (worst) ranked units, how many are few-task? One-sided
           hypergeometric p-value of at least that many;
           ``effect_size`` = observed / expected count. A real advantage crowds the
           top only; chance (small units being noisy) crowds both ends.
        6. ``association_adjusted``: the primary test on the standardised index
           (:func:`standardised_index`): what is left after the criteria mix.

        The numbering above counts ``regression_log_max_by_type`` as part of 2.

    Notes
    -----
    The rows are separate questions, not a family to be corrected: the verdict rests
    on row 1; rows 2-6 describe the shape (size of the effect, spread, which end,
    mechanism). The calibration study (``python -m cchc_analysis.calibration``)
    checks that row 1 rejects a true null at the nominal rate on 20-60 units,
    heteroscedastic worlds included.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> s = make_synthetic_scores(seed=2, n_cuc=10, n_vu=10, years=(2023,))
    >>> res = few_task_bias(s, n_perm=199, lang="en")
    >>> res["test"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['association', 'regression_log_max', 'regression_log_max_by_type', 'dispersion',
     'top_concentration', 'bottom_concentration', 'association_adjusted']
    >>> bool(res.loc[0, "p_val"] > 0)
    True
    """
    check_lang(lang)
    if not (0 < alpha < 1):
        raise ValueError(f"`alpha` must be between 0 and 1, but {alpha!r} was passed.")
    units = unit_sizes(scores, year=year, size=size)
    year = units["year"].iloc[0] if len(units) else _pick_year(scores, year)
    n = len(units)
    if n < 5:
        raise ValueError(f"The few-task bias audit needs at least 5 units with an index; year {year} has {n}.")
    x = units["size"].to_numpy(float)
    y = units["index"].to_numpy(float)
    rows = []

    # 1. primary
    a = studentized_spearman(x, y, n_perm=n_perm, seed=seed, alternative=alternative)
    lo, hi = _spearman_boot_ci(x, y, seed=seed)
    rows.append({"test": "association",
                 "method": f"Spearman rho, studentized permutation test (DiCiccio-Romano), {alternative}",
                 "statistic": a["statistic"], "p_val": a["p_val"], "effect_size": a["rho"],
                 "effect_name": "spearman_rho", "ci_low": lo, "ci_high": hi})

    # 2. regression (and 3. within unit types, where there are types to adjust for)
    X = np.column_stack([np.ones(n), np.log(x)])
    designs = [("regression_log_max", X, "index ~ log(size)")]
    if "unit_type" in units.columns:
        D, cols = _type_dummies(units["unit_type"])
        XD = np.column_stack([X, D])
        if cols and np.linalg.matrix_rank(XD) == XD.shape[1] and n > XD.shape[1] + 1:
            designs.append(("regression_log_max_by_type", XD,
                            "index ~ log(size) + unit_type (" + ", ".join(cols) + " vs the largest type)"))
    for test, design, note in designs:
        try:
            fit = ols_hc3(y, design)
            vals = (fit["t"][1], fit["p_val"][1], fit["beta"][1], fit["ci_low"][1], fit["ci_high"][1])
        except ValueError:
            vals = (np.nan,) * 5
        rows.append({"test": test, "method": f"OLS {note}, HC3 standard errors",
                     "statistic": vals[0], "p_val": vals[1], "effect_size": vals[2] * np.log(2),
                     "effect_name": "index_points_per_doubling",
                     "ci_low": vals[3] * np.log(2), "ci_high": vals[4] * np.log(2)})

    # 3. dispersion
    few = units["group"].eq(_FEW).to_numpy()
    if few.sum() >= 2 and (~few).sum() >= 2:
        w, pw = stats.levene(y[few], y[~few], center="median")
        sd_ratio = np.std(y[few], ddof=1) / np.std(y[~few], ddof=1)
    else:
        w = pw = sd_ratio = np.nan
    rows.append({"test": "dispersion", "method": "Brown-Forsythe (Levene, median-centred), few-task vs busy half",
                 "statistic": w, "p_val": pw, "effect_size": sd_ratio,
                 "effect_name": "sd_ratio_few_over_busy", "ci_low": np.nan, "ci_high": np.nan})

    # 4-5. Wainer check
    kk = max(3, int(round(n / 5))) if k is None else int(k)
    if not (1 <= kk < n):
        raise ValueError(f"`k` must be between 1 and {n - 1}, but {k!r} was passed.")
    ranked = rank_units(units[["year", "unit_id", "index"]], method="min")
    ranked_low = rank_units(units[["year", "unit_id", "index"]], method="min", ascending=True)
    n_few = int(few.sum())
    for test, rk in (("top_concentration", ranked), ("bottom_concentration", ranked_low)):
        sel = (rk["rank"] <= kk).to_numpy()  # ties at the boundary are all included
        draws = int(sel.sum())
        cnt = int((sel & few).sum())
        expected = draws * n_few / n
        # with no few-task unit (all sizes equal) there is nothing to test
        p = float(stats.hypergeom.sf(cnt - 1, n, n_few, draws)) if 0 < n_few < n else np.nan
        rows.append({"test": test, "method": f"hypergeometric, one-sided, k = {kk}",
                     "statistic": float(cnt), "p_val": p,
                     "effect_size": cnt / expected if expected > 0 else np.nan,
                     "effect_name": "observed_over_expected", "ci_low": np.nan, "ci_high": np.nan,
                     "k": draws, "expected": expected})

    # 6. after standardisation
    ya = units["index_adjusted"].to_numpy(float)
    b6 = studentized_spearman(x, ya, n_perm=n_perm, seed=seed, alternative=alternative)
    lo6, hi6 = _spearman_boot_ci(x, ya, seed=seed)
    rows.append({"test": "association_adjusted",
                 "method": "as row 1, on the standardised index (indirect standardisation)",
                 "statistic": b6["statistic"], "p_val": b6["p_val"], "effect_size": b6["rho"],
                 "effect_name": "spearman_rho", "ci_low": lo6, "ci_high": hi6})

    for r in rows:
        r["reject"] = bool(np.isfinite(r["p_val"]) and r["p_val"] <= alpha)
        r["n"] = n
        r["year"] = year
        r["interpretation"] = _interpret(r["test"], r, lang, alpha)
    cols = ["test", "method", "statistic", "p_val", "effect_size", "effect_name", "ci_low",
            "ci_high", "reject", "n", "year", "interpretation"]
    return pd.DataFrame(rows)[cols]


# ---------------------------------------------------------------------------------------
# mechanism: decomposition of the gap
# ---------------------------------------------------------------------------------------
def bias_decomposition(scores: pd.DataFrame, *, year=None, size: str = "max_points") -> pd.DataFrame:
    """How much of the few-task vs busy gap is composition (criteria mix), how much is left.

    Units are split at the median size (few-task: below the median; busy: at or
    above, as in :func:`unit_sizes`). With plain means over units of each group:

    - ``index``: the observed gap ``Δ = mean index(few) − mean index(busy)``;
    - ``composition``: the gap in ``expected_index`` (:func:`standardised_index`), the
      part due to which criteria the units have (an average unit would show it);
    - ``remainder``: ``Δ − composition`` = the gap in ``index − expected_index``,
      i.e. how much better few-task units do *on the same criteria*.

    ``share_of_gap`` divides each part by ``Δ`` (NaN when ``Δ = 0``); the two parts add
    up to the gap exactly.

    Returns
    -------
    DataFrame
        ``year, part, few_task, busy, difference, share_of_gap`` with ``part`` in
        ``index, composition, remainder``, plus ``n_few_task, n_busy``.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> d = bias_decomposition(make_synthetic_scores(seed=2, n_cuc=8, n_vu=8, years=(2023,)))
    >>> d["part"].tolist()
    ['index', 'composition', 'remainder']
    >>> bool(np.isclose(d["difference"].iloc[1] + d["difference"].iloc[2], d["difference"].iloc[0]))
    True
    """
    u = unit_sizes(scores, year=year, size=size)
    few = u["group"].eq(_FEW)
    u = u.assign(remainder=u["index"] - u["expected_index"])
    rows = []
    gap = u.loc[few, "index"].mean() - u.loc[~few, "index"].mean()
    for part, col in (("index", "index"), ("composition", "expected_index"), ("remainder", "remainder")):
        f, b = u.loc[few, col].mean(), u.loc[~few, col].mean()
        d = f - b
        rows.append({"year": u["year"].iloc[0], "part": part, "few_task": f, "busy": b, "difference": d,
                     "share_of_gap": d / gap if gap != 0 and np.isfinite(gap) else np.nan,
                     "n_few_task": int(few.sum()), "n_busy": int((~few).sum())})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# funnel plot data (Spiegelhalter 2005)
# ---------------------------------------------------------------------------------------
_Z95 = float(stats.norm.ppf(0.975))
_Z998 = float(stats.norm.ppf(0.999))
_OVERDISPERSION = ("multiplicative", "additive", "none")


def _funnel_half_width(n, target, phi, tau2, method, z):
    s2 = target * (1 - target) / np.asarray(n, dtype=float)
    if method == "multiplicative":
        return z * np.sqrt(phi * s2)
    if method == "additive":
        return z * np.sqrt(s2 + tau2)
    return z * np.sqrt(s2)


def funnel_data(
    scores: pd.DataFrame,
    *,
    year=None,
    size: str = "max_points",
    overdispersion: str = "multiplicative",
    winsor: float = 0.1,
) -> pd.DataFrame:
    """Funnel plot data: each unit's index against its size, with control limits.

    Following Spiegelhalter (2005), each unit's achievement rate ``yᵢ = index/100`` is
    compared with the target ``θ₀`` (the pooled rate of the year, ``Σ points /
    Σ max``) given ``nᵢ`` effective trials (``size``; applicable max points by
    default). Binomial standard error ``sᵢ = √(θ₀(1−θ₀)/nᵢ)`` and z-score
    ``zᵢ = (yᵢ − θ₀)/sᵢ``. Overdispersion:

    - ``"multiplicative"`` (default): ``φ̂ = mean of zᵢ²`` after Winsorising the
      z-scores at the ``winsor`` and ``1 − winsor`` quantiles (10 % each tail, as in
      the paper); limits ``θ₀ ± z·√(φ̂)·sᵢ``. φ̂ is applied whatever its value: points
      are not Bernoulli trials, so φ = 1 has no special meaning here, and the
      multiplicative limits do not depend on the unit chosen for the trials
      (scaling every ``nᵢ`` by c scales φ̂ by c).
    - ``"additive"``: a random-effects variance by the DerSimonian–Laird moment
      formula of the paper, ``τ̂² = max(0, (I φ̂ − (I − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ))``,
      ``wᵢ = 1/sᵢ²``; limits ``θ₀ ± z·√(sᵢ² + τ̂²)``: wider for every unit by the same
      between-unit spread (better when units differ in real performance).
    - ``"none"``: plain binomial limits.

    Limits at 95 % (z = 1.96) and 99.8 % (z = 3.09), in index units, clipped to
    [0, 100].

    Returns
    -------
    DataFrame
        One row per unit: ``year, unit_id, [unit_name, unit_type], size, group,
        index, target, z, z_adjusted, lower95, upper95, lower998, upper998, flag, phi, tau2,
        overdispersion`` where ``target`` is in index units, ``z_adjusted`` the
        z-score on the overdispersed scale and ``flag`` one of ``above_998,
        above_95, within, below_95, below_998``.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> f = funnel_data(make_synthetic_scores(seed=2, n_cuc=8, n_vu=8, years=(2023,)))
    >>> bool((f["lower998"] <= f["lower95"]).all() and (f["upper95"] <= f["upper998"]).all())
    True
    """
    if overdispersion not in _OVERDISPERSION:
        raise ValueError(f"The value for `overdispersion` must be one of {list(_OVERDISPERSION)}, "
                         f"but {overdispersion!r} was passed.")
    if not (0 <= winsor < 0.5):
        raise ValueError(f"`winsor` must be in [0, 0.5), but {winsor!r} was passed.")
    u = unit_sizes(scores, year=year, size=size)
    n = u["size"].to_numpy(float)
    y = u["index"].to_numpy(float) / 100
    target = u["points"].sum() / u["max_points"].sum()
    s = np.sqrt(target * (1 - target) / n) if 0 < target < 1 else np.full(len(n), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (y - target) / s
    phi, tau2 = 1.0, 0.0
    if np.isfinite(z).all() and len(z) >= 2:
        lo_q, hi_q = np.quantile(z, [winsor, 1 - winsor])
        zw = np.clip(z, lo_q, hi_q)
        phi = float(np.mean(zw**2))
        w = 1 / s**2
        k = len(z)
        denom = w.sum() - (w**2).sum() / w.sum()
        tau2 = float(max(0.0, (k * phi - (k - 1)) / denom)) if denom > 0 else 0.0
    if overdispersion == "multiplicative":
        tau2_used, phi_used = 0.0, phi
        z_adj = z / np.sqrt(phi)
    elif overdispersion == "additive":
        tau2_used, phi_used = tau2, 1.0
        z_adj = (y - target) / np.sqrt(s**2 + tau2)
    else:
        tau2_used, phi_used = 0.0, 1.0
        z_adj = z
    keep = ["year", "unit_id"] + [c for c in ("unit_name", "unit_type") if c in u.columns]
    out = u[keep + ["size", "group", "index"]].copy()
    out["target"] = 100 * target
    out["z"] = z
    out["z_adjusted"] = z_adj
    for name, zz in (("95", _Z95), ("998", _Z998)):
        hw = _funnel_half_width(n, target, phi_used, tau2_used, overdispersion, zz)
        out[f"lower{name}"] = np.clip(100 * (target - hw), 0, 100)
        out[f"upper{name}"] = np.clip(100 * (target + hw), 0, 100)
    idx = out["index"].to_numpy()
    flag = np.select(
        [idx > out["upper998"], idx > out["upper95"], idx < out["lower998"], idx < out["lower95"]],
        ["above_998", "above_95", "below_998", "below_95"], default="within")
    out["flag"] = flag
    out["phi"] = phi
    out["tau2"] = tau2
    out["overdispersion"] = overdispersion
    return out


def funnel_limits(funnel: pd.DataFrame, *, points: int = 200) -> pd.DataFrame:
    """The funnel's control limits on a grid of sizes (for drawing smooth lines).

    Parameters
    ----------
    funnel : output of :func:`funnel_data`.
    points : grid points between the smallest and largest size (a little beyond).

    Returns
    -------
    DataFrame
        ``size, target, lower95, upper95, lower998, upper998`` (index units).

    Examples
    --------
    >>> f = pd.DataFrame({"size": [10.0, 40.0], "target": 80.0, "phi": 1.0, "tau2": 0.0,
    ...                   "overdispersion": "multiplicative"})
    >>> g = funnel_limits(f, points=3)
    >>> round(float(g["upper95"].iloc[-1]), 2)   # 80 + 1.96·√(0.8·0.2/44)·100
    91.82
    """
    if points < 2:
        raise ValueError(f"`points` must be at least 2, but {points!r} was passed.")
    target = float(funnel["target"].iloc[0]) / 100
    phi = float(funnel["phi"].iloc[0])
    tau2 = float(funnel["tau2"].iloc[0])
    method = str(funnel["overdispersion"].iloc[0])
    lo, hi = float(funnel["size"].min()), float(funnel["size"].max())
    n = np.linspace(max(lo * 0.9, 1e-9), hi * 1.1, points)
    out = pd.DataFrame({"size": n, "target": 100 * target})
    for name, zz in (("95", _Z95), ("998", _Z998)):
        hw = _funnel_half_width(n, target, phi, tau2, method, zz)
        out[f"lower{name}"] = np.clip(100 * (target - hw), 0, 100)
        out[f"upper{name}"] = np.clip(100 * (target + hw), 0, 100)
    return out


# ---------------------------------------------------------------------------------------
# ranking before and after adjustment, verdict
# ---------------------------------------------------------------------------------------
def adjusted_ranking(scores: pd.DataFrame, *, year=None, size: str = "max_points") -> pd.DataFrame:
    """The ranking of one year before and after adjustment (standardised and shrunk).

    Returns
    -------
    DataFrame
        One row per unit, sorted by the raw rank: ``year, unit_id, [unit_name,
        unit_type], size, group, index, rank, index_adjusted, rank_adjusted,
        rank_change, index_shrunk, rank_shrunk`` (rank 1 = best, competition
        ranking; ``rank_change = rank − rank_adjusted``, positive = the unit moves up
        once its criteria mix is taken into account).

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> r = adjusted_ranking(make_synthetic_scores(seed=2, n_cuc=6, n_vu=6, years=(2023,)))
    >>> int(r["rank"].iloc[0]), int(r["rank_change"].sum() == 0) in (0, 1)
    (1, True)
    """
    u = unit_sizes(scores, year=year, size=size)
    year = u["year"].iloc[0]
    sh = shrunk_index(scores[scores["year"] == year])[["unit_id", "index_shrunk"]]
    u = u.merge(sh, on="unit_id", how="left")
    keep = ["year", "unit_id"] + [c for c in ("unit_name", "unit_type") if c in u.columns]
    out = u[keep + ["size", "group", "index", "index_adjusted", "index_shrunk"]].copy()
    out["rank"] = rank_units(out, score="index")["rank"]
    out["rank_adjusted"] = rank_units(out, score="index_adjusted")["rank"]
    out["rank_shrunk"] = rank_units(out, score="index_shrunk")["rank"]
    out["rank_change"] = out["rank"] - out["rank_adjusted"]
    cols = keep + ["size", "group", "index", "rank", "index_adjusted", "rank_adjusted",
                   "rank_change", "index_shrunk", "rank_shrunk"]
    return out[cols].sort_values(["rank", "unit_id"], kind="stable").reset_index(drop=True)


def bias_verdict(results: pd.DataFrame, *, lang: str = "vi", decomposition: pd.DataFrame | None = None,
                 synthetic: bool = False) -> str:
    """A plain-language verdict from :func:`few_task_bias` (and the decomposition).

    Parameters
    ----------
    results : output of :func:`few_task_bias`.
    lang : ``"vi"`` or ``"en"``.
    decomposition : optional output of :func:`bias_decomposition` (adds how much of
        the gap is composition).
    synthetic : say that the data are synthetic.

    Returns
    -------
    str
        A few sentences (Markdown): the answer, the mechanism, the Wainer check and
        the advice.

    Examples
    --------
    >>> res = pd.DataFrame({"test": ["association", "top_concentration", "bottom_concentration",
    ...                              "association_adjusted", "dispersion"],
    ...                     "reject": [False] * 5, "effect_size": [0.05, 1.0, 1.0, 0.0, 1.0],
    ...                     "p_val": [0.7, 0.5, 0.5, 0.9, 0.6], "year": 2023, "n": 30})
    >>> print(bias_verdict(res, lang="en"))  # doctest: +ELLIPSIS
    **Verdict (2023, 30 units).** No evidence that units with few applicable tasks score differently...
    """
    check_lang(lang)
    vi = lang == "vi"
    r = results.set_index("test")
    year = int(results["year"].iloc[0])
    n = int(results["n"].iloc[0])
    prim = r.loc["association"]
    rho, p = float(prim["effect_size"]), float(prim["p_val"])
    stat = f"ρ = {_num(rho, lang)}, {_pval(p, lang)}"
    parts = []
    head = (f"**Kết luận (năm {year}, {n} đơn vị).** " if vi else f"**Verdict ({year}, {n} units).** ")
    if synthetic:
        head += ("_Dữ liệu tổng hợp (giả lập), chỉ để minh họa._ " if vi
                 else "_Synthetic data, for illustration only._ ")
    favoured = bool(prim["reject"]) and rho < 0
    if not np.isfinite(p):
        return head + ("Không kiểm định được: các đơn vị có cùng quy mô nhiệm vụ hoặc quá ít đơn vị." if vi else
                       "Cannot be tested: the units have the same task size, or there are too few units.")
    if not prim["reject"]:
        parts.append("Không có bằng chứng cho thấy đơn vị ít nhiệm vụ phát sinh được điểm khác biệt "
                     f"({stat})." if vi else
                     f"No evidence that units with few applicable tasks score differently ({stat}).")
    elif favoured:
        parts.append(f"Có: đơn vị ít nhiệm vụ phát sinh đạt chỉ số cao hơn đơn vị nhiều nhiệm vụ ({stat})."
                     if vi else
                     f"Yes: units with few applicable tasks score higher than busy units ({stat}).")
    else:
        parts.append(f"Ngược lại: đơn vị nhiều nhiệm vụ đạt chỉ số cao hơn ({stat})." if vi else
                     f"The reverse: busy units score higher ({stat}).")
    gap = np.nan
    if decomposition is not None and len(decomposition):
        gap = float(decomposition.set_index("part").loc["index", "difference"])
    if np.isfinite(gap):
        d = decomposition.set_index("part")
        comp = float(d.loc["composition", "difference"])
        rem = float(d.loc["remainder", "difference"])
        share = comp / gap if gap != 0 else np.nan
        pct = _num(100 * share, lang, 0) + " %" if np.isfinite(share) else "—"
        parts.append(
            f"Chênh lệch trung bình giữa nhóm ít và nhóm nhiều nhiệm vụ là {_num(gap, lang, 1)} điểm %: "
            f"{_num(comp, lang, 1)} điểm ({pct}) do cơ cấu tiêu chí (tiêu chí của đơn vị ít nhiệm vụ dễ đạt "
            f"hơn ở mức trung bình) và {_num(rem, lang, 1)} điểm còn lại khi so trên cùng tiêu chí." if vi else
            f"The mean gap between few-task and busy units is {_num(gap, lang, 1)} index points: "
            f"{_num(comp, lang, 1)} ({pct}) from the criteria mix (the criteria of few-task units are "
            f"easier on average) and {_num(rem, lang, 1)} left when compared on the same criteria.")
    if "association_adjusted" in r.index and prim["reject"]:
        adj = r.loc["association_adjusted"]
        rho_a, p_a = float(adj["effect_size"]), float(adj["p_val"])
        if not adj["reject"]:
            parts.append(f"Sau khi chuẩn hóa theo cơ cấu tiêu chí, mối liên hệ yếu đi (ρ từ {_num(rho, lang)} còn "
                         f"{_num(rho_a, lang)}) và không còn rõ ({_pval(p_a, lang)})." if vi else
                         f"After standardising for the criteria mix the association weakens (ρ from "
                         f"{_num(rho, lang)} to {_num(rho_a, lang)}) and is no longer clear ({_pval(p_a, lang)}).")
        else:
            parts.append(f"Mối liên hệ vẫn còn rõ sau khi chuẩn hóa theo cơ cấu tiêu chí (ρ = {_num(rho_a, lang)}, "
                         f"{_pval(p_a, lang)}): cơ cấu tiêu chí không giải thích hết." if vi else
                         f"The association remains clear after standardising for the criteria mix "
                         f"(ρ = {_num(rho_a, lang)}, {_pval(p_a, lang)}): the criteria mix does not explain it all.")
    top = bool(r.loc["top_concentration", "reject"]) if "top_concentration" in r.index else False
    bot = bool(r.loc["bottom_concentration", "reject"]) if "bottom_concentration" in r.index else False
    if top and bot:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở cả đầu và cuối bảng xếp hạng: dấu hiệu của biến động "
                     "do quy mô nhỏ (Wainer), không phải chất lượng." if vi else
                     "Few-task units crowd both the top and the bottom of the ranking: the mark of "
                     "small-number variability (Wainer), not quality.")
    elif top:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở đầu bảng (không ở cuối bảng): lợi thế thật, "
                     "không phải do ngẫu nhiên." if vi else
                     "Few-task units crowd the top of the ranking but not the bottom: a real "
                     "advantage, not chance.")
    elif bot:
        parts.append("Đơn vị ít nhiệm vụ tập trung ở cuối bảng xếp hạng." if vi else
                     "Few-task units crowd the bottom of the ranking.")
    else:
        parts.append("Đơn vị ít nhiệm vụ không tập trung bất thường ở đầu hay cuối bảng xếp hạng." if vi
                     else "Few-task units are not unusually concentrated at the top or the bottom.")
    if "dispersion" in r.index and r.loc["dispersion", "reject"] and r.loc["dispersion", "effect_size"] > 1:
        parts.append("Chỉ số của đơn vị ít nhiệm vụ phân tán hơn: thứ hạng của chúng kém tin cậy." if vi else
                     "The indices of few-task units are more spread out: their ranks are less reliable.")
    if favoured:
        parts.append("Khuyến nghị: công bố kèm chỉ số đã chuẩn hóa theo cơ cấu tiêu chí (hoặc xếp hạng theo "
                     "nhóm đơn vị tương đồng) bên cạnh chỉ số gốc." if vi else
                     "Advice: publish the standardised index (or rank within peer groups) next to the raw "
                     "index.")
    return head + " ".join(parts)
