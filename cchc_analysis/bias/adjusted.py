"""Adjusted indices of the few-task audit: standardised (case mix), shrunk (small units),
the unit table of one year with its size groups, and the ranking before and after."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ranking import rank_units

__all__ = ["standardised_index", "shrunk_index", "unit_sizes", "adjusted_ranking"]

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
_METHODS = ("ml", "moments")
_PRIOR_BY = (None, "unit_type", "log_max")
#: floor of the intra-unit correlation ρ = 1/(α₀ + β₀ + 1): a prior at the floor is degenerate
RHO_FLOOR = 1e-6

_MSG_DEGENERATE = {
    "vi": ("Năm {year}: chỉ số giữa các đơn vị không phân tán hơn mức nhiễu ngẫu nhiên, nên chỉ số co về trung bình "
           "không phân biệt được các đơn vị: mọi đơn vị nhận cùng giá trị (đồng hạng)."),
    "en": ("Year {year}: the units' rates spread no more than chance, so the shrunk index cannot tell the units "
           "apart: every unit gets the same value (tied ranks)."),
}


def _prior_design(base: pd.DataFrame, pos: np.ndarray, prior_by) -> np.ndarray:
    """Design matrix of the prior mean's logit (intercept, then unit type or log M)."""
    n = len(pos)
    cols = [np.ones(n)]
    if prior_by == "log_max":
        lm = np.log(base["max_points"].to_numpy(float)[pos])
        if np.ptp(lm) > 0:
            cols.append((lm - lm.mean()) / lm.std())
    elif prior_by == "unit_type":
        if "unit_type" not in base.columns:
            raise ValueError("prior_by='unit_type' needs a `unit_type` column in the scores.")
        t = base["unit_type"].astype(str).to_numpy()[pos]
        for v in sorted(set(t))[1:]:
            cols.append((t == v).astype(float))
    return np.column_stack(cols)


def _beta_prior_ml(a: np.ndarray, n: np.ndarray, X: np.ndarray, *, rho_floor: float = RHO_FLOOR):
    """Beta-binomial maximum likelihood: prior mean ``expit(X β)`` per unit, common strength
    ``s = α₀ + β₀``, with ``ρ = 1/(s + 1) ≥ rho_floor``. Returns ``(mu, s, rho, at_floor)``.

    The log-likelihood ``Σ lnB(aᵢ + μᵢ s, nᵢ − aᵢ + (1 − μᵢ) s) − lnB(μᵢ s, (1 − μᵢ) s)`` is
    that of the effective trials (gamma functions, so fractional points are allowed).
    """
    from scipy.optimize import minimize
    from scipy.special import betaln, digamma, expit

    a = a.astype(float)
    n = n.astype(float)
    s_max = 1.0 / rho_floor - 1.0
    p0 = np.clip(a.sum() / n.sum(), 1e-6, 1 - 1e-6)
    b0 = np.zeros(X.shape[1])
    b0[0] = np.log(p0 / (1 - p0))

    def nll(theta, grad=False):
        b, ls = theta[:-1], theta[-1]
        sv = np.exp(ls)
        mu = np.clip(expit(X @ b), 1e-12, 1 - 1e-12)
        al, be = mu * sv, (1 - mu) * sv
        f = -float(np.sum(betaln(a + al, n - a + be) - betaln(al, be)))
        if not grad:
            return f
        common = digamma(sv) - digamma(n + sv)
        ga = digamma(a + al) - digamma(al) + common          # d ll / d alpha
        gb = digamma(n - a + be) - digamma(be) + common      # d ll / d beta
        g_b = X.T @ ((ga - gb) * sv * mu * (1 - mu))
        g_ls = float(np.sum(ga * al + gb * be))
        return f, -np.append(g_b, g_ls)

    lo_ls, hi_ls = np.log(1e-3), np.log(s_max)

    def nll_box(theta):  # log s kept inside its bounds (the likelihood is flat beyond s_max)
        th = theta.copy()
        th[-1] = np.clip(th[-1], lo_ls, hi_ls)
        f, g = nll(th, True)
        if theta[-1] > hi_ls or theta[-1] < lo_ls:
            g[-1] = 0.0
        return f, g

    best = minimize(nll_box, np.append(b0, np.log(10.0)), jac=True, method="BFGS", options={"gtol": 1e-6})
    best.x[-1] = np.clip(best.x[-1], lo_ls, hi_ls)
    best.fun = nll(best.x)
    b, sv = best.x[:-1], float(np.exp(best.x[-1]))
    # the likelihood is flat towards s -> inf when the rates spread no more than chance: a
    # fit within 1e-4 log-likelihood units of the floor's is the floor
    at_floor = bool(best.x[-1] >= np.log(s_max) - 1e-3
                    or nll(np.append(b, np.log(s_max))) - float(best.fun) <= 1e-4)
    if at_floor:
        sv = s_max
    return expit(X @ b), sv, 1.0 / (sv + 1.0), at_floor


