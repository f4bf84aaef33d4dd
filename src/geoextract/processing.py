"""Running the pipeline over documents: in this process or in a pool of worker processes.

Documents travel to the workers in small batches and come back as per-document results
(`results.document_result`), in input order, with a bounded number of batches in flight, so
memory does not grow with the corpus. Each worker loads the model once and runs with one
BLAS/OpenMP thread: with several processes on few cores, more threads only fight.

A `PipelineSpec` says everything that decides a result (model, rule files, ops); its
`fingerprint()` keys the result cache, so a changed model or pattern file invalidates it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.util
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .errors import Errors, GeoextractError
from .records import Document
from .results import add_part, new_result
from .stories import minhash
from .rules import pipeline_dir

MAX_CHARS = 100_000  # longer documents are processed in parts, never truncated
BATCH_CHARS = 400_000  # a batch sent to a worker closes at this many characters, whatever its number of documents
# The model's batch: its memory while it runs grows with the tokens in it (about 16 KB a token
# for en_core_web_sm, the same with bare spaCy), so a cap in characters, met by most batches,
# keeps a long run from meeting a batch far bigger than a short run's. At 30,000 characters
# (about 6,000 tokens) the model ran as fast as on whole batches of 64 (README, "Speed").
MODEL_BATCH_CHARS = 30_000
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build the pipeline; picklable.

    `fast_ops` runs thinc's NumpyOps without blis: the same numbers (checked in the tests),
    and faster on CPUs where blis falls back to its generic kernel (README, "Speed and memory").
    """

    model: str
    actors: str | None = None
    relations: str | None = None
    fast_ops: bool = True

    def load(self):
        """The spaCy pipeline with geoextract's components, as `extract` runs it."""
        from .pipeline import load_pipeline

        from thinc.api import get_current_ops, use_ops

        if self.fast_ops and type(get_current_ops()).__name__ == "NumpyOps":
            with use_ops("numpy", use_blis=False):  # the models built here keep these ops
                return load_pipeline(self.model, actors=self.actors, relations=self.relations)
        return load_pipeline(self.model, actors=self.actors, relations=self.relations)

    def fingerprint(self) -> str:
        """A digest of everything that decides a result: code, model, rules and settings."""
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode())
        digest.update(f"{MAX_CHARS}".encode())
        package = Path(__file__).parent
        for path in sorted(package.glob("*.py")) + sorted(pipeline_dir().glob("*")):
            _update_file(digest, path)
        for extra in (self.actors, self.relations):
            if extra:
                _update_file(digest, Path(extra))
        digest.update(model_identity(self.model).encode())
        return digest.hexdigest()


def model_identity(model: str) -> str:
    """An installed package's name and version, or a model folder's meta, config and files."""
    path = Path(model)
    if not path.exists():
        try:
            return f"{model}=={version(model)}"
        except PackageNotFoundError:
            try:
                return f"{model}=={version(model.replace('_', '-'))}"
            except PackageNotFoundError:
                return model
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        if file.name in ("meta.json", "config.cfg"):
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _update_file(digest: Any, path: Path) -> None:
    if path.is_file():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())


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


