"""The one bilingual registry: one key, one set of words."""

import pytest

from cchc_analysis import labels


def test_every_module_registers_without_conflict():
    # importing every analysis module registers its labels; a conflict would raise
    import cchc_analysis  # noqa: F401
    from cchc_analysis import report  # noqa: F401

    report.load_all_labels()
    assert labels.label("kind") == "Loại"
    assert labels.label("part") == "Phần"


def test_conflicting_registration_is_refused():
    labels.register({"_test_key": {"vi": "Một", "en": "One"}})
    labels.register({"_test_key": {"vi": "Một", "en": "One"}})  # same words: harmless
    with pytest.raises(labels.LabelConflict, match="_test_key"):
        labels.register({"_test_key": {"vi": "Hai", "en": "Two"}})
    assert labels.label("_test_key", "en") == "One"
