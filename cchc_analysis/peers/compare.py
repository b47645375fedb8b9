"""Comparing peer-group schemes and recommending one: :func:`compare_schemes` and its words."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .._deprecation import renamed_keyword
from ..labels import check_lang
from ..ranking import TIE_DECIMALS
from ..text import fmt_number, fmt_pvalue
from ..resample import index_draws
from .intervals import _check_mc, _group_rank_pct_draws, _group_rank_pct_quantiles, _score_draws
from .league import _index_frame, _latest_year, _rank_one
from .schemes import Scheme, _bands, builtin_schemes, resolve_schemes, scheme_label, single_league

__all__ = ["compare_schemes", "recommendation", "recommended_scheme", "recommendation_text"]


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


def _row_spearman(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman's ρ of each row pair of ``a`` and ``b`` (B × n; average ranks)."""
    ra = stats.rankdata(a, axis=1)
    rb = stats.rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum(ra * rb, axis=1) / np.sqrt(np.sum(ra * ra, axis=1) * np.sum(rb * rb, axis=1))


def _weighted_ranks(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Average ranks of ``x`` in each bootstrap resample given by its counts ``W`` (B × n):
    the rank every copy of unit ``i`` gets in ``x`` repeated ``W[b]`` times (as
    ``scipy.stats.rankdata`` of the resampled vector), in O(B·n) after one sort."""
    o = np.argsort(x, kind="stable")
    xs = x[o]
    first = np.searchsorted(xs, xs, side="left")
    last = np.searchsorted(xs, xs, side="right") - 1
    cum = np.cumsum(W[:, o], axis=1, dtype=np.float64)
    below = np.where(first > 0, cum[:, np.maximum(first - 1, 0)], 0.0)
    within = cum[:, last] - below
    R = np.empty(W.shape)
    R[:, o] = below + (within + 1.0) / 2.0
    return R


def _boot_y_part(y: np.ndarray, W: np.ndarray, ry: np.ndarray | None = None):
    """What :func:`_boot_spearman` needs of ``y`` in each resample (computed once for many ``x``)."""
    ry = _weighted_ranks(y, W) if ry is None else ry
    n = W.sum(axis=1)
    dy = ry - (np.einsum("ij,ij->i", W, ry) / n)[:, None]
    return n, dy, np.einsum("ij,ij,ij->i", W, dy, dy)


def _boot_spearman(x: np.ndarray, y: np.ndarray, W: np.ndarray, ry: np.ndarray | None = None,
                   y_part=None) -> np.ndarray:
    """Spearman's ρ of ``(x, y)`` in each resample (counts ``W``); ``ry``: ``y``'s ranks, reused;
    ``y_part``: :func:`_boot_y_part` of ``y``, reused."""
    n, dy, syy = _boot_y_part(y, W, ry) if y_part is None else y_part
    dx = _weighted_ranks(x, W)
    dx -= (np.einsum("ij,ij->i", W, dx) / n)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("ij,ij,ij->i", W, dx, dy) / np.sqrt(np.einsum("ij,ij,ij->i", W, dx, dx) * syy)


def _league_bias_p(mi: pd.DataFrame, uid: np.ndarray, mx: np.ndarray) -> float:
    """p-value of the single league's unfairness: the composition row of
    :func:`cchc_analysis.bias.few_task_bias` (HC3 slope of the model's composition effect on
    log M, ease variance by the delta method, H0: |effect| ≤ MATERIALITY points per doubling)."""
    from ..bias.battery import MATERIALITY
    from ..bias.twoway import slope_test

    fit = mi.attrs["fit"]
    key = pd.Index(mi["unit_id"].astype(str))
    rows = key.get_indexer(uid.astype(str))
    pos = pd.Index(fit.unit_ids).get_indexer(uid.astype(str))
    if (rows < 0).any() or (pos < 0).any() or np.any(mx <= 0):
        return np.nan
    comp = mi["composition"].to_numpy(float)[rows]
    _, g_comp = fit.gradients()
    r = slope_test(fit, comp, np.log(mx), gradient=g_comp[pos])
    if not (np.isfinite(r["se"]) and r["se"] > 0):
        return np.nan
    z = (abs(r["beta"]) * np.log(2) - MATERIALITY) / (r["se"] * np.log(2))
    return float(stats.norm.sf(z))


def _nan0(x):
    return np.where(np.isfinite(x), x, 0.0)


def recommendation(comparison: pd.DataFrame, *, min_group_size: int = 3, fairness_tol: float = 0.1) -> pd.DataFrame:
    """Pick one scheme of a comparison table and give every scheme its reason (vi, en).

    The rule is the one of :func:`compare_schemes` (see its Notes), applied to a table with
    the columns ``scheme, kind, score, min_group, fairness, stability, kendall_tau``.

    Returns
    -------
    DataFrame
        ``scheme, recommended, reason_vi, reason_en``, one row per row of ``comparison``
        (same order and index); exactly one row is recommended.

    Examples
    --------
    >>> t = pd.DataFrame({"scheme": ["single_league", "bands"], "kind": ["single", "band"],
    ...                   "score": "index", "min_group": [30, 10], "fairness": [0.4, 0.05],
    ...                   "stability": [0.2, 0.3], "kendall_tau": [1.0, 0.8]})
    >>> recommendation(t)[["scheme", "recommended"]]
              scheme  recommended
    0  single_league        False
    1          bands         True
    """
    need = {"scheme", "kind", "score", "min_group", "fairness", "stability", "kendall_tau"}
    if not need <= set(comparison.columns):
        raise ValueError(f"`comparison` lacks {sorted(need - set(comparison.columns))}; pass compare_schemes' table.")
    if len(comparison) == 0:
        raise ValueError("`comparison` is empty.")
    if ({"fairness_model", "fairness_model_lo", "fairness_model_hi", "fairness_gain_lo"} <= set(comparison.columns)
            and np.isfinite(comparison["fairness_model"].to_numpy(float)).all()):
        return _recommendation_model(comparison, min_group_size=min_group_size, fairness_tol=fairness_tol)
    table = comparison
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
    tol_vi, tol_en = (fmt_number(fairness_tol, lang, 3, strip=True) for lang in ("vi", "en"))
    fp_vi, fp_en = (fmt_number(table["fairness"].iat[pick], lang) for lang in ("vi", "en"))
    sp_vi, sp_en = (fmt_number(stab[pick], lang) for lang in ("vi", "en"))
    vi, en = [], []
    for i in range(n):
        f_vi, f_en = (fmt_number(table["fairness"].iat[i], lang) for lang in ("vi", "en"))
        s_vi, s_en = (fmt_number(stab[i], lang) for lang in ("vi", "en"))
        if i == pick and official[i] and eligible[i]:
            vi.append(
                f"Đề xuất giữ bảng chung chính thức: thiên lệch theo điểm tối đa |{f_vi}| đã thuộc nhóm nhỏ nhất "
                f"(sai khác ≤ {tol_vi} so với phương án công bằng nhất), không cần chia nhóm."
            )
            en.append(
                f"Recommended: keep the official single league: its bias by maximum |{f_en}| is already among the "
                f"smallest (within {tol_en} of the fairest scheme), so no grouping is needed."
            )
        elif i == pick:
            vi.append(
                f"Đề xuất: trong các phương án có nhóm nhỏ nhất từ {min_group_size} đơn vị, thiên lệch theo điểm "
                f"tối đa |{f_vi}| thuộc nhóm nhỏ nhất (sai khác ≤ {tol_vi}) và thứ hạng ổn định nhất "
                f"(độ rộng khoảng {s_vi})."
                if eligible[i] else
                f"Đề xuất tạm: không phương án nào có nhóm nhỏ nhất từ {min_group_size} đơn vị; "
                f"thiên lệch |{f_vi}|, độ rộng khoảng {s_vi}."
            )
            en.append(
                f"Recommended: among schemes whose smallest group has at least {min_group_size} units, its bias "
                f"by maximum |{f_en}| is among the smallest (within {tol_en}) and its ranks are the most "
                f"stable (interval width {s_en})."
                if eligible[i] else
                f"Provisional: no scheme has a smallest group of at least {min_group_size} units; "
                f"bias |{f_en}|, interval width {s_en}."
            )
        elif not pool[i]:
            mg = int(table["min_group"].iat[i])
            vi.append(f"Không đề xuất: có nhóm chỉ {mg} đơn vị (cần ít nhất {min_group_size}).")
            en.append(f"Not recommended: a group has only {mg} unit(s) (at least {min_group_size} needed).")
        elif not fair[i]:
            vi.append(f"Không đề xuất: thiên lệch theo điểm tối đa {f_vi}, lớn hơn của {pv} ({fp_vi}).")
            en.append(f"Not recommended: bias by maximum {f_en}, larger than that of {pv} ({fp_en}).")
        elif official[pick]:
            vi.append(f"Không đề xuất: công bằng tương đương bảng chung chính thức ({pv}), nên giữ bảng chung.")
            en.append(f"Not recommended: no fairer than the official single league ({pv}), which is kept.")
        else:
            vi.append(f"Không đề xuất: công bằng tương đương nhưng kém ổn định hơn {pv} ({s_vi} so với {sp_vi}).")
            en.append(f"Not recommended: as fair, but less stable than {pv} ({s_en} vs {sp_en}).")
    return pd.DataFrame({"scheme": names, "recommended": rec, "reason_vi": vi, "reason_en": en},
                        index=comparison.index)


def _recommendation_model(table: pd.DataFrame, *, min_group_size: int, fairness_tol: float) -> pd.DataFrame:
    """The rule of issue 20 (see :func:`compare_schemes`, Notes): regroup only when the single
    league is significantly unfair after the two-way model and another scheme is
    significantly fairer; stability only breaks ties."""
    n = len(table)
    names = table["scheme"].tolist()
    kind, score = table["kind"].to_numpy(), table["score"].to_numpy()
    official = (kind == "single") & (score == "index")
    fm = table["fairness_model"].to_numpy(float)
    flo, fhi = table["fairness_model_lo"].to_numpy(float), table["fairness_model_hi"].to_numpy(float)
    glo = table["fairness_gain_lo"].to_numpy(float)
    stab = table["stability"].to_numpy(float)
    tau = table["kendall_tau"].to_numpy(float)
    eligible = table["min_group"].to_numpy() >= min_group_size
    off = np.flatnonzero(official)
    o = int(off[0]) if len(off) else None
    if "league_biased" in table.columns and pd.notna(table["league_biased"].iat[0]):
        # the calibrated test of the few-task audit (composition row of few_task_bias)
        league_biased = o is not None and bool(table["league_biased"].iat[0])
    else:
        league_biased = o is not None and np.isfinite(flo[o]) and (flo[o] > 0 or fhi[o] < 0)
    lp = float(table["league_bias_p"].iat[0]) if "league_bias_p" in table.columns else np.nan
    p_vi = f"; kiểm định cơ cấu tiêu chí {fmt_pvalue(lp, 'vi')}" if np.isfinite(lp) else ""
    p_en = f"; criteria-mix test {fmt_pvalue(lp, 'en')}" if np.isfinite(lp) else ""
    better = eligible & np.isfinite(glo) & (glo > 0) & ~official
    if o is None:
        pool = np.flatnonzero(eligible) if eligible.any() else np.arange(n)
    elif league_biased and better.any():
        pool = np.flatnonzero(better)
    else:
        pool = np.array([o])
    absf = np.abs(np.where(np.isfinite(fm), fm, np.inf))
    best = absf[pool].min()
    ties = [i for i in pool if absf[i] <= best + fairness_tol / 2]
    pick = sorted(ties, key=lambda i: (np.nan_to_num(stab[i], nan=np.inf), -np.nan_to_num(tau[i], nan=-np.inf), i))[0]
    rec = np.zeros(n, dtype=bool)
    rec[pick] = True

    def f(x, lang):
        return fmt_number(x, lang)

    vi, en = [], []
    for i in range(n):
        ci_vi = f"{f(fm[i], 'vi')}, KTC {f(flo[i], 'vi')} đến {f(fhi[i], 'vi')}"
        ci_en = f"{f(fm[i], 'en')}, CI {f(flo[i], 'en')} to {f(fhi[i], 'en')}"
        if i == pick and official[i]:
            if not league_biased:
                vi.append(f"Đề xuất giữ bảng chung chính thức: sau khi tách năng lực bằng mô hình đơn vị × tiêu chí, "
                          f"không có bằng chứng rõ rằng cơ cấu tiêu chí ưu ái theo điểm tối đa (thiên lệch {ci_vi}{p_vi}). "
                          "Khác biệt còn lại là năng lực thật; chia nhóm sẽ xóa đi khác biệt đó.")
                en.append(f"Recommended: keep the official single league: once ability is taken out by the unit × "
                          f"criterion model, there is no clear evidence that the criteria mix favours units by their "
                          f"maximum (bias {ci_en}{p_en}). What remains is genuine ability; grouping would remove these "
                          "real differences.")
            else:
                vi.append(f"Đề xuất giữ bảng chung chính thức: có thiên lệch theo điểm tối đa ({ci_vi}{p_vi}) nhưng "
                          "không phương án chia nhóm nào công bằng hơn rõ rệt; nên công bố kèm chỉ số điều chỉnh theo mô hình.")
                en.append(f"Recommended: keep the official single league: it is biased by maximum ({ci_en}{p_en}) but no "
                          "grouping is clearly fairer; publish the model-adjusted index next to it.")
        elif i == pick:
            vi.append(f"Đề xuất: bảng chung thiên lệch rõ theo điểm tối đa và phương án này công bằng hơn rõ rệt "
                      f"(thiên lệch sau mô hình {ci_vi}); độ ổn định chỉ dùng để chọn giữa các phương án ngang nhau "
                      f"(độ rộng khoảng {f(stab[i], 'vi')}). Lưu ý: chia nhóm cũng xóa khác biệt năng lực thật giữa các nhóm.")
            en.append(f"Recommended: the single league is clearly biased by maximum and this scheme is clearly "
                      f"fairer (bias after the model {ci_en}); stability only breaks ties (interval width "
                      f"{f(stab[i], 'en')}). Note: grouping also removes genuine differences in ability between groups.")
        elif not eligible[i]:
            mg = int(table["min_group"].iat[i])
            vi.append(f"Không đề xuất: có nhóm chỉ {mg} đơn vị (cần ít nhất {min_group_size}).")
            en.append(f"Not recommended: a group has only {mg} unit(s) (at least {min_group_size} needed).")
        elif official[pick] and not league_biased:
            vi.append(f"Không đề xuất: bảng chung không thiên lệch rõ sau mô hình, nên giữ bảng chung (thiên lệch {ci_vi}).")
            en.append(f"Not recommended: the single league shows no clear bias after the model, so it is kept "
                      f"(bias {ci_en}).")
        elif not better[i] and not official[i]:
            vi.append(f"Không đề xuất: không công bằng hơn bảng chung một cách rõ rệt ({ci_vi}).")
            en.append(f"Not recommended: not clearly fairer than the single league ({ci_en}).")
        else:
            vi.append(f"Không đề xuất: kém công bằng hơn hoặc kém ổn định hơn {names[pick]} ({ci_vi}).")
            en.append(f"Not recommended: less fair, or as fair but less stable than {names[pick]} ({ci_en}).")
    return pd.DataFrame({"scheme": names, "recommended": rec, "reason_vi": vi, "reason_en": en}, index=table.index)


def compare_schemes(
    scores: pd.DataFrame,
    schemes=None,
    *,
    n_draws: int = 2_000,
    top_k: int = 5,
    seed: int = 0,
    year=None,
    n_trials: int = 4,
    confidence: float = 0.95,
    cut_shift: float = 0.05,
    min_group_size: int = 3,
    fairness_tol: float = 0.1,
    level: float | None = None,
    n_boot: int = 999,
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
    confidence : coverage of the rank-percentile intervals.
    cut_shift : move of each cut point, as a share of the range of ``max_points``.
    min_group_size, fairness_tol : parameters of the recommendation rule (below).
    level : deprecated name of ``confidence`` (``FutureWarning``).
    n_boot : bootstrap resamples of the units for the fairness intervals.

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
    **Fairness after the two-way model** (issue 20). ``fairness`` (Spearman of the rank
    percentile with the maximum) is also +0.7 for a ranking by true ability when few-task
    units really are better, so the rule does not use it. ``fairness_model`` is Spearman's
    ρ between the maximum and each unit's *discrepancy*: its rank percentile under the
    scheme minus the rank percentile of its ability (the model-adjusted index of
    :func:`cchc_analysis.bias.model_index`) in the same groups; > 0 means few-task units are
    ranked better than their ability. ``fairness_model_lo/hi``: its bootstrap interval
    (``n_boot`` resamples of the units, ``confidence``); ``fairness_gain_lo/hi``: the
    interval of ``|fairness_model(single league)| − |fairness_model(scheme)|`` (> 0:
    fairer than the single league), from the same resamples.

    **Recommendation rule.** (1) Eligible schemes: smallest group of at least
    ``min_group_size`` units (a league of one or two is no league). (2) The official single
    league (``kind == "single"`` on ``index``) is kept unless it is significantly unfair
    *and* some eligible scheme's ``fairness_gain_lo > 0``. "Significantly unfair"
    (``league_biased``) is the calibrated test of the few-task audit, the composition row of
    :func:`cchc_analysis.bias.few_task_bias` (``league_bias_p`` ≤ 1 − ``confidence``: the
    model's composition effect has a slope on log M beyond 1 index point per doubling;
    the bootstrap interval of ``fairness_model`` is too liberal on 15 units, 13 % false
    regroupings in the disjoint-criteria calibration world); where the model cannot be
    fitted, the interval of ``fairness_model`` excluding 0. (3) Else,
    among those significantly fairer schemes, the smallest ``|fairness_model|``; schemes
    within ``fairness_tol / 2`` of it tie and the most stable wins (smallest
    ``stability``), then the closest to the official order (larger ``kendall_tau``), then
    the first listed. Exactly one scheme is recommended. (Without the model columns,
    e.g. a table built by hand, :func:`recommendation` applies the rule before issue 20:
    ``|fairness|`` within ``fairness_tol`` of the smallest, the official league if among
    them, else the most stable.)

    Examples
    --------
    >>> from cchc_analysis.peers import by_max_band, single_league
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
    confidence = renamed_keyword(confidence, level, new="confidence", old="level",
                                 func="compare_schemes", default=0.95)
    _check_mc(n_draws, n_trials, confidence)
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
    draws = index_draws(scores, uid, year=y, n_draws=n_draws, n_trials=n_trials, survey="binomial", seed=seed)
    a = (1.0 - confidence) / 2.0
    rng_range = float(np.ptp(mx))
    # ability from the two-way model (NaN where the model cannot be fitted)
    league_p = np.nan
    try:
        from ..bias.twoway import model_index

        mi = model_index(scores, year=y)
        mm = mi.set_index("unit_id")
        ability = pd.Series(uid.astype(str)).map(mm["index_model"]).to_numpy(float)
        league_p = _league_bias_p(mi, uid, mx)
    except ValueError:
        ability = np.full(n, np.nan)
    boot = ry_boot = None
    fb_of = {}  # each scheme's bootstrap fairness, used twice
    if n_boot:
        bi = np.random.default_rng([int(seed), 20]).integers(0, n, size=(int(n_boot), n))
        boot = np.bincount((bi + n * np.arange(int(n_boot))[:, None]).ravel(),
                           minlength=int(n_boot) * n).reshape(int(n_boot), n).astype(np.float64)
        del bi
        ry_boot = _boot_y_part(mx, boot)
    disc = {}
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
        lo, hi = _group_rank_pct_quantiles(_score_draws(idx, draws, s.score), groups, [a, 1.0 - a])
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
        fm = flo = fhi = np.nan
        if np.isfinite(ability).all():
            ra = _group_rank_pct_draws(ability[None, :], groups)[0]
            e = np.round(rp - ra, TIE_DECIMALS)
            disc[s.name] = e
            fm = _spearman(e, mx) if np.ptp(e) > 0 else 0.0
            if boot is not None:
                fb_of[s.name] = fb = _nan0(_boot_spearman(e, mx, boot, y_part=ry_boot))
                flo, fhi = (float(v) for v in np.quantile(fb, [a, 1 - a]))
        rows.append({
            "year": y, "scheme": s.name, "kind": s.kind, "score": s.score, "n_units": n,
            "n_groups": int(len(sizes)), "min_group": int(sizes.min()), "max_group": int(sizes.max()),
            "fairness": _spearman(rp, mx), "fairness_model": fm, "fairness_model_lo": flo,
            "fairness_model_hi": fhi, "stability": float(np.mean(hi - lo)),
            "kendall_tau": tau, "footrule": foot,
            "top_k_few_task_share": float(few[top].mean()),
            "cut_sensitivity": cut_sens, "cut_moved_share": cut_moved,
        })
    table = pd.DataFrame(rows)
    # the gain in fairness over the single league, from the same resamples
    e_off = None
    if disc and boot is not None:
        base_off = idx.assign(score=idx["index"])
        g_off = _rank_one(base_off, single_league())["peer_group"].to_numpy()
        ra_off = _group_rank_pct_draws(ability[None, :], g_off)[0]
        e_off = np.round(official["rank_pct"].to_numpy(float) - ra_off, TIE_DECIMALS)
        f_off = np.abs(_nan0(_boot_spearman(e_off, mx, boot, y_part=ry_boot)))
    glo, ghi = [], []
    for s in schemes:
        if e_off is None or s.name not in disc:
            glo.append(np.nan)
            ghi.append(np.nan)
            continue
        gain = f_off - np.abs(fb_of[s.name])
        lo_g, hi_g = np.quantile(gain, [a, 1 - a])
        glo.append(float(lo_g))
        ghi.append(float(hi_g))
    table["fairness_gain_lo"] = glo
    table["fairness_gain_hi"] = ghi
    table["league_bias_p"] = league_p
    table["league_biased"] = bool(league_p <= 1 - confidence) if np.isfinite(league_p) else np.nan
    rec = recommendation(table, min_group_size=min_group_size, fairness_tol=fairness_tol)
    table["recommended"] = rec["recommended"]
    table["reason_vi"] = rec["reason_vi"]
    table["reason_en"] = rec["reason_en"]
    table["reason"] = [f"{v} / {e}" for v, e in zip(rec["reason_vi"], rec["reason_en"])]
    return table



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
    fm = float(row["fairness_model"]) if "fairness_model" in comparison.columns else np.nan
    if np.isfinite(fm):
        if lang == "vi":
            return (f"Năm {year}: phương án đề xuất: {scheme_label(row['scheme'], 'vi')} "
                    f"(thiên lệch sau mô hình {fmt_number(fm, 'vi')}). {row['reason_vi']}")
        return (f"Year {year}: recommended scheme: {scheme_label(row['scheme'], 'en')} "
                f"(bias after the model {fmt_number(fm, 'en')}). {row['reason_en']}")
    if lang == "vi":
        return (f"Năm {year}: phương án đề xuất: {scheme_label(row['scheme'], 'vi')} "
                f"(thiên lệch {fmt_number(row['fairness'], 'vi')}). {row['reason_vi']}")
    return (f"Year {year}: recommended scheme: {scheme_label(row['scheme'], 'en')} "
            f"(fairness {fmt_number(row['fairness'], 'en')}). {row['reason_en']}")
