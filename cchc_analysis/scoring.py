"""Applicable-criteria normalisation: each unit's index over the criteria that arise for it.

A criterion that does not arise for a unit in a year ("không phát sinh") is left out of
both the points and the maximum, so each unit has its own maximum and

    index = 100 × Σ points / Σ max_points   (sums over applicable criteria only).

This equals the max-weighted mean of criterion achievement rates
(Σ Mᵢ (aᵢ/Mᵢ) / Σ Mᵢ), and the total index is the max-weighted mean of the field
indices. Nothing is rounded here: rounding is for display.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._deprecation import renamed_keyword

__all__ = ["AGGREGATES", "LEVELS", "NARROW_MAXIMA", "applicable_index", "max_spread", "maxima_barely_differ"]

#: What ``applicable_index(aggregate=...)`` sums over, besides year and unit.
AGGREGATES = {"total": [], "field": ["field"], "component": ["component"]}
LEVELS = AGGREGATES  # old name, kept one release

_NO_APPLICABLE = "không có tiêu chí phát sinh / no applicable criterion"


def applicable_index(scores: pd.DataFrame, *, aggregate: str = "total", level: str | None = None) -> pd.DataFrame:
    """Index of each unit and year over its applicable criteria.

    Parameters
    ----------
    scores : DataFrame
        Canonical scores table (see :func:`cchc_analysis.read_scores`).
    aggregate : {"total", "field", "component"}
        ``total``: one row per unit and year; ``field``: one row per unit, year and
        field (lĩnh vực); ``component``: one row per unit, year and component
        (``appraisal`` = điểm thẩm định, ``survey`` = điều tra xã hội học).
    level : old name of ``aggregate`` (``FutureWarning``; ``level`` now means only
        ministry/province elsewhere in the library).

    Returns
    -------
    DataFrame
        ``year, unit_id, [field | component], points, max_points, n_applicable,
        n_criteria, index, reason``. ``points`` and ``max_points`` are sums over
        applicable criteria; ``n_criteria`` counts all criteria listed, applicable or
        not; ``index = 100 * points / max_points``. A group with no applicable
        criterion has ``index`` NaN and a ``reason``; ``reason`` is NaN otherwise.
        ``unit_name`` and ``unit_type`` follow when the input has them.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "a", "a", "b", "b", "b"],
    ...     "field": ["1", "1", "2", "1", "1", "2"],
    ...     "criterion": ["1.1", "1.2", "2.1"] * 2, "component": "appraisal",
    ...     "max_points": [2.0, 1.0, 2.0] * 2,
    ...     "points": [2.0, np.nan, 1.0, 1.0, 1.0, 1.0],
    ...     "applicable": [True, False, True, True, True, True]})
    >>> applicable_index(scores)[["unit_id", "points", "max_points", "n_applicable", "index"]]
      unit_id  points  max_points  n_applicable  index
    0       a     3.0         4.0             2   75.0
    1       b     3.0         5.0             3   60.0
    >>> applicable_index(scores, aggregate="field")[["unit_id", "field", "index"]]
      unit_id field  index
    0       a     1  100.0
    1       a     2   50.0
    2       b     1   66.666667
    3       b     2   50.0
    """
    aggregate = renamed_keyword(aggregate, level, new="aggregate", old="level", func="applicable_index",
                                default="total")
    if aggregate not in AGGREGATES:
        raise ValueError(
            f"The value for `aggregate` must be one of {list(AGGREGATES)}, but {aggregate!r} was passed."
        )
    level = aggregate
    need = ["year", "unit_id", "max_points", "points", "applicable", *LEVELS[level]]
    missing = [c for c in need if c not in scores.columns]
    if missing:
        raise ValueError(f"`scores` lacks the column(s) {missing}; see cchc_analysis.read_scores.")
    keys = ["year", "unit_id", *LEVELS[level]]
    app = scores["applicable"].to_numpy(dtype=bool)
    pts = np.where(app, scores["points"].to_numpy(dtype=float), 0.0)
    if np.isnan(pts).any():
        bad = scores.loc[app & scores["points"].isna().to_numpy(), ["year", "unit_id", "criterion"]]
        raise ValueError(
            "applicable criteria without points (missing, not zero) — validate the data first "
            f"(cchc validate); first: {bad.iloc[0].to_dict()}"
        )
    mxp = np.where(app, scores["max_points"].to_numpy(dtype=float), 0.0)
    # group codes: factorize each key (sorted), combine, sum with bincount (fast on millions).
    # Keys stay in their own dtype (Index.take), never converted to Python objects row by row.
    code = np.zeros(len(scores), dtype=np.int64)
    codes, uniques = [], []
    for k in keys:
        c, u = pd.factorize(scores[k], sort=True)
        code = code * len(u) + c
        codes.append(c)
        uniques.append(u)
    n_codes = int(np.prod([len(u) for u in uniques], dtype=float))
    if n_codes <= max(4 * len(scores), 1 << 20):  # dense code space: counting instead of sorting
        present = np.bincount(code, minlength=n_codes) > 0
        dense = np.cumsum(present) - 1
        inv = dense[code]
        ng = int(present.sum())
        first = np.empty(ng, dtype=np.int64)
        rows = np.arange(len(scores), dtype=np.int64)
        first[inv[::-1]] = rows[::-1]  # the last write wins: each group's first row
    else:
        _, first, inv = np.unique(code, return_index=True, return_inverse=True)
        inv = inv.ravel()
        ng = len(first)
    out = pd.DataFrame({k: u.take(c[first]) for k, u, c in zip(keys, uniques, codes)})
    out["year"] = out["year"].astype(scores["year"].dtype)
    out["points"] = np.bincount(inv, weights=pts, minlength=ng)
    out["max_points"] = np.bincount(inv, weights=mxp, minlength=ng)
    out["n_applicable"] = np.bincount(inv, weights=app, minlength=ng).astype(np.int64)
    out["n_criteria"] = np.bincount(inv, minlength=ng).astype(np.int64)
    mx = out["max_points"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = np.where(mx > 0, 100.0 * out["points"].to_numpy() / np.where(mx > 0, mx, 1.0), np.nan)
    out["index"] = idx
    out["reason"] = pd.Series(np.where(mx > 0, None, _NO_APPLICABLE), dtype=object)
    extras = [e for e in ("unit_name", "unit_type") if e in scores.columns]
    if extras:
        # the first row of each unit gives its name and type (as before), looked up by unit code
        ucode = codes[keys.index("unit_id")]
        _, unit_first = np.unique(ucode, return_index=True)
        out_u = ucode[first]
        for extra in extras:
            col = scores[extra].iloc[unit_first]
            out[extra] = col.iloc[out_u].to_numpy()
    return out


#: Applicable maxima whose largest is below this multiple of the smallest "barely differ":
#: the data then hold no few-task units to speak of, and an effect "per doubling of the
#: maximum" is read over three times beyond them (a 25 % spread is 0.32 of a doubling). Seen
#: on a province's 15 departments with maxima 30–34: the slope came out as 23.6 points per
#: doubling with a 95 % interval of −104 to +152, and the size-and-power study gave the
#: test 8 % power at the effect seen.
NARROW_MAXIMA = 1.25


def max_spread(scores: pd.DataFrame, *, year: int) -> tuple[float, float]:
    """``(smallest, largest)`` applicable maximum of the units of ``year`` (sum of
    ``max_points`` over their applicable criteria).

    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabb"), "max_points": [2.0, 3, 2, 3],
    ...                   "applicable": [True, True, True, False]})
    >>> max_spread(s, year=2023)
    (2.0, 5.0)
    """
    s = scores[(scores["year"] == int(year)) & scores["applicable"].astype(bool)]
    m = s.groupby("unit_id")["max_points"].sum()
    m = m[m > 0]
    return (float(m.min()), float(m.max())) if len(m) else (np.nan, np.nan)


def maxima_barely_differ(maxima: tuple[float, float] | None) -> bool:
    """True when the largest applicable maximum is below :data:`NARROW_MAXIMA` × the
    smallest (``maxima`` from :func:`max_spread`; False when unknown).

    >>> maxima_barely_differ((30.0, 34.0)), maxima_barely_differ((37.0, 68.0)), maxima_barely_differ(None)
    (True, False, False)
    """
    if maxima is None:
        return False
    lo, hi = maxima
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo > 0 and hi < NARROW_MAXIMA * lo)
