"""Words of the scorecards (one registry)."""

from __future__ import annotations

from ..labels import register, register_values

register({
    "target_kind": {"vi": "Mục tiêu", "en": "Target"},
    "target_index": {"vi": "Chỉ số cần đạt", "en": "Index to reach"},
    "current_index": {"vi": "Chỉ số hiện tại", "en": "Current index"},
    "current_rank": {"vi": "Hạng hiện tại", "en": "Current rank"},
    "points_needed": {"vi": "Điểm cần thêm", "en": "Points needed"},
    "headroom": {"vi": "Điểm còn có thể đạt", "en": "Headroom"},
    "reachable": {"vi": "Có thể đạt", "en": "Reachable"},
    "lost": {"vi": "Điểm bị mất", "en": "Points lost"},
    "type_mean": {"vi": "Bình quân đơn vị cùng loại", "en": "Mean of same-type units"},
    "field_name": {"vi": "Lĩnh vực", "en": "Field"},
    "performance": {"vi": "Do kết quả chấm", "en": "From scoring"},
    "through_max": {"vi": "Do thay đổi điểm tối đa", "en": "Through the maximum"},
    "applicability": {"vi": "Phát sinh", "en": "Applicability"},
    "self_points": {"vi": "Điểm tự chấm", "en": "Self-assessed points"},
    "cut": {"vi": "Điểm bị trừ khi thẩm định", "en": "Cut at appraisal"},
    "target_text": {"vi": "Mục tiêu", "en": "Target"},
    "criteria_text": {"vi": "Tiêu chí nên ưu tiên (điểm cần thêm)", "en": "Criteria to work on (points to gain)"},
    "what": {"vi": "Nội dung", "en": "Item"},
    "standing_value": {"vi": "Giá trị", "en": "Value"},
    "page": {"vi": "Trang", "en": "Page"},
    "word": {"vi": "Tệp Word", "en": "Word file"},
})
register_values({
    "both": {"vi": "phát sinh cả hai năm", "en": "arose both years"},
    "arose": {"vi": "mới phát sinh", "en": "newly arose"},
    "no_longer": {"vi": "không còn phát sinh", "en": "no longer arises"},
}, column="applicability")

