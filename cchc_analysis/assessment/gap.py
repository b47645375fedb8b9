"""Tự chấm − thẩm định: how far each unit's own scoring is from the appraisal.

Definitions (on criteria that arise, where both the self-assessed and the appraised
points are numbers):

* ``gap`` = self_points − points (positive: the unit claimed more than it was given);
* ``cut_share`` = Σ max(gap, 0) / Σ self_points: the share of the claimed points cut at
  appraisal;
* a unit **over-claims systematically** when, across all its criteria and years, it
  claimed more than appraisal gave on significantly more criteria than it claimed less
  (exact one-sided sign test, ties dropped, Holm-adjusted over units, α = 0.05) **and**
  its cut share is above the pooled cut share of all units. The first part asks "is it
  more than chance?", the second "is it more than everyone does?".
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
import pandas as pd

from ..labels import register

__all__ = ["SelfAssessmentGap", "self_assessment_gap", "has_self_points"]

register({
    "self_points": {"vi": "Điểm tự chấm", "en": "Self-assessed points"},
    "appraised_points": {"vi": "Điểm thẩm định", "en": "Appraised points"},
    "self_gap": {"vi": "Tự chấm − thẩm định", "en": "Self − appraised"},
    "cut_share": {"vi": "Tỷ lệ điểm bị trừ khi thẩm định", "en": "Share of claimed points cut"},
    "n_over": {"vi": "Số tiêu chí tự chấm cao hơn", "en": "Criteria claimed above appraisal"},
    "n_under": {"vi": "Số tiêu chí tự chấm thấp hơn", "en": "Criteria claimed below appraisal"},
    "n_compared": {"vi": "Số tiêu chí so sánh", "en": "Criteria compared"},
    "sign_p": {"vi": "p (kiểm định dấu, Holm)", "en": "p (sign test, Holm)"},
    "over_claims": {"vi": "Tự chấm cao có hệ thống", "en": "Over-claims systematically"},
    "n_years": {"vi": "Số năm", "en": "Years"},
    "n_units_over": {"vi": "Số đơn vị tự chấm cao hơn", "en": "Units claiming above appraisal"},
})

TOL = 1e-9


def has_self_points(scores: pd.DataFrame) -> bool:
    """True when the table carries self-assessed points for at least one criterion."""
    return "self_points" in scores.columns and bool(scores["self_points"].notna().any())


@dataclass
class SelfAssessmentGap:
    by_criterion: pd.DataFrame  # one row per unit × year × criterion compared
    by_unit: pd.DataFrame  # one row per unit (all years)
    by_criterion_overall: pd.DataFrame  # one row per criterion (all units, years)
    pooled_cut_share: float
    alpha: float


def _sign_p(n_pos: int, n_neg: int) -> float:
    """One-sided exact sign test P(X >= n_pos), X ~ Binomial(n_pos + n_neg, 1/2)."""
    n = n_pos + n_neg
    if n == 0:
        return float("nan")
    return float(sum(comb(n, k) for k in range(n_pos, n + 1)) / 2.0 ** n)


def _holm(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if not len(ok):
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    adj = np.maximum.accumulate([(m - k) * p[i] for k, i in enumerate(order)])
    out[order] = np.minimum(adj, 1.0)
    return out


def self_assessment_gap(scores: pd.DataFrame, *, alpha: float = 0.05) -> SelfAssessmentGap:
    """Self-assessed against appraised points, per unit × criterion, per unit, per criterion.

    Parameters
    ----------
    scores : the scores table with a ``self_points`` column (see :func:`has_self_points`).
    alpha : level of the Holm-adjusted sign test for systematic over-claiming.

    Examples
    --------
    >>> df = pd.DataFrame({"year": 2024, "unit_id": ["a"] * 6 + ["b"] * 6,
    ...     "unit_name": ["A"] * 6 + ["B"] * 6, "criterion": [f"1.{k}" for k in range(6)] * 2,
    ...     "max_points": 2.0, "applicable": True,
    ...     "points": [1.0] * 6 + [1.0] * 6, "self_points": [2.0] * 6 + [1.0] * 6})
    >>> g = self_assessment_gap(df)
    >>> g.by_unit[["unit_id", "self_gap", "cut_share", "n_over", "over_claims"]]
      unit_id  self_gap  cut_share  n_over  over_claims
    0       a       6.0        0.5       6         True
    1       b       0.0        0.0       0        False
    """
    if "self_points" not in scores.columns:
        raise ValueError("scores has no 'self_points' column (điểm tự chấm); see has_self_points()")
    s = scores
    mask = s["applicable"].to_numpy(dtype=bool) & s["self_points"].notna().to_numpy() & s["points"].notna().to_numpy()
    cols = [c for c in ["year", "unit_id", "unit_name", "unit_type", "field", "criterion", "criterion_name",
                        "component", "max_points"] if c in s.columns]
    d = s.loc[mask, cols].copy()
    d["self_points"] = s.loc[mask, "self_points"].astype(float)
    d["appraised_points"] = s.loc[mask, "points"].astype(float)
    d["self_gap"] = d["self_points"] - d["appraised_points"]
    d["cut_share"] = np.where(d["self_points"] > TOL, d["self_gap"].clip(lower=0) / d["self_points"].where(
        d["self_points"] > TOL, 1.0), np.nan)
    d = d.reset_index(drop=True)

    pos = (d["self_gap"] > TOL).astype(int)
    neg = (d["self_gap"] < -TOL).astype(int)
    g = d.assign(_pos=pos, _neg=neg, _cut=d["self_gap"].clip(lower=0)).groupby("unit_id", sort=True)
    u = pd.DataFrame({
        "unit_name": g["unit_name"].first() if "unit_name" in d else g["unit_id"].first(),
        "n_years": g["year"].nunique(),
        "n_compared": g.size(),
        "self_points": g["self_points"].sum(),
        "appraised_points": g["appraised_points"].sum(),
        "self_gap": g["self_gap"].sum(),
        "_cut": g["_cut"].sum(),
        "n_over": g["_pos"].sum(),
        "n_under": g["_neg"].sum(),
    }).reset_index()
    u["cut_share"] = np.where(u["self_points"] > TOL, u["_cut"] / u["self_points"].where(u["self_points"] > TOL, 1),
                              np.nan)
    pooled = float(u["_cut"].sum() / u["self_points"].sum()) if u["self_points"].sum() > TOL else float("nan")
    raw_p = np.array([_sign_p(int(a), int(b)) for a, b in zip(u["n_over"], u["n_under"])])
    u["sign_p"] = _holm(raw_p)
    u["over_claims"] = (u["sign_p"] < alpha) & (u["cut_share"] > pooled + TOL)
    u = u.drop(columns="_cut")[["unit_id", "unit_name", "n_years", "n_compared", "self_points",
                                "appraised_points", "self_gap", "cut_share", "n_over", "n_under",
                                "sign_p", "over_claims"]]
    u = u.sort_values(["cut_share", "unit_id"], ascending=[False, True], kind="stable").reset_index(drop=True)

    keys = [c for c in ("criterion", "criterion_name") if c in d.columns]
    gc = d.assign(_cut=d["self_gap"].clip(lower=0), _pos=pos).groupby(keys, sort=False)
    c = pd.DataFrame({
        "n_units": gc.size(),
        "self_points": gc["self_points"].sum(),
        "appraised_points": gc["appraised_points"].sum(),
        "self_gap": gc["self_gap"].sum(),
        "_cut": gc["_cut"].sum(),
        "n_units_over": gc["_pos"].sum(),
    }).reset_index()
    c["cut_share"] = np.where(c["self_points"] > TOL, c["_cut"] / c["self_points"].where(c["self_points"] > TOL, 1),
                              np.nan)
    c = c.drop(columns="_cut").sort_values(["self_gap", "criterion"], ascending=[False, True],
                                           kind="stable").reset_index(drop=True)
    return SelfAssessmentGap(d, u, c, pooled, alpha)
