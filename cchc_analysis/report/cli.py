"""``cchc report``: the command-line options and the entry point (exit codes in the package docstring)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .. import config
from .build import build_report
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, ReportFailed, ReportParameterError
from .manifest import display_path

__all__ = ["configure_parser", "run"]

# --------------------------------------------------------------------------- CLI


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``cchc report`` options to ``parser``."""
    parser.description = ("Chạy mọi sổ tay và ghi reports/<năm>/ / run every notebook and write "
                          "reports/<year>/. Exit codes: 0 ok, 1 a notebook failed, 2 bad parameters.")
    parser.add_argument("--year", type=int, default=None,
                        help="năm đánh giá (mặc định: năm mới nhất trong dữ liệu) / assessment year "
                             "(default: the latest year in the data)")
    parser.add_argument("--data", action="append", default=None, metavar="PATH",
                        help="tệp điểm hoặc thư mục, có thể lặp lại / scores file or folder, repeatable "
                             "(default: the bundled data, "
                             f"{display_path(config.DEFAULT_WORKBOOK)})")
    parser.add_argument("--survey", default=None, metavar="PATH",
                        help="survey file for the notebooks' survey_path (default: the notebooks' "
                             f"own default, e.g. {display_path(config.DEFAULT_SURVEY)})")
    parser.add_argument("--out", default=None,
                        help=f"reports folder (default {display_path(config.REPORTS_DIR)})")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi",
                        help="language of the report (default vi)")
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"notebooks run at once (default: number of cores, {os.cpu_count()})")
    parser.add_argument("--notebooks", default=None,
                        help="folder of NN_*.ipynb notebooks "
                             f"(default {display_path(config.NOTEBOOKS_DIR)})")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        help="run only these notebooks (name or number): a partial report")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a parameter a notebook declares (type-checked); repeatable")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="always show the progress bar (default: only on a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    return parser




def _skip_slow_optional_imports() -> None:
    """Spare the command ~1 s of start-up.

    ``nbformat`` imports ``jsonschema``, which imports the optional ``rfc3987_syntax``
    package when installed (it is, through JupyterLab); that package builds a parser at
    import time (~1 s here) for the ``iri`` format check, which notebook schemas never use.
    ``jsonschema`` skips the check cleanly on ImportError. Only the ``cchc report`` process
    does this, and only if nothing imported these modules yet.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]



def _sigterm_to_interrupt(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


def run(args: argparse.Namespace) -> int:
    """Entry point of ``cchc report``; returns the exit code (see the module docstring)."""
    _skip_slow_optional_imports()
    previous = None
    if threading.current_thread() is threading.main_thread():
        # systemd/cron stop a job with SIGTERM: clean up (staging folder, lock) as for Ctrl-C
        previous = signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
    try:
        final = build_report(
            year=args.year, data=args.data, survey=args.survey, out=args.out, lang=args.lang,
            jobs=args.jobs, notebooks_dir=args.notebooks, only=args.only, params=args.param,
            progress=getattr(args, "progress", None),
        )
    except ReportParameterError as exc:
        print(f"Lỗi tham số / parameter error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ReportFailed as exc:
        print(("Báo cáo thất bại: " if args.lang == "vi" else "Report failed: ") + str(exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(("Đã ghi báo cáo: " if args.lang == "vi" else "Report written: ") + str(final / "index.html"))
    return EXIT_OK
