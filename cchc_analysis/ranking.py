"""Ranking units: rank 1 = best, ties share the best rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["rank_units", "competition_rank", "TIE_DECIMALS"]

#: Scores equal to this many decimals are ties (guards against float noise such as
#: 89.95 vs 89.95000000000001 from summing points); far finer than published precision.
TIE_DECIMALS = 9

_METHODS = ("min", "dense", "average", "max", "first")


def competition_rank(values, *, ascending: bool = False) -> np.ndarray:
    """The ONE competition-ranking rule on an array: rank = 1 + number of strictly
    better values, where values equal to ``TIE_DECIMALS`` decimals tie; NaN -> NaN.

    Every table of the library ranks through this rule (or :func:`rank_units`, which
    applies it per group), so a tie is a tie everywhere.

    Examples
    --------
    >>> competition_rank([90.0, 85.5, 85.5 + 1e-12, 70.0, float("nan")]).tolist()
    [1.0, 2.0, 2.0, 4.0, nan]
    >>> competition_rank([3, 1, 2], ascending=True).tolist()
    [3.0, 1.0, 2.0]
    """
    v = np.round(np.asarray(values, dtype=float), TIE_DECIMALS)
    if ascending:
        v = -v
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    vv = v[ok]
    s = np.sort(vv)
    out[ok] = 1 + len(vv) - np.searchsorted(s, vv, side="right")
    return out


def rank_units(
    data: pd.DataFrame,
    *,
    score: str = "index",
    by=("year",),
    method: str = "min",
    ascending: bool = False,
) -> pd.DataFrame:
    """Rank units within groups (by default within each year).

    Parameters
    ----------
    data : DataFrame with the ``score`` column and the ``by`` columns.
    score : column to rank on (higher is better unless ``ascending``).
    by : columns that define the groups ranked separately (``()`` for one ranking).
    method : ``"min"`` (competition ranking 1, 2, 2, 4: the official habit),
        ``"dense"`` (1, 2, 2, 3), or ``"average"``, ``"max"``, ``"first"`` as in pandas.
    ascending : rank the lowest score first.

    Returns
    -------
    DataFrame
        A copy of ``data`` with a nullable integer column ``rank`` (``"average"``
        gives floats); a unit with a missing score has no rank.

    Notes
    -----
    Ranks are computed on unrounded values; scores that agree to ``TIE_DECIMALS``
    decimals tie (float noise is not a difference).

    Examples
    --------
    >>> df = pd.DataFrame({"year": 2023, "unit_id": list("abcd"),
    ...                    "index": [90.0, 85.5, 85.5, 70.0]})
    >>> rank_units(df)["rank"].tolist()
    [1, 2, 2, 4]
    >>> rank_units(df, method="dense")["rank"].tolist()
    [1, 2, 2, 3]
    """
    if method not in _METHODS:
        raise ValueError(f"The value for `method` must be one of {list(_METHODS)}, but {method!r} was passed.")
    if score not in data.columns:
        raise ValueError(f"`data` has no column {score!r} to rank on; columns: {list(data.columns)}")
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in data.columns]
    if missing:
        raise ValueError(f"`data` lacks the grouping column(s) {missing}.")
    out = data.copy()
    values = pd.Series(np.round(out[score].to_numpy(dtype=float), TIE_DECIMALS), index=out.index)
    if by:
        r = values.groupby([out[c] for c in by], observed=True, sort=False).rank(
            method=method, ascending=ascending
        )
    else:
        r = values.rank(method=method, ascending=ascending)
    out["rank"] = r if method == "average" else r.astype("Int64")
    return out
