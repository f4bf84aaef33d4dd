"""The report: one self-contained HTML page over a run's outputs, readable offline.

`write_report` reads an `extract` output folder (tables, graph.graphml, run.json) and writes a
single HTML file with inline CSS, JS and SVG: the run's facts, a drawing of the actor graph,
the relation table with filters, and each document's text with actor mentions and relation
triggers marked. The texts are not in the output folder; they are read again from the inputs
run.json lists. Everything taken from data is escaped, and the same outputs always give the
same bytes.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from heapq import heapify, heappop, heappush
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .documents import STDIN, DocumentReader
from .errors import Errors, GeoextractError
from .graph import build_graph, read_graph
from .records import RelationType
from .table import FORMATS, SCHEMAS, load_relations, load_table

MAX_DOCUMENTS = 50
MAX_NODES = 60  # a drawing with more labelled nodes is unreadable
MAX_EXTRA_ROWS = 500  # rows shown of the optional tables (actors, stories, claims)
TYPE_COLOURS = {"state": "#4263eb", "igo": "#1098ad", "person": "#e67700", "media": "#ae3ec9",
                "company": "#2b8a3e", "group": "#c2255c", "org": "#5c940d", "location": "#868e96"}
OTHER_COLOUR = "#adb5bd"
# Relation families after PLOVER's quad classes, so the drawing needs five colours, not nineteen.
FAMILIES = {
    "cooperation": ("#2f9e44", ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "TRADE", "RETREAT")),
    "verbal conflict": ("#e8590c", ("REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST")),
    "material conflict": ("#c92a2a", ("SANCTION", "MOBILIZE", "COERCE", "ASSAULT")),
    "affiliation": ("#868e96", ("AFFILIATION",)),
    "statement": ("#1c7ed6", ("STATEMENT",)),
}
FAMILY_OF = {relation: family for family, (_, members) in FAMILIES.items() for relation in members}
_NEEDED = {"mentions": ("doc_id", "text", "actor", "actor_type", "label", "resolution", "start", "end"),
           "actors": ("actor_id",), "documents": ("doc_id",)}  # the columns the page uses
_CENTRE = ("centre",)  # a layout-only node; actor ids are strings, so it cannot clash
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 controls except \t and \n, and DEL


@dataclass(frozen=True, kw_only=True, slots=True)
class Highlight:
    """A span of a document's text to mark: an actor mention or a relation trigger."""

    start: int
    end: int
    kind: str  # CSS class: "actor state", "trigger cooperation", ...
    label: str  # shown after the span: GPE, TRADE
    title: str  # tooltip


def write_report(out_dir: str | os.PathLike[str], path: str | os.PathLike[str] | None = None, *,
                 max_documents: int = MAX_DOCUMENTS) -> Path:
    """Write the HTML report of an `extract` output folder (default: OUT_DIR/report.html).

    The file is written to a temporary name and renamed into place.

    Raises:
        GeoextractError: no output folder or relation table (E024, E025), an unreadable
            run.json (E026) or relation table (E010, E011), an unwritable file (E027).
    """
    page = render_report(out_dir, max_documents=max_documents)
    path = Path(path) if path is not None else Path(out_dir) / "report.html"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(page.encode("utf-8", errors="replace"))  # lone surrogates from JSON become "?"
        os.replace(tmp, path)
    except OSError as error:
        if tmp.is_file():
            tmp.unlink()
        raise GeoextractError(Errors.E027, path=path, reason=(error.strerror or str(error)).lower()) from None
    return path


def render_report(out_dir: str | os.PathLike[str], *, max_documents: int = MAX_DOCUMENTS) -> str:
    """The report of an `extract` output folder as one HTML string (see `write_report`)."""
    out = Path(out_dir)
    if max_documents < 0:
        raise GeoextractError(Errors.E013, option="--max-documents", reason="must be 0 or more")
    if not out.is_dir():
        raise GeoextractError(Errors.E024, path=out, reason="it is a file" if out.exists() else "no such folder")
    table = _table_path(out, "relations")
    if table is None:
        raise GeoextractError(Errors.E025, path=out)
    notes: list[str] = []
    run = _run_json(out)
    if run is None:
        notes.append("run.json is missing: the run's facts and the document texts cannot be shown.")
    relations = load_relations(table)
    mentions = _optional_table(out, "mentions", notes)
    actors = _optional_table(out, "actors", notes)
    documents = _documents(relations, mentions, _optional_table(out, "documents", notes))
    graph = _graph(out, relations, actors, notes)
    shown = list(documents)[:max_documents]
    texts = _texts(run, set(shown), mentions, notes) if run is not None and shown else {}
    anchors = {doc_id: f"doc-{i}" for i, doc_id in enumerate(shown, start=1)}
    body = [
        _header(out, run, relations, documents, notes),
        _graph_section(graph),
        _relations_section(relations, anchors),
        _extra_section("actors", "Actors", actors),
        *(_extra_section(name, name.capitalize(), _optional_table(out, name, notes)) for name in ("stories", "claims")),
        _documents_section(documents, shown, texts, relations, mentions, anchors),
    ]
    return _PAGE.format(title=_e(f"geoextract report: {out.resolve().name}"), style=_STYLE, body="\n".join(body), script=_SCRIPT)


