"""Start-up: ``import cchc_analysis`` and ``cchc --help``, against an eager import of every sub-package.

Target (issue 15): ``cchc --help`` ≤ 1 s; nothing heavy (scipy.stats, pyplot, openpyxl …)
on ``import cchc_analysis``. The baseline imports every sub-package the package
re-exports (what ``cchc_analysis/__init__`` did before the lazy re-exports), in the same
run; each measurement is the best of 5 fresh processes.
"""

from __future__ import annotations

import subprocess
import sys
import time

EAGER = ("import cchc_analysis as c\nfor m in ('bias', 'io', 'peers', 'published', 'ranking', 'report', 'scoring', "
         "'survey', 'synthetic', 'trends', 'units', 'kps', 'provenance', 'scorecard', 'document'):\n"
         "    getattr(c, m)\n")


def _best(code: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def run() -> list[dict]:
    floor = _best("pass")
    lazy = _best("import cchc_analysis")
    eager = _best(EAGER)
    helper = _best("from cchc_analysis.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    eager_help = _best(EAGER + "from cchc_analysis.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    return [
        {"name": "python start-up (floor)", "seconds": floor},
        {"name": "import cchc_analysis", "seconds": lazy, "baseline_seconds": round(eager, 3),
         "ratio": round(eager / lazy, 1)},
        {"name": "cchc --help (target <= 1 s)", "seconds": helper, "baseline_seconds": round(eager_help, 3),
         "ratio": round(eager_help / helper, 1)},
    ]
