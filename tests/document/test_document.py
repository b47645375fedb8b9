"""Sections render to HTML and Word with no DataFrame residue, in one language."""

import re
import zipfile
from html.parser import HTMLParser

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from cchc_analysis.document import Section, load_sections, people_table, section_html, write_docx  # noqa: E402

RESIDUE = re.compile(r"^(nan|NaN|<NA>|None|True|False|NaT|inf|-inf)$")


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag in ("td", "th")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in and data.strip():
            self.cells.append(data.strip())


def build(tmp_path, lang="vi"):
    s = Section("02_demo", "Tiêu đề" if lang == "vi" else "Title", lang=lang, synthetic=True, display=False)
    s.finding("Một kết luận." if lang == "vi" else "A finding.")
    df = pd.DataFrame({"unit_id": ["a", "b"], "unit_name": ["Cục số 1", "Vụ B"], "index": [89.951, np.nan],
                       "rank": pd.array([1, pd.NA], dtype="Int64"), "ok": [True, False], "p_value": [0.0004, None],
                       "level": ["ministry", "province"]})
    vi = lang == "vi"
    s.table(df, name="t", caption="Bảng thử" if vi else "Test table", codes=("level",))
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    s.figure(fig, name="f", caption="Hình thử" if vi else "Test figure")
    s.skip("Không làm được phần này." if vi else "This part could not be done.")
    s.save(tmp_path)
    return load_sections(tmp_path)[0]


def test_people_table_formats_for_the_language():
    df = pd.DataFrame({"index": [1234.567], "rank": [3], "ok": [False], "p_value": [0.0213]})
    vi = people_table(df)
    en = people_table(df, lang="en")
    assert vi.rows == [["1.234,57", "3", "Không", "0,021"]]
    assert en.rows == [["1,234.57", "3", "No", "0.021"]]
    assert en.header[0] == "PAR index (%)"


def test_html_has_findings_first_and_no_residue(tmp_path):
    sec = build(tmp_path)
    page = section_html(sec)
    assert page.index("Kết luận chính") < page.index("Bảng 1.")
    p = Cells()
    p.feed(page)
    assert p.cells and not [c for c in p.cells if RESIDUE.match(c)]
    assert "Bộ, cơ quan ngang bộ" in p.cells  # code translated
    assert "Mã đơn vị" not in p.cells  # ids dropped where names exist
    assert "< 0,001" in p.cells and "—" in p.cells


def test_docx_holds_sections_tables_figures(tmp_path):
    docx = pytest.importorskip("docx")
    sec = build(tmp_path)
    out = write_docx([sec], tmp_path / "bao-cao.docx", title="Báo cáo", report_dir=tmp_path)
    d = docx.Document(out)
    text = "\n".join(p.text for p in d.paragraphs)
    assert "1. Tiêu đề" in text and "1.1. Kết luận chính" in text and "Hình 1. Hình thử" in text
    assert "Bảng 1. Bảng thử" in text and "Giải thích thuật ngữ" in text
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert not [c for c in cells if RESIDUE.match(c)]
    assert len(d.inline_shapes) == 1
    # header row repeats on every page
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "w:tblHeader" in xml
    assert d.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)


def test_docx_opens_with_every_sections_findings_before_the_contents(tmp_path):
    docx = pytest.importorskip("docx")
    sec = build(tmp_path)
    quiet = Section("03_quiet", "Không kết luận", lang="vi", display=False)  # a section with no finding
    quiet.text("Chỉ có văn bản.")
    out = write_docx([sec, quiet], tmp_path / "bao-cao.docx", title="Báo cáo", report_dir=tmp_path)
    text = [p.text for p in docx.Document(out).paragraphs if p.text]
    assert text[:4] == ["Báo cáo", "Kết luận chính", "1. Tiêu đề", "Một kết luận."]
    assert text[4] == "Mục lục" and "2. Không kết luận" in text[5:8]
    # without a summary: the contents come first, as before
    plain = write_docx([sec], tmp_path / "plain.docx", title="Báo cáo", report_dir=tmp_path, summary=False)
    assert [p.text for p in docx.Document(plain).paragraphs if p.text][1] == "Mục lục"


def test_english_report_is_all_english(tmp_path):
    sec = build(tmp_path, lang="en")
    page = section_html(sec)
    assert "Key findings" in page and "Kết luận" not in page and "Bảng" not in page
    assert "Synthetic (simulated) data" in page


def test_docx_is_byte_identical_on_rerun(tmp_path):
    pytest.importorskip("docx")
    sec = build(tmp_path)
    a = write_docx([sec], tmp_path / "a.docx", title="B", report_dir=tmp_path).read_bytes()
    b = write_docx([sec], tmp_path / "b.docx", title="B", report_dir=tmp_path).read_bytes()
    assert a == b


@pytest.mark.parametrize("lang, expected", [("vi", "0,2"), ("en", "0.2")])
def test_figure_ticks_follow_the_page_language(lang, expected):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cchc_analysis.document import Section

    fig, ax = plt.subplots()
    ax.plot([0, 0.5, 1], [10.5, 20, 30])
    sec = Section("x", "X", lang=lang)
    sec.figure(fig, name="f", caption="c")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert expected in labels
    assert not any("." in t for t in labels) if lang == "vi" else not any("," in t for t in labels)


