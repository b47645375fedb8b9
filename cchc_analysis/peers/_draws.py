"""Monte Carlo draws of the index from resampled criteria (the engine behind peer stability).

Kept apart and thin on purpose: :mod:`cchc_analysis.resample` (the library's one
resampling engine) replaces it after the merge; :mod:`.intervals` and :mod:`.compare`
only call :func:`index_draws` / :func:`seeded_index_draws`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["index_draws", "seeded_index_draws"]


def index_draws(scores: pd.DataFrame, unit_ids: np.ndarray, year, *, n_draws: int, n_trials: int, rng) -> np.ndarray:
    """(n_draws, n_units) matrix of the index recomputed from resampled criteria."""
    sub = scores[(scores["year"] == year) & scores["applicable"].to_numpy(dtype=bool)]
    pos = pd.Index(unit_ids).get_indexer(sub["unit_id"])
    keep = pos >= 0
    pos = pos[keep]
    mx = sub["max_points"].to_numpy(dtype=float)[keep]
    p = np.clip(sub["points"].to_numpy(dtype=float)[keep] / mx, 0.0, 1.0)
    hits = rng.binomial(n_trials, p, size=(n_draws, len(p)))
    pts = hits * (mx / n_trials)
    order = np.argsort(pos, kind="stable")
    pos, pts, mx = pos[order], pts[:, order], mx[order]
    n_units = len(unit_ids)
    starts = np.searchsorted(pos, np.arange(n_units))
    has = np.bincount(pos, minlength=n_units) > 0
    tot_pts = np.zeros((n_draws, n_units))
    if len(pos):
        sums = np.add.reduceat(pts, np.minimum(starts, len(pos) - 1), axis=1)
        tot_pts[:, has] = sums[:, has]
    tot_max = np.bincount(pos, weights=mx, minlength=n_units)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(has, 100.0 * tot_pts / np.where(has, tot_max, 1.0), np.nan)



def seeded_index_draws(scores: pd.DataFrame, year, unit_ids, *, n_draws: int, n_trials: int, seed) -> np.ndarray:
    """:func:`index_draws` with a fresh ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return index_draws(scores, np.asarray(unit_ids), year, n_draws=n_draws, n_trials=n_trials, rng=rng)
