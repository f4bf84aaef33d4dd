"""Tables: records streamed to CSV/Parquet as documents finish, and read back typed.

Writers put rows into a temporary file beside the target and rename it into place when the
run completes, so an interrupted run never leaves a half-written table under the final name.

CSV files are opened in spreadsheets, which run a cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return as a formula. Text cells that start so (or with the apostrophe we
use) get one leading apostrophe, the usual neutralisation; `load_table` removes it again.
Parquet keeps the raw text. Rows end in CRLF, as RFC 4180 says, which also makes the csv
module quote a cell holding a lone carriage return instead of splitting the row there.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import Errors, GeoextractError
from .records import DocumentRow, Mention, Quantity, Relation, RelationType
from .rules import date_bounds, format_roles

FORMATS = ("csv", "parquet")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
ACTOR_COLUMNS = ["actor_id", "name", "type", "label", "country", "sector", "wikidata", "roles", "aliases",
                 "mentions", "documents", "first_date", "last_date"]


def arrow_schema(record_type: type) -> pa.Schema:
    """An Arrow schema from a record's annotations ("int | None" -> nullable int64)."""
    out = []
    for f in fields(record_type):
        out.append(pa.field(f.name, _arrow_type(str(f.type))))
    return pa.schema(out)


def _arrow_type(annotation: str) -> pa.DataType:
    base = annotation.replace(" | None", "").strip()
    return {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}.get(base, pa.string())


def _pandas_dtypes(schema: pa.Schema) -> dict[str, str]:
    mapping = {pa.int64(): "Int64", pa.float64(): "float64", pa.bool_(): "boolean", pa.string(): "string"}
    return {field.name: mapping[field.type] for field in schema}


SCHEMAS = {
    "relations": arrow_schema(Relation),
    "review": arrow_schema(Relation),  # relations below the review threshold, for a person to check
    "mentions": arrow_schema(Mention),
    "quantities": arrow_schema(Quantity),
    "documents": arrow_schema(DocumentRow),
    "stories": pa.schema([("doc_id", pa.string()), ("story_id", pa.string()), ("story_size", pa.int64()),
                          ("similarity", pa.float64())]),
    "claims": pa.schema([(name, pa.string()) for name in ("source", "relation", "target", "action", "action_key",
                                                          "polarity", "source_id", "target_id")]
                        + [("documents", pa.int64()), ("doc_ids", pa.string()), ("independent_sources", pa.int64()),
                           ("earliest_date", pa.string()), ("first_source", pa.string()), ("first_document", pa.string()),
                           ("mean_confidence", pa.float64()), ("max_confidence", pa.float64()), ("rows", pa.int64())]),
    "actors": pa.schema([(c, pa.int64() if c in ("mentions", "documents") else pa.string()) for c in ACTOR_COLUMNS]),
}


