"""The readers know synthetic data from the file's own metadata, never from its name."""

from __future__ import annotations

import pandas as pd

from cchc_analysis.config import DEFAULT_SURVEY, DEFAULT_WORKBOOK
from cchc_analysis.io import read_scores, read_survey
from cchc_analysis.provenance import is_synthetic
from cchc_analysis.synthetic import (
    make_synthetic_scores,
    make_synthetic_survey,
    write_synthetic_survey,
    write_synthetic_workbook,
)


def test_generators_mark_their_frames():
    assert is_synthetic(make_synthetic_scores(seed=1, n_cuc=1, n_vu=1, years=(2023,)))
    assert is_synthetic(make_synthetic_survey(seed=1, n_cuc=1, n_vu=1, years=(2023,), n_planted=0))


def test_bundled_files_are_read_as_synthetic():
    assert is_synthetic(read_scores(DEFAULT_WORKBOOK))
    assert is_synthetic(read_survey(DEFAULT_SURVEY))


def test_flag_follows_the_file_not_its_name(tmp_path):
    wb = write_synthetic_workbook(tmp_path / "ministry_2023.xlsx", n_cuc=1, n_vu=1, years=(2023,))
    sv = write_synthetic_survey(tmp_path / "answers.csv", n_cuc=1, n_vu=1, years=(2023,), n_planted=0)
    assert is_synthetic(read_scores(wb)) and is_synthetic(read_survey(sv))
    # a real-looking file whose name says "synthetic" is not synthetic
    real = tmp_path / "synthetic_named.csv"
    real.write_text("year,unit_id,criterion,max_points,points\n2023,a,1.1,2,1\n", encoding="utf-8")
    assert not is_synthetic(read_scores(real))
    # a tidy CSV with a synthetic column true on every row is synthetic; the column is dropped
    marked = tmp_path / "scores.csv"
    marked.write_text("year,unit_id,criterion,max_points,points,synthetic\n2023,a,1.1,2,1,True\n", encoding="utf-8")
    s = read_scores(marked)
    assert is_synthetic(s) and "synthetic" not in s.columns
    # dropping the survey's synthetic column drops the flag
    frame = pd.read_csv(sv).drop(columns="synthetic")
    frame.to_csv(tmp_path / "plain.csv", index=False)
    assert not is_synthetic(read_survey(tmp_path / "plain.csv"))


def test_cli_index_labels_by_metadata(tmp_path, capsys):
    from cchc_analysis.cli import main

    wb = write_synthetic_workbook(tmp_path / "ministry.xlsx", n_cuc=1, n_vu=1, years=(2023,))
    assert main(["index", str(wb)]) == 0
    assert "SYNTHETIC DATA" in capsys.readouterr().out
