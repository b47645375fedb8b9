"""Column labels of the trends tables (Vietnamese, English), registered once for the sub-package."""

from ..labels import register

register({
    # breaks
    "break_before": {"vi": "Thay đổi phương pháp trước năm này", "en": "Methodology break before"},
    "break_decision": {"vi": "Quyết định thay đổi phương pháp", "en": "Methodology decision"},
    "break_between": {"vi": "Có thay đổi phương pháp giữa hai năm", "en": "Methodology break between"},
    # trajectory
    "lineage_id": {"vi": "Mã đơn vị (theo dòng kế thừa)", "en": "Unit id (lineage)"},
    "observed": {"vi": "Có số liệu", "en": "Observed"},
    "n_ranked": {"vi": "Số đơn vị được xếp hạng", "en": "Units ranked"},
    "position": {"vi": "Thứ tự", "en": "Position"},
    "rank_from": {"vi": "Hạng năm đầu", "en": "Rank (from)"},
    "rank_to": {"vi": "Hạng năm sau", "en": "Rank (to)"},
    "places_gained": {"vi": "Số bậc tăng (+) / giảm (−)", "en": "Places gained (+) / lost (−)"},
    "index_from": {"vi": "Chỉ số năm đầu", "en": "Index (from)"},
    "index_to": {"vi": "Chỉ số năm sau", "en": "Index (to)"},
    "index_change": {"vi": "Thay đổi chỉ số", "en": "Index change"},
    "year_from": {"vi": "Năm đầu", "en": "Year from"},
    "year_to": {"vi": "Năm sau", "en": "Year to"},
    # attribution
    "group": {"vi": "Nhóm", "en": "Group"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "measure": {"vi": "Đơn vị đo", "en": "Measure"},
    "computable": {"vi": "Tính được", "en": "Computable"},
    "sentence_vi": {"vi": "Diễn giải", "en": "Explanation (vi)"},
    "sentence_en": {"vi": "Diễn giải (tiếng Anh)", "en": "Explanation"},
    # intervals
    "rank_lo": {"vi": "Hạng (cận trên)", "en": "Rank (best plausible)"},
    "rank_hi": {"vi": "Hạng (cận dưới)", "en": "Rank (worst plausible)"},
    "rank_median": {"vi": "Hạng trung vị", "en": "Median rank"},
    "p_top_k": {"vi": "Xác suất trong nhóm đầu", "en": "P(top k)"},
    "top_k": {"vi": "k (nhóm đầu)", "en": "k (top)"},
    "band": {"vi": "Nhóm hạng không phân biệt được", "en": "Rank band"},
    "p_above_next": {"vi": "P(trên đơn vị kế tiếp)", "en": "P(above next unit)"},
    "confidence": {"vi": "Mức tin cậy", "en": "Confidence"},
})
