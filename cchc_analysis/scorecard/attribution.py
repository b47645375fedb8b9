"""Criterion-level attribution of a unit's index change between two years."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["criterion_attribution", "criterion_attribution_all"]

_NEED = ["year", "unit_id", "criterion", "max_points", "points", "applicable"]
_OUT = ["criterion", "criterion_name", "field", "applicability", "points_from", "max_from", "points_to", "max_to",
        "performance", "through_max", "total"]


def criterion_attribution_all(scores: pd.DataFrame, *, year_from: int, year_to: int) -> pd.DataFrame:
    """:func:`criterion_attribution` for every unit at once (one vectorised pass).

    Returns the same columns with ``unit_id`` first and, per unit, ``index_from, index_to,
    change``; units without an applicable criterion in one of the two years are left out.
    Criteria keep the order of their first appearance (``year_from``, then ``year_to``).
    """
    missing = [c for c in _NEED if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}.")
    s = scores[scores["year"].isin([year_from, year_to]) & scores["applicable"].astype(bool)]
    extra = [c for c in ("criterion_name", "field") if c in s.columns]
    s = s[["year", "unit_id", "criterion", "max_points", "points", *extra]]
    a, b = s[s["year"] == year_from], s[s["year"] == year_to]
    keys = pd.concat([a[["unit_id", "criterion"]], b[["unit_id", "criterion"]]]).drop_duplicates(ignore_index=True)
    t = keys.merge(a[["unit_id", "criterion", "max_points", "points"]], on=["unit_id", "criterion"], how="left")
    t = t.merge(b[["unit_id", "criterion", "max_points", "points"]], on=["unit_id", "criterion"], how="left",
                suffixes=("_0", "_1"))
    m0 = t["max_points_0"].fillna(0.0).to_numpy(float)
    m1 = t["max_points_1"].fillna(0.0).to_numpy(float)
    p0 = t["points_0"].fillna(0.0).to_numpy(float)
    p1 = t["points_1"].fillna(0.0).to_numpy(float)
    u, units = pd.factorize(t["unit_id"])  # hashing, not sorting strings
    M0, M1 = np.bincount(u, m0, len(units)), np.bincount(u, m1, len(units))
    P0, P1 = np.bincount(u, p0, len(units)), np.bincount(u, p1, len(units))
    ok = ((M0 > 0) & (M1 > 0))[u]
    with np.errstate(invalid="ignore", divide="ignore"):
        w0, w1 = m0 / M0[u], m1 / M1[u]
        r0 = np.where(m0 > 0, p0 / np.where(m0 > 0, m0, 1), np.nan)
        r1 = np.where(m1 > 0, p1 / np.where(m1 > 0, m1, 1), np.nan)
        i0, i1 = P0 / M0, P1 / M1
    # a criterion present in one year only keeps the other year's rate: Δr = 0
    r0 = np.where(np.isnan(r0), r1, r0)
    r1 = np.where(np.isnan(r1), r0, r1)
    perf = 100 * 0.5 * (w0 + w1) * (r1 - r0)
    ibar = 0.5 * (i0 + i1)[u]
    # Σ Δw = 0 per unit, so centring at the mean index changes no total but makes each part
    # readable: dropping a criterion scored below the unit's average raises its index
    thr = 100 * (0.5 * (r0 + r1) - ibar) * (w1 - w0)
    out = pd.DataFrame({"unit_id": t["unit_id"].to_numpy(), "criterion": t["criterion"].to_numpy()})
    if extra:
        look = pd.concat([b, a])[["unit_id", "criterion", *extra]].drop_duplicates(["unit_id", "criterion"])
        out = out.merge(look, on=["unit_id", "criterion"], how="left")
    for c in ("criterion_name", "field"):
        if c not in out:
            out[c] = None
    out["applicability"] = np.where((m0 > 0) & (m1 > 0), "both", np.where(m1 > 0, "arose", "no_longer"))
    out["points_from"] = np.where(m0 > 0, p0, np.nan)
    out["max_from"] = np.where(m0 > 0, m0, np.nan)
    out["points_to"] = np.where(m1 > 0, p1, np.nan)
    out["max_to"] = np.where(m1 > 0, m1, np.nan)
    out["performance"], out["through_max"], out["total"] = perf, thr, perf + thr
    out["index_from"], out["index_to"] = 100 * i0[u], 100 * i1[u]
    out["change"] = out["index_to"] - out["index_from"]
    return out[ok].reset_index(drop=True)[["unit_id", *_OUT, "index_from", "index_to", "change"]]


def criterion_attribution(scores: pd.DataFrame, *, unit: str, year_from: int, year_to: int) -> pd.DataFrame:
    """Each criterion's contribution to the change of ``unit``'s index, parts that add up.

    The index is the max-weighted mean of criterion rates, ``I = 100 Σ w_c r_c`` with
    ``w_c = m_c / M`` (zero when the criterion does not arise) and ``r_c = p_c / m_c``.
    The change splits exactly (the two-factor Shapley / midpoint rule) into

    * ``performance`` = ``100 · w̄_c · Δr_c`` — the unit scored better or worse on it;
    * ``through_max`` = ``100 · (r̄_c − Ī) · Δw_c`` — the criterion's weight changed because
      the unit's maximum changed: a criterion that switched between applicable and không
      phát sinh (or was added to / removed from the tree) acts only here, and every other
      criterion gets a share of it because ``M`` moved.

    A criterion present in one year only has its rate taken from that year for both
    (``Δr = 0``), so its whole effect is through the maximum.

    Returns
    -------
    DataFrame
        One row per criterion: ``criterion, criterion_name, field, applicability`` (``both``,
        ``arose`` = applicable only in ``year_to``, ``no_longer`` = only in
        ``year_from``), ``points_from, max_from, points_to, max_to, performance,
        through_max, total``. ``total.sum()`` equals the index change exactly (to float
        rounding); ``attrs`` holds ``index_from``, ``index_to``, ``change``.

    Examples
    --------
    >>> s = pd.DataFrame({"year": [2022] * 2 + [2023] * 2, "unit_id": "a",
    ...     "criterion": ["1", "2"] * 2, "max_points": 2.0,
    ...     "points": [2, 1, 1, np.nan], "applicable": [True, True, True, False]})
    >>> t = criterion_attribution(s, unit="a", year_from=2022, year_to=2023)
    >>> t[["criterion", "applicability", "performance", "through_max", "total"]]
      criterion applicability  performance  through_max  total
    0         1       both        -37.5         6.25 -31.25
    1         2  no_longer          0.0         6.25   6.25
    >>> float(round(t["total"].sum(), 10)), float(t.attrs["change"])
    (-25.0, -25.0)
    """
    missing = [c for c in _NEED if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}.")
    u = scores[scores["unit_id"] == unit]
    for y in (year_from, year_to):
        if not ((u["year"] == y) & u["applicable"].astype(bool)).any():
            raise ValueError(f"unit {unit!r} has no applicable criterion in {y}.")
    return _one(criterion_attribution_all(u, year_from=year_from, year_to=year_to), unit, year_from, year_to)


def _one(t: pd.DataFrame, unit: str, year_from: int, year_to: int) -> pd.DataFrame:
    """One unit's rows of :func:`criterion_attribution_all` in the single-unit form."""
    out = t[_OUT].reset_index(drop=True)
    out.attrs.update(index_from=float(t["index_from"].iloc[0]), index_to=float(t["index_to"].iloc[0]),
                     change=float(t["change"].iloc[0]), unit_id=unit, year_from=year_from, year_to=year_to)
    return out