def highlight(text: str, spans: Iterable[Highlight]) -> str:
    """Escaped HTML of `text` with each span in a <mark> and its label.

    Spans at the same offsets share one mark; a span that crosses the end of an enclosing one is
    split there, so marks always nest. Spans outside the text are ignored.
    """
    merged: dict[tuple[int, int, str], list[Highlight]] = defaultdict(list)
    for span in spans:
        if 0 <= span.start < span.end <= len(text):
            merged[span.start, span.end, span.kind].append(span)
    heap = []
    for (start, end, kind), group in merged.items():
        labels = " ".join(dict.fromkeys(s.label for s in group))
        titles = "\n".join(dict.fromkeys(s.title for s in group))
        heap.append((start, -end, kind, labels, titles))
    heapify(heap)
    parts: list[str] = []
    pos, stack = 0, []  # stack: (end, label) of the open marks, innermost last

    def close() -> None:
        nonlocal pos
        end, label = stack.pop()
        parts.append(_e(text[pos:end]) + (f'<span class="label">{_e(label)}</span>' if label else "") + "</mark>")
        pos = end

    while heap:
        start, neg_end, kind, label, title = heappop(heap)
        end = -neg_end
        while stack and stack[-1][0] <= start:
            close()
        parts.append(_e(text[pos:start]))
        pos = start
        if stack and end > stack[-1][0]:  # crosses the enclosing mark: the rest, with the label, comes after it
            heappush(heap, (stack[-1][0], -end, kind, label, title))
            end, label = stack[-1][0], ""
        parts.append(f'<mark class="{_e(kind)}" title="{_e(title)}">')
        stack.append((end, label))
    while stack:
        close()
    parts.append(_e(text[pos:]))
    return "".join(parts)


# Loading -----------------------------------------------------------------------------------

def _table_path(out: Path, name: str) -> Path | None:
    return next((out / f"{name}.{fmt}" for fmt in FORMATS if (out / f"{name}.{fmt}").is_file()), None)


def _run_json(out: Path) -> dict[str, Any] | None:
    path = out / "run.json"
    if not path.exists():
        return None
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = error.strerror.lower() if isinstance(error, OSError) and error.strerror else str(error)
        raise GeoextractError(Errors.E026, path=path, reason=reason) from None
    if not isinstance(run, dict):
        raise GeoextractError(Errors.E026, path=path, reason="not a JSON object")
    return run


def _optional_table(out: Path, name: str, notes: list[str]) -> pd.DataFrame | None:
    """A table the page shows when present; a damaged one becomes a note, not an error.

    Only the columns the file has are read, so a table from an older or newer version of
    geoextract is still shown, as long as it has the columns the page uses.
    """
    path = _table_path(out, name)
    if path is None:
        return None
    parquet = path.suffix == ".parquet"
    try:
        present = list(pq.read_schema(path).names if parquet else pd.read_csv(path, nrows=0).columns)
        if name in SCHEMAS:
            frame = load_table(path, name, columns=present)
        else:
            frame = pq.read_table(path).to_pandas() if parquet else pd.read_csv(path, dtype=str, keep_default_na=False,
                                                                                  na_values=[""])
    except GeoextractError as error:
        notes.append(f"{path.name} not shown: {error}")
        return None
    except (OSError, ValueError, pa.ArrowInvalid) as error:
        notes.append(f"{path.name} not shown: cannot read it ({str(error).splitlines()[0][:200]})")
        return None
    missing = [c for c in _NEEDED.get(name, ()) if c not in frame.columns]
    if missing:
        notes.append(f"{path.name} not shown: it lacks the column(s) {', '.join(missing)}")
        return None
    return frame


