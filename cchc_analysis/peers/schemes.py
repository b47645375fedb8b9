"""Peer-group ranking schemes: design them, rank within them, compare them, recommend one.

A *scheme* says which units are ranked against each other. The official table is one
single league; the alternatives rank units within groups of similar applicable maximum
(bands of ``max_points``), within unit types (as the Ministry of Finance ranks its Tổng
cục, Cục and Vụ separately), within a user mapping, or keep one league but rank on an
adjusted index (the standardised or the shrunk index of :mod:`cchc_analysis.bias`).

A scheme is a small frozen :class:`Scheme`: a ``name``, an ``assign`` function taking one
year's index frame (``year, unit_id, [unit_type], max_points, index, score``) and
returning each unit's ``peer_group``, and the ``score`` column ranked on (``"index"``,
``"index_adjusted"`` or ``"index_shrunk"``). Band schemes also carry ``cuts``, the function
giving their cut points on ``max_points`` (a unit with ``max_points <= cut`` lies below it).

Definitions used throughout
---------------------------
rank, n_in_group
    Competition rank (1 = best, ties share the best rank, as officially) of ``score``
    within the unit's group and year; ``n_in_group`` = ranked units in the group.
rank_pct
    Within-group rank percentile ``(rank - 1) / (n_in_group - 1)``: 0 = best of its group,
    1 = last; 0.5 for a group of one (neither best nor worst). It puts ranks in groups of
    different sizes on one scale.
implied order
    The overall order a grouped scheme implies: units sorted by ``rank_pct`` (best first),
    then by ``score`` (higher first), then by ``unit_id``. It is what a reader of several
    group tables side by side would call "the first, the second, …".
fairness
    Spearman correlation between ``rank_pct`` and the applicable maximum ``max_points``
    over all ranked units of the year. 0 = a unit's standing does not depend on how many
    tasks it has; **positive = few-task units favoured** (small maximum, good rank);
    negative = many-task units favoured.
stability
    Mean width of the Monte Carlo ``level`` (default 95 %) intervals of ``rank_pct``: each
    applicable criterion's achievement ``p = points / max_points`` is resampled as
    ``max_points * Binomial(n_trials, p) / n_trials`` (``n_trials = 4`` effective trials per
    criterion, as a criterion scored in quarters), the index and the scheme's score are
    recomputed for every draw, and units are re-ranked within their (fixed) groups.
    Smaller = more stable. Groups depend on the applicable maximum or the unit type, not
    on results, so they are held fixed across draws; the adjustment of an adjusted score
    (expected index, shrinkage weight and prior) is held at its estimate.
kendall_tau, footrule
    Agreement of the scheme's implied order with the official single league's order:
    Kendall's τ (``scipy.stats.kendalltau``; 1 = same order) and the Spearman footrule
    ``Σ |pos₁ − pos₂|`` divided by its maximum ``⌊n²/2⌋`` (0 = same order, 1 = as far as
    possible; Diaconis–Graham: K ≤ F ≤ 2K with K the number of discordant pairs).
top_k_few_task_share
    Share of few-task units (applicable maximum below the year's median) among the first
    ``top_k`` of the implied order.
cut_sensitivity, cut_moved_share (band schemes only, NaN otherwise)
    Each cut point is moved by ± 5 % of the range of ``max_points`` (one at a time, both
    ways); ``cut_moved_share`` is the mean share of units that change group and
    ``cut_sensitivity`` the mean over units and moves of ``|Δ rank_pct|``.

Sources: Goldstein & Spiegelhalter (1996) for simulated rank intervals; Diaconis &
Graham (1977) for the footrule; Fisher (1958) / Jenks (1967) for natural breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from ..labels import check_lang, register
from ..ranking import TIE_DECIMALS, rank_units
from ..scoring import applicable_index

__all__ = [
    "Scheme",
    "single_league",
    "by_unit_type",
    "by_max_band",
    "by_mapping",
    "standardised_league",
    "shrunk_league",
    "builtin_schemes",
    "resolve_schemes",
    "natural_breaks",
    "peer_rank",
    "rank_intervals",
    "compare_schemes",
    "rank_table",
    "recommended_scheme",
    "scheme_label",
    "recommendation_text",
    "SCORES",
]

#: Score columns a scheme may rank on, and where they come from.
SCORES = {
    "index": "applicable_index (official)",
    "index_adjusted": "bias.standardised_index",
    "index_shrunk": "bias.shrunk_index",
}
_METHODS = ("quantile", "jenks")
_KEYS = ("unit_id", "unit_type")

register(
    {
        "scheme": {"vi": "Phương án", "en": "Scheme"},
        "peer_group": {"vi": "Nhóm so sánh", "en": "Peer group"},
        "n_in_group": {"vi": "Số đơn vị trong nhóm", "en": "Units in group"},
        "rank_pct": {"vi": "Phân vị thứ hạng trong nhóm (0 = tốt nhất)", "en": "Rank percentile in group (0 = best)"},
        "score": {"vi": "Điểm dùng để xếp hạng", "en": "Score ranked"},
        "fairness": {"vi": "Thiên lệch theo điểm tối đa (0 = công bằng)", "en": "Bias by maximum (0 = fair)"},
        "stability": {"vi": "Độ rộng khoảng thứ hạng (nhỏ = ổn định)", "en": "Rank interval width (small = stable)"},
        "kendall_tau": {"vi": "Kendall τ so với bảng chung", "en": "Kendall τ vs single league"},
        "footrule": {"vi": "Khoảng cách footrule so với bảng chung", "en": "Footrule vs single league"},
        "min_group": {"vi": "Nhóm nhỏ nhất", "en": "Smallest group"},
        "max_group": {"vi": "Nhóm lớn nhất", "en": "Largest group"},
        "n_groups": {"vi": "Số nhóm", "en": "Groups"},
        "n_units": {"vi": "Số đơn vị", "en": "Units"},
        "top_k_few_task_share": {"vi": "Tỷ lệ đơn vị ít nhiệm vụ trong nhóm đầu", "en": "Few-task share of the top"},
        "cut_sensitivity": {"vi": "Độ nhạy khi dịch ngưỡng", "en": "Sensitivity to cut points"},
        "cut_moved_share": {"vi": "Tỷ lệ đơn vị đổi nhóm khi dịch ngưỡng", "en": "Share changing group when cuts move"},
        "recommended": {"vi": "Đề xuất", "en": "Recommended"},
        "reason": {"vi": "Lý do", "en": "Reason"},
        "reason_vi": {"vi": "Lý do", "en": "Reason (Vietnamese)"},
        "reason_en": {"vi": "Lý do (tiếng Anh)", "en": "Reason"},
    }
)


# --------------------------------------------------------------------------- schemes


@dataclass(frozen=True)
class Scheme:
    """A peer-group ranking scheme.

    Parameters
    ----------
    name : str
        Short ASCII name, used as a column name in :func:`rank_table`.
    assign : callable
        ``assign(frame) -> Series`` (or array) of group labels aligned with ``frame``, where
        ``frame`` is one year's index frame: ``year, unit_id, [unit_name, unit_type],
        max_points, index, score``.
    score : str
        Column ranked on: one of :data:`SCORES`.
    kind : str
        ``"single"``, ``"unit_type"``, ``"band"``, ``"mapping"`` or ``"custom"``.
    cuts : callable or None
        Band schemes: ``cuts(frame) -> ndarray`` of cut points on ``max_points``.

    Examples
    --------
    >>> s = Scheme("halves", lambda f: np.where(f["max_points"] > 50, "big", "small"))
    >>> s.name, s.score
    ('halves', 'index')
    """

    name: str
    assign: Callable[[pd.DataFrame], object] = field(repr=False)
    score: str = "index"
    kind: str = "custom"
    cuts: Callable[[pd.DataFrame], np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.score not in SCORES:
            raise ValueError(f"The value for `score` must be one of {list(SCORES)}, but {self.score!r} was passed.")
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("A scheme needs a non-empty string `name`.")


def _one_group(frame: pd.DataFrame) -> np.ndarray:
    return np.full(len(frame), "all", dtype=object)


def single_league() -> Scheme:
    """The official table: every unit in one league, ranked on the index.

    Examples
    --------
    >>> single_league().name
    'single_league'
    """
    return Scheme("single_league", _one_group, kind="single")


def by_unit_type() -> Scheme:
    """One league per ``unit_type`` (cuc, vu, …), as the Ministry of Finance ranks its units.

    Types with one or two units make groups of one or two; merge them with
    :func:`by_mapping` if that is not wanted.

    Examples
    --------
    >>> f = pd.DataFrame({"unit_type": ["cuc", "vu", "cuc"]})
    >>> list(by_unit_type().assign(f))
    ['cuc', 'vu', 'cuc']
    """

    def assign(frame):
        if "unit_type" not in frame.columns:
            raise ValueError("The scheme `by_unit_type` needs a `unit_type` column in the scores.")
        return frame["unit_type"].astype(str).to_numpy(dtype=object)

    return Scheme("by_unit_type", assign, kind="unit_type")


def _band_labels(band: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Readable, sortable band labels: 'B1 (≤ 45.5)', 'B2 (45.5–52.5)', 'B3 (> 52.5)'."""
    names = []
    for j in range(len(cuts) + 1):
        if len(cuts) == 0:
            names.append("B1 (all)")
        elif j == 0:
            names.append(f"B1 (≤ {cuts[0]:g})")
        elif j == len(cuts):
            names.append(f"B{j + 1} (> {cuts[-1]:g})")
        else:
            names.append(f"B{j + 1} ({cuts[j - 1]:g}–{cuts[j]:g})")
    return np.asarray(names, dtype=object)[band]


