"""The report assembled from saved sections (issues 13 and 14): pre-flight, pages, front
page, Word document, tables.xlsx, --only, the failing line, byte-identical reruns.

Notebooks: tests/data/section_notebooks/ (01_section saves a Section and skips the survey
when told "none"; 02_inject has no section: its page is the notebook export).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from cchc_analysis import config
from cchc_analysis.cli import main
from cchc_analysis.report import build as build_mod
from cchc_analysis.synthetic import make_synthetic_scores

NB = Path(__file__).parents[1] / "data" / "section_notebooks"
RESIDUE = re.compile(r"^(nan|NaN|<NA>|None|True|False|NaT)$")


def cchc(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["report", *map(str, argv)])
    return rc, out.getvalue(), err.getvalue()


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._in = [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th", "li"):
            self._in, self._buf = True, []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "li") and self._in:
            self.cells.append("".join(self._buf).strip())
            self._in = False

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)


def html_cells(path: Path) -> list[str]:
    p = Cells()
    p.feed(path.read_text(encoding="utf-8"))
    return p.cells


@pytest.fixture(scope="module")
def one_year(tmp_path_factory) -> Path:
    """A user's one-year tidy file (not synthetic-marked as the bundle is), no survey."""
    path = tmp_path_factory.mktemp("data") / "bo-x-2024.csv"
    make_synthetic_scores(3, n_cuc=4, n_vu=3, years=(2024,)).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory, one_year):
    out = tmp_path_factory.mktemp("reports")
    rc, stdout, err = cchc("--data", one_year, "--out", out, "--notebooks", NB, "--jobs", 2)
    assert rc == 0, err
    return out


@pytest.mark.notebooks
def test_one_year_without_survey_gives_every_page(report):
    rep = report / "2024"  # --year defaulted to the latest year in the data
    for page in ("index.html", "01_section.html", "02_inject.html", "tables.xlsx",
                 "bao-cao-chi-so-cchc-2024.docx", "manifest.json", "notebooks/01_section.ipynb"):
        assert (rep / page).is_file(), page
    m = json.loads((rep / "manifest.json").read_text(encoding="utf-8"))
    assert m["parameters"]["01_section"]["survey_path"] == "none"  # no survey: the notebook is told
    assert m["parameters"]["01_section"]["scores_path"].endswith(".parquet")
    assert m["skipped"] == [{"section": "01_section", "reason": "Không có khảo sát cho năm này."}]
    assert m["sections"]["01_section"]["skipped"] == ["Không có khảo sát cho năm này."]
    front = (rep / "index.html").read_text(encoding="utf-8")
    # findings first: the first section's finding comes before the links and downloads
    assert front.index("Kết luận chính") < front.index("Có 9 đơn vị.") < front.index("Tải về")
    assert "Không có khảo sát cho năm này." in front and "Không có tệp khảo sát" in front
    page = (rep / "01_section.html").read_text(encoding="utf-8")
    assert page.index("Kết luận chính") < page.index("<table")
    assert "<pre" not in page  # rendered from the section, no notebook dump


@pytest.mark.notebooks
def test_pages_and_docx_have_no_dataframe_residue(report):
    rep = report / "2024"
    for page in ("index.html", "01_section.html"):
        bad = [c for c in html_cells(rep / page) if RESIDUE.match(c)]
        assert not bad, (page, bad)
    import docx

    doc = docx.Document(rep / "bao-cao-chi-so-cchc-2024.docx")
    cells = [c.text.strip() for t in doc.tables for r in t.rows for c in r.cells]
    assert "Có" in cells and not [c for c in cells if RESIDUE.match(c)]
    assert len(doc.tables) >= 2 and len(doc.inline_shapes) == 1  # the table, the glossary; the figure
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kết luận chính" in text and "Có 9 đơn vị." in text and "Index" not in text


@pytest.mark.notebooks
def test_tables_xlsx_is_formatted_and_keeps_ids_as_text(report):
    wb = openpyxl.load_workbook(report / "2024" / "tables.xlsx")
    assert wb.sheetnames[0] == "Mục lục" and all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb[wb.sheetnames[1]]
    assert ws.title == "01 Chỉ số"  # Vietnamese, from the caption
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    col = {h: i for i, h in enumerate(header)}
    row = [c for c in ws[2]]
    crit = row[col["criterion_id"]] if "criterion_id" in col else next(c for c in row if c.value == "2.10")
    assert crit.value == "2.10" and crit.data_type == "s"  # not the number 2.1
    idx = row[col["Chỉ số CCHC (%)"]]
    assert isinstance(idx.value, float) and idx.number_format == "0.00"
    assert all(ws.column_dimensions[chr(65 + i)].width >= 8 for i in range(len(header)))
    assert wb["Mục lục"]["A2"].hyperlink is not None


