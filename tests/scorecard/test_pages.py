"""The unit pages and Word files: they open, hold the expected sections, read as words
(names, VN numbers, no NaN), and the folder is replaced whole."""

import re

import numpy as np
import pytest

from cchc_analysis import make_synthetic_scores
from cchc_analysis.scorecard.pages import scorecard_section, write_scorecards
from cchc_analysis.scorecard.section import make_scorecards, scorecard_findings, too_few_units

RESIDUE = re.compile(r"\b(nan|NaN|None|inf|<NA>)\b")


@pytest.fixture(scope="module")
def flipped():
    s = make_synthetic_scores(n_cuc=4, n_vu=3, years=(2022, 2023), seed=5)
    unit = "cuc-02"
    m = (s.year == 2023) & (s.unit_id == unit) & s.applicable
    s.loc[s[m].index[:2], ["applicable", "points"]] = [False, np.nan]
    return s, unit


def test_docx_opens_and_holds_the_sections(flipped, tmp_path):
    import docx

    s, unit = flipped
    cards = make_scorecards(s, year=2023)
    files = write_scorecards(cards, tmp_path / "don-vi", synthetic=True)
    assert len(files) == 3 * len(cards) + 1 and all(f.exists() for f in files)
    d = docx.Document(str(tmp_path / "don-vi" / f"{unit}.docx"))
    text = [p.text for p in d.paragraphs]
    name = cards[[c.unit_id for c in cards].index(unit)].unit_name
    assert text[0] == f"Phiếu kết quả Chỉ số CCHC năm 2023: {name}"
    for h in ("Kết quả và thứ hạng", "Kết quả theo lĩnh vực", "Tiêu chí mất nhiều điểm nhất",
              "Cần bao nhiêu điểm để lên hạng", "Vì sao chỉ số thay đổi so với năm trước"):
        assert h in text, h
    assert len(d.inline_shapes) == 1 and len(d.tables) == 4
    # the flipped criteria are named, with their effect through the maximum
    flips = [t for t in text if t.startswith("Tiêu chí thay đổi phát sinh")]
    assert flips and "không còn phát sinh" in flips[0]
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert not any(RESIDUE.search(c) for c in cells + text), [c for c in cells + text if RESIDUE.search(c)]
    assert any(re.fullmatch(r"\d+,\d\d %", c) for c in cells)  # 58,24 %: decimal comma
    both = docx.Document(str(tmp_path / "don-vi" / "tat-ca-don-vi.docx"))
    assert len(both.inline_shapes) == len(cards) and len(both.tables) == 4 * len(cards)
    html = (tmp_path / "don-vi" / f"{unit}.html").read_text(encoding="utf-8")
    assert name in html and 'src="figures/' in html and "../07_scorecards.html" in html


def test_out_of_reach_says_so(flipped):
    # full marks on every applicable criterion is 100 %, so a rank is never out of reach;
    # an index line above 100 % is: the page says "không thể đạt", never inf
    from cchc_analysis.scorecard import points_needed

    s, unit = flipped
    cards = {c.unit_id: c for c in make_scorecards(s, year=2023)}
    c = cards[unit]
    c.needed = points_needed(s, unit=unit, year=2023, rank=1, index=[90.0, 101.0])
    sec = scorecard_section(c)
    rows = next(b for b in sec.blocks if b["type"] == "table" and b["name"] == "needed")["table"]["rows"]
    assert rows[-1][0] == "Đạt 101 %" and rows[-1][2] == "không thể đạt" and rows[-1][3] == "—"
    assert re.fullmatch(r"\d+,\d\d", rows[0][2])  # a number of points, decimal comma, rounded up
    assert not any(RESIDUE.search(v) for r in rows for v in r)
    first = min(cards.values(), key=lambda x: x.rank)
    assert first.summary.endswith("Đơn vị đang đứng đầu.")


def test_findings_and_too_few():
    s = make_synthetic_scores(n_cuc=3, n_vu=2, years=(2024,), seed=2)
    cards = make_scorecards(s)
    f = scorecard_findings(cards, lang="en")
    assert f[0].startswith("Scorecards were made for 7 units in 2024")
    assert not any("since" in x.lower() for x in f)  # one year: no change sentence
    one = s[s.unit_id == s.unit_id.iloc[0]]
    assert too_few_units(one, year=2024) .startswith("Năm 2024 chỉ có 1 đơn vị")


def test_folder_replaced_whole_and_refuses_a_strange_folder(tmp_path):
    s = make_synthetic_scores(n_cuc=2, n_vu=2, years=(2023,), seed=1)
    cards = make_scorecards(s)
    out = tmp_path / "don-vi"
    write_scorecards(cards, out, lang="en")
    assert (out / "all-units.docx").exists()
    write_scorecards(cards[:2], out, lang="en")  # a unit that left leaves no stale page
    assert len(list(out.glob("*.html"))) == 2
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="own folder"):
        write_scorecards(cards, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").exists()


def test_without_unit_types_the_profile_says_all_units():
    s = make_synthetic_scores(n_cuc=3, n_vu=2, years=(2024,), seed=4).drop(columns="unit_type")
    c = make_scorecards(s)[0]
    sec = scorecard_section(c)
    cap = [b["caption"] for b in sec.blocks if b["type"] == "figure"][0]
    assert cap.endswith("bình quân các đơn vị (vạch)")
    # the mean of all units, by field
    from cchc_analysis import applicable_index

    f = applicable_index(s, aggregate="field").groupby("field")["index"].mean()
    assert c.field_profile.set_index("field")["type_mean"].to_dict() == pytest.approx(f.to_dict())


def test_peer_rank_in_the_single_league_names_no_group():
    from cchc_analysis.scorecard.pages import _peer_text

    vi = _peer_text({"group": "all", "scheme": "single_league", "rank": 34, "n": 36}, "vi")
    assert vi.startswith("34/36 (") and "all" not in vi and "nhóm" not in vi.split("(")[1].split(",")[0]
    banded = _peer_text({"group": "B1", "scheme": "single_league", "rank": 3, "n": 18}, "vi")
    assert "nhóm B1" in banded


def test_a_flagged_survey_is_a_finding_and_cut_criteria_carry_their_names():
    import pandas as pd

    s = make_synthetic_scores(n_cuc=3, n_vu=3, years=(2024,), seed=6)
    s["self_points"] = np.where(s["applicable"], np.minimum(s["max_points"], s["points"] + 0.5), np.nan)
    s["criterion_name"] = "Nội dung " + s["criterion"]
    flags = pd.DataFrame({"unit_id": ["cuc-01", "cuc-02"], "n_respondents": [18, 20], "suspect_formal": [True, False],
                          "reason_vi": ["100 % phiếu chọn cùng một mức", ""], "reason_en": ["100 % straight-lined", ""]})
    cards = {c.unit_id: c for c in make_scorecards(s, survey_flags=flags)}
    sec = scorecard_section(cards["cuc-01"])
    assert sec.findings[-1].startswith("Phiếu điều tra xã hội học của đơn vị có dấu hiệu điền hình thức")
    assert not any("điền hình thức" in f for f in scorecard_section(cards["cuc-02"]).findings)
    table = next(b["table"] for b in sec.blocks if b.get("name") == "self_gap")
    assert table["header"][:2] == ["Tiêu chí", "Tên tiêu chí"]
    assert all(r[1] == "Nội dung " + r[0] for r in table["rows"])