def process_documents(nlp: Any, texts: list[str], batch_size: int = 64) -> list[dict[str, Any]]:
    """Run the pipeline over whole documents and return one result per text, in order.

    A text that makes the pipeline fail gets `{"error": reason}` instead of a result, so one
    bad document never costs the rest of its batch. Any exception counts, not only the ones
    spaCy raises on odd input: a bug in one rule, met on one text in a million, must cost that
    text and be reported, not stop the run with a traceback.
    """
    parts = [(index, offset, part) for index, text in enumerate(texts) for offset, part in split_text(text)]
    results = [new_result() for _ in texts]
    try:
        for chunk in _chunks(parts, batch_size):
            # spaCy's memory zone: the strings and lexemes the batch's new words added are freed when
            # it ends, so a long run's vocabulary does not grow with the corpus. The results hold
            # plain Python values only, read before the zone closes.
            with _memory_zone(nlp):
                docs = nlp.pipe((part for _, _, part in chunk), batch_size=len(chunk))
                for (index, offset, _), doc in zip(chunk, docs):
                    add_part(results[index], doc, offset)  # and the Doc goes: a 20 MB text's 200 parts are never all held
    except Exception as error:  # noqa: BLE001 - any failure, a rule's bug included: retry one document at a time
        if len(texts) == 1:
            return [{"error": f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"}]
        return [result for text in texts for result in process_documents(nlp, [text], batch_size)]
    return [{**result, "minhash": minhash(text).hex()} for result, text in zip(results, texts)]


def _memory_zone(nlp: Any) -> Any:
    zone = getattr(nlp, "memory_zone", None)  # spaCy >= 3.8
    return zone() if callable(zone) else contextlib.nullcontext()


def _chunks(parts: list[tuple[int, int, str]], batch_size: int) -> Iterator[list[tuple[int, int, str]]]:
    """The parts in the model's batches: `batch_size` parts, or fewer that add up to MODEL_BATCH_CHARS.

    Bounded by characters, not by the longest part times the count: one long article must not
    shrink the batches of the short ones around it (the model runs at a third of its speed on
    batches of 8 instead of 64), and a run of long articles must not make one batch that needs
    hundreds of megabytes more than the others. A part longer than the cap is a batch alone.
    """
    chunk: list[tuple[int, int, str]] = []
    chars = 0
    for part in parts:
        if chunk and (len(chunk) >= batch_size or chars + len(part[2]) > MODEL_BATCH_CHARS):
            yield chunk
            chunk, chars = [], 0
        chunk.append(part)
        chars += len(part[2])
    if chunk:
        yield chunk


class Engine:
    """Processes batches of texts in order; `n_process` > 1 uses a pool of worker processes."""

    def __init__(self, spec: PipelineSpec, n_process: int = 1, batch_size: int = 64) -> None:
        self.spec = spec
        self.n_process = n_process
        self.batch_size = batch_size
        self._nlp = None
        self._pool: ProcessPoolExecutor | None = None
        self._frozen = False
        self.meta: dict[str, Any] = {}

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._frozen:  # a library caller's later garbage is collected as usual
            gc.unfreeze()
            self._frozen = False

    def submit(self, texts: list[str]) -> Future:
        """Start processing one batch; the future's result is the batch's list of results."""
        if self.n_process == 1:
            future: Future = Future()
            future.set_result(process_documents(self.nlp(), texts, self.batch_size))
            return future
        if self._pool is None:
            _WORKER["nlp"] = self.nlp()  # checked here; forked workers share it instead of loading it again
            _WORKER["batch_size"] = self.batch_size
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
            self._pool = ProcessPoolExecutor(self.n_process, mp_context=context, initializer=_init_worker,
                                             initargs=(self.spec, self.batch_size))
        return self._pool.submit(_work, texts)

    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = self.spec.load()
            # The model's hundreds of thousands of objects live as long as the run: moved to the
            # collector's permanent generation, full collections stop walking them (about 2% of
            # a run's time), and forked workers' collections stop copying the pages they share
            # with this process (--n-process 2: 39.3 s -> 35.6 s on 600 articles). Undone in close().
            gc.collect()
            gc.freeze()
            self._frozen = True
        return self._nlp

    def model_meta(self) -> dict[str, Any]:
        """The model's meta, from the loaded pipeline or, when it never had to load, its meta.json."""
        if self._nlp is not None:
            return {**self._nlp.meta, "pipeline": self._nlp.pipe_names}
        path = Path(self.spec.model)
        if not path.exists():  # an installed package: its folder, found without importing it (or spaCy)
            spec = importlib.util.find_spec(self.spec.model) if self.spec.model.isidentifier() else None
            path = Path(spec.origin).parent if spec is not None and spec.origin else path
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"name": self.spec.model}
        if not isinstance(meta, dict):
            return {"name": self.spec.model}
        return {**meta, "pipeline": None}  # not loaded: every document came from the cache or journal

    def run(self, batches: Iterable[tuple[Any, list[str]]]) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
        """Yield (context, results) for each (context, texts) batch, in order.

        At most two batches per worker are in flight, so reading stays just ahead of the
        workers and memory is bounded whatever the corpus size.
        """
        in_flight: deque[tuple[Any, Future | None]] = deque()
        limit = 2 * self.n_process
        try:
            for context, texts in batches:
                in_flight.append((context, self.submit(texts) if texts else None))
                while len(in_flight) > limit or (in_flight and _ready(in_flight[0][1])):
                    yield self._next(in_flight)
            while in_flight:
                yield self._next(in_flight)
        except BrokenProcessPool:
            raise GeoextractError(Errors.E032, exit_code=2) from None
        finally:
            for _, future in in_flight:
                if future is not None:
                    future.cancel()

    @staticmethod
    def _next(in_flight: deque[tuple[Any, Future | None]]) -> tuple[Any, list[dict[str, Any]]]:
        context, future = in_flight.popleft()
        return context, future.result() if future is not None else []


def _ready(future: Future | None) -> bool:
    return future is None or future.done()


_WORKER: dict[str, Any] = {}


def _init_worker(spec: PipelineSpec, batch_size: int) -> None:
    for var in THREAD_VARS:
        os.environ[var] = "1"
    if "nlp" not in _WORKER:  # a spawned worker; a forked one inherited the parent's pipeline
        _WORKER["nlp"] = spec.load()
    _WORKER["batch_size"] = batch_size


def _work(texts: list[str]) -> list[dict[str, Any]]:
    return process_documents(_WORKER["nlp"], texts, _WORKER["batch_size"])
