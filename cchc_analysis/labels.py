"""Vietnamese (default) and English labels for plots, tables and reports.

Plots and tables read well to a Vietnamese analyst by default (``lang="vi"``), with
English available (``lang="en"``). Modules add their own labels with :func:`register`.
"""

from __future__ import annotations

__all__ = ["LANGS", "check_lang", "label", "register", "column_labels", "FIELD_NAMES"]

LANGS = ("vi", "en")

_LABELS: dict[str, dict[str, str]] = {
    # canonical columns
    "year": {"vi": "Năm", "en": "Year"},
    "unit_id": {"vi": "Mã đơn vị", "en": "Unit id"},
    "unit_name": {"vi": "Đơn vị", "en": "Unit"},
    "unit_type": {"vi": "Loại đơn vị", "en": "Unit type"},
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
    "synthetic": {"vi": "DỮ LIỆU TỔNG HỢP (giả lập)", "en": "SYNTHETIC DATA"},
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


def register(labels: dict[str, dict[str, str]]) -> None:
    """Add labels (``{key: {"vi": ..., "en": ...}}``); existing keys are kept."""
    for key, value in labels.items():
        _LABELS.setdefault(key, value)


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
