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
    calibration study (``python -m cchc_analysis.bias.calibration``) checks that the shrunk
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
