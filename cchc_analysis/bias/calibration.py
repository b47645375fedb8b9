"""Calibration of the few-task bias audit: size, power and accuracy by simulation.

``python -m cchc_analysis.bias.calibration`` (``make calibrate``) prints the table and writes
it atomically to ``data/processed/calibration_few_task_bias.csv`` (never to
``data/raw/``); ``--worlds`` sets the number of simulated datasets per scenario and size.

Worlds (one year; ``n`` = 15, 30, 60, 200 units; a pool of 40 criteria with 1-4 points;
unit ``u`` has ``n_u ~ U(5, 40)`` criteria, ``M_u`` their points; the truth is
``logit p_uc = a_u + d_c``, ``d_c ~ N(0, 1)``, points ``= max · Binomial(t, p) / t``):

``ability``
    genuine ability differences: ``a_u = −0.5 z(log M_u) + N(0, 0.6²)`` (few-task units
    really are better); criteria sets are random subsets of the pool, so there is no
    composition; 4 trials (quarter points).
``ceiling``
    as ``ability`` with every rate near the ceiling (``+2.2`` logits: mean ≈ 89 %).
``all_or_nothing``
    as ``ability`` with all-or-nothing criteria (``t = 1``).
``disjoint``
    two unit types with disjoint task criteria (type A: 6 shared + 6 own criteria,
    type B: the 6 shared + 30 own); every block of 6 repeats the same eases and maxima,
    so both types face the same mix of difficulty (no composition); type A really
    better by 0.5 logit.
``composition``
    ability independent of size; units take the *easiest* ``n_u`` criteria of the pool
    (few-task units have easy criteria): the index is unfair. Power.

Metrics per scenario and size: ``reject_association`` (the primary test: HC3 slope of
the index on log M), ``reject_composition`` (the composition row: the **"unfair"
verdict**, beyond ±1 index point per doubling of M; a false verdict outside the
``composition`` scenario), ``reject_ability``,
``truth_rho_<index>`` (Spearman with the true ability of the raw, standardised, shrunk
and model-adjusted indices). ``ok`` says whether a false-verdict rate is ≤ α + 0.02.

:func:`user_calibration` is the per-report version: the size and power of the primary
test for the units actually analysed (vectorised, cached).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..config import PROCESSED_DIR
from ..labels import register, register_values
from ..outputs import write_csv
from scipy import special

from .adjusted import shrunk_index, unit_sizes
from .battery import _model_rows

__all__ = ["run_calibration", "calibration_table", "calibration_summary", "user_calibration",
           "simulate_world", "CALIBRATION_FILE", "SCENARIOS", "SIZES"]

CALIBRATION_FILE = PROCESSED_DIR / "calibration_few_task_bias.csv"
SCENARIOS = ("ability", "ceiling", "all_or_nothing", "disjoint", "composition")
SIZES = (15, 30, 60, 200)
_NULL = ("ability", "ceiling", "all_or_nothing", "disjoint")
_C = 40


def simulate_world(scenario: str, n: int, rng: np.random.Generator):
    """One simulated year: ``(scores, truth)`` with ``truth`` = ``unit_id, ability``."""
    if scenario not in SCENARIOS:
        raise ValueError(f"Unknown scenario {scenario!r}; allowed: {list(SCENARIOS)}")
    d = rng.normal(0, 1, _C)
    mc = rng.integers(1, 5, _C).astype(float)
    trials = 1 if scenario == "all_or_nothing" else 4
    shift = 2.2 if scenario == "ceiling" else 0.6
    if scenario == "disjoint":
        # 6 shared criteria; type A adds 6 own, type B 30 own; every block repeats the same
        # eases and maxima, so both types face the same mix of difficulty (no composition)
        typ = np.where(rng.uniform(size=n) < 0.5, "A", "B")
        d = np.tile(d[:6], 7)
        mc = np.tile(mc[:6], 7)
        shared, own_a, own_b = np.arange(6), np.arange(6, 12), np.arange(12, 42)
        sets = [np.concatenate([shared, own_a if t == "A" else own_b]) for t in typ]
        a = rng.normal(0, 0.6, n) + np.where(typ == "A", 0.5, 0.0)
    else:
        typ = np.full(n, "unit")
        nc = rng.integers(5, _C + 1, n)
        if scenario == "composition":
            easy = np.argsort(-d)
            sets = [easy[:k] for k in nc]
        else:
            sets = [rng.choice(_C, k, replace=False) for k in nc]
        M = np.array([mc[c].sum() for c in sets])
        lm = np.log(M)
        a = rng.normal(0, 0.6, n)
        if scenario != "composition":
            a = a - 0.5 * (lm - lm.mean()) / (lm.std() if lm.std() > 0 else 1.0)
    uu = np.concatenate([np.full(len(c), i) for i, c in enumerate(sets)])
    cc = np.concatenate(sets)
    p = special.expit(shift + a[uu] + d[cc])
    pts = rng.binomial(trials, p) / trials * mc[cc]
    ids = np.array([f"u{i:03d}" for i in range(n)])
    scores = pd.DataFrame({"year": 2023, "unit_id": ids[uu], "unit_type": typ[uu],
                           "criterion": np.array([f"c{j:02d}" for j in range(len(d))])[cc],
                           "max_points": mc[cc], "points": pts, "applicable": True})
    return scores, pd.DataFrame({"unit_id": ids, "ability": a})


def _one_world(scenario: str, n: int, i: int, seed: int, alpha: float, peers: bool = True) -> dict:
    rng = np.random.default_rng([seed, SCENARIOS.index(scenario), n, i])
    scores, truth = simulate_world(scenario, n, rng)
    units = unit_sizes(scores)
    x = units["size"].to_numpy(float)
    y = units["index"].to_numpy(float)
    units, rows = _model_rows(scores, units, x, y, year=2023)
    out = {f"reject_{r['test']}": float(np.isfinite(r["p_val"]) and r["p_val"] <= alpha) for r in rows}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a degenerate prior (ties) is part of the study
        shr = shrunk_index(scores).set_index("unit_id")["index_shrunk"]
        shr_m = shrunk_index(scores, prior_by="log_max").set_index("unit_id")["index_shrunk"]
    ab = units["unit_id"].map(truth.set_index("unit_id")["ability"])
    m = units.assign(ability=ab, shrunk=units["unit_id"].map(shr), shrunk_logm=units["unit_id"].map(shr_m))
    for name, col in (("raw", "index"), ("standardised", "index_adjusted"), ("shrunk", "shrunk"),
                      ("shrunk_logm", "shrunk_logm"), ("model", "index_model")):
        out[f"truth_rho_{name}"] = float(stats.spearmanr(m["ability"], m[col])[0])
    if peers:
        out.update(_peer_metrics(scores, truth))
    return out


def _peer_metrics(scores, truth) -> dict:
    """The peer-group rule on this world: does it regroup, and is the recommended scheme's
    implied overall order as close to the true ability as the single league's?"""
    from ..peers import by_max_band, compare_schemes, peer_rank, single_league
    from ..peers.compare import _implied_positions

    schemes = [single_league(), by_max_band(2), by_max_band(3)]
    t = compare_schemes(scores, schemes, n_draws=20, n_boot=499)
    rec = t.loc[t["recommended"], "scheme"].iat[0]
    ab = truth.set_index("unit_id")["ability"]
    rho = {}
    for s in schemes:
        if s.name in (rec, "single_league"):
            r = peer_rank(scores, s)
            pos = _implied_positions(r["rank_pct"].to_numpy(float), r["score"].to_numpy(float),
                                     r["unit_id"].to_numpy())
            rho[s.name] = float(stats.spearmanr(-pos, r["unit_id"].map(ab))[0])
    return {"regroup": float(rec != "single_league"), "truth_rho_league": rho["single_league"],
            "truth_rho_recommended": rho[rec]}


