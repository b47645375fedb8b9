"""tables.xlsx: collecting the CSV tables with display headers (cchc_analysis/report/xlsx.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_analysis import labels
from cchc_analysis.report import collect_tables, load_all_labels
from cchc_analysis.report.xlsx import sheet_names


def test_collect_tables_localises_headers_and_keeps_sheet_names_unique(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    frame = pd.DataFrame({"unit_name": ["Cục A"], "index": [87.5], "custom": ["x"], "Unit": ["y"]})
    long = "a_very_long_table_name_that_goes_beyond_thirty_one"
    for stem in (f"01_nb__{long}_1", f"01_nb__{long}_2", "02_other__ranks"):
        frame.to_csv(tables / f"{stem}.csv", index=False)
    sheets = collect_tables(tmp_path, lang="en")
    names = list(sheets)
    assert names[0] == "Contents"
    assert len(set(n.lower() for n in names)) == len(names) and all(len(n) <= 31 for n in names)
    # labels localised; a column whose label repeats another's keeps its own name too
    assert list(sheets[names[-1]].columns) == ["Unit", "PAR index (%)", "custom", "Unit (Unit)"]
    assert sheets["Contents"]["CSV file"].tolist() == [
        f"tables/01_nb__{long}_1.csv", f"tables/01_nb__{long}_2.csv", "tables/02_other__ranks.csv"]
    with pytest.raises(ValueError, match="lang"):
        collect_tables(tmp_path, lang="fr")


def test_sheet_names_are_short_and_unique():
    names = sheet_names(["01_ranking_trends__" + "x" * 40, "01_ranking_trends__" + "x" * 40 + "y", "a:b"])
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == 3 and names[2] == "a_b"


def test_load_all_labels_registers_every_analysis_label():
    load_all_labels()
    # words of bias/peers/trends do not overwrite each other (notebook 01 headers)
    assert labels.label("part") == "Phần" and labels.label("kind") == "Loại"
    assert labels.label("claim") == "Nhận định đã công bố"  # registered by published.claims
