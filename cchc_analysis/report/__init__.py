"""The yearly report: run every notebook with papermill and leave a finished ``reports/<year>/``.

``cchc report [--year Y] [--data PATH] [--survey PATH] [--out DIR] [--lang vi|en] [--jobs N]``
(or :func:`build_report` from Python) executes ``notebooks/[0-9][0-9]_*.ipynb`` in order,
in parallel (one process and one ``python3`` kernel per notebook, working directory
= the project root; on Linux each kernel is forked from one helper that imported the
libraries once, :mod:`~cchc_analysis.report.zygote`, ``CCHC_REPORT_WARM=0`` for fresh
kernels: the same bytes either way), and writes::

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
(``reports/.<year>.tmp-XXXX``) and put in place only when every notebook succeeded: on
Linux old and new are exchanged in one atomic step, elsewhere the previous report is moved
aside, the new one renamed in, the old one deleted (and put back if the rename fails); a
run killed at any moment (``kill -9``) leaves a whole report, and the next run tidies what
it left (staging folders, the lock, kernel sockets). A failed run leaves the previous ``reports/<year>/`` untouched,
prints the notebook, the failing cell and the error, and keeps the executed failing
notebook for inspection in ``reports/_failed/<year>-<timestamp>/``. Two runs for the same
year cannot overlap (a lock file ``reports/.<year>.lock`` holding the owner's PID and start
time: the second run exits 1 with a message). Rerunning with the same inputs gives the same
bytes in every file but ``manifest.json`` (its times). A folder that cannot be written
(read-only, disk full) ends in a bilingual message, exit 1, nothing half-written.

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

Submodules
----------
``parameters`` (which notebooks, which parameters), ``execute`` (kernels, process pool,
progress, papermill), ``html`` (sanitising, code-free pages, the index page), ``xlsx``
(tables.xlsx), ``manifest`` (hashes, versions, git state, inputs), ``build``
(:func:`build_report`, the atomic swap, the year lock), ``cli`` (``cchc report``),
``errors`` (exit codes, exceptions), ``words`` (the report pages' own words), ``zygote``
(warm kernels).
"""

from __future__ import annotations

from .build import build_report
from .cli import configure_parser, run
from .errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, NotebookFailure, ReportFailed, ReportParameterError
from .parameters import STANDARD_PARAMETERS, discover_notebooks, inspect_parameters, resolve_parameters
from .xlsx import collect_tables, load_all_labels

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
    "load_all_labels",
    "build_report",
    "configure_parser",
    "run",
]
