"""Read + validate + index + rank: 2.5 M-row tidy Parquet and a 60-unit analyst workbook.

Targets (issue 2): the 2.5 M-row Parquet (63 provinces × 40 units × 100 criteria × 10
years) read, validated, indexed and ranked in ≤ 3 s with ≤ 1 GB peak memory; a 60-unit
analyst workbook read in ≤ 1 s. The baseline is a straightforward row-by-row
implementation (validate and accumulate each row in Python, then sort) on the same file,
timed in the same run. Each measurement runs in a fresh process so peak memory (max RSS)
is its own. Inputs are generated (seeded) under .bench/, never in data/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_analysis.config import PROJ_ROOT

BENCH_DIR = PROJ_ROOT / ".bench"


def make_parquet(path: Path, *, n_prov=63, n_units=40, n_crit=100, n_years=10, seed=0) -> Path:
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    n = n_prov * n_units * n_crit * n_years
    unit = np.array([f"p{p:02d}-u{u:02d}" for p in range(n_prov) for u in range(n_units)])
    crit_ids = np.array([f"{c % 8 + 1}.{c}" for c in range(n_crit)])
    # order: year, unit, criterion
    yi = np.repeat(np.arange(n_years), n_prov * n_units * n_crit)
    ui = np.tile(np.repeat(np.arange(n_prov * n_units), n_crit), n_years)
    ci = np.tile(np.arange(n_crit), n_years * n_prov * n_units)
    mx = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n_crit)[ci]
    app = rng.uniform(size=n) < 0.8
    pts = np.where(app, np.round(mx * rng.uniform(size=n) * 4) / 4, np.nan)
    df = pd.DataFrame({
        "year": (2015 + yi).astype("int64"),
        "unit_id": pd.Categorical.from_codes(ui, unit).astype(str),
        "unit_type": "so",
        "field": np.array([c.split(".")[0] for c in crit_ids])[ci],
        "criterion": pd.Categorical.from_codes(ci, crit_ids).astype(str),
        "component": np.where(ci % 3 == 0, "survey", "appraisal"),
        "max_points": mx,
        "points": pts,
        "applicable": app,
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)
    return path


def make_workbook(path: Path, *, n_units=60, n_crit=100, seed=1) -> Path:
    if path.exists():
        return path
    from openpyxl import Workbook

    rng = np.random.default_rng(seed)
    wb = Workbook()
    wb.remove(wb.active)
    wc = wb.create_sheet("criteria")
    wc.append(["Mã tiêu chí", "Lĩnh vực", "Tên tiêu chí", "Thành phần", "Điểm tối đa"])
    mx = rng.choice([0.5, 1.0, 1.5, 2.0, 3.0], n_crit)
    for c in range(n_crit):
        wc.append([f"{c % 7 + 1}.{c}", str(c % 7 + 1), f"Tiêu chí {c}", "thẩm định", float(mx[c])])
    wu = wb.create_sheet("units")
    wu.append(["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Năm"])
    for u in range(n_units):
        wu.append([f"don-vi-{u:02d}", f"Đơn vị {u}", "vu", 2024])
        ws = wb.create_sheet(f"don-vi-{u:02d}")
        ws.append(["Mã tiêu chí", "Điểm đạt được", "Ghi chú"])
        for c in range(n_crit):
            v = "KPS" if rng.uniform() < 0.2 else str(np.round(mx[c] * rng.uniform() * 4) / 4).replace(".", ",")
            ws.append([f"{c % 7 + 1}.{c}", v, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


_OURS = """
import json, sys, time
from bench._memory import peak_mb
t0 = time.perf_counter()
from cchc_analysis.io import read_scores
from cchc_analysis.scoring import applicable_index
from cchc_analysis.ranking import rank_units
t1 = time.perf_counter()
s = read_scores(sys.argv[1])
t2 = time.perf_counter()
r = rank_units(applicable_index(s), by=("year",))
t3 = time.perf_counter()
print(json.dumps({"read": t2 - t1, "index_rank": t3 - t2, "total": t3 - t1, "rows": len(s),
                  "units": int(r["unit_id"].nunique()), "first": r.sort_values(["year", "rank"]).iloc[0][["unit_id", "index"]].tolist(),
                  "peak_mb": peak_mb()}))
"""

_BASELINE = """
import json, math, sys, time
from bench._memory import peak_mb
import pyarrow.parquet as pq
t1 = time.perf_counter()
table = pq.read_table(sys.argv[1])
cols = table.to_pydict()
acc = {}
seen = set()
for y, u, c, mx, p, a in zip(cols["year"], cols["unit_id"], cols["criterion"], cols["max_points"],
                             cols["points"], cols["applicable"]):
    if mx is None or mx <= 0:
        raise ValueError("max")
    key = (y, u, c)
    if key in seen:
        raise ValueError("dup")
    seen.add(key)
    if a:
        if p is None or (isinstance(p, float) and math.isnan(p)) or p < 0 or p > mx:
            raise ValueError("points")
        s = acc.setdefault((y, u), [0.0, 0.0])
        s[0] += p
        s[1] += mx
    elif p is not None and not (isinstance(p, float) and math.isnan(p)):
        raise ValueError("na with points")
by_year = {}
for (y, u), (p, m) in acc.items():
    by_year.setdefault(y, []).append((100 * p / m, u))
ranks = {}
for y, lst in by_year.items():
    lst.sort(reverse=True)
    prev, rank = None, 0
    for i, (v, u) in enumerate(lst, 1):
        if v != prev:
            rank, prev = i, v
        ranks[(y, u)] = rank
t3 = time.perf_counter()
print(json.dumps({"total": t3 - t1, "peak_mb": peak_mb()}))
"""


def _run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    pq_path = make_parquet(BENCH_DIR / "tidy_2_5M.parquet")
    wb_path = make_workbook(BENCH_DIR / "workbook_60_units.xlsx")
    ours = _run(_OURS, pq_path)
    base = _run(_BASELINE, pq_path)
    wb = _run(_OURS, wb_path)
    return [
        {"name": f"parquet {ours['rows']:,} rows: read+validate", "seconds": ours["read"]},
        {"name": "parquet: index + rank", "seconds": ours["index_rank"]},
        {"name": "parquet: total (target <= 3 s, <= 1024 MB)", "seconds": ours["total"],
         "peak_mb": round(ours["peak_mb"]), "baseline_seconds": round(base["total"], 3),
         "baseline_peak_mb": round(base["peak_mb"]), "ratio": round(base["total"] / ours["total"], 1)},
        {"name": f"workbook 60 units ({wb['rows']:,} rows): read (target <= 1 s)", "seconds": wb["read"],
         "index_rank_seconds": round(wb["index_rank"], 3)},
    ]
