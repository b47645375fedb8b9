"""The ``cchc`` command: validate data, write a template, print the index, build the report.

Exit codes: 0 success; 1 the data has problems (``validate``) or the report failed;
2 bad command-line use (unknown or ill-typed parameter); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from .report import cli as report_cli

# The commands import what they need (pandas, openpyxl, the readers) inside their functions:
# lazy, so that ``cchc --help`` and argument errors do not pay for them.

__all__ = ["main"]


def _cmd_validate(args: argparse.Namespace) -> int:
    from .io.survey import looks_like_survey

    surveys = [p for p in args.path if args.survey or looks_like_survey(p)]
    scores = [p for p in args.path if p not in surveys]
    rc = 0
    if scores:
        rc = max(rc, _validate_scores(args, scores))
    for i, path in enumerate(surveys):
        if scores or i:
            print()
        rc = max(rc, _validate_survey(args, path))
    return rc


def _validate_scores(args: argparse.Namespace, paths: list[str]) -> int:
    from .io.inspect import inspect_scores, summary_lines

    ins = inspect_scores(paths, layout=args.layout, year=args.year)
    names = ", ".join(paths)
    for line in summary_lines(ins, args.lang):
        print(line)
    return _verdict(args.lang, ins.problems, names)


def _validate_survey(args: argparse.Namespace, path: str) -> int:
    """A survey file (recognised by its respondent column, or ``--survey``): every problem
    :func:`~cchc_analysis.read_survey` would stop at, and what was read."""
    from .io.inspect import survey_summary_lines
    from .io.survey import inspect_survey

    ins = inspect_survey(path)
    print((f"Tệp khảo sát {path}:" if args.lang == "vi" else f"Survey file {path}:"))
    for line in survey_summary_lines(ins, args.lang):
        print(line)
    return _verdict(args.lang, ins.problems, path)


def _verdict(lang: str, problems: list, names: str) -> int:
    from .io.inspect import problems_table

    if not problems:
        print(f"OK: không phát hiện lỗi trong {names}" if lang == "vi" else f"OK: no problems found in {names}")
        return 0
    print()
    print(problems_table(problems, lang))
    n = len(problems)
    print(f"\n{n} lỗi trong {names}" if lang == "vi" else
          f"\n{n} {'problem' if n == 1 else 'problems'} in {names}", file=sys.stderr)
    return 1


def _cmd_template(args: argparse.Namespace) -> int:
    from .io import write_summary_template, write_template

    if args.layout == "bang-tong-hop":
        path = write_summary_template(args.path, n_units=args.units, years=args.year or [2024])
    else:
        path = write_template(args.path, n_units=args.units)
    print(f"Đã ghi mẫu / template written: {path}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .io.inspect import inspect_scores, problems_table, summary_lines
    from .outputs import atomic_write_bytes, write_csv

    out = Path(args.out)
    ext = out.suffix.lower()
    if ext not in {".xlsx", ".csv", ".parquet"}:
        print("--out phải là .xlsx, .csv hoặc .parquet / --out must be .xlsx, .csv or .parquet", file=sys.stderr)
        return 2
    ins = inspect_scores(args.path, layout=args.layout, year=args.year)
    for line in summary_lines(ins, args.lang):
        print(line)
    if ins.problems or ins.scores is None:
        print()
        print(problems_table(ins.problems, args.lang))
        print(f"\n{len(ins.problems)} lỗi: chưa ghi {out} / problems: {out} not written", file=sys.stderr)
        return 1
    df = ins.scores
    if ext == ".csv":
        write_csv(df, out)
    elif ext == ".parquet":
        import io as _io

        buf = _io.BytesIO()
        df.to_parquet(buf, index=False)
        atomic_write_bytes(out, buf.getvalue())
    else:
        from .outputs import write_xlsx

        write_xlsx({"scores": df}, out)
    print(f"Đã ghi / written: {out} ({len(df)} dòng / rows)")
    return 0


def _cmd_index(args: argparse.Namespace) -> int:
    import pandas as pd

    from .config import DEFAULT_WORKBOOK
    from .io import read_scores
    from .provenance import is_synthetic
    from .ranking import rank_units
    from .scoring import applicable_index

    from .labels import column_labels
    from .text import fmt_number

    path = args.path or DEFAULT_WORKBOOK
    scores = read_scores(path)
    years = sorted(int(y) for y in scores["year"].unique())
    if args.year is not None and args.year not in years:
        listed = ", ".join(map(str, years))
        print(f"Không có số liệu năm {args.year} trong {path}; các năm có: {listed}" if args.lang == "vi"
              else f"No data for {args.year} in {path}; years present: {listed}", file=sys.stderr)
        return 2
    idx = rank_units(applicable_index(scores, aggregate="total"), by=("year",))
    names = scores.drop_duplicates("unit_id").set_index("unit_id")["unit_name"]
    idx = idx.assign(unit_name=idx["unit_id"].map(names))
    if args.year is not None:
        idx = idx[idx["year"] == args.year]
    idx = idx.sort_values(["year", "rank"])
    cols = ["year", "rank", "unit_id", "unit_name", "points", "max_points", "n_applicable", "index"]
    shown = idx[cols].copy()
    for c in ("points", "max_points", "index"):
        shown[c] = shown[c].map(lambda v: fmt_number(v, args.lang, 2))
    labels = column_labels(cols, args.lang)
    shown.columns = [str(labels.get(c, c)) for c in cols]
    with pd.option_context("display.max_rows", 1000, "display.width", 200):
        print(shown.to_string(index=False))
    if is_synthetic(scores):  # known from the file's own metadata, not its name
        print("\n" + ("Dữ liệu giả lập (mô phỏng) / SYNTHETIC DATA: " if args.lang == "vi"
                      else "SYNTHETIC DATA (simulated): ")
              + str(path))
    return 0


def _cmd_synthetic(args: argparse.Namespace) -> int:
    from .synthetic import main as synthetic_main

    argv = [] if args.seed is None else ["--seed", str(args.seed)]
    if args.bundle:
        argv.append("--bundle")
    if args.out:
        argv += ["--out", args.out]
    return synthetic_main(argv)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cchc-analysis")
    except PackageNotFoundError:  # pragma: no cover - a source checkout without install
        return "?"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cchc",
        description="Bàn làm việc phân tích Chỉ số CCHC / PAR INDEX analysis workbench",
    )
    parser.add_argument("--version", action="version", version=f"cchc-analysis {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    layouts = ["tidy", "template", "summary", "bang-tong-hop", "form", "phieu-cham-diem"]
    p = sub.add_parser("validate", help="liệt kê MỌI lỗi trong tệp điểm (mọi bố cục) hoặc tệp khảo sát; mã thoát 1 "
                                        "nếu có / report ALL problems in score files (any layout) or survey files; "
                                        "exit 1 if any")
    p.add_argument("path", nargs="+", help="files or folders (a survey file is recognised by its respondent column)")
    p.add_argument("--survey", action="store_true",
                   help="đọc mọi tệp như tệp khảo sát / read every file as a survey file")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--layout", choices=layouts, default=None, help="override the detected layout")
    p.add_argument("--year", type=int, default=None, help="the year when the file does not say")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("import", help="chuyển tệp điểm (mọi bố cục) thành bảng chuẩn / convert score files (any layout) to the tidy table")
    p.add_argument("path", nargs="+", help="files or folders")
    p.add_argument("--out", required=True, help="tidy.xlsx, tidy.csv or tidy.parquet")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--layout", choices=layouts, default=None, help="override the detected layout")
    p.add_argument("--year", type=int, default=None, help="the year when the file does not say")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("template", help="ghi sổ điểm trống (XLSX) để điền / write a blank workbook (XLSX) to fill in")
    p.add_argument("path")
    p.add_argument("--units", type=int, default=3, help="number of blank units")
    p.add_argument("--layout", choices=["template", "bang-tong-hop"], default="template",
                   help="template: a sheet per unit; bang-tong-hop: all units on one sheet per year")
    p.add_argument("--year", type=int, action="append", help="a year of the bảng tổng hợp (repeatable)")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("index", help="kiểm tra, tính chỉ số trên các tiêu chí phát sinh và xếp hạng / "
                                     "validate, compute the applicable-criteria index and rank")
    p.add_argument("path", nargs="?", default=None,
                   help="tệp điểm (mặc định: dữ liệu giả lập kèm theo) / scores file (default: bundled synthetic)")
    p.add_argument("--year", type=int, default=None,
                   help="chỉ năm này; mã thoát 2 nếu không có / only this year; exit 2 if absent")
    p.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ / language (default vi)")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("synthetic", help="ghi sổ điểm bộ GIẢ LẬP / write the SYNTHETIC ministry workbook "
                                         "(or regenerate the bundled files)")
    p.add_argument("--out", help="path of the synthetic workbook to write")
    p.add_argument("--seed", type=int, default=None, help="world seed (default: the bundled one)")
    p.add_argument("--bundle", action="store_true",
                   help="regenerate data/raw/synthetic/ and data/raw/templates/ (deliberate)")
    p.set_defaults(func=_cmd_synthetic)

    p = sub.add_parser("report", help="chạy mọi sổ tay và ghi reports/<năm>/ / "
                                      "run every notebook and write reports/<year>/")
    report_cli.configure_parser(p)
    p.set_defaults(func=report_cli.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cchc validate ... | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # DataError and friends: clear message, no traceback
        from .errors import DataError

        if isinstance(exc, DataError):
            print(str(exc), file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    raise SystemExit(main())
