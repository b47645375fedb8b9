"""The full default report (`cchc report --jobs 2`) against the kernel start-up floor.

Target (issue 8): the full default report — every notebook in notebooks/ on the bundled
data — in ≤ 20 s wall on 2 cores. The floor it is compared with, measured in the same run,
is the bare cost of the kernels: (start-up of one bare ``python3`` kernel) × (number of
notebooks) / (jobs), and the same with a trivial one-cell notebook run through papermill
(kernel start + papermill overhead). ``overhead_ratio`` = report wall time / that floor
(≥ 1; what the notebooks' own imports and work, the HTML export and the XLSX cost on top).

The report runs as a separate process exactly as a user types it, into ``.bench/reports/``
(never ``reports/``). Whatever notebooks exist are run; with none, the row says so.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT

BENCH_DIR = PROJ_ROOT / ".bench"
JOBS = 2


def kernel_startup_seconds(repeat: int = 3) -> float:
    """Median wall time from starting a bare python3 kernel until it is ready for code."""
    from jupyter_client.manager import KernelManager

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        km = KernelManager(kernel_name="python3",  # same transport as the report
                           **({"transport": "ipc", "ip": os.path.join(tempfile.gettempdir(),
                                                                       f"cchc-bench-{os.getpid()}")}
                              if os.name == "posix" else {}))
        km.start_kernel(cwd=str(PROJ_ROOT))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        times.append(time.perf_counter() - t0)  # start-up = start until ready for code
        kc.stop_channels()
        km.shutdown_kernel()
    return statistics.median(times)


def trivial_notebook_seconds(repeat: int = 3) -> float:
    """Median wall time of papermill running a one-cell notebook (``pass``)."""
    import nbformat
    import papermill as pm
    from nbformat.v4 import new_code_cell, new_notebook

    BENCH_DIR.mkdir(exist_ok=True)
    src = BENCH_DIR / "trivial.ipynb"
    nb = new_notebook(cells=[new_code_cell("pass")],
                      metadata={"kernelspec": {"name": "python3", "language": "python",
                                               "display_name": "Python 3"}})
    nbformat.write(nb, src)
    from cchc_analysis.report.execute import kernel_manager_class

    kmc = kernel_manager_class()
    extra = {"kernel_manager_class": kmc} if kmc is not None else {}
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        pm.execute_notebook(str(src), str(BENCH_DIR / "trivial.out.ipynb"), kernel_name="python3",
                            progress_bar=False, cwd=str(PROJ_ROOT), **extra)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(notebooks_dir: str | os.PathLike | None = None) -> list[dict]:
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    notebooks = sorted(nb_dir.glob("[0-9][0-9]_*.ipynb"))
    n = len(notebooks)
    k = kernel_startup_seconds()
    t = trivial_notebook_seconds()
    rows = [
        {"name": "bare python3 kernel start-up (median of 3)", "seconds": round(k, 3)},
        {"name": "papermill, one-cell notebook (median of 3)", "seconds": round(t, 3)},
    ]
    if n == 0:
        rows.append({"name": "full report: no notebooks in notebooks/", "seconds": float("nan"),
                     "target": "≤ 20 s"})
        return rows
    out = BENCH_DIR / "reports"
    cmd = [sys.executable, "-m", "cchc_analysis.cli", "report", "--out", str(out),
           "--jobs", str(JOBS), "--no-progress", "--notebooks", str(nb_dir)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=PROJ_ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    floor_k = k * n / JOBS
    floor_t = t * n / JOBS
    row = {
        "name": f"full report, {n} notebooks, --jobs {JOBS}",
        "seconds": round(wall, 3),
        "exit_code": proc.returncode,
        "kernel_floor_seconds": round(floor_k, 3),
        "overhead_ratio": round(wall / floor_k, 2),
        "papermill_floor_seconds": round(floor_t, 3),
        "ratio_to_papermill_floor": round(wall / floor_t, 2),
        "target": "≤ 20 s",
        "met": proc.returncode == 0 and wall <= 20,
    }
    rows.append(row)
    if proc.returncode != 0:
        rows.append({"name": "report FAILED: " + " | ".join(proc.stderr.strip().splitlines()[-4:]),
                     "seconds": float("nan")})
        return rows
    # per-notebook durations from the manifest (kernel start + run + HTML export)
    year_dirs = sorted(p for p in out.iterdir() if p.is_dir() and p.name.isdigit())
    if year_dirs:
        m = json.loads((year_dirs[-1] / "manifest.json").read_text(encoding="utf-8"))
        for nbm in m["notebooks"]:
            rows.append({"name": f"  {nbm['name']} (run + HTML)", "seconds": nbm["duration_seconds"],
                         "html_seconds": nbm["html_seconds"]})
    return rows


if __name__ == "__main__":
    for r in run(sys.argv[1] if len(sys.argv) > 1 else None):
        print(r)
