"""How stable a within-group rank is: Monte Carlo intervals of the rank percentile."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._deprecation import renamed_keyword
from ..ranking import competition_rank
from ..resample import index_draws
from ..stats import histogram_quantile, rank_confidence_sets, rank_histogram, row_competition_ranks
from .league import _index_frame, _latest_year, _rank_one
from .schemes import Scheme

__all__ = ["peer_rank_intervals", "rank_intervals", "rank_sets"]


def _groups_of_many(groups: np.ndarray, out: np.ndarray):
    """``(columns, size)`` of each peer group of two or more; a unit alone in its group
    gets the rank percentile 0.5 in ``out`` (every row)."""
    for g in pd.unique(groups):
        cols = np.flatnonzero(groups == g)
        if len(cols) == 1:
            out[:, cols] = 0.5
        else:
            yield cols, len(cols)


def _group_rank_pct_draws(draws: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Within-group competition rank percentile of each column in every draw (row).

    Each draw is ranked by :func:`cchc_analysis.ranking.competition_rank` (the one rule:
    ties within ``TIE_DECIMALS`` share the best rank); ``(rank - 1) / (m - 1)`` in a
    group of ``m`` units, 0.5 in a group of one.
    """
    draws = np.asarray(draws, dtype=float)
    out = np.empty(draws.shape)
    for cols, m in _groups_of_many(groups, out):
        ranks = row_competition_ranks(draws[:, cols])
        out[:, cols] = (ranks - 1.0) / (m - 1.0)
    return out


def _group_rank_pct_quantiles(draws: np.ndarray, groups: np.ndarray, qs) -> np.ndarray:
    """``np.quantile(_group_rank_pct_draws(draws, groups), qs, axis=0)`` (``len(qs) × units``)
    from each group's rank histogram, without forming every draw's ranks."""
    draws = np.asarray(draws, dtype=float)
    out = np.empty((len(qs), draws.shape[1]))
    for cols, m in _groups_of_many(groups, out):
        if m > 6_000:  # the histogram would be too big: the draws' ranks
            out[:, cols] = np.quantile(_group_rank_pct_draws(draws[:, cols], np.zeros(m)), qs, axis=0)
            continue
        h = rank_histogram(draws[:, cols] if m < draws.shape[1] else draws)
        pct = (np.arange(1, m + 1) - 1.0) / (m - 1.0)
        for i, q in enumerate(qs):
            out[i, cols] = histogram_quantile(h, q, "linear", values=pct)
    return out


def _score_draws(idx: pd.DataFrame, draws: np.ndarray, score: str) -> np.ndarray:
    """The scheme's score in every draw: the index, or its affine adjustment held fixed."""
    if score == "index":
        return draws
    a = idx[f"_a_{score}"].to_numpy(dtype=float)
    b = idx[f"_b_{score}"].to_numpy(dtype=float)
    return draws * a + b


def _check_mc(n_draws, n_trials, confidence):
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 10:
        raise ValueError(f"`n_draws` must be an integer of at least 10, but {n_draws!r} was passed.")
    if not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"`n_trials` must be a positive integer, but {n_trials!r} was passed.")
    if not 0 < confidence < 1:
        raise ValueError(f"`confidence` must lie strictly between 0 and 1, but {confidence!r} was passed.")


