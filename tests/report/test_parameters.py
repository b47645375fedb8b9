"""Which parameters reach which notebook (cchc_analysis/report/parameters.py)."""

from __future__ import annotations

import pytest

from cchc_analysis.report import ReportParameterError, resolve_parameters
from cchc_analysis.report.parameters import convert_value


def test_resolve_parameters_types_and_scoping():
    declared = {
        "01_a": {"year": {"inferred_type_name": "int"}, "n": {"inferred_type_name": "int"},
                 "alpha": {"inferred_type_name": "float"}, "flag": {"inferred_type_name": "bool"},
                 "code": {"inferred_type_name": "str"}, "opt": {"inferred_type_name": "Optional[int]"},
                 "items": {"inferred_type_name": "list"}, "free": {"inferred_type_name": "None"}},
        "02_b": {"data_path": {"inferred_type_name": "str"}, "survey_path": {"inferred_type_name": "str"},
                 "n": {"inferred_type_name": "str"}},
    }
    got = resolve_parameters(
        declared, year=2024, lang="en", output_dir="/r", data="/d.xlsx", survey=None,
        extra=["n=007", "alpha=0.05", "flag=no", "code=007", "opt=None", "items=[1, 2]", "free=3"])
    assert got["01_a"] == {"year": 2024, "n": 7, "alpha": 0.05, "flag": False, "code": "007",
                           "opt": None, "items": [1, 2], "free": 3}
    # a parameter declared with different types converts per notebook; survey None is skipped
    assert got["02_b"] == {"data_path": "/d.xlsx", "n": "007"}
    with pytest.raises(ReportParameterError, match="n.*int"):
        resolve_parameters(declared, year=2024, lang="vi", output_dir="/r", data=None,
                                  survey=None, extra={"n": "1.5"})
    with pytest.raises(ReportParameterError, match="items.*list"):
        resolve_parameters(declared, year=2024, lang="vi", output_dir="/r", data=None,
                                  survey=None, extra={"items": "{1: 2}"})


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize("raw, type_name, expected", [
    ("3", "int", 3), ("0.5", "float", 0.5), ("có", "bool", True), ("off", "bool", False),
    ("none", "Optional[int]", None), ("[1, 2]", "list[int]", [1, 2]), ("abc", "None", "abc"),
])
def test_convert_value(raw, type_name, expected):
    assert convert_value(raw, type_name) == expected


@pytest.mark.parametrize("raw, type_name", [("3.5", "int"), ("x", "float"), ("maybe", "bool"), ("1", "list")])
def test_convert_value_refuses_what_does_not_fit(raw, type_name):
    with pytest.raises(ValueError):
        convert_value(raw, type_name)
