"""Reading inputs: .txt, folders, JSONL, stdin; errors and skips with their reasons."""

import io
import json

import pytest

from geoextract.documents import DocumentReader
from geoextract.errors import GeoextractError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_folder_and_jsonl_with_metadata(tmp_path):
    write(tmp_path / "a" / "one.txt", "Russia met China.")
    write(tmp_path / "a" / "b" / "two.jsonl", json.dumps(
        {"id": "x1", "text": "Japan met India.", "title": "T", "date": "2026-01-02", "source": "Wire", "url": "https://e.org"}) + "\n")
    write(tmp_path / "a" / "ignored.csv", "no")
    docs = list(DocumentReader([tmp_path / "a"]))
    assert [(d.id, d.text) for d in docs] == [("x1", "Japan met India."), ("one", "Russia met China.")]
    assert (docs[0].title, docs[0].date, docs[0].source, docs[0].url) == ("T", "2026-01-02", "Wire", "https://e.org")


def test_stdin_jsonl():
    stream = io.StringIO('{"id": "s1", "text": "Hello Moscow."}\n')
    assert [d.id for d in DocumentReader(["-"], stdin=stream)] == ["s1"]


def test_missing_path_is_an_error_before_anything_runs(tmp_path):
    with pytest.raises(GeoextractError, match=r"^E001 input not found: .*nope"):
        DocumentReader([tmp_path / "nope"])


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GeoextractError, match=r"^E002 no documents in .*empty"):
        DocumentReader([tmp_path / "empty"])


def test_unsupported_file_is_an_error(tmp_path):
    with pytest.raises(GeoextractError, match=r"^E004 unsupported input"):
        DocumentReader([write(tmp_path / "x.pdf", "%PDF")])


def test_bad_lines_and_files_are_skipped_with_reasons(tmp_path):
    write(tmp_path / "d.jsonl", '{"id": "ok", "text": "Fine."}\nnot json\n{"id": "no-text"}\n{"id": "ok", "text": "Again."}\n')
    write(tmp_path / "empty.txt", "  \n")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    reader = DocumentReader([tmp_path])
    docs = list(reader)
    assert [d.id for d in docs] == ["ok", "ok-2"]
    reasons = {(s.path.split("/")[-1], s.line, s.reason) for s in reader.skipped}
    assert ("d.jsonl", 2, "not valid JSON (Expecting value)") in reasons
    assert ("d.jsonl", 3, "no 'text' string") in reasons
    assert ("empty.txt", None, "empty file") in reasons
    assert ("bin.txt", None, "binary file, not text") in reasons
    assert any("duplicate id 'ok' renamed to 'ok-2'" in note for note in reader.notes)


def test_invalid_utf8_is_decoded_with_replacement_and_noted(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 in Moscow.".encode("latin-1"))
    reader = DocumentReader([tmp_path / "latin.txt"])
    [doc] = list(reader)
    assert doc.text == "Caf\ufffd in Moscow."
    assert "invalid UTF-8" in reader.notes[0]
