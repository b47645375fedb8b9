"""Errors in input data, located and explained in Vietnamese and English.

Every problem names the file, the sheet (for workbooks), the row as the analyst sees
it in Excel or a text editor (1-based, header = row 1) and the column, then says what
is wrong and what to fix, first in Vietnamese, then in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["DataError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    Parameters
    ----------
    file, sheet, row, column
        Where the problem is. ``row`` is 1-based as shown by Excel (the header is row 1);
        any of them may be ``None`` when it does not apply (e.g. an empty file).
    vi, en
        What is wrong and what to fix, in Vietnamese and in English.
    """

    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    vi: str
    en: str

    def where(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"file '{Path(self.file).name}'")
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts) if parts else "input"

    def where_vi(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"tệp '{Path(self.file).name}'")
        if self.sheet is not None:
            parts.append(f"trang tính '{self.sheet}'")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column is not None:
            parts.append(f"cột '{self.column}'")
        return ", ".join(parts) if parts else "dữ liệu vào"

    def message(self) -> str:
        return f"{self.where_vi()}: {self.vi}\n  [{self.where()}: {self.en}]"


class DataError(ValueError):
    """Input data that cannot be used as it is.

    The message names file, sheet, row and column and says what to fix, in Vietnamese
    then English. ``problems`` holds every :class:`Problem` found (``read_*`` functions
    raise on the first; ``validate`` collects them all).

    Examples
    --------
    >>> err = DataError([Problem("a.xlsx", "scores", 7, "points", "điểm âm", "negative points")])
    >>> print(err)
    tệp 'a.xlsx', trang tính 'scores', dòng 7, cột 'points': điểm âm
      [file 'a.xlsx', sheet 'scores', row 7, column 'points': negative points]
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.message() for p in self.problems))

    @classmethod
    def from_problems(cls, problems: list[Problem], *, see_vi: str, see_en: str) -> "DataError":
        """An error whose message is the first problem (plus how many more, and where to see
        them all); ``problems`` keeps every one. Readers raise this on bad input."""
        first = problems[0]
        more = len(problems) - 1
        if more:
            first = Problem(first.file, first.sheet, first.row, first.column,
                            first.vi + f" (và {more} lỗi khác: {see_vi})",
                            first.en + f" (and {more} more problems: {see_en})")
        err = cls(first)
        err.problems = list(problems)
        return err

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def to_frame(self) -> pd.DataFrame:
        """All problems as a table: ``file, sheet, row, column, problem_vi, problem_en``."""
        return pd.DataFrame(
            [
                {
                    "file": p.file,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "problem_vi": p.vi,
                    "problem_en": p.en,
                }
                for p in self.problems
            ],
            columns=["file", "sheet", "row", "column", "problem_vi", "problem_en"],
        )