def peer_rank_intervals(
    scores: pd.DataFrame,
    scheme: Scheme,
    *,
    year=None,
    n_draws: int = 2_000,
    n_trials: int = 4,
    confidence: float = 0.95,
    seed: int = 0,
    level: float | None = None,
) -> pd.DataFrame:
    """Monte Carlo intervals of each unit's within-group rank percentile under ``scheme``.

    Each applicable criterion's achievement ``p = points / max_points`` is resampled as
    ``max_points * Binomial(n_trials, p) / n_trials``; the index (and the scheme's score,
    its adjustment held fixed) is recomputed per draw and units re-ranked within their
    groups (held fixed). Deterministic for a given ``seed``. (Not the same question as
    :func:`cchc_analysis.trends.rank_intervals`, which gives intervals of the overall
    rank from a model of both components.)

    Parameters
    ----------
    scores : canonical scores table.
    scheme : Scheme.
    year : int or None (the latest year).
    n_draws : number of draws.
    n_trials : effective Binomial trials per criterion (4 = scored in quarters).
    confidence : coverage of the interval (0.95: the 2.5 % and 97.5 % quantiles).
    seed : seed of ``numpy.random.default_rng``.
    level : deprecated name of ``confidence`` (``FutureWarning``).

    Returns
    -------
    DataFrame
        ``year, unit_id, scheme, peer_group, rank_pct, rank_pct_low, rank_pct_high, width``.

    Examples
    --------
    >>> from cchc_analysis.peers import single_league
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "a", "b", "b", "c", "c"],
    ...     "field": "1", "criterion": ["1.1", "1.2"] * 3, "component": "appraisal",
    ...     "max_points": 1.0, "points": [1.0, 1.0, 0.75, 0.5, 0.5, 0.5], "applicable": True})
    >>> r = peer_rank_intervals(scores, single_league(), n_draws=200)
    >>> r[["unit_id", "rank_pct", "rank_pct_low", "rank_pct_high"]]
      unit_id  rank_pct  rank_pct_low  rank_pct_high
    0       a       0.0           0.0            0.0
    1       b       0.5           0.0            1.0
    2       c       1.0           0.5            1.0
    """
    confidence = renamed_keyword(confidence, level, new="confidence", old="level",
                                 func="peer_rank_intervals", default=0.95)
    _check_mc(n_draws, n_trials, confidence)
    y = _latest_year(scores, year)
    idx = _index_frame(scores, [scheme.score], [y])
    idx["score"] = idx[scheme.score]
    idx = idx[idx["score"].notna()].reset_index(drop=True)
    ranked = _rank_one(idx, scheme)
    draws = index_draws(scores, idx["unit_id"].to_numpy(), year=y, n_draws=n_draws, n_trials=n_trials,
                        survey="binomial", seed=seed)
    groups = ranked["peer_group"].to_numpy()
    a = (1.0 - confidence) / 2.0
    lo, hi = _group_rank_pct_quantiles(_score_draws(idx, draws, scheme.score), groups, [a, 1.0 - a])
    out = pd.DataFrame({
        "year": y, "unit_id": idx["unit_id"].to_numpy(), "scheme": scheme.name, "peer_group": groups,
        "rank_pct": ranked["rank_pct"].to_numpy(dtype=float), "rank_pct_low": lo, "rank_pct_high": hi,
    })
    out["width"] = out["rank_pct_high"] - out["rank_pct_low"]
    return out


def rank_intervals(*args, **kwargs) -> pd.DataFrame:
    """Deprecated name of :func:`peer_rank_intervals` (``FutureWarning``; removed next release)."""
    warnings.warn(
        "cchc_analysis.peers.rank_intervals() is deprecated and will be removed in the next release; "
        "use peers.peer_rank_intervals() (trends.rank_intervals is a different analysis).",
        FutureWarning,
        stacklevel=2,
    )
    return peer_rank_intervals(*args, **kwargs)


