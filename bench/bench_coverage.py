"""Coverage of the true rank by rank sets on simulated worlds (issue 20): n = 15 / 30 / 60.

Not a speed benchmark: each line is a method × world × size with the share of units whose
true rank lies in its set (``coverage``, target ≥ the nominal 0.95), the joint coverage of
the simultaneous sets and of the τ-best set (τ = 3), and the mean set width.

Worlds (one year; the truth is ``logit p_uc = a_u + d_c``, ``a_u ~ N(0, 1)``,
``d_c ~ N(1, 1)``; 60 criteria of 1–4 points, each unit has a random 25–60 of them;
points ``= max · Binomial(t_c, p_uc) / t_c``; the true rank is the rank of the index
without noise, ``100 Σ max·p / Σ max``):

* ``mixed``: trials per criterion t_c ∈ {1, 2, 4} (all-or-nothing, half and quarter points);
* ``all_or_nothing``: t_c = 1 everywhere;
* ``quarters``: t_c = 4 everywhere (the old engine's own model).

Methods: ``quantile_t4`` (quantiles of the draws' ranks, 4 trials per criterion, rates as
seen: the old rank intervals), ``mogstad_t4`` (the old marginal sets), ``rank_sets`` (the
new headline: marginal sets, trials from each criterion's scoring step, Jeffreys-smoothed
rates; plus its simultaneous and τ-best sets). ``CCHC_BENCH_WORLDS`` sets the worlds per
cell (default 40; the table in notes/issue-20.md used 100), ``CCHC_BENCH_DRAWS`` the
bootstrap draws (default 1,000).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from scipy.special import expit

from cchc_analysis.peers import rank_sets
from cchc_analysis.ranking import competition_rank
from cchc_analysis.resample import index_draws
from cchc_analysis.stats import rank_confidence_sets, row_competition_ranks

SIZES = (15, 30, 60)
WORLDS = ("mixed", "all_or_nothing", "quarters")
_C = 60


def coverage_world(world: str, n: int, rng: np.random.Generator):
    """One simulated year: ``(scores, true_index)`` (true index per unit, sorted unit ids)."""
    d = rng.normal(1.0, 1.0, _C)
    mc = rng.integers(1, 5, _C).astype(float)
    t = {"mixed": rng.choice([1, 2, 4], _C), "all_or_nothing": np.ones(_C, int),
         "quarters": np.full(_C, 4)}[world]
    a = rng.normal(0, 1.0, n)
    rows, truth = [], np.empty(n)
    for u in range(n):
        cs = np.sort(rng.choice(_C, rng.integers(25, _C + 1), replace=False))
        p = expit(a[u] + d[cs])
        pts = mc[cs] * rng.binomial(t[cs], p) / t[cs]
        truth[u] = 100 * (mc[cs] * p).sum() / mc[cs].sum()
        rows.append(pd.DataFrame({"year": 2023, "unit_id": f"u{u:03d}", "criterion": [f"c{c:02d}" for c in cs],
                                  "component": "appraisal", "max_points": mc[cs], "points": pts,
                                  "applicable": True}))
    return pd.concat(rows, ignore_index=True), truth


def _cell(world, n, n_worlds, n_draws, conf=0.95, tau=3, seed=0):
    acc = {k: [] for k in ("q_cov", "q_w", "m_cov", "m_w", "r_cov", "r_w", "s_joint", "tau_ok")}
    for i in range(n_worlds):
        rng = np.random.default_rng([seed, n, i, WORLDS.index(world)])
        sc, truth = coverage_world(world, n, rng)
        ids = [f"u{u:03d}" for u in range(n)]
        tr = competition_rank(truth).astype(int)
        est = 100 * sc.groupby("unit_id")["points"].sum() / sc.groupby("unit_id")["max_points"].sum()
        est = est.loc[ids].to_numpy(float)
        dr = index_draws(sc, ids, n_draws=n_draws, n_trials=4, seed=i)
        rk = row_competition_ranks(dr)
        point = competition_rank(est).astype(int)
        lo = np.minimum(np.quantile(rk, 0.025, axis=0, method="lower"), point)
        hi = np.maximum(np.quantile(rk, 0.975, axis=0, method="higher"), point)
        acc["q_cov"].append(np.mean((lo <= tr) & (tr <= hi)))
        acc["q_w"].append(np.mean(hi - lo))
        m = rank_confidence_sets(dr, est, conf, stepdown=False)  # the old (single-step) sets
        acc["m_cov"].append(np.mean((m["lo"] <= tr) & (tr <= m["hi"])))
        acc["m_w"].append(np.mean(m["hi"] - m["lo"]))
        r = rank_sets(sc, n_draws=n_draws, confidence=conf, tau=tau, seed=i).set_index("unit_id").loc[ids]
        rl, rh = r["rank_lo"].to_numpy(), r["rank_hi"].to_numpy()
        acc["r_cov"].append(np.mean((rl <= tr) & (tr <= rh)))
        acc["r_w"].append(np.mean(rh - rl))
        acc["s_joint"].append(bool(((r["simul_lo"].to_numpy() <= tr) & (tr <= r["simul_hi"].to_numpy())).all()))
        acc["tau_ok"].append(bool(r["in_tau_best"].to_numpy()[tr <= tau].all()))
    return {k: float(np.mean(v)) for k, v in acc.items()}


def coverage_table(*, n_worlds: int = 100, n_draws: int = 1_000, sizes=SIZES, worlds=WORLDS) -> pd.DataFrame:
    """The coverage table (one row per world × size × method)."""
    rows = []
    for world in worlds:
        for n in sizes:
            c = _cell(world, n, n_worlds, n_draws)
            rows += [
                {"world": world, "n": n, "method": "quantile_t4", "coverage": c["q_cov"], "width": c["q_w"]},
                {"world": world, "n": n, "method": "mogstad_t4", "coverage": c["m_cov"], "width": c["m_w"]},
                {"world": world, "n": n, "method": "rank_sets", "coverage": c["r_cov"], "width": c["r_w"],
                 "simul_joint": c["s_joint"], "tau_best": c["tau_ok"]},
            ]
    return pd.DataFrame(rows)


def run() -> list[dict]:
    n_worlds = int(os.environ.get("CCHC_BENCH_WORLDS", 40))
    n_draws = int(os.environ.get("CCHC_BENCH_DRAWS", 1_000))
    out = []
    for world in WORLDS:
        for n in SIZES:
            t0 = time.perf_counter()
            c = _cell(world, n, n_worlds, n_draws)
            sec = time.perf_counter() - t0
            out.append({"name": f"coverage {world} n={n} ({n_worlds} worlds)", "seconds": sec,
                        "quantile_t4": round(c["q_cov"], 3), "mogstad_t4": round(c["m_cov"], 3),
                        "rank_sets": round(c["r_cov"], 3), "width_quantile": round(c["q_w"], 1),
                        "width_mogstad_t4": round(c["m_w"], 1), "width_rank_sets": round(c["r_w"], 1),
                        "simultaneous_joint": round(c["s_joint"], 3), "tau_best": round(c["tau_ok"], 3),
                        "target": ">= 0.95", "ok": c["r_cov"] >= 0.95})
    return out
