"""Every committed notebook is thin and clean: no outputs, a 'parameters' cell, no defs."""

from __future__ import annotations

import json

import pytest

from cchc_analysis.config import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_clean_and_parameterised(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cells"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs committed"
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), "first code cell must be tagged 'parameters'"
    params = "".join(code[0]["source"])
    for name in ("lang", "output_dir"):
        assert f"{name}:" in params, f"parameters cell lacks `{name}`"
    for c in code:
        src = "".join(c["source"])
        assert "sys.path" not in src and "\ndef " not in "\n" + src and "\nclass " not in "\n" + src
        assert "read_csv(" not in src
    last = "".join(code[-1]["source"])
    assert "save_outputs(" in last or "sec.save(" in last, "last cell must write outputs (save_outputs / sec.save)"


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"


def test_parameters_cells_are_readable_by_papermill():
    """papermill silently skips a parameters line with two '=' (e.g. inside its comment)."""
    from cchc_analysis.report import inspect_parameters

    inspect_parameters(NOTEBOOKS)  # raises ReportParameterError naming the notebook and line
