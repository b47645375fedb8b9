"""The built wheel holds every sub-package and data file (an editable install hides gaps)."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_every_subpackage(tmp_path):
    pytest.importorskip("setuptools")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(tmp_path.glob("cchc_analysis-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    pkg = ROOT / "cchc_analysis"
    expected = {p.relative_to(ROOT).as_posix() for p in pkg.rglob("*.py")}
    expected |= {p.relative_to(ROOT).as_posix() for p in pkg.rglob("*.csv")}
    expected |= {p.relative_to(ROOT).as_posix() for p in pkg.rglob("*.json")}
    missing = sorted(expected - names)
    assert not missing, f"the wheel misses {missing}"
    assert any(n.endswith("entry_points.txt") for n in names)
