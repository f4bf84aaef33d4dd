"""The HTML report: built from hand-made output folders (no model), checked as text and in Chromium.

Browser tests are marked `browser`: they skip when Chromium is not on PATH, unless
GEOEXTRACT_REQUIRE_BROWSER=1 (CI), where a missing browser fails them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

from geoextract.cli import app
from geoextract.errors import GeoextractError
from geoextract.graph import build_graph, write_graphml
from geoextract.records import Mention, Relation
from geoextract.report import Highlight, _graph_section, highlight, render_report, write_report
from geoextract.table import TableWriter, load_relations

HOSTILE = '<script>alert(1)</script>'
SCRIPTS = 'Ünïcode / Кремль / 金正恩 & "quotes"'
DOCS = [
    {"id": "d1", "title": "Oil for Pyongyang", "date": "2026-01-05", "source": "Test Wire", "url": "https://example.org/d1",
     "text": "Russia sold oil to North Korea.\nKim Jong Un thanked Russia, and Moscow welcomed it."},
    {"id": "d2", "title": f"Odd names {HOSTILE}", "url": "javascript:alert(2)",
     "text": f"Acme <Corp> & \"Sons\" accused Russia of {HOSTILE} and wrote {SCRIPTS}."},
    {"id": "d3", "text": "China met Russia in Beijing."},
]
# (doc, source, source_id, source_type, relation, target, target_id, target_type, trigger word, confidence)
RELATIONS = [
    ("d1", "Russia", "russia", "state", "TRADE", "North Korea", "north-korea", "state", "sold", 0.8),
    ("d1", "Kim Jong Un", "kim-jong-un", "person", "SUPPORT", "Russia", "russia", "state", "thanked", 0.45),
    ("d2", 'Acme <Corp> & "Sons"', "x-acme", "company", "ACCUSE", "Russia", "russia", "state", "accused", 0.7),
    ("d3", "China", "china", "state", "CONSULT", "Russia", "russia", "state", "met", 0.75),
]
MENTIONS = [("d1", "Russia", "Russia", "russia", "state", "GPE"), ("d1", "North Korea", "North Korea", "north-korea", "state", "GPE"),
            ("d1", "Kim Jong Un", "Kim Jong Un", "kim-jong-un", "person", "PERSON"), ("d1", "Moscow", "Russia", "russia", "state", "GPE"),
            ("d2", 'Acme <Corp> & "Sons"', 'Acme <Corp> & "Sons"', "x-acme", "company", "ORG"),
            ("d2", "Russia", "Russia", "russia", "state", "GPE"), ("d3", "China", "China", "china", "state", "GPE"),
            ("d3", "Russia", "Russia", "russia", "state", "GPE"), ("d3", "Beijing", "China", "china", "state", "GPE")]


def make_outputs(out: Path, inputs: list[str] | None = None, docs: list[dict] = DOCS) -> Path:
    """An extract output folder written by geoextract's own writers from the rows above."""
    out.mkdir(parents=True, exist_ok=True)
    source = out.parent / "articles.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    texts = {d["id"]: d["text"] for d in docs}
    writer = TableWriter(out, "mentions")
    for doc_id, text, actor, actor_id, actor_type, label in MENTIONS:
        start = texts[doc_id].index(text)
        mention = Mention(doc_id=doc_id, sent_index=0, text=text, actor=actor, actor_id=actor_id, actor_type=actor_type,
                          label=label, resolution="name", start=start, end=start + len(text))
        writer.write({name: getattr(mention, name) for name in mention.__dataclass_fields__})
    writer.close()
    writer = TableWriter(out, "relations")
    for n, (doc_id, src, src_id, src_type, relation, tgt, tgt_id, tgt_type, trigger, confidence) in enumerate(RELATIONS):
        text = texts[doc_id]
        s, t, k = text.index(src), text.index(tgt, text.index(trigger)), text.index(trigger)
        writer.write(Relation(
            relation_id=f"{doc_id}:r{n}", doc_id=doc_id, sent_index=0, source=src, source_id=src_id, source_type=src_type,
            relation=relation, target=tgt, target_id=tgt_id, target_type=tgt_type, action=trigger, action_category="POLITICAL",
            quantity_text=None, quantity_value=None, quantity_unit=None, quantity_qualifier=None, polarity="affirmed",
            modality="asserted", attributed_to=None, time_text=None, confidence=confidence, confidence_basis=f"rule {confidence}",
            pattern_id="test", evidence=text.split("\n")[0], source_start=s, source_end=s + len(src), target_start=t,
            target_end=t + len(tgt), trigger_start=k, trigger_end=k + len(trigger),
            doc_title=next(d.get("title") for d in docs if d["id"] == doc_id),
            doc_url=next(d.get("url") for d in docs if d["id"] == doc_id)).as_row())
    writer.close()
    actors = pd.DataFrame([("russia", "Russia", "state", "GPE", "Russia; Moscow", 5, 3),
                           ("north-korea", "North Korea", "state", "GPE", "North Korea", 1, 1),
                           ("kim-jong-un", "Kim Jong Un", "person", "PERSON", "Kim Jong Un", 1, 1),
                           ("x-acme", 'Acme <Corp> & "Sons"', "company", "ORG", "Acme", 1, 1),
                           ("china", "China", "state", "GPE", "China; Beijing", 2, 1)],
                          columns=["actor_id", "name", "type", "label", "aliases", "mentions", "documents"])
    actors.to_csv(out / "actors.csv", index=False)
    write_graphml(build_graph(load_relations(out / "relations.csv"), actors), out / "graph.graphml")
    run = {"geoextract": "0.1.0", "spacy": "3.8.0",
           "settings": {"inputs": inputs if inputs is not None else [str(source)], "model": "en_core_web_sm",
                        "model_version": "en_core_web_sm-3.8.0", "min_confidence": 0.0},
           "counts": {"documents": len(docs), "relations": len(RELATIONS), "mentions": len(MENTIONS), "actors": 5},
           "skipped": [], "notes": []}
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return out


def strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r'<span class="label">.*?</span>|<[^>]+>', "", fragment))


# The page as text ---------------------------------------------------------------------------

def test_page_has_facts_graph_table_and_texts(tmp_path):
    page = render_report(make_outputs(tmp_path / "out"))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert re.search(r"<b>3</b>documents", page) and re.search(r"<b>4</b>relations", page)
    assert "en_core_web_sm-3.8.0" in page
    labels = re.findall(r"<text [^>]*>([^<]*)</text>", page)
    assert sorted(labels) == sorted(["Russia", "North Korea", "Kim Jong Un", "China", "Acme &lt;Corp&gt; &amp; &quot;Sons&quot;"])
    main = page.split('id="relation-table"')[1].split("</table>")[0]
    assert len(re.findall(r"<tr data-relation=", main)) == 4
    assert 'data-relation="TRADE" data-actors="russia | russia | north korea | north-korea" data-confidence="0.800"' in main
    assert '<a href="#doc-1">d1</a>' in main
    assert '<mark class="actor state" title="Russia (state, name)">Moscow<span class="label">GPE</span></mark>' in page
    assert '<mark class="trigger cooperation" title="TRADE: Russia → North Korea (sold)">sold<span class="label">TRADE</span></mark>' in page
    assert "The text of 3 of 3 documents, in input order." in page


def test_page_loads_nothing_from_outside(tmp_path):
    page = render_report(make_outputs(tmp_path / "out"))
    assert " src=" not in page and "<link" not in page and "@import" not in page
    assert re.findall(r"url\([^#]", page) == []  # only references inside the page (SVG arrow markers)
    assert re.findall(r'href="([^"#][^"]*)"', page) == ["https://example.org/d1"]  # a link, not a resource
    assert "javascript:" not in page and not re.search(r"\son[a-z]+=", page)


def test_text_from_data_is_escaped_and_intact(tmp_path):
    docs = [*DOCS[:2], {**DOCS[2], "title": "bell\x07 and\x1b escape"}]
    page = render_report(make_outputs(tmp_path / "out", docs=docs))
    assert HOSTILE not in page and "alert(1)</script>" not in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1  # only the page's own filter script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'Ünïcode / Кремль / 金正恩 &amp; &quot;quotes&quot;' in page
    assert "\x07" not in page and "\x1b" not in page and "bell and escape" in page
    article = page.split('<article id="doc-2">')[1].split("</article>")[0]
    text = article.split('<div class="text">')[1].split("</div>")[0]
    assert strip_tags(text) == DOCS[1]["text"]


