"""Every notebook through papermill on small data, including data unlike the demo (one
year, no survey, a tidy CSV, English): each saves one section with findings, tables for
people without residue, one language, and says what it could not do."""

from __future__ import annotations

import json
import re

import pytest

from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT

pytestmark = pytest.mark.notebooks

RESIDUE = {"nan", "NaN", "<NA>", "None", "True", "False", "NaT"}
#: Words that show a Vietnamese text in an English page (and the reverse).
VI_WORDS = re.compile(r"Kết luận|Năm |Đơn vị|Chỉ số|Xếp hạng|Không|Có\b|tiêu chí|điểm")
EN_HEADER = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")  # a raw column name such as year_from


def _run(tmp_path, notebook, **params):
    import papermill as pm  # heavy: only when a notebook test runs

    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "report"
    pm.execute_notebook(str(NOTEBOOKS_DIR / notebook), str(tmp_path / "run.ipynb"),
                        parameters={**params, "output_dir": str(out)}, kernel_name="python3", cwd=str(PROJ_ROOT),
                        progress_bar=False)
    key = notebook.removesuffix(".ipynb")
    sec = json.loads((out / "sections" / f"{key}.json").read_text(encoding="utf-8"))
    run = json.loads((tmp_path / "run.ipynb").read_text(encoding="utf-8"))
    return sec, out, run


def _tables(sec):
    return {b["name"]: b for b in sec["blocks"] if b["type"] == "table"}


