"""manifest.json pieces (cchc_analysis/report/manifest.py)."""

from __future__ import annotations

import json

from cchc_analysis.report import manifest
from cchc_analysis.synthetic import make_synthetic_scores


def test_previous_durations_order_the_next_run(tmp_path):
    (tmp_path / "2022").mkdir()
    (tmp_path / "2022" / "manifest.json").write_text(json.dumps(
        {"notebooks": [{"name": "01_a", "duration_seconds": 3.5}, {"name": "02_b", "duration_seconds": 9}]}))
    assert manifest.previous_durations(tmp_path, 2023) == {"01_a": 3.5, "02_b": 9.0}
    (tmp_path / "2023").mkdir()
    (tmp_path / "2023" / "manifest.json").write_text("{broken")
    assert manifest.previous_durations(tmp_path, 2023) == {"01_a": 3.5, "02_b": 9.0}
    assert manifest.previous_durations(tmp_path / "nothing", 2023) == {}


def test_synthetic_input_is_known_from_the_data_not_the_name(tmp_path):
    frame = make_synthetic_scores(1, n_cuc=2, n_vu=1, years=(2023,))
    named = tmp_path / "synthetic_looking_name.csv"
    frame.to_csv(named, index=False)  # no flag in the file: the name alone says nothing
    assert manifest._input_is_synthetic(named) is False
    plain = tmp_path / "plain.csv"
    frame.assign(synthetic=True).to_csv(plain, index=False)  # the data says synthetic
    assert manifest._input_is_synthetic(plain) is True
    assert manifest._input_is_synthetic(None) is True  # the bundled workbook's own metadata
