"""applicable_index on 3.32 M rows (3,321 units × 100 criteria × 10 years), and its growth.

Target (issue 15): ≤ 2 s on 3.32 M rows; growth linear or better (log–log slope over
n = 36, 200, 1,000, 3,321 units, 10 years). The baseline is a plain pandas ``groupby``
sum over the same frame (the obvious implementation), timed in the same run.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from cchc_analysis.scoring import applicable_index

SIZES = (36, 200, 1_000, 3_321)


def make_scores(n_units: int, *, n_crit: int = 100, n_years: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    U, C, Y = n_units, n_crit, n_years
    n = U * C * Y
    ui = np.tile(np.repeat(np.arange(U), C), Y)
    ci = np.tile(np.arange(C), U * Y)
    yi = np.repeat(np.arange(Y), U * C)
    mx = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], C)[ci]
    app = rng.uniform(size=n) < 0.8
    return pd.DataFrame({
        "year": (2015 + yi).astype("int64"), "unit_id": np.array([f"xa-{u:04d}" for u in range(U)])[ui],
        "unit_name": np.array([f"Xã {u}" for u in range(U)])[ui], "unit_type": "xa",
        "field": (ci % 8 + 1).astype(str), "criterion": np.array([f"{c % 8 + 1}.{c}" for c in range(C)])[ci],
        "component": np.where(ci % 3 == 0, "survey", "appraisal"), "max_points": mx,
        "points": np.where(app, np.round(mx * rng.uniform(size=n) * 4) / 4, np.nan), "applicable": app,
    })


def baseline(scores: pd.DataFrame) -> pd.DataFrame:
    d = scores.assign(p=scores["points"].where(scores["applicable"], 0.0),
                      m=scores["max_points"].where(scores["applicable"], 0.0))
    out = d.groupby(["year", "unit_id"], as_index=False).agg(points=("p", "sum"), max_points=("m", "sum"),
                                                             n_applicable=("applicable", "sum"),
                                                             unit_name=("unit_name", "first"))
    out["index"] = 100 * out["points"] / out["max_points"]
    return out


def _best(f, x, repeat):
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f(x)
        best = min(best, time.perf_counter() - t)
    return best


def run() -> list[dict]:
    from bench.bench_survey import slope

    rows, secs = [], []
    for n in SIZES:
        s = make_scores(n)
        t = _best(applicable_index, s, 3 if n < 3_321 else 2)
        secs.append(t)
        row = {"name": f"applicable_index, {n:,} units x 100 x 10 years ({len(s):,} rows)", "seconds": t}
        if n == 3_321:
            tb = _best(baseline, s, 1)
            row.update(name=row["name"] + " (target <= 2 s)", baseline_seconds=round(tb, 3), ratio=round(tb / t, 1),
                       field_seconds=round(_best(lambda x: applicable_index(x, aggregate="field"), s, 1), 3))
        rows.append(row)
    rows.append({"name": "applicable_index growth: log-log slope (<= 1 = linear or better)", "seconds": secs[-1],
                 "slope": round(slope(SIZES, secs), 2)})
    return rows
