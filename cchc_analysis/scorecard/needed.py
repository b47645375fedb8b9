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


def points_needed(scores: pd.DataFrame, *, unit: str | None = None, year: int | None = None, rank=None,
                  index=None, group: str | None = None, intervals: pd.DataFrame | None = None,
                  top_criteria: int = 5) -> pd.DataFrame:
    """The fewest extra points a unit needs to reach each target.

    Parameters
    ----------
    scores : canonical scores table (criterion_name is used when present).
    unit : unit id; ``None`` gives every unit of the year (one vectorised pass: use this
        for many units rather than a loop).
    year : year (default: the latest).
    rank : int, ``"next"`` or a list of them — reach this rank in the single league
        (``"next"``: the rank of the nearest better score, the place the unit would share
        on reaching it; no row for the unit already first). Ties share the
        better rank, so reaching the index of the unit that would be at that rank among
        the *others* is enough. A unit already at or above the rank needs nothing.
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
        One row per unit × target: ``year, unit_id, target_kind`` (rank | index |
        group_top), ``target``, ``target_index``, ``current_index``, ``current_rank``,
        ``points_needed`` (0 when already reached; ``inf`` when the unit's headroom on its
        applicable criteria is smaller: "không thể đạt"), ``headroom`` (max − points over
        applicable criteria), ``n_criteria`` (size of the cheapest set), ``criteria``
        (list of ``(criterion, criterion_name, points to gain)`` in the set, largest
        first), ``reachable``, and ``rank_lo, rank_hi`` when ``intervals`` are given.

    Notes
    -----
    Gains count only on the unit's applicable criteria and only up to each criterion's
    maximum; other units' scores are held fixed. With ``P`` points over the applicable
    maximum ``M`` and target index ``T``, the need is ``T·M/100 − P``. The cheapest set
    follows :func:`cheapest_set` (largest headroom first: the fewest criteria).

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
    if year not in years:
        raise ValueError(f"year {year} is not in the data (years present: {years}).")
    s = scores[scores["year"] == year]
    if unit is not None and unit not in set(s["unit_id"]):
        raise ValueError(f"unit {unit!r} is not in the data for {year}.")
    app = s["applicable"].to_numpy(bool)
    u, units = pd.factorize(s["unit_id"], sort=True)  # hashing: np.unique sorts 300k strings
    units = np.asarray(units, dtype=object)
    n = len(units)
    pts = np.where(app, s["points"].to_numpy(float), 0.0)
    mx = np.where(app, s["max_points"].to_numpy(float), 0.0)
    P = np.bincount(u, pts, n)
    M = np.bincount(u, mx, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        cur = np.where(M > 0, 100 * P / np.where(M > 0, M, 1), np.nan)
    cur_rank = competition_rank(cur)
    # headroom of each applicable criterion, per unit in decreasing order
    rows = np.flatnonzero(app)
    h = (mx - pts)[rows]
    order = np.lexsort((-h, u[rows]))
    rows, h = rows[order], h[order]
    ru = u[rows]
    bounds = np.searchsorted(ru, np.arange(n + 1))
    cum = np.cumsum(h)
    head = np.bincount(ru, h, n)
    crit = s["criterion"].to_numpy()
    cname = s["criterion_name"].to_numpy() if "criterion_name" in s else np.full(len(s), None)

    targets: list[tuple[str, object, np.ndarray]] = []
    rc = np.round(cur, TIE_DECIMALS)
    srt = np.sort(rc[np.isfinite(rc)])[::-1]
    # the targets are unrounded indices (rounding is for telling ties only: a target of
    # 66.666666667 instead of 200/3 % would ask for 1e-11 points more, on one more criterion);
    # within a tie the lowest member's index is enough to share its rank
    fin = cur[np.isfinite(rc)]
    low = pd.Series(fin).groupby(rc[np.isfinite(rc)]).min()
    target_of = low.reindex(srt).to_numpy(float)  # aligned with srt
    # position of each unit in the sorted order (first of its ties): removing it shifts later ones
    pos = np.searchsorted(-srt, -rc, side="left")
    for r in ([] if rank is None else np.atleast_1d(np.asarray(rank, dtype=object))):
        if isinstance(r, str) and r == "next":
            # the rank of the nearest better score (ties share it: a unit 4th behind two tied
            # 2nd is told rank 2, the place it would share); 0: already first
            nb = srt[np.clip(pos - 1, 0, max(len(srt) - 1, 0))] if len(srt) else np.zeros(n)
            rv = np.where(np.isfinite(cur_rank) & (pos > 0), np.searchsorted(-srt, -nb, side="left") + 1, 0).astype(int)
        else:
            r = int(r)
            if r < 1:
                raise ValueError(f"`rank` must be ≥ 1 or 'next', but {r} was passed.")
            rv = np.full(n, r)
        k = np.where(pos < rv, rv, rv - 1)  # index of the r-th best among the others
        t = np.where((rv >= 1) & (k < len(srt)), target_of[np.clip(k, 0, max(len(srt) - 1, 0))] if len(srt)
                     else -math.inf, -math.inf)
        targets.append(("rank", rv, t))
    for v in ([] if index is None else np.atleast_1d(index)):
        targets.append(("index", float(v), np.full(n, float(v))))
    if group is not None:
        if group not in s.columns:
            raise ValueError(f"`scores` has no column {group!r} for the peer group.")
        first = np.unique(u, return_index=True)[1]
        g = s[group].to_numpy()[first]
        t = np.full(n, -math.inf)
        for gv in pd.unique(g):
            members = np.flatnonzero(g == gv)
            vals = cur[members]
            for i in members:
                others = vals[members != i]
                t[i] = np.nanmax(others) if len(others) and np.isfinite(others).any() else -math.inf
        targets.append(("group_top", None, t))
    want = np.arange(n) if unit is None else np.flatnonzero(units == unit)
    iv = None
    if intervals is not None and len(intervals):
        ivv = intervals[intervals["year"] == year] if "year" in intervals else intervals
        iv = ivv.drop_duplicates("unit_id").set_index("unit_id")[["rank_lo", "rank_hi"]]
    out = []
    for kind, target, tvec in targets:
        for i in want:
            if kind == "rank" and target[i] < 1:  # "next" for the unit already first
                continue
            t = float(tvec[i])
            need = t * M[i] / 100 - P[i]
            if not np.isfinite(t) or round(cur[i], TIE_DECIMALS) >= round(t, TIE_DECIMALS):
                need = 0.0
            need = max(float(need), 0.0)
            lo, hi = bounds[i], bounds[i + 1]
            base = cum[lo - 1] if lo else 0.0
            if need <= 0:
                k = 0
                reachable = True
            else:
                k = int(np.searchsorted(cum[lo:hi] - base, need - 1e-12)) + 1
                reachable = k <= hi - lo
            sel = rows[lo: lo + min(k, hi - lo)]
            gains = h[lo: lo + min(k, hi - lo)].copy()
            if reachable and k:
                gains[-1] = need - ((cum[lo + k - 2] - base) if k >= 2 else 0.0)
            rec = {
                "year": year, "unit_id": units[i], "target_kind": kind,
                "target": int(target[i]) if kind == "rank" else target if kind != "group_top"
                else s[group].to_numpy()[np.flatnonzero(u == i)[0]],
                "target_index": t, "current_index": float(cur[i]), "current_rank": int(cur_rank[i]),
                "points_needed": need if reachable else math.inf, "headroom": float(head[i]),
                "n_criteria": k if reachable else pd.NA,
                "criteria": [(crit[j], cname[j], float(gn)) for j, gn in zip(sel[:top_criteria], gains[:top_criteria])]
                if reachable else [],
                "reachable": reachable,
            }
            if iv is not None:
                rec["rank_lo"] = iv["rank_lo"].get(units[i], np.nan)
                rec["rank_hi"] = iv["rank_hi"].get(units[i], np.nan)
            out.append(rec)
    cols = ["year", "unit_id", "target_kind", "target", "target_index", "current_index", "current_rank",
            "points_needed", "headroom", "n_criteria", "criteria", "reachable"] + (["rank_lo", "rank_hi"] if iv is not None else [])
    res = pd.DataFrame(out, columns=cols)  # the columns even when no row (every unit already first)
    if len(res):
        res["target"] = pd.Series([r["target"] for r in out], dtype=object)
        res["n_criteria"] = res["n_criteria"].astype("Int64")
    return res
