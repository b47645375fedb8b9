"""Notebook 03_peer_group_schemes through papermill on a small synthetic workbook."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT
from cchc_analysis.synthetic import write_synthetic_workbook

NOTEBOOK = NOTEBOOKS_DIR / "03_peer_group_schemes.ipynb"


@pytest.mark.notebooks
def test_notebook_runs_on_a_small_synthetic_workbook(tmp_path):
    papermill = pytest.importorskip("papermill")
    data = write_synthetic_workbook(tmp_path / "synthetic_small.xlsx", seed=5, n_cuc=6, n_vu=6, years=(2023,))
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(NOTEBOOK), str(tmp_path / "run.ipynb"),
        parameters={"data_path": str(data), "year": 2023, "schemes": [], "k": 3, "n_draws": 200,
                    "lang": "en", "output_dir": str(out)},
        kernel_name="python3", cwd=str(PROJ_ROOT), progress_bar=False,
    )
    tables = {p.name for p in (out / "tables").iterdir()}
    assert tables == {"03_peer_group_schemes__scheme_comparison.csv", "03_peer_group_schemes__ranks_by_scheme.csv",
                      "03_peer_group_schemes__peer_ranks_recommended.csv"}
    comp = pd.read_csv(out / "tables" / "03_peer_group_schemes__scheme_comparison.csv")
    assert len(comp) == 8 and comp["recommended"].sum() == 1
    wide = pd.read_csv(out / "tables" / "03_peer_group_schemes__ranks_by_scheme.csv")
    assert len(wide) == 14 and set(comp["scheme"]) <= set(wide.columns)
    figs = {p.name for p in (out / "figures").iterdir()}
    assert "03_peer_group_schemes__scheme_metrics.png" in figs and "03_peer_group_schemes__peer_groups.svg" in figs