def _bands(x: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Band number of each value: the number of cuts strictly below it (x <= cut lies below)."""
    return np.searchsorted(np.sort(np.asarray(cuts, dtype=float)), x, side="left")


def natural_breaks(values, *, k: int) -> np.ndarray:
    """Cut points of the optimal (Fisher–Jenks) partition of ``values`` into ``k`` classes.

    The classes are contiguous runs of the sorted values that minimise the total
    within-class sum of squared deviations; they are found exactly by dynamic programming
    over the distinct values (weighted by their counts, so equal values never split).
    Each cut point is the midpoint between the largest value of one class and the
    smallest of the next; a value ``<= cut`` lies below it.

    Parameters
    ----------
    values : array-like of float (NaN ignored).
    k : int, number of classes (fewer when there are fewer distinct values).

    Returns
    -------
    ndarray of the ``k - 1`` cut points (fewer, see ``k``), ascending.

    Examples
    --------
    >>> natural_breaks([1, 2, 3, 10, 11, 12, 20, 21, 22], k=3)
    array([ 6.5, 16. ])
    >>> natural_breaks([0, 1, 2, 6, 7], k=2)
    array([4.])
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer, but {k!r} was passed.")
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.array([], dtype=float)
    u, w = np.unique(x, return_counts=True)
    n = len(u)
    k = min(int(k), n)
    if k <= 1:
        return np.array([], dtype=float)
    w = w.astype(float)
    # prefix sums for O(1) within-class SSD of u[i..j] (inclusive), weighted
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cs = np.concatenate([[0.0], np.cumsum(w * u)])
    cq = np.concatenate([[0.0], np.cumsum(w * u * u)])
    i_idx, j_idx = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    with np.errstate(invalid="ignore", divide="ignore"):
        sw = cw[j_idx + 1] - cw[i_idx]
        ss = cs[j_idx + 1] - cs[i_idx]
        cost = cq[j_idx + 1] - cq[i_idx] - ss * ss / sw
    cost = np.where(i_idx <= j_idx, np.maximum(cost, 0.0), np.inf)  # cost[i, j]: class u[i..j]
    # best[m, j]: least SSD of u[0..j] in m + 1 classes; start[m, j]: first index of the last class
    best = np.full((k, n), np.inf)
    start = np.zeros((k, n), dtype=np.int64)
    best[0] = cost[0]
    for m in range(1, k):
        # last class u[i..j] with i >= 1: best[m-1, i-1] + cost[i, j]
        cand = best[m - 1][:-1, None] + cost[1:, :]  # rows i = 1..n-1
        arg = np.argmin(cand, axis=0)
        best[m] = cand[arg, np.arange(n)]
        start[m] = arg + 1
    # walk back the class starts
    starts = []
    j = n - 1
    for m in range(k - 1, 0, -1):
        i = start[m, j]
        starts.append(i)
        j = i - 1
    starts = np.array(sorted(starts))
    return (u[starts - 1] + u[starts]) / 2.0


def _quantile_cuts(x: np.ndarray, k: int) -> np.ndarray:
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.array([], dtype=float)
    cuts = np.quantile(x, np.arange(1, k) / k)
    cuts = np.unique(cuts)
    # a cut at (or above) the maximum leaves an empty top band: drop it
    return cuts[cuts < x.max()]


def by_max_band(k: int = 3, *, method: str = "quantile") -> Scheme:
    """``k`` bands of the applicable maximum ``max_points``, one league per band.

    Parameters
    ----------
    k : int, number of bands (at least 2).
    method : {"quantile", "jenks"}
        ``quantile``: cut at the ``j/k`` quantiles of the year's maxima (bands of about
        equal size); ``jenks``: Fisher–Jenks natural breaks (:func:`natural_breaks`).
        Cut points are recomputed from each year's maxima; a unit with
        ``max_points <= cut`` lies below the cut.

    Examples
    --------
    >>> f = pd.DataFrame({"max_points": [30.0, 31, 32, 60, 61, 62]})
    >>> s = by_max_band(2, method="jenks")
    >>> s.name, s.cuts(f).tolist()
    ('max_band_jenks_k2', [46.0])
    >>> list(s.assign(f))
    ['B1 (≤ 46)', 'B1 (≤ 46)', 'B1 (≤ 46)', 'B2 (> 46)', 'B2 (> 46)', 'B2 (> 46)']
    """
    if method not in _METHODS:
        raise ValueError(f"The value for `method` must be one of {list(_METHODS)}, but {method!r} was passed.")
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"`k` must be an integer of at least 2, but {k!r} was passed.")
    k = int(k)

    def cuts(frame):
        x = frame["max_points"].to_numpy(dtype=float)
        return natural_breaks(x, k=k) if method == "jenks" else _quantile_cuts(x, k)

    def assign(frame):
        c = cuts(frame)
        return _band_labels(_bands(frame["max_points"].to_numpy(dtype=float), c), c)

    return Scheme(f"max_band_{method}_k{k}", assign, kind="band", cuts=cuts)


