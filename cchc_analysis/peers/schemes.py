"""Peer-group schemes: the :class:`Scheme` record, its constructors, natural breaks, names and labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from ..labels import check_lang, register

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
    "scheme_label",
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
        "top_k_few_task_share": {"vi": "Tỷ lệ đơn vị ít nhiệm vụ trong nhóm đầu", "en": "Few-task share of the top"},
        "cut_sensitivity": {"vi": "Độ nhạy khi dịch ngưỡng", "en": "Sensitivity to cut points"},
        "cut_moved_share": {"vi": "Tỷ lệ đơn vị đổi nhóm khi dịch ngưỡng", "en": "Share changing group when cuts move"},
        "recommended": {"vi": "Đề xuất", "en": "Recommended"},
        "reason": {"vi": "Lý do", "en": "Reason"},
        "reason_vi": {"vi": "Lý do", "en": "Reason (Vietnamese)"},
        "reason_en": {"vi": "Lý do (tiếng Anh)", "en": "Reason"},
    }
)




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
