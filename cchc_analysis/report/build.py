"""The yearly report: run every notebook with papermill and leave a finished ``reports/<year>/``.

``cchc report [--year Y] [--data PATH] [--survey PATH] [--out DIR] [--lang vi|en] [--jobs N]``
(or :func:`build_report` from Python) executes ``notebooks/[0-9][0-9]_*.ipynb`` in order,
in parallel (one process and one fresh ``python3`` kernel per notebook, working directory
= the project root), and writes::

    reports/<year>/
        index.html               the front page, linking everything below
        NN_name.html             each notebook as HTML without code cells
        notebooks/NN_name.ipynb  the executed notebooks (the run's log)
        figures/*.png, *.svg     written by each notebook's ``save_outputs`` cell
        tables/*.csv             the same, UTF-8 with BOM, formula-safe
        tables.xlsx              every table in one workbook, Vietnamese headers
                                 (English with ``--lang en``), formula-safe
        manifest.json            SHA-256 of every input (data files, notebooks, data/raw,
                                 the caches in data/processed),
                                 parameters per notebook, package versions, git commit,
                                 start/end time, each notebook's duration, output hashes

**Parameters.** Command-line options reach a notebook only if its ``parameters`` cell
declares them (read with ``papermill.inspect_notebook``): ``year``, ``lang``,
``output_dir`` (the report folder), ``data_path`` and ``scores_path`` (``--data``),
``survey_path`` (``--survey``). Without ``--data`` / ``--survey`` those are not passed and
every notebook keeps its own default, which runs on the bundled data (published tables,
the synthetic ministry). ``--param name=value`` sets any other declared
parameter; the value is converted to the type declared in the notebook (``int``,
``float``, ``bool``, ``str``, ...). A name no notebook declares, or a value that does not
fit the declared type, is refused before anything runs (papermill itself would only log
a warning).

**Never half a report.** Everything is built in a hidden folder next to the target
(``reports/.<year>.tmp-XXXX``) and renamed into place only when every notebook succeeded;
the previous report is moved aside, the new one renamed in, the old one deleted (and put
back if the rename fails). A failed run leaves the previous ``reports/<year>/`` untouched,
prints the notebook, the failing cell and the error, and keeps the executed failing
notebook for inspection in ``reports/_failed/<year>-<timestamp>/``. Two runs for the same
year cannot overlap (a lock file ``reports/.<year>.lock``). Rerunning with the same inputs
gives byte-identical CSV tables.

**Safety.** Every text in ``index.html`` is HTML-escaped, notebook HTML is exported with
nbconvert's HTML sanitiser on, CSV/XLSX cells that a spreadsheet would run as formulas are
neutralised (:func:`cchc_analysis.outputs.neutralise_formulas`), file names never contain
unit names (notebooks name their outputs through ``save_outputs``), and XLSX inputs are
refused unless openpyxl reads XML through ``defusedxml`` (XML-bomb protection).

Exit codes
----------
0
    the report was written to ``<out>/<year>/``.
1
    a notebook failed (data problem, bug) or the report could not be put in place; the
    previous report is untouched.
2
    bad parameters: unknown or ill-typed ``--param``, unknown ``--only`` name, missing
    input file or one no notebook uses, unparseable parameters cell, no notebooks found;
    nothing was run.
130
    interrupted (Ctrl-C or SIGTERM); the previous report is untouched.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as _dt
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from .. import config
from ..labels import check_lang

__all__ = [
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "ReportParameterError",
    "ReportFailed",
    "NotebookFailure",
    "STANDARD_PARAMETERS",
    "discover_notebooks",
    "inspect_parameters",
    "resolve_parameters",
    "collect_tables",
    "build_report",
    "configure_parser",
    "run",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

#: Parameters set from the command-line options (never through ``--param``).
STANDARD_PARAMETERS = {
    "year": "--year",
    "lang": "--lang",
    "output_dir": "(the report folder)",
    "data_path": "--data",
    "scores_path": "--data",
    "survey_path": "--survey",
}

_NOTEBOOK_RE = re.compile(r"^[0-9]{2}_[A-Za-z0-9_\-]+$")
_PACKAGES = (
    "pandas", "numpy", "scipy", "matplotlib", "seaborn", "openpyxl", "defusedxml",
    "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "jupyter_client",
    "cchc-analysis",
)

_TEXT = {
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


def _t(key: str, lang: str, **kw) -> str:
    return _TEXT[key][lang].format(**kw)


class ReportParameterError(ValueError):
    """Bad parameters or inputs, found before anything ran (exit code 2)."""


class NotebookFailure(dict):
    """One failed notebook.

    Keys: ``notebook``; ``cell_index`` (1-based number of the failing cell in the source
    notebook, counting markdown cells); ``execution_count`` (the ``In [n]`` shown in the kept
    notebook); ``source`` (first line of the cell); ``ename``, ``evalue`` (the error);
    ``kept`` (path of the executed failing notebook).
    """

    def message(self) -> str:
        where = ""
        if self.get("cell_index") is not None:
            where = f", ô thứ / cell {self['cell_index']}"
            if self.get("execution_count") is not None:
                where += f" (In [{self['execution_count']}])"
            if self.get("source"):
                where += f" `{self['source'][:80]}`"
        text = f"{self['notebook']}{where}: {self['ename']}: {self['evalue']}"
        if self.get("kept"):
            text += f"\n    sổ tay lỗi giữ tại / failing notebook kept at: {self['kept']}"
        return text


class ReportFailed(RuntimeError):
    """One or more notebooks failed, or the report could not be put in place (exit code 1)."""

    def __init__(self, message: str, failures: list[NotebookFailure] | None = None):
        super().__init__(message)
        self.failures = list(failures or [])


# --------------------------------------------------------------------------- discovery


def discover_notebooks(notebooks_dir: str | os.PathLike | None = None, *,
                       only: list[str] | tuple[str, ...] | None = None) -> list[Path]:
    """The report's notebooks, ``[0-9][0-9]_*.ipynb`` in ``notebooks_dir``, in name order.

    ``only`` keeps the notebooks whose name (``01_ranking_trends``) or two-digit number
    (``01``) is listed; an unknown name raises :class:`ReportParameterError`.

    Examples
    --------
    >>> [p.name for p in discover_notebooks("tests/data/notebooks", only=["01"])]
    ['01_ok.ipynb']
    """
    d = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    if not d.is_absolute() and not d.exists():
        d = config.PROJ_ROOT / d
    if not d.is_dir():
        raise ReportParameterError(f"Không có thư mục sổ tay / no notebooks folder: {d}")
    d = d.resolve()
    found = sorted(d.glob("[0-9][0-9]_*.ipynb"))
    bad = [p.name for p in found if not _NOTEBOOK_RE.match(p.stem)]
    if bad:
        raise ReportParameterError(
            f"Tên sổ tay không hợp lệ / notebook names must be NN_ascii_name.ipynb: {bad}")
    if only:
        keep, unknown = [], []
        for name in only:
            hit = [p for p in found if p.stem == name or p.stem[:2] == name or p.name == name]
            (keep.extend(hit) if hit else unknown.append(name))
        if unknown:
            raise ReportParameterError(
                f"Không có sổ tay / unknown notebook(s) for --only: {unknown}; "
                f"có / available: {[p.stem for p in found]}")
        found = sorted(set(keep))
    if not found:
        raise ReportParameterError(f"Không có sổ tay NN_*.ipynb / no NN_*.ipynb notebooks in {d}")
    return found


def inspect_parameters(paths) -> dict[str, dict[str, dict]]:
    """Declared parameters of each notebook: ``{stem: {name: {inferred_type_name, default, help}}}``.

    Read from the cell tagged ``parameters`` with :func:`papermill.inspect_notebook`.
    """
    import logging

    import papermill as pm

    class _Capture(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    lg = logging.getLogger("papermill")
    out, problems = {}, []
    for p in paths:
        cap = _Capture()
        old_level, old_prop = lg.level, lg.propagate
        lg.addHandler(cap)
        lg.setLevel(logging.WARNING)
        lg.propagate = False
        try:
            declared = pm.inspect_notebook(str(p))
        except Exception as exc:  # not a notebook, bad JSON ...
            raise ReportParameterError(f"{Path(p).name}: không đọc được / cannot read: {exc}") from exc
        finally:
            lg.removeHandler(cap)
            lg.setLevel(old_level)
            lg.propagate = old_prop
        # papermill silently skips a line it cannot parse (e.g. a second '=' in the comment):
        # the parameter would then never be set. Refuse instead.
        problems += [f"{Path(p).name}: ô parameters / parameters cell: {m} "
                     "(papermill bỏ qua dòng có hơn một dấu '=' / papermill skips a line with more "
                     "than one '=', e.g. in its comment)" for m in cap.messages if "Unable to parse" in m]
        out[Path(p).stem] = {k: dict(v) for k, v in declared.items()}
    if problems:
        head = "Ô tham số không đọc được / unparseable parameters cell:"
        raise ReportParameterError("\n  ".join([head, *problems]))
    return out


# --------------------------------------------------------------------------- parameters

_TRUE = {"true", "1", "yes", "y", "on", "có", "co"}
_FALSE = {"false", "0", "no", "n", "off", "không", "khong"}


def _convert(raw: str, type_name: str | None):
    """Convert the command-line text ``raw`` to the declared type; ``ValueError`` if it does not fit."""
    t = (type_name or "None").strip().replace(" ", "")
    opt = re.fullmatch(r"(?:Optional\[(.+)\]|(.+)\|None|None\|(.+))", t)
    if opt:
        if raw.strip().lower() in ("none", "null"):
            return None
        t = next(g for g in opt.groups() if g)
    low = t.lower()
    if low == "int":
        if not re.fullmatch(r"[+-]?\d+", raw.strip()):
            raise ValueError(f"{raw!r} is not an integer")
        return int(raw)
    if low == "float":
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if low == "bool":
        v = raw.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        raise ValueError(f"{raw!r} is not true/false")
    if low == "str":
        return raw
    builtin = {"list": list, "dict": dict, "tuple": tuple, "set": set}
    base = re.match(r"[A-Za-z_]+", low)
    if base and base.group(0) in builtin:
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            raise ValueError(f"{raw!r} is not a Python {base.group(0)} literal") from None
        if not isinstance(value, builtin[base.group(0)]):
            raise ValueError(f"{raw!r} is not a {base.group(0)}")
        return value
    # undeclared type ("None") or one we do not know: a Python literal, else the text
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw


def _parse_param(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise ReportParameterError(
            f"--param cần dạng tên=giá_trị / --param needs name=value, got {text!r}")
    key, value = text.split("=", 1)
    key = key.strip()
    if not key.isidentifier():
        raise ReportParameterError(f"Tên tham số không hợp lệ / invalid parameter name {key!r}")
    return key, value


def resolve_parameters(declared: dict[str, dict[str, dict]], *, year: int, lang: str,
                       output_dir: str, data: str | None, survey: str | None,
                       extra: list[str] | dict[str, str] | None = None) -> dict[str, dict]:
    """The parameters to pass to each notebook, only those it declares.

    Parameters
    ----------
    declared : output of :func:`inspect_parameters`.
    year, lang, output_dir, data, survey : the standard values (``data`` goes to
        ``data_path`` and ``scores_path``, ``survey`` to ``survey_path``; ``None`` skips).
    extra : ``["name=value", ...]`` or ``{name: value_text}`` from ``--param``; each name
        must be declared by at least one notebook and each value must convert to the type
        that notebook declares.

    Raises
    ------
    ReportParameterError : unknown, reserved or ill-typed parameter.

    Examples
    --------
    >>> declared = {"01_a": {"year": {"inferred_type_name": "int"},
    ...                      "alpha": {"inferred_type_name": "float"}},
    ...             "02_b": {"lang": {"inferred_type_name": "str"}}}
    >>> resolve_parameters(declared, year=2023, lang="en", output_dir="/r", data=None, survey=None,
    ...                    extra=["alpha=0.1"])
    {'01_a': {'year': 2023, 'alpha': 0.1}, '02_b': {'lang': 'en'}}
    """
    pairs: list[tuple[str, str]]
    if isinstance(extra, dict):
        pairs = [(k, str(v)) for k, v in extra.items()]
    else:
        pairs = [_parse_param(x) for x in (extra or [])]
    problems = []
    for key, _ in pairs:
        if key in STANDARD_PARAMETERS:
            problems.append(f"`{key}` được đặt bằng / is set with {STANDARD_PARAMETERS[key]}, "
                            "không qua / not with --param")
        elif not any(key in d for d in declared.values()):
            names = sorted({k for d in declared.values() for k in d} - set(STANDARD_PARAMETERS))
            problems.append(f"không sổ tay nào khai báo tham số / no notebook declares the "
                            f"parameter `{key}`; khai báo / declared: {names}")
    standard = {"year": year, "lang": lang, "output_dir": output_dir}
    if data is not None:
        standard.update(data_path=data, scores_path=data)
    if survey is not None:
        standard["survey_path"] = survey
    out: dict[str, dict] = {}
    for nb, decl in declared.items():
        params = {k: v for k, v in standard.items() if k in decl}
        for key, raw in pairs:
            if key in decl and key not in STANDARD_PARAMETERS:
                type_name = decl[key].get("inferred_type_name")
                try:
                    params[key] = _convert(raw, type_name)
                except ValueError as exc:
                    problems.append(f"{nb}: `{key}` phải có kiểu / must be of type {type_name}: {exc}")
        out[nb] = params
    if problems:
        raise ReportParameterError("Tham số sai / bad parameters:\n  " + "\n  ".join(problems))
    return out


# --------------------------------------------------------------------------- execution


@contextlib.contextmanager
def _quiet_papermill():
    import logging

    lg = logging.getLogger("papermill")
    old = lg.level
    lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        lg.setLevel(old)


def _kernel_manager_class():
    """An nbclient kernel manager on IPC sockets (POSIX): no TCP port race between kernels.

    Many kernels starting at once over TCP can pick the same free port
    (``ZMQError: Address already in use``, papermill #511); Unix sockets in the temp
    folder with unique names avoid it and are not reachable from the network.
    """
    if os.name != "posix":
        return None
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return os.path.join(tempfile.gettempdir(), f"cchc-kernel-{uuid.uuid4().hex[:12]}")

        async def _async_interrupt_kernel(self):
            # jupyter_client interrupts an idle kernel before shutting it down, which makes
            # ipykernel log a spurious "KeyboardInterrupt caught in kernel"; nothing runs then.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


def _is_start_failure(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Address already in use", "ZMQError", "didn't respond",
                                   "Kernel died before replying", "kernel_info"))


def _notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.strip():
                    return line.lstrip("#").strip()
    return ""


_SAFE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q",
    "s", "small", "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
})
_SAFE_ATTRS = {
    "*": ["class", "id", "title", "style", "align", "colspan", "rowspan", "scope"],
    "a": ["href", "title"], "img": ["src", "alt", "width", "height"],
}


_RISKY_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|link|meta|base|form|input|button|svg|math|frame)\b"
    r"|\bon[a-z]+\s*=|javascript\s*:", re.IGNORECASE)


def _sanitize_html(text: str) -> str:
    """Keep ordinary markup (tables, headings, text styles); drop scripts, handlers, iframes ..."""
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    return bleach.clean(text, tags=_SAFE_TAGS, attributes=_SAFE_ATTRS,
                        protocols={"http", "https", "mailto", "data"}, strip=True,
                        strip_comments=True, css_sanitizer=CSSSanitizer())


def _clean_outputs_for_html(nb) -> None:
    """Make an executed notebook safe and tidy for the code-free HTML page (in place).

    Text from data is escaped by pandas and nbconvert already; HTML or Markdown that a
    notebook builds itself (``display(HTML(...))``) is sanitised here, JavaScript and widget
    outputs are dropped, a markdown cell holding active markup (``<script>``, ``on...=``
    handlers, ``javascript:``) is shown as its sanitised rendering, and the list of files
    returned by the last ``save_outputs(...)`` cell is hidden (the manifest lists them).
    """
    import nbformat
    from nbconvert.filters.markdown import markdown2html

    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and _RISKY_MARKUP.search(cell.source):
            # active markup in a markdown cell: show its sanitised rendering instead
            out = nbformat.v4.new_output("display_data",
                                         data={"text/html": _sanitize_html(markdown2html(cell.source))})
            nb.cells[i] = nbformat.v4.new_code_cell("", outputs=[out])
            continue
        if cell.cell_type != "code":
            continue
        src = cell.source.lstrip()
        if src.startswith("save_outputs(") or "\nsave_outputs(" in cell.source:
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"]
        for out in cell.outputs:
            data = out.get("data")
            if not data:
                continue
            if "text/markdown" in data:
                md = data.pop("text/markdown")
                data.setdefault("text/html", markdown2html(md))
            for key in list(data):
                if key == "text/html":
                    data[key] = _sanitize_html(data[key])
                elif key.startswith("application/") and key != "application/json" or key in {
                        "text/javascript"}:
                    del data[key]


def _source_cell_number(task: dict, executed_index: int | None) -> int | None:
    """1-based number of the failing cell in the SOURCE notebook (without papermill's injected cell)."""
    if executed_index is None:
        return None
    import nbformat

    try:
        cells = nbformat.read(task["source"], as_version=4).cells
    except Exception:
        return executed_index + 1
    params_at = next((i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), -1)
    injected = bool(task["parameters"])
    shift = 1 if injected and executed_index > params_at else 0
    return executed_index - shift + 1


def _execute_one(task: dict) -> dict:
    """Worker (own process): run one notebook with papermill, then export HTML without code."""
    if task.get("in_worker"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker: plain SIGTERM
    with _kernel_environment(task["jobs"]):
        return _execute_in_env(task)


@contextlib.contextmanager
def _kernel_environment(jobs: int):
    """Environment the kernels inherit: deterministic hashing (set order), no thread
    oversubscription when notebooks run side by side. Restored afterwards."""
    wanted = {"PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if jobs > 1:
        wanted.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    added = [k for k in wanted if k not in os.environ]
    for k in added:
        os.environ[k] = wanted[k]
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def _execute_in_env(task: dict) -> dict:
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..outputs import atomic_write_text

    name = task["name"]
    kwargs = {}
    kmc = _kernel_manager_class()
    if kmc is not None:
        kwargs["kernel_manager_class"] = kmc
    t0 = time.perf_counter()
    result = {"name": name, "status": "ok", "executed": task["executed"]}
    for attempt in range(3):
        try:
            with _quiet_papermill():
                pm.execute_notebook(
                    task["source"], task["executed"], parameters=task["parameters"],
                    kernel_name="python3", cwd=task["cwd"], progress_bar=False,
                    log_output=False, start_timeout=120,
                    # saving the notebook after every cell costs ~1-2 s per notebook; papermill
                    # still writes it at the end, also when a cell fails
                    request_save_on_cell_execute=False, **kwargs,
                )
            break
        except PapermillExecutionError as exc:
            result.update(status="failed", cell_index=_source_cell_number(task, exc.cell_index),
                          execution_count=exc.exec_count, ename=exc.ename, evalue=exc.evalue,
                          source=(exc.source or "").strip().splitlines()[:1])
            break
        except Exception as exc:  # kernel start races: retry twice, then report
            if attempt < 2 and _is_start_failure(exc):
                time.sleep(0.5 * (attempt + 1))
                continue
            result.update(status="failed", cell_index=None, execution_count=None,
                          ename=type(exc).__name__, evalue=str(exc))
            break
    result["execute_seconds"] = time.perf_counter() - t0
    if result["status"] != "ok":
        result["duration_seconds"] = result["execute_seconds"]
        return result
    t1 = time.perf_counter()
    from nbconvert import HTMLExporter

    nb = nbformat.read(task["executed"], as_version=4)
    title = _notebook_title(nb) or name
    _clean_outputs_for_html(nb)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    atomic_write_text(task["html"], body)
    result.update(title=title, html=task["html"], html_seconds=time.perf_counter() - t1,
                  duration_seconds=time.perf_counter() - t0)
    return result


def _run_all(tasks: list[dict], jobs: int, *, progress: bool | None) -> list[dict]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    results: dict[str, dict] = {}
    n = len(tasks)
    if jobs == 1 or n == 1:
        _preload()
        bar = tqdm(total=n, unit="nb", desc="cchc report", file=sys.stderr,
                   disable=None if progress is None else not progress)
        for task in tasks:
            try:
                r = _execute_one(task)
            except Exception as exc:  # e.g. the HTML export failed
                r = _crash_result(task, exc)
            results[r["name"]] = r
            _progress_line(bar, r, len(results), n)
        bar.close()
        return [results[t["name"]] for t in tasks]
    import multiprocessing as mp

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(max_workers=min(jobs, n), mp_context=ctx,
                               initializer=_worker_init)
    try:
        # longest first (durations of the previous report), so the last notebook to finish
        # does not start late; results are reported in notebook order all the same
        order = sorted(tasks, key=lambda t: -(t.get("expected_seconds") or 0.0))
        futures = {pool.submit(_execute_one, {**t, "in_worker": True}): t for t in order}
        # With "fork" every worker exists once the first task is submitted, so the main
        # process can now import, in the background, what the XLSX step needs (the library
        # modules that register labels, pandas, openpyxl) while the kernels run.
        preload = threading.Thread(target=_preload, name="cchc-preload", daemon=True)
        preload.start()
        bar = tqdm(total=n, unit="nb", desc="cchc report", file=sys.stderr,
                   disable=None if progress is None else not progress)
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except Exception as exc:  # worker crashed (killed), HTML export failed ...
                r = _crash_result(futures[fut], exc)
            results[r["name"]] = r
            _progress_line(bar, r, len(results), n)
        bar.close()
        preload.join()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[t["name"]] for t in tasks]


def _worker_init() -> None:
    """Import the HTML exporter in the background while the first kernel starts (~1 s)."""

    def imports():
        with contextlib.suppress(Exception):
            import bleach.css_sanitizer  # noqa: F401
            import nbconvert  # noqa: F401
            import nbconvert.filters.markdown  # noqa: F401

    threading.Thread(target=imports, name="cchc-import", daemon=True).start()


def _previous_durations(out_dir: Path, year: int) -> dict[str, float]:
    """Each notebook's duration in the last report (this year's, else the newest), if any."""
    candidates = [out_dir / str(year) / "manifest.json"] + sorted(
        out_dir.glob("[0-9]*/manifest.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for m in candidates:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(m.read_text(encoding="utf-8"))
            return {n["name"]: float(n["duration_seconds"]) for n in data["notebooks"]}
    return {}


def _crash_result(task: dict, exc: BaseException) -> dict:
    return {"name": task["name"], "status": "failed", "executed": task["executed"],
            "cell_index": None, "execution_count": None, "ename": type(exc).__name__,
            "evalue": str(exc), "duration_seconds": None}


def _preload() -> None:
    with contextlib.suppress(Exception):
        import openpyxl  # noqa: F401
        import pandas  # noqa: F401

        _load_all_labels()


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


def _progress_line(bar, r: dict, done: int, n: int) -> None:
    secs = r.get("duration_seconds")
    status = "OK" if r["status"] == "ok" else "LỖI / FAILED"
    bar.write(f"[{done}/{n}] {r['name']}: {status}" + (f" ({secs:.1f} s)" if secs else ""),
              file=sys.stderr)
    bar.update(1)


# --------------------------------------------------------------------------- outputs


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _display_path(p: Path) -> str:
    p = Path(p).resolve()
    try:
        return p.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return str(p)


def _load_all_labels() -> None:
    """Import the library's modules so the labels they register are known."""
    import importlib
    import pkgutil

    import cchc_analysis

    for m in pkgutil.iter_modules(cchc_analysis.__path__):
        if m.name in {"cli", "report", "__main__"} or m.name.startswith("_"):
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(f"cchc_analysis.{m.name}")


def _sheet_names(stems: list[str]) -> list[str]:
    """Short, unique Excel sheet names (≤ 31 characters) from table file stems."""
    used: set[str] = set()
    out = []
    for stem in stems:
        nb, _, table = stem.partition("__")
        base = f"{nb[:2]}_{table}" if table else stem
        base = re.sub(r"[\[\]\*\?/\\:']", "_", base)[:31]
        name, k = base, 2
        while name.lower() in used:
            suffix = f"~{k}"
            name, k = base[: 31 - len(suffix)] + suffix, k + 1
        used.add(name.lower())
        out.append(name)
    return out


def collect_tables(report_dir: str | os.PathLike, *, lang: str = "vi") -> dict:
    """Every ``tables/*.csv`` of a report as ``{sheet_name: DataFrame}`` with display headers.

    The first sheet (``Mục lục`` / ``Contents``) lists each sheet with its notebook and
    CSV file; headers are localised with :func:`cchc_analysis.labels.column_labels`.
    Cells are kept as written in the CSV (already formula-safe).
    """
    import pandas as pd

    from ..labels import column_labels

    check_lang(lang)
    _load_all_labels()
    files = sorted(Path(report_dir, "tables").glob("*.csv"))
    names = _sheet_names([f.stem for f in files])
    sheets: dict = {}
    rows = []
    for f, sheet in zip(files, names):
        frame = pd.read_csv(f, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
        labels = column_labels(frame.columns, lang)
        shown: list[str] = []
        for col in frame.columns:  # two columns with one label: keep them apart
            text = str(labels.get(col, col))
            shown.append(text if text not in shown else f"{text} ({col})")
        sheets[sheet] = frame.set_axis(shown, axis=1)
        nb, _, table = f.stem.partition("__")
        rows.append({_t("sheet", lang): sheet, _t("notebook", lang): nb,
                     _t("table", lang): table or f.stem, _t("csv_file", lang): f"tables/{f.name}"})
    columns = [_t(k, lang) for k in ("sheet", "notebook", "table", "csv_file")]
    contents = pd.DataFrame(rows, columns=columns)
    return {_t("contents", lang): contents, **sheets}


def _a(href: str, text: str) -> str:
    return f'<a href="{html.escape(quote(href), quote=True)}">{html.escape(text)}</a>'


def _index_html(*, year: int, lang: str, results: list[dict], report_dir: Path, inputs: list[dict],
                synthetic: bool, only: list[str] | None, finished: str, commit: str | None,
                version: str) -> str:
    e = html.escape
    title = _t("title", lang, year=year)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{e(lang)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5;color:#222}table{border-collapse:collapse}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
        ".warn{background:#fff3cd;border:1px solid #e0c36a;padding:.6rem 1rem}"
        "figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:28rem}"
        "figure img{max-width:100%;border:1px solid #eee}code{font-size:.85em}</style>",
        "</head>", "<body>", f"<h1>{e(title)}</h1>",
    ]
    if synthetic:
        parts.append(f'<p class="warn"><strong>{e(_t("synthetic", lang))}</strong></p>')
    if only:
        parts.append(f'<p class="warn">{e(_t("partial", lang, names=", ".join(only)))}</p>')
    parts += [f"<h2>{e(_t('notebooks', lang))}</h2>", "<table>"]
    for r in results:
        secs = r.get("duration_seconds") or 0.0
        parts.append(
            "<tr><td>" + _a(Path(r["html"]).name, r.get("title") or r["name"]) + "</td>"
            f"<td>{_a('notebooks/' + r['name'] + '.ipynb', _t('executed', lang))}</td>"
            f"<td>{secs:.1f} {e(_t('seconds', lang))}</td></tr>")
    parts.append("</table>")
    figs = sorted((report_dir / "figures").glob("*.svg"))
    if figs:
        parts.append(f"<h2>{e(_t('figures', lang))}</h2>")
        for f in figs:
            png = f.with_suffix(".png").name
            parts.append(
                f'<figure><a href="{e(quote("figures/" + png), quote=True)}">'
                f'<img loading="lazy" src="{e(quote("figures/" + f.name), quote=True)}" '
                f'alt="{e(f.stem)}"></a><figcaption>{e(f.stem)} '
                f"({_a('figures/' + png, 'PNG')}, {_a('figures/' + f.name, 'SVG')})</figcaption></figure>")
    tables = sorted((report_dir / "tables").glob("*.csv"))
    parts += [f"<h2>{e(_t('tables', lang))}</h2>",
              f"<p>{_a('tables.xlsx', _t('workbook', lang))} (tables.xlsx)</p>", "<ul>"]
    parts += [f"<li>{_a('tables/' + f.name, f.name)}</li>" for f in tables]
    parts += ["</ul>", f"<h2>{e(_t('inputs', lang))}</h2>", "<table>",
              f"<tr><th>{e(_t('role', lang))}</th><th>{e(_t('file', lang))}</th><th>SHA-256</th></tr>"]
    for item in inputs:
        parts.append(f"<tr><td>{e(item['role'])}</td><td><code>{e(item['path'])}</code></td>"
                     f"<td><code>{e(item['sha256'][:16])}…</code></td></tr>")
    parts += ["</table>", f"<p>{_a('manifest.json', _t('manifest', lang))}</p>",
              f"<p><small>{e(_t('generated', lang, t=finished, commit=commit or '—', v=version))}"
              "</small></p>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _git_state() -> tuple[str | None, bool | None]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJ_ROOT, text=True,
                                capture_output=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=config.PROJ_ROOT, text=True, capture_output=True, timeout=10,
                               check=True).stdout.strip() != ""
        return commit or None, dirty
    except (OSError, subprocess.SubprocessError):
        return None, None


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in _PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    out["python"] = sys.version.split()[0]
    return out


def _inputs(*, data: Path | None, survey: Path | None, notebooks: list[Path],
            params: dict[str, dict]) -> list[dict]:
    seen: set[Path] = set()
    items = []

    def add(role: str, p: Path) -> None:
        p = Path(p).resolve()
        if p in seen or not p.is_file():
            return
        seen.add(p)
        items.append({"role": role, "path": _display_path(p), "sha256": _sha256(p),
                      "bytes": p.stat().st_size})

    if data is not None:
        add("data", data)
    if survey is not None:
        add("survey", survey)
    for nb, ps in params.items():  # files named by --param values
        for k, v in ps.items():
            if isinstance(v, str) and k not in STANDARD_PARAMETERS and len(v) < 4096:
                with contextlib.suppress(OSError, ValueError):
                    if Path(v).is_file():
                        add(f"parameter {k}", Path(v))
    for p in notebooks:
        add("notebook", p)
    for role, folder in (("raw", config.RAW_DIR), ("processed", config.PROCESSED_DIR)):
        # data/processed holds caches the notebooks read (e.g. a calibration table)
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file() and not p.name.startswith(".") and p.name != "README.md":
                    add(role, p)
    return items


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _make_readable(folder: Path, umask: int) -> None:
    """Files written through temporary files are private (0600); give them the usual mode."""
    for p in folder.rglob("*"):
        with contextlib.suppress(OSError):
            os.chmod(p, (0o777 if p.is_dir() else 0o666) & ~umask)


def _swap_into_place(staging: Path, final: Path) -> None:
    """Move the old report aside, rename the new one in, delete the old (restore it on failure)."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    _fsync_dir(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _year_lock(out: Path, year: int):
    """One run per year at a time; also tidies what a killed run left behind."""
    lock_path = out / f".{year}.lock"
    fh = open(lock_path, "a+")
    try:
        if os.name == "posix":
            import fcntl

            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise ReportFailed(
                    f"Đang có một lần chạy khác cho năm {year} / another report run for {year} "
                    f"is in progress (lock {lock_path})") from None
        final = out / str(year)
        for p in out.glob(f".{year}.old-*"):  # a run killed mid-swap: put the old report back
            if not final.exists():
                os.rename(p, final)
            else:
                shutil.rmtree(p, ignore_errors=True)
        for p in out.glob(f".{year}.tmp-*"):
            shutil.rmtree(p, ignore_errors=True)
        yield
    finally:
        fh.close()


def _now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _input_file(path, option: str, names: tuple[str, ...], wants: set[str]) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise ReportParameterError(f"Không tìm thấy tệp / file not found ({option}): {p}")
    if not wants & set(names):
        raise ReportParameterError(
            f"{option}: không sổ tay nào khai báo / no notebook declares {' or '.join(names)}, "
            "so the file would be ignored")
    return p.resolve()


def build_report(*, year: int = 2023, data: str | os.PathLike | None = None,
                 survey: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
                 lang: str = "vi", jobs: int | None = None,
                 notebooks_dir: str | os.PathLike | None = None, only: list[str] | None = None,
                 params: list[str] | dict[str, str] | None = None,
                 progress: bool | None = None) -> Path:
    """Run the report notebooks and put ``<out>/<year>/`` in place; return its path.

    Parameters
    ----------
    year : assessment year (folder name and the notebooks' ``year``).
    data : unit-level scores workbook, passed as ``data_path`` and ``scores_path``; by
        default nothing is passed and each notebook uses its own default (the bundled data:
        ``config.DEFAULT_WORKBOOK``, published tables).
    survey : survey file, passed as ``survey_path``; by default the notebooks' own default.
    out : reports folder (default ``config.REPORTS_DIR``).
    lang : ``"vi"`` (default) or ``"en"``, for the notebooks, the index and the XLSX headers.
    jobs : notebooks run at once (default: the number of cores).
    notebooks_dir : where the ``NN_*.ipynb`` notebooks are (default ``config.NOTEBOOKS_DIR``).
    only : run only these notebooks (names or two-digit numbers): a partial report.
    params : extra ``name=value`` parameters, checked against the notebooks' declarations.
    progress : show the progress bar (default: only on a terminal).

    Raises
    ------
    ReportParameterError : bad parameters or inputs; nothing ran (exit code 2).
    ReportFailed : a notebook failed, the previous report is untouched (exit code 1).
    """
    from ..outputs import atomic_write_text, check_not_raw, write_xlsx

    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportParameterError(str(exc)) from None
    if not isinstance(year, int) or isinstance(year, bool):
        raise ReportParameterError(f"year must be an integer, got {year!r}")
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if not isinstance(jobs, int) or jobs < 1:
        raise ReportParameterError(f"--jobs must be ≥ 1, got {jobs!r}")
    out_dir = Path(out) if out is not None else config.REPORTS_DIR
    out_dir = out_dir.resolve()
    try:
        check_not_raw(out_dir)
    except PermissionError as exc:
        raise ReportParameterError(str(exc)) from None

    notebooks = discover_notebooks(notebooks_dir, only=only)
    declared = inspect_parameters(notebooks)
    wants = {k for d in declared.values() for k in d}

    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:  # every .xlsx the notebooks read goes through openpyxl
        raise ReportParameterError(
            "openpyxl không dùng defusedxml (chống bom XML) / openpyxl is not using defusedxml "
            "(XML-bomb protection): pip install defusedxml")
    # --data / --survey reach the notebooks only when given: otherwise each notebook keeps
    # its own default (the bundled data), e.g. published tables where data_path is "".
    data_path = _input_file(data, "--data", ("data_path", "scores_path"), wants)
    survey_path = _input_file(survey, "--survey", ("survey_path",), wants)

    final = out_dir / str(year)
    # output_dir is recorded as the final folder; the notebooks write into the staging folder
    per_nb = resolve_parameters(
        declared, year=year, lang=lang, output_dir=str(final),
        data=str(data_path) if data_path else None,
        survey=str(survey_path) if survey_path else None, extra=params,
    )

    # ---- everything is valid: run
    out_dir.mkdir(parents=True, exist_ok=True)
    started = _now()
    t0 = time.perf_counter()
    with _year_lock(out_dir, year):
        staging = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-", dir=out_dir))
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)
            (staging / "notebooks").mkdir()
            expected = _previous_durations(out_dir, year)
            tasks = []
            for p in notebooks:
                ps = dict(per_nb[p.stem])
                if "output_dir" in ps:
                    ps["output_dir"] = str(staging)
                tasks.append({"name": p.stem, "source": str(p), "parameters": ps,
                              "executed": str(staging / "notebooks" / p.name),
                              "html": str(staging / f"{p.stem}.html"),
                              "cwd": str(config.PROJ_ROOT), "jobs": jobs,
                              "expected_seconds": expected.get(p.stem)})
            results = _run_all(tasks, jobs, progress=progress)
            failed = [r for r in results if r["status"] != "ok"]
            if failed:
                stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                keep_dir = out_dir / "_failed" / f"{year}-{stamp}"
                failures = []
                for r in failed:
                    kept = None
                    src = Path(r["executed"])
                    if src.is_file():
                        keep_dir.mkdir(parents=True, exist_ok=True)
                        kept = keep_dir / src.name
                        shutil.copy2(src, kept)
                    failures.append(NotebookFailure(
                        notebook=r["name"], cell_index=r.get("cell_index"),
                        execution_count=r.get("execution_count"), ename=r.get("ename"),
                        source=(r.get("source") or [""])[0],
                        evalue=r.get("evalue"), kept=str(kept) if kept else None))
                raise ReportFailed(
                    f"{len(failures)} sổ tay lỗi / notebook(s) failed; báo cáo cũ giữ nguyên / "
                    f"the previous report {final} is untouched:\n"
                    + "\n".join("  " + f.message() for f in failures), failures)

            # tables.xlsx
            try:
                write_xlsx(collect_tables(staging, lang=lang), staging / "tables.xlsx")
            except Exception as exc:
                raise ReportFailed(f"Không ghi được tables.xlsx / could not write tables.xlsx: "
                                   f"{type(exc).__name__}: {exc}") from exc
            # index.html + manifest.json
            commit, dirty = _git_state()
            inputs = _inputs(data=data_path, survey=survey_path, notebooks=notebooks, params=per_nb)
            finished = _now()
            version = _versions()["cchc-analysis"] or "?"
            synthetic = "synthetic" in str(data_path or "").lower() or (
                data_path is None and "synthetic" in str(config.DEFAULT_WORKBOOK).lower())
            for r in results:
                r["html"] = str(final / Path(r["html"]).name)
            atomic_write_text(staging / "index.html", _index_html(
                year=year, lang=lang, results=results, report_dir=staging, inputs=inputs,
                synthetic=synthetic, only=[p.stem for p in notebooks] if only else None,
                finished=finished, commit=commit, version=version))
            outputs = {
                q.relative_to(staging).as_posix(): _sha256(q)
                for q in sorted(staging.rglob("*")) if q.is_file()
            }
            manifest = {
                "report": "cchc-analysis yearly report",
                "year": year,
                "lang": lang,
                "data": _display_path(data_path) if data_path else None,
                "survey": _display_path(survey_path) if survey_path else None,
                "synthetic_data": synthetic,
                "partial": bool(only),
                "started": started,
                "finished": finished,
                "wall_seconds": round(time.perf_counter() - t0, 3),
                "jobs": jobs,
                "git_commit": commit,
                "git_dirty": dirty,
                "packages": _versions(),
                "inputs": inputs,
                "parameters": {r["name"]: {**per_nb[r["name"]]} for r in results},
                "declared_parameters": declared,
                "notebooks": [{
                    "name": r["name"],
                    "title": r.get("title"),
                    "source": _display_path(Path(t["source"])),
                    "executed": f"notebooks/{Path(t['executed']).name}",
                    "html": Path(t["html"]).name,
                    "duration_seconds": round(r["duration_seconds"], 3),
                    "html_seconds": round(r.get("html_seconds", 0.0), 3),
                } for r, t in zip(results, tasks)],
                "outputs": outputs,
                "note": "output_dir is recorded as the final report folder; during the run the "
                        "notebooks wrote into a hidden staging folder renamed into place.",
            }
            atomic_write_text(staging / "manifest.json",
                              json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")
            _make_readable(staging, umask)
            try:
                _swap_into_place(staging, final)
            except OSError as exc:
                raise ReportFailed(f"Không đặt được báo cáo vào chỗ / could not put the report in "
                                   f"place at {final}: {exc}") from exc
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return final


# --------------------------------------------------------------------------- CLI


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``cchc report`` options to ``parser``."""
    parser.description = ("Chạy mọi sổ tay và ghi reports/<năm>/ / run every notebook and write "
                          "reports/<year>/. Exit codes: 0 ok, 1 a notebook failed, 2 bad parameters.")
    parser.add_argument("--year", type=int, default=2023, help="assessment year (default 2023)")
    parser.add_argument("--data", default=None, metavar="PATH",
                        help="unit-level scores workbook for the notebooks' data_path/scores_path "
                             "(default: each notebook's own default, the bundled data, e.g. "
                             f"{_display_path(config.DEFAULT_WORKBOOK)})")
    parser.add_argument("--survey", default=None, metavar="PATH",
                        help="survey file for the notebooks' survey_path (default: the notebooks' "
                             f"own default, e.g. {_display_path(config.DEFAULT_SURVEY)})")
    parser.add_argument("--out", default=None,
                        help=f"reports folder (default {_display_path(config.REPORTS_DIR)})")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi",
                        help="language of the report (default vi)")
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"notebooks run at once (default: number of cores, {os.cpu_count()})")
    parser.add_argument("--notebooks", default=None,
                        help="folder of NN_*.ipynb notebooks "
                             f"(default {_display_path(config.NOTEBOOKS_DIR)})")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        help="run only these notebooks (name or number): a partial report")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a parameter a notebook declares (type-checked); repeatable")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="always show the progress bar (default: only on a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    return parser


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
        print(f"Báo cáo thất bại / report failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(f"Đã ghi báo cáo / report written: {final / 'index.html'}")
    return EXIT_OK
