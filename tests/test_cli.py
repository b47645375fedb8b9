"""Tests for the `cchc` command (validate, template, index)."""

from __future__ import annotations

import hashlib

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
    assert "SYNTHETIC DATA" in out and "cuc-01" in out
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
