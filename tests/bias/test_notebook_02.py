"""Notebook 02_few_task_bias through papermill on a small synthetic workbook."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis import read_scores
from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT
from cchc_analysis.provenance import is_synthetic
from cchc_analysis.synthetic import write_synthetic_workbook


@pytest.mark.notebooks
def test_notebook_runs_on_small_synthetic_workbook(tmp_path):
    papermill = pytest.importorskip("papermill")
    declared = papermill.inspect_notebook(str(NOTEBOOKS_DIR / "02_few_task_bias.ipynb"))
    assert {"data_path", "year", "alpha", "lang", "output_dir"} <= set(declared)  # the report CLI reads these
    data = write_synthetic_workbook(tmp_path / "small_synthetic.xlsx", seed=9, n_cuc=6, n_vu=6,
                                    years=(2022, 2023))
    out_dir = tmp_path / "out"
    nb_out = tmp_path / "02_out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "02_few_task_bias.ipynb"), str(nb_out),
        parameters={"data_path": str(data), "year": 0, "n_perm": 199, "calibration_worlds": 2,
                    "lang": "en", "output_dir": str(out_dir)},
        kernel_name="python3", cwd=str(PROJ_ROOT), progress_bar=False,
    )
    tables = {p.name for p in (out_dir / "tables").iterdir()}
    assert {"02_few_task_bias__tests.csv", "02_few_task_bias__ranking_adjusted.csv",
            "02_few_task_bias__decomposition.csv"} <= tables
    figs = {p.name for p in (out_dir / "figures").iterdir()}
    assert "02_few_task_bias__funnel.png" in figs and "02_few_task_bias__rank_shift.svg" in figs
    tests = pd.read_csv(out_dir / "tables" / "02_few_task_bias__tests.csv", encoding="utf-8-sig")
    assert tests["test"].iloc[0] == "association" and (tests["year"] == 2023).all()
    text = nb_out.read_text(encoding="utf-8")
    assert "Kết luận" in text and "Verdict" in text
    # the notebook labels synthetic data from the data itself, not from the file name
    assert is_synthetic(read_scores(data))
    assert "Synthetic data" in text
