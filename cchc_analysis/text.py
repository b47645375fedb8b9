"""Text normalisation for Vietnamese data: NFC, spaces, slugs, number parsing."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "nfc", "clean_text", "fold", "slugify", "parse_number",
    "fmt_number", "fmt_signed", "fmt_pvalue", "fmt_percent", "fmt_int", "name_list", "MISSING",
]

#: What a table or sentence shows for a value that cannot be computed.
MISSING = "—"

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Unicode NFC form (decomposed diacritics from some Mac/Word files become composed)."""
    return unicodedata.normalize("NFC", text)


def clean_text(value) -> str | None:
    """NFC, non-breaking and repeated spaces folded, BOM and ends stripped; ``None`` if empty.

    Examples
    --------
    >>> clean_text("  Bộ\\u00a0Tư   pháp \\ufeff")
    'Bộ Tư pháp'
    >>> clean_text("   ") is None
    True
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return _clean_str(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 16)
def _clean_str(text: str) -> str | None:
    # cached: a table repeats the same ids, names and codes in thousands of cells
    s = nfc(text).replace("\ufeff", "").replace("\u200b", "")
    s = _SPACES.sub(" ", s).strip()
    return s or None


def fold(text: str) -> str:
    """Lower-case ASCII folding for matching names and markers (``đ`` → ``d``).

    Examples
    --------
    >>> fold("Không  Phát Sinh")
    'khong phat sinh'
    """
    return _fold_str(clean_text(text) or "")


@lru_cache(maxsize=1 << 16)
def _fold_str(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    return s.lower()


def slugify(text: str) -> str:
    """ASCII id from a Vietnamese name.

    Examples
    --------
    >>> slugify("Bộ Tư pháp")
    'bo-tu-phap'
    >>> slugify("Cục Bưu điện Trung ương")
    'cuc-buu-dien-trung-uong'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


_NUM_OK = re.compile(r"^[+-]?([0-9]+([.,][0-9]+)*|[.,][0-9]+)$")  # ASCII digits only (not full-width)


