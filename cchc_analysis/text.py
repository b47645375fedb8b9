"""Text normalisation for Vietnamese data: NFC, spaces, slugs, number parsing."""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["nfc", "clean_text", "fold", "slugify", "parse_number"]

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
    s = nfc(str(value)).replace("\ufeff", "").replace("\u200b", "")
    s = _SPACES.sub(" ", s).strip()
    return s or None


def fold(text: str) -> str:
    """Lower-case ASCII folding for matching names and markers (``đ`` → ``d``).

    Examples
    --------
    >>> fold("Không  Phát Sinh")
    'khong phat sinh'
    """
    s = clean_text(text) or ""
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


_NUM_OK = re.compile(r"^[+-]?(\d+([.,]\d+)*|[.,]\d+)$")


def parse_number(value) -> float | None:
    """Parse a number as analysts type it; ``None`` for empty, ``ValueError`` if not a number.

    Accepts Vietnamese decimal commas (``89,95``), ``%`` signs, thousands separators
    (``1.234,5`` or ``1,234.5``), spaces and non-breaking spaces, and numbers stored as
    text. A single separator followed by exactly three digits (``1.234`` or ``1,234``) is
    ambiguous; it is read as a decimal point when it is ``.`` and as a decimal comma when
    it is ``,`` only if no other separator appears, which matches how PAR INDEX tables are
    typed (points have at most two decimals, so ``1,234`` never arises as points).

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
    >>> parse_number("") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    s = clean_text(value)
    if s is None:
        return None
    s = s.replace("%", "").replace(" ", "").replace("\u00a0", "").replace("'", "")
    s = s.replace("\u2212", "-")  # Unicode minus
    if not s:
        return None
    if not _NUM_OK.match(s):
        raise ValueError(f"not a number: {value!r}")
    has_dot, has_comma = "." in s, "," in s
    if has_dot and has_comma:
        if s.rfind(",") > s.rfind("."):  # 1.234,5: comma is the decimal mark
            s = s.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            s = s.replace(",", "")
    elif has_comma:
        if s.count(",") > 1:  # 1,234,567
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif s.count(".") > 1:  # 1.234.567
        s = s.replace(".", "")
    return float(s)
