"""Criterion-level attribution of a unit's index change between two years."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["criterion_attribution"]


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
    need = ["year", "unit_id", "criterion", "max_points", "points", "applicable"]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}.")
    u = scores[scores["unit_id"] == unit]
    parts = []
    for y in (year_from, year_to):
        t = u[(u["year"] == y) & u["applicable"].astype(bool)]
        if t.empty:
            raise ValueError(f"unit {unit!r} has no applicable criterion in {y}.")
        parts.append(t.set_index("criterion"))
    a, b = parts
    crit = list(dict.fromkeys([*a.index, *b.index]))
    m0 = a["max_points"].reindex(crit).fillna(0.0).to_numpy(float)
    m1 = b["max_points"].reindex(crit).fillna(0.0).to_numpy(float)
    p0 = a["points"].reindex(crit).fillna(0.0).to_numpy(float)
    p1 = b["points"].reindex(crit).fillna(0.0).to_numpy(float)
    M0, M1 = m0.sum(), m1.sum()
    w0, w1 = m0 / M0, m1 / M1
    with np.errstate(invalid="ignore", divide="ignore"):
        r0 = np.where(m0 > 0, p0 / np.where(m0 > 0, m0, 1), np.nan)
        r1 = np.where(m1 > 0, p1 / np.where(m1 > 0, m1, 1), np.nan)
    r0 = np.where(np.isnan(r0), r1, r0)
    r1 = np.where(np.isnan(r1), r0, r1)
    perf = 100 * 0.5 * (w0 + w1) * (r1 - r0)
    ibar = 0.5 * (p0.sum() / M0 + p1.sum() / M1)
    # Σ Δw = 0, so centring at the mean index changes no total but makes each part readable:
    # dropping a criterion scored below the unit's average raises its index
    thr = 100 * (0.5 * (r0 + r1) - ibar) * (w1 - w0)
    status = np.where((m0 > 0) & (m1 > 0), "both", np.where(m1 > 0, "arose", "no_longer"))
    look = pd.concat([b, a])
    look = look[~look.index.duplicated()]
    out = pd.DataFrame({
        "criterion": crit,
        "criterion_name": look["criterion_name"].reindex(crit).to_numpy() if "criterion_name" in look else None,
        "field": look["field"].reindex(crit).to_numpy() if "field" in look else None,
        "applicability": status, "points_from": np.where(m0 > 0, p0, np.nan), "max_from": np.where(m0 > 0, m0, np.nan),
        "points_to": np.where(m1 > 0, p1, np.nan), "max_to": np.where(m1 > 0, m1, np.nan),
        "performance": perf, "through_max": thr, "total": perf + thr,
    })
    out.attrs.update(index_from=float(100 * p0.sum() / M0), index_to=float(100 * p1.sum() / M1),
                     change=float(100 * p1.sum() / M1 - 100 * p0.sum() / M0), unit_id=unit,
                     year_from=year_from, year_to=year_to)
    return out