def by_mapping(mapping: dict, *, key: str = "unit_type", name: str = "mapping", default=None) -> Scheme:
    """User-defined groups: ``mapping[key value] -> group``.

    Parameters
    ----------
    mapping : dict from a ``unit_type`` (or ``unit_id``) to a group label.
    key : {"unit_type", "unit_id"}, the column looked up in ``mapping``.
    name : the scheme's name.
    default : group for units not in ``mapping``; ``None`` (default) makes an unmapped
        unit an error naming it.

    Examples
    --------
    >>> s = by_mapping({"cuc": "Cục", "vu": "Vụ và tương đương"}, default="Vụ và tương đương",
    ...                name="cuc_vs_rest")
    >>> f = pd.DataFrame({"unit_id": ["a", "b", "c"], "unit_type": ["cuc", "vu", "thanh-tra"]})
    >>> list(s.assign(f))
    ['Cục', 'Vụ và tương đương', 'Vụ và tương đương']
    """
    if key not in _KEYS:
        raise ValueError(f"The value for `key` must be one of {list(_KEYS)}, but {key!r} was passed.")
    if not isinstance(mapping, dict) or not mapping:
        raise ValueError("`mapping` must be a non-empty dict {key value: group}.")
    mapping = dict(mapping)

    def assign(frame):
        if key not in frame.columns:
            raise ValueError(f"The scheme {name!r} maps on `{key}`, which the scores lack.")
        keys = frame[key].astype(str)
        out = keys.map(mapping)
        if default is not None:
            out = out.fillna(default)
        if out.isna().any():
            missing = sorted(set(keys[out.isna()]))
            raise ValueError(
                f"The scheme {name!r} has no group for {key} {missing[:10]}; add them to `mapping` "
                "or pass `default=`."
            )
        return out.astype(str).to_numpy(dtype=object)

    return Scheme(name, assign, kind="mapping")


