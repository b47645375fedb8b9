"""What it would take: the fewest extra points a unit needs to reach a target."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..ranking import TIE_DECIMALS, competition_rank

__all__ = ["points_needed", "cheapest_set"]

_NEED = ["year", "unit_id", "criterion", "max_points", "points", "applicable"]


def _check(scores: pd.DataFrame) -> None:
    missing = [c for c in _NEED if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}; see cchc_analysis.read_scores.")


def cheapest_set(headroom, needed: float) -> tuple[np.ndarray, float]:
    """Indices of the fewest criteria whose headroom reaches ``needed``.

    Rule: take criteria in decreasing order of headroom (ties: the order given) until the
    cumulative headroom reaches the need. Taking the largest first is optimal for the
    *number* of criteria (no k criteria hold more headroom than the k largest). Returns the
    indices and the points asked of the last one (it may need only part of its headroom).
    ``needed <= 0`` gives an empty set; more than the total headroom gives all criteria
    and ``inf``.

    Examples
    --------
    >>> cheapest_set([0.5, 2.0, 1.0], 2.5)
    (array([1, 2]), 0.5)
    >>> cheapest_set([0.5, 2.0], 0.0)
    (array([], dtype=int64), 0.0)
    """
    h = np.asarray(headroom, dtype=float)
    if needed <= 0:
        return np.array([], dtype=np.int64), 0.0
    order = np.argsort(-h, kind="stable")
    cum = np.cumsum(h[order])
    k = int(np.searchsorted(cum, needed - 1e-12))
    if k >= len(order):
        return order, math.inf
    before = cum[k - 1] if k else 0.0
    return order[: k + 1], float(needed - before)


def points_needed(scores: pd.DataFrame, *, unit: str, year: int | None = None, rank=None, index=None,
                  group: str | None = None, intervals: pd.DataFrame | None = None,
                  top_criteria: int = 5) -> pd.DataFrame:
    """The fewest extra points ``unit`` needs to reach each target.

    Parameters
    ----------
    scores : canonical scores table (criterion_name is used when present).
    unit : unit id.
    year : year (default: the latest).
    rank : int or list of int — reach this rank in the single league. Ties share the
        better rank, so reaching the index of the unit that would be at that rank among
        the *others* is enough.
    index : float or list — reach this index (e.g. 80 and 90, the lines announcements use).
    group : column of ``scores`` (e.g. ``"unit_type"``) — reach the top of the unit's peer
        group under it.
    intervals : optional rank intervals (``unit_id, rank_lo, rank_hi`` as returned by
        :func:`cchc_analysis.rank_intervals`) carried on every row, so nobody chases a
        difference that is noise.
    top_criteria : how many criteria of the cheapest set to name in ``criteria``.

    Returns
    -------
    DataFrame
        One row per target: ``target_kind`` (rank | index | group_top), ``target``,
        ``target_index``, ``current_index``, ``current_rank``, ``points_needed``
        (0 when already reached; ``inf`` when the unit's headroom on its applicable
        criteria is smaller: "không thể đạt"), ``headroom`` (max − points over applicable
        criteria), ``n_criteria`` (size of the cheapest set), ``criteria`` (list of
        ``(criterion, criterion_name, points to gain)`` in the set, largest first),
        ``reachable``, and ``rank_lo, rank_hi`` when ``intervals`` are given.

    Notes
    -----
    Gains count only on the unit's applicable criteria and only up to each criterion's
    maximum; other units' scores are held fixed. With ``P`` points over the applicable
    maximum ``M`` and target index ``T``, the need is ``T·M/100 − P``.

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"),
    ...     "criterion": ["1", "2"] * 3, "max_points": [5.0, 5.0] * 3,
    ...     "points": [5, 4, 4, 4, 3, 2.0], "applicable": True})
    >>> t = points_needed(s, unit="c", rank=[1, 2], index=95)
    >>> t[["target_kind", "target", "target_index", "points_needed", "n_criteria"]]
      target_kind target  target_index  points_needed  n_criteria
    0        rank      1          90.0            4.0           2
    1        rank      2          80.0            3.0           1
    2       index   95.0          95.0            4.5           2
    """
    _check(scores)
    years = sorted(int(y) for y in pd.unique(scores["year"]))
    year = years[-1] if year is None else int(year)
    s = scores[scores["year"] == year]
    if unit not in set(s["unit_id"]):
        raise ValueError(f"unit {unit!r} is not in the data for {year}.")
    app = s["applicable"].to_numpy(bool)
    pts = np.where(app, s["points"].to_numpy(float), 0.0)
    mx = np.where(app, s["max_points"].to_numpy(float), 0.0)
    uid = s["unit_id"].to_numpy()
    tab = pd.DataFrame({"unit_id": uid, "p": pts, "m": mx}).groupby("unit_id", sort=True).sum()
    tab["index"] = 100 * tab["p"] / tab["m"]
    tab["rank"] = competition_rank(tab["index"].to_numpy())
    me = tab.loc[unit]
    others = tab.drop(index=unit)
    mine = s[(uid == unit) & app]
    head = (mine["max_points"] - mine["points"]).to_numpy(float)
    names = mine["criterion_name"].to_numpy() if "criterion_name" in mine else np.full(len(mine), None)
    crits = mine["criterion"].to_numpy()

    targets: list[tuple[str, object, float]] = []
    for r in ([] if rank is None else np.atleast_1d(rank)):
        r = int(r)
        if r < 1:
            raise ValueError(f"`rank` must be ≥ 1, but {r} was passed.")
        srt = np.sort(others["index"].to_numpy())[::-1]
        # to be at rank r the unit needs to beat or tie the r-th best of the others
        t = srt[r - 1] if r - 1 < len(srt) else -math.inf
        targets.append(("rank", r, float(t)))
    for v in ([] if index is None else np.atleast_1d(index)):
        targets.append(("index", float(v), float(v)))
    if group is not None:
        if group not in s.columns:
            raise ValueError(f"`scores` has no column {group!r} for the peer group.")
        g = s.loc[uid == unit, group].iloc[0]
        peers = set(s.loc[s[group] == g, "unit_id"]) - {unit}
        t = others.loc[sorted(peers), "index"].max() if peers else -math.inf
        targets.append(("group_top", g, float(t)))
    rows = []
    for kind, target, t in targets:
        need = t * me["m"] / 100 - me["p"]
        # reaching the index to TIE_DECIMALS already ties
        if round(100 * me["p"] / me["m"], TIE_DECIMALS) >= round(t, TIE_DECIMALS):
            need = 0.0
        need = max(float(need), 0.0)
        sel, last = cheapest_set(head, need)
        reachable = math.isfinite(last)
        gains = head[sel].copy()
        if len(sel) and reachable:
            gains[-1] = last
        row = {
            "year": year, "unit_id": unit, "target_kind": kind, "target": target, "target_index": t,
            "current_index": float(me["index"]), "current_rank": int(me["rank"]),
            "points_needed": need if reachable else math.inf, "headroom": float(head.sum()),
            "n_criteria": len(sel) if reachable else np.nan,
            "criteria": [(crits[i], names[i], float(gn)) for i, gn in zip(sel[:top_criteria], gains[:top_criteria])]
            if reachable else [],
            "reachable": reachable,
        }
        if intervals is not None:
            iv = intervals[(intervals["unit_id"] == unit)]
            if "year" in iv:
                iv = iv[iv["year"] == year]
            row["rank_lo"] = iv["rank_lo"].iloc[0] if len(iv) else np.nan
            row["rank_hi"] = iv["rank_hi"].iloc[0] if len(iv) else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out["target"] = pd.Series([r["target"] for r in rows], dtype=object)
        out["n_criteria"] = out["n_criteria"].astype("Int64")
    return out