def run_calibration(
    *,
    n_worlds: int = 200,
    alpha: float = 0.05,
    seed: int = 0,
    scenarios=SCENARIOS,
    sizes=SIZES,
    progress: bool = False,
    n_worlds_power=None,
    n_perm=None,
    peers: bool = True,
) -> pd.DataFrame:
    """Run the simulation study (see the module notes for the worlds).

    Parameters
    ----------
    n_worlds : datasets per scenario and size.
    alpha : significance level.
    seed : base seed; the same seed gives the same table.
    scenarios, sizes : subsets of :data:`SCENARIOS` and of the numbers of units.
    progress : print one line per scenario and size.
    n_worlds_power, n_perm : accepted for compatibility, unused.
    peers : also run the peer-group rule (:func:`~cchc_analysis.peers.compare_schemes` on the
        single league and 2- and 3-band schemes): ``regroup`` (share of worlds where it
        leaves the single league), ``truth_rho_league`` / ``truth_rho_recommended``
        (Spearman of each one's overall order with the true ability).

    Returns
    -------
    DataFrame
        ``scenario, n_units, metric, value, mc_se, n_worlds, alpha, target, ok`` (tidy).

    Examples
    --------
    >>> t = run_calibration(n_worlds=3, scenarios=("ability",), sizes=(15,), peers=False)
    >>> sorted(t["metric"])[:3]
    ['reject_ability', 'reject_association', 'reject_composition']
    """
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        raise ValueError(f"Unknown scenario(s) {unknown}; allowed: {list(SCENARIOS)}")
    rows = []
    for sc in scenarios:
        for n in sizes:
            t0 = time.perf_counter()
            df = pd.DataFrame([_one_world(sc, int(n), i, seed, alpha, peers) for i in range(n_worlds)])
            for metric in df.columns:
                v = df[metric].to_numpy(float)
                v = v[np.isfinite(v)]
                value = float(v.mean()) if len(v) else np.nan
                if metric.startswith("reject_"):
                    se = float(np.sqrt(value * (1 - value) / len(v))) if len(v) else np.nan
                else:
                    se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else np.nan
                target, ok = "", None
                if metric == "reject_composition":
                    if sc in _NULL:
                        target, ok = "false unfair verdict <= alpha + 0.02", bool(value <= alpha + 0.02)
                    else:
                        target = "power"
                elif metric == "truth_rho_recommended" and sc in _NULL:
                    lg = df["truth_rho_league"].to_numpy(float)
                    target = "recommended no further from the truth than the league"
                    ok = bool(np.nanmean(df[metric].to_numpy(float)) >= np.nanmean(lg) - 1e-9)
                elif metric.startswith("truth_rho"):
                    target = "higher is better"
                rows.append({"scenario": sc, "n_units": int(n), "metric": metric, "value": value, "mc_se": se,
                             "n_worlds": len(v), "alpha": alpha, "target": target, "ok": ok})
            if progress:
                print(f"  {sc} n={n}: {n_worlds} worlds in {time.perf_counter() - t0:.1f} s", flush=True)
    return pd.DataFrame(rows)


