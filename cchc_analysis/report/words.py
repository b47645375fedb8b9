"""The words of the report's own pages (index page, contents sheet), Vietnamese and English."""

from __future__ import annotations

__all__ = ["TEXT", "phrase"]

TEXT = {
    "title": {"vi": "Báo cáo Chỉ số CCHC năm {year}", "en": "PAR INDEX report {year}"},
    "synthetic": {
        "vi": "Dữ liệu giả lập (mô phỏng): số liệu cấp đơn vị trong báo cáo này do chương trình "
              "tạo ra để minh họa phương pháp, không phải số liệu thật.",
        "en": "SYNTHETIC DATA: the unit-level numbers in this report come from a documented, "
              "seeded synthetic ministry, not from real assessments.",
    },
    "partial": {
        "vi": "Báo cáo một phần: chỉ có các phần {names}.",
        "en": "Partial report: only the sections {names}.",
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
    "logs": {"vi": "Sổ tay đã chạy (nhật ký của lần chạy)", "en": "Executed notebooks (the run's log)"},
    "footer": {"vi": "Mã nguồn {commit}; cchc-analysis {v}. Thời điểm chạy và mã băm: manifest.json.",
               "en": "Source commit {commit}; cchc-analysis {v}. Run times and hashes: manifest.json."},
    "no_findings": {"vi": "Phần này chưa ghi kết luận.", "en": "This section records no findings."},
    "page_dump": {"vi": "trang xuất từ sổ tay", "en": "page exported from the notebook"},
    "kept_from": {"vi": "Giữ từ lần chạy trước ({t}).", "en": "Kept from the previous run ({t})."},
    "survey_withheld": {"vi": "Khảo sát", "en": "Survey"},
}


def phrase(key: str, lang: str, **kw) -> str:
    return TEXT[key][lang].format(**kw)