def standardised_league() -> Scheme:
    """One league ranked on the standardised index (``index_adjusted`` of
    :func:`cchc_analysis.bias.standardised_index`): the index corrected for the ease of
    the unit's mix of applicable criteria.

    Examples
    --------
    >>> standardised_league().name, standardised_league().score
    ('standardised_league', 'index_adjusted')
    """
    return Scheme("standardised_league", _one_group, score="index_adjusted", kind="single")


def shrunk_league() -> Scheme:
    """One league ranked on the empirical-Bayes shrunk index (``index_shrunk`` of
    :func:`cchc_analysis.bias.shrunk_index`): small maxima pulled toward the mean.

    Examples
    --------
    >>> shrunk_league().name, shrunk_league().score
    ('shrunk_league', 'index_shrunk')
    """
    return Scheme("shrunk_league", _one_group, score="index_shrunk", kind="single")


def builtin_schemes(*, ks=(2, 3)) -> list[Scheme]:
    """Every built-in scheme: single league, by unit type, quantile and Jenks bands for each
    ``k`` in ``ks``, the standardised and the shrunk league.

    Examples
    --------
    >>> [s.name for s in builtin_schemes(ks=(3,))]
    ['single_league', 'by_unit_type', 'max_band_quantile_k3', 'max_band_jenks_k3', 'standardised_league', 'shrunk_league']
    """
    ks = [ks] if isinstance(ks, (int, np.integer)) else list(ks)
    out = [single_league(), by_unit_type()]
    for method in _METHODS:
        out += [by_max_band(k, method=method) for k in ks]
    return out + [standardised_league(), shrunk_league()]


def resolve_schemes(names=None, *, k=3) -> list[Scheme]:
    """Schemes from names (for notebooks and the CLI, where parameters are literals).

    Parameters
    ----------
    names : list of str or None
        Empty or ``None``: every built-in scheme with bands of ``2..k`` groups. Otherwise
        names of built-in schemes (``single_league``, ``unit_type``, ``standardised_league``,
        ``shrunk_league``, ``max_band_quantile_k3``, …); ``max_band_quantile`` or
        ``max_band_jenks`` without ``_k<n>`` take ``k`` bands. Short forms ``single``,
        ``standardised``, ``shrunk`` are accepted.
    k : int, number of bands (the largest tried when ``names`` is empty).

    Examples
    --------
    >>> [s.name for s in resolve_schemes(["single", "max_band_jenks"], k=4)]
    ['single_league', 'max_band_jenks_k4']
    >>> len(resolve_schemes([], k=3))
    8
    """
    if not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"`k` must be an integer of at least 2, but {k!r} was passed.")
    if not names:
        return builtin_schemes(ks=range(2, int(k) + 1))
    simple = {
        "single": single_league, "single_league": single_league,
        "unit_type": by_unit_type, "by_unit_type": by_unit_type,
        "standardised": standardised_league, "standardised_league": standardised_league,
        "shrunk": shrunk_league, "shrunk_league": shrunk_league,
    }
    out = []
    for nm in ([names] if isinstance(names, str) else names):
        if isinstance(nm, Scheme):
            out.append(nm)
            continue
        if nm in simple:
            out.append(simple[nm]())
            continue
        parts = str(nm).split("_")
        if len(parts) >= 3 and parts[:2] == ["max", "band"] and parts[2] in _METHODS:
            kk = int(k)
            if len(parts) == 4 and parts[3].startswith("k") and parts[3][1:].isdigit():
                kk = int(parts[3][1:])
            elif len(parts) != 3:
                parts = None
            if parts is not None:
                out.append(by_max_band(kk, method=parts[2]))
                continue
        allowed = sorted(simple) + ["max_band_quantile[_k<n>]", "max_band_jenks[_k<n>]"]
        raise ValueError(f"Unknown scheme name {nm!r}; allowed: {allowed}.")
    return out


# --------------------------------------------------------------------------- scoring


def _bias():
    from .. import bias  # lazy: the bias module is optional for plain schemes

    return bias


def _index_frame(scores: pd.DataFrame, score_cols, years) -> pd.DataFrame:
    """Total index per unit-year (restricted to ``years``) plus the requested score columns
    and, for each, the affine map ``score = a * index + b`` used in Monte Carlo draws."""
    idx = applicable_index(scores, level="total")
    if years is not None:
        idx = idx[idx["year"].isin(years)]
    keep = [c for c in ("year", "unit_id", "unit_name", "unit_type", "max_points", "index") if c in idx.columns]
    idx = idx[keep].reset_index(drop=True)
    for col in sorted(set(score_cols)):
        if col == "index":
            continue
        sub = scores[scores["year"].isin(idx["year"].unique())]
        if col == "index_adjusted":
            std = _bias().standardised_index(sub)
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
            shr = _bias().shrunk_index(sub)[["year", "unit_id", "index_shrunk", "weight"]]
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


