"""`import cchc_analysis` is cheap (PEP 562 lazy re-exports) and every public name still works."""

from __future__ import annotations

import json
import subprocess
import sys

import cchc_analysis

HEAVY = ["scipy.stats", "matplotlib.pyplot", "matplotlib", "seaborn", "openpyxl", "papermill", "nbconvert", "docx",
         "cchc_analysis.bias", "cchc_analysis.survey"]


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nimport json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_nothing_heavy():
    assert _loaded_after("import cchc_analysis") == []
    # the command line's parser neither (pandas is allowed: the report module reads frames)
    assert _loaded_after("import cchc_analysis.cli") == []


def test_first_use_loads_the_sub_package():
    loaded = _loaded_after("import cchc_analysis as c\nc.few_task_bias")
    assert "cchc_analysis.bias" in loaded and "scipy.stats" in loaded


def test_every_public_name_resolves_and_is_the_sub_package_object():
    import importlib

    for name in cchc_analysis.__all__:
        obj = getattr(cchc_analysis, name)
        if name in cchc_analysis._LAZY:
            mod = importlib.import_module(f"cchc_analysis.{cchc_analysis._LAZY[name]}")
            assert obj is getattr(mod, name), name
    assert set(cchc_analysis.__all__) <= set(dir(cchc_analysis))
    assert {"survey", "bias", "config"} <= set(dir(cchc_analysis))
    assert cchc_analysis.survey.survey_quality is cchc_analysis.survey_quality  # sub-packages as attributes


def test_star_import_and_unknown_names():
    ns: dict = {}
    exec("from cchc_analysis import *", ns)
    assert {"survey_quality", "applicable_index", "DataError", "__version__"} <= set(ns)
    try:
        cchc_analysis.no_such_name  # noqa: B018
    except AttributeError as e:
        assert "no_such_name" in str(e)
    else:
        raise AssertionError("unknown attribute did not raise")