def test_highlight_nests_crossing_spans_and_merges_equal_ones():
    text = "The Kremlin & co backed Pyongyang."
    spans = [Highlight(start=4, end=11, kind="actor state", label="GPE", title="Russia"),
             Highlight(start=0, end=11, kind="actor state", label="GPE", title="Russia"),
             Highlight(start=8, end=23, kind="trigger cooperation", label="SUPPORT", title="a <b>"),
             Highlight(start=17, end=23, kind="trigger cooperation", label="AID", title="x"),
             Highlight(start=17, end=23, kind="trigger cooperation", label="SUPPORT", title="y"),
             Highlight(start=30, end=99, kind="actor state", label="GPE", title="outside the text")]
    fragment = highlight(text, spans)
    assert strip_tags(fragment) == text
    assert fragment.count("<mark") == fragment.count("</mark>") == 5  # the crossing span is cut in two
    depth = 0
    for tag in re.findall(r"</?mark", fragment):
        depth += 1 if tag == "<mark" else -1
        assert depth >= 0
    assert 'title="a &lt;b&gt;"' in fragment
    assert "<span class=\"label\">AID SUPPORT</span>" in fragment  # one mark for equal spans
    assert fragment.count(">SUPPORT</span>") == 1  # a cut span is labelled once, at its end
    assert highlight("a & b", []) == "a &amp; b"


def test_missing_inputs_and_stdin_are_reported_and_tables_still_shown(tmp_path):
    out = make_outputs(tmp_path / "out", inputs=[str(tmp_path / "gone.jsonl"), "-"])
    page = render_report(out)
    assert f"Input {tmp_path / 'gone.jsonl'} is not available now" in page and "E001 input not found" in page
    assert "Input - (standard input) cannot be read again" in page
    assert page.count("The text of this document is not available") == 3
    article = page.split('<article id="doc-1">')[1].split("</article>")[0]
    assert "<td>sold</td>" in article and "Kim Jong Un" in article


def test_changed_input_is_not_shown_with_wrong_marks(tmp_path):
    out = make_outputs(tmp_path / "out")
    source = tmp_path / "articles.jsonl"
    changed = [{**d, "text": "Breaking: " + d["text"]} if d["id"] == "d3" else d for d in DOCS]
    source.write_text("".join(json.dumps(d) + "\n" for d in changed), encoding="utf-8")
    page = render_report(out)
    assert "Document d3 has changed since the run" in page
    assert page.split('<article id="doc-3">')[1].count("not available") == 1
    assert "Russia sold oil" in page.split('<article id="doc-1">')[1]


def test_max_documents(tmp_path):
    page = render_report(make_outputs(tmp_path / "out"), max_documents=1)
    assert "The text of 1 of 3 documents, in input order; 2 not shown (raise --max-documents)." in page
    assert '<article id="doc-1">' in page and '<article id="doc-2">' not in page
    assert ">d3</td>" in page  # still listed and in the relation table


def test_write_is_deterministic_and_atomic(tmp_path):
    out = make_outputs(tmp_path / "out")
    path = write_report(out)
    assert path == out / "report.html"
    first = path.read_bytes()
    assert write_report(out, tmp_path / "copy" / "r.html").read_bytes() == first
    assert not list(out.glob(".*.tmp"))
    assert "金正恩".encode("utf-8") in first


