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
    "page": {"vi": "Trang", "en": "Page"},
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
    "index_row": {"vi": "Chỉ số CCHC", "en": "PAR index"},
    "rank_row": {"vi": "Hạng", "en": "Rank"},
    "interval_row": {"vi": "Khoảng tin cậy của hạng (90 %)", "en": "Rank interval (90 %)"},
    "peer_row": {"vi": "Hạng trong nhóm tương đồng", "en": "Rank in its peer group"},
    "change_row": {"vi": "So với năm {year}", "en": "Since {year}"},
    "rank_target": {"vi": "Lên hạng {r}", "en": "Reach rank {r}"},
    "index_target": {"vi": "Đạt {v} %", "en": "Reach {v} %"},
    "group_target": {"vi": "Đứng đầu nhóm {g}", "en": "Top of group {g}"},
    "out_of_reach": {"vi": "không thể đạt", "en": "out of reach"},
}


def text(key: str, lang: str, **kw) -> str:
    return _TEXT[key][lang].format(**kw)