def calibration_table(*, path=None, n_worlds: int = 40, seed: int = 0) -> pd.DataFrame:
    """The precomputed calibration table if it exists, otherwise a small fresh run.

    Parameters
    ----------
    path : CSV written by ``python -m cchc_analysis.bias.calibration``
        (default :data:`CALIBRATION_FILE`).
    n_worlds : worlds per scenario of the small run (when no file exists).
    seed : seed of the small run.

    Returns
    -------
    DataFrame
        The table of :func:`run_calibration` plus a column ``source``
        (``"precomputed"`` or ``"small run (n worlds)"``).
    """
    p = Path(path) if path is not None else CALIBRATION_FILE
    if p.exists():
        t = pd.read_csv(p, encoding="utf-8-sig")
        t["source"] = "precomputed"
        return t
    t = run_calibration(n_worlds=n_worlds, seed=seed, sizes=(15, 30))
    t["source"] = f"small run ({n_worlds} worlds)"
    return t


_SUMMARY = {
    "reject_association": "primary_rejection_rate",
    "reject_composition": "unfair_verdict_rate",
    "reject_ability": "ability_rejection_rate",
    "truth_rho_raw": "truth_rho_raw",
    "truth_rho_standardised": "truth_rho_standardised",
    "truth_rho_shrunk": "truth_rho_shrunk",
    "truth_rho_shrunk_logm": "truth_rho_shrunk_logm",
    "truth_rho_model": "truth_rho_model",
    "regroup": "regroup_rate",
    "truth_rho_league": "truth_rho_league",
    "truth_rho_recommended": "truth_rho_recommended",
}


