"""Look at a report as its readers do: every HTML page as a browser screenshot, the Word
document as PDF pages (LibreOffice), all as PNGs in ``<report>/_look/``.

    python -m bench.look reports/2023            # pages + docx
    python -m bench.look reports/2023 --height 2400

Needs Debian's ``chromium`` (and ``libreoffice`` + ``pdftoppm`` for the docx); skips what is
missing and says so. A check script, not a test: the PNGs are for people to open.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--hide-scrollbars"]


def screenshot(page: Path, out: Path, *, width: int = 1280, height: int = 1600) -> Path | None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([exe, *_FLAGS, f"--user-data-dir={prof}", f"--window-size={width},{height}",
                        f"--screenshot={out}", page.resolve().as_uri()],
                       capture_output=True, timeout=120)
    return out if out.exists() else None


def docx_pages(docx: Path, out_dir: Path, *, first: int = 1, last: int = 40) -> list[Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        print("libreoffice/pdftoppm not found: apt-get install libreoffice-writer-nogui poppler-utils",
              file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo", "--convert-to", "pdf",
                        "--outdir", tmp, str(docx)], capture_output=True, timeout=300)
        pdf = Path(tmp) / (docx.stem + ".pdf")
        if not pdf.exists():
            print(f"LibreOffice could not convert {docx}", file=sys.stderr)
            return []
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, out_dir / pdf.name)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), str(pdf),
                        str(out_dir / docx.stem)], capture_output=True, timeout=300)
    return sorted(out_dir.glob(docx.stem + "*.png"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--height", type=int, default=1600)
    ap.add_argument("--width", type=int, default=1280)
    a = ap.parse_args(argv)
    out = a.report / "_look"
    out.mkdir(exist_ok=True)
    for page in sorted(a.report.glob("*.html")):
        png = screenshot(page, out / (page.stem + ".png"), width=a.width, height=a.height)
        print(png or f"no screenshot of {page}")
    for docx in sorted(a.report.rglob("*.docx")):
        for png in docx_pages(docx, out):
            print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
