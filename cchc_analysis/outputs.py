"""Writing outputs safely: atomically, never into ``data/raw/``, spreadsheet-safe cells.

Every file the workbench writes goes through these helpers: the content is written to
a temporary file in the target folder and renamed into place, so a reader never sees
half a file, and a crash leaves the previous version intact.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .config import RAW_DIR
from .text import slugify

if TYPE_CHECKING:  # pandas is imported where a frame is written, not at import (start-up time)
    import pandas as pd

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "write_csv",
    "write_xlsx",
    "neutralise_formulas",
    "deterministic_zip",
    "safe_filename",
    "check_not_raw",
    "save_outputs",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a number written as text ("-0.41", "+0,33") is not a formula: left as it is
_NUMBER = re.compile(r"^[+-]?(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?%?$")


def check_not_raw(path: str | os.PathLike) -> Path:
    """Refuse to write inside ``data/raw/`` (raw data is immutable)."""
    p = Path(path).resolve()
    raw = RAW_DIR.resolve()
    if p == raw or raw in p.parents:
        raise PermissionError(
            f"Không ghi vào data/raw/ (dữ liệu gốc là bất biến): {p}\n"
            f"[Refusing to write into data/raw/ (raw data is immutable): {p}]"
        )
    return p


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, _bundle_raw: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Refuses ``data/raw/``; only the documented bundling command
    (``cchc synthetic --bundle``) passes ``_bundle_raw=True`` to
    regenerate the bundled synthetic inputs and the blank template.
    """
    p = Path(path).resolve() if _bundle_raw else check_not_raw(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def neutralise_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells that a spreadsheet would run as a formula are defused.

    A text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe (OWASP CSV-injection advice), unless the text is a number
    (``"-0.41"``, ``"+0,33"``). Numbers are left alone, so negative numbers stay numbers. Column names are treated the same way.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit_name": ['=HYPERLINK("http://x")', "Bộ Tư pháp"], "d": [-1.5, 2]})
    >>> neutralise_formulas(df)["unit_name"].tolist()
    ['\\'=HYPERLINK("http://x")', 'Bộ Tư pháp']
    >>> neutralise_formulas(df)["d"].tolist()
    [-1.5, 2.0]
    >>> neutralise_formulas(pd.DataFrame({"t": ["+0.33", "-1", "=1+1"]}))["t"].tolist()
    ['+0.33', '-1', "'=1+1"]
    """
    import pandas as pd  # pandas only when a table is written (start-up time)

    def fix(v):
        if isinstance(v, str) and v.startswith(_FORMULA_START) and not _NUMBER.match(v.strip()):
            return "'" + v
        return v

    out = data.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(fix)
    out.columns = [fix(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(data: pd.DataFrame, path: str | os.PathLike, **kwargs) -> Path:
    """Write a frame as UTF-8 CSV (with BOM so Excel shows diacritics), atomically and safely.

    The bytes depend only on the data, so rerunning with the same inputs gives
    byte-identical files.
    """
    buf = io.StringIO()
    neutralise_formulas(data).to_csv(buf, index=False, lineterminator="\n", **kwargs)
    return atomic_write_bytes(path, ("\ufeff" + buf.getvalue()).encode("utf-8"))


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def deterministic_zip(data: bytes) -> bytes:
    """The same ZIP (XLSX, DOCX) with every entry's time fixed and the document's
    created/modified properties (``docProps/core.xml``, stamped with the time of saving by
    openpyxl) set to 2000-01-01: identical bytes on rerun.

    >>> import zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("docProps/core.xml", '<dcterms:created xsi:type="x">2026-12-03T08:00:01Z</dcterms:created>')
    >>> out = zipfile.ZipFile(io.BytesIO(deterministic_zip(buf.getvalue())))
    >>> out.read("docProps/core.xml").decode()
    '<dcterms:created xsi:type="x">2000-01-01T00:00:00Z</dcterms:created>'
    >>> out.infolist()[0].date_time
    (1980, 1, 1, 0, 0, 0)
    """
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_TIMES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", blob)
            dst.writestr(fixed, blob)
    return out.getvalue()


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """Write several frames as sheets of one XLSX workbook, atomically and formula-safe."""
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, frame in sheets.items():
            sheet = re.sub(r"[\[\]\*\?/\\:]", "_", str(name))[:31] or "Sheet"
            neutralise_formulas(frame).to_excel(xw, sheet_name=sheet, index=False)
    return atomic_write_bytes(path, deterministic_zip(buf.getvalue()))


def safe_filename(text: str, *, max_len: int = 60) -> str:
    """A file-name slug from any text (unit names are never used raw in paths).

    Examples
    --------
    >>> safe_filename("Bộ Thông tin và Truyền thông")
    'bo-thong-tin-va-truyen-thong'
    >>> safe_filename("../../etc/passwd")
    'etc-passwd'
    """
    slug = slugify(text)[:max_len].strip("-")
    return slug or "unnamed"


def save_outputs(
    output_dir: str | os.PathLike | None,
    *,
    notebook: str,
    figures: dict | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Write a notebook's figures (PNG + SVG) and tables (CSV) into ``output_dir``.

    This is the one last cell of every notebook. Files are named
    ``figures/<notebook>__<name>.png|svg`` and ``tables/<notebook>__<name>.csv`` so the
    report pipeline can gather them; names are slugged, never raw data text. With an
    empty ``output_dir`` nothing is written (interactive use).

    Parameters
    ----------
    output_dir : folder to write into, or ``None`` / ``""`` to skip.
    notebook : short name of the notebook, e.g. ``"01_ranking_trends"``.
    figures : ``{name: matplotlib Figure or Axes}``.
    tables : ``{name: DataFrame}``; headers are kept as given (localise before).

    Returns
    -------
    list of Path : the files written.
    """
    if not output_dir:
        return []
    out = Path(output_dir)
    written: list[Path] = []
    nb = safe_filename(notebook, max_len=40).replace("-", "_")
    for name, fig in (figures or {}).items():
        fig = getattr(fig, "figure", fig)  # an Axes gives its Figure
        stem = f"{nb}__{safe_filename(name).replace('-', '_')}"
        import matplotlib as mpl

        for ext in ("png", "svg"):
            buf = io.BytesIO()
            # fixed metadata and SVG ids (also without style.set_theme) -> identical bytes on rerun
            meta = {"Date": None} if ext == "svg" else {"Software": None}
            with mpl.rc_context({"svg.hashsalt": mpl.rcParams["svg.hashsalt"] or "cchc-analysis"}):
                fig.savefig(buf, format=ext, dpi=150, bbox_inches="tight", metadata=meta)
            written.append(atomic_write_bytes(out / "figures" / f"{stem}.{ext}", buf.getvalue()))
    for name, frame in (tables or {}).items():
        stem = f"{nb}__{safe_filename(name).replace('-', '_')}"
        written.append(write_csv(frame, out / "tables" / f"{stem}.csv"))
    return written
