"""Dirty input never crashes the reader and never loses a document.

The matrix puts one bad input beside a good article and checks the bad one is read or skipped
with a clear reason while the good one still comes through. The property tests throw random
text, bytes and JSONL lines at the reader.
"""

import codecs
import gzip
import io
import json
import os
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoextract.documents import DocumentReader, processing_text
from geoextract.errors import GeoextractError
from geoextract.records import Document

GOOD = "Russia and China signed a trade agreement on Monday, officials said."
FRENCH = ("Le ministre a rencontré mardi son homologue allemand pour discuter de la crise dans la région, et les "
          "deux pays ont convenu de renforcer leur coopération selon un communiqué publié par le gouvernement.")
RUSSIAN = ("Министр иностранных дел во вторник встретился в Москве со своим немецким коллегой, чтобы обсудить "
           "кризис в регионе, и обе страны договорились укрепить сотрудничество.")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", GOOD)
    return buffer.getvalue()


SKIP, DOC = "skip", "doc"
# name: (file name, content, outcome, reason or text, error flag or note)
MATRIX = {
    "empty": ("a.txt", b"", SKIP, "empty file", False),
    "whitespace only": ("a.txt", b" \r\n\t\n  ", SKIP, "whitespace only, no text", False),
    "png renamed .txt": ("a.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, SKIP, "binary file (PNG image), not text", True),
    "zip renamed .txt": ("a.txt", _zip(), SKIP, "binary file (zip archive), not text", True),
    "gzip renamed .txt": ("a.txt", gzip.compress(GOOD.encode()), SKIP, "binary file (gzip archive), not text", True),
    "pdf renamed .txt": ("a.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", SKIP, "binary file (PDF document), not text", True),
    "NUL after 8 KB": ("a.txt", GOOD.encode() * 150 + b"\x00\x00", SKIP, "binary file (NUL bytes), not text", True),
    "control characters": ("a.txt", b"\x01\x02\x03\x04 data \x05\x06\x07\x08\x0e\x0f" * 50, SKIP,
                           "binary file (62% control characters), not text", True),
    "zip renamed .jsonl": ("a.jsonl", _zip(), SKIP, "binary file (zip archive), not text", True),
    "cp1252": ("a.txt", "Caf\xe9 \u201ctalks\u201d in Moscow \u2013 day two.".encode("cp1252"), DOC,
               "Caf\xe9 \u201ctalks\u201d in Moscow \u2013 day two.", "not UTF-8, decoded as cp1252"),
    "fits no encoding": ("a.txt", b"Talks in Oslo \x81\x8d ended.", DOC, "Talks in Oslo \ufffd\ufffd ended.",
                         "decoded as UTF-8 with undecodable bytes replaced by U+FFFD"),
    "damaged UTF-8": ("a.txt", "Caf\xe9 Zur\xfcrich na\xefve \u2014 ".encode() + b"\xe9 ok", DOC,
                      "Caf\xe9 Zur\xfcrich na\xefve \u2014 \ufffd ok", "replaced by U+FFFD"),
    "UTF-8 BOM": ("a.txt", codecs.BOM_UTF8 + GOOD.encode(), DOC, GOOD, None),
    "UTF-16": ("a.txt", GOOD.encode("utf-16"), DOC, GOOD, "decoded as UTF-16"),
    "Windows and old Mac line ends": ("a.txt", b"Line one.\r\nLine two.\rLine three.\r\n", DOC,
                                      "Line one.\nLine two.\nLine three.\n", None),
    "HTML page": ("a.htm", b"<html><head><title>T</title><script>x()</script></head><body><p>Oslo &amp; Rome"
                           b"</p></body></html>", DOC, "Oslo & Rome", "converted from HTML"),
    "HTML without text": ("a.html", b"<html><script>var a = 1;</script></html>", SKIP, "no text in the HTML", False),
    "French": ("a.txt", FRENCH.encode(), SKIP, "not English: 3% English function words", False),
    "Russian": ("a.txt", RUSSIAN.encode(), SKIP, "mostly non-Latin script (0% Latin letters)", False),
}


@pytest.mark.parametrize("case", MATRIX)
def test_bad_input_matrix(tmp_path, case):
    name, content, outcome, expected, extra = MATRIX[case]
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    reader = DocumentReader([tmp_path])
    docs = {d.id: d for d in reader}
    assert docs["good"].text == GOOD  # the rest of the batch is read
    bad = str(tmp_path / name)
    if outcome == SKIP:
        assert "a" not in docs
        assert [(s.path, s.reason, s.error) for s in reader.skipped] == [(bad, expected, extra)]
    else:
        assert docs["a"].text == expected and not reader.skipped
        notes = [n for n in reader.notes if n.split(" ", 2)[1] == bad + ":"]
        assert (extra is None and notes == []) or (len(notes) == 1 and extra in notes[0]), reader.notes


def test_jsonl_lines_are_read_or_skipped_with_their_numbers(tmp_path):
    huge = "Russia and China met again. " * 200_000  # a 5.6 MB line
    lines = [json.dumps({"id": 12, "text": GOOD}), "{broken", json.dumps([1, 2]), json.dumps({"id": "x", "text": 5}),
             "", json.dumps({"id": "big", "text": huge}), json.dumps({"id": 12, "text": "Japan met India again."}),
             json.dumps({"text": "   "}), "[" * 100_000]
    path = tmp_path / "d.jsonl"
    path.write_bytes("\n".join(lines).encode() + b"\n" + json.dumps({"text": "Caf\xe9 talks in Oslo."}, ensure_ascii=False).encode("cp1252"))
    reader = DocumentReader([path])
    docs = list(reader)
    assert [(d.id, d.line, len(d.text)) for d in docs] == [("12", 1, len(GOOD)), ("big", 6, len(huge)),
                                                          ("12-2", 7, 22), ("d-10", 10, 19)]
    assert docs[-1].text == "Caf\xe9 talks in Oslo."
    assert [(s.line, s.reason, s.error) for s in reader.skipped] == [
        (2, "not valid JSON (Expecting property name enclosed in double quotes)", True), (3, "not a JSON object", True),
        (4, "no 'text' string", True), (8, "empty 'text'", False), (9, "not valid JSON (nested too deeply)", True)]
    assert reader.skipped[0].message() == (f"W002 {path} line 2: not valid JSON (Expecting property name enclosed in "
                                           "double quotes); line skipped")
    assert reader.notes == [f"W003 {path}: duplicate id '12' renamed to '12-2'",
                            f"W006 {path}: 1 line(s) not UTF-8 (first: line 10), decoded as cp1252 (save the file as UTF-8 to be sure)"]


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path):
    """JSON can escape half a character ("\\ud800"); UTF-8 cannot hold it, so CSV, Parquet and XML writers would fail."""
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a\\udc80", "title": "T \\ud800", "source": ["S \\udfff"], "text": "Oslo \\ud83c talks."}\n'
                    '{"id": "b", "text": "Pair \\ud83c\\udf0d kept."}\n', encoding="utf-8")
    reader = DocumentReader([path])
    assert [(d.id, d.title, d.source, d.text) for d in reader] == [
        ("a\ufffd", "T \ufffd", '["S \ufffd"]', "Oslo \ufffd talks."), ("b", None, None, "Pair \U0001f30d kept.")]
    assert reader.notes == [f"W009 {path}: 1 line(s) with lone surrogate escapes such as \\ud800 (first: line 1), "
                            "each replaced by U+FFFD (the writer split a character; fix the source to keep it)"]


