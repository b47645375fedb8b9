"""Words of the KPS analyses (one registry: labels and code values)."""

from __future__ import annotations

from ..labels import register, register_values

POLICY_WORDS = {
    "drop": {"vi": "Chính thức: bỏ tiêu chí KPS khỏi điểm tối đa", "en": "Official: KPS left out of the maximum"},
    "full_points": {"vi": "Tính KPS là đạt đủ điểm", "en": "KPS counted as full points"},
    "zero": {"vi": "Tính KPS là 0 điểm", "en": "KPS counted as zero"},
    "own_rate": {"vi": "KPS theo tỷ lệ đạt của chính đơn vị trong lĩnh vực", "en": "KPS at the unit's own rate in the field"},
    "peer_rate": {"vi": "KPS theo tỷ lệ đạt bình quân của đơn vị cùng loại", "en": "KPS at the mean rate of its peers"},
    "published_rounding": {"vi": "Chính thức, làm tròn 2 chữ số như bảng công bố", "en": "Official, rounded to 2 decimals as published"},
    "rank_bands": {"vi": "Xếp theo dải (chỉ xếp trên khi chắc chắn ≥ 90 %)", "en": "Rank bands (above only when ≥ 90 % sure)"},
}
SHORT = {
    "drop": {"vi": "Chính thức", "en": "Official"},
    "full_points": {"vi": "KPS = đủ điểm", "en": "KPS = full"},
    "zero": {"vi": "KPS = 0", "en": "KPS = 0"},
    "own_rate": {"vi": "Tỷ lệ riêng", "en": "Own rate"},
    "peer_rate": {"vi": "Tỷ lệ cùng loại", "en": "Peer rate"},
    "published_rounding": {"vi": "Làm tròn", "en": "Rounded"},
    "rank_bands": {"vi": "Dải hạng", "en": "Bands"},
}

register_values(POLICY_WORDS, column="policy")
register({
    "policy": {"vi": "Cách tính", "en": "Policy"},
    "official_rank": {"vi": "Hạng chính thức", "en": "Official rank"},
    "rank_change": {"vi": "Thay đổi hạng (+ = tăng)", "en": "Rank change (+ = up)"},  # also bias's words
    "applicable_max": {"vi": "Điểm tối đa phát sinh", "en": "Applicable maximum"},
    "tau_vs_official": {"vi": "τ Kendall so với chính thức", "en": "Kendall τ with official"},
    "max_move": {"vi": "Thay đổi hạng lớn nhất", "en": "Largest rank move"},
    "n_moved": {"vi": "Số đơn vị đổi hạng", "en": "Units that move"},
    "movers": {"vi": "Đơn vị thay đổi nhiều nhất", "en": "Units that move most"},
    "spearman_size": {"vi": "ρ chỉ số – điểm tối đa", "en": "ρ index vs maximum"},
    "spearman_official": {"vi": "ρ chính thức", "en": "ρ official"},
    "sign_change": {"vi": "Đổi chiều liên hệ", "en": "Sign changes"},
    "peer_group": {"vi": "Nhóm so sánh", "en": "Peer group"},
    "peer_share": {"vi": "Tỷ lệ đơn vị cùng loại có phát sinh", "en": "Share of peers where it arises"},
    "n_peers": {"vi": "Số đơn vị cùng loại", "en": "Peers"},
    "points_at_stake": {"vi": "Điểm liên quan", "en": "Points at stake"},
    "potential_max": {"vi": "Điểm tối đa nếu mọi tiêu chí phát sinh", "en": "Potential maximum"},
    "excluded_share": {"vi": "Tỷ lệ điểm tối đa bị loại (KPS)", "en": "Share of maximum excluded"},
    "group_median": {"vi": "Trung vị của nhóm", "en": "Group median"},
    "robust_z": {"vi": "Độ lệch chuẩn hóa (z bền)", "en": "Robust z"},
    "n_flagged": {"vi": "Số khai báo cần xem lại", "en": "Declarations to review"},
    "n_flipped": {"vi": "Số tiêu chí đổi trạng thái", "en": "Criteria that flipped"},
    "was_applicable": {"vi": "Năm trước có phát sinh", "en": "Arose last year"},
    "is_applicable": {"vi": "Năm nay có phát sinh", "en": "Arises this year"},
})