def _check_page(sec, run, *, lang):
    assert sec["lang"] == lang
    assert 1 <= len(sec["findings"]) <= 5, sec["findings"]
    for t in _tables(sec).values():
        for row in t["table"]["rows"]:
            assert not RESIDUE & set(row), (t["name"], row)
        for h in t["table"]["header"]:
            assert not EN_HEADER.match(h), (t["name"], h)  # every header has words
    texts = [sec["title"], *sec["findings"], *sec["skipped"]]
    texts += [b.get("text", "") + b.get("caption", "") for b in sec["blocks"]]
    texts += [h for t in _tables(sec).values() for h in t["table"]["header"]]
    if lang == "en":
        bad = [s for s in texts if VI_WORDS.search(s)]
        assert not bad, bad
    else:
        assert not any(re.search(r"\b(the|and|of|with)\b", s) for s in texts), texts
    # no prints, no reprs: code cells show nothing but rich displays (Lab readers)
    streams = [o for c in run["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    assert not streams, streams
    for s in sec["findings"]:
        assert "nan" not in s.lower().split() and "None" not in s


def _one_year_csv(tmp_path):
    from cchc_analysis import make_synthetic_scores

    path = tmp_path / "one_year.csv"
    make_synthetic_scores(n_cuc=6, n_vu=5, years=(2024,), seed=7).to_csv(path, index=False)
    return path


def test_00_default(tmp_path):
    sec, out, run = _run(tmp_path, "00_reproduce_published.ipynb")
    _check_page(sec, run, lang="vi")
    claims = _tables(sec)["claims"]["table"]
    status = [r[claims["header"].index("Kết quả")] for r in claims["rows"]]
    assert status.count("khớp") == 9 and "không khớp" not in status
    assert any("84,38" in s for s in sec["findings"]) and any("5 → 9" in s for s in sec["findings"])
    assert any("thứ tự liệt kê" in b.get("text", "") for b in sec["blocks"])  # list-order ranks left out, said
    assert (out / "figures" / "00_reproduce_published__indices.png").exists()


def test_00_province_english_and_a_year_without_claims(tmp_path):
    sec, _, run = _run(tmp_path, "00_reproduce_published.ipynb", level="province", year=2024, lang="en")
    _check_page(sec, run, lang="en")
    assert sec["title"] == "Reproducing the published PAR INDEX"
    sec2, _, run2 = _run(tmp_path / "b", "00_reproduce_published.ipynb", year=2030, lang="en")
    assert sec2["skipped"] and "2030" in sec2["skipped"][0]
    assert "indices" not in sec2["figures"]  # no empty placeholder figure for a year without published indices


def test_01_published_default(tmp_path):
    sec, out, run = _run(tmp_path, "01_ranking_trends.ipynb", n_draws=500)
    _check_page(sec, run, lang="vi")
    assert sec["findings"][0].startswith("Bộ Thông tin và Truyền thông giảm 4 bậc, 5 → 9")
    assert "1,10 điểm" in sec["findings"][0]
    assert {"attribution", "movers", "rank_intervals", "methodology_breaks"} <= set(_tables(sec))
    assert {"bump", "slope", "intervals"} <= set(sec["figures"])


def test_01_one_year_without_trends(tmp_path):
    sec, out, run = _run(tmp_path, "01_ranking_trends.ipynb", data_path=str(_one_year_csv(tmp_path)), year=2024,
                         n_draws=300, lang="en")
    _check_page(sec, run, lang="en")
    assert sec["skipped"] and "one year only (2024)" in sec["skipped"][0]
    assert "rank_intervals" in _tables(sec) and "attribution" not in _tables(sec)
    assert len(_tables(sec)["rank_intervals"]["table"]["rows"]) == 13


def test_02_bundled_and_one_year(tmp_path):
    sec, out, run = _run(tmp_path, "02_few_task_bias.ipynb", n_perm=199)
    _check_page(sec, run, lang="vi")
    assert sec["findings"][0].startswith("Có: đơn vị ít nhiệm vụ") and "ρ Spearman −0,41" in sec["findings"][0] and "gấp đôi" in sec["findings"][0]
    assert "giả lập" in sec["findings"][0]  # synthetic, known from the data
    page = json.dumps(sec, ensure_ascii=False)  # the test's size and power for these 36 units, from 1,000 worlds
    assert "Phép kiểm định chính đáng tin đến đâu" in page and "Mô phỏng 1.000 bộ dữ liệu" in page
    size = re.search(r"báo nhầm ở (\d+),(\d) %", page)
    assert size and abs(float(f"{size[1]}.{size[2]}") - 5.0) <= 2.0  # within alpha ± 0.02
    record = _tables(sec)["public_record"]["table"]  # what the public record says, each row sourced
    assert "Ban Dân tộc tỉnh" in [r[0] for r in record["rows"]] and "Hồ sơ công khai nói gì" in json.dumps(sec, ensure_ascii=False)
    assert any("baochinhphu.vn" in u for u in sec["sources"])
    sec1, _, run1 = _run(tmp_path / "b", "02_few_task_bias.ipynb", data_path=str(_one_year_csv(tmp_path)), year=0,
                         n_perm=99, lang="en")
    _check_page(sec1, run1, lang="en")
    assert "(13 units, 2024)" in sec1["findings"][0]
    assert "false alarm in" in json.dumps(sec1)  # the calibration runs on the user's 13 units too
    assert not any("%" in s for s in sec1["findings"][1:2])  # a near-zero gap is not shared out in percent


def test_02_too_few_units(tmp_path):
    from cchc_analysis import make_synthetic_scores

    path = tmp_path / "tiny.csv"
    make_synthetic_scores(n_cuc=1, n_vu=1, years=(2024,), seed=3).to_csv(path, index=False)
    sec, _, run = _run(tmp_path, "02_few_task_bias.ipynb", data_path=str(path), year=2024, n_perm=99)
    assert sec["skipped"] and "cần ít nhất 6 đơn vị" in sec["skipped"][0]
    sec3, _, _ = _run(tmp_path / "b", "03_peer_group_schemes.ipynb", data_path=str(path), year=2024, n_draws=50)
    assert sec3["skipped"]


def test_03_bundled_english(tmp_path):
    sec, out, run = _run(tmp_path, "03_peer_group_schemes.ipynb", n_draws=200, lang="en")
    _check_page(sec, run, lang="en")
    # issue 20: the league is biased after the ability model, but no grouping is clearly fairer on 36 units
    assert sec["findings"][0].startswith("Recommended for 2023: Single league (official): bias by maximum after the "
                                         "ability model 0.44 (CI 0.12 to 0.71)")
    assert "no grouping is clearly fairer" in sec["findings"][1]
    comp = _tables(sec)["scheme_comparison"]["table"]
    assert len(comp["rows"]) == 8 and sum(r[comp["header"].index("Recommended")] == "Yes" for r in comp["rows"]) == 1
    assert not any("max_band" in c for r in comp["rows"] for c in r)  # codes in words, also inside reasons
    assert _tables(sec)["ranks_by_scheme"]["detail"]


def test_04_bundled(tmp_path):
    sec, out, run = _run(tmp_path, "04_survey_quality.ipynb")
    _check_page(sec, run, lang="vi")
    assert not sec["skipped"]
    assert "5 trong 36 đơn vị" in sec["findings"][0]
    assert any("7.1 Tỷ lệ văn bản điện tử" in s for s in sec["findings"])
    assert {"survey_quality", "survey_vs_appraisal", "criteria_discrimination"} <= set(sec["figures"])


def test_04_one_year_without_survey(tmp_path):
    path = _one_year_csv(tmp_path)
    sec, out, run = _run(tmp_path, "04_survey_quality.ipynb", scores_path=str(path), year=2024, lang="en")
    _check_page(sec, run, lang="en")
    assert sec["skipped"] and sec["skipped"][0].startswith("No survey responses")
    assert "criteria_discrimination" in sec["figures"]  # the ceiling analysis still runs on the scores
    assert any("no longer tell units apart" in s for s in sec["findings"])
    # the bundled survey has no 2024: the page says so instead of failing
    sec2, _, _ = _run(tmp_path / "b", "04_survey_quality.ipynb", survey_path=str(__import__(
        "cchc_analysis").config.DEFAULT_SURVEY), scores_path=str(path), year=2024)
    assert sec2["skipped"] and "không có năm 2024" in sec2["skipped"][0]
    # `cchc report --data x` passes survey_path="none" (report.inputs.NO_SURVEY): skipped, not a failure
    sec3, _, _ = _run(tmp_path / "c", "04_survey_quality.ipynb", survey_path="none", scores_path=str(path),
                      year=2024, lang="en")
    assert sec3["skipped"] == sec["skipped"]


def _filled_template(tmp_path, n_units=12, years=(2023, 2024)):
    """The analysts' bảng tổng hợp template filled for 12 units of three types: self-assessed
    and appraised points, some criteria not arising (không phát sinh) in one year only."""
    import numpy as np

    from cchc_analysis.io.template import default_tree, summary_workbook

    rng = np.random.default_rng(16)
    types = ["vu", "cuc", "van-phong"]
    units = [(f"don-vi-{i:02d}", f"Đơn vị thử {i}", types[i % 3]) for i in range(1, n_units + 1)]
    vals = {}
    for y in years:
        for k, (u, _, _) in enumerate(units):
            for n in default_tree():
                if not n["leaf"]:
                    continue
                if (k + len(n["id"])) % 7 == 0 and y == years[-1]:
                    vals[(y, u, n["id"], "points")] = "-"  # không phát sinh
                    continue
                p = round(float(n["max"]) * rng.choice([0.25, 0.5, 0.75, 1.0]), 2)
                vals[(y, u, n["id"], "points")] = p
                vals[(y, u, n["id"], "self")] = float(n["max"])
    path = tmp_path / "bang-tong-hop.xlsx"
    summary_workbook(units, years=years, values=vals, formulas=False).save(path)
    return path


def _docx_headings(path):
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_07_bundled(tmp_path):
    sec, out, run = _run(tmp_path, "07_scorecards.ipynb", n_draws=300)
    _check_page(sec, run, lang="vi")
    assert sec["findings"][0].startswith("Đã lập phiếu kết quả cho 36 đơn vị năm 2023") and not sec["skipped"]
    assert any(s.startswith("Thay đổi lớn nhất so với năm 2022") for s in sec["findings"])
    rows = _tables(sec)["scorecards"]["table"]["rows"]
    assert len(rows) == 36 and rows[0][0].startswith(("Cục", "Vụ", "Văn phòng", "Thanh tra"))  # names, not ids
    units = out / "don-vi"
    assert len(list(units.glob("*.docx"))) == 37 and len(list(units.glob("*.html"))) == 36
    text = _docx_headings(units / "cuc-01.docx")
    assert "Vì sao chỉ số thay đổi so với năm trước" in text and "Chất lượng phiếu điều tra" in text
    assert any(t.startswith("Cục số 1 đạt ") and "khoảng tin cậy" in t for t in text)
    assert any(t.startswith("Hạng trong nhóm") for t in [c.text for t2 in __import__("docx").Document(
        str(units / "cuc-01.docx")).tables for r in t2.rows for c in r.cells])


def test_07_filled_template_without_survey(tmp_path):
    # a user's workbook: no survey (none passed), self-assessed points, names from the workbook
    path = _filled_template(tmp_path)
    sec, out, run = _run(tmp_path, "07_scorecards.ipynb", data_path=str(path), survey_path="none", n_draws=200)
    _check_page(sec, run, lang="vi")
    assert sec["findings"][0].startswith("Đã lập phiếu kết quả cho 12 đơn vị năm 2024")
    text = _docx_headings(out / "don-vi" / "don-vi-01.docx")
    assert "Tự chấm và thẩm định" in text and "Chất lượng phiếu điều tra" not in text
    assert text[0] == "Phiếu kết quả Chỉ số CCHC năm 2024: Đơn vị thử 1"


def test_07_one_year_english_and_one_unit(tmp_path):
    sec, out, run = _run(tmp_path, "07_scorecards.ipynb", data_path=str(_one_year_csv(tmp_path)), year=2024,
                         n_draws=200, lang="en")
    _check_page(sec, run, lang="en")
    assert sec["skipped"] == ["The data has no year before 2024: the scorecards have no change-since-last-year part."]
    assert (out / "don-vi" / "all-units.docx").exists()
    text = _docx_headings(out / "don-vi" / "cuc-01.docx")
    assert "No previous year for this unit: no comparison." in text
    from cchc_analysis import make_synthetic_scores

    one = tmp_path / "one.csv"
    s = make_synthetic_scores(n_cuc=1, n_vu=1, years=(2024,), seed=3)
    s[s.unit_id == "cuc-01"].to_csv(one, index=False)
    sec1, out1, _ = _run(tmp_path / "b", "07_scorecards.ipynb", data_path=str(one), year=2024)
    assert sec1["skipped"] and "cần ít nhất 2 đơn vị" in sec1["skipped"][0] and not sec1["findings"]
    assert not (out1 / "don-vi").exists()