def calibration_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario and size with the numbers that matter (from :func:`run_calibration`).

    Returns
    -------
    DataFrame
        ``scenario, n_units, n_worlds, primary_rejection_rate, unfair_verdict_rate,
        unfair_mc_se, ability_rejection_rate, truth_rho_raw, truth_rho_standardised,
        truth_rho_shrunk, truth_rho_model, ok`` (``ok``: no-composition scenarios only,
        false "unfair" rate ≤ α + 0.02).

    Examples
    --------
    >>> t = run_calibration(n_worlds=3, scenarios=("ability",), sizes=(15,))
    >>> calibration_summary(t).columns[:4].tolist()
    ['scenario', 'n_units', 'n_worlds', 'primary_rejection_rate']
    """
    rows = []
    if "n_units" not in table.columns:
        table = table.assign(n_units=0)
    for (sc, n), g in table.groupby(["scenario", "n_units"], sort=False):
        m = g.set_index("metric")
        row = {"scenario": sc, "n_units": int(n),
               "n_worlds": int(m["n_worlds"].max()) if len(m) else 0}
        for metric, name in _SUMMARY.items():
            row[name] = float(m.loc[metric, "value"]) if metric in m.index else np.nan
            if metric == "reject_composition":
                row["unfair_mc_se"] = float(m.loc[metric, "mc_se"]) if metric in m.index else np.nan
        ok = m.loc["reject_composition", "ok"] if "reject_composition" in m.index else None
        row["ok"] = None if ok is None or (isinstance(ok, float) and np.isnan(ok)) or ok == "" else bool(ok in (True, "True"))
        rows.append(row)
    cols = ["scenario", "n_units", "n_worlds", "primary_rejection_rate", "unfair_verdict_rate", "unfair_mc_se",
            "ability_rejection_rate", "truth_rho_raw", "truth_rho_standardised", "truth_rho_shrunk",
            "truth_rho_shrunk_logm", "truth_rho_model", "regroup_rate", "truth_rho_league", "truth_rho_recommended",
            "ok"]
    return pd.DataFrame(rows, columns=cols)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Calibration of the few-task bias audit (simulation).")
    parser.add_argument("--worlds", type=int, default=200, help="datasets per scenario and size (default 200)")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(f"Calibration: {args.worlds} worlds per scenario and size, alpha = {args.alpha}")
    table = run_calibration(n_worlds=args.worlds, alpha=args.alpha, seed=args.seed, progress=True)
    with pd.option_context("display.width", 200, "display.max_rows", 200, "display.max_columns", 20):
        print(calibration_summary(table).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if not args.no_write:
        print(f"wrote {write_csv(table, CALIBRATION_FILE)}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    bad = table[(table["ok"] == False)]  # noqa: E712
    return 1 if len(bad) else 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- per-report calibration: the primary test for the units actually analysed ---

register({
    "rejection_rate": {"vi": "Tỷ lệ bác bỏ", "en": "Rejection rate"},
    "mc_se": {"vi": "Sai số Monte Carlo", "en": "Monte Carlo SE"},
    "mean_effect_per_doubling": {"vi": "Hiệu ứng trung bình (điểm % khi điểm tối đa gấp đôi)",
                                 "en": "Mean effect (index points per doubling)"},
    "calibration_target": {"vi": "Mục tiêu", "en": "Target"},
})
register_values({
    "no_association": {"vi": "Không có liên hệ (giả thuyết H0)", "en": "No association (null)"},
    "composition_observed": {"vi": "Hiệu ứng cơ cấu bằng mức quan sát", "en": "Composition effect as observed"},
}, column="scenario")

_USER_VERSION = "1"


def _hc3_slope_reject(Y: np.ndarray, lx: np.ndarray, alpha: float):
    """Vectorised HC3 slope test of every row of ``Y`` (worlds × units) on ``lx``."""
    n = len(lx)
    X = np.column_stack([np.ones(n), lx])
    XtXi = np.linalg.inv(X.T @ X)
    H = XtXi @ X.T                          # 2 × n
    h = np.einsum("ij,jk,ik->i", X, XtXi, X)
    beta = Y @ H.T                          # W × 2
    E = Y - beta @ X.T
    var = (E ** 2 / (1 - h) ** 2) @ (H[1] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = beta[:, 1] / np.sqrt(var)
    p = 2 * stats.t.sf(np.abs(t), n - 2)
    return p <= alpha, beta[:, 1]


def user_calibration(scores: pd.DataFrame, *, year=None, alpha: float = 0.05, n_worlds: int = 1_000,
                     seed: int = 0, cache_dir=None) -> pd.DataFrame:
    """Size and power of the primary test (HC3 slope of the index on log M) for these units.

    The units, their criteria sets, maxima and scoring steps are those of ``scores`` (one
    year); abilities and criterion eases come from the two-way model
    (:func:`~cchc_analysis.bias.twoway.fit_twoway`). Two scenarios of ``n_worlds`` simulated
    datasets each (binomial points, as in the model):

    - ``no_association``: abilities permuted across units and eases shuffled across the applicable
      cells: no association of the index with size; the rejection rate is the test's
      *size* (target ``α ± 0.02``);
    - ``composition_observed``: abilities permuted, eases kept where they are: the
      composition effect of the size observed in the data; the rejection rate is the
      *power* against it.

    Vectorised (≤ 5 s for 40 units and 1,000 worlds); the table is cached in
    ``cache_dir`` (default ``data/processed/``) under a hash of its inputs.

    Returns
    -------
    DataFrame
        ``scenario, n_units, n_worlds, alpha, rejection_rate, mc_se,
        mean_effect_per_doubling, calibration_target, ok`` (one row per scenario).

    Examples
    --------
    >>> from cchc_analysis.synthetic import make_synthetic_scores
    >>> s = make_synthetic_scores(seed=1, n_cuc=8, n_vu=8, years=(2023,))
    >>> t = user_calibration(s, n_worlds=200, cache_dir=False)
    >>> t["scenario"].tolist()
    ['no_association', 'composition_observed']
    """
    import hashlib

    from .twoway import fit_twoway

    if not 0 < alpha < 1:
        raise ValueError(f"`alpha` must be between 0 and 1, but {alpha!r} was passed.")
    if not isinstance(n_worlds, (int, np.integer)) or n_worlds < 10:
        raise ValueError(f"`n_worlds` must be an integer of at least 10, but {n_worlds!r} was passed.")
    fit = fit_twoway(scores, year=year)
    A = fit.applicable
    uu, cc = np.nonzero(A)
    m = fit.max_uc[uu, cc]
    t = np.maximum(1, np.round(fit.trials_uc[uu, cc])).astype(np.int64)
    M = fit.max_uc.sum(axis=1)
    U = len(M)
    lx = np.log(M)
    key = hashlib.sha256()
    for arr in (fit.ability, fit.ease, uu, cc, m, t):
        key.update(np.ascontiguousarray(arr).tobytes())
    key.update(f"{alpha}|{n_worlds}|{seed}|{_USER_VERSION}".encode())
    digest = key.hexdigest()[:16]
    path = None
    if cache_dir is not False:
        path = Path(cache_dir if cache_dir is not None else PROCESSED_DIR) / f"user_calibration_{digest}.csv"
        if path.exists():
            return pd.read_csv(path, encoding="utf-8-sig")
    rng = np.random.default_rng([seed, 17])
    rows = []
    if U < 4 or np.ptp(lx) == 0:
        for sc in ("no_association", "composition_observed"):
            rows.append({"scenario": sc, "n_units": U, "n_worlds": 0, "alpha": alpha, "rejection_rate": np.nan,
                         "mc_se": np.nan, "mean_effect_per_doubling": np.nan, "calibration_target": "", "ok": None})
        return pd.DataFrame(rows)
    ease = fit.ease[cc]
    ind = np.zeros((len(uu), U))
    ind[np.arange(len(uu)), uu] = m / M[uu]
    for sc in ("no_association", "composition_observed"):
        W = int(n_worlds)
        a_w = rng.permuted(np.broadcast_to(fit.ability, (W, U)), axis=1)
        e_w = rng.permuted(np.broadcast_to(ease, (W, len(ease))), axis=1) if sc == "no_association" else ease[None, :]
        p = special.expit(a_w[:, uu] + e_w)
        k = rng.binomial(t[None, :], p) / t[None, :]
        Y = 100.0 * (k @ ind)
        rej, b = _hc3_slope_reject(Y, lx, alpha)
        r = float(rej.mean())
        null = sc == "no_association"
        rows.append({"scenario": sc, "n_units": U, "n_worlds": W, "alpha": alpha, "rejection_rate": r,
                     "mc_se": float(np.sqrt(r * (1 - r) / W)),
                     "mean_effect_per_doubling": float(np.mean(b) * np.log(2)),
                     "calibration_target": "alpha ± 0.02" if null else "power",
                     "ok": bool(abs(r - alpha) <= 0.02) if null else None})
    out = pd.DataFrame(rows)
    if path is not None:
        write_csv(out, path)
        return pd.read_csv(path, encoding="utf-8-sig")  # the same frame as a cached read
    return out
