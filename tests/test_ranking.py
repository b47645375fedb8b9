"""Tests for cchc_analysis.ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_analysis.ranking import rank_units


def test_competition_and_dense_ties_per_year():
    df = pd.DataFrame({
        "year": [2022] * 4 + [2023] * 3,
        "unit_id": list("abcd") + list("abc"),
        "index": [90.0, 85.5, 85.5, 70.0, 60.0, 80.0, 80.0],
    })
    r = rank_units(df)
    assert r["rank"].tolist() == [1, 2, 2, 4, 3, 1, 1]
    assert rank_units(df, method="dense")["rank"].tolist() == [1, 2, 2, 3, 2, 1, 1]
    assert "rank" not in df.columns  # input untouched


def test_ranks_on_unrounded_values_with_float_noise_tie():
    # 89.954 and 89.946 both display as 89.95 but are not a tie; 0.1+0.2 vs 0.3 is a tie
    df = pd.DataFrame({"unit_id": list("abcd"), "index": [89.954, 89.946, 0.1 + 0.2, 0.3]})
    assert rank_units(df, by=())["rank"].tolist() == [1, 2, 3, 3]


def test_published_2023_top3_order():
    # PAR INDEX 2023 ministries (http://vjst.vn/vn/tin-tuc/9297/chi-so-cai-cach-hanh-chinh-cua-cac-bo-nganh-nam-2023.aspx)
    df = pd.DataFrame({"unit_id": ["bo-tai-chinh", "bo-tu-phap", "ngan-hang-nha-nuoc"],
                       "index": [89.18, 89.95, 89.89]})
    assert rank_units(df, by=())["rank"].tolist() == [3, 1, 2]


def test_missing_score_has_no_rank_and_bad_args():
    df = pd.DataFrame({"year": 2023, "unit_id": list("ab"), "index": [np.nan, 1.0]})
    r = rank_units(df)
    assert pd.isna(r["rank"].iat[0]) and r["rank"].iat[1] == 1
    with pytest.raises(ValueError, match="must be one of"):
        rank_units(df, method="olympic")
    with pytest.raises(ValueError, match="no column"):
        rank_units(df, score="total")
