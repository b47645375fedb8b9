"""The yearly report end to end (`cchc report`, cchc_analysis/report/build.py).

The notebooks run here are the tiny fixtures in tests/data/notebooks/:
01_ok (reads --data, writes a figure and a table), 02_inject (a table whose unit names are
hostile: a formula and a <script>), 03_fail (raises unless fail=False).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cchc_analysis import config
from cchc_analysis.report import build
from cchc_analysis.cli import main
from cchc_analysis.synthetic import make_synthetic_scores

FIXTURES = Path(__file__).parents[1] / "data" / "notebooks"
EVIL = '=HYPERLINK("http://evil","x")'


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def cchc(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["report", *map(str, argv)])
    return rc, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny_scores.csv"
    make_synthetic_scores(1, n_cuc=3, n_vu=2, years=(2023,)).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny_data):
    """One successful report of all three fixture notebooks (03_fail told not to fail)."""
    out = tmp_path_factory.mktemp("reports")
    rc, stdout, stderr = cchc("--data", tiny_data, "--out", out, "--notebooks", FIXTURES,
                              "--jobs", 2, "--param", "fail=false")
    assert rc == 0, stderr
    return out, stdout, stderr


# --------------------------------------------------------------------------- end to end


@pytest.mark.notebooks
def test_report_folder_is_complete(built):
    out, stdout, _ = built
    rep = out / "2023"
    assert "index.html" in stdout
    names = ["01_ok", "02_inject", "03_fail"]
    for n in names:
        assert (rep / f"{n}.html").is_file()
        executed = json.loads((rep / "notebooks" / f"{n}.ipynb").read_text(encoding="utf-8"))
        tags = [t for c in executed["cells"] for t in c.get("metadata", {}).get("tags", [])]
        assert "injected-parameters" in tags
    assert (rep / "figures" / "01_ok__index.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (rep / "figures" / "01_ok__index.svg").read_bytes()[:2000]
    assert sorted(p.name for p in (rep / "tables").glob("*.csv")) == [
        "01_ok__index.csv", "02_inject__evil.csv"]
    assert (rep / "tables.xlsx").is_file() and (rep / "manifest.json").is_file()
    # HTML without code cells, readable on its own, linked from the index
    page = (rep / "01_ok.html").read_text(encoding="utf-8")
    assert "Fixture: chỉ số theo đơn vị" in page
    assert "save_outputs(" not in page and "read_scores(" not in page
    assert "cuc-01" in page and "data:image/png;base64," in page  # table and figure are there
    for n in names:  # the staging folder never shows (save_outputs' file list is hidden)
        assert ".2023.tmp-" not in (rep / f"{n}.html").read_text(encoding="utf-8")
    index = (rep / "index.html").read_text(encoding="utf-8")
    for n in names:
        assert f'href="{n}.html"' in index and f'href="notebooks/{n}.ipynb"' in index
    assert 'href="tables.xlsx"' in index and "Kết luận chính" in index
    # nothing hidden left behind, and files are readable by others (not 0600)
    assert not [p.name for p in out.iterdir() if p.name.startswith(f".2023.") and p.is_dir()]
    if os.name == "posix":
        assert (rep / "index.html").stat().st_mode & 0o044


@pytest.mark.notebooks
def test_manifest_hashes_and_parameters(built, tiny_data):
    out, _, _ = built
    rep = out / "2023"
    m = json.loads((rep / "manifest.json").read_text(encoding="utf-8"))
    assert m["year"] == 2023 and m["lang"] == "vi" and m["partial"] is False
    assert m["data"] == [str(tiny_data.resolve())] and m["survey"] is None
    roles = {}
    for item in m["inputs"]:
        path = Path(item["path"]) if Path(item["path"]).is_absolute() else config.PROJ_ROOT / item["path"]
        assert sha(path) == item["sha256"], item["path"]
        roles.setdefault(item["role"], []).append(path.resolve())
    assert roles["data"] == [tiny_data.resolve()]
    assert sorted(p.name for p in roles["notebook"]) == ["01_ok.ipynb", "02_inject.ipynb", "03_fail.ipynb"]
    p = m["parameters"]
    cache = config.PROJ_ROOT / m["checked_inputs"]["cache"]  # parsed once, passed to notebooks
    assert roles["cache"] == [cache.resolve()] and cache.suffix == ".parquet"
    assert p["01_ok"] == {"year": 2023, "lang": "vi", "output_dir": str(rep), "data_path": str(cache)}
    assert p["02_inject"] == {"lang": "vi", "output_dir": str(rep)}
    assert p["03_fail"] == {"fail": False, "output_dir": str(rep)}  # --param reached only 03
    assert m["declared_parameters"]["01_ok"]["scale"]["inferred_type_name"] == "float"
    for pkg in ("pandas", "numpy", "scipy", "matplotlib", "seaborn", "papermill", "cchc-analysis"):
        assert m["packages"][pkg]
    assert m["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", m["git_commit"])
    assert m["started"] <= m["finished"]
    assert [n["name"] for n in m["notebooks"]] == ["01_ok", "02_inject", "03_fail"]
    assert all(n["duration_seconds"] > 0 for n in m["notebooks"])
    # output hashes match the files (manifest.json itself excluded)
    assert m["outputs"] == {k: v for k, v in snapshot(rep).items() if k != "manifest.json"}


@pytest.mark.notebooks
def test_injected_formula_is_neutralised_and_html_escaped(built):
    out, _, _ = built
    rep = out / "2023"
    csv_text = (rep / "tables" / "02_inject__evil.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in csv_text and "\n=HYPERLINK" not in csv_text and ',"=HYPERLINK' not in csv_text
    wb = openpyxl.load_workbook(rep / "tables.xlsx")
    assert wb.sheetnames == ["Mục lục", "01 index", "02 evil"]
    ws = wb["02 evil"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Mã đơn vị", "Đơn vị", "Chỉ số CCHC (%)"]  # Vietnamese headers
    # text, shown as typed: Excel's quote-prefix mark, not an apostrophe in the text
    assert rows[1][1] == EVIL and ws.cell(2, 2).quotePrefix and ws.cell(2, 2).data_type == "s"
    assert rows[1][2] == -1.5  # negative number stays a number
    assert not ws.cell(2, 1).quotePrefix
    assert all(c.data_type != "f" for sh in wb for r in sh.iter_rows() for c in r)
    # numbers stay numbers CSV -> XLSX (openpyxl writes 15 significant digits, as Excel keeps)
    csv_index = pd.read_csv(rep / "tables" / "01_ok__index.csv", encoding="utf-8-sig")
    xl_index = pd.read_excel(rep / "tables.xlsx", sheet_name="01 index")
    assert xl_index["Chỉ số CCHC (%)"].tolist() == pytest.approx(csv_index["index"].tolist(), rel=1e-14)
    assert xl_index["Điểm đạt được"].tolist() == pytest.approx(csv_index["points"].tolist(), rel=1e-14)
    # HTML: data text escaped (notebook page and index page)
    for page in ("02_inject.html", "index.html"):
        text = (rep / page).read_text(encoding="utf-8")
        assert "<script>alert(" not in text, page
    assert "Tiêm mã &lt;script&gt;alert(" in (rep / "index.html").read_text(encoding="utf-8")
    page = (rep / "02_inject.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # pandas table and print: escaped
    # HTML and Markdown a notebook builds itself from data: sanitised, the text kept
    assert "raw HTML built by a careless notebook" in page and "careless Markdown" in page
    assert "<script>alert(2)" not in page and "onerror" not in page
    assert "Tiêm mã" in page  # the title with active markup is shown sanitised, not dropped


@pytest.mark.notebooks
def test_only_refreshes_inside_the_previous_report(built, tiny_data, tmp_path):
    src, _, _ = built
    out = tmp_path / "reports"
    shutil.copytree(src, out)
    before = {p.name: p.read_bytes() for p in (out / "2023" / "tables").glob("*.csv")}
    rc, _, err = cchc("--data", tiny_data, "--out", out, "--notebooks", FIXTURES, "--jobs", 2,
                      "--only", "01", "02_inject")
    assert rc == 0, err
    rep = out / "2023"
    after = {p.name: p.read_bytes() for p in (rep / "tables").glob("*.csv")}
    assert after == before
    assert (rep / "03_fail.html").exists() and (rep / "notebooks" / "03_fail.ipynb").exists()  # kept
    m = json.loads((rep / "manifest.json").read_text(encoding="utf-8"))
    assert m["partial"] is False and m["refreshed_only"] == ["01_ok", "02_inject"]
    old = json.loads((src / "2023" / "manifest.json").read_text(encoding="utf-8"))
    when = {n["name"]: n["refreshed"] for n in m["notebooks"]}
    assert when["03_fail"] == old["finished"] and when["01_ok"] == m["finished"]
    assert 'href="03_fail.html"' in (rep / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in out.iterdir() if p.name.startswith(".2023.") and p.is_dir()] == []


@pytest.mark.notebooks
def test_failing_notebook_leaves_previous_report_intact(built, tmp_path):
    src, _, _ = built
    out = tmp_path / "reports"
    shutil.copytree(src, out)
    (out / ".2023.tmp-stale").mkdir()  # left by a killed run: tidied under the lock
    before = snapshot(out / "2023")
    rc, _, err = cchc("--out", out, "--notebooks", FIXTURES, "--jobs", 2, "--only", "03_fail")
    assert rc == 1
    assert "03_fail" in err and "ô thứ 4" in err
    assert "dòng lỗi: `raise ValueError('cố ý lỗi / failing on purpose')`" in err  # the failing line
    assert "ValueError: cố ý lỗi / failing on purpose" in err
    assert snapshot(out / "2023") == before
    kept = list((out / "_failed").glob("2023-*/03_fail.ipynb"))
    assert len(kept) == 1 and str(kept[0]) in err
    assert "failing on purpose" in kept[0].read_text(encoding="utf-8")
    assert [p.name for p in out.iterdir() if p.name.startswith(".2023.") and p.is_dir()] == []


# --------------------------------------------------------------------------- refused before running


def test_unknown_parameter_is_refused_before_anything_runs(tmp_path):
    out = tmp_path / "reports"
    rc, _, err = cchc("--out", out, "--notebooks", FIXTURES, "--param", "nosuch=1")
    assert rc == 2
    assert "nosuch" in err and "scale" in err  # names what is declared
    assert not out.exists()


@pytest.mark.parametrize("param, words", [
    ("scale=abc", ["01_ok", "scale", "float"]),
    ("scale=1e", ["scale", "float"]),
    ("fail=maybe", ["03_fail", "fail", "bool"]),
    ("year=2020", ["--year"]),
    ("output_dir=/tmp/x", ["output_dir"]),
    ("novalue", ["name=value"]),
])
def test_ill_typed_or_malformed_parameter_is_refused(tmp_path, param, words):
    out = tmp_path / "reports"
    rc, _, err = cchc("--out", out, "--notebooks", FIXTURES, "--param", param)
    assert rc == 2
    for w in words:
        assert w in err
    assert not out.exists()


@pytest.mark.parametrize("argv, words", [
    (["--data", "/nonexistent/scores.xlsx"], ["file not found", "--data", "no notebook was run"]),
    (["--survey", __file__], ["--survey", "no notebook declares survey_path"]),
    (["--notebooks", "/nonexistent/notebooks"], ["no notebooks folder"]),
    (["--only", "99"], ["unknown notebook", "01_ok"]),
    (["--jobs", "0"], ["--jobs"]),
])
def test_bad_inputs_are_refused(tmp_path, argv, words):
    argv = list(argv)
    if "--notebooks" not in argv:
        argv += ["--notebooks", FIXTURES]
    rc, _, err = cchc("--out", tmp_path / "reports", *argv)
    assert rc == 2
    for w in words:
        assert w in err
    assert not (tmp_path / "reports").exists()


def test_unparseable_parameters_cell_is_refused(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cell = new_code_cell('output_dir: str = ""  # folder ("" = none)')
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "language": "python",
                                                             "display_name": "Python 3"}})
    nbformat.write(nb, tmp_path / "01_bad.ipynb")
    rc, _, err = cchc("--out", tmp_path / "reports", "--notebooks", tmp_path)
    assert rc == 2
    assert "01_bad.ipynb" in err and "more than one '='" in err


def test_swap_restores_the_old_report_when_the_rename_fails(tmp_path, monkeypatch):
    """The two-rename swap (where the atomic exchange is not available)."""
    monkeypatch.setattr(build, "_exchange", lambda a, b: False)
    final, staging = tmp_path / "2023", tmp_path / ".2023.tmp-x"
    final.mkdir()
    (final / "old.txt").write_text("old")
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    real_rename = os.rename

    def flaky(src, dst):
        if Path(src) == staging:
            raise OSError("disk says no")
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", flaky)
    with pytest.raises(OSError, match="disk says no"):
        build._swap_into_place(staging, final)
    assert (final / "old.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2023.tmp-x", "2023"]
    monkeypatch.setattr(os, "rename", real_rename)
    build._swap_into_place(staging, final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023"]
    assert (final / "new.txt").read_text() == "new"


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_concurrent_run_for_the_same_year_is_refused(tmp_path):
    import fcntl

    out = tmp_path / "reports"
    out.mkdir()
    with open(out / ".2023.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        rc, _, err = cchc("--out", out, "--notebooks", FIXTURES, "--only", "02")
    assert rc == 1 and "in progress" in err
    assert not (out / "2023").exists()


def test_openpyxl_reads_xml_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_xml_bomb_in_xlsx_input_is_refused(tmp_path):
    """A 'billion laughs' entity in a worksheet must raise, never expand."""
    from defusedxml import DefusedXmlException

    from cchc_analysis.errors import DataError
    from cchc_analysis.io import read_scores

    plain = tmp_path / "plain.xlsx"
    pd.DataFrame({"year": [2023], "unit_id": ["a"], "criterion": ["1.1"], "max_points": [1.0],
                  "points": [1.0]}).to_excel(plain, index=False)
    bomb = tmp_path / "bomb.xlsx"
    dtd = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                text = re.sub(r"^<\?xml[^>]*\?>", "", text)
                text = text.replace("<v>a</v>", "<v>&lol3;</v>")
                data = (dtd + text).encode("utf-8")
            zout.writestr(item, data)
    def chain(exc):
        while exc is not None:
            yield exc
            exc = exc.__cause__ or exc.__context__

    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(bomb)
    assert any(isinstance(e, DefusedXmlException) for e in chain(info.value))
    with pytest.raises(DataError) as info:  # refused by the tabular layer before any parsing
        read_scores(bomb)
    assert "bomb.xlsx" in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_lock_of_a_dead_owner_does_not_block(tmp_path):
    """kill -9 of `cchc report`: its orphaned children may still hold the lock file; the PID
    written in it is dead, so the next run takes over."""
    import fcntl
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    out = tmp_path / "reports"
    out.mkdir()
    (out / ".2023.tmp-killed").mkdir()
    with open(out / ".2023.lock", "a+") as fh:
        fh.write(str(dead.pid))
        fh.flush()
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # an orphan still holds it
        rc, _, err = cchc("--out", out, "--notebooks", FIXTURES, "--only", "02", "--year", "2023")
    assert rc == 0, err
    assert (out / "2023" / "02_inject.html").is_file() and not (out / ".2023.tmp-killed").exists()
