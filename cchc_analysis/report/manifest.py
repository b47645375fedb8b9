"""manifest.json: hashes of inputs and outputs, package versions, git state, timings."""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import config
from .parameters import STANDARD_PARAMETERS

__all__ = ["PACKAGES", "sha256_file", "display_path", "previous_durations", "git_state",
           "package_versions", "input_files", "now_iso", "run_record"]

PACKAGES = (
    "pandas", "numpy", "scipy", "matplotlib", "seaborn", "openpyxl", "defusedxml",
    "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "jupyter_client",
    "cchc-analysis",
)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def display_path(p: Path) -> str:
    p = Path(p).resolve()
    try:
        return p.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return str(p)



def previous_durations(out_dir: Path, year: int) -> dict[str, float]:
    """Each notebook's duration in the last report (this year's, else the newest), if any."""
    candidates = [out_dir / str(year) / "manifest.json"] + sorted(
        out_dir.glob("[0-9]*/manifest.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for m in candidates:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(m.read_text(encoding="utf-8"))
            return {n["name"]: float(n["duration_seconds"]) for n in data["notebooks"]}
    return {}



def git_state() -> tuple[str | None, bool | None]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config.PROJ_ROOT, text=True,
                                capture_output=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=config.PROJ_ROOT, text=True, capture_output=True, timeout=10,
                               check=True).stdout.strip() != ""
        return commit or None, dirty
    except (OSError, subprocess.SubprocessError):
        return None, None


def package_versions() -> dict[str, str | None]:
    out = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    out["python"] = sys.version.split()[0]
    return out


def input_files(*, data, survey: Path | None, notebooks: list[Path],
                params: dict[str, dict], cache: Path | None = None,
                survey_cache: Path | None = None) -> list[dict]:
    """Every input with its SHA-256: ``data`` (a path or a list), the survey, files named
    by parameters, the notebooks, data/raw, the parsed-input cache this run used and the
    other files in data/processed (except other runs' caches)."""
    seen: set[Path] = set()
    items = []

    def add(role: str, p: Path) -> None:
        p = Path(p).resolve()
        if p in seen or not p.is_file():
            return
        seen.add(p)
        items.append({"role": role, "path": display_path(p), "sha256": sha256_file(p),
                      "bytes": p.stat().st_size})

    for d in ([data] if isinstance(data, (str, Path)) else list(data or [])):
        add("data", d)
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
    if cache is not None:
        add("cache", cache)
    if survey_cache is not None:
        add("survey cache", survey_cache)
    cache_dir = (config.PROCESSED_DIR / "cache").resolve()
    for role, folder in (("raw", config.RAW_DIR), ("processed", config.PROCESSED_DIR)):
        # data/processed holds caches the notebooks read (e.g. a calibration table)
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file() and not p.name.startswith(".") and p.name != "README.md" \
                        and cache_dir not in p.resolve().parents:
                    add(role, p)
    return items



def now_iso() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")



def _input_is_synthetic(path: Path | None) -> bool:
    """Whether the report's unit-level input is synthetic, known from the data itself.

    ``path`` is the ``--data`` file (``None``: the notebooks' bundled default). The file is
    read with :func:`cchc_analysis.io.read_scores` and asked :func:`is_synthetic` (the readers
    set ``attrs["synthetic"]`` from the file's own metadata), never judged by its name.
    """
    from ..io import read_scores  # lazy: io imports pandas/openpyxl, only needed after the run

    from ..provenance import is_synthetic  # pandas: not at import (cchc --help, the warm kernels' head start)

    return is_synthetic(read_scores(config.DEFAULT_WORKBOOK if path is None else path))


def run_record(*, year: int, lang: str, data, survey: Path | None, synthetic: bool,
               partial: bool, started: str, finished: str, wall_seconds: float, jobs: int,
               commit: str | None, dirty: bool | None, inputs: list[dict], parameters: dict,
               declared: dict, results: list[dict], tasks: list[dict], outputs: dict,
               sections: dict | None = None, previous: dict | None = None, only: bool = False,
               checked=None) -> dict:
    """The content of ``manifest.json`` (a plain dict, written by the caller).

    With ``--only`` (``previous`` = the earlier manifest) the notebooks not run now keep
    their earlier record and ``refreshed`` time; each section lists what it skipped."""
    data_list = [data] if isinstance(data, (str, Path)) else list(data or [])
    prev_nbs = {n["name"]: n for n in (previous or {}).get("notebooks", [])}
    ran = {}
    for r, t in zip(results, tasks):
        ran[r["name"]] = {
            "name": r["name"],
            "title": (sections or {}).get(r["name"]).title if (sections or {}).get(r["name"]) else r.get("title"),
            "source": display_path(Path(t["source"])),
            "executed": f"notebooks/{Path(t['executed']).name}",
            "html": Path(t["html"]).name,
            "page": "section" if r.get("section") else "notebook export",
            "duration_seconds": round(r["duration_seconds"], 3),
            "html_seconds": round(r.get("html_seconds", 0.0), 3),
            "refreshed": finished,
        }
    names = sorted(set(ran) | set(prev_nbs))
    notebooks = [ran.get(n) or {**prev_nbs[n], "refreshed": prev_nbs[n].get("refreshed", (previous or {}).get("finished"))}
                 for n in names]
    secs = {}
    for stem, sec in (sections or {}).items():
        secs[sec.key] = {"notebook": stem, "title": sec.title, "skipped": list(sec.skipped),
                         "findings": len(sec.findings),
                         "refreshed": next((n["refreshed"] for n in notebooks if n["name"] == stem), finished)}
    params = {**(previous or {}).get("parameters", {}), **{r["name"]: {**parameters[r["name"]]} for r in results}}
    return {
        "report": "cchc-analysis yearly report",
        "year": year,
        "lang": lang,
        "data": [display_path(d) for d in data_list] or None,
        "survey": display_path(survey) if survey else None,
        "synthetic_data": synthetic,
        "partial": partial,
        "refreshed_only": sorted(ran) if only else None,
        "started": started,
        "finished": finished,
        "wall_seconds": round(wall_seconds, 3),
        "jobs": jobs,
        "git_commit": commit,
        "git_dirty": dirty,
        "packages": package_versions(),
        "inputs": inputs,
        "checked_inputs": None if checked is None else {
            "years": checked.years, "cache": display_path(checked.scores_cache),
            "cache_hit": checked.cache_hit, "survey_withheld": checked.no_survey_reason},
        "parameters": params,
        "declared_parameters": {**(previous or {}).get("declared_parameters", {}), **declared},
        "notebooks": notebooks,
        "sections": secs,
        "skipped": [{"section": k, "reason": r} for k, v in secs.items() for r in v["skipped"]],
        "outputs": outputs,
        "note": "output_dir is recorded as the final report folder; during the run the "
                "notebooks wrote into a hidden staging folder renamed into place.",
    }
