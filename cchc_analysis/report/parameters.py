"""Which notebooks run and with which parameters: discovery, declared parameters, conversion.

Command-line options reach a notebook only if its ``parameters`` cell declares them; a
``--param`` value is converted to the declared type or refused before anything runs.
"""

from __future__ import annotations

import ast
import logging
import os
import re
from pathlib import Path

from .. import config
from .errors import ReportParameterError

# papermill is imported inside inspect_parameters: it is heavy (~0.5 s) and only the
# report needs it, not ``import cchc_analysis``.

__all__ = ["STANDARD_PARAMETERS", "discover_notebooks", "inspect_parameters", "convert_value",
           "resolve_parameters"]

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


def convert_value(raw: str, type_name: str | None):
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
                       extra: list[str] | dict[str, str] | None = None,
                       scores: str | None = None) -> dict[str, dict]:
    """The parameters to pass to each notebook, only those it declares.

    Parameters
    ----------
    declared : output of :func:`inspect_parameters`.
    year, lang, output_dir, data, survey : the standard values (``data`` goes to
        ``data_path`` and ``scores_path``, ``survey`` to ``survey_path``; ``None`` skips).
    scores : ``scores_path`` when it differs from ``data`` (the report passes the cached
        bundled scores to ``scores_path`` even when ``data_path`` is not passed).
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
    if scores is not None:
        standard["scores_path"] = scores
    if survey is not None:
        standard["survey_path"] = survey
    out: dict[str, dict] = {}
    for nb, decl in declared.items():
        params = {k: v for k, v in standard.items() if k in decl}
        for key, raw in pairs:
            if key in decl and key not in STANDARD_PARAMETERS:
                type_name = decl[key].get("inferred_type_name")
                try:
                    params[key] = convert_value(raw, type_name)
                except ValueError as exc:
                    problems.append(f"{nb}: `{key}` phải có kiểu / must be of type {type_name}: {exc}")
        out[nb] = params
    if problems:
        raise ReportParameterError("Tham số sai / bad parameters:\n  " + "\n  ".join(problems))
    return out

