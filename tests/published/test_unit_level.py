"""The unit-level public record: loader checks and the statements built on it."""

import pandas as pd
import pytest

from cchc_analysis import DataError
from cchc_analysis.published import load_published, load_unit_level, public_record, public_record_findings


def test_bundled_unit_level_loads_with_sources():
    t = load_unit_level()
    assert len(t) >= 80 and t["source_url"].str.startswith("http").all()
    mof = t[(t.organisation == "Bộ Tài chính") & (t.year == 2021)]
    assert mof.groupby("group")["stated_maximum"].first().to_dict() == {"Cục": 80.0, "Tổng cục": 100.0, "Vụ": 70.0}
    # Thanh Hóa 2023: Ban Dân tộc last of 20 with 68.32 points and index 81.33 (a maximum below 100)
    bdt = t[(t.organisation == "Thanh Hóa") & (t.unit_name == "Ban Dân tộc tỉnh")].iloc[0]
    assert (bdt["rank"], bdt["achieved_points"], bdt["index"]) == (20, 68.32, 81.33)


def test_public_record_positions_by_hand():
    pr = public_record(load_unit_level()).set_index(["organisation", "unit_name"])
    # MoF 2021 Vụ group: Thanh tra Bộ 61/70; the listed Vụ with more points than 61
    t = load_unit_level(organisation="Bộ Tài chính", years=2021)
    vu = t[t.group == "Vụ"]
    expected = int((vu.achieved_points > 61).sum())
    assert pr.loc[("Bộ Tài chính", "Thanh tra Bộ"), "n_listed_above"] == expected
    assert pr.loc[("Hà Nội", "Thanh tra thành phố"), "n_listed_above"] == pr.loc[("Hà Nội", "Thanh tra thành phố"), "n_listed"] - 1


def test_findings_are_in_one_language():
    t = load_unit_level()
    vi, en = public_record_findings(t), public_record_findings(t, lang="en")
    assert len(vi) == len(en) >= 3
    assert "thang điểm" in vi[1] and "maxima" in en[1]
    assert "không" in vi[-1] and "cannot" in en[-1]


def test_bad_row_is_located(tmp_path):
    t = pd.read_csv("data/raw/published/unit_level.csv", dtype=str, keep_default_na=False)
    t.loc[3, "source_url"] = ""
    t.loc[5, "achieved_points"] = "nhiều"
    p = tmp_path / "u.csv"
    t.to_csv(p, index=False)
    with pytest.raises(DataError) as e:
        load_unit_level(path=p)
    msg = str(e.value)
    assert "dòng 5" in msg and "source_url" in msg and "dòng 7" in msg and "achieved_points" in msg


def test_rank_basis_default_keeps_only_trusted_ranks():
    key = ["year", "unit_id"]
    allr = load_published("province", rank_basis="all").sort_values(key, ignore_index=True)
    trusted = load_published("province").sort_values(key, ignore_index=True)
    listed = allr["rank_basis"] == "list_order"
    assert listed.any()
    assert trusted.loc[listed.to_numpy(), "rank"].isna().all()
    assert (trusted["rank_listed"].fillna(-1) == allr["rank"].fillna(-1)).all()
    with pytest.raises(ValueError, match="rank_basis"):
        load_published("province", rank_basis="guessed")


def test_rank_basis_note_counts_list_order_ranks_from_the_csv():
    from cchc_analysis.published import rank_basis_note

    raw = pd.read_csv("data/raw/published/ministry.csv", dtype=str, keep_default_na=False)
    n = int(((raw["rank_basis"] == "list_order") & (raw["rank"] != "")).sum())  # counted from the file itself
    assert n > 0
    note = rank_basis_note(load_published("ministry"), lang="vi")
    assert note.startswith(f"{n} thứ hạng") and "thứ tự liệt kê" in note
    assert rank_basis_note(load_published("ministry", rank_basis="all")) is None  # nothing left out
    assert rank_basis_note(pd.DataFrame({"year": [2024], "rank": [1]})) is None  # a workbook's ranks


def test_public_record_for_people_splits_index_and_points():
    from cchc_analysis.published import public_record_for_people

    people = public_record_for_people(public_record(load_unit_level()))
    assert "value" not in people.columns and (people["n_listed"] > 0).all()
    tt = people.set_index("unit_name").loc["Thanh tra Bộ"]
    assert tt["achieved_points"] == 61 and pd.isna(tt["index"]) and tt["stated_maximum"] == 70
    bdt = people.set_index("unit_name").loc["Ban Dân tộc tỉnh"]
    assert bdt["index"] == 81.33 and pd.isna(bdt["achieved_points"])