def test_stdin_bytes_with_bad_encoding_and_a_broken_text_stream():
    stream = io.BytesIO(b'{"id": "a", "text": "Caf\xe9 talks."}\n{"id": "b", "text": "Oslo."}\n')
    assert [d.text for d in DocumentReader(["-"], stdin=stream)] == ["Caf\xe9 talks.", "Oslo."]
    good = b"".join(b'{"id": "%d", "text": "Oslo."}\n' % n for n in range(1000))  # more than a decoder chunk
    broken = io.TextIOWrapper(io.BytesIO(good + b"\xff\xfe\xfa\n"), encoding="utf-8")
    reader = DocumentReader(["-"], stdin=broken)
    docs = list(reader)
    [skip] = reader.skipped
    assert len(docs) > 100 and skip.line == len(docs) + 1
    assert skip.reason == "not UTF-8 text (invalid start byte); the rest of the input was not read"


def test_utf16_jsonl_is_read(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_bytes((json.dumps({"id": "a", "text": GOOD}) + "\n" + json.dumps({"id": "b", "text": GOOD}) + "\n").encode("utf-16"))
    reader = DocumentReader([path])
    assert [d.id for d in reader] == ["a", "b"] and "decoded as UTF-16" in reader.notes[0]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_files_are_skipped(tmp_path):
    for name in ("locked.txt", "locked.jsonl"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
        (tmp_path / name).chmod(0)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    try:
        reader = DocumentReader([tmp_path])
        assert [d.id for d in reader] == ["good"]
    finally:
        for name in ("locked.txt", "locked.jsonl"):
            (tmp_path / name).chmod(0o644)
    assert {(Path(s.path).name, s.reason) for s in reader.skipped} == {
        (name, "permission denied") for name in ("locked.txt", "locked.jsonl")}


def test_read_errors_are_skipped_even_as_root(tmp_path, monkeypatch):
    (tmp_path / "locked.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    read_bytes = Path.read_bytes

    def deny(path):
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", deny)
    reader = DocumentReader([tmp_path])
    assert [d.id for d in reader] == ["good"]
    assert [s.message() for s in reader.skipped] == [
        f"W001 skipped {tmp_path / 'locked.txt'}: permission denied"]


def test_a_folder_of_unsupported_files_is_an_error(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.docx").write_bytes(_zip())
    with pytest.raises(GeoextractError, match=r"^E002 no documents in .*: the folder has no .txt, .html/.htm or .jsonl"):
        DocumentReader([tmp_path])


MB = 1_000_000


def test_a_20_mb_document_is_read_whole_in_bounded_memory(tmp_path):
    paragraph = "Russia sold oil to North Korea worth $3 million, officials said on Monday.\r\n\r\n"
    path = tmp_path / "big.txt"
    path.write_bytes(paragraph.encode() * (20 * MB // len(paragraph) + 1))
    expected = len(paragraph.replace("\r\n", "\n")) * (20 * MB // len(paragraph) + 1)
    tracemalloc.start()
    try:
        [doc] = DocumentReader([path])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(doc.text) == expected and "\r" not in doc.text
    assert peak < 3 * 20 * MB  # the file's bytes and its text, not more copies


def test_documents_are_read_one_at_a_time(tmp_path):
    text = "Russia met China in Beijing on Monday to talk about trade.\n" * (MB // 60)
    for n in range(10):
        (tmp_path / f"{n}.txt").write_text(text, encoding="utf-8")
    with (tmp_path / "d.jsonl").open("w", encoding="utf-8") as stream:
        for n in range(10):
            stream.write(json.dumps({"id": f"j{n}", "text": text}) + "\n")
    tracemalloc.start()
    try:
        lengths = [len(doc.text) for doc in DocumentReader([tmp_path])]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lengths == [len(text)] * 20
    # a line's bytes, its text and parsed JSON, and the document the caller holds; the corpus is 20 MB
    assert peak < 8 * MB


# Property tests: whatever arrives, the reader does not raise, and every input document is
# yielded or recorded in `skipped` with a reason (the invariant: no document lost silently).
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
JSON_VALUE = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
RECORD = st.fixed_dictionaries({}, optional={"id": JSON_VALUE, "text": TEXT | JSON_VALUE, "title": JSON_VALUE,
                                             "date": JSON_VALUE, "url": st.lists(TEXT, max_size=2)})
# JSON may escape half of a character (a lone surrogate such as \ud800), which no UTF-8 file can hold.
HALF_CHARACTER = st.sampled_from(["\\ud800", "\\udfff", "\\udc80x", "\\ud83c"])
JSONL_LINE = st.one_of(RECORD.map(lambda r: json.dumps(r, ensure_ascii=False)),
                       st.tuples(RECORD, HALF_CHARACTER).map(lambda t: json.dumps(t[0]).replace('": "', '": "' + t[1])),
                       st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=80))


def _check_nothing_lost(reader: DocumentReader, files: dict[str, list[str] | None]) -> None:
    """Every file (or non-blank JSONL line) is yielded as a document or skipped with a reason."""
    docs = list(reader)
    assert len({d.id for d in docs}) == len(docs)
    for d in docs:  # every field can be written as UTF-8 (CSV, Parquet, XML, HTML)
        assert all(value is None or value.encode("utf-8") for value in (d.id, d.text, d.title, d.date, d.source, d.url))
    seen = {(d.path, d.line) for d in docs}
    skipped = {(s.path, s.line) for s in reader.skipped if s.reason}
    assert not seen & skipped
    for path, lines in files.items():
        if lines is None:
            assert ((path, None) in seen) != ((path, None) in skipped), path
        elif (path, None) not in skipped:  # a whole JSONL file can be skipped (binary)
            expected = {(path, n) for n, line in enumerate(lines, start=1) if line.strip()}
            assert {key for key in seen | skipped if key[0] == path} == expected


@PROPERTY
@given(texts=st.lists(TEXT, max_size=3), blobs=st.lists(st.binary(max_size=400), max_size=3),
       pages=st.lists(TEXT.map(lambda t: f"<p>{t}</p>"), max_size=2), jsonl=st.lists(JSONL_LINE, max_size=8))
def test_random_files_never_raise_and_nothing_is_lost(texts, blobs, pages, jsonl):
    with tempfile.TemporaryDirectory() as folder:
        files: dict[str, list[str] | None] = {}
        for kind, items in (("t", texts), ("p", pages)):
            for n, text in enumerate(items):
                path = Path(folder, f"{kind}{n}.{'html' if kind == 'p' else 'txt'}")
                path.write_text(text, encoding="utf-8", newline="")
                files[str(path)] = None
        for n, blob in enumerate(blobs):
            Path(folder, f"b{n}.txt").write_bytes(blob)
            files[str(Path(folder, f"b{n}.txt"))] = None
        Path(folder, "d.jsonl").write_text("\n".join(jsonl), encoding="utf-8", newline="")
        files[str(Path(folder, "d.jsonl"))] = jsonl
        _check_nothing_lost(DocumentReader([folder]), files)


@PROPERTY
@given(lines=st.lists(JSONL_LINE, max_size=10))
def test_random_jsonl_on_stdin_never_raises_and_nothing_is_lost(lines):
    reader = DocumentReader(["-"], stdin=io.StringIO("\n".join(lines)))
    _check_nothing_lost(reader, {"<stdin>": lines})


@PROPERTY
@given(text=st.lists(st.sampled_from(list("ab \n\r\t") + ["Advertisement", "Share", "Read more: x", "\u00a9 2020 Co"]),
                    max_size=30).map("".join))
def test_processing_text_only_blanks_whole_lines(text):
    masked = processing_text(Document(id="d", text=text))
    assert len(masked) == len(text)
    for original, line in zip(text.split("\n"), masked.split("\n")):
        assert line == original or (line.strip() == "" and len(line) == len(original))


@pytest.fixture(scope="module")
def loaded_pipeline():
    from geoextract.pipeline import default_model
    from geoextract.processing import PipelineSpec

    return PipelineSpec(default_model()).load()


@pytest.mark.model
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, max_size=2), blobs=st.lists(st.binary(max_size=200), max_size=2),
       jsonl=st.lists(JSONL_LINE, max_size=5))
def test_random_inputs_through_a_whole_run(loaded_pipeline, monkeypatch, texts, blobs, jsonl):
    """The whole of `extract` (reader, spaCy, rules, every writer, graph, report) on random input:
    no exception but E005 (nothing readable), and every document the reader yields is in the outputs."""
    from geoextract.extraction import extract
    from geoextract.graph import read_gexf, read_graph
    from geoextract.processing import PipelineSpec
    from geoextract.report import write_report
    from geoextract.table import load_relations, load_table

    monkeypatch.setattr(PipelineSpec, "load", lambda self: loaded_pipeline)  # the model once, not per example
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        for n, text in enumerate(texts):
            Path(inputs, f"t{n}.txt").write_text(text, encoding="utf-8", newline="")
        for n, blob in enumerate(blobs):
            Path(inputs, f"b{n}.txt").write_bytes(blob)
        Path(inputs, "d.jsonl").write_text("\n".join(jsonl), encoding="utf-8", newline="")
        expected = {d.id: d.text for d in DocumentReader([inputs])}
        out = Path(folder, "out")
        try:
            summary = extract([inputs], out, formats=("csv", "parquet"))
        except GeoextractError as error:
            assert error.code == "E005" and not expected
            return
        documents = load_table(out / "documents.csv", "documents")
        assert dict(zip(documents["doc_id"], documents["chars"])) == {i: len(t) for i, t in expected.items()}
        assert summary.documents == len(expected)
        mentions = load_table(out / "mentions.parquet", "mentions")
        assert all(expected[m.doc_id][m.start:m.end] == m.text for m in mentions.itertuples())
        relations = load_relations(out / "relations.csv")
        assert relations.equals(load_relations(out / "relations.parquet")) or len(relations) == 0
        read_graph(out / "graph.graphml"), read_gexf(out / "graph.gexf")
        assert write_report(out).stat().st_size > 0


@pytest.mark.model
def test_the_whole_matrix_through_the_command_line(tmp_path):
    """Every bad input of the matrix in one folder with good ones: one line on stderr each, no
    traceback, the rest processed, exit 1 (damaged inputs), and run.json says what happened."""
    from typer.testing import CliRunner

    from geoextract.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    names = {}
    for n, (case, (name, content, *_)) in enumerate(MATRIX.items()):
        names[case] = folder / f"{n:02d}{Path(name).suffix}"
        names[case].write_bytes(content)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "lines.jsonl").write_text("\n".join([json.dumps({"id": "good", "text": GOOD}), "{broken", "[1]",
                                                   json.dumps({"id": "x"}), json.dumps({"text": "  "})]) + "\n")
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert all(line.startswith(("warning: W001 ", "warning: W002 ", "error: ")) for line in lines), lines
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    skipped = {(Path(s["path"]).name, s["line"]): s["reason"] for s in run["skipped"]}
    for case, (_, _, outcome, expected, _) in MATRIX.items():
        if outcome == SKIP:
            assert skipped.pop((names[case].name, None)) == expected, case
    assert skipped == {("lines.jsonl", 2): "not valid JSON (Expecting property name enclosed in double quotes)",
                       ("lines.jsonl", 3): "not a JSON object", ("lines.jsonl", 4): "no 'text' string",
                       ("lines.jsonl", 5): "empty 'text'"}
    assert len(lines) == len(run["skipped"]) + 1  # one line per skip, and the closing error line
    notes = " ".join(run["notes"])
    for case in ("cp1252", "fits no encoding", "damaged UTF-8", "UTF-16", "HTML page"):
        assert names[case].name in notes, case  # what was decoded or converted is said in run.json
    assert "duplicate id 'good' renamed to 'good-2'" in notes
    documents = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert len(documents) == 2 + sum(outcome == DOC for _, _, outcome, _, _ in MATRIX.values())


@pytest.mark.parametrize("make_out, reason", [
    (lambda tmp: tmp / "taken.txt", "it is a file"),
    (lambda tmp: tmp / "taken.txt" / "out", "not a directory"),
    (lambda tmp: tmp / "locked" / "out", "permission denied"),
    (lambda tmp: tmp / "readonly", "it is not writable"),
])
def test_an_unusable_out_stops_before_anything_runs(tmp_path, monkeypatch, make_out, reason):
    from typer.testing import CliRunner

    from geoextract.cli import app

    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "taken.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "readonly").mkdir()
    real_mkdir, real_access = Path.mkdir, os.access

    def mkdir(self, *args, **kwargs):  # as a user without rights on "locked" (root may write anywhere)
        if self.parent.name == "locked":
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr(os, "access", lambda path, mode: real_access(path, mode) and not (
        mode & os.W_OK and Path(path).name == "readonly"))
    out = make_out(tmp_path)
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "good.txt"), "--out", str(out), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr == f"error: E009 output directory {out} is not usable: {reason} (choose another --out)\n"
    assert (tmp_path / "taken.txt").read_text(encoding="utf-8") == "mine"