def test_docx_sources_are_links_named_by_site_and_rows_do_not_split(tmp_path):
    from docx import Document

    sec = Section("x", "X", lang="vi")
    sec.table(pd.DataFrame({"decision": ["1149/QĐ-BNV"], "source_url": ["https://a.gov.vn/p/1 | https://www.b.vn/q"]}),
              name="t", caption="c", kinds={"source_url": "url"})
    path = write_docx([sec], tmp_path / "r.docx", title="T", report_dir=tmp_path)
    doc = Document(path)
    xml = doc.tables[0]._tbl.xml
    assert "w:hyperlink" in xml and "a.gov.vn" in xml and "www.b.vn" in xml and "https://a.gov.vn/p/1" not in xml
    targets = {r.target_ref for r in doc.part.rels.values() if "hyperlink" in r.reltype}
    assert {"https://a.gov.vn/p/1", "https://www.b.vn/q"} <= targets
    assert all("w:cantSplit" in row._tr.xml for row in doc.tables[0].rows)
    html = section_html(sec)
    assert html.count('rel="noopener noreferrer">') >= 2 and ">www.b.vn</a>" in html


def test_workbook_keeps_numbers_of_a_column_formatted_for_people(tmp_path):
    shown = pd.DataFrame({"part": ["total", "own"], "value": ["−4", "−9,5"]})
    shown.attrs["numbers"] = {"value": [-4.0, -9.5]}
    sec = Section("x", "X", lang="vi")
    sec.table(shown, name="t", caption="c")
    sec.save(tmp_path)
    csv = pd.read_csv(tmp_path / "tables" / "x__t.csv", encoding="utf-8-sig")
    assert csv.iloc[:, 1].tolist() == [-4.0, -9.5]  # numbers in the workbook
    assert [r[1] for r in sec.blocks[0]["table"]["rows"]] == ["−4", "−9,5"]  # text on the page


def test_docx_bytes_do_not_depend_on_the_clock(tmp_path, monkeypatch):
    import time as _time
    import zipfile

    sec = Section("x", "X", lang="vi")
    sec.text("Một câu.")
    a = write_docx([sec], tmp_path / "a.docx", title="B", report_dir=tmp_path).read_bytes()
    real = _time.localtime
    monkeypatch.setattr(_time, "localtime", lambda *a: real(_time.time() + 3600))  # an hour later
    b = write_docx([sec], tmp_path / "b.docx", title="B", report_dir=tmp_path).read_bytes()
    assert a == b
    assert {i.date_time for i in zipfile.ZipFile(tmp_path / "a.docx").infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_figure_png_with_shared_text_metrics_is_the_same_picture():
    """The figure saver measures each text once for both layout passes: the PNG is the
    same bytes as matplotlib's own savefig, FreeType is asked fewer times, and matplotlib's
    function is back in place afterwards (also after an error)."""
    import io

    import matplotlib.text as mtext

    from cchc_analysis.document import model

    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    for i, ax in enumerate(axes):
        ax.plot([0, 1, 2], [3, 1, 2 + i], label=f"Đơn vị {i}")
        ax.set_title("Chỉ số CCHC theo năm $\\alpha$")
        ax.set_xticks([0, 1, 2], ["2021", "2022", "2023"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    plain = io.BytesIO()
    fig.savefig(plain, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})

    orig = mtext._get_text_metrics_with_cache
    calls = {"n": 0}

    def counting(renderer, text, fontprop, ismath, dpi):  # matplotlib's signature
        calls["n"] += 1
        return orig(renderer, text, fontprop, ismath=ismath, dpi=dpi)

    measured = {}
    for name in ("plain", "shared"):
        calls["n"] = 0
        mtext._get_text_metrics_with_cache = counting
        try:
            if name == "plain":
                b = io.BytesIO()
                fig.savefig(b, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
                measured[name] = (calls["n"], b.getvalue())
            else:
                png = model._figure_png(fig)
                measured[name] = (calls["n"], png)
        finally:
            mtext._get_text_metrics_with_cache = orig
    assert measured["shared"][1] == measured["plain"][1] == plain.getvalue()
    # texts measured (through matplotlib's per-renderer cache): each distinct one once
    assert 0 < measured["shared"][0] < measured["plain"][0]
    assert mtext._get_text_metrics_with_cache is orig
    with pytest.raises(RuntimeError), model._shared_text_metrics():
        assert mtext._get_text_metrics_with_cache is not orig
        raise RuntimeError("boom")
    assert mtext._get_text_metrics_with_cache is orig
    plt.close(fig)


def test_a_percentage_never_breaks_from_its_number_in_html(tmp_path):
    s = Section("02_pct", "Tiêu đề", lang="vi", display=False)
    s.finding("Chênh nhau 13,3 % giữa hai nhóm; 100 % đạt.")
    html = section_html(s, number=1, counters={"table": 0, "figure": 0})
    assert "13,3\u00a0% giữa" in html and "100\u00a0% đạt" in html and "13,3 %" not in html
