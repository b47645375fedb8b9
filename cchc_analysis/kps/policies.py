"""Ranking under other rules for criteria that do not arise."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..ranking import competition_rank
from ..resample import index_draws
from ._frame import check_scores, pick_year

__all__ = ["POLICIES", "ranking_policies", "policy_summary"]

#: The policies, in the order tables show them. ``drop`` is the official rule.
POLICIES = ("drop", "full_points", "zero", "own_rate", "peer_rate", "published_rounding", "rank_bands")
_ALL = POLICIES


def _p_better(s, units, u, app, mx, pts, M, official, *, n_draws, seed, n_trials, exact_max_units):
    """Matrix ``B[i, j] = P(unit i's index > unit j's)`` under the criterion-level model."""
    from scipy.special import ndtr  # normal CDF; scipy only when bands are asked for

    n = len(units)
    if n <= exact_max_units:
        draws = index_draws(s, units, n_draws=n_draws, n_trials=n_trials, survey="binomial", seed=seed)
        out = np.zeros((n, n))
        for i in range(n):  # one row at a time: memory n × draws
            out[i] = (draws[:, [i]] > draws).mean(axis=0)
        return out
    # exact moments of the binomial model: Var(points*) = M² r (1 − r) / n_trials per criterion
    r = np.where(app, pts / mx, 0.0)
    var = np.bincount(u, np.where(app, mx ** 2 * r * (1 - r) / n_trials, 0.0), n)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.where(M > 0, 100 * np.sqrt(var) / np.where(M > 0, M, 1), np.nan)
    mu = official
    out = np.empty((n, n))
    for start in range(0, n, 512):
        sl = slice(start, start + 512)
        with np.errstate(invalid="ignore", divide="ignore"):
            den = np.sqrt(sd[sl, None] ** 2 + sd[None, :] ** 2)
            z = (mu[sl, None] - mu[None, :]) / den
        blk = ndtr(z)
        blk = np.where(den > 0, blk, (mu[sl, None] > mu[None, :]).astype(float))
        out[sl] = blk
    np.fill_diagonal(out, 0.0)
    return out


def _half_up(x: np.ndarray, decimals: int = 2) -> np.ndarray:
    """Round half away from zero, as published tables are rounded (89.955 -> 89.96)."""
    f = 10.0 ** decimals
    return np.sign(x) * np.floor(np.abs(x) * f + 0.5 + 1e-9) / f


def ranking_policies(scores: pd.DataFrame, *, year=None, policies=POLICIES, by: str = "unit_type",
                     band_probability: float = 0.9, n_draws: int = 2_000, seed: int = 0,
                     n_trials: int = 4, exact_max_units: int = 400) -> pd.DataFrame:
    """Index and rank of every unit under the official rule and alternative rules.

    Parameters
    ----------
    scores : canonical scores table.
    year : the year (default: the latest).
    policies : any of

        ``drop``
            the official rule: a criterion that does not arise leaves both points and
            maximum (reproduces :func:`cchc_analysis.applicable_index`);
        ``full_points``
            it counts as achieved in full (points and maximum both include it);
        ``zero``
            it counts as not achieved (maximum includes it, points do not);
        ``own_rate``
            it is imputed at the unit's own achievement rate in the same field (the
            unit's overall rate when nothing in that field arises for it);
        ``peer_rate``
            it is imputed at the mean achievement rate on that criterion of the units of
            the same ``by`` group that have it (``own_rate`` when none has it);
        ``published_rounding``
            the official rule with indices rounded half-up to 2 decimals before ranking,
            as the published tables are (more ties);
        ``rank_bands``
            unit *i* is placed above *j* only when P(i better than j) ≥
            ``band_probability``; rank = 1 + the number of units surely better (units
            that cannot be told apart share a band). P comes from the one Monte Carlo
            engine (:func:`cchc_analysis.resample.index_draws`, ``n_draws`` draws, pairs
            compared draw by draw) for up to ``exact_max_units`` units; above that from
            the same model's exact moments with a normal approximation,
            ``P = Φ((μ_i − μ_j) / √(σ_i² + σ_j²))`` (units are independent in the model;
            a pairwise comparison of every draw would cost units² × draws).
    by : group used by ``peer_rate``.

    Returns
    -------
    DataFrame
        One row per unit × policy: ``year, unit_id, unit_name, unit_type, policy, points,
        max_points, index, rank, official_rank, rank_change, applicable_max``;
        ``rank_change = official_rank − rank`` (positive: better placed under the policy).

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"), "unit_type": "vu",
    ...     "field": "1", "criterion": ["1.1", "1.2"] * 3, "max_points": [4.0, 1.0] * 3,
    ...     "points": [3.0, np.nan, 3.0, 1.0, 2.0, 0.5],
    ...     "applicable": [True, False, True, True, True, True]})
    >>> t = ranking_policies(s, policies=("drop", "full_points", "zero", "peer_rate"))
    >>> t.pivot(index="unit_id", columns="policy", values="index").round(2)
    policy    drop  full_points  peer_rate  zero
    unit_id
    a         75.0         80.0       75.0  60.0
    b         80.0         80.0       80.0  80.0
    c         50.0         50.0       50.0  50.0
    """
    check_scores(scores)
    unknown = [p for p in policies if p not in _ALL]
    if unknown:
        raise ValueError(f"unknown policy {unknown}; choose from {list(_ALL)}.")
    year = pick_year(scores, year)
    s = scores[scores["year"] == year]
    units, u = np.unique(s["unit_id"].to_numpy(), return_inverse=True)
    n = len(units)
    app = s["applicable"].to_numpy(bool)
    mx = s["max_points"].to_numpy(float)
    pts = np.where(app, s["points"].to_numpy(float), 0.0)
    kps_max = np.where(app, 0.0, mx)
    P = np.bincount(u, pts, n)
    M = np.bincount(u, np.where(app, mx, 0.0), n)
    K = np.bincount(u, kps_max, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        own_all = P / M
        # own rate in the field
        if "field" in s.columns:
            fcodes, f = np.unique(s["field"].astype(str).to_numpy(), return_inverse=True)
            uf = u * len(fcodes) + f
            Pf = np.bincount(uf, pts, n * len(fcodes))
            Mf = np.bincount(uf, np.where(app, mx, 0.0), n * len(fcodes))
            rf = Pf / Mf
            own_field = np.where(Mf[uf] > 0, rf[uf], own_all[u])
        else:
            own_field = own_all[u]
        own_field = np.where(np.isnan(own_field), 0.0, own_field)
        # peer rate on the criterion within the group
        grp = s[by].astype(str).to_numpy() if by in s.columns else np.zeros(len(s), dtype=str)
        key = pd.factorize(pd.Series(grp) + "\x1f" + s["criterion"].astype(str).to_numpy())[0]
        rate = np.where(app, pts / mx, 0.0)
        rs = np.bincount(key, rate)
        rn = np.bincount(key, app.astype(float))
        peer = np.where(rn[key] > 0, rs[key] / np.where(rn[key] > 0, rn[key], 1.0), own_field)
    base = {
        "drop": (P, M),
        "full_points": (P + K, M + K),
        "zero": (P, M + K),
        "own_rate": (P + np.bincount(u, np.where(app, 0.0, mx * own_field), n), M + K),
        "peer_rate": (P + np.bincount(u, np.where(app, 0.0, mx * peer), n), M + K),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        official = np.where(M > 0, 100 * P / np.where(M > 0, M, 1), np.nan)
    official_rank = competition_rank(official)
    first = np.unique(u, return_index=True)[1]
    names = s["unit_name"].to_numpy()[first] if "unit_name" in s else units
    types = s["unit_type"].to_numpy()[first] if "unit_type" in s else np.full(n, None)
    rows = []
    for pol in policies:
        if pol in base:
            p, m = base[pol]
            with np.errstate(invalid="ignore", divide="ignore"):
                idx = np.where(m > 0, 100 * p / np.where(m > 0, m, 1), np.nan)
            rank = competition_rank(idx)
        elif pol == "published_rounding":
            p, m = P, M
            idx = _half_up(official)
            rank = competition_rank(idx)
        else:  # rank_bands
            p, m = P, M
            idx = official
            better = _p_better(s, units, u, app, mx, pts, M, official, n_draws=n_draws, seed=seed,
                               n_trials=n_trials, exact_max_units=exact_max_units)
            rank = 1.0 + (better >= band_probability).sum(axis=0)  # column i: units surely above i
        rows.append(pd.DataFrame({
            "year": year, "unit_id": units, "unit_name": names, "unit_type": types, "policy": pol,
            "points": p, "max_points": m, "index": idx, "rank": rank.astype(float),
            "official_rank": official_rank, "applicable_max": M,
        }))
    out = pd.concat(rows, ignore_index=True)
    out["rank"] = out["rank"].round().astype("Int64")
    out["official_rank"] = out["official_rank"].round().astype("Int64")
    out["rank_change"] = (out["official_rank"] - out["rank"]).astype("Int64")
    return out


def policy_summary(table: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
    """One row per policy: how far its ranking is from the official one, who moves most,
    and whether the few-task association changes.

    Returns
    -------
    DataFrame
        ``policy, tau_vs_official`` (τ-b of the policy's ranks with the official ranks),
        ``max_move`` (largest |rank change|), ``n_moved``, ``movers`` (the ``top`` unit
        names that move most, with the signed change), ``spearman_size`` (Spearman ρ of
        the policy's index with the official applicable maximum: negative = units with
        few arising tasks rank higher), ``spearman_official``, ``sign_change`` (the sign
        of ρ differs from the official one).

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"), "unit_type": "vu",
    ...     "field": "1", "criterion": ["1.1", "1.2"] * 3, "max_points": [4.0, 1.0] * 3,
    ...     "points": [3.0, np.nan, 3.0, 1.0, 2.0, 0.5],
    ...     "applicable": [True, False, True, True, True, True]})
    >>> policy_summary(ranking_policies(s))[["policy", "tau_vs_official", "max_move"]]
                   policy  tau_vs_official  max_move
    0                drop         1.000000         0
    1         full_points         0.816497         1
    2                zero         1.000000         0
    3            own_rate         1.000000         0
    4           peer_rate         1.000000         0
    5  published_rounding         1.000000         0
    6          rank_bands              NaN         2

    (three units this close cannot be told apart: all share band 1, so τ is undefined.)
    """
    need = {"policy", "unit_id", "rank", "official_rank", "index", "applicable_max"}
    missing = need - set(table.columns)
    if missing:
        raise ValueError(f"`table` lacks {sorted(missing)}; pass the result of ranking_policies.")
    off = table[table["policy"] == table["policy"].iloc[0]]
    rows = []
    rho_off = np.nan
    for pol, t in table.groupby("policy", sort=False):
        r = t["rank"].to_numpy(float)
        o = t["official_rank"].to_numpy(float)
        ok = ~(np.isnan(r) | np.isnan(o))
        tau = stats.kendalltau(r[ok], o[ok]).statistic if ok.sum() > 1 else np.nan
        if ok.sum() > 1 and (np.ptp(r[ok]) == 0 or np.ptp(o[ok]) == 0):
            tau = np.nan
        ch = (t["official_rank"] - t["rank"]).astype(float)
        order = ch.abs().sort_values(ascending=False, kind="stable").index[:top]
        movers = [f"{t.loc[i, 'unit_name']} ({int(ch[i]):+d})" for i in order if ch[i] != 0]
        idx = t["index"].to_numpy(float)
        ok2 = ~np.isnan(idx)
        rho = stats.spearmanr(idx[ok2], t["applicable_max"].to_numpy(float)[ok2]).statistic if ok2.sum() > 2 else np.nan
        if pol == "drop":
            rho_off = rho
        rows.append({"policy": pol, "tau_vs_official": float(tau), "max_move": int(ch.abs().max()) if len(ch) else 0,
                     "n_moved": int((ch != 0).sum()), "movers": "; ".join(movers), "spearman_size": float(rho)})
    out = pd.DataFrame(rows)
    if np.isnan(rho_off):
        idx = off["index"].to_numpy(float)
        rho_off = stats.spearmanr(idx, off["applicable_max"].to_numpy(float)).statistic if len(idx) > 2 else np.nan
    out["spearman_official"] = rho_off
    out["sign_change"] = np.sign(out["spearman_size"]) != np.sign(rho_off)
    return out