@pytest.mark.notebooks
def test_rerun_is_byte_identical(report, one_year, tmp_path):
    out = tmp_path / "again"
    rc, _, err = cchc("--data", one_year, "--out", out, "--notebooks", NB, "--jobs", 2)
    assert rc == 0, err

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and p.suffix in (".csv", ".html", ".xlsx", ".png", ".docx", ".json")
                and p.name != "manifest.json"}

    a, b = files(report / "2024"), files(out / "2024")
    assert sorted(a) == sorted(b)
    differ = [k for k in a if a[k] != b[k]]
    assert not differ
    with zipfile.ZipFile(out / "2024" / "tables.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.notebooks
def test_failing_cell_quotes_the_failing_line(one_year, tmp_path):
    rc, _, err = cchc("--data", one_year, "--out", tmp_path, "--notebooks", NB, "--only", "01",
                      "--param", "fail=true", "--lang", "en")
    assert rc == 1
    assert 'failing line: `raise RuntimeError("hỏng ở dòng bốn / broken on line four")`' in err
    assert "x = 1" not in err and "dòng lỗi" not in err  # the line, not the cell's first; one language


@pytest.mark.notebooks
def test_only_without_a_previous_report_is_partial(one_year, tmp_path):
    rc, _, err = cchc("--data", one_year, "--out", tmp_path, "--notebooks", NB, "--only", "01", "--lang", "en")
    assert rc == 0, err
    m = json.loads((tmp_path / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert m["partial"] is True and m["refreshed_only"] == ["01_section"]
    front = (tmp_path / "2024" / "index.html").read_text(encoding="utf-8")
    assert "Partial report" in front and (tmp_path / "2024" / "analysis-report-2024.docx").is_file()


def test_missing_year_exits_2_before_any_kernel(one_year, tmp_path, monkeypatch):
    def no_kernels(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(build_mod, "run_all", no_kernels)
    t0 = time.perf_counter()
    rc, _, err = cchc("--data", one_year, "--year", "2023", "--out", tmp_path, "--notebooks", NB)
    assert rc == 2 and time.perf_counter() - t0 < 10
    assert "không có số liệu năm 2023" in err and "no data for 2023" in err and "2024" in err
    assert not (tmp_path / "2023").exists()


def test_all_input_problems_are_listed_together(one_year, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("year,unit_id,criterion,max_points,points\n2024,a,1.1,2,3\n2024,a,1.2,0,0\n", encoding="utf-8")
    rc, _, err = cchc("--data", one_year, "--data", bad, "--data", tmp_path / "nope.xlsx",
                      "--survey", tmp_path / "nosurvey.csv", "--out", tmp_path / "r", "--notebooks", NB)
    assert rc == 2
    assert "nope.xlsx" in err and "nosurvey.csv" in err and "exceed the maximum" in err
    assert err.count("\n- ") >= 3


def test_cron_line_on_the_bundled_data_exits_0_or_2(tmp_path):
    """The README's cron/systemd command: `--year $(( $(date +%Y) - 1 ))`."""
    cmd = (f"{sys.executable} -m cchc_analysis.cli report --year $(( $(date +%Y) - 1 )) "
           f"--out {tmp_path} --jobs 2")
    r = subprocess.run(["sh", "-c", cmd], cwd=config.PROJ_ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode in (0, 2), r.stderr
    if r.returncode == 2:
        assert "no data for" in r.stderr and "years present" in r.stderr


def test_front_page_says_why_a_section_has_no_findings():
    from cchc_analysis.report.html import front_html

    reason = "Dữ liệu không có điểm tự chấm, nên không so sánh được tự chấm với thẩm định."
    page = front_html(year=2023, lang="vi", entries=[
        {"href": "05.html", "title": "Tự chấm so với thẩm định", "findings": [], "skipped": [reason]},
        {"href": "06.html", "title": "Không phát sinh", "findings": [], "skipped": []}],
        inputs=[], synthetic=False, partial=None, skipped=[], downloads=[], logs=[], commit=None, version="0",
        notes=[])
    first = page.index(reason)
    assert first < page.index("Phần này chưa ghi kết luận.")  # the reason under its own heading, not "no findings"
    assert page.count("Phần này chưa ghi kết luận.") == 1  # only the section with neither


def test_bundled_report_reads_the_bundled_survey(tmp_path):
    """`make report` on the bundled data: the survey page analyses the bundled survey (the
    report passes it explicitly; a notebook given scores_path alone assumes no survey)."""
    rc, _, err = cchc("--year", "2023", "--only", "04", "--out", tmp_path / "r", "--notebooks", config.NOTEBOOKS_DIR)
    assert rc == 0, err
    m = json.loads((tmp_path / "r" / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert m["survey"].endswith("synthetic_ministry_survey.csv")
    # the notebook reads the survey's checked copy, recorded with its hash beside the file
    given = m["parameters"]["04_survey_quality"]["survey_path"]
    assert Path(given).name.startswith("survey-") and given.endswith(".parquet")
    roles = {i["path"]: i["role"] for i in m["inputs"]}
    assert roles["data/raw/synthetic/synthetic_ministry_survey.csv"] == "raw"
    assert roles[f"data/processed/cache/{Path(given).name}"] == "survey cache"
    sec = json.loads((tmp_path / "r" / "2023" / "sections" / "04_survey_quality.json").read_text(encoding="utf-8"))
    assert not sec["skipped"], sec["skipped"]
    assert any("phiếu" in f for f in sec["findings"])


def test_real_notebooks_on_an_office_summary_one_year_no_survey(tmp_path):
    """A new user's first run: their own bảng tổng hợp (12 units, one year, tự chấm and
    thẩm định, some KPS, no survey) with the project's real notebooks: every page, exit 0."""
    import numpy as np

    from cchc_analysis.io.template import default_tree, summary_workbook

    rng = np.random.default_rng(5)
    units = [(f"so-{i}", f"Sở số {i}", "so") for i in range(1, 11)] + [("thanh-tra", "Thanh tra tỉnh", "thanh-tra"),
                                                                    ("ban-dan-toc", "Ban Dân tộc", "ban")]
    vals = {}
    for u, _, _ in units:
        for n in (n for n in default_tree() if n["leaf"]):
            if u in ("thanh-tra", "ban-dan-toc") and rng.random() < 0.15:
                vals[(2025, u, n["id"], "points")] = vals[(2025, u, n["id"], "self")] = "KPS"
                continue
            p = round(float(rng.uniform(0.4, 1.0)) * n["max"] * 4) / 4
            vals[(2025, u, n["id"], "points")], vals[(2025, u, n["id"], "self")] = p, min(n["max"], p + 0.25)
    path = tmp_path / "bang_tong_hop_2025.xlsx"
    summary_workbook(units, years=(2025,), values=vals, formulas=False).save(path)
    rc, out, err = cchc("--data", path, "--out", tmp_path / "r", "--notebooks", config.NOTEBOOKS_DIR, "--jobs", "2")
    assert rc == 0, err + out
    final = tmp_path / "r" / "2025"
    m = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert m["year"] == 2025 and not m["partial"]
    sec = json.loads((final / "sections" / "04_survey_quality.json").read_text(encoding="utf-8"))
    assert any("phiếu điều tra" in s for s in sec["skipped"])  # says there is no survey, and why
    assert (final / "bao-cao-chi-so-cchc-2025.docx").stat().st_size > 10_000
    front = html_cells(final / "index.html")
    assert not [c for c in front if RESIDUE.match(c)]
    assert "Sở số 1" in (final / "01_ranking_trends.html").read_text(encoding="utf-8")  # names, not ids
    code = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # a raw column name or code value such as n_units
    for page in sorted(final.glob("0*.html")):
        cells = html_cells(page)
        assert not [c for c in cells if RESIDUE.match(c) or code.match(c)], page.name


def test_next_year_from_a_second_file_gives_trends_over_both(tmp_path):
    """An office adds next year's bảng tổng hợp as a second file: the report is for the latest
    year, with trends and each unit's change over both (real notebooks 01 and 07)."""
    import numpy as np

    from cchc_analysis.io.template import default_tree, summary_workbook

    units = [(f"so-{i}", f"Sở số {i}", "so") for i in range(1, 9)]
    paths = []
    for year, seed in ((2024, 1), (2025, 2)):
        rng = np.random.default_rng(seed)
        vals = {(year, u, n["id"], "points"): round(float(rng.uniform(0.3, 1.0)) * n["max"] * 4) / 4
                for u, _, _ in units for n in default_tree() if n["leaf"]}
        path = tmp_path / f"bang_tong_hop_{year}.xlsx"
        summary_workbook(units, years=(year,), values=vals, self_points=False, formulas=False).save(path)
        paths.append(path)
    rc, out, err = cchc("--data", paths[0], "--data", paths[1], "--only", "01", "07", "--out", tmp_path / "r",
                        "--notebooks", config.NOTEBOOKS_DIR)
    assert rc == 0, err + out
    final = tmp_path / "r" / "2025"
    sec = json.loads((final / "sections" / "01_ranking_trends.json").read_text(encoding="utf-8"))
    assert not sec["skipped"] and "(2024 → 2025)" in sec["findings"][0]
    card = json.loads((final / "sections" / "07_scorecards.json").read_text(encoding="utf-8"))
    assert not card["skipped"] and len(list((final / "don-vi").glob("*.docx"))) == len(units) + 1
    assert "So với năm 2024" in (final / "don-vi" / "so-1.html").read_text(encoding="utf-8")
