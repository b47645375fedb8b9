"""Tests for the `cchc` command (validate, template, index)."""

from __future__ import annotations

import hashlib
import re

from cchc_analysis.cli import main
from cchc_analysis.config import RAW_DIR


def raw_digest():
    h = hashlib.sha256()
    for p in sorted(RAW_DIR.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(RAW_DIR)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_validate_reports_all_and_exits_nonzero(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("year,unit_id,criterion,max_points,points\n2023,a,1.1,2,3\n2023,a,1.2,0,0\n"
                 "2023,a,1.3,1,\n", encoding="utf-8")
    assert main(["validate", str(p), "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert "3 problems" in out.err
    table = out.out.split("Problem")[1].splitlines()[2:]
    assert [line.split()[0] for line in table] == ["2", "3", "4"]  # integer rows, in order
    assert "nan" not in out.out.lower() and "None" not in out.out


def test_validate_ok(tmp_path, capsys):
    p = tmp_path / "ok.csv"
    p.write_text("year,unit_id,criterion,max_points,points\n2023,a,1.1,2,1\n", encoding="utf-8")
    assert main(["validate", str(p)]) == 0
    assert "OK: không phát hiện lỗi" in capsys.readouterr().out
    assert main(["validate", str(p), "--lang", "en"]) == 0
    assert "OK: no problems found" in capsys.readouterr().out


def test_template_then_validate(tmp_path, capsys):
    p = tmp_path / "mau.xlsx"
    assert main(["template", str(p), "--units", "2"]) == 0
    assert p.exists()
    assert main(["validate", str(p)]) == 1  # blank: every points cell still empty


def test_index_on_bundled_default_is_labelled_synthetic_and_leaves_raw_untouched(capsys):
    before = raw_digest()
    assert main(["index", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "Dữ liệu giả lập (mô phỏng)" in out and "cuc-01" in out and "Xếp hạng" in out
    assert re.search(r"\d,\d\d\s*$", out.splitlines()[1])  # Vietnamese decimal comma
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith("2023")]
    assert len(lines) == 36 and lines[0].split()[1] == "1"
    assert raw_digest() == before


def test_data_error_is_a_clean_message(tmp_path, capsys):
    p = tmp_path / "e.csv"
    p.write_text("", encoding="utf-8")
    assert main(["index", str(p)]) == 1
    assert "the file is empty" in capsys.readouterr().err


def test_synthetic_command_writes_labelled_workbook(tmp_path, capsys):
    from cchc_analysis.io import read_scores
    from cchc_analysis.synthetic import make_synthetic_scores

    out = tmp_path / "world_synthetic.xlsx"
    assert main(["synthetic", "--out", str(out), "--seed", "7"]) == 0
    s = read_scores(out)
    assert len(s) == len(make_synthetic_scores(7)) and "wrote" in capsys.readouterr().out


def test_make_lab_passes_lab_args_and_allows_root():
    """`make lab` (dry run: no server, no browser): LAB_ARGS reach jupyter, --allow-root as root,
    the project's kernel is the default."""
    import shutil
    import subprocess

    import pytest

    from cchc_analysis import config

    if not shutil.which("make"):
        pytest.skip("make not installed")
    r = subprocess.run(["make", "-n", "lab", "LAB_ARGS=--no-browser --ip 127.0.0.1 --port 8899"],
                       cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if "jupyter lab" in ln)
    assert line.endswith("--no-browser --ip 127.0.0.1 --port 8899 notebooks/")
    assert "default_kernel_name=cchc-analysis" in line
    import os

    assert ("--allow-root" in line) == (os.getuid() == 0)


def test_version_and_index_year_errors(capsys):
    import pytest

    from cchc_analysis.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and "cchc-analysis" in capsys.readouterr().out
    assert main(["index", "--year", "1999", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "No data for 1999" in err and "2023" in err
