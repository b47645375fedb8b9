"""The benchmarks' peak-memory reading is the child's own, not its parent's."""

import subprocess
import sys

import numpy as np

from cchc_analysis.config import PROJ_ROOT

_CHILD = ("import resource; from bench._memory import peak_mb; "
          "print(peak_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")


def test_a_small_child_of_a_large_parent_reports_its_own_peak():
    big = np.ones(40_000_000)  # 305 MiB, every page touched
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=PROJ_ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    own, inherited = map(float, out)
    assert big.sum() == 40_000_000
    # a bare interpreter is ~10-20 MiB; ru_maxrss would have said >= the parent's peak on Linux
    assert own < 100, (own, inherited)
    if sys.platform.startswith("linux"):
        assert own < inherited
