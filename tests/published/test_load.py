"""Published PAR INDEX tables: canonical shape, provenance, located errors (published/load.py)."""

from __future__ import annotations

import json
import unicodedata

import pandas as pd
import pytest

from cchc_analysis import config
from cchc_analysis.errors import DataError
from cchc_analysis.published import PUBLISHED_COLUMNS, load_published, published_path

LEVELS = ("ministry", "province")


@pytest.fixture(scope="module")
def tables():
    return {lv: load_published(lv) for lv in LEVELS}


@pytest.mark.parametrize("level", LEVELS)
def test_canonical_columns_and_types(tables, level):
    t = tables[level]
    assert list(t.columns[: len(PUBLISHED_COLUMNS)]) == PUBLISHED_COLUMNS
    assert {"ranked", "notes", "name_in_source"} <= set(t.columns)
    assert t["year"].dtype == "int64" and str(t["rank"].dtype) == "Int64"
    for c in ("appraisal", "survey", "total", "index"):
        assert t[c].dtype == "float64"
    assert (t["level"] == level).all()
    assert t["source_url"].str.match(r"^https?://").all()  # every row names its source
    assert not t.duplicated(["year", "unit_id"]).any()
    assert t["index"].dropna().between(0, 100).all()


@pytest.mark.parametrize("level", LEVELS)
def test_raw_files_are_utf8_nfc_with_dot_decimals(level):
    text = published_path(level).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    raw = pd.read_csv(published_path(level), dtype=str, keep_default_na=False)
    for c in ("appraisal", "survey", "total", "index"):
        vals = raw[c][raw[c] != ""]
        assert vals.str.fullmatch(r"\d+(\.\d+)?").all(), c


def test_ministry_2023_reproduces_the_government_table(tables):
    # https://xaydungchinhsach.chinhphu.vn/chi-tiet-bang-xep-hang-par-index-2023-cua-cac-bo-co-quan-ngang-bo-119240417175319406.htm
    t = tables["ministry"].query("year == 2023")
    ranked = t[t["ranked"]]
    assert len(ranked) == 17 and ranked["rank"].tolist() == list(range(1, 18))
    assert ranked[["appraisal", "survey", "total", "index"]].notna().all().all()
    row = ranked.set_index("unit_id").loc["bo-thong-tin-va-truyen-thong"]
    assert (row["rank"], row["appraisal"], row["survey"], row["total"], row["index"]) == (9, 60.50, 25.33, 85.83, 85.83)
    assert ranked.set_index("rank").at[1, "unit_id"] == "bo-tu-phap"
    assert ranked.set_index("rank").at[17, "unit_id"] == "bo-cong-thuong"
    assert ranked["index"].mean() == pytest.approx(84.38, abs=0.005)  # "Trung bình 84.38"
    assert (ranked["total"] == ranked["index"]).all()  # maximum 100 points under 876/QĐ-BNV
    # the special agencies are kept and marked as not ranked
    special = t[~t["ranked"]]
    assert set(special["unit_id"]) == {"thanh-tra-chinh-phu", "uy-ban-dan-toc"}
    assert special["rank"].isna().all()


def test_variant_spelling_resolves_to_one_unit(tables):
    t = tables["ministry"]
    # "Bộ Y Tế" (2023 table) and "Bộ Y tế" (2012 article) are one unit
    rows = t[t["unit_id"] == "bo-y-te"]
    assert set(rows["name_in_source"]) == {"Bộ Y Tế", "Bộ Y tế"}
    assert set(rows["unit_name"]) == {"Bộ Y tế"}
    p = tables["province"]
    assert set(p.loc[p["unit_id"] == "ho-chi-minh", "name_in_source"]) >= {"Ho Chi Minh City", "Hồ Chí Minh"}


def test_mic_ranks(tables):
    t = tables["ministry"].set_index(["year", "unit_id"])
    assert t.at[(2022, "bo-thong-tin-va-truyen-thong"), "rank"] == 5
    assert t.at[(2023, "bo-thong-tin-va-truyen-thong"), "rank"] == 9
    assert t.at[(2022, "bo-thong-tin-va-truyen-thong"), "index"] == 86.93


def test_province_headlines(tables):
    p = tables["province"].set_index(["year", "unit_id"])
    assert (p.at[(2024, "hai-phong"), "rank"], p.at[(2024, "hai-phong"), "index"]) == (1, 96.17)
    assert (p.at[(2023, "quang-ninh"), "rank"], p.at[(2023, "quang-ninh"), "index"]) == (1, 92.18)
    assert (p.at[(2022, "quang-ninh"), "index"], p.at[(2022, "hai-phong"), "index"]) == (90.10, 90.09)


def test_years_filter(tables):
    t = load_published("ministry", years=[2022, 2023])
    assert set(t["year"]) == {2022, 2023}
    assert set(load_published("province", years=2024)["year"]) == {2024}
    with pytest.raises(ValueError, match="level"):
        load_published("district")
    with pytest.raises(ValueError, match="years"):
        load_published("ministry", years="abc")


def test_unknown_name_in_file_is_located(tmp_path):
    src = published_path("ministry").read_text(encoding="utf-8").splitlines()
    src[3] = src[3].replace("Bộ Tài chính", "Bộ Tài Chánh Xyz")
    p = tmp_path / "ministry.csv"
    p.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_published("ministry", path=p)
    assert (e.value.first.row, e.value.first.column) == (4, "unit_name")
    assert e.value.first.file.endswith("ministry.csv")


def test_bad_number_and_missing_source_are_located(tmp_path):
    src = published_path("ministry").read_text(encoding="utf-8").splitlines()
    src[2] = src[2].replace("89.89", "89.8x", 1).replace("https://", "htps://")
    p = tmp_path / "ministry.csv"
    p.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_published("ministry", path=p)
    cols = {(q.row, q.column) for q in e.value.problems}
    assert (3, "source_url") in cols and any(c in ("total", "index") for r, c in cols if r == 3)


def test_stray_comma_is_a_located_data_error(tmp_path):
    src = published_path("ministry").read_text(encoding="utf-8").splitlines()
    src[2] = src[2].replace("89.89", "89,89", 1)
    p = tmp_path / "ministry.csv"
    p.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_published("ministry", path=p)
    assert e.value.first.row == 3


def test_decimal_comma_is_read(tmp_path):
    src = published_path("ministry").read_text(encoding="utf-8").splitlines()
    src[1] = src[1].replace("89.95,89.95", '"89,95","89,95"')
    p = tmp_path / "ministry.csv"
    p.write_text("\n".join(src) + "\n", encoding="utf-8")
    t = load_published("ministry", path=p, years=2023)
    assert t.set_index("unit_id").at["bo-tu-phap", "index"] == 89.95


def test_datapackage_describes_every_file_and_column():
    dp = json.loads((config.PUBLISHED_DIR / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["path"]: r for r in dp["resources"]}
    for f in ("ministry.csv", "province.csv", "units.csv", "claims.csv"):
        assert f in res, f
        header = pd.read_csv(config.PUBLISHED_DIR / f, nrows=0).columns.tolist()
        assert [fl["name"] for fl in res[f]["schema"]["fields"]] == header, f


def test_readme_has_coverage_table():
    text = (config.PUBLISHED_DIR / "README.md").read_text(encoding="utf-8")
    assert "| year |" in text.lower() or "| năm |" in text.lower()
    assert "2023" in text and "complete" in text
