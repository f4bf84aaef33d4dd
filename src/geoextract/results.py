"""Per-document results: what the pipeline found in one document, as plain JSON-safe data.

A result is built in whichever process ran spaCy (`document_result`) and sent back instead of
the `Doc`: serialising Docs between processes costs more than geoextract's own rules. Offsets
and sentence numbers in a result are document-wide; the document's id, metadata and the
relation ids are stamped on when the rows are written, so one result serves any document with
the same text. That is what makes results cacheable by content (`ResultStore`): the same store
is the `--cache DIR` shared across runs and the journal that `--resume` continues from.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import zlib
from bisect import bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Errors, GeoextractError
from .records import Document, DocumentRow, Mention, Quantity, Relation
from .rules import attributes_at

if TYPE_CHECKING:  # spaCy is imported only where a Doc is read, so a cached run never loads it
    from spacy.tokens import Doc

RESULT_VERSION = 2  # 2: with the story signature (`minhash`)


def document_result(parts: list[tuple[int, Doc]]) -> dict[str, Any]:
    """Collect the mentions, relations and quantities of one document's processed parts.

    Args:
        parts: (character offset of the part in the document, processed Doc), in order.
    """
    result = new_result()
    for offset, doc in parts:
        add_part(result, doc, offset)
    return result


def new_result() -> dict[str, Any]:
    """An empty result, for `add_part` to fill one part at a time (the part's Doc can then go)."""
    return {"v": RESULT_VERSION, "parts": 0, "words": 0, "sents": 0, "mentions": [], "relations": [], "quantities": [],
            "actors": {}}


def add_part(result: dict[str, Any], doc: Doc, offset: int) -> None:
    """Add what one processed part of a document holds; `offset` is where the part starts."""
    from spacy.attrs import IS_PUNCT, IS_SPACE

    result["parts"] += 1
    sent_base = result["sents"]
    starts = [sent.start for sent in doc.sents]
    result["words"] += int((~doc.to_array([IS_PUNCT, IS_SPACE]).any(axis=1)).sum()) if len(doc) else 0  # no Token objects
    actors = doc._.actors or {}
    for span in doc.spans.get("actors", []):
        info = actors.get(span.kb_id_) or {"name": span.text, "type": "org"}
        result["actors"].setdefault(span.kb_id_, info)
        result["mentions"].append({
            "sent_index": sent_base + max(0, bisect_right(starts, span.start) - 1), "text": span.text,
            "actor_id": span.kb_id_, "label": span.label_, "resolution": span.id_,
            "start": offset + span.start_char, "end": offset + span.end_char,
        })
    q_base = len(result["quantities"])
    for q in doc._.quantities or []:
        result["quantities"].append({**q, "sent_index": sent_base + q["sent_index"],
                                     "start": offset + q["start"], "end": offset + q["end"]})
    for rel in doc._.relations or []:
        row = dict(rel)
        for key in ("source_start", "source_end", "target_start", "target_end", "trigger_start", "trigger_end"):
            row[key] += offset
        row["sent_index"] = sent_base + rel["sent_index"]
        q_index = row.pop("quantity_index", None)
        row["quantity"] = None if q_index is None else q_base + q_index
        result["relations"].append(row)
    result["sents"] += len(starts)


def table_rows(document: Document, result: dict[str, Any], min_confidence: float = 0.0) -> dict[str, list[dict[str, Any]]]:
    """Stamp a result with its document's id and metadata: the rows of each table.

    Relations below `min_confidence` are left out; relation ids (`DOC:rN`) number the rows kept,
    and a quantity names the first kept relation that uses it.
    """
    actors = result["actors"]
    mentions = []
    for m in result["mentions"]:
        info = actors.get(m["actor_id"]) or {"name": m["text"], "type": "org"}
        mentions.append(_row(Mention(
            doc_id=document.id, sent_index=m["sent_index"], text=m["text"], actor=info["name"],
            actor_id=m["actor_id"], actor_type=info["type"], label=m["label"], resolution=m["resolution"],
            start=m["start"], end=m["end"],
        )))
    quantities = result["quantities"]
    owner: dict[int, str] = {}
    meta = {"doc_title": document.title, "doc_date": document.date, "doc_source": document.source, "doc_url": document.url}
    relations = []
    for rel in result["relations"]:
        if rel["confidence"] < min_confidence:
            continue
        relation_id = f"{document.id}:r{len(relations) + 1}"
        q_index = rel["quantity"]
        quantity = quantities[q_index] if q_index is not None else None
        if quantity is not None:
            owner.setdefault(q_index, relation_id)
        fields = {k: v for k, v in rel.items() if k != "quantity"}
        for end in ("source", "target"):
            info = actors.get(rel[f"{end}_id"])
            attributes = attributes_at(info, document.date) if info else {}
            fields[f"{end}_country"] = attributes.get("country") or None
            fields[f"{end}_sector"] = attributes.get("sector") or None
        relations.append(Relation(
            relation_id=relation_id, doc_id=document.id, **fields,
            quantity_text=quantity["text"] if quantity else None,
            quantity_value=(quantity["value"] if quantity["value"] is not None else quantity["low"]) if quantity else None,
            quantity_unit=quantity["unit"] if quantity else None,
            quantity_qualifier=quantity["qualifier"] if quantity else None,
            quantity_start=quantity["start"] if quantity else None,
            quantity_end=quantity["end"] if quantity else None,
            **meta,
        ).as_row())
    quantity_rows = [_row(Quantity(
        doc_id=document.id, sent_index=q["sent_index"], text=q["text"], kind=q["kind"], value=q["value"], low=q["low"],
        high=q["high"], unit=q["unit"], qualifier=q["qualifier"], direction=q["direction"], referent=q["referent"],
        start=q["start"], end=q["end"], relation_id=owner.get(index),
    )) for index, q in enumerate(quantities)]
    document_row = _row(DocumentRow(
        doc_id=document.id, title=document.title, date=document.date, source=document.source, url=document.url,
        path=document.path, chars=len(document.text), words=result["words"], parts=result["parts"],
        sentences=result["sents"], mentions=len(mentions), relations=len(relations), quantities=len(quantity_rows),
    ))
    return {"mentions": mentions, "relations": relations, "quantities": quantity_rows, "documents": [document_row]}


def _row(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def content_key(text: str, fingerprint: str) -> str:
    """The store key of a document: its text under one pipeline fingerprint."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ResultStore:
    """Results in one SQLite file, keyed by `content_key`; JSON, never pickle.

    Writes are committed in small transactions (at least every `commit_every` seconds), so a
    process killed at any moment leaves every committed result readable on the next run.
    """

    def __init__(self, path: str | Path, commit_every: float = 1.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as error:  # not a database, a folder that cannot be written
            raise GeoextractError(Errors.E039, path=self.path, reason=_reason(error)) from None
        self._commit_every = commit_every
        self._open_since: float | None = None
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            value = json.loads(zlib.decompress(row[0]))
        except (zlib.error, ValueError):  # a damaged entry is a miss; the document is processed again
            self.misses += 1
            return None
        if value.get("v") != RESULT_VERSION:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def __contains__(self, key: str) -> bool:
        """Whether the store holds `key` (not counted as a hit or a miss)."""
        return self._db.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone() is not None

    def put(self, key: str, result: dict[str, Any]) -> None:
        if self._open_since is None:
            self._db.execute("BEGIN")
            self._open_since = time.monotonic()
        blob = zlib.compress(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode(), 1)
        try:
            self._db.execute("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)", (key, blob))
        except sqlite3.Error as error:  # a full disk; SQLite may have rolled the transaction back already
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")  # results since the last commit are recomputed by --resume
            self._open_since = None
            raise GeoextractError(Errors.E038, path=self.path, reason=_reason(error)) from None
        if time.monotonic() - self._open_since >= self._commit_every:
            self.commit()

    def commit(self) -> None:
        if self._open_since is not None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise GeoextractError(Errors.E038, path=self.path, reason=_reason(error)) from None
            self._open_since = None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self._db.close()


def _reason(error: BaseException) -> str:
    return (getattr(error, "strerror", None) or str(error)).lower()
