"""Vietnamese (default) and English labels for plots, tables and reports.

Plots and tables read well to a Vietnamese analyst by default (``lang="vi"``), with
English available (``lang="en"``). Modules add their own labels with :func:`register`.
"""

from __future__ import annotations

import re

__all__ = ["LANGS", "check_lang", "label", "register", "column_labels", "FIELD_NAMES", "LabelConflict",
           "register_values", "value_label", "fill_texts"]

LANGS = ("vi", "en")

_LABELS: dict[str, dict[str, str]] = {
    # canonical columns
    "year": {"vi": "Năm", "en": "Year"},
    "unit_id": {"vi": "Mã đơn vị", "en": "Unit id"},
    "unit_name": {"vi": "Đơn vị", "en": "Unit"},
    "unit_type": {"vi": "Loại đơn vị", "en": "Unit type"},
    "n_units": {"vi": "Số đơn vị", "en": "Units"},  # used by several pages: here, not in one module
    "field": {"vi": "Lĩnh vực", "en": "Field"},
    "criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "component": {"vi": "Thành phần", "en": "Component"},
    "max_points": {"vi": "Điểm tối đa", "en": "Maximum points"},
    "points": {"vi": "Điểm đạt được", "en": "Points achieved"},
    "applicable": {"vi": "Có phát sinh", "en": "Applicable"},
    "n_applicable": {"vi": "Số tiêu chí phát sinh", "en": "Applicable criteria"},
    "n_criteria": {"vi": "Số tiêu chí", "en": "Criteria"},
    "index": {"vi": "Chỉ số CCHC (%)", "en": "PAR index (%)"},
    "rank": {"vi": "Xếp hạng", "en": "Rank"},
    "appraisal": {"vi": "Điểm thẩm định", "en": "Appraisal points"},
    "survey": {"vi": "Điểm điều tra XHH", "en": "Survey points"},
    "total": {"vi": "Tổng điểm", "en": "Total points"},
    "level": {"vi": "Cấp", "en": "Level"},
    "source_url": {"vi": "Nguồn", "en": "Source"},
    "ministry": {"vi": "Bộ, cơ quan ngang bộ", "en": "Ministries"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Provinces"},
    "synthetic": {"vi": "Dữ liệu giả lập (mô phỏng)", "en": "Synthetic data"},
    # common result columns
    "reason": {"vi": "Lý do", "en": "Reason"},
    "p_value": {"vi": "Giá trị p", "en": "p-value"},
    "criterion_name": {"vi": "Tên tiêu chí", "en": "Criterion name"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "part": {"vi": "Phần", "en": "Part"},
    "check": {"vi": "Kiểm tra", "en": "Check"},
    "ok": {"vi": "Đạt", "en": "OK"},
    "documented": {"vi": "Đã ghi chú", "en": "Documented"},
    "expected": {"vi": "Kỳ vọng", "en": "Expected"},
    "flag": {"vi": "Cờ cảnh báo", "en": "Flag"},
    "metric": {"vi": "Chỉ tiêu", "en": "Metric"},
    "target": {"vi": "Giá trị đích", "en": "Target"},
    "rows": {"vi": "Số dòng", "en": "Rows"},
    "columns": {"vi": "Các cột", "en": "Columns"},
    "date": {"vi": "Ngày", "en": "Date"},
    "decision": {"vi": "Quyết định", "en": "Decision"},
    "claim_id": {"vi": "Mã nhận định", "en": "Claim id"},
    "computed_value": {"vi": "Giá trị tính lại", "en": "Computed value"},
    "published_value": {"vi": "Giá trị công bố", "en": "Published value"},
    "status_text": {"vi": "Kết quả", "en": "Status"},
    "note_vi": {"vi": "Ghi chú", "en": "Note (Vietnamese)"},
    "note_en": {"vi": "Ghi chú (tiếng Anh)", "en": "Note"},
    "what_changed_vi": {"vi": "Nội dung thay đổi", "en": "What changed (Vietnamese)"},
    "what_changed_en": {"vi": "Nội dung thay đổi (tiếng Anh)", "en": "What changed"},
    "year_from_basis": {"vi": "Căn cứ năm áp dụng", "en": "Basis of first year"},
    "year_complete": {"vi": "Năm có đủ số liệu", "en": "Year complete"},
    "years_complete": {"vi": "Các năm có đủ số liệu", "en": "Years complete"},
    "ranked_with_index": {"vi": "Số đơn vị xếp hạng có chỉ số", "en": "Ranked with index"},
    "data_kind": {"vi": "Loại dữ liệu", "en": "Data kind"},
    "data_level": {"vi": "Cấp dữ liệu", "en": "Data level"},
    "other_unit_id": {"vi": "Đơn vị so sánh", "en": "Other unit"},
    "cf_rank_own_new": {"vi": "Hạng giả định (điểm mới của đơn vị)", "en": "Counterfactual rank (own new score)"},
    "cf_rank_others_new": {"vi": "Hạng giả định (điểm mới của đơn vị khác)", "en": "Counterfactual rank (others' new scores)"},
    "n_others_from": {"vi": "Số đơn vị khác (năm đầu)", "en": "Other units (first year)"},
    "n_others_to": {"vi": "Số đơn vị khác (năm sau)", "en": "Other units (second year)"},
    "n_draws": {"vi": "Số lần mô phỏng", "en": "Draws"},
    "n_worlds": {"vi": "Số bộ dữ liệu mô phỏng", "en": "Simulated worlds"},
    "scenario": {"vi": "Kịch bản", "en": "Scenario"},
    "primary_rejection_rate": {"vi": "Tỷ lệ bác bỏ (kiểm định chính)", "en": "Rejection rate (primary test)"},
    "primary_mc_se": {"vi": "Sai số Monte Carlo", "en": "Monte Carlo SE"},
    "plain_permutation_rejection_rate": {"vi": "Tỷ lệ bác bỏ (hoán vị thường)", "en": "Rejection rate (plain permutation)"},
    "one_sided_rejection_rate": {"vi": "Tỷ lệ bác bỏ (một phía)", "en": "Rejection rate (one-sided)"},
    "truth_rho_raw": {"vi": "ρ với năng lực thật (chỉ số gốc)", "en": "ρ with true ability (raw index)"},
    "truth_rho_standardised": {"vi": "ρ với năng lực thật (chỉ số chuẩn hóa)", "en": "ρ with true ability (standardised)"},
    "truth_rho_shrunk": {"vi": "ρ với năng lực thật (chỉ số co)", "en": "ρ with true ability (shrunk)"},
    "lower95": {"vi": "Giới hạn dưới 95%", "en": "Lower 95% limit"},
    "upper95": {"vi": "Giới hạn trên 95%", "en": "Upper 95% limit"},
    "lower998": {"vi": "Giới hạn dưới 99,8%", "en": "Lower 99.8% limit"},
    "upper998": {"vi": "Giới hạn trên 99,8%", "en": "Upper 99.8% limit"},
    "overdispersion": {"vi": "Hiệu chỉnh phân tán", "en": "Overdispersion"},
    "phi": {"vi": "Hệ số phân tán φ", "en": "Overdispersion φ"},
    "tau2": {"vi": "Phương sai giữa đơn vị τ²", "en": "Between-unit variance τ²"},
    "z": {"vi": "Điểm z", "en": "z-score"},
    "z_adjusted": {"vi": "Điểm z hiệu chỉnh", "en": "Adjusted z-score"},
    "single_league": {"vi": "Bảng chung (chính thức)", "en": "Single league (official)"},
    "by_unit_type": {"vi": "Theo loại đơn vị", "en": "By unit type"},
    "standardised_league": {"vi": "Bảng chung, chỉ số chuẩn hóa", "en": "Single league, standardised index"},
    "shrunk_league": {"vi": "Bảng chung, chỉ số co", "en": "Single league, shrunk index"},
    "max_band_quantile_k2": {"vi": "2 nhóm theo điểm tối đa (phân vị)", "en": "2 max-point bands (quantile)"},
    "max_band_quantile_k3": {"vi": "3 nhóm theo điểm tối đa (phân vị)", "en": "3 max-point bands (quantile)"},
    "max_band_jenks_k2": {"vi": "2 nhóm theo điểm tối đa (Jenks)", "en": "2 max-point bands (Jenks)"},
    "max_band_jenks_k3": {"vi": "3 nhóm theo điểm tối đa (Jenks)", "en": "3 max-point bands (Jenks)"},
    "survey_points_ministry": {"vi": "Điểm điều tra XHH (cấp bộ)", "en": "Survey points (ministries)"},
    "survey_points_province": {"vi": "Điểm điều tra XHH (cấp tỉnh)", "en": "Survey points (provinces)"},
}

#: Field (lĩnh vực) names of the ministry index under Quyết định 876/QĐ-BNV (2022).
FIELD_NAMES: dict[str, dict[str, str]] = {
    "1": {"vi": "Công tác chỉ đạo, điều hành CCHC", "en": "Direction of PAR"},
    "2": {"vi": "Cải cách thể chế", "en": "Institutional reform"},
    "3": {"vi": "Cải cách thủ tục hành chính", "en": "Administrative procedures"},
    "4": {"vi": "Cải cách tổ chức bộ máy", "en": "Organisational apparatus"},
    "5": {"vi": "Cải cách chế độ công vụ", "en": "Civil service"},
    "6": {"vi": "Cải cách tài chính công", "en": "Public finance"},
    "7": {"vi": "Chính phủ điện tử, chính phủ số", "en": "E-government, digital government"},
    "8": {"vi": "Tác động của CCHC", "en": "Impact of PAR"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"vi"`` or ``"en"``, else raise a clear ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"The value for `lang` must be one of {list(LANGS)}, but {lang!r} was passed.")
    return lang


class LabelConflict(ValueError):
    """A label key registered twice with different texts (one key, one meaning)."""


def register(labels: dict[str, dict[str, str]]) -> None:
    """Add labels (``{key: {"vi": ..., "en": ...}}``).

    The registry is the ONE place a key gets its words: registering a key again with
    the same texts is harmless (modules may be re-imported); registering it with other
    texts raises :class:`LabelConflict`, because a column would then be headed
    differently depending on which module happened to be imported first.
    """
    for key, value in labels.items():
        old = _LABELS.get(key)
        if old is not None and old != value:
            raise LabelConflict(
                f"label {key!r} is already registered as {old!r}; refusing {value!r}. "
                "Use the existing words or another key."
            )
        _LABELS[key] = dict(value)


def label(key: str, lang: str = "vi") -> str:
    """The label of ``key`` in ``lang``; the key itself when no label is known.

    Examples
    --------
    >>> label("index")
    'Chỉ số CCHC (%)'
    >>> label("index", "en")
    'PAR index (%)'
    """
    check_lang(lang)
    return _LABELS.get(key, {}).get(lang, key)


def column_labels(columns, lang: str = "vi") -> dict[str, str]:
    """Mapping ``{column: label}`` for renaming a table for display."""
    return {c: label(c, lang) for c in columns}


# ---------------------------------------------------------------------------------------
# code values shown in tables (e.g. movers' kind "rank_rise"): one registry too

_VALUES: dict[str, dict[str, str]] = {
    "ministry": {"vi": "Bộ, cơ quan ngang bộ", "en": "Ministry"},
    "province": {"vi": "Tỉnh, thành phố", "en": "Province"},
    "appraisal": {"vi": "Thẩm định", "en": "Appraisal"},
    "survey": {"vi": "Điều tra XHH", "en": "Survey"},
    "cuc": {"vi": "Cục", "en": "Department (Cục)"},
    "vu": {"vi": "Vụ", "en": "Office (Vụ)"},
    "van-phong": {"vi": "Văn phòng", "en": "Office of the ministry"},
    "thanh-tra": {"vi": "Thanh tra", "en": "Inspectorate"},
    "so": {"vi": "Sở", "en": "Provincial department (Sở)"},
    "huyen": {"vi": "Huyện", "en": "District"},
    "xa": {"vi": "Xã", "en": "Commune"},
}


def register_values(values: dict[str, dict[str, str]], *, column: str | None = None) -> None:
    """Add words for code values (``{code: {"vi": ..., "en": ...}}``), optionally for one
    column only (``column="kind"`` registers ``kind=rank_rise``). Conflicting words for
    the same key raise :class:`LabelConflict`, as in :func:`register`."""
    for code, words in values.items():
        key = f"{column}={code}" if column else code
        old = _VALUES.get(key)
        if old is not None and old != words:
            raise LabelConflict(f"value {key!r} is already registered as {old!r}; refusing {words!r}.")
        _VALUES[key] = dict(words)


def value_label(column: str, code: str, lang: str = "vi") -> str:
    """Words for a code value: the column-specific entry first, then the general one,
    else the code itself.

    Examples
    --------
    >>> value_label("level", "ministry")
    'Bộ, cơ quan ngang bộ'
    >>> value_label("unit_type", "cuc", "en")
    'Department (Cục)'
    """
    check_lang(lang)
    for key in (f"{column}={code}", code):
        if key in _VALUES:
            return _VALUES[key][lang]
    if column == "peer_group":
        return _band_label(code, lang)
    return code


_BAND = re.compile(r"^B(\d+) \((≤ |> )?([0-9.eE+-]+)(?:–([0-9.eE+-]+))?\)$")


def _band_label(code: str, lang: str) -> str:
    """A band of applicable maxima (``peers.by_max_band``: ``B2 (45.8333–54.1667)``) in the
    reader's numbers: ``B2 (45,83–54,17)`` (Vietnamese), ``B2 (45.83–54.17)``; unit types
    (a peer group of the by-type scheme) by their names; anything else as it is.

    >>> value_label("peer_group", "B2 (45.8333–54.1667)"), value_label("peer_group", "B1 (≤ 40)", "en")
    ('B2 (45,83–54,17)', 'B1 (≤ 40)')
    >>> value_label("peer_group", "cuc")
    'Cục'
    """
    from .text import fmt_number

    m = _BAND.match(str(code))
    if not m:
        return value_label("unit_type", code, lang) if f"unit_type={code}" in _VALUES else code
    k, op, a, b = m.groups()
    n = lambda x: fmt_number(float(x), lang, 2, strip=True)  # noqa: E731
    inside = f"{op or ''}{n(a)}" + (f"–{n(b)}" if b else "")
    return f"B{k} ({inside})"


def fill_texts(table: dict[str, dict[str, str]], lang: str = "vi", **kw) -> dict[str, str]:
    """A page's fixed texts (``{key: {"vi": ..., "en": ...}}``) in ``lang``, placeholders
    filled from ``kw`` where given (a text whose placeholders are not all given is kept
    as written).

    >>> fill_texts({"t": {"vi": "Năm {year}", "en": "Year {year}"}}, "en", year=2023)
    {'t': 'Year 2023'}
    """
    check_lang(lang)
    out = {}
    for k, v in table.items():
        try:
            out[k] = v[lang].format(**kw)
        except (KeyError, IndexError):
            out[k] = v[lang]
    return out