def _documents(relations: pd.DataFrame, mentions: pd.DataFrame | None,
               documents: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    """Documents in input order with their facts: documents.csv when present, else the tables."""
    if documents is not None and "doc_id" in documents.columns:
        return {str(row["doc_id"]): {k: v for k, v in row.items() if k != "doc_id"}
                for row in documents.to_dict("records")}
    ids = ([] if mentions is None else mentions["doc_id"].tolist()) + relations["doc_id"].tolist()
    docs: dict[str, dict[str, Any]] = {str(doc_id): {} for doc_id in dict.fromkeys(ids)}
    meta = [c for c in ("doc_title", "doc_date", "doc_source", "doc_url") if c in relations.columns]
    for row in relations.drop_duplicates("doc_id")[["doc_id", *meta]].to_dict("records"):
        docs[str(row["doc_id"])].update({c.removeprefix("doc_"): row[c] for c in meta})
    relation_counts = relations["doc_id"].value_counts()
    mention_counts = mentions["doc_id"].value_counts() if mentions is not None else pd.Series(dtype=int)
    for doc_id, facts in docs.items():
        facts["relations"] = int(relation_counts.get(doc_id, 0))
        if mentions is not None:
            facts["mentions"] = int(mention_counts.get(doc_id, 0))
    return docs


def _graph(out: Path, relations: pd.DataFrame, actors: pd.DataFrame | None, notes: list[str]) -> nx.MultiDiGraph:
    path = out / "graph.graphml"
    if path.is_file():
        try:
            return read_graph(path)
        except (OSError, ET.ParseError, nx.NetworkXError, ValueError) as error:
            notes.append(f"graph.graphml not read ({str(error)[:200]}): the graph is drawn from the relation table.")
    return build_graph(relations, actors if actors is not None and "mentions" in actors.columns else None, isolated=True)


def _texts(run: dict[str, Any], wanted: set[str], mentions: pd.DataFrame | None, notes: list[str]) -> dict[str, str]:
    """The texts of the wanted documents, read again from the run's inputs and checked.

    A text is kept only if every mention's offsets still point at the mention's words, so a
    document edited since the run is not shown with misplaced marks.
    """
    usable = []
    for raw in (run.get("settings") or {}).get("inputs") or []:
        if raw == STDIN:
            notes.append("Input - (standard input) cannot be read again: the texts of its documents are not shown.")
            continue
        try:
            DocumentReader([raw])
        except GeoextractError as error:
            notes.append(f"Input {raw} is not available now, so the texts of its documents are not shown: {error}")
            continue
        usable.append(raw)
    texts: dict[str, str] = {}
    reader = DocumentReader(usable)
    for document in reader:
        if document.id in wanted:
            texts[document.id] = document.text
            if len(texts) == len(wanted):
                break
    notes.extend(f"Input {s.path} not read again: {s.reason}." for s in reader.skipped if s.error)
    if mentions is not None:
        for row in mentions[mentions["doc_id"].isin(list(texts))].itertuples(index=False):
            text = texts.get(row.doc_id)
            if text is not None and text[row.start:row.end] != row.text:
                del texts[row.doc_id]
                notes.append(f"Document {row.doc_id} has changed since the run (its mentions no longer match): "
                             "its text is not shown.")
    return texts


# Sections ----------------------------------------------------------------------------------

def _header(out: Path, run: dict[str, Any] | None, relations: pd.DataFrame, documents: dict[str, dict[str, Any]],
            notes: list[str]) -> str:
    run = run or {}
    counts, settings = run.get("counts") or {}, run.get("settings") or {}
    facts = [
        ("documents", counts.get("documents", len(documents))),
        ("relations", counts.get("relations", len(relations))),
        ("for review", counts.get("relations_for_review")),
        ("actor mentions", counts.get("mentions")),
        ("actors", counts.get("actors")),
        ("quantities", counts.get("quantities")),
        ("graph edges", counts.get("graph_edges")),
        ("skipped inputs", counts.get("skipped")),
    ]
    about = [
        ("model", settings.get("model_version") or settings.get("model")),
        ("geoextract", run.get("geoextract")),
        ("spaCy", run.get("spacy")),
        ("min confidence", settings.get("min_confidence")),
        ("inputs", ", ".join(map(str, settings.get("inputs") or [])) or None),
    ]
    cards = "".join(f'<div class="fact"><b>{_e(_number(v))}</b>{_e(k)}</div>' for k, v in facts if v is not None)
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in about if v not in (None, ""))
    skipped = [f"skipped {s.get('path')}" + (f" line {s['line']}" if s.get("line") else "") + f": {s.get('reason')}"
               for s in run.get("skipped") or [] if isinstance(s, dict)]
    all_notes = [*skipped, *(str(n) for n in run.get("notes") or []), *notes]
    note_list = f'<ul class="notes">{"".join(f"<li>{_e(n)}</li>" for n in all_notes)}</ul>' if all_notes else ""
    return (f'<header><h1>geoextract report <small>{_e(out.resolve().name)}</small></h1>'
            f'<div class="facts">{cards}</div><table class="about">{rows}</table>{note_list}</header>')


