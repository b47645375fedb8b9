"""KPS ranking policies and points needed at commune scale (3,321 units × 100 criteria).

Targets (issues 16, 17): all ranking policies for 3,321 units × 100 criteria ≤ 2 s;
``points_needed`` for every unit × 3 targets ≤ 2 s. The baselines, timed in the same run,
are the obvious implementations: policies through ``applicable_index`` on a rewritten
frame per policy (pandas), and ``points_needed`` called once per unit (measured on 200
units and scaled linearly).
"""

from __future__ import annotations

import time

import pandas as pd

from bench.bench_trends import make_scores


def _t(f, *a, **k):
    t0 = time.perf_counter()
    out = f(*a, **k)
    return time.perf_counter() - t0, out


def _baseline_policies(s: pd.DataFrame) -> None:
    from cchc_analysis import applicable_index, rank_units

    kps = ~s["applicable"]
    for points, app in ((s["points"], s["applicable"]),
                        (s["points"].where(~kps, s["max_points"]), pd.Series(True, index=s.index)),
                        (s["points"].where(~kps, 0.0), pd.Series(True, index=s.index))):
        rank_units(applicable_index(s.assign(points=points, applicable=app)))


def run() -> list[dict]:
    from cchc_analysis.kps import ranking_policies
    from cchc_analysis.scorecard import points_needed

    rows = []
    for n in (36, 200, 1000, 3321):
        s = make_scores(n_units=n, n_crit=100, seed=1)
        sec, _ = _t(ranking_policies, s)
        rows.append({"name": f"ranking_policies, all 7, {n} units", "seconds": sec})
    base, _ = _t(_baseline_policies, s)
    rows[-1].update(baseline_seconds=round(base, 3), baseline="3 policies via applicable_index",
                    target="<= 2 s")
    sec, t = _t(points_needed, s, rank=["next", 5], index=90.0)
    units = s["unit_id"].unique()
    b0 = time.perf_counter()
    for u in units[:200]:
        points_needed(s, unit=u, rank=["next", 5], index=90.0)
    base = (time.perf_counter() - b0) * len(units) / 200
    rows.append({"name": f"points_needed, every unit × 3 targets, {len(units)} units", "seconds": sec,
                 "rows": len(t), "baseline_seconds": round(base, 2), "ratio": round(base / sec, 1),
                 "target": "<= 2 s"})
    return rows