class TableWriter:
    """Streams rows of one table to CSV and/or Parquet, renamed into place on `close()`.

    A failing write (a full disk, a folder gone) raises GeoextractError E038, never a bare OSError.
    """

    def __init__(self, out_dir: Path, name: str, formats: tuple[str, ...] = ("csv",), batch_rows: int = 5000) -> None:
        try:
            self._open(out_dir, name, formats, batch_rows)
        except OSError as error:
            self.abort()
            raise _write_error(out_dir / name, error) from None

    def _open(self, out_dir: Path, name: str, formats: tuple[str, ...], batch_rows: int) -> None:
        self.schema = SCHEMAS[name]
        self.columns = self.schema.names
        # An int in a float column is written as a float (24.0), as Parquet stores it.
        self._floats = {f.name for f in self.schema if f.type == pa.float64()}
        self.paths = {fmt: out_dir / f"{name}.{fmt}" for fmt in formats}
        self.tmp = {fmt: path.with_name(f".{path.name}.tmp") for fmt, path in self.paths.items()}
        self.rows = 0
        self._batch: list[dict[str, Any]] = []
        self._batch_rows = batch_rows
        self._csv = None
        self._parquet = None
        if "csv" in formats:
            self._csv_file = open(self.tmp["csv"], "w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._csv_file, lineterminator="\r\n")
            self._csv.writerow(self.columns)
        if "parquet" in formats:
            self._parquet = pq.ParquetWriter(self.tmp["parquet"], self.schema)

    def write(self, row: dict[str, Any]) -> None:
        self.rows += 1
        try:
            if self._csv is not None:
                # a plain list in column order (csv.DictWriter re-checks the keys of every row)
                self._csv.writerow([csv_cell(float(v) if k in self._floats and isinstance(v, int) else v)
                                    for k, v in ((k, row.get(k)) for k in self.columns)])
            if self._parquet is not None:
                self._batch.append(row)
                if len(self._batch) >= self._batch_rows:
                    self._flush()
        except OSError as error:
            raise _write_error(next(iter(self.tmp.values())), error) from None

    def _flush(self) -> None:
        if self._parquet is not None and self._batch:
            self._parquet.write_table(pa.Table.from_pylist(self._batch, schema=self.schema))
            self._batch = []

    def close(self) -> list[Path]:
        """Finish the files and move them to their final names."""
        try:
            if self._csv is not None:
                self._csv_file.close()
            if self._parquet is not None:
                self._flush()
                self._parquet.close()
            for fmt, path in self.paths.items():
                os.replace(self.tmp[fmt], path)
        except OSError as error:
            raise _write_error(next(iter(self.paths.values())), error) from None
        return list(self.paths.values())

    def abort(self) -> None:
        """Close and remove the temporary files (the previous tables stay as they were)."""
        for stream in (getattr(self, "_csv_file", None), getattr(self, "_parquet", None)):
            try:
                if stream is not None:
                    stream.close()
            except OSError:  # the disk that failed a write may fail the close too: the file goes anyway
                pass
        for tmp in getattr(self, "tmp", {}).values():
            tmp.unlink(missing_ok=True)


def write_frame(frame: pd.DataFrame, out_dir: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """Write a whole (aggregated) table atomically in the chosen formats.

    Raises:
        GeoextractError: E038 when a file cannot be written (its previous version stays).
    """
    written = []
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            if fmt == "csv":
                safe = frame.copy()
                for column in safe.columns:
                    if not pd.api.types.is_numeric_dtype(safe[column]):
                        safe[column] = safe[column].map(csv_cell)
                safe.to_csv(tmp, index=False, lineterminator="\r\n")
            else:
                pq.write_table(pa.Table.from_pandas(frame, schema=SCHEMAS.get(name), preserve_index=False), tmp)
            os.replace(tmp, path)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise _write_error(path, error) from None
        written.append(path)
    return written


def _write_error(path: Path, error: OSError) -> GeoextractError:
    return GeoextractError(Errors.E038, path=path, reason=(error.strerror or str(error)).lower())


def csv_cell(value: Any) -> Any:
    """A value as written to CSV: None empty, text that a spreadsheet would run neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _restore_cell(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith("'") and len(value) > 1 and value[1] in "=+-@\t\r'" else value


def load_table(path: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a table written by geoextract with its types (nullable ints, strings).

    Args:
        columns: read only these columns (those the file lacks are left out).
    """
    path = Path(path)
    if not path.exists():
        raise GeoextractError(Errors.E010, path=path, reason="no such file")
    schema = SCHEMAS[name]
    try:
        if path.suffix == ".parquet":
            present = pq.read_schema(path).names
            wanted = [c for c in columns if c in present] if columns else None
            frame = pq.read_table(path, columns=wanted).to_pandas()
        else:
            usecols = (lambda c: c in columns) if columns else None
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], usecols=usecols)
            for column in frame.columns:
                if frame[column].str.startswith("'").any():
                    frame[column] = frame[column].map(_restore_cell)
    except (OSError, ValueError, pa.ArrowInvalid) as error:
        raise GeoextractError(Errors.E010, path=path, reason=str(error).splitlines()[0][:200]) from None
    needed = [c for c in schema.names if not columns or c in columns]
    missing = [c for c in needed if c not in frame.columns and not _optional(name, c)]
    if missing:
        raise GeoextractError(Errors.E011, path=path, columns=", ".join(missing))
    dtypes = {c: t for c, t in _pandas_dtypes(schema).items() if c in frame.columns}
    for column, dtype in dtypes.items():
        if dtype in ("Int64", "float64"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


OPTIONAL = {  # columns added after the first release: tables written before them still load
    "relations": ("source_country", "source_sector", "target_country", "target_sector"),
    "actors": ("country", "sector", "wikidata", "roles", "first_date", "last_date"),
}


def _optional(name: str, column: str) -> bool:
    if name in ("relations", "review") and (column.startswith(("doc_", "quantity_"))):
        return True
    return column in OPTIONAL.get(name, ())


def load_relations(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The relation table (CSV or Parquet) as a typed DataFrame.

    `relation` is a categorical over the ontology's types; offsets are nullable integers;
    `confidence` and `quantity_value` are floats; text columns are pandas strings.
    `columns` reads only those (aggregations need a few, and memory then stays small).
    """
    frame = load_table(path, "relations", columns)
    frame["relation"] = pd.Categorical(frame["relation"], categories=[t.value for t in RelationType])
    return frame


class ActorTable:
    """actors.csv built one mention at a time: memory grows with the actors, not the documents.

    Documents arrive in order and a document's mentions come together, so an actor's
    documents are counted by remembering the last document that mentioned it. Each actor
    holds a tuple of what the gazetteer says of it, its counts and dates in slots, and its one
    alias as text until a second makes a set: about a third of the memory of a dict per actor
    (29,500 actors after 20,000 Reuters stories).
    """

    def __init__(self) -> None:
        self._rows: dict[str, _ActorCounts] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, actor_id: str, info: dict[str, Any], alias: str, doc_id: str, date: str | None = None) -> None:
        """Count one mention of an actor (`info` as in `doc._.actors`) by the text `alias`."""
        row = self._rows.get(actor_id)
        if row is None:
            row = self._rows[actor_id] = _ActorCounts((
                actor_id, info.get("name") or alias, _shared(info.get("type") or ""), _shared(info.get("label") or ""),
                _shared(info.get("country") or ""), _shared(info.get("sector") or ""), info.get("wikidata") or "",
                format_roles(info.get("roles") or [])))
        row.mentions += 1
        alias = " ".join(alias.split())
        if row.aliases is None:
            row.aliases = alias
        elif isinstance(row.aliases, set):
            row.aliases.add(alias)
        elif row.aliases != alias:
            row.aliases = {row.aliases, alias}
        if row.doc != doc_id:
            row.doc = doc_id
            row.documents += 1
        day = date_bounds(date) if date else None
        if day is not None:
            first, last = date_bounds(row.first_date), date_bounds(row.last_date)
            if first is None or day[0] < first[0]:
                row.first_date = _iso_part(date)
            if last is None or day[1] > last[1]:
                row.last_date = _iso_part(date)

    def frame(self) -> pd.DataFrame:
        """One row per actor (ACTOR_COLUMNS), most mentioned first, then by id."""
        rows = [(*row.fixed, row.aliases if isinstance(row.aliases, str) else "; ".join(sorted(row.aliases)),
                 row.mentions, row.documents, row.first_date, row.last_date) for row in self._rows.values()]
        frame = pd.DataFrame(rows, columns=ACTOR_COLUMNS)
        frame = frame.astype({"mentions": "int64", "documents": "int64"})
        return frame.sort_values(["mentions", "actor_id"], ascending=[False, True], ignore_index=True)


class _ActorCounts:
    """One actor of an `ActorTable`: `fixed` holds ACTOR_COLUMNS from actor_id to roles."""

    __slots__ = ("fixed", "aliases", "mentions", "documents", "first_date", "last_date", "doc")

    def __init__(self, fixed: tuple[str, ...]) -> None:
        self.fixed = fixed
        self.aliases: str | set[str] | None = None
        self.mentions = self.documents = 0
        self.first_date: str | None = None
        self.last_date: str | None = None
        self.doc: str | None = None


def _shared(value: Any) -> Any:
    """One copy of a text many actors repeat ("org", "GPE", "USA"), not one per actor."""
    return sys.intern(value) if type(value) is str else value


def _iso_part(date: str) -> str:
    """The date part of an ISO date or timestamp, as precise as it was given."""
    return re.match(r"\d{4}(?:-\d{2}){0,2}", date.strip()).group()