# --------------------------------------------------------------------------- Monte Carlo


def _index_draws(scores: pd.DataFrame, unit_ids: np.ndarray, year, *, n_draws: int, n_trials: int, rng) -> np.ndarray:
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


def _group_rank_pct_draws(draws: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Within-group competition rank percentile of each column in every draw (row)."""
    vals = np.round(draws, TIE_DECIMALS)
    out = np.empty_like(vals)
    for g in pd.unique(groups):
        cols = np.flatnonzero(groups == g)
        m = len(cols)
        if m == 1:
            out[:, cols] = 0.5
            continue
        # better[d, i] = #{j: s_dj > s_di} by one sort: integer codes of the values (ties
        # exact), each draw's row shifted into its own range, searchsorted on the flat sort.
        # O(D m log m) time and memory, so it scales to hundreds of units.
        _, code = np.unique(vals[:, cols], return_inverse=True)
        code = code.reshape(len(vals), m).astype(np.int64)
        key = code + (np.arange(len(vals), dtype=np.int64) * (code.max() + 1))[:, None]
        flat = np.sort(key, axis=None)
        not_better = np.searchsorted(flat, key, side="right") - (np.arange(len(vals)) * m)[:, None]
        out[:, cols] = (m - not_better) / (m - 1.0)
    return out


def _mc_setup(scores, year, idx, *, n_draws, n_trials, seed):
    rng = np.random.default_rng(seed)
    return _index_draws(scores, idx["unit_id"].to_numpy(), year, n_draws=n_draws, n_trials=n_trials, rng=rng)


def _score_draws(idx: pd.DataFrame, draws: np.ndarray, score: str) -> np.ndarray:
    if score == "index":
        return draws
    a = idx[f"_a_{score}"].to_numpy(dtype=float)
    b = idx[f"_b_{score}"].to_numpy(dtype=float)
    return draws * a + b


def _check_mc(n_draws, n_trials, level):
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 10:
        raise ValueError(f"`n_draws` must be an integer of at least 10, but {n_draws!r} was passed.")
    if not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"`n_trials` must be a positive integer, but {n_trials!r} was passed.")
    if not 0 < level < 1:
        raise ValueError(f"`level` must lie strictly between 0 and 1, but {level!r} was passed.")


def _latest_year(scores, year):
    years = _years(scores, year)
    if years is None:
        return int(max(pd.unique(scores["year"])))
    if len(years) != 1:
        raise ValueError("Pass one `year` (an int) here, or None for the latest year.")
    return years[0]


def rank_intervals(
    scores: pd.DataFrame,
    scheme: Scheme,
    *,
    year=None,
    n_draws: int = 2_000,
    n_trials: int = 4,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Monte Carlo intervals of each unit's within-group rank percentile under ``scheme``.

    Each applicable criterion's achievement ``p = points / max_points`` is resampled as
    ``max_points * Binomial(n_trials, p) / n_trials``; the index (and the scheme's score,
    its adjustment held fixed) is recomputed per draw and units re-ranked within their
    groups (held fixed). Deterministic for a given ``seed``.

    Parameters
    ----------
    scores : canonical scores table.
    scheme : Scheme.
    year : int or None (the latest year).
    n_draws : number of draws.
    n_trials : effective Binomial trials per criterion (4 = scored in quarters).
    level : coverage of the interval (0.95: the 2.5 % and 97.5 % quantiles).
    seed : seed of ``numpy.random.default_rng``.

    Returns
    -------
    DataFrame
        ``year, unit_id, scheme, peer_group, rank_pct, rank_pct_low, rank_pct_high, width``.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "year": 2023, "unit_id": ["a", "a", "b", "b", "c", "c"],
    ...     "field": "1", "criterion": ["1.1", "1.2"] * 3, "component": "appraisal",
    ...     "max_points": 1.0, "points": [1.0, 1.0, 0.75, 0.5, 0.5, 0.5], "applicable": True})
    >>> r = rank_intervals(scores, single_league(), n_draws=200)
    >>> r[["unit_id", "rank_pct", "rank_pct_low", "rank_pct_high"]]
      unit_id  rank_pct  rank_pct_low  rank_pct_high
    0       a       0.0           0.0            0.0
    1       b       0.5           0.5            1.0
    2       c       1.0           0.5            1.0
    """
    _check_mc(n_draws, n_trials, level)
    y = _latest_year(scores, year)
    idx = _index_frame(scores, [scheme.score], [y])
    idx["score"] = idx[scheme.score]
    idx = idx[idx["score"].notna()].reset_index(drop=True)
    ranked = _rank_one(idx, scheme)
    draws = _score_draws(idx, _mc_setup(scores, y, idx, n_draws=n_draws, n_trials=n_trials, seed=seed), scheme.score)
    groups = ranked["peer_group"].to_numpy()
    rp = _group_rank_pct_draws(draws, groups)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(rp, [a, 1.0 - a], axis=0)
    out = pd.DataFrame({
        "year": y, "unit_id": idx["unit_id"].to_numpy(), "scheme": scheme.name, "peer_group": groups,
        "rank_pct": ranked["rank_pct"].to_numpy(dtype=float), "rank_pct_low": lo, "rank_pct_high": hi,
    })
    out["width"] = out["rank_pct_high"] - out["rank_pct_low"]
    return out


# --------------------------------------------------------------------------- comparison


def _implied_positions(rank_pct: np.ndarray, score: np.ndarray, unit_ids: np.ndarray) -> np.ndarray:
    """Position 1..n of each unit in the implied overall order (rank_pct, -score, unit_id)."""
    order = np.lexsort((unit_ids.astype(str), -np.round(score, TIE_DECIMALS), np.round(rank_pct, TIE_DECIMALS)))
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(1, len(order) + 1)
    return pos


def _spearman(a, b) -> float:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(stats.spearmanr(a, b).statistic)


def _fmt(x, nd=2):
    return "NaN" if x is None or not np.isfinite(x) else f"{x:.{nd}f}"


def _recommend(table: pd.DataFrame, *, min_group_size: int, fairness_tol: float):
    """Pick one scheme and give every scheme its reason (vi, en)."""
    n = len(table)
    absf = table["fairness"].abs().to_numpy(dtype=float)
    absf = np.where(np.isfinite(absf), absf, np.inf)
    eligible = table["min_group"].to_numpy() >= min_group_size
    pool = eligible if eligible.any() else np.ones(n, dtype=bool)
    best_f = absf[pool].min()
    fair = pool & (absf <= best_f + fairness_tol)
    stab = table["stability"].to_numpy(dtype=float)
    tau = table["kendall_tau"].to_numpy(dtype=float)
    cand = np.flatnonzero(fair)
    official = (table["kind"].to_numpy() == "single") & (table["score"].to_numpy() == "index")
    # the official table if it is fair; else most stable, then closest to the official order
    key = sorted(cand, key=lambda i: (not official[i], np.nan_to_num(stab[i], nan=np.inf),
                                      -np.nan_to_num(tau[i], nan=-np.inf), i))
    pick = key[0]
    rec = np.zeros(n, dtype=bool)
    rec[pick] = True
    names = table["scheme"].tolist()
    pv = names[pick]
    vi, en = [], []
    for i in range(n):
        f, s = _fmt(table["fairness"].iat[i]), _fmt(stab[i])
        if i == pick and official[i] and eligible[i]:
            vi.append(
                f"Đề xuất giữ bảng chung chính thức: thiên lệch theo điểm tối đa |{f}| đã thuộc nhóm nhỏ nhất "
                f"(sai khác ≤ {fairness_tol:g} so với phương án công bằng nhất), không cần chia nhóm."
            )
            en.append(
                f"Recommended: keep the official single league: its bias by maximum |{f}| is already among the "
                f"smallest (within {fairness_tol:g} of the fairest scheme), so no grouping is needed."
            )
        elif i == pick:
            vi.append(
                f"Đề xuất: trong các phương án có nhóm nhỏ nhất từ {min_group_size} đơn vị, thiên lệch theo điểm "
                f"tối đa |{f}| thuộc nhóm nhỏ nhất (sai khác ≤ {fairness_tol:g}) và thứ hạng ổn định nhất "
                f"(độ rộng khoảng {s})."
                if eligible[i] else
                f"Đề xuất tạm: không phương án nào có nhóm nhỏ nhất từ {min_group_size} đơn vị; "
                f"thiên lệch |{f}|, độ rộng khoảng {s}."
            )
            en.append(
                f"Recommended: among schemes whose smallest group has at least {min_group_size} units, its bias "
                f"by maximum |{f}| is among the smallest (within {fairness_tol:g}) and its ranks are the most "
                f"stable (interval width {s})."
                if eligible[i] else
                f"Provisional: no scheme has a smallest group of at least {min_group_size} units; "
                f"bias |{f}|, interval width {s}."
            )
        elif not pool[i]:
            mg = int(table["min_group"].iat[i])
            vi.append(f"Không đề xuất: có nhóm chỉ {mg} đơn vị (cần ít nhất {min_group_size}).")
            en.append(f"Not recommended: a group has only {mg} unit(s) (at least {min_group_size} needed).")
        elif not fair[i]:
            vi.append(f"Không đề xuất: thiên lệch theo điểm tối đa {f}, lớn hơn của {pv} ({_fmt(table['fairness'].iat[pick])}).")
            en.append(f"Not recommended: bias by maximum {f}, larger than that of {pv} ({_fmt(table['fairness'].iat[pick])}).")
        elif official[pick]:
            vi.append(f"Không đề xuất: công bằng tương đương bảng chung chính thức ({pv}), nên giữ bảng chung.")
            en.append(f"Not recommended: no fairer than the official single league ({pv}), which is kept.")
        else:
            vi.append(f"Không đề xuất: công bằng tương đương nhưng kém ổn định hơn {pv} ({s} so với {_fmt(stab[pick])}).")
            en.append(f"Not recommended: as fair, but less stable than {pv} ({s} vs {_fmt(stab[pick])}).")
    return rec, vi, en


def compare_schemes(
    scores: pd.DataFrame,
    schemes=None,
    *,
    n_draws: int = 2_000,
    top_k: int = 5,
    seed: int = 0,
    year=None,
    n_trials: int = 4,
    level: float = 0.95,
    cut_shift: float = 0.05,
    min_group_size: int = 3,
    fairness_tol: float = 0.1,
) -> pd.DataFrame:
    """Score each peer-group scheme on fairness, stability, agreement and group sizes; recommend one.

    Parameters
    ----------
    scores : canonical scores table.
    schemes : list of Scheme (or names, see :func:`resolve_schemes`); ``None`` = every
        built-in scheme with bands of 2 and 3 groups (:func:`builtin_schemes`).
    n_draws : Monte Carlo draws for ``stability`` (the same draws serve every scheme).
    top_k : size of the top for ``top_k_few_task_share``.
    seed : seed of ``numpy.random.default_rng``; the result is deterministic given it.
    year : int or None (the latest year in ``scores``).
    n_trials : effective Binomial trials per criterion in the draws.
    level : coverage of the rank-percentile intervals.
    cut_shift : move of each cut point, as a share of the range of ``max_points``.
    min_group_size, fairness_tol : parameters of the recommendation rule (below).

    Returns
    -------
    DataFrame
        One row per scheme: ``year, scheme, kind, score, n_units, n_groups, min_group,
        max_group, fairness, stability, kendall_tau, footrule, top_k_few_task_share,
        cut_sensitivity, cut_moved_share, recommended, reason_vi, reason_en, reason``
        (``reason`` = ``reason_vi / reason_en``). The metrics are defined in the module
        docstring (:mod:`cchc_analysis.peers`); ``fairness > 0`` means few-task units are
        favoured.

    Notes
    -----
    **Recommendation rule.** (1) Eligible schemes: smallest group of at least
    ``min_group_size`` units (a league of one or two is no league; if none is eligible, all
    are). (2) Among them, the *fair* ones: ``|fairness|`` within ``fairness_tol`` of the
    smallest ``|fairness|`` (a Spearman correlation over ~40 units has a standard error of
    about 0.15, so smaller differences are noise). (3) If the official single league
    (``kind == "single"`` on ``index``) is among them, it is recommended: no change is
    needed. (4) Otherwise the most stable (smallest ``stability``); ties go to the scheme
    closest to the official order (larger ``kendall_tau``), then to the first listed.
    Exactly one scheme is recommended.

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> s = make_synthetic_scores(0, n_cuc=6, n_vu=6, years=(2023,))
    >>> t = compare_schemes(s, [single_league(), by_max_band(2)], n_draws=100)
    >>> t[["scheme", "min_group", "max_group"]]
              scheme  min_group  max_group
    0  single_league         14         14
    1  max_band_quantile_k2   7          7
    >>> int(t["recommended"].sum())
    1
    """
    _check_mc(n_draws, n_trials, level)
    if not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"`top_k` must be a positive integer, but {top_k!r} was passed.")
    if not 0 <= cut_shift < 1:
        raise ValueError(f"`cut_shift` must lie in [0, 1), but {cut_shift!r} was passed.")
    if schemes is not None and len(list(schemes)) == 0:
        raise ValueError("`schemes` is empty; pass None for every built-in scheme.")
    schemes = builtin_schemes(ks=(2, 3)) if schemes is None else resolve_schemes(list(schemes))
    names = [s.name for s in schemes]
    if len(set(names)) != len(names):
        raise ValueError(f"Scheme names must be unique, got {names}.")
    y = _latest_year(scores, year)
    idx = _index_frame(scores, [s.score for s in schemes], [y])
    idx = idx[idx["index"].notna()].reset_index(drop=True)
    for s in schemes:
        if idx[s.score].isna().any():
            raise ValueError(f"The score {s.score!r} of scheme {s.name!r} is missing for some units.")
    n = len(idx)
    if n < 3:
        raise ValueError(f"At least 3 units with an index are needed to compare schemes; year {y} has {n}.")
    uid = idx["unit_id"].to_numpy()
    mx = idx["max_points"].to_numpy(dtype=float)
    few = mx < np.median(mx)
    k_top = min(int(top_k), n)
    base = idx.assign(score=idx["index"])
    official = _rank_one(base, single_league())
    pos_off = _implied_positions(official["rank_pct"].to_numpy(float), base["score"].to_numpy(float), uid)
    draws = _mc_setup(scores, y, idx, n_draws=n_draws, n_trials=n_trials, seed=seed)
    a = (1.0 - level) / 2.0
    rng_range = float(np.ptp(mx))
    rows = []
    for s in schemes:
        frame = idx.assign(score=idx[s.score])
        ranked = _rank_one(frame, s)
        groups = ranked["peer_group"].to_numpy()
        rp = ranked["rank_pct"].to_numpy(dtype=float)
        sc = frame["score"].to_numpy(dtype=float)
        sizes = pd.Series(groups).value_counts()
        pos = _implied_positions(rp, sc, uid)
        tau = float(stats.kendalltau(pos, pos_off).statistic)
        foot = float(np.abs(pos - pos_off).sum() / np.floor(n * n / 2.0))
        top = np.argsort(pos)[:k_top]
        rpd = _group_rank_pct_draws(_score_draws(idx, draws, s.score), groups)
        lo, hi = np.quantile(rpd, [a, 1.0 - a], axis=0)
        cut_sens = cut_moved = np.nan
        if s.cuts is not None:
            cuts = np.asarray(s.cuts(frame), dtype=float)
            band0 = _bands(mx, cuts)
            d_rp, moved = [], []
            for j in range(len(cuts)):
                for sign in (-1.0, 1.0):
                    c2 = cuts.copy()
                    c2[j] += sign * cut_shift * rng_range
                    band = _bands(mx, c2)
                    shifted = Scheme("_shift", lambda f, b=band: b.astype(str).astype(object))
                    rp2 = _rank_one(frame, shifted)["rank_pct"].to_numpy(dtype=float)
                    d_rp.append(np.abs(rp2 - rp).mean())
                    moved.append(np.mean(band != band0))
            if d_rp:
                cut_sens, cut_moved = float(np.mean(d_rp)), float(np.mean(moved))
        rows.append({
            "year": y, "scheme": s.name, "kind": s.kind, "score": s.score, "n_units": n,
            "n_groups": int(len(sizes)), "min_group": int(sizes.min()), "max_group": int(sizes.max()),
            "fairness": _spearman(rp, mx), "stability": float(np.mean(hi - lo)),
            "kendall_tau": tau, "footrule": foot,
            "top_k_few_task_share": float(few[top].mean()),
            "cut_sensitivity": cut_sens, "cut_moved_share": cut_moved,
        })
    table = pd.DataFrame(rows)
    rec, vi, en = _recommend(table, min_group_size=min_group_size, fairness_tol=fairness_tol)
    table["recommended"] = rec
    table["reason_vi"] = vi
    table["reason_en"] = en
    table["reason"] = [f"{v} / {e}" for v, e in zip(vi, en)]
    return table


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


