"""The words of the report's own pages (index page, contents sheet), Vietnamese and English."""

from __future__ import annotations

__all__ = ["TEXT", "phrase"]

TEXT = {
    "title": {"vi": "Báo cáo Chỉ số CCHC năm {year}", "en": "PAR INDEX report {year}"},
    "synthetic": {
        "vi": "DỮ LIỆU TỔNG HỢP (giả lập): số liệu cấp đơn vị trong báo cáo này là dữ liệu "
              "giả lập có kiểm soát, không phải số liệu thật.",
        "en": "SYNTHETIC DATA: the unit-level numbers in this report come from a documented, "
              "seeded synthetic ministry, not from real assessments.",
    },
    "partial": {
        "vi": "Báo cáo từng phần: chỉ chạy các sổ tay {names}.",
        "en": "Partial report: only the notebooks {names} were run.",
    },
    "notebooks": {"vi": "Các phân tích", "en": "Analyses"},
    "figures": {"vi": "Hình", "en": "Figures"},
    "tables": {"vi": "Bảng số liệu", "en": "Tables"},
    "inputs": {"vi": "Dữ liệu đầu vào", "en": "Inputs"},
    "workbook": {"vi": "Tất cả các bảng trong một tệp Excel",
                 "en": "All tables in one Excel workbook"},
    "executed": {"vi": "sổ tay đã chạy", "en": "executed notebook"},
    "seconds": {"vi": "giây", "en": "s"},
    "generated": {"vi": "Tạo lúc {t}; mã nguồn {commit}; cchc-analysis {v}.",
                  "en": "Generated {t}; source commit {commit}; cchc-analysis {v}."},
    "manifest": {"vi": "Nhật ký chạy (manifest.json): mã băm SHA-256, tham số, phiên bản",
                 "en": "Run record (manifest.json): SHA-256 hashes, parameters, versions"},
    "role": {"vi": "Vai trò", "en": "Role"},
    "file": {"vi": "Tệp", "en": "File"},
    "contents": {"vi": "Mục lục", "en": "Contents"},
    "sheet": {"vi": "Trang tính", "en": "Sheet"},
    "notebook": {"vi": "Sổ tay", "en": "Notebook"},
    "table": {"vi": "Bảng", "en": "Table"},
    "csv_file": {"vi": "Tệp CSV", "en": "CSV file"},
}


def phrase(key: str, lang: str, **kw) -> str:
    return TEXT[key][lang].format(**kw)