def shrunk_index(scores: pd.DataFrame, *, trials: str = "points", method: str = "ml",
                 prior_by: str | None = None) -> pd.DataFrame:
    """Empirical-Bayes (beta-binomial) shrunk index: small units pulled toward the mean.

    Each unit-year's achievement rate ``p_i = O_i / M_i`` is treated as a binomial
    proportion out of ``n_i`` *effective trials*; the rates of the year get a prior
    ``Beta(μᵢ s, (1 − μᵢ) s)`` and the posterior mean is

        ``p̃_i = w_i p_i + (1 − w_i) μᵢ``,  ``w_i = n_i / (n_i + s)``.

    ``index_shrunk = 100 × p̃_i``. Units with few effective trials are pulled hardest
    toward their prior mean ``μᵢ``.

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table.
    trials : {"points", "criteria"}
        Effective trials ``n_i``: the applicable maximum points ``M_i`` (default) or the
        number of applicable criteria.
    method : {"ml", "moments"}
        How the prior is fitted: ``"ml"`` (default) beta-binomial maximum likelihood;
        ``"moments"`` Kleinman's weighted method of moments (the estimator before issue
        20; common prior only).
    prior_by : {None, "unit_type", "log_max"}
        What the prior mean may depend on (``"ml"`` only): nothing (one mean per year),
        the unit type (one mean per type), or ``log M_i`` (logit-linear): a common mean
        pulls genuinely better small units toward the busy units' mean.

    Returns
    -------
    DataFrame
        One row per unit and year: ``year, unit_id, [unit_name, unit_type],
        max_points, n_applicable, n_trials, index, index_shrunk, weight, prior_alpha,
        prior_beta, prior_mean, prior_degenerate`` (``prior_mean`` in index units,
        0..100). Units with no applicable criterion have NaN ``index``/``index_shrunk``/
        ``weight`` and do not enter the prior.

    Notes
    -----
    The prior's strength ``s = α₀ + β₀`` is bounded by ``ρ = 1/(s + 1) ≥ RHO_FLOOR``
    (10⁻⁶). When the estimate reaches that floor the rates spread no more than chance:
    the prior is **degenerate** (``prior_degenerate``), the data cannot tell the units
    apart, every unit gets its prior mean exactly (weight 0, so ranks by the shrunk index
    are ties rather than an order read from numerical residue) and a ``UserWarning`` says
    so in Vietnamese and English. Points are not Bernoulli trials, so ``n_i`` is an
    *effective* number of trials; the calibration study (``make calibrate``) checks that
    the shrunk index tracks the true ability. The moment estimator: ``μ̂ = Σ a_i / Σ n_i``,
    ``S = Σ n_i (p_i − μ̂)²``, ``ρ̂ = (S / (μ̂(1−μ̂)) − (I−1)) / (N − Σ n_i²/N − (I−1))``
    (the binomial analogue of DerSimonian–Laird).

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a"] * 2 + ["b"] * 8 + ["c"] * 8,
    ...     "criterion": [f"k{i}" for i in range(2)] + [f"k{i}" for i in range(8)] * 2,
    ...     "max_points": 1.0, "applicable": True,
    ...     "points": [1, 1] + [1, 1, 1, 1, 0, 1, 0, 1] + [0, 0, 0, 1, 0, 0, 1, 0.0]})
    >>> out = shrunk_index(scores, method="moments")
    >>> out[["unit_id", "index", "weight"]].round(3)
      unit_id  index  weight
    0       a  100.0   0.615
    1       b   75.0   0.865
    2       c   25.0   0.865
    >>> bool(((out["index_shrunk"] - out["index"]).abs() <= (out["prior_mean"] - out["index"]).abs()).all())
    True
    """
    import warnings

    if trials not in _TRIALS:
        raise ValueError(f"The value for `trials` must be one of {list(_TRIALS)}, but {trials!r} was passed.")
    if method not in _METHODS:
        raise ValueError(f"The value for `method` must be one of {list(_METHODS)}, but {method!r} was passed.")
    if prior_by not in _PRIOR_BY:
        raise ValueError(f"The value for `prior_by` must be one of {list(_PRIOR_BY)}, but {prior_by!r} was passed.")
    if prior_by is not None and method != "ml":
        raise ValueError("`prior_by` needs method='ml' (the moment estimator has one common prior).")
    base = standardised_index(scores)
    out = base.drop(columns=["expected_points", "expected_index", "oe_ratio", "index_adjusted", "points"])
    out = out.copy()
    n_all = (base["max_points"] if trials == "points" else base["n_applicable"]).to_numpy(dtype=float)
    out["n_trials"] = n_all
    cols = {c: np.full(len(out), np.nan) for c in ("index_shrunk", "weight", "prior_alpha", "prior_beta",
                                                   "prior_mean")}
    degenerate = np.zeros(len(out), bool)
    mx_all = base["max_points"].to_numpy(float)
    pts_all = base["points"].to_numpy(float)
    for yr, idx in base.groupby("year", sort=True).groups.items():
        pos = base.index.get_indexer(idx)
        ok = pos[mx_all[pos] > 0]
        if len(ok) == 0:
            continue
        p = pts_all[ok] / mx_all[ok]
        n = n_all[ok]
        if method == "moments":
            alpha0, beta0, mu, rho = _beta_prior_mom(n * p, n)
            mu = np.full(len(ok), mu)
            strength = alpha0 + beta0
            at_floor = rho <= RHO_FLOOR
        else:
            mu, strength, rho, at_floor = _beta_prior_ml(n * p, n, _prior_design(base, ok, prior_by))
            if len(ok) < 2:
                at_floor = True
        w = np.zeros(len(ok)) if at_floor else n / (n + strength)
        cols["weight"][ok] = w
        cols["index_shrunk"][ok] = 100.0 * (w * p + (1.0 - w) * mu)
        cols["prior_alpha"][ok] = mu * strength
        cols["prior_beta"][ok] = (1 - mu) * strength
        cols["prior_mean"][ok] = 100.0 * mu
        rest = np.setdiff1d(pos, ok)
        if len(rest) and prior_by is None:
            cols["prior_alpha"][rest], cols["prior_beta"][rest] = mu[0] * strength, (1 - mu[0]) * strength
            cols["prior_mean"][rest] = 100.0 * mu[0]
        if at_floor:
            degenerate[pos] = True
            warnings.warn(_MSG_DEGENERATE["vi"].format(year=yr) + " / " + _MSG_DEGENERATE["en"].format(year=yr),
                          UserWarning, stacklevel=2)
    for c, v in cols.items():
        out[c] = v
    out["prior_degenerate"] = degenerate
    return out


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
