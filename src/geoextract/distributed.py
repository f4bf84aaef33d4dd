"""`extract` on a Dask cluster: documents in partitions, one Parquet part per partition and table.

The client reads the documents lazily, as the local run does, and cuts them into the batches
the local engine would process (`batch_size` documents or `BATCH_CHARS` characters). Each is
one Dask task, with a bounded number in flight, so the client's memory does not grow with the
corpus. A worker process builds the pipeline once, runs it and writes the partition's rows
straight to `OUT/dataset/<table>/part-NNNNN.parquet` (relations, mentions, quantities,
documents): a dataset pandas, Dask, DuckDB or Spark read as is. The client then makes the
local run's outputs from the dataset, part by part in input order: the tables, review.csv,
actors (the part's mentions counted by the local run's `ActorTable`), the graph and run.json.

Workers write to a path the client reads back, so both must see the output folder: always so
on a local cluster, a shared filesystem on a real one (object stores are not supported yet;
docs/scaling.md). The dataset is written under `OUT/.geoextract/` and moved to `OUT/dataset`
when the run succeeds, so a failed run leaves the previous outputs as they were.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .documents import DocumentReader, Skipped, processing_text
from .errors import Errors, GeoextractError, Warnings
from .extraction import WORK_DIR, RunSummary, aggregate
from .processing import BATCH_CHARS, PipelineSpec, process_documents, split_text
from .records import Document
from .results import table_rows
from .table import ActorTable, SCHEMAS, TableWriter

__all__ = ["DATASET_TABLES", "extract_on_dask", "partitions", "process_partition"]

DATASET = "dataset"  # OUT/dataset/<table>/part-NNNNN.parquet
DATASET_TABLES = ("relations", "mentions", "quantities", "documents")
PART = "part-{:05d}.parquet"
COUNTS = ("documents", "parts", "words", "relations", "below_min_confidence", "mentions", "quantities")


def extract_on_dask(
    reader: DocumentReader,
    spec: PipelineSpec,
    summary: RunSummary,
    *,
    scheduler: str | None,
    n_process: int,
    batch_size: int,
    formats: tuple[str, ...],
    min_confidence: float,
    review_below: float,
    cache: str | os.PathLike[str] | None,
    resume: bool,
    on_skip: Callable[[Skipped], None] | None,
    progress: Callable[[int], None] | None,
    started: float,
) -> RunSummary:
    """The rest of `extraction.extract` for `engine="dask"`, once inputs, output and pipeline are checked.

    Args:
        scheduler: a Dask scheduler address; None starts a local cluster of `n_process`
            worker processes (one per core when `n_process` is 1) and closes it at the end.
        batch_size: documents per partition (a partition also closes at `BATCH_CHARS`).

    Raises:
        GeoextractError: E013 for options the Dask engine does not take, E034-E037 for Dask,
            the scheduler, the workers or the dataset, and the errors of the local run.
    """
    local_only = "works with --engine local only"
    for option, used, reason in (("--cache", cache is not None, local_only), ("--resume", resume, local_only),
                                 ("--n-process", scheduler is not None and n_process > 1,
                                  "sets the workers of a local cluster; the cluster at --scheduler has its own")):
        if used:
            raise GeoextractError(Errors.E013, option=option, reason=reason)
    out = summary.out_dir
    staging = out / WORK_DIR / DATASET
    if staging.exists():  # left by a run that failed or was killed
        shutil.rmtree(staging)
    for name in DATASET_TABLES:
        (staging / name).mkdir(parents=True)
    try:
        with ExitStack() as stack:
            client = _client(stack, scheduler, n_process if n_process > 1 else (os.cpu_count() or 1))
            summary.settings.update(engine="dask", scheduler=client.scheduler.address)
            summary.timings["load"] = time.perf_counter() - started
            t0 = time.perf_counter()
            reports = _run_partitions(client, reader, spec, staging, batch_size, min_confidence, on_skip, progress)
            summary.timings["process"] = time.perf_counter() - t0
        summary.settings.update(partitions=len(reports), workers=len({r["worker"] for r in reports}))
        failed = [skipped for report in reports for skipped in _failures(report)]
        for report in reports:
            for name in COUNTS:
                setattr(summary, name, getattr(summary, name) + report[name])
            summary.notes.extend(report["notes"])
        summary.notes.extend(reader.notes)
        summary.skipped = list(reader.skipped) + failed
        if summary.documents == 0:
            raise GeoextractError(Errors.E005, exit_code=2)
        summary.settings.update(reports[0]["model"])
        t1 = time.perf_counter()
        actors = _write_tables(staging, reports, out, formats, review_below, summary)
        _publish(staging, out / DATASET)
        summary.timings["concatenate"] = time.perf_counter() - t1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # half a dataset is of no use; the previous one stays
        raise
    finally:
        _remove_if_empty(staging.parent)
    summary.files.append(str(out / DATASET))
    signatures = [bytes.fromhex(signature) for report in reports for signature in report["signatures"]]
    aggregate(summary, actors, signatures, formats, started)
    return summary


def partitions(documents: Iterable[Document], batch_size: int,
               max_chars: int = BATCH_CHARS) -> Iterator[list[Document]]:
    """Documents in the local engine's batches: `batch_size` documents, or fewer adding up to `max_chars`."""
    batch: list[Document] = []
    chars = 0
    for document in documents:
        batch.append(document)
        chars += len(document.text)
        if len(batch) >= batch_size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _client(stack: ExitStack, scheduler: str | None, n_workers: int) -> Any:
    """A connected Dask client, and a local cluster when there is no scheduler; `stack` closes them."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise GeoextractError(Errors.E034, reason=str(error)) from None
    if scheduler is None:
        cluster = stack.enter_context(LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                                   dashboard_address=":0"))
        scheduler = cluster.scheduler_address
    try:
        return stack.enter_context(Client(scheduler))
    except (OSError, ValueError) as error:  # unreachable (a timeout is an OSError) or not an address
        raise GeoextractError(Errors.E035, address=scheduler, reason=str(error).splitlines()[0][:200]) from None


def _run_partitions(client: Any, reader: DocumentReader, spec: PipelineSpec, staging: Path, batch_size: int,
                    min_confidence: float, on_skip: Callable[[Skipped], None] | None,
                    progress: Callable[[int], None] | None) -> list[dict[str, Any]]:
    """Submit every partition, at most two per worker thread in flight; their reports in input order."""
    from distributed import KilledWorker, as_completed

    finished = as_completed()
    in_flight: dict[str, tuple[Any, int]] = {}  # future key: (future, partition index)
    reports: dict[int, dict[str, Any]] = {}
    done = 0

    def collect(future: Any) -> None:
        nonlocal done
        _, index = in_flight.pop(future.key)
        try:
            report = future.result()
        except KilledWorker as error:
            raise GeoextractError(Errors.E036, index=index, reason=f"the worker died ({error})") from None
        if report.get("fatal") == "write":
            raise GeoextractError(Errors.E037, path=staging.parent.parent / DATASET, reason=report["reason"])
        if report.get("fatal") == "model":
            raise GeoextractError(Errors.E036, index=index, reason=report["reason"])
        reports[index] = report
        if on_skip is not None:
            for skipped in _failures(report):
                on_skip(skipped)
        done += report["documents"]
        if progress is not None:
            progress(done)

    try:
        for index, batch in enumerate(partitions(reader, batch_size)):
            future = client.submit(process_partition, spec, index, batch, str(staging), min_confidence, batch_size,
                                   pure=False)
            in_flight[future.key] = (future, index)
            finished.add(future)
            while len(in_flight) >= 2 * max(1, sum(client.nthreads().values())):
                collect(next(finished))
        for future in finished:
            collect(future)
    finally:
        if in_flight:  # the run failed: stop what is still queued or running
            client.cancel([future for future, _ in in_flight.values()])
    return [reports[index] for index in range(len(reports))]


def _failures(report: dict[str, Any]) -> list[Skipped]:
    return [Skipped(path=path or doc_id, reason=f"document '{doc_id}' could not be processed: {error}")
            for doc_id, path, error in report["failed"]]


_PIPELINES: dict[PipelineSpec, Any] = {}
_LOCK = threading.Lock()  # a spaCy pipeline is not shared between threads: one partition at a time per process


def process_partition(spec: PipelineSpec, index: int, documents: list[Document], dataset: str,
                      min_confidence: float, batch_size: int) -> dict[str, Any]:
    """Run on a worker: process one partition and write its part of each table to `dataset`.

    Returns:
        The partition's counts, failed documents, notes and, per actor, what the gazetteer says
        of it in the first document that mentions it; `fatal` and `reason` instead when the
        pipeline cannot load ("model") or the part files cannot be written ("write").
    """
    texts = [processing_text(document) for document in documents]  # boilerplate blanked, offsets kept
    with _LOCK:
        try:
            if spec not in _PIPELINES:  # once per worker process
                _PIPELINES[spec] = spec.load()
        except GeoextractError as error:
            return {"fatal": "model", "reason": str(error)}
        nlp = _PIPELINES[spec]
        results = process_documents(nlp, texts, batch_size)
    report: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    report.update(failed=[], actors={}, signatures=[], worker=f"{socket.gethostname()}:{os.getpid()}",
                  model={"model_version": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
                         "pipeline": list(nlp.pipe_names)},
                  notes=[Warnings.W004.format(doc_id=document.id, n_chars=len(text), n_parts=n_parts)
                         for document, text in zip(documents, texts) if (n_parts := len(split_text(text))) > 1])
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASET_TABLES}
    for document, result in zip(documents, results):
        if "error" in result:
            report["failed"].append((document.id, document.path, result["error"]))
            continue
        document_rows = table_rows(document, result, min_confidence)
        report["signatures"].append(result["minhash"])
        for name in DATASET_TABLES:
            rows[name].extend(document_rows[name])
        for m in document_rows["mentions"]:
            report["actors"].setdefault(m["actor_id"], result["actors"].get(m["actor_id"]))
        report["documents"] += 1
        report["parts"] += result["parts"]
        report["words"] += result["words"]
        report["below_min_confidence"] += len(result["relations"]) - len(document_rows["relations"])
    for name in ("relations", "mentions", "quantities"):
        report[name] = len(rows[name])
    try:
        for name in DATASET_TABLES:
            write_part(Path(dataset) / name, index, rows[name], SCHEMAS[name])
    except OSError as error:
        return {"fatal": "write", "reason": f"{(error.strerror or str(error)).lower()} on {socket.gethostname()}"}
    return report


def write_part(folder: Path, index: int, rows: list[dict[str, Any]], schema: pa.Schema) -> Path:
    """Write one part file atomically: a temporary name the dataset readers skip, then a rename.

    The folder is not created: a worker that does not see it does not share the client's filesystem.
    """
    path = folder / PART.format(index)
    tmp = folder / f".{path.name}.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    os.replace(tmp, path)
    return path


def _write_tables(dataset: Path, reports: list[dict[str, Any]], out: Path, formats: tuple[str, ...],
                  review_below: float, summary: RunSummary) -> pd.DataFrame:
    """The tables of the local run from the dataset, one part at a time; returns the actors frame."""
    writers = {name: TableWriter(out, name, formats) for name in DATASET_TABLES}
    writers["review"] = TableWriter(out, "review", ("csv",))
    actors = ActorTable()
    try:
        for index, report in enumerate(reports):
            tables = {name: pq.read_table(dataset / name / PART.format(index), schema=SCHEMAS[name])
                      for name in DATASET_TABLES}
            for name, table in tables.items():
                for row in table.to_pylist():
                    writers[name].write(row)
                    if name == "relations" and row["confidence"] < review_below:
                        writers["review"].write(row)
                        summary.for_review += 1
            add_actors(actors, tables["mentions"], tables["documents"], report["actors"])
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        summary.files.extend(str(p) for p in writer.close())
    return actors.frame()


def add_actors(actors: ActorTable, mentions: pa.Table, documents: pa.Table, infos: dict[str, Any]) -> None:
    """Count one part's mentions in `actors` as the local run counts a document's.

    Args:
        infos: per actor id, what the gazetteer says of it (None: nothing), from the worker.
    """
    dates = dict(zip(documents.column("doc_id").to_pylist(), documents.column("date").to_pylist()))
    for m in mentions.select(["doc_id", "text", "actor", "actor_id", "actor_type", "label"]).to_pylist():
        info = infos.get(m["actor_id"]) or {"name": m["actor"], "type": m["actor_type"], "label": m["label"]}
        actors.add(m["actor_id"], info, m["text"], m["doc_id"], dates[m["doc_id"]])


def _publish(staging: Path, target: Path) -> None:
    """Move the finished dataset into place, replacing the previous run's."""
    if target.exists():
        old = staging.with_name(f"{DATASET}.old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old)
    else:
        staging.rename(target)


def _remove_if_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