def recommended_scheme(comparison: pd.DataFrame, schemes=None) -> Scheme:
    """The Scheme recommended in ``comparison`` (output of :func:`compare_schemes`).

    Parameters
    ----------
    comparison : output of :func:`compare_schemes`.
    schemes : the list passed to ``compare_schemes`` (needed for custom schemes); ``None``
        resolves built-in names.

    Examples
    --------
    >>> t = pd.DataFrame({"scheme": ["single_league", "max_band_jenks_k2"], "recommended": [False, True]})
    >>> recommended_scheme(t).name
    'max_band_jenks_k2'
    """
    if not {"scheme", "recommended"} <= set(comparison.columns):
        raise ValueError("`comparison` must come from compare_schemes (needs `scheme`, `recommended`).")
    rec = comparison.loc[comparison["recommended"].astype(bool), "scheme"]
    if len(rec) != 1:
        raise ValueError("`comparison` must have exactly one recommended scheme.")
    name = rec.iat[0]
    for s in schemes or []:
        if isinstance(s, Scheme) and s.name == name:
            return s
    return resolve_schemes([name])[0]


# --------------------------------------------------------------------------- words


def scheme_label(name: str, lang: str = "vi") -> str:
    """Display name of a scheme.

    Examples
    --------
    >>> scheme_label("max_band_jenks_k3", "en")
    '3 bands of maximum (natural breaks)'
    >>> scheme_label("single_league")
    'Một bảng chung (chính thức)'
    """
    check_lang(lang)
    fixed = {
        "single_league": ("Một bảng chung (chính thức)", "Single league (official)"),
        "by_unit_type": ("Theo loại đơn vị", "By unit type"),
        "standardised_league": ("Bảng chung, chỉ số chuẩn hóa", "Single league, standardised index"),
        "shrunk_league": ("Bảng chung, chỉ số co rút", "Single league, shrunk index"),
    }
    if name in fixed:
        return fixed[name][0 if lang == "vi" else 1]
    parts = name.split("_")
    if len(parts) == 4 and parts[:2] == ["max", "band"] and parts[2] in _METHODS and parts[3][1:].isdigit():
        k = parts[3][1:]
        if lang == "vi":
            how = "phân vị" if parts[2] == "quantile" else "ngắt tự nhiên"
            return f"{k} nhóm theo điểm tối đa ({how})"
        how = "quantiles" if parts[2] == "quantile" else "natural breaks"
        return f"{k} bands of maximum ({how})"
    return name


