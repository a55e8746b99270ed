"""The Parameters view: edits become per-run params; only Save writes to conf/local."""

from __future__ import annotations

from pathlib import Path

import yaml

from kedro_ipy.ipython.panel.params import ParametersEditor, diff_params, save_to_conf

PARAMS = {"model": {"alpha": 0.5, "features": ["a", "b"]}, "horizon": 7}


def test_a_changed_value_becomes_a_nested_per_run_override():
    edits = diff_params(PARAMS, "model:\n  alpha: 0.1\n  features: [a, b]\nhorizon: 7\n")
    assert edits.error is None
    assert edits.changes == {"model.alpha": (0.5, 0.1)}
    assert edits.overrides == {"model": {"alpha": 0.1}}


def test_types_count_and_new_keys_are_changes():
    edits = diff_params(PARAMS, "model: {alpha: 0.5, features: [a, b]}\nhorizon: '7'\nnew: 1\n")
    assert edits.changes == {"horizon": (7, "7"), "new": (None, 1)}


def test_bad_text_is_an_error_that_says_where_and_changes_nothing():
    edits = diff_params(PARAMS, "model:\n  alpha: [0.1\n")
    assert edits.error.startswith("Not valid YAML (line 3, column 1)")
    assert edits.overrides == {}
    assert "mapping" in diff_params(PARAMS, "- 1\n- 2\n").error
    removed = diff_params(PARAMS, "model: {alpha: 0.5, features: [a, b]}\n").error
    assert removed == "Parameters cannot be removed for one run: horizon. Set a value instead."


def test_save_updates_the_file_that_owns_a_key_and_keeps_the_rest(tmp_path: Path):
    local = tmp_path / "conf" / "local"
    local.mkdir(parents=True)
    (local / "parameters_model.yml").write_text("model:\n  alpha: 0.9\n  depth: 3\n")
    written = save_to_conf(local, {"model": {"alpha": 0.1}, "horizon": 14})
    assert sorted(p.name for p in written) == ["parameters.yml", "parameters_model.yml"]
    assert yaml.safe_load((local / "parameters_model.yml").read_text()) == {
        "model": {"alpha": 0.1, "depth": 3}}
    assert yaml.safe_load((local / "parameters.yml").read_text()) == {"horizon": 14}
    assert not list(local.glob(".*tmp"))


def test_the_editor_reports_edits_and_writes_only_on_save(tmp_path: Path):
    local = tmp_path / "conf" / "local"
    seen = []
    params = {"value": dict(PARAMS)}
    editor = ParametersEditor(lambda: params["value"], lambda: local, seen.append)
    assert yaml.safe_load(editor.text.value) == PARAMS
    editor.text.value = editor.text.value.replace("alpha: 0.5", "alpha: 0.25")
    assert seen[-1].overrides == {"model": {"alpha": 0.25}}
    assert "model.alpha" in editor.changes.value and "0.25" in editor.changes.value
    assert not local.exists()  # editing never writes

    editor.text.value = "model: [\n"
    assert 'role="alert"' in editor.changes.value and seen[-1].error

    editor.reset_button.click()
    assert seen[-1].overrides == {} and "no changes" in editor.changes.value

    editor.text.value = editor.text.value.replace("horizon: 7", "horizon: 9")
    params["value"] = {**PARAMS, "horizon": 9}  # what the config loader reads after the save
    editor.save_button.click()
    assert yaml.safe_load((local / "parameters.yml").read_text()) == {"horizon": 9}
    assert "saved to parameters.yml" in editor.saved.value
    assert seen[-1].overrides == {}  # saved values are now the configured ones
