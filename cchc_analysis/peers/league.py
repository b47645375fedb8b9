"""Ranking within peer groups: :func:`peer_rank` (long) and :func:`rank_table` (wide)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..bias import shrunk_index, standardised_index
from ..ranking import rank_units
from ..scoring import applicable_index
from .schemes import Scheme, builtin_schemes, resolve_schemes, single_league

__all__ = ["peer_rank", "rank_table"]


def _index_frame(scores: pd.DataFrame, score_cols, years) -> pd.DataFrame:
    """Total index per unit-year (restricted to ``years``) plus the requested score columns
    and, for each, the affine map ``score = a * index + b`` used in Monte Carlo draws."""
    idx = applicable_index(scores, aggregate="total")
    if years is not None:
        idx = idx[idx["year"].isin(years)]
    keep = [c for c in ("year", "unit_id", "unit_name", "unit_type", "max_points", "index") if c in idx.columns]
    idx = idx[keep].reset_index(drop=True)
    for col in sorted(set(score_cols)):
        if col == "index":
            continue
        sub = scores[scores["year"].isin(idx["year"].unique())]
        if col == "index_adjusted":
            std = standardised_index(sub)
            # index_adjusted = (O / E) * overall = index * overall / expected_index: linear in
            # the index with the unit's expected index and the year's overall index held fixed
            tot = std.groupby("year")[["points", "max_points"]].transform("sum")
            overall = 100.0 * tot["points"] / tot["max_points"]
            ei = std["expected_index"].to_numpy(dtype=float)
            ok = ei > 0
            std["_a_index_adjusted"] = np.where(ok, overall / np.where(ok, ei, 1.0), 0.0)
            std["_b_index_adjusted"] = np.where(ok, 0.0, std["index_adjusted"])
            adj = std[["year", "unit_id", "index_adjusted", "_a_index_adjusted", "_b_index_adjusted"]]
            idx = idx.merge(adj, on=["year", "unit_id"], how="left", validate="one_to_one")
        elif col == "index_shrunk":
            shr = shrunk_index(sub)[["year", "unit_id", "index_shrunk", "weight"]]
            idx = idx.merge(shr, on=["year", "unit_id"], how="left", validate="one_to_one")
            idx["_a_index_shrunk"] = idx["weight"].astype(float)
            idx["_b_index_shrunk"] = idx["index_shrunk"] - idx["weight"] * idx["index"]
            idx = idx.drop(columns="weight")
    return idx


def _years(scores: pd.DataFrame, year):
    if "year" not in scores.columns:
        raise ValueError("`scores` lacks the column `year`; see cchc_analysis.read_scores.")
    have = sorted(pd.unique(scores["year"]).tolist())
    if year is None:
        return None
    want = [year] if np.isscalar(year) else list(year)
    missing = [y for y in want if y not in have]
    if missing:
        raise ValueError(f"No scores for year(s) {missing}; the data has years {have}.")
    return want


def _rank_pct(rank: np.ndarray, n: np.ndarray) -> np.ndarray:
    rank = np.asarray(rank, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, (rank - 1.0) / np.where(n > 1, n - 1.0, 1.0), 0.5)


def _assign_groups(scheme: Scheme, frame: pd.DataFrame) -> np.ndarray:
    g = scheme.assign(frame)
    g = np.asarray(getattr(g, "to_numpy", lambda: g)(), dtype=object)
    if g.shape != (len(frame),):
        raise ValueError(f"The scheme {scheme.name!r} returned {g.shape[0] if g.ndim else 0} groups for {len(frame)} units.")
    if pd.isna(g).any():
        raise ValueError(f"The scheme {scheme.name!r} left some units without a group.")
    return g.astype(str).astype(object)


def _rank_one(frame: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Rank one year's frame (which has ``score``) under ``scheme``."""
    out = frame.copy()
    out["peer_group"] = _assign_groups(scheme, out)
    out = rank_units(out, score="score", by=("year", "peer_group"), method="min")
    ranked = out["rank"].notna()
    n = out[ranked].groupby("peer_group")["unit_id"].transform("size")
    out["n_in_group"] = pd.array(np.zeros(len(out), dtype=np.int64), dtype="Int64")
    out.loc[ranked, "n_in_group"] = n.astype(np.int64)
    out.loc[~ranked, "n_in_group"] = pd.NA
    rp = _rank_pct(out["rank"].astype("float64").to_numpy(), out["n_in_group"].astype("float64").to_numpy())
    out["rank_pct"] = np.where(ranked, rp, np.nan)
    return out


