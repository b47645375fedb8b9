"""Mechanism of the few-task gap: composition (criteria mix) and remainder."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .adjusted import _FEW, unit_sizes
from .twoway import model_index

__all__ = ["bias_decomposition"]


def bias_decomposition(scores: pd.DataFrame, *, year=None, size: str = "max_points") -> pd.DataFrame:
    """How much of the few-task vs busy gap is composition (criteria mix), how much is left.

    Units are split at the median size (few-task: below the median; busy: at or
    above, as in :func:`unit_sizes`). With plain means over units of each group:

    - ``index``: the observed gap ``Δ = mean index(few) − mean index(busy)``;
    - ``composition``: the gap in the two-way model's composition effect
      (:func:`~cchc_analysis.bias.twoway.model_index`: the model's raw index minus its
      index on the reference criteria set), the part due to which criteria the units have;
    - ``remainder``: ``Δ − composition`` = the gap in ``index − composition``,
      i.e. how much better few-task units do *on the same criteria* (ability).

    (Until this release the composition part came from indirect standardisation with
    pooled criterion rates, which reads genuine ability of few-task units as an easy
    criteria mix: 47-69 % of the gap in worlds with none planted.)

    ``share_of_gap`` divides each part by ``Δ`` (NaN when ``Δ = 0``); the two parts add
    up to the gap exactly.

    Returns
    -------
    DataFrame
        ``year, part, few_task, busy, difference, share_of_gap`` with ``part`` in
        ``index, composition, remainder``, plus ``n_few_task, n_busy``.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> d = bias_decomposition(make_synthetic_scores(seed=2, n_cuc=8, n_vu=8, years=(2023,)))
    >>> d["part"].tolist()
    ['index', 'composition', 'remainder']
    >>> bool(np.isclose(d["difference"].iloc[1] + d["difference"].iloc[2], d["difference"].iloc[0]))
    True
    """
    u = unit_sizes(scores, year=year, size=size)
    few = u["group"].eq(_FEW)
    mi = model_index(scores, year=u["year"].iloc[0]).set_index("unit_id")
    comp = u["unit_id"].astype(str).map(mi["composition"]).to_numpy(float)
    u = u.assign(composition_effect=comp, remainder=u["index"] - comp)
    rows = []
    gap = u.loc[few, "index"].mean() - u.loc[~few, "index"].mean()
    for part, col in (("index", "index"), ("composition", "composition_effect"), ("remainder", "remainder")):
        f, b = u.loc[few, col].mean(), u.loc[~few, col].mean()
        d = f - b
        rows.append({"year": u["year"].iloc[0], "part": part, "few_task": f, "busy": b, "difference": d,
                     "share_of_gap": d / gap if gap != 0 and np.isfinite(gap) else np.nan,
                     "n_few_task": int(few.sum()), "n_busy": int((~few).sum())})
    return pd.DataFrame(rows)