_TEXT = {
    "title": {"vi": "Phiếu kết quả Chỉ số CCHC năm {year}: {unit}", "en": "PAR INDEX scorecard {year}: {unit}"},
    "overview_title": {"vi": "Phiếu kết quả của từng đơn vị", "en": "Scorecards of every unit"},
    "h_standing": {"vi": "Kết quả và thứ hạng", "en": "Result and rank"},
    "h_profile": {"vi": "Kết quả theo lĩnh vực", "en": "Result by field"},
    "h_lost": {"vi": "Tiêu chí mất nhiều điểm nhất", "en": "Criteria where most points were lost"},
    "h_needed": {"vi": "Cần bao nhiêu điểm để lên hạng", "en": "What it would take to move up"},
    "needed_note": {"vi": "Điểm cần thêm tính trên các tiêu chí phát sinh của đơn vị, không vượt điểm tối đa của từng tiêu chí, "
                            "giữ nguyên điểm các đơn vị khác; tiêu chí nên ưu tiên là những tiêu chí còn nhiều điểm nhất "
                            "(ít tiêu chí nhất). Chênh lệch nằm trong khoảng tin cậy của hạng có thể chỉ là sai số.",
                    "en": "Points needed count only on the unit's applicable criteria, up to each criterion's maximum, other "
                          "units held fixed; the criteria to work on are those with the most headroom (the fewest criteria). "
                          "A difference within the rank interval may be noise."},
    "h_change": {"vi": "Vì sao chỉ số thay đổi so với năm trước", "en": "Why the index changed since last year"},
    "h_self": {"vi": "Tự chấm và thẩm định", "en": "Self-assessment and appraisal"},
    "h_survey": {"vi": "Chất lượng phiếu điều tra", "en": "Survey quality"},
    "no_change": {"vi": "Dữ liệu không có năm trước của đơn vị: chưa so sánh được.", "en": "No previous year for this unit: no comparison."},
    "cap_standing": {"vi": "Chỉ số, hạng và khoảng tin cậy", "en": "Index, rank and rank interval"},
    "cap_profile": {"vi": "Chỉ số theo lĩnh vực so với bình quân đơn vị cùng loại", "en": "Index by field against the mean of same-type units"},
    "cap_lost": {"vi": "Tiêu chí mất nhiều điểm nhất", "en": "Criteria with the most points lost"},
    "cap_needed": {"vi": "Điểm cần thêm cho từng mục tiêu", "en": "Points needed for each target"},
    "cap_change": {"vi": "Các tiêu chí đóng góp nhiều nhất vào thay đổi chỉ số", "en": "Criteria that contributed most to the change"},
    "cap_self": {"vi": "Tiêu chí bị trừ điểm khi thẩm định", "en": "Criteria cut at appraisal"},
    "cap_overview": {"vi": "Tóm tắt phiếu kết quả của từng đơn vị", "en": "Each unit's scorecard in brief"},
    "fig_profile": {"vi": "Chỉ số theo lĩnh vực của đơn vị (cột) và bình quân đơn vị cùng loại (vạch)",
                    "en": "The unit's index by field (bars) and the mean of same-type units (ticks)"},
    "unit_label": {"vi": "Đơn vị", "en": "This unit"},
    "type_label": {"vi": "Bình quân cùng loại", "en": "Same-type mean"},
    "all_label": {"vi": "Bình quân các đơn vị", "en": "Mean of all units"},
    "fig_profile_all": {"vi": "Chỉ số theo lĩnh vực của đơn vị (cột) và bình quân các đơn vị (vạch)",
                        "en": "The unit's index by field (bars) and the mean of all units (ticks)"},
    "index_row": {"vi": "Chỉ số CCHC", "en": "PAR index"},
    "rank_row": {"vi": "Hạng", "en": "Rank"},
    "interval_row": {"vi": "Khoảng tin cậy của hạng (90 %)", "en": "Rank interval (90 %)"},
    "peer_row": {"vi": "Hạng trong nhóm tương đồng", "en": "Rank in its peer group"},
    "change_row": {"vi": "So với năm {year}", "en": "Since {year}"},
    "rank_target": {"vi": "Lên hạng {r}", "en": "Reach rank {r}"},
    "index_target": {"vi": "Đạt {v} %", "en": "Reach {v} %"},
    "group_target": {"vi": "Đứng đầu nhóm {g}", "en": "Top of group {g}"},
    "out_of_reach": {"vi": "không thể đạt", "en": "out of reach"},
    "section_title": {"vi": "Phiếu kết quả của từng đơn vị: mất điểm ở đâu, vì sao thay đổi, cần bao nhiêu để lên hạng",
                      "en": "Each unit's scorecard: where it lost points, why it moved, what it would take"},
    "too_few": {"vi": "Năm {year} chỉ có {n} đơn vị: cần ít nhất 2 đơn vị để có thứ hạng, nên không lập phiếu kết quả.",
                "en": "{year} has {n} unit(s) only: a rank needs at least 2 units, so no scorecard was made."},
    "one_year": {"vi": "Dữ liệu không có năm trước năm {year}: phiếu kết quả chưa có phần thay đổi so với năm trước.",
                 "en": "The data has no year before {year}: the scorecards have no change-since-last-year part."},
    "f_count": {"vi": "Đã lập phiếu kết quả cho {n} đơn vị năm {year} (chỉ số từ {lo} % đến {hi} %; {n90} đơn vị đạt từ 90 % trở lên).",
                "en": "Scorecards were made for {n} units in {year} (index {lo} % to {hi} %; {n90} at 90 % or more)."},
    "f_synthetic": {"vi": " Dữ liệu giả lập.", "en": " Synthetic data."},
    "f_top_loss": {"vi": "Tiêu chí {crit} là nơi mất nhiều điểm nhất của {k}/{n} đơn vị.",
                   "en": "Criterion {crit} is where {k} of {n} units lost the most points."},
    "f_next": {"vi": "Với {k} đơn vị có thể lên hạng, mức điểm cần thêm để lên hạng kế tiếp có trung vị {med} điểm",
               "en": "For the {k} units that can move up, the median of the points needed for the next rank is {med}"},
    "f_noise": {"vi": "; với {m}/{k} đơn vị, hạng kế tiếp đã nằm trong khoảng tin cậy của hạng (chênh lệch có thể chỉ là sai số).",
                "en": "; for {m} of {k} the next rank already lies within the rank interval (the gap may be noise)."},
    "f_moved": {"vi": "Thay đổi lớn nhất so với năm {year_from}: {unit} ({d} điểm), nhiều nhất ở tiêu chí {crit} ({part} điểm).",
                "en": "Largest change since {year_from}: {unit} ({d} points), most of it from criterion {crit} ({part} points)."},
    "h_overview": {"vi": "Tóm tắt phiếu kết quả", "en": "The scorecards in brief"},
    "overview_intro": {"vi": "Mỗi đơn vị có một trang HTML và một tệp Word (1–2 trang) trong thư mục {dir}/, cùng một tệp Word "
                             "gộp tất cả các đơn vị. Bảng dưới đây tóm tắt từng phiếu, xếp theo hạng.",
                       "en": "Each unit has an HTML page and a Word file (1–2 pages) in the folder {dir}/, plus one Word file "
                             "with every unit. The table sums up each card, by rank."},
    "h_points_next": {"vi": "Cần thêm để lên hạng kế tiếp", "en": "Needed for the next rank"},
    "next_value": {"vi": "{p} điểm → hạng {r}", "en": "{p} points → rank {r}"},
    "h_interval_short": {"vi": "Khoảng tin cậy của hạng", "en": "Rank interval"},
    "h_top_loss": {"vi": "Tiêu chí mất nhiều điểm nhất", "en": "Criterion with the most points lost"},
    "h_index_change": {"vi": "Thay đổi (điểm)", "en": "Change (points)"},
    "and_more": {"vi": " và {k} tiêu chí khác", "en": " and {k} more criteria"},
    "points_needed_h": {"vi": "Điểm cần thêm", "en": "Points needed"},
    "change_value": {"vi": "{d} điểm; hạng {r0} → {r1}", "en": "{d} points; rank {r0} → {r1}"},
    "total_effect": {"vi": "Tổng tác động", "en": "Total effect"},
    "change_note": {"vi": "Tác động tính bằng điểm chỉ số (%); cộng tất cả các tiêu chí đúng bằng thay đổi chỉ số so với năm {year} ({d}). "
                          "Tiêu chí mới phát sinh hoặc không còn phát sinh chỉ tác động qua điểm tối đa.",
                    "en": "Effects in index points (%); over every criterion they add up exactly to the change since {year} ({d}). "
                          "A criterion that newly arose or no longer arises acts only through the maximum."},
    "survey_ok": {"vi": "Phiếu điều tra xã hội học của đơn vị ({n} người trả lời) không có dấu hiệu điền hình thức.",
                  "en": "The unit's survey forms ({n} respondents) show no sign of formal filling."},
    "survey_suspect_finding": {"vi": "Phiếu điều tra xã hội học của đơn vị có dấu hiệu điền hình thức; cần kiểm tra "
                                     "(lý do ở mục Chất lượng phiếu điều tra).",
                               "en": "The unit's survey forms show signs of being filled in formally; to be checked "
                                     "(reasons under Survey quality)."},
    "survey_suspect": {"vi": "Phiếu điều tra xã hội học của đơn vị ({n} người trả lời) có dấu hiệu điền hình thức: {why}",
                       "en": "The unit's survey forms ({n} respondents) show signs of formal filling: {why}"},
    "flips": {"vi": "Tiêu chí thay đổi phát sinh (chỉ tác động qua điểm tối đa): {items}; cộng lại {d} điểm.",
              "en": "Criteria that switched between applicable and not arising (acting only through the maximum): {items}; together {d} points."},
    "is_first": {"vi": "đang đứng đầu", "en": "already first"},
    "peer_scheme": {"vi": "nhóm {g}, {s}", "en": "group {g}, {s}"},
}


def text(key: str, lang: str, **kw) -> str:
    return _TEXT[key][lang].format(**kw)


def ceil_points(x: float, digits: int = 2) -> float:
    """Points needed shown to ``digits`` decimals, rounded *up* (showing 0,24 for a need of
    0,245 would tell a unit that falls short it has done enough).

    >>> ceil_points(1.2345), ceil_points(1.2), ceil_points(0.0)
    (1.24, 1.2, 0.0)
    """
    import math

    f = 10 ** digits
    return math.ceil(round(x * f, 6)) / f


def criterion_label(crit, name=None) -> str:
    """``3.2.1 Tên tiêu chí`` (the id alone when there is no name)."""
    return f"{crit} {name}" if isinstance(name, str) and name.strip() else str(crit)
