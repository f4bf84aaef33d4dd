"""The command line: exit codes and one-line messages, and every README command.

Commands that need the statistical model are marked `model`.
"""

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from geoextract.cli import app

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_missing_path(tmp_path):
    result = invoke("extract", tmp_path / "missing", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: E001 input not found: {tmp_path / 'missing'} (check the path; inputs are .txt files, folders or .jsonl files)"
    assert "Traceback" not in result.output


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    result = invoke("extract", tmp_path / "empty", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: E002 no documents in {tmp_path / 'empty'}")


def test_output_dir_that_is_a_file(tmp_path):
    (tmp_path / "a.txt").write_text("Russia met China.")
    (tmp_path / "out").write_text("")
    result = invoke("extract", tmp_path / "a.txt", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "E009 output directory" in result.stderr and "it is a file" in result.stderr


def test_unreadable_file_alone(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("Russia met China.")
    _make_unreadable(path, monkeypatch)
    result = invoke("extract", path, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 2
    assert f"warning: W001 skipped {path}: permission denied" in result.stderr
    assert "error: E005 no documents to process" in result.stderr
    assert not (tmp_path / "out" / "relations.csv").exists()


def _make_unreadable(path: Path, monkeypatch) -> None:
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make reading fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_graph_command_errors(tmp_path):
    result = invoke("graph", tmp_path / "nope.csv", "--out", tmp_path / "g.graphml")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: E010 cannot read relation table")


def test_validate_bundled_rules():
    result = invoke("validate")
    assert result.exit_code == 0
    assert re.match(r"ok: \d+ actors, \d+ relation patterns", result.stdout)


def test_validate_reports_all_errors(tmp_path):
    bad = tmp_path / "rel.jsonl"
    bad.write_text('{"id": "a", "relation": "HUGS", "action_category": "ECONOMIC", "pattern": [{"RIGHT_ID": "x", "RIGHT_ATTRS": {}}]}\nnot json\n')
    result = invoke("validate", "--relations", bad)
    assert result.exit_code == 2
    assert "E008 invalid rule file" in result.stderr and "line 2: not valid JSON" in result.stderr


@pytest.mark.model
def test_extract_partial_failure_keeps_the_rest(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Russia backed North Korea at the United Nations.")
    locked = tmp_path / "in" / "locked.txt"
    locked.write_text("China met Japan.")
    _make_unreadable(locked, monkeypatch)
    result = invoke("extract", tmp_path / "in", "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 1
    assert "1 input(s) could not be read" in result.stderr
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["documents"] == 1
    assert run["skipped"][0]["reason"] == "permission denied"
    assert (tmp_path / "out" / "relations.csv").exists()


@pytest.mark.model
def test_readme_commands(tmp_path, monkeypatch):
    """Every command shown in the README runs and exits 0 (the CLI part of each line)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "note.txt").write_text("Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow.")
    commands = readme_commands()
    assert commands, "the README lists geoextract commands"
    for command in commands:
        args = command.split()[1:]
        stdin = None
        if "<" in args:  # "geoextract extract - ... < file": feed the file on stdin
            stdin = (ROOT / args[args.index("<") + 1]).read_text(encoding="utf-8")
            args = args[:args.index("<")]
        args = [str(ROOT / a) if a.startswith(("src/", "tests/", "pipeline/")) else a for a in args]
        result = invoke(*args, input=stdin)
        assert result.exit_code == 0, (command, result.output)


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.DOTALL)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            # Lines that need ../shared, or the names models trained from it, are left to
            # test_training.py, which trains tiny models and runs extract --model with them.
            if line.startswith("geoextract ") and "../shared" not in line and not re.search(r"models/geoextract-(trf|cnn)\b", line):
                commands.append(line.replace("\\", "").strip())
    return commands


def test_every_command_is_documented():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"geoextract {name}" in text, f"geoextract {name} is not in the README"


def test_evaluate_bad_gold_file(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "Russia met Cuba.", "entities": [[0, 99, "LOC"]]}\n{oops\n', encoding="utf-8")
    result = invoke("evaluate", gold)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: E014 invalid gold file {gold}: 2 error(s)")
    assert "Traceback" not in result.output
    missing = invoke("evaluate", tmp_path / "nope.jsonl")
    assert missing.exit_code == 2 and "E001" in missing.stderr


@pytest.mark.model
def test_evaluate_prints_scores_and_errors(tmp_path):
    gold = tmp_path / "gold.jsonl"
    text = "Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow."
    gold.write_text(json.dumps({"id": "g", "text": text, "relations": [
        {"head": "Xi Jinping", "relation": "CONSULT", "tail": "Vladimir Putin"},
        {"head": "Xi Jinping", "relation": "ACCUSE", "tail": "Vladimir Putin"}]}) + "\n", encoding="utf-8")
    result = invoke("evaluate", gold, "--show-errors", "--json", tmp_path / "scores" / "s.json")
    assert result.exit_code == 0, result.output
    assert "CONSULT" in result.stdout and "miss\tXi Jinping ACCUSE Vladimir Putin" in result.stdout
    scores = json.loads((tmp_path / "scores" / "s.json").read_text())
    assert scores["relations"]["CONSULT"]["tp"] == 1
    assert scores["relations"]["ACCUSE"]["fn"] == 1