_TEXT = {
    "title": {"vi": "Tiêu chí không phát sinh: khai báo có hợp lý không, xếp hạng theo quy tắc khác",
              "en": "Criteria that do not arise: are the declarations sound, and the ranking under other rules"},
    "h_audit": {"vi": "Khai báo không phát sinh cần xem lại", "en": "Declarations to review"},
    "audit_intro": {
        "vi": "Một khai báo được đưa vào danh sách khi tiêu chí đó phát sinh ở ít nhất {share} đơn vị cùng loại. "
              "Điểm liên quan = điểm tối đa của tiêu chí × tỷ lệ đạt bình quân của các đơn vị cùng loại. "
              "Danh sách là câu hỏi để hội đồng thẩm định hỏi lại, không phải kết luận: đơn vị có thể thật sự không có nhiệm vụ đó.",
        "en": "A declaration is listed when the criterion arises for at least {share} of units of the same type. Points at "
              "stake = the criterion's maximum × the peers' mean achievement rate. The list is a question for the appraisal "
              "council, not a verdict: the unit may truly have no such task."},
    "h_units": {"vi": "Tỷ lệ điểm tối đa bị loại của từng đơn vị", "en": "Share of each unit's maximum excluded"},
    "units_intro": {
        "vi": "Tỷ lệ điểm tối đa tiềm năng mà đơn vị khai báo không phát sinh, so với trung vị của đơn vị cùng loại (z bền: "
              "lớn hơn 2 là khác thường). Nhóm có ít hơn 3 đơn vị khác không được đánh giá.",
        "en": "The share of its potential maximum a unit declared as not arising, against the median of its type (robust z: "
              "above 2 is unusual). Groups with fewer than 3 other units are not judged."},
    "h_flips": {"vi": "Tiêu chí đổi trạng thái so với năm trước", "en": "Criteria whose status changed since last year"},
    "no_flips": {"vi": "Dữ liệu chỉ có một năm: chưa so sánh được trạng thái phát sinh giữa các năm.",
                 "en": "The data hold one year: status changes between years cannot be shown."},
    "h_policies": {"vi": "Xếp hạng theo các cách tính khác", "en": "Ranking under other rules"},
    "policies_intro": {
        "vi": "Cách chính thức bỏ tiêu chí không phát sinh khỏi điểm tối đa. Các cách khác tính chúng là đạt đủ, là 0, theo tỷ "
              "lệ đạt của chính đơn vị hoặc của đơn vị cùng loại; làm tròn như bảng công bố; hoặc xếp theo dải (chỉ xếp trên "
              "khi chắc chắn ít nhất 90 %).",
        "en": "The official rule leaves criteria that do not arise out of the maximum. The others count them as achieved, as "
              "zero, at the unit's own or its peers' rate; round as published; or rank in bands (above only when at least "
              "90 % sure)."},
    "cap_flags": {"vi": "Khai báo không phát sinh cần xem lại", "en": "Declarations to review"},
    "cap_units": {"vi": "Đơn vị có tỷ lệ loại khác thường nhất", "en": "Units with the most unusual excluded share"},
    "cap_flips": {"vi": "Tiêu chí đổi trạng thái phát sinh", "en": "Criteria that changed status"},
    "cap_summary": {"vi": "So sánh các cách tính với bảng chính thức", "en": "Each rule against the official table"},
    "cap_policies": {"vi": "Chỉ số và hạng của từng đơn vị theo từng cách tính", "en": "Each unit's index and rank under each rule"},
    "policy_ranks": {"vi": "Hạng của các đơn vị thay đổi nhiều nhất theo từng cách tính không phát sinh",
                     "en": "Ranks of the units that move most under each rule for criteria that do not arise"},
    "none_flagged": {"vi": "Không có khai báo nào cần xem lại ở ngưỡng này.", "en": "No declaration to review at this threshold."},
}


def text(key: str, lang: str, **kw) -> str:
    return _TEXT[key][lang].format(**kw)


def title(lang: str) -> str:
    return text("title", lang)


def caption(key: str, lang: str) -> str:
    return text(key, lang)
