"""Unit registry: name variants resolve robustly; unknown names are located DataErrors; lineage."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_analysis.errors import DataError
from cchc_analysis.units import (
    final_successor,
    load_units,
    name_key,
    predecessors,
    resolve_unit,
    resolve_units,
    unit_lineage,
)


def test_registry_has_all_provinces_and_ministries():
    u = load_units()
    prov = u[(u["level"] == "province") & (u["valid_from"] == "")]
    assert len(prov) == 63
    assert {"quang-ninh", "hai-phong", "ha-noi", "ho-chi-minh"} <= set(prov["unit_id"])
    mins = set(u.loc[u["level"] == "ministry", "unit_id"])
    assert {"bo-tu-phap", "ngan-hang-nha-nuoc", "bo-thong-tin-va-truyen-thong", "thanh-tra-chinh-phu",
            "uy-ban-dan-toc"} <= mins
    # ids are ASCII slugs; names NFC
    assert u["unit_id"].str.fullmatch(r"[a-z0-9-]+").all()
    assert all(unicodedata.is_normalized("NFC", s) for s in u["name_vi"])


@pytest.mark.parametrize("name, expected", [
    ("Bộ Y Tế", "bo-y-te"),
    ("Bộ Y tế", "bo-y-te"),
    ("BỘ Y TẾ", "bo-y-te"),
    ("Bộ Thông tin - Truyền thông", "bo-thong-tin-va-truyen-thong"),
    ("Bộ Thông tin và Truyền thông", "bo-thong-tin-va-truyen-thong"),
    ("Bộ TT&TT", "bo-thong-tin-va-truyen-thong"),
    ("Bộ  Thông tin   &  Truyền thông", "bo-thong-tin-va-truyen-thong"),
    ("Ngân hàng Nhà nước", "ngan-hang-nha-nuoc"),
    ("Bộ Lao động, Thương binh và Xã hội", "bo-lao-dong-thuong-binh-va-xa-hoi"),
    ("Bộ Nông nghiệp và Phát triển Nông thôn", "bo-nong-nghiep-va-phat-trien-nong-thon"),
    ("Ministry of Justice", "bo-tu-phap"),
])
def test_ministry_variants(name, expected):
    assert resolve_unit(name, level="ministry") == expected


@pytest.mark.parametrize("name, expected", [
    ("Thành phố Hải Phòng", "hai-phong"),
    ("TP. Hải Phòng", "hai-phong"),
    ("Hai Phong", "hai-phong"),
    ("Bà Rịa – Vũng Tàu", "ba-ria-vung-tau"),
    ("BRVT", "ba-ria-vung-tau"),
    ("TP.HCM", "ho-chi-minh"),
    ("Ho Chi Minh City", "ho-chi-minh"),
    ("Thừa Thiên - Huế", "thua-thien-hue"),
    ("Hoà Bình", "hoa-binh"),
    ("tỉnh Quảng Ninh", "quang-ninh"),
])
def test_province_variants(name, expected):
    assert resolve_unit(name, level="province") == expected


def test_nfd_input_resolves_like_nfc():
    nfd = unicodedata.normalize("NFD", "Bộ Tư pháp")
    assert nfd != "Bộ Tư pháp"
    assert resolve_unit(nfd) == "bo-tu-phap"


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(load_units()["name_vi"].tolist()), st.sampled_from(["NFC", "NFD"]),
       st.sampled_from(["lower", "upper", "same"]), st.integers(0, 3))
def test_every_registry_name_survives_case_form_and_spaces(name, form, case, pad):
    s = unicodedata.normalize(form, name)
    s = {"lower": s.lower(), "upper": s.upper(), "same": s}[case]
    s = (" " * pad) + s.replace(" ", " " * (pad + 1)) + (" " * pad)
    expected = load_units().set_index("name_vi").loc[name, "unit_id"]
    assert resolve_unit(s) == expected


def test_unknown_name_is_a_located_data_error():
    with pytest.raises(DataError) as e:
        resolve_units(["Bộ Tư pháp", "Bộ Không Có"], level="ministry", file="x.csv", column="unit_name")
    p = e.value.first
    assert (p.file, p.row, p.column) == ("x.csv", 3, "unit_name")
    assert "Bộ Không Có" in str(e.value)


def test_level_restricts_matching():
    with pytest.raises(DataError):
        resolve_unit("Hải Phòng", level="ministry")
    with pytest.raises(ValueError, match="level"):
        resolve_unit("Hải Phòng", level="tinh")


def test_name_key_folds_separators():
    assert name_key("Bộ Văn hóa, Thể thao và Du lịch") == name_key("Bộ Văn hoá - Thể thao & Du lịch")
    assert name_key("Đắk Lắk") == "dak lak"


def test_ministry_mergers_of_2025():
    assert final_successor("bo-thong-tin-va-truyen-thong") == "bo-khoa-hoc-va-cong-nghe"
    assert final_successor("bo-ke-hoach-va-dau-tu") == "bo-tai-chinh"
    assert final_successor("bo-lao-dong-thuong-binh-va-xa-hoi") == "bo-noi-vu"
    assert final_successor("bo-giao-thong-van-tai") == "bo-xay-dung"
    assert predecessors("bo-nong-nghiep-va-moi-truong") == [
        "bo-nong-nghiep-va-phat-trien-nong-thon", "bo-tai-nguyen-va-moi-truong"]
    u = load_units().set_index("unit_id")
    # every lineage fact carries a source
    linked = u[u["successor_id"] != ""]
    assert (linked["source_url"].str.startswith("http")).all()
    assert (linked["valid_to"] != "").all()


def test_province_mergers_documented():
    assert final_successor("hai-duong") == "hai-phong-2025"
    assert final_successor("hai-phong") == "hai-phong-2025"
    assert predecessors("ninh-binh-2025") == ["ha-nam", "nam-dinh", "ninh-binh"]
    assert final_successor("quang-ninh") == "quang-ninh"  # not merged
    lin = unit_lineage("hai-phong-2025")
    assert set(lin["relation"]) == {"self", "predecessor"}
    assert set(lin.loc[lin["relation"] == "predecessor", "unit_id"]) == {"hai-duong", "hai-phong"}
    u = load_units(level="province")
    assert (u["valid_from"] == "2025-07-01").sum() == 23
    old = u[u["valid_from"] == ""]
    assert (old["valid_to"] == "2025-06-30").sum() == 63 - 11


def test_lineage_unknown_id():
    with pytest.raises(ValueError, match="Unknown unit_id"):
        predecessors("bo-khong-co")


def test_registry_name_collision_is_reported(tmp_path):
    u = load_units()
    bad = pd.concat([u, u.iloc[[0]].assign(unit_id="bo-tu-phap-2")], ignore_index=True)
    p = tmp_path / "units.csv"
    bad.to_csv(p, index=False, encoding="utf-8")
    with pytest.raises(DataError, match="also matches"):
        load_units(path=p)
