"""Reading an office's bảng tổng hợp: 60 units × (tự chấm, thẩm định, ghi chú), ~100 criteria.

Target (issues 12, 15): read, every subtotal and bottom row checked, in ≤ 1 s. The baseline
is openpyxl's own load of the same file (full mode, values only): the floor any reader
built on openpyxl full mode pays before doing anything, timed in the same run. Each
measurement runs in a fresh process. Inputs are generated (seeded) under .bench/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from cchc_analysis.config import PROJ_ROOT

BENCH_DIR = PROJ_ROOT / ".bench"
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def big_tree(n_fields: int = 8, n_crit: int = 7) -> list[dict]:
    """~100 leaves: per field ``n_crit`` criteria, every other one with sub-criteria a, b, c."""
    nodes = []
    for f in range(1, n_fields + 1):
        name = "Điều tra xã hội học" if f == n_fields else f"Lĩnh vực {f}"
        nodes.append(dict(id=str(f), stt=_ROMANS[f - 1], name=name, parent=None, level=0))
        for c in range(1, n_crit + 1):
            cid = f"{f}.{c}"
            if c % 2:
                nodes.append(dict(id=cid, stt=str(c), name=f"Tiêu chí {cid}", parent=str(f), level=1))
                for k, letter in enumerate("abc", start=1):
                    nodes.append(dict(id=f"{cid}.{k}", stt=letter, name=f"Tiêu chí thành phần {cid}.{letter}",
                                      max=float(k % 2 + 0.5), parent=cid, level=2))
            else:
                nodes.append(dict(id=cid, stt=str(c), name=f"Tiêu chí {cid}", max=2.0, parent=str(f), level=1))
    kids: dict = {}
    for n in nodes:
        if n["parent"]:
            kids.setdefault(n["parent"], []).append(n)
    for n in reversed(nodes):
        if n["id"] in kids:
            n["max"] = sum(c["max"] for c in kids[n["id"]])
    for n in nodes:
        n["leaf"] = n["id"] not in kids
    return nodes


def make_summary(path: Path, *, n_units: int = 60, seed: int = 2) -> Path:
    if path.exists():
        return path
    from cchc_analysis.io.template import summary_workbook

    rng = np.random.default_rng(seed)
    tree = big_tree()
    units = [(f"don-vi-{u:02d}", f"Đơn vị số {u}", "vu") for u in range(n_units)]
    vals = {}
    for u, _, _ in units:
        for n in tree:
            if n["leaf"]:
                if rng.uniform() < 0.1:
                    vals[(2024, u, n["id"], "points")] = vals[(2024, u, n["id"], "self")] = "KPS"
                    continue
                p = float(np.round(n["max"] * rng.uniform() * 4) / 4)
                vals[(2024, u, n["id"], "points")] = p
                vals[(2024, u, n["id"], "self")] = min(n["max"], p + 0.25 * rng.integers(0, 3))
    path.parent.mkdir(parents=True, exist_ok=True)
    summary_workbook(units, years=(2024,), tree=tree, values=vals, formulas=False).save(path)
    return path


_OURS = """
import json, sys, time
from bench._memory import peak_mb
t0 = time.perf_counter()
from cchc_analysis.io import read_scores
t1 = time.perf_counter()
s = read_scores(sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"read": t2 - t1, "rows": len(s), "units": int(s["unit_id"].nunique()),
                  "peak_mb": peak_mb()}))
"""

_BASELINE = """
import json, sys, time
import openpyxl
t1 = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
rows = [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
print(json.dumps({"read": time.perf_counter() - t1}))
"""


def _run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    p = make_summary(BENCH_DIR / "bang_tong_hop_60_units.xlsx")
    ours = _run(_OURS, p)
    base = _run(_BASELINE, p)
    return [{"name": f"bảng tổng hợp 60 units ({ours['rows']:,} rows): read+check (target <= 1 s)",
             "seconds": ours["read"], "peak_mb": round(ours["peak_mb"]),
             "baseline_seconds": round(base["read"], 3), "ratio": round(base["read"] / ours["read"], 2)}]
