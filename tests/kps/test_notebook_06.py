"""Notebook 06 (KPS) on data unlike the demo: one year, another size, English."""

import json

import pytest

from cchc_analysis import make_synthetic_scores
from cchc_analysis.document import load_sections, section_html

pm = pytest.importorskip("papermill")

RESIDUE = ("nan", "NaN", "<NA>", "None", "True", "False")


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_notebook_06_one_year_workbook(tmp_path, lang):
    data = tmp_path / "don_vi_2024.csv"
    make_synthetic_scores(7, n_cuc=6, n_vu=5, years=(2024,)).assign(synthetic=True).to_csv(data, index=False)
    out = tmp_path / "out"
    pm.execute_notebook("notebooks/06_kps.ipynb", str(tmp_path / "run.ipynb"), cwd=".",
                        parameters={"data_path": str(data), "lang": lang, "output_dir": str(out), "n_draws": 200},
                        progress_bar=False, kernel_name="python3")
    sec = load_sections(out)[0]
    assert 2 <= len(sec.findings) <= 5
    assert sec.synthetic  # known from the file's synthetic column, not its name
    cells = [c for t in sec.people_tables() for r in t.rows for c in r]
    assert cells and not [c for c in cells if c in RESIDUE]
    page = section_html(sec)
    if lang == "vi":
        assert "Kết luận chính" in page and "Key findings" not in page
        assert "chỉ có một năm" in page  # no flips with one year: said, not crashed
    else:
        assert "Key findings" in page and "Kết luận" not in page and "Bảng" not in page
        assert "one year" in page
    data = json.loads((out / "sections" / "06_kps.json").read_text(encoding="utf-8"))
    assert data["figures"] and (out / data["figures"]["policy_ranks"]).is_file()
