"""Every example of the README runs: its Python blocks, and its `cchc` commands as a new
user would run them (make the template, fill it in, validate, import, index)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_analysis import config

README = config.PROJ_ROOT / "README.md"


def _blocks(lang: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [body for kind, body in re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S) if kind == lang]


def _commands(block: str) -> list[list[str]]:
    """The block's command lines, comments removed, split like a shell does."""
    out = []
    for line in block.splitlines():
        line = line.split("  #")[0].strip()
        if line and not line.startswith("#"):
            out.append(shlex.split(line))
    return out


def _cchc(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cchc_analysis.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _fill(path: Path) -> None:
    """What the user does between `cchc template` and `cchc validate`: every criterion row
    gets self-assessed and appraised points (and the last one of each unit KPS)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        if head[:5] == ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Điểm thẩm định"]:
            rows = [r for r in ws.iter_rows(min_row=2) if isinstance(r[2].value, (int, float))]
            for k, r in enumerate(rows):
                r[3].value, r[4].value = (("KPS", "KPS") if k == len(rows) - 1
                                          else (r[2].value, r[2].value * 0.75))
        elif ws.title.startswith("Bảng tổng hợp"):
            sub = [c.value for c in ws[5]]
            units = [j for j, v in enumerate(sub) if v == "Tự chấm"]
            for r in ws.iter_rows(min_row=6):
                if isinstance(r[2].value, (int, float)):  # a leaf criterion (totals are formulas)
                    for n, j in enumerate(units):
                        r[j].value, r[j + 1].value = r[2].value, r[2].value * (0.5 + 0.1 * n)
    wb.save(path)


@pytest.mark.parametrize("block", _blocks("python"), ids=lambda b: b.strip().splitlines()[2][:40])
def test_readme_python_example_runs(block, tmp_path):
    # the placeholder file of the first example is an office's own workbook: the bundled one here
    shutil.copy(config.DEFAULT_WORKBOOK, tmp_path / "my_ministry_2023.xlsx")
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]


def test_readme_cchc_commands_run_as_a_new_user_would(tmp_path):
    block = next(b for b in _blocks("bash") if "cchc template" in b)
    commands = _commands(block)
    assert [c[:2] for c in commands] == [["cchc", "template"], ["cchc", "template"], ["cchc", "validate"],
                                        ["cchc", "validate"], ["cchc", "validate"], ["cchc", "import"],
                                        ["cchc", "index"]]
    templates = [c for c in commands if c[1] == "template"]
    for c in templates:
        r = _cchc(c[1:], tmp_path)
        assert r.returncode == 0, r.stderr
    # an empty template: validate lists what is missing, located, and exits 1
    r = _cchc(["validate", "bth.xlsx"], tmp_path)
    assert r.returncode == 1 and "chưa có điểm" in r.stdout + r.stderr
    for c in templates:
        _fill(tmp_path / c[2])
    # the several-years example: one file per year, from the one-year template
    for year in ("2023", "2024"):
        r = _cchc(["template", f"{year}.xlsx", "--layout", "bang-tong-hop", "--year", year], tmp_path)
        assert r.returncode == 0, r.stderr
        _fill(tmp_path / f"{year}.xlsx")
    shutil.copy(config.DEFAULT_SURVEY, tmp_path / "khao-sat.csv")  # an office's survey export: the bundled one
    for c in commands:
        if c[1] == "template":
            continue
        r = _cchc(c[1:], tmp_path)
        assert r.returncode == 0, (c, r.stdout[-1500:], r.stderr[-1500:])
    assert (tmp_path / "tidy.parquet").is_file()