def test_optional_tables_are_shown_when_present(tmp_path):
    out = make_outputs(tmp_path / "out")
    actors = pd.read_csv(out / "actors.csv").assign(country=["RUS", "PRK", "PRK", "", "CHN"])
    actors.to_csv(out / "actors.csv", index=False)
    documents = pd.DataFrame({"doc_id": ["d3", "d1", "d2"], "title": ["Third", "First", "Second"], "story_id": ["s2", "s1", "s1"],
                              "relations": [1, 2, 1]})
    for column in ("date", "source", "url", "path", "chars", "words", "parts", "sentences", "mentions", "quantities"):
        documents[column] = 1 if column in ("chars", "words", "parts", "sentences", "mentions", "quantities") else ""
    documents.to_csv(out / "documents.csv", index=False)
    pd.DataFrame({"story_id": ["s1", "s2"], "headline": ["Oil <deal>", "Talks"]}).to_csv(out / "stories.csv", index=False)
    load_relations(out / "relations.csv").to_parquet(out / "relations.parquet")
    (out / "relations.csv").unlink()
    page = render_report(out)
    assert "<th>country</th>" in page and "<td>PRK</td>" in page
    assert '<section id="stories">' in page and "Oil &lt;deal&gt;" in page and '<section id="claims">' not in page
    assert page.index('<article id="doc-1"><h3>d3 — Third') < page.index('<article id="doc-2"><h3>d1 — First')
    assert "s1" in page.split('<article id="doc-2">')[1].split('class="meta">')[1].split("</p>")[0]


def big_graph(n: int = 80) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(f"a{i}", label=f"Actor {i}", type="state", mentions=200 - i)
        if i:
            graph.add_edge(f"a{i}", "a0", key="TRADE", relation="TRADE", weight=i % 5 + 1)
            graph.add_edge(f"a{i}", f"a{i // 3}", key="THREATEN", relation="THREATEN", weight=i % 3 + 1)
            graph.add_edge(f"a{i // 3}", f"a{i}", key="AID", relation="AID", weight=i % 7 + 1)
            graph.add_edge(f"a{i // 3}", f"a{i}", key="ACCUSE", relation="ACCUSE", weight=i % 11 + 1)
    return graph


def test_big_graph_keeps_the_most_mentioned_actors():
    section = _graph_section(big_graph())
    assert section.count('<g class="node">') == 60
    assert "Showing the 60 most mentioned of 80 actors and the 236 of 316 edges between them." in section
    assert ">Actor 59</text>" in section and ">Actor 60</text>" not in section


def test_actors_without_relations_wait_in_rows_under_the_network():
    graph = nx.MultiDiGraph()
    graph.add_edge("russia", "north-korea", key="TRADE", relation="TRADE", weight=2)
    names = {"russia": "Russia", "north-korea": "North Korea", "vladimir-putin": "Vladimir Putin",
             "unga": "United Nations General Assembly of the Member States"}
    for node, name in names.items():
        graph.add_node(node, label=name, mentions=len(name))
    section = _graph_section(graph)
    assert 'viewBox="0 0 1000 640"' in section  # 560 for the network, one row of 46 and its caption
    assert '<text class="caption" x="20" y="574">Mentioned, no relation drawn</text>' in section
    row = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)</title>', section)
    alone = [(float(x), float(y)) for x, y, title in row if title.startswith(("Vladimir", "United"))]
    assert [y for _, y in alone] == [600.0, 600.0]  # under the network (y < 560), in one row
    assert all(float(y) < 560 for x, y, title in row if title.startswith(("Russia", "North")))
    assert ">United Nations General Ass…</text>" in section  # cut to fit its slot; the tooltip has it all
    assert "<title>United Nations General Assembly of the Member States (actor): 52 mentions</title>" in section
    only_alone = nx.MultiDiGraph()
    only_alone.add_node("vladimir-putin", label="Vladimir Putin", mentions=3)
    assert ">Vladimir Putin</text>" in _graph_section(only_alone)


