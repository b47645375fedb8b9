"""Tests for cchc_analysis.trends.notebook and notebook 01 (executed through papermill)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis.config import DEFAULT_WORKBOOK, NOTEBOOKS_DIR, PROJ_ROOT
from cchc_analysis.trends import pick_unit


def test_pick_unit(frames):
    assert pick_unit(frames.four_units(), "c", year_from=2022, year_to=2023) == "c"
    assert pick_unit(frames.four_units(), "bo-x", year_from=2022, year_to=2023) == "b"


def _run_notebook(tmp_path, params):
    import papermill as pm  # heavy: imported only when a notebook test runs

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "01_ranking_trends.ipynb"), str(out),
                        parameters={**params, "output_dir": str(tmp_path / "report")},
                        kernel_name="python3", cwd=str(PROJ_ROOT), progress_bar=False)
    return out, tmp_path / "report"


@pytest.mark.notebooks
def test_notebook_on_synthetic_workbook(tmp_path):
    out, rep = _run_notebook(tmp_path, {"data_path": str(DEFAULT_WORKBOOK), "lang": "en", "n_draws": 1000})
    tables = {p.name for p in (rep / "tables").glob("*.csv")}
    assert "01_ranking_trends__attribution.csv" in tables and "01_ranking_trends__rank_intervals.csv" in tables
    att = pd.read_csv(rep / "tables" / "01_ranking_trends__attribution.csv", encoding="utf-8-sig")
    assert att["computable"].sum() >= 6  # rank, index, components and fields all computed
    figs = {p.name for p in (rep / "figures").glob("*.png")}
    assert {"01_ranking_trends__bump.png", "01_ranking_trends__intervals.png"} <= figs


@pytest.mark.notebooks
def test_notebook_on_published_default(tmp_path):
    out, rep = _run_notebook(tmp_path, {"n_draws": 1000})
    att = pd.read_csv(rep / "tables" / "01_ranking_trends__attribution.csv", encoding="utf-8-sig")
    assert {"rank", "index"} <= set(att["group"])