def _graph_section(graph: nx.MultiDiGraph, max_nodes: int = MAX_NODES, width: int = 1000) -> str:
    """The actor graph as inline SVG, laid out by networkx's spring layout with a fixed seed."""
    if graph.number_of_nodes() == 0:
        return '<section id="graph"><h2>Actor graph</h2><p>No relations, so no graph.</p></section>'
    degree = dict(graph.degree(weight="weight"))
    size = {n: int(graph.nodes[n].get("mentions") or degree[n] or 1) for n in graph}
    ranked = sorted(graph, key=lambda n: (-size[n], -degree[n], str(n)))
    keep = sorted(ranked[:max_nodes], key=str)
    sub = graph.subgraph(keep)
    # In a fixed order: a view lists edges in set order, and float sums depend on the order.
    edge_list = sorted(sub.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    simple = nx.Graph()
    simple.add_nodes_from(keep)
    for u, v, _, data in edge_list:
        if u != v:  # heavier pairs pull closer, on a log scale so one busy pair does not collapse
            w = simple.get_edge_data(u, v, {"weight": 0})["weight"] + math.log1p(data.get("weight", 1))
            simple.add_edge(u, v, weight=w)
    label = {n: str(graph.nodes[n].get("label") or n) for n in keep}
    # Actors only mentioned, with no relation drawn, wait in rows under the network instead of
    # being scattered through it by the layout.
    alone = sorted((n for n in keep if sub.degree(n) == 0), key=lambda n: (-size[n], str(n)))
    linked = simple.subgraph([n for n in keep if sub.degree(n) > 0]).copy()
    per_row = max(1, (width - 40) // 190)
    rows = -(-len(alone) // per_row)
    top = (560 if len(linked) <= 30 else 760) if len(linked) else 0
    height = top + (rows * 46 + 34 if rows else 0)
    # room for labels at the sides
    pos = {n: (90 + x * (width - 180), 50 + y * (top - 100)) for n, (x, y) in _layout(linked).items()} if len(linked) else {}
    for i, n in enumerate(alone):
        pos[n] = (20 + (width - 40) / per_row * (i % per_row + 0.5), top + 40 + 46 * (i // per_row))
    caption = (f'<text class="caption" x="20" y="{top + 14}">Mentioned, no relation drawn</text>' if alone else "")
    fits = int(((width - 40) / per_row - 10) / 6.6)  # characters of an 11px label that fit its slot in a row
    biggest = max(size[n] for n in keep)
    radius = {n: 4 + 14 * math.sqrt(size[n] / biggest) for n in keep}  # area in proportion to mentions

    pairs: dict[tuple[Any, Any], list[tuple[Any, Any, Any, dict[str, Any]]]] = defaultdict(list)
    for u, v, key, data in edge_list:
        pairs[tuple(sorted((u, v), key=str))].append((u, v, key, data))
    edges = []
    for (a, b), group in pairs.items():
        for i, (u, v, key, data) in enumerate(group):
            relation = str(data.get("relation") or key)
            family = FAMILY_OF.get(relation, "statement")
            stroke = min(1 + 1.2 * math.sqrt(max(int(data.get("weight") or 1), 1) - 1), 8)
            extra = "; ".join(f"{k.replace('_', ' ')} {v_}" for k, v_ in sorted(data.items())
                              if k not in ("relation", "weight", "label", "action") and v_ not in (None, ""))
            title = (f"{label[u]} → {label[v]}: {relation} × {data.get('weight', 1)}"
                     + (f" ({data['action']})" if data.get("action") else "") + (f"; {extra}" if extra else ""))
            edges.append(f'<path class="edge {family.replace(" ", "-")}" d="{_edge_path(pos, radius, a, b, u, v, i, len(group))}" '
                         f'stroke-width="{stroke:.1f}" marker-end="url(#arrow-{family.replace(" ", "-")})">'
                         f"<title>{_e(title)}</title></path>")
    shown = {n: label[n] if n not in alone or len(label[n]) <= fits else label[n][:fits - 1].rstrip() + "…" for n in keep}
    nodes = []
    for n in keep:
        x, y = pos[n]
        kind = str(graph.nodes[n].get("type") or "")
        colour = TYPE_COLOURS.get(kind, OTHER_COLOUR)
        tooltip = f"{label[n]} ({kind or 'actor'}): {size[n]} mentions"
        nodes.append(f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[n]:.1f}" fill="{colour}">'
                     f"<title>{_e(tooltip)}</title></circle>"
                     f'<text x="{_label_x(x, label[n], width):.1f}" y="{y + radius[n] + 11:.1f}">{_e(shown[n])}</text></g>')
    markers = "".join(
        f'<marker id="arrow-{family.replace(" ", "-")}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
        f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="{colour}"/></marker>'
        for family, (colour, _) in FAMILIES.items())
    omitted = graph.number_of_nodes() - len(keep)
    note = (f"<p>Showing the {len(keep)} most mentioned of {graph.number_of_nodes()} actors and the "
            f"{sub.number_of_edges()} of {graph.number_of_edges()} edges between them.</p>" if omitted else "")
    types = sorted({str(graph.nodes[n].get("type") or "") for n in keep})
    legend = "".join(f'<span><i style="background:{TYPE_COLOURS.get(t, OTHER_COLOUR)}"></i>{_e(t or "other")}</span>'
                     for t in types)
    legend += "".join(f'<span><i class="line" style="background:{colour}"></i>{_e(family)}</span>'
                      for family, (colour, _) in FAMILIES.items())
    return (f'<section id="graph"><h2>Actor graph</h2>{note}'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="actor graph"><defs>{markers}</defs>{caption}<g class="edges">{"".join(edges)}</g>'
            f'<g class="nodes">{"".join(nodes)}</g></svg>'
            f'<p class="legend">{legend}</p><p class="hint">Node size: mentions; edge width: relation rows. '
            f"Hover for details.</p></section>")


def _layout(graph: nx.Graph) -> dict[Any, tuple[float, float]]:
    """Spring layout with a weak pull to the centre, then spread out; coordinates in [0, 1].

    Without the pull, a spring layout pushes unconnected actors to the far edges and squeezes
    the rest into a corner; without the spreading (each coordinate half its value, half its
    rank), the hubs of a news graph pull their neighbours into one clump.
    """
    nodes = sorted(graph, key=str)
    part = nx.Graph()  # not graph.subgraph(), whose view may list nodes in set order, which varies per process
    part.add_nodes_from(nodes)
    part.add_edges_from((u, v, graph.edges[u, v]) for u, v in sorted(graph.edges(nodes), key=str))
    part.add_edges_from((_CENTRE, n, {"weight": 0.05}) for n in nodes)
    layout = nx.spring_layout(part, k=1 / math.sqrt(len(nodes)), seed=7, iterations=300, weight="weight")
    xs, ys = (_spread([float(layout[n][axis]) for n in nodes]) for axis in (0, 1))
    return dict(zip(nodes, zip(xs, ys)))


def _spread(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    rank = {i: r / max(len(values) - 1, 1) for r, i in enumerate(sorted(range(len(values)), key=lambda i: (values[i], i)))}
    return [0.5 * ((v - low) / (high - low) if high > low else 0.5) + 0.5 * rank[i] for i, v in enumerate(values)]


def _label_x(x: float, label: str, width: int) -> float:
    """A label's centre, moved inwards so that a long name at the side stays in the picture."""
    half = 3.3 * len(label) + 4  # about half the width of an 11px sans-serif label
    return min(max(x, half), width - half)


def _edge_path(pos: dict[Any, tuple[float, float]], radius: dict[Any, float], a: Any, b: Any, u: Any, v: Any,
               index: int, count: int) -> str:
    """An SVG path from u to v, bowed sideways when a pair has several edges, ending at v's rim."""
    (x1, y1), (x2, y2) = pos[u], pos[v]
    if u == v:  # a relation of an actor to itself: a small loop above the node
        r = radius[u]
        return f"M{x1 - 4:.1f},{y1 - r:.1f} C{x1 - 22:.1f},{y1 - r - 30:.1f} {x1 + 22:.1f},{y1 - r - 30:.1f} {x1 + 4:.1f},{y1 - r:.1f}"
    (ax, ay), (bx, by) = pos[a], pos[b]  # the pair's fixed orientation, so u->v and v->u bow apart
    length = math.hypot(bx - ax, by - ay) or 1
    offset = (index - (count - 1) / 2) * 24
    cx = (x1 + x2) / 2 - (by - ay) / length * offset * 2
    cy = (y1 + y2) / 2 + (bx - ax) / length * offset * 2

    def towards(px: float, py: float, qx: float, qy: float, r: float) -> tuple[float, float]:
        d = math.hypot(qx - px, qy - py) or 1
        return px + (qx - px) / d * r, py + (qy - py) / d * r

    sx, sy = towards(x1, y1, cx, cy, radius[u])
    ex, ey = towards(x2, y2, cx, cy, radius[v] + 2)
    return f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"


def _relations_section(relations: pd.DataFrame, anchors: dict[str, str]) -> str:
    present = relations["relation"].astype(str).value_counts()
    options = "".join(f'<option value="{t.value}">{t.value} ({present[t.value]})</option>'
                      for t in RelationType if t.value in present.index)
    return (f'<section id="relations"><h2>Relations</h2><div class="filters">'
            f'<label>type <select id="f-relation"><option value="">all</option>{options}</select></label>'
            f'<label>actor <input id="f-actor" type="search" placeholder="name or id"></label>'
            f'<label>min confidence <input id="f-confidence" type="number" min="0" max="1" step="0.05" value="0"></label>'
            f'<output id="row-count">{len(relations)} relations</output></div>'
            f'<div class="scroll">{_relation_table(relations, anchors, "relation-table")}</div></section>')


def _relation_table(relations: pd.DataFrame, anchors: dict[str, str] | None = None, table_id: str | None = None) -> str:
    """Relation rows; with `anchors` (the main table) a last column links each row to its document."""
    head = ("<tr><th>source</th><th>relation</th><th>target</th><th>action</th><th>quantity</th>"
            "<th>modality / polarity</th><th>confidence</th><th>evidence</th>"
            + ("<th>document</th>" if anchors is not None else "") + "</tr>")
    rows = []
    for row in relations.to_dict("records"):
        relation, doc_id = str(row["relation"]), str(row["doc_id"])
        actors = " | ".join(str(row[c]).lower() for c in ("source", "source_id", "target", "target_id"))
        quantity = _e(row.get("quantity_text"))
        if _present(row.get("quantity_value")):
            quantity += f' <small>= {_e(_number(row["quantity_value"]))} {_e(row.get("quantity_unit"))}</small>'
        stance = f'{_e(row["modality"])} / {_e(row["polarity"])}'
        if row["polarity"] == "negated":
            stance = f"<b>{stance}</b>"
        rows.append(
            f'<tr data-relation="{_e(relation)}" data-actors="{_e(actors)}" data-confidence="{float(row["confidence"]):.3f}">'
            f'<td title="{_e(row["source_type"])}">{_e(row["source"])}</td>'
            f'<td><span class="rel {FAMILY_OF.get(relation, "statement").replace(" ", "-")}">{_e(relation)}</span></td>'
            f'<td title="{_e(row["target_type"])}">{_e(row["target"])}</td><td>{_e(row["action"])}</td>'
            f"<td>{quantity}</td><td>{stance}</td>"
            f'<td title="{_e(row.get("confidence_basis"))}">{float(row["confidence"]):.2f}</td>'
            f'<td class="evidence">{_e(row["evidence"])}</td>'
            + (f"<td>{_doc_link(doc_id, anchors)}</td>" if anchors is not None else "") + "</tr>")
    table_id = f' id="{table_id}"' if table_id else ""
    return f'<table{table_id} class="rows"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _extra_section(name: str, heading: str, frame: pd.DataFrame | None) -> str:
    """An optional table as it is, every column, its first MAX_EXTRA_ROWS rows."""
    if frame is None or frame.empty:
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in frame.head(MAX_EXTRA_ROWS).itertuples(index=False))
    more = len(frame) - MAX_EXTRA_ROWS
    note = f"<p>The first {MAX_EXTRA_ROWS} of {len(frame)} rows; the rest are in the table file.</p>" if more > 0 else ""
    return (f'<section id="{name}"><h2>{_e(heading)} <small>{len(frame)}</small></h2>{note}'
            f'<div class="scroll"><table class="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></section>')


def _documents_section(documents: dict[str, dict[str, Any]], shown: list[str], texts: dict[str, str],
                       relations: pd.DataFrame, mentions: pd.DataFrame | None, anchors: dict[str, str]) -> str:
    omitted = len(documents) - len(shown)
    intro = (f"<p>The text of {len(shown)} of {len(documents)} documents, in input order"
             + (f"; {omitted} not shown (raise --max-documents)." if omitted else ".") + "</p>")
    columns = [c for c in ("title", "date", "source", "story_id", "relations", "mentions", "quantities")
               if any(_present(facts.get(c)) for facts in documents.values())]
    index = "".join(
        f"<tr><td>{_doc_link(d, anchors)}</td>"
        + "".join(f"<td>{_e(_number(facts.get(c)))}</td>" for c in columns) + "</tr>"
        for d, facts in documents.items())
    parts = [f'<section id="documents"><h2>Documents</h2>{intro}<div class="scroll"><table class="rows">'
             f'<thead><tr><th>document</th>{"".join(f"<th>{_e(c)}</th>" for c in columns)}</tr></thead>'
             f"<tbody>{index}</tbody></table></div>"]
    by_doc_relations = dict(tuple(relations[relations["doc_id"].isin(shown)].groupby("doc_id", sort=False, observed=True)))
    by_doc_mentions = (dict(tuple(mentions[mentions["doc_id"].isin(shown)].groupby("doc_id", sort=False)))
                       if mentions is not None else {})
    for doc_id in shown:
        facts = documents[doc_id]
        rows = by_doc_relations.get(doc_id, relations.iloc[0:0])
        meta = " · ".join(_e(_number(facts[k])) for k in ("date", "source", "story_id") if _present(facts.get(k)))
        url = facts.get("url")
        if _present(url) and str(url).startswith(("http://", "https://")):
            meta += (" · " if meta else "") + f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
        text = texts.get(doc_id)
        if text is None:
            body = '<p class="missing">The text of this document is not available (see the notes at the top).</p>'
        else:
            body = f'<div class="text">{highlight(text, _spans(by_doc_mentions.get(doc_id), rows))}</div>'
        title = f" — {_e(facts['title'])}" if _present(facts.get("title")) else ""
        parts.append(f'<article id="{anchors[doc_id]}"><h3>{_e(doc_id)}{title}</h3><p class="meta">{meta}</p>{body}'
                     + (_relation_table(rows) if len(rows) else "<p>No relations in this document.</p>") + "</article>")
    parts.append("</section>")
    return "".join(parts)


def _spans(mentions: pd.DataFrame | None, relations: pd.DataFrame) -> list[Highlight]:
    spans = []
    if mentions is not None:
        for m in mentions.itertuples(index=False):
            spans.append(Highlight(start=int(m.start), end=int(m.end), kind=f"actor {_css(m.actor_type)}", label=str(m.label),
                                   title=f"{m.actor} ({m.actor_type}, {m.resolution})"))
    for r in relations.itertuples(index=False):
        if _present(r.trigger_start) and _present(r.trigger_end):
            relation = str(r.relation)
            spans.append(Highlight(start=int(r.trigger_start), end=int(r.trigger_end),
                                   kind=f"trigger {FAMILY_OF.get(relation, 'statement').replace(' ', '-')}",
                                   label=relation, title=f"{relation}: {r.source} → {r.target} ({r.action})"))
    return spans


# Helpers -------------------------------------------------------------------------------------

def _doc_link(doc_id: str, anchors: dict[str, str]) -> str:
    return f'<a href="#{anchors[doc_id]}">{_e(doc_id)}</a>' if doc_id in anchors else _e(doc_id)


def _present(value: Any) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and math.isnan(value)) and value != ""


def _e(value: Any) -> str:
    """Text for HTML: empty for missing values, control characters dropped, escaped."""
    return html.escape(_CONTROLS.sub("", str(value)), quote=True) if _present(value) else ""


def _number(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.4g}"
    return value


def _css(value: Any) -> str:
    return re.sub(r"[^a-z0-9-]", "", str(value).lower()) or "other"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="geoextract report">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{body}
<script>{script}</script>
</body>
</html>
"""

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0 auto;max-width:1280px;
padding:0 20px 40px;color:#212529;background:#fff}
h1{margin:18px 0 8px;font-size:24px}h1 small{color:#868e96;font-weight:400;font-size:16px}
h2{border-bottom:1px solid #dee2e6;padding-bottom:4px;margin-top:28px}h2 small{color:#868e96;font-weight:400}
.facts{display:flex;flex-wrap:wrap;gap:8px}.fact{background:#f1f3f5;border-radius:6px;padding:6px 12px;color:#495057}
.fact b{display:block;font-size:20px;color:#212529}
table.about{margin:10px 0;border-collapse:collapse}table.about th{text-align:left;padding-right:12px;color:#495057;font-weight:500}
.notes{color:#a61e4d}.missing{color:#a61e4d;font-style:italic}
svg{width:100%;height:auto;border:1px solid #dee2e6;border-radius:6px;background:#fcfcfd}
.edge{fill:none;opacity:.65}.edge:hover{opacity:1}
.edge.cooperation{stroke:#2f9e44}.edge.verbal-conflict{stroke:#e8590c}.edge.material-conflict{stroke:#c92a2a}
.edge.affiliation{stroke:#868e96}.edge.statement{stroke:#1c7ed6}
.node circle{stroke:#fff;stroke-width:1.5}.node text{font-size:11px;text-anchor:middle;paint-order:stroke;stroke:#fff;
stroke-width:3px;fill:#212529}
.caption{font-size:12px;fill:#868e96}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:11px;height:11px;border-radius:50%;
margin-right:4px;vertical-align:-1px}.legend i.line{border-radius:0;height:3px;width:16px;vertical-align:3px}
.hint{color:#868e96;font-size:12px}
.filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:8px 0}.filters input,.filters select{font:inherit}
#row-count{font-weight:600}
.scroll{max-height:70vh;overflow:auto;border:1px solid #dee2e6;border-radius:6px}
table.rows{border-collapse:collapse;width:100%;font-size:13px}
table.rows th{position:sticky;top:0;background:#f8f9fa;text-align:left;border-bottom:1px solid #dee2e6}
table.rows th,table.rows td{padding:4px 6px;vertical-align:top}table.rows tr:nth-child(even) td{background:#fafbfc}
td.evidence{min-width:320px;color:#495057}
.rel{border-radius:4px;padding:0 4px;color:#fff;font-size:12px;font-weight:600}
.rel.cooperation{background:#2f9e44}.rel.verbal-conflict{background:#e8590c}.rel.material-conflict{background:#c92a2a}
.rel.affiliation{background:#868e96}.rel.statement{background:#1c7ed6}
article{margin:22px 0;padding-top:4px;border-top:1px solid #e9ecef}.meta{color:#868e96}
.text{white-space:pre-wrap;line-height:2.1;margin-bottom:10px;max-width:900px}
mark{padding:.15em .3em;border-radius:.35em;background:#e9ecef;color:inherit}
mark .label{font-size:.68em;font-weight:700;text-transform:uppercase;margin-left:.35em;vertical-align:middle;opacity:.75}
mark.actor.state{background:#dbe4ff}mark.actor.igo{background:#c5f6fa}mark.actor.person{background:#ffe8cc}
mark.actor.media{background:#f3d9fa}mark.actor.company{background:#d3f9d8}mark.actor.group{background:#ffdeeb}
mark.actor.org{background:#e9fac8}
mark.trigger{background:#fff3bf;border-bottom:2px solid #e8590c}mark.trigger.cooperation{border-color:#2f9e44}
mark.trigger.material-conflict{border-color:#c92a2a}mark.trigger.affiliation{border-color:#868e96}
mark.trigger.statement{border-color:#1c7ed6}
"""

# Filters the relation table; a query string (?relation=TRADE&actor=russia&min=0.5) sets the start values.
_SCRIPT = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#relation-table tbody tr'));
  var type = document.getElementById('f-relation'), actor = document.getElementById('f-actor');
  var confidence = document.getElementById('f-confidence'), count = document.getElementById('row-count');
  var query = new URLSearchParams(window.location.search);
  if (query.get('relation')) type.value = query.get('relation');
  if (query.get('actor')) actor.value = query.get('actor');
  if (query.get('min')) confidence.value = query.get('min');
  function apply() {
    var t = type.value, a = actor.value.trim().toLowerCase(), c = parseFloat(confidence.value) || 0, n = 0;
    rows.forEach(function (row) {
      var show = (!t || row.dataset.relation === t) && (!a || row.dataset.actors.indexOf(a) >= 0) &&
        parseFloat(row.dataset.confidence) >= c;
      row.hidden = !show;
      if (show) n++;
    });
    count.textContent = n + ' of ' + rows.length + ' relations shown';
  }
  type.addEventListener('change', apply);
  actor.addEventListener('input', apply);
  confidence.addEventListener('input', apply);
  apply();
})();
"""