def test_same_outputs_give_the_same_page_in_every_process(tmp_path):
    """Set order changes from process to process (hash seeds); the layout must not follow it."""
    out = make_outputs(tmp_path / "out")
    write_graphml(big_graph(150), out / "graph.graphml")  # views of under half a graph list nodes in set order
    code = "import sys; from geoextract.report import render_report; sys.stdout.write(render_report(sys.argv[1]))"
    pages = {subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, check=True, encoding="utf-8",
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert pages == {render_report(out)}


def test_tables_of_other_versions_are_shown_or_noted(tmp_path):
    out = make_outputs(tmp_path / "out")
    pd.read_csv(out / "actors.csv").drop(columns=["aliases"]).to_csv(out / "actors.csv", index=False)
    pd.read_csv(out / "mentions.csv").drop(columns=["resolution"]).to_csv(out / "mentions.csv", index=False)
    page = render_report(out)
    assert '<section id="actors">' in page and "<th>aliases</th>" not in page
    assert "mentions.csv not shown: it lacks the column(s) resolution" in page
    assert "<mark class=\"actor" not in page and '<mark class="trigger cooperation"' in page


@pytest.mark.parametrize("make, code", [
    (lambda p: p / "missing", "E024"),
    (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "E024"),
    (lambda p: p, "E025"),
    (lambda p: (make_outputs(p / "out"), (p / "out" / "run.json").write_text("{oops"))[0], "E026"),
])
def test_errors(tmp_path, make, code):
    out = make(tmp_path)
    with pytest.raises(GeoextractError) as error:
        render_report(out)
    assert error.value.code == code and "\n" not in str(error.value)
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {code} ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_unwritable_report_path(tmp_path):
    out = make_outputs(tmp_path / "out")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("")
    with pytest.raises(GeoextractError, match=r"^E027 cannot write report .*taken: .* \(choose another --out\)$"):
        write_report(out, tmp_path / "taken")
    result = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "taken"), "--max-documents", "2"])
    assert result.exit_code == 2 and "E027" in result.stderr
    result = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0 and (tmp_path / "r.html").exists()
    assert result.stderr == f"report written to {tmp_path / 'r.html'}\n"


@pytest.mark.model
def test_report_of_a_real_run_shows_every_text(tmp_path):
    from geoextract.extraction import extract

    summary = extract(None, tmp_path / "out")
    page = render_report(tmp_path / "out")
    assert f"The text of {summary.documents} of {summary.documents} documents" in page
    assert "not available" not in page and "has changed" not in page
    mentions = pd.read_csv(tmp_path / "out" / "mentions.csv")
    assert page.count('<mark class="actor') >= len(mentions)


# In a browser ---------------------------------------------------------------------------------

def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    reason = "Chromium is not on PATH (install it, e.g. apt-get install chromium)"
    if os.environ.get("GEOEXTRACT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; GEOEXTRACT_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def png_top(path: Path, rows: int) -> tuple[int, int, set[tuple[int, ...]]]:
    """Width, height and the distinct colours of the first `rows` rows of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour_type in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompressobj().decompress(idat, rows * (stride + 1))  # rows only depend on rows above
    prev, colours = bytearray(stride), set()
    for y in range(min(rows, height)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x:x + bpp]) for x in range(0, stride, bpp * 4))
        prev = line
    return width, height, colours


@pytest.mark.browser
def test_report_in_headless_chromium(tmp_path):
    path = write_report(make_outputs(tmp_path / "out"))
    url = path.resolve().as_uri()
    shot = tmp_path / "shot.png"
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", url)
    width, height, colours = png_top(shot, 500)
    assert (width, height) == (1280, 2000)
    assert len(colours) > 50, "the top of the screenshot is nearly blank"

    dom = run_chromium(tmp_path, "--dump-dom", url).stdout
    assert re.search(r'<output id="row-count">4 of 4 relations shown</output>', dom)  # the filter script ran
    svg = dom.split("<svg")[1].split("</svg>")[0]
    assert sorted(re.findall(r"<text [^>]*>([^<]*)</text>", svg)) == sorted(
        ["Russia", "North Korea", "Kim Jong Un", "China", "Acme &lt;Corp&gt; &amp; \"Sons\""])
    article = dom.split('<article id="doc-2">')[1].split("</article>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article and "<script>alert" not in dom
    assert 'Ünïcode / Кремль / 金正恩 &amp; "quotes"' in article

    filtered = run_chromium(tmp_path, "--dump-dom", url + "?relation=CONSULT&min=0.5").stdout
    assert '<output id="row-count">1 of 4 relations shown</output>' in filtered
    assert len(re.findall(r'<tr data-relation="[A-Z]+" [^>]*hidden', filtered)) == 3