def _grouped(whole: str, sep: str) -> bool:
    """``1.234.567``: groups of exactly three digits after a first group of one to three
    (``1.5.2`` is no number)."""
    parts = whole.lstrip("+-").split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def parse_number(value, *, percent: bool = True) -> float | None:
    """Parse a number as analysts type it; ``None`` for empty, ``ValueError`` if not a number.

    Accepts Vietnamese decimal commas (``89,95``), ``%`` signs (``percent=False``
    refuses them), thousands separators (``1.234,5`` or ``1,234.5``), spaces and
    non-breaking spaces, and numbers stored as text; refuses full-width digits,
    ``nan``/``inf`` and numbers too large to be finite.

    **The one rule for separators** (every reader follows it):

    1. Two different separators: the last one is the decimal mark (``1.234,5`` and
       ``1,234.5`` are both 1234.5).
    2. One separator used several times is a thousands separator (``1.234.567``); its
       groups must have three digits (``1.5.2`` is not a number).
    3. One separator used once is the decimal mark, ``,`` (Vietnamese) or ``.`` alike
       (``89,95``, ``89.95``).
    4. Rule 3 leaves one case ambiguous: a single separator before exactly three digits
       (``1.500``, ``1,500``) reads as 1.5 but in Vietnamese could mean 1500 (thousands
       dot). Where the column's range settles it, it is read by rule 3: a point value is
       never ≥ 1,000 and an answer on a survey scale never is, so there ``1.500`` is 1.5.
       Where it does not (years, counts), the readers report the cell as ambiguous
       instead of guessing.

    Examples
    --------
    >>> parse_number("89,95")
    89.95
    >>> parse_number(" 92.18 % ")
    92.18
    >>> parse_number("1.234,5")
    1234.5
    >>> parse_number("1,234.5")
    1234.5
    >>> parse_number("1.234.567")
    1234567.0
    >>> parse_number("1.5.2")
    Traceback (most recent call last):
    ...
    ValueError: not a number: '1.5.2'
    >>> parse_number("") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        try:
            out = float(value)
        except OverflowError:  # a 400-digit integer
            raise ValueError(f"number too large: {str(value)[:20]}…") from None
        if not math.isfinite(out):
            raise ValueError(f"not a finite number: {value!r}")
        return out
    s = clean_text(value)
    if s is None:
        return None
    if not percent and "%" in s:
        raise ValueError(f"a percentage, not a number: {value!r}")
    s = s.replace("%", "").replace(" ", "").replace("\u00a0", "").replace("'", "")
    s = s.replace("\u2212", "-")  # Unicode minus
    if not s:
        return None
    if not _NUM_OK.match(s):
        raise ValueError(f"not a number: {value!r}")
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):  # 1.234,5: comma is the decimal mark
            whole, _, frac = s.partition(",")
            thousands = "."
        else:  # 1,234.5
            whole, _, frac = s.partition(".")
            thousands = ","
        if ("," if thousands == "." else ".") in frac or not _grouped(whole, thousands):
            raise ValueError(f"not a number: {value!r}")
        s = whole.replace(thousands, "") + "." + frac
    elif has_comma:
        if s.count(",") > 1:  # 1,234,567
            if not _grouped(s, ","):
                raise ValueError(f"not a number: {value!r}")
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:  # 1.234.567
        if not _grouped(s, "."):
            raise ValueError(f"not a number: {value!r}")
        s = s.replace(".", "")
    if len(s) > 40:
        raise ValueError(f"number too long: {s[:20]}…")
    out = float(s)
    if not math.isfinite(out):
        raise ValueError(f"not a finite number: {value!r}")
    return out


# ---------------------------------------------------------------------------------------
# display formatting: the ONE set of formatters (rounding is for display only)


def _finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _group_thousands(s: str, lang: str) -> str:
    """``1234567.5`` -> ``1.234.567,5`` (vi) or ``1,234,567.5`` (en)."""
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    thou, dec = (".", ",") if lang == "vi" else (",", ".")
    out = thou.join(groups) + (dec + frac if frac else "")
    return ("−" if neg else "") + out


def fmt_number(x, lang: str = "vi", digits: int = 2, *, strip: bool = False,
               missing: str = MISSING) -> str:
    """A number for people: Vietnamese decimal comma and thousands dot (``lang="vi"``),
    English decimal point and thousands comma; a true minus sign; ``missing`` for
    NaN/None/inf.

    ``strip=True`` drops trailing zeros (``2.50`` -> ``2,5``).

    Examples
    --------
    >>> fmt_number(84.3789)
    '84,38'
    >>> fmt_number(84.3789, "en")
    '84.38'
    >>> fmt_number(-0.41, digits=2)
    '−0,41'
    >>> fmt_number(1234.5, digits=1)
    '1.234,5'
    >>> fmt_number(2.5, digits=2, strip=True)
    '2,5'
    >>> fmt_number(float("nan"))
    '—'
    >>> fmt_number(-0.0001, digits=2)
    '0,00'
    """
    if not _finite(x):
        return missing
    s = f"{float(x):.{digits}f}"
    if strip and "." in s:
        s = s.rstrip("0").rstrip(".")
    if s.lstrip("-").strip("0.") == "":  # -0.00 -> 0.00
        s = s.lstrip("-")
    return _group_thousands(s, lang)


def fmt_signed(x, lang: str = "vi", digits: int = 2, *, strip: bool = False,
               missing: str = MISSING) -> str:
    """Like :func:`fmt_number` with an explicit sign (``+1,10``, ``−0,41``, ``0``).

    Examples
    --------
    >>> fmt_signed(1.1)
    '+1,10'
    >>> fmt_signed(-1.1, "en", strip=True)
    '−1.1'
    """
    if not _finite(x):
        return missing
    s = fmt_number(abs(float(x)), lang, digits, strip=strip)
    if s.replace(",", "").replace(".", "").strip("0") == "":
        return s
    return ("+" if float(x) > 0 else "−") + s


def fmt_int(x, lang: str = "vi", *, missing: str = MISSING) -> str:
    """An integer count or rank (``1.234`` in Vietnamese, ``1,234`` in English).

    >>> fmt_int(3321)
    '3.321'
    """
    if not _finite(x):
        return missing
    return fmt_number(round(float(x)), lang, 0)


def fmt_percent(x, lang: str = "vi", digits: int = 0, *, ratio: bool = True,
                missing: str = MISSING) -> str:
    """A share as a percentage; ``ratio=True`` means ``x`` is in 0..1.

    >>> fmt_percent(0.42)
    '42 %'
    >>> fmt_percent(42.25, "en", 1, ratio=False)
    '42.3%'
    """
    if not _finite(x):
        return missing
    v = float(x) * (100 if ratio else 1)
    return fmt_number(v, lang, digits) + (" %" if lang == "vi" else "%")


def fmt_pvalue(p, lang: str = "vi", *, prefix: bool = True, missing: str = MISSING) -> str:
    """A p-value with three decimals; below 0.001 as ``p < 0,001``.

    >>> fmt_pvalue(0.0213)
    'p = 0,021'
    >>> fmt_pvalue(0.00001, "en")
    'p < 0.001'
    >>> fmt_pvalue(0.48, prefix=False)
    '0,480'
    """
    if not _finite(p):
        return ("p = " + missing) if prefix else missing
    p = float(p)
    if p < 0.001:
        s = "< " + fmt_number(0.001, lang, 3)
        return ("p " + s) if prefix else s
    s = fmt_number(p, lang, 3)
    return ("p = " + s) if prefix else s


def name_list(names, lang: str = "vi", *, limit: int = 5, sep: str = ", ", noun: tuple[str, str] = ("đơn vị", "units")) -> str:
    """Names for a sentence: all of them up to ``limit``, else the first ``limit`` and how
    many more (a finding naming 22 units, or 300 communes, is not read).

    >>> name_list(["A", "B"])
    'A, B'
    >>> name_list([f"Xã {i}" for i in range(1, 23)], limit=3)
    'Xã 1, Xã 2, Xã 3 và 19 đơn vị khác'
    >>> name_list(list("ABCDEFG"), "en", limit=5, sep="; ", noun=("tiêu chí", "criteria"))
    'A; B; C; D; E and 2 more criteria'
    """
    names = [str(n) for n in names]
    if len(names) <= limit:
        return sep.join(names)
    rest = len(names) - limit
    more = (f" và {fmt_int(rest, 'vi')} {noun[0]} khác" if lang == "vi" else f" and {fmt_int(rest, 'en')} more {noun[1]}")
    return sep.join(names[:limit]) + more
