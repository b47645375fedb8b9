"""The report's exit codes and exceptions."""

from __future__ import annotations

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "ReportParameterError", "ReportFailed", "NotebookFailure"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class ReportParameterError(ValueError):
    """Bad parameters or inputs, found before anything ran (exit code 2)."""


class NotebookFailure(dict):
    """One failed notebook.

    Keys: ``notebook``; ``cell_index`` (1-based number of the failing cell in the source
    notebook, counting markdown cells); ``execution_count`` (the ``In [n]`` shown in the kept
    notebook); ``source`` (first line of the cell); ``line`` (the line of the cell that raised); ``ename``, ``evalue`` (the error);
    ``kept`` (path of the executed failing notebook).
    """

    def message(self, lang: str | None = None) -> str:
        """Where and what: notebook, cell, the failing LINE of the cell, the error.

        ``lang`` ``"vi"`` or ``"en"`` (the report's language); ``None``: both."""
        vi, en = lang in (None, "vi"), lang in (None, "en")

        def w(v: str, e: str) -> str:
            return f"{v} / {e}" if vi and en else (v if vi else e)

        where = ""
        if self.get("cell_index") is not None:
            where = f", {w('ô thứ', 'cell')} {self['cell_index']}"
            if self.get("execution_count") is not None:
                where += f" (In [{self['execution_count']}])"
        line = self.get("line") or self.get("source")
        text = f"{self['notebook']}{where}: {self['ename']}: {self['evalue']}"
        if line:
            text += f"\n    {w('dòng lỗi', 'failing line')}: `{line[:160]}`"
        if self.get("kept"):
            text += f"\n    {w('sổ tay lỗi giữ tại', 'failing notebook kept at')}: {self['kept']}"
        return text


class ReportFailed(RuntimeError):
    """One or more notebooks failed, or the report could not be put in place (exit code 1)."""

    def __init__(self, message: str, failures: list[NotebookFailure] | None = None):
        super().__init__(message)
        self.failures = list(failures or [])