def peer_rank(scores: pd.DataFrame, scheme: Scheme, *, year=None) -> pd.DataFrame:
    """Rank every unit within its peer group under ``scheme``.

    Parameters
    ----------
    scores : DataFrame, the canonical scores table (:func:`cchc_analysis.read_scores`).
    scheme : Scheme (e.g. :func:`by_max_band`).
    year : int, list of int or None (every year; groups are formed year by year).

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], scheme, peer_group, max_points, index,
        score, rank, n_in_group, rank_pct``: ``index`` is the official applicable index,
        ``score`` the value ranked (equal to ``index`` unless the scheme ranks an adjusted
        index), ``rank`` the competition rank within the group (1 = best), ``rank_pct`` =
        ``(rank - 1) / (n_in_group - 1)`` (0 = best; 0.5 in a group of one). Units with
        no applicable criterion have no rank. Sorted by year, group, rank.

    Examples
    --------
    >>> from cchc_analysis.peers import by_unit_type
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "b", "c", "d"], "unit_type": ["cuc", "cuc", "vu", "vu"],
    ...     "field": "1", "criterion": "1.1", "component": "appraisal",
    ...     "max_points": [60.0, 50.0, 30.0, 20.0], "points": [30.0, 40.0, 27.0, 12.0],
    ...     "applicable": True})
    >>> peer_rank(scores, by_unit_type())[["unit_id", "peer_group", "index", "rank", "rank_pct"]]
      unit_id peer_group  index  rank  rank_pct
    0       b        cuc   80.0     1       0.0
    1       a        cuc   50.0     2       1.0
    2       c         vu   90.0     1       0.0
    3       d         vu   60.0     2       1.0
    """
    if not isinstance(scheme, Scheme):
        raise ValueError(f"`scheme` must be a Scheme (e.g. peers.single_league()), not {type(scheme).__name__}.")
    years = _years(scores, year)
    idx = _index_frame(scores, [scheme.score], years)
    idx["score"] = idx[scheme.score]
    parts = [_rank_one(g, scheme) for _, g in idx.groupby("year", sort=True)]
    out = pd.concat(parts, ignore_index=True) if parts else idx.assign(peer_group=[], rank=[], n_in_group=[], rank_pct=[])
    out["scheme"] = scheme.name
    cols = [c for c in ("year", "unit_id", "unit_name", "unit_type") if c in out.columns]
    cols += ["scheme", "peer_group", "max_points", "index", "score", "rank", "n_in_group", "rank_pct"]
    out = out.sort_values(["year", "peer_group", "rank", "unit_id"], kind="mergesort", na_position="last")
    return out[cols].reset_index(drop=True)


def _latest_year(scores, year):
    years = _years(scores, year)
    if years is None:
        return int(max(pd.unique(scores["year"])))
    if len(years) != 1:
        raise ValueError("Pass one `year` (an int) here, or None for the latest year.")
    return years[0]



def rank_table(scores: pd.DataFrame, schemes=None, *, year=None, value: str = "rank") -> pd.DataFrame:
    """Wide table of each unit's rank under each scheme (unit rows × scheme columns).

    Parameters
    ----------
    scores : canonical scores table.
    schemes : list of Scheme or names; ``None`` = every built-in scheme (bands k = 2, 3).
    year : int or None (the latest year).
    value : ``"rank"`` (within-group rank), ``"rank_pct"`` or ``"peer_group"``.

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], max_points, index`` then one column per
        scheme (named by the scheme), sorted by the official rank.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "b", "c", "d"], "unit_type": ["cuc", "cuc", "vu", "vu"],
    ...     "field": "1", "criterion": "1.1", "component": "appraisal",
    ...     "max_points": [60.0, 50.0, 30.0, 20.0], "points": [30.0, 40.0, 27.0, 12.0],
    ...     "applicable": True})
    >>> rank_table(scores, ["single", "unit_type"])[["unit_id", "single_league", "by_unit_type"]]
      unit_id  single_league  by_unit_type
    0       c              1          1
    1       b              2          1
    2       d              3          2
    3       a              4          2
    """
    if value not in ("rank", "rank_pct", "peer_group"):
        raise ValueError(f"The value for `value` must be one of ['rank', 'rank_pct', 'peer_group'], but {value!r} was passed.")
    schemes = builtin_schemes(ks=(2, 3)) if schemes is None else resolve_schemes(list(schemes))
    y = _latest_year(scores, year)
    base = peer_rank(scores, single_league(), year=y)
    keys = [c for c in ("year", "unit_id", "unit_name", "unit_type") if c in base.columns]
    out = base[keys + ["max_points", "index"]].copy()
    out["_official"] = base["rank"].astype("float64")
    for s in schemes:
        r = peer_rank(scores, s, year=y)[["unit_id", value]].rename(columns={value: s.name})
        out = out.merge(r, on="unit_id", how="left", validate="one_to_one")
    out = out.sort_values(["_official", "unit_id"], kind="mergesort", na_position="last")
    return out.drop(columns="_official").reset_index(drop=True)