def rank_sets(
    scores: pd.DataFrame,
    *,
    year=None,
    confidence: float = 0.95,
    n_draws: int = 2_000,
    trials=None,
    tau: int = 3,
    jeffreys: bool = True,
    seed: int = 0,
    basis: str = "index",
) -> pd.DataFrame:
    """Confidence sets for each unit's rank in the single league (Mogstad et al. 2024).

    The headline is the **marginal** set: it covers the unit's true rank (its rank by
    the index it would get without scoring noise) with probability at least
    ``confidence``. The **simultaneous** sets cover every unit's rank at once; the
    **τ-best** set lists the units that may be in the top ``tau``
    (:func:`cchc_analysis.stats.rank_confidence_sets`, with its step-down pass, as csranks:
    2–8 % narrower than the single-step sets in the coverage benchmark, coverage kept).

    The noise model is the criterion bootstrap of :mod:`cchc_analysis.resample` with two
    changes that the coverage benchmark (``python -m bench coverage``) asks for: each
    criterion has its own trials, from its scoring step (an all-or-nothing criterion is
    one trial, one scored in quarter points four; detected from the points seen, or
    given: ``trials`` = an int or a dict ``criterion -> int``), and rates are
    Jeffreys-smoothed (``(k + ½)/(m + 1)``, the Beta(k + ½, m − k + ½) mean), so criteria
    at 0 % or 100 % carry uncertainty. Survey criteria are drawn like appraisal ones.

    Parameters
    ----------
    scores : canonical scores table.
    year : int or None (the latest year).
    confidence : coverage of the sets.
    n_draws : bootstrap draws.
    trials : trials per criterion (None: detected).
    tau : size of the top for ``in_tau_best``.
    jeffreys : smooth the rates (default True).
    seed : seed of ``numpy.random.default_rng``.
    basis : ``"index"`` (default: ranks by the index, criterion bootstrap) or ``"model"``:
        ranks by ability, the two-way model's adjusted index
        (:func:`cchc_analysis.bias.model_index`), from normal draws of each unit's ability
        around its estimate with its standard error (the criterion eases held at their
        estimates); ``index`` then holds the model-adjusted index.

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], max_points, index, rank, rank_lo,
        rank_hi`` (marginal set), ``simul_lo, simul_hi, in_tau_best, tau, confidence``,
        sorted by rank; ``attrs["c"]`` the simultaneous critical value.

    Examples
    --------
    >>> sc = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"), "criterion": ["x", "y"] * 3,
    ...                    "max_points": 4.0, "points": [4, 4, 4, 1, 0, 1.0], "applicable": True})
    >>> r = rank_sets(sc, n_draws=400, tau=1)
    >>> r[["unit_id", "rank", "rank_lo", "rank_hi"]].values.tolist()
    [['a', 1, 1, 2], ['b', 2, 1, 3], ['c', 3, 2, 3]]
    """
    from ..bias.twoway import row_trials

    _check_mc(n_draws, 1, confidence)
    if basis not in ("index", "model"):
        raise ValueError(f"The value for `basis` must be one of ['index', 'model'], but {basis!r} was passed.")
    y = _latest_year(scores, year)
    idx = _index_frame(scores, ["index"], [y])
    idx = idx[idx["index"].notna()].sort_values("unit_id").reset_index(drop=True)
    if len(idx) < 2:
        raise ValueError(f"At least 2 units with an index are needed for rank sets; year {y} has {len(idx)}.")
    sc = scores[(scores["year"] == y).to_numpy()]
    app = sc["applicable"].to_numpy(bool) & (sc["max_points"].to_numpy(float) > 0)
    t = np.ones(len(sc))
    t[app] = row_trials(sc["criterion"].to_numpy()[app], sc["points"].to_numpy(float)[app],
                        sc["max_points"].to_numpy(float)[app], trials=trials)
    ids = idx["unit_id"].astype(str).to_numpy()
    if basis == "model":
        from scipy.special import expit

        from ..bias.twoway import fit_twoway

        fit = fit_twoway(scores, year=y, trials=trials)
        fr = fit.frame().set_index("unit_id")
        idx = idx[idx["unit_id"].astype(str).isin(fr.index)].reset_index(drop=True)
        ids = idx["unit_id"].astype(str).to_numpy()
        pos = pd.Index(fit.unit_ids).get_indexer(ids)
        a, se = fit.ability[pos], fit.ability_se[pos]
        w = fit.weight / fit.weight.sum()
        rng = np.random.default_rng(seed)
        draws = np.empty((n_draws, len(ids)))
        step = max(1, 4_000_000 // max(1, len(ids) * len(w)))
        for s0 in range(0, n_draws, step):
            d = min(step, n_draws - s0)
            ad = a[None, :] + se[None, :] * rng.standard_normal((d, len(ids)))
            draws[s0:s0 + d] = 100.0 * expit(ad[:, :, None] + fit.ease[None, None, :]) @ w
        idx["index"] = fr.loc[ids, "index_model"].to_numpy(float)
    else:
        draws = index_draws(sc, ids, n_draws=n_draws, n_trials=t, survey="binomial", seed=seed, jeffreys=jeffreys)
    est = idx["index"].to_numpy(float)
    r = rank_confidence_sets(draws, est, confidence, tau=int(min(max(tau, 1), len(est))))
    keep = [c for c in ("year", "unit_id", "unit_name", "unit_type", "max_points", "index") if c in idx.columns]
    out = idx[keep].copy()
    out["rank"] = competition_rank(est).astype(int)
    out["rank_lo"], out["rank_hi"] = r["lo"], r["hi"]
    out["simul_lo"], out["simul_hi"] = r["simul_lo"], r["simul_hi"]
    out["in_tau_best"] = r["tau_best"]
    out["tau"] = int(tau)
    out["confidence"] = float(confidence)
    out = out.sort_values(["rank", "unit_id"], kind="stable").reset_index(drop=True)
    out.attrs["c"] = r["c_simul"]
    return out
