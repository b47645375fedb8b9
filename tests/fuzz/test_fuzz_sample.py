"""A seeded sample of the fuzzing harness (``bench/fuzz.py``, issue 19) in ``make test``.

200 mutated inputs (the full run is ``make fuzz``): no crash, no hang, no input read
although it is wrong, and at least 98 % of the cell mutations that must be errors located
to the mutated cell. The oracle itself is checked: a deliberately broken reader is caught.
"""

from __future__ import annotations

import pytest

from bench import fuzz
from cchc_analysis.io import _score_rows, _tabular

SEED = 19
N = 200


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    return fuzz.build_bases(tmp_path_factory.mktemp("bases"))


@pytest.fixture(scope="module")
def sample():
    return fuzz.run(N, SEED, processes=2, timeout=30)


def _show(df):
    return "\n".join(f"{r.index} {r.base} {r.mutation} ({r.entry}): {r.outcome}: {r.message}"
                     for r in df.itertuples())


@pytest.mark.slow
def test_sample_has_no_crash_hang_or_silent_wrong(sample):
    assert len(sample) == N
    bad = sample[sample["outcome"].isin(fuzz.BAD)]
    assert bad.empty, "\n" + _show(bad)


@pytest.mark.slow
def test_sample_cell_mutations_located(sample):
    cells = sample[sample["category"] == "cell"]
    assert len(cells) > 50  # the sample does exercise cell mutations
    share = fuzz.cell_located_share(sample)
    missed = cells[cells["outcome"].isin(["partial location", "file-only"])]
    assert share >= 0.98, f"{share:.1%} located\n" + _show(missed)


@pytest.mark.slow
def test_sample_valid_inputs_are_read(sample):
    """Mutations that keep the content (aliases, blank rows, BOM, ';', CRLF, '1.500' by the
    range rule...) are read, and read to the control's content."""
    right = sample[sample["outcome"] == "accepted right"]
    assert len(right) > 20
    refused = sample[sample["outcome"] == "refused valid"]
    assert refused.empty, "\n" + _show(refused)


def _find(bases, pred, seed=SEED, limit=3000):
    for i in range(limit):
        c = fuzz.make_case(i, seed, bases)
        if pred(c):
            return c
    raise LookupError("no such case in the seeded stream")


def test_cases_are_reproducible(bases):
    for i in (0, 7, 123):
        a, b = fuzz.make_case(i, SEED, bases), fuzz.make_case(i, SEED, bases)
        assert (a.mutation, a.expect, a.row, a.cols) == (b.mutation, b.expect, b.row, b.cols)
        assert a.doc.sheets == b.doc.sheets and a.doc.raw == b.doc.raw
        if a.doc.kind != "xlsx":  # a workbook's zip carries the time it was written
            assert a.doc.to_bytes() == b.doc.to_bytes()


def test_oracle_catches_a_reader_that_guesses(bases, tmp_path, monkeypatch):
    """A reader turning a non-number in a points cell into 0 points is a silent wrong reading."""
    case = _find(bases, lambda c: c.mutation == "points:text" and c.base == "scores.csv" and c.entry == "read")
    assert fuzz.run_case(case, tmp_path)["outcome"] == "located"

    real = _score_rows.parse_number

    def guessing(v, **kw):
        try:
            return real(v, **kw)
        except ValueError:
            return 0.0

    monkeypatch.setattr(_score_rows, "parse_number", guessing)
    assert fuzz.run_case(case, tmp_path)["outcome"] == "silent wrong"


def test_oracle_catches_a_crash_and_a_lost_location(bases, tmp_path, monkeypatch):
    case = _find(bases, lambda c: c.mutation == "points:text" and c.base == "scores.csv" and c.entry == "read")

    def broken(path, **kw):
        raise KeyError("points")

    with monkeypatch.context() as m:
        m.setattr(_tabular, "read_csv_rows", broken)
        from cchc_analysis.io import scores

        m.setattr(scores, "read_csv_rows", broken)
        out = fuzz.run_case(case, tmp_path)
    assert out["outcome"] == "crash" and "KeyError" in out["message"]

    from cchc_analysis.errors import Problem

    real_problem = _score_rows._problem

    def unlocated(raw, row, column, vi, en):  # the message loses its row and column
        return Problem(raw.file, raw.sheet, None, None, vi, en)

    monkeypatch.setattr(_score_rows, "_problem", unlocated)
    assert fuzz.run_case(case, tmp_path)["outcome"] == "file-only"
    monkeypatch.setattr(_score_rows, "_problem", real_problem)


def test_equal_oracle_uses_the_control(bases, tmp_path):
    """'1.500' in a points column is 1.5 by the range rule: read equal to the number 1.5."""
    case = _find(bases, lambda c: c.mutation == "points:dot_3digits" and c.base == "scores.csv"
                 and c.entry == "read")
    assert case.expect == "equal" and case.control is not None
    assert fuzz.run_case(case, tmp_path)["outcome"] in {"accepted right", "located"}