def recommendation_text(comparison: pd.DataFrame, lang: str = "vi") -> str:
    """One paragraph naming the recommended scheme and why, from :func:`compare_schemes`.

    Examples
    --------
    >>> t = pd.DataFrame({"scheme": ["single_league"], "year": [2023], "recommended": [True],
    ...                   "fairness": [0.4], "reason_vi": ["…"], "reason_en": ["because"]})
    >>> recommendation_text(t, "en")
    'Year 2023: recommended scheme: Single league (official) (fairness 0.40). because'
    """
    check_lang(lang)
    need = {"scheme", "recommended", "fairness", "reason_vi", "reason_en"}
    if not need <= set(comparison.columns):
        raise ValueError(f"`comparison` must come from compare_schemes (needs {sorted(need)}).")
    row = comparison[comparison["recommended"]]
    if len(row) != 1:
        raise ValueError("`comparison` must have exactly one recommended scheme.")
    row = row.iloc[0]
    year = row["year"] if "year" in comparison.columns else ""
    if lang == "vi":
        return (f"Năm {year}: phương án đề xuất: {scheme_label(row['scheme'], 'vi')} "
                f"(thiên lệch {_fmt(row['fairness'])}). {row['reason_vi']}")
    return (f"Year {year}: recommended scheme: {scheme_label(row['scheme'], 'en')} "
            f"(fairness {_fmt(row['fairness'])}). {row['reason_en']}")
