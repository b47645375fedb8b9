"""compare_schemes (2k draws), rank_intervals and peer_rank_intervals (10k draws) at commune scale (issue 15).

World: one year, c = 100 criteria (1–4 points, quarter-point steps), every unit has a
random 40–100 of them; n = 36 / 200 / 1,000 / 3,321 units. Each measurement runs in a
fresh subprocess so that ``peak_mb`` is that call's peak resident memory. Targets (issue
15) at 3,321 units: compare_schemes ≤ 10 s and ≤ 2 GB (measured on main before this work:
252 s, 9.2 GB); ``trends.rank_intervals`` ≤ 5 s and ≤ 1 GB (140 s, 1.9 GB when the issue
was filed; 22.9 s, 1.6 GB at the start of this round); growth linear or better (fitted
log–log slope).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

SIZES = (36, 200, 1_000, 3_321)

_CHILD = r"""
import json, sys, time, warnings
from bench._memory import peak_mb
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
from bench.bench_peers import world
from cchc_analysis.peers import compare_schemes, peer_rank_intervals, single_league
from cchc_analysis.trends import rank_intervals
n, what = int(sys.argv[1]), sys.argv[2]
s = world(n)
t = time.perf_counter()
if what == "compare":
    compare_schemes(s, n_draws=2_000)
elif what == "rank_intervals":
    rank_intervals(s, n_draws=10_000)
else:
    peer_rank_intervals(s, single_league(), n_draws=10_000)
sec = time.perf_counter() - t
print(json.dumps({"seconds": sec, "peak_mb": peak_mb()}))
"""


def world(n: int, seed: int = 0):
    """A one-year scores table of ``n`` units × up to 100 criteria (vectorised)."""
    import pandas as pd
    from scipy.special import expit

    rng = np.random.default_rng([seed, n])
    C = 100
    d = rng.normal(1, 1, C)
    mc = rng.integers(1, 5, C).astype(float)
    a = rng.normal(0, 0.8, n)
    k = rng.integers(40, C + 1, n)
    keep = rng.uniform(size=(n, C)).argsort(axis=1).argsort(axis=1) < k[:, None]
    ui, ci = np.nonzero(keep)
    p = expit(a[ui] + d[ci])
    types = np.array(["tinh", "bo", "co-quan"])[rng.integers(0, 3, n)]
    return pd.DataFrame({"year": 2023, "unit_id": np.char.add("u", ui.astype(str)),
                         "unit_name": np.char.add("U", ui.astype(str)), "unit_type": types[ui],
                         "field": "1", "criterion": np.char.add("c", ci.astype(str)), "component": "appraisal",
                         "max_points": mc[ci], "points": mc[ci] * rng.binomial(4, p) / 4, "applicable": True})


def _measure(n: int, what: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), what], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    rows = []
    for what, label, target in (("compare", "compare_schemes, 2k draws", "<= 10 s, <= 2 GB"),
                                ("rank_intervals", "trends.rank_intervals, 10k draws", "<= 5 s, <= 1 GB"),
                                ("intervals", "peer_rank_intervals, 10k draws", "")):
        secs = []
        for n in SIZES:
            m = _measure(n, what)
            secs.append(m["seconds"])
            row = {"name": f"{label}, {n:,} units", "seconds": m["seconds"], "peak_mb": round(m["peak_mb"])}
            if n == SIZES[-1] and target:
                row["target"] = target
            rows.append(row)
        rows.append({"name": f"{label}: growth, log-log slope", "seconds": secs[-1],
                     "slope": round(float(np.polyfit(np.log(SIZES), np.log(secs), 1)[0]), 2)})
    return rows
