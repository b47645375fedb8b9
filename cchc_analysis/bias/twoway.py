"""The unit × criterion two-way model: tell composition (which criteria) from ability.

Model (one year). Criterion ``c`` is scored in steps of ``s_c`` points, so a unit with
maximum ``m_uc`` on it has ``t_c = m_uc / s_c`` trials; its points ``k_uc`` are
``k_uc / s_c`` successes out of ``t_c``, binomial with

    ``logit p_uc = a_u + d_c``

(``a_u`` the unit's *ability*, ``d_c`` the criterion's *ease*; Rasch-type, binomial
logit). Both get weak normal priors (regularisation: a unit at 100 % on everything has
a finite ability), ``a_u ~ N(0, σ²)``, ``d_c ~ N(0, σ²)`` with ``σ = prior_sd``
(3 logits by default); fitted by penalised maximum likelihood (joint Newton steps
through the C × C Schur complement, vectorised). The scoring step ``s_c`` is detected from the points seen
(the largest ``m/t``, ``t = 1..max_trials``, of which every score is a multiple), or given.

From the fit, on the index scale (0..100):

- ``index_model = 100 Σ_c w_c p_uc / Σ_c w_c``: the index unit ``u`` would get on the
  *reference* criteria set (every criterion of the year, weighted by its mean maximum
  over units, ``w_c = Σ_u m_uc / U``). Strictly increasing in ``a_u``: it ranks units by
  ability, whatever criteria they happen to have. This is the adjusted index.
- ``index_fitted = 100 Σ_{c ∈ C_u} m_uc p_uc / M_u``: the model's raw index.
- ``composition = index_fitted − index_model``: what the unit's own criteria set adds
  to its index beyond its ability (positive: easier criteria than the reference).

Comparability: abilities are comparable only between units linked through shared
criteria (a connected unit–criterion graph). :func:`fit_twoway` finds the connected
components; with more than one, each component's ease is centred on its own (no
adjustment between components) and ``fit.message`` says so in both languages.

Tests on the fit (:func:`slope_test`): the HC3 slope of a unit quantity on ``log M``,
with the variance of the estimated eases added by the delta method
(``L' Cov(d̂) L``, ``Cov(d̂)`` the inverse of the Schur complement of the penalised
information) — without it, a quantity that is nearly a function of ``d̂`` (the
composition) would look certain.

References: Rasch G. (1960) *Probabilistic models for some intelligence and attainment
tests*; Goldstein H. & Spiegelhalter D.J. (1996) League tables and their limitations,
*JRSS A* 159:385-443 (adjust for intake, then rank the unit effects).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from scipy import sparse, special

__all__ = ["TwoWayFit", "fit_twoway", "model_index", "slope_test", "detect_trials", "row_trials"]


def detect_trials(points, max_points, *, max_trials: int = 20) -> int:
    """Scoring steps of one criterion: the smallest ``t`` such that every ``points · t / max``
    is a whole number (``t`` trials of ``max / t`` points); ``max_trials`` if none.

    Examples
    --------
    >>> detect_trials([0, 2, 2], [2, 2, 2]), detect_trials([0.5, 1.5, 2], [2, 2, 2])
    (1, 4)
    """
    p = np.asarray(points, dtype=float)
    m = np.broadcast_to(np.asarray(max_points, dtype=float), p.shape)
    ok = m > 0
    if not ok.any():
        return 1
    r = p[ok] / m[ok]
    for t in range(1, int(max_trials) + 1):
        x = r * t
        if np.all(np.abs(x - np.round(x)) < 1e-6):
            return t
    return int(max_trials)


def row_trials(criterion, points, max_points, *, trials=None, max_trials: int = 20) -> np.ndarray:
    """Binomial trials of each criterion row, from its criterion's scoring step.

    Criterion ``c``'s trials ``t_c`` (for its largest maximum ``m_c``) are detected from
    the points seen (:func:`detect_trials`) unless given (``trials``: an int for all, or a
    dict ``criterion -> int``; missing criteria are detected); a row with maximum ``m``
    has ``t_c · m / m_c`` trials (the same step in points).

    Examples
    --------
    >>> row_trials(["x", "x", "y", "y"], [0.5, 2, 1, 0], [2, 2, 1, 1]).tolist()
    [4.0, 4.0, 1.0, 1.0]
    """
    crit = np.asarray(criterion).astype(str)
    k = np.asarray(points, dtype=float)
    m = np.asarray(max_points, dtype=float)
    crits, ci = np.unique(crit, return_inverse=True)
    C = len(crits)
    mref = np.zeros(C)
    np.maximum.at(mref, ci, np.where(np.isfinite(m), m, 0.0))
    k = np.clip(np.where(np.isfinite(k), k, 0.0), 0, np.where(np.isfinite(m), m, 0.0))
    order = np.argsort(ci, kind="stable")
    bounds = np.searchsorted(ci[order], np.arange(C + 1))
    t_c = np.empty(C)
    for j, c in enumerate(crits):
        if isinstance(trials, dict) and c in trials:
            t_c[j] = float(trials[c])
        elif trials is not None and not isinstance(trials, dict):
            t_c[j] = float(trials)
        else:
            sel = order[bounds[j]:bounds[j + 1]]
            t_c[j] = detect_trials(k[sel], m[sel], max_trials=max_trials)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mref[ci] > 0, t_c[ci] * m / np.where(mref[ci] > 0, mref[ci], 1.0), t_c[ci])


@dataclass
class TwoWayFit:
    """A fitted two-way model of one year (see the module notes)."""

    year: object
    unit_ids: np.ndarray
    criteria: np.ndarray
    ability: np.ndarray          # a_u (logit)
    ability_se: np.ndarray
    ease: np.ndarray             # d_c (logit)
    trials: np.ndarray           # t_c per unit of max points... per criterion: trials of a full row
    applicable: np.ndarray       # U × C bool
    max_uc: np.ndarray           # U × C max points (0 where not applicable)
    points_uc: np.ndarray        # U × C points
    trials_uc: np.ndarray        # U × C trials
    weight: np.ndarray           # w_c, reference weights
    component: np.ndarray        # component id of each unit
    n_components: int
    n_shared: np.ndarray         # per unit: criteria it shares with another unit
    prior_sd: float
    converged: bool
    iterations: int
    message: dict = field(default_factory=dict)

    def p(self) -> np.ndarray:
        return special.expit(self.ability[:, None] + self.ease[None, :])

    def info(self):
        """Penalised information blocks: diag I_aa (U), diag I_dd (C), I_ad (U × C)."""
        p = self.p()
        v = self.trials_uc * p * (1 - p)
        s2 = self.prior_sd ** 2
        return v.sum(axis=1) + 1 / s2, v.sum(axis=0) + 1 / s2, v

    def ease_cov(self) -> np.ndarray:
        """Covariance of the eases (Schur complement of the penalised information)."""
        iaa, idd, iad = self.info()
        S = np.diag(idd) - (iad / iaa[:, None]).T @ iad
        return np.linalg.pinv(S)

    def frame(self) -> pd.DataFrame:
        """One row per unit: ``unit_id, ability, ability_se, index_fitted, index_model,
        composition, component, n_shared``."""
        p = self.p()
        M = self.max_uc.sum(axis=1)
        fitted = 100 * (self.max_uc * p).sum(axis=1) / np.where(M > 0, M, 1.0)
        W = self.weight.sum()
        ref = 100 * (p * self.weight[None, :]).sum(axis=1) / W
        return pd.DataFrame({
            "unit_id": self.unit_ids, "ability": self.ability, "ability_se": self.ability_se,
            "index_fitted": fitted, "index_model": ref, "composition": fitted - ref,
            "component": self.component, "n_shared": self.n_shared})

    def gradients(self):
        """d(quantity_u)/d(ease_c), total (the unit's ability re-fitted), for
        ``index_model`` and ``composition``: two U × C arrays."""
        p = self.p()
        pq = p * (1 - p)
        M = self.max_uc.sum(axis=1)
        W = self.weight.sum()
        d_ref = 100 * pq * self.weight[None, :] / W
        d_fit = 100 * pq * self.max_uc / np.where(M > 0, M, 1.0)[:, None]
        iaa, _, iad = self.info()
        da = -iad / iaa[:, None]          # d a_u / d d_c
        out = []
        for D in (d_ref, d_fit - d_ref):
            out.append(D + D.sum(axis=1)[:, None] * da)
        return out


_MSG_SPLIT = {
    "vi": ("Các đơn vị chia thành {k} nhóm không có tiêu chí chung; năng lực chỉ so được trong từng nhóm, "
           "giữa các nhóm chỉ số điều chỉnh giữ nguyên chênh lệch thô."),
    "en": ("The units fall into {k} groups that share no criterion; ability can be compared only within "
           "a group, and between groups the adjusted index keeps the raw differences."),
}
_MSG_ALONE = {
    "vi": "{k} đơn vị không có tiêu chí nào chung với đơn vị khác: không tách được năng lực khỏi độ khó tiêu chí.",
    "en": "{k} unit(s) share no criterion with any other unit: their ability cannot be told from their criteria's difficulty.",
}


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of an array of strings through a hash table
    (``pandas.factorize``, then only the distinct values sorted): the same sorted values and
    codes, without sorting every row."""
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():                 # a missing value: numpy's own behaviour (an error)
        return np.unique(values, return_inverse=True)
    return np.asarray(uniques), codes


def fit_twoway(scores: pd.DataFrame, *, year=None, trials=None, max_trials: int = 20,
               prior_sd: float = 3.0, tol: float = 1e-7, max_iter: int = 500) -> TwoWayFit:
    """Fit ``logit p_uc = a_u + d_c`` (binomial, trials from each criterion's scoring step).

    Parameters
    ----------
    scores : canonical scores table (``year, unit_id, criterion, max_points, points, applicable``).
    year : the year (default: the latest).
    trials : trials per criterion: ``None`` (detected from the points seen,
        :func:`detect_trials`), an int for all, or a dict ``criterion -> int``.
    max_trials : cap of the detection (criteria scored on a continuous scale get it).
    prior_sd : SD of the normal priors of abilities and eases (logits).

    Examples
    --------
    >>> s = pd.DataFrame({"year": 2023, "unit_id": list("aabbcc"), "criterion": ["x", "y"] * 3,
    ...                   "max_points": 1.0, "points": [1, 1, 1, 0, 0, 0.0], "applicable": True})
    >>> f = fit_twoway(s)
    >>> f.frame()["index_model"].round(1).tolist()
    [87.4, 50.0, 12.6]
    """
    from .adjusted import _applicable_rows, _check_scores, _pick_year

    _check_scores(scores)
    year = _pick_year(scores, year)
    rows = _applicable_rows(scores[scores["year"] == year])
    rows = rows[rows["max_points"] > 0]
    if rows.empty:
        raise ValueError(f"No applicable criterion with points in year {year}.")
    uids, ui = _sorted_codes(rows["unit_id"].astype(str).to_numpy())
    crits, ci = _sorted_codes(rows["criterion"].astype(str).to_numpy())
    U, C = len(uids), len(crits)
    m = rows["max_points"].to_numpy(float)
    k = np.clip(rows["points"].to_numpy(float), 0, m)
    # trials per criterion (for its largest maximum); a row's trials scale with its maximum
    mref = np.zeros(C)
    np.maximum.at(mref, ci, m)
    if trials is None or isinstance(trials, dict):
        # each criterion's rows in their table order (a stable sort instead of C masks)
        order = np.argsort(ci, kind="stable")
        bounds = np.searchsorted(ci[order], np.arange(C + 1))
        rows_of = [order[bounds[j]:bounds[j + 1]] for j in range(C)]
        given = trials or {}
        t_c = np.array([float(given[c]) if c in given else
                        detect_trials(k[rows_of[j]], m[rows_of[j]], max_trials=max_trials)
                        for j, c in enumerate(crits)], float)
    else:
        t_c = np.full(C, float(trials))
    t_row = t_c[ci] * m / mref[ci]
    A = np.zeros((U, C), bool)
    A[ui, ci] = True
    Muc = np.zeros((U, C))
    Puc = np.zeros((U, C))
    T = np.zeros((U, C))
    Muc[ui, ci] = m
    Puc[ui, ci] = k
    T[ui, ci] = t_row
    S = np.where(T > 0, Puc / np.where(Muc > 0, Muc, 1.0) * T, 0.0)
    # components of the unit-criterion graph
    from scipy.sparse.csgraph import connected_components

    g = sparse.coo_matrix((np.ones(len(ui)), (ui, U + ci)), shape=(U + C, U + C))
    ncomp, lab = connected_components(g, directed=False)
    comp_u, comp_c = lab[:U], lab[U:]
    _, comp_u = np.unique(comp_u, return_inverse=True)
    _, comp_c = np.unique(comp_c, return_inverse=True)
    units_per_c = A.sum(axis=0)
    n_shared = (A & (units_per_c[None, :] >= 2)).sum(axis=1)
    s2 = float(prior_sd) ** 2
    # start: logits of smoothed unit and criterion rates
    ru = (S.sum(1) + 0.5) / (T.sum(1) + 1)
    a = np.log(ru / (1 - ru))
    d = np.zeros(C)
    nuc = np.maximum(units_per_c, 1)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        # one joint Newton step on the penalised log-likelihood (concave): the d-block by
        # its Schur complement (C × C), the a-block diagonal
        p = special.expit(a[:, None] + d[None, :])
        V = T * p * (1 - p)
        R = S - T * p
        ga = R.sum(1) - a / s2
        gd = R.sum(0) - d / s2
        ha = V.sum(1) + 1 / s2
        hd = V.sum(0) + 1 / s2
        Vs = V / ha[:, None]
        schur = np.diag(hd) - Vs.T @ V
        dd = np.linalg.solve(schur, gd - Vs.T @ ga)
        da = (ga - V @ dd) / ha
        step = max(np.abs(da).max(), np.abs(dd).max())
        if step > 3:
            da, dd = da * 3 / step, dd * 3 / step
        a, d = a + da, d + dd
        if step < tol:
            converged = True
            break
    # report the eases centred within each component (a + d, hence p, unchanged)
    for j in range(ncomp):
        cc = comp_c == j
        shift = np.average(d[cc], weights=nuc[cc])
        d[cc] -= shift
        a[comp_u == j] += shift
    w = Muc.sum(axis=0) / U
    fit = TwoWayFit(year=year, unit_ids=uids, criteria=crits, ability=a, ability_se=np.zeros(U), ease=d,
                    trials=t_c, applicable=A, max_uc=Muc, points_uc=Puc, trials_uc=T, weight=w,
                    component=comp_u, n_components=int(ncomp), n_shared=n_shared, prior_sd=float(prior_sd),
                    converged=converged, iterations=it)
    iaa, _, _ = fit.info()
    fit.ability_se = 1 / np.sqrt(iaa)
    msg = {"vi": [], "en": []}
    if ncomp > 1:
        for lang in ("vi", "en"):
            msg[lang].append(_MSG_SPLIT[lang].format(k=ncomp))
    alone = int((n_shared == 0).sum())
    if alone and U > 1:
        for lang in ("vi", "en"):
            msg[lang].append(_MSG_ALONE[lang].format(k=alone))
    fit.message = {lang: " ".join(v) for lang, v in msg.items()}
    return fit


def model_index(scores: pd.DataFrame, *, year=None, trials=None, prior_sd: float = 3.0) -> pd.DataFrame:
    """The two-way model's adjusted index of one year, one row per unit (see the module notes).

    Returns
    -------
    DataFrame
        ``year, unit_id, [unit_name, unit_type], max_points, index, ability, ability_se,
        index_fitted, index_model, composition, component, n_shared``; ``attrs["message"]``
        holds the comparability warning (``{"vi": ..., "en": ...}``, empty strings when none).

    Examples
    --------
    Unit ``a`` has only the easy criterion, ``b`` and ``c`` both: ``a`` matches ``b`` on
    the easy one, so the model puts ``a`` level with ``b``, above its raw lead over ``c``:

    >>> s = pd.DataFrame({"year": 2023, "unit_id": ["a", "b", "b", "c", "c"],
    ...     "criterion": ["easy", "easy", "hard", "easy", "hard"], "max_points": 4.0,
    ...     "points": [4.0, 4, 2, 3, 1], "applicable": True})
    >>> out = model_index(s)
    >>> out[["unit_id", "index"]].round(1).values.tolist()
    [['a', 100.0], ['b', 75.0], ['c', 50.0]]
    >>> bool(out["index_model"].iloc[0] < out["index"].iloc[0])
    True
    """
    from .adjusted import standardised_index

    fit = fit_twoway(scores, year=year, trials=trials, prior_sd=prior_sd)
    base = standardised_index(scores[scores["year"] == fit.year])
    keep = ["year", "unit_id"] + [c for c in ("unit_name", "unit_type") if c in base.columns] + ["max_points", "index"]
    base = base.loc[base["max_points"] > 0, keep].copy()
    base["unit_id"] = base["unit_id"].astype(str)
    out = base.merge(fit.frame(), on="unit_id", how="left", validate="one_to_one")
    out.attrs["message"] = fit.message
    out.attrs["fit"] = fit
    return out.reset_index(drop=True)


def slope_test(fit: TwoWayFit, values, log_size, *, gradient=None, confidence: float = 0.95) -> dict:
    """HC3 slope of ``values`` (per unit, in ``fit.unit_ids`` order) on ``log_size``, with the
    eases' estimation variance added when ``gradient`` (U × C, d value_u / d ease_c) is given.

    Returns ``beta, se, statistic, p_val, ci_low, ci_high`` (normal reference when the
    ease variance is added, t with n − 2 df otherwise).
    """
    from ..stats import ols_hc3

    y = np.asarray(values, float)
    x = np.asarray(log_size, float)
    n = len(y)
    X = np.column_stack([np.ones(n), x])
    nan = {"beta": np.nan, "se": np.nan, "statistic": np.nan, "p_val": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if n < 4 or np.ptp(x) == 0:
        return nan
    try:
        f = ols_hc3(y, X, confidence=confidence)
    except ValueError:
        return nan
    beta, var = float(f["beta"][1]), float(f["se"][1]) ** 2
    if gradient is not None:
        h = np.linalg.solve(X.T @ X, X.T)[1]        # beta = h · y
        L = h @ gradient
        var += float(L @ fit.ease_cov() @ L)
        se = np.sqrt(var)
        z = beta / se if se > 0 else np.nan
        p = float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan
        q = stats.norm.ppf(0.5 + confidence / 2)
    else:
        se = np.sqrt(var)
        z = float(f["t"][1])
        p = float(f["p_val"][1])
        q = stats.t.ppf(0.5 + confidence / 2, f["df"])
    return {"beta": beta, "se": float(se), "statistic": float(z), "p_val": p,
            "ci_low": beta - q * se, "ci_high": beta + q * se}
