"""Tables: records streamed to CSV/Parquet as documents finish, and read back typed.

Writers put rows into a temporary file beside the target and rename it into place when the
run completes, so an interrupted run never leaves a half-written table under the final name.
"""

from __future__ import annotations

import csv
import os
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import Errors, GeoextractError
from .records import Mention, Quantity, Relation, RelationType

FORMATS = ("csv", "parquet")
ACTOR_COLUMNS = ["actor_id", "name", "type", "label", "aliases", "mentions", "documents"]


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
    "actors": pa.schema([("actor_id", pa.string()), ("name", pa.string()), ("type", pa.string()),
                         ("label", pa.string()), ("aliases", pa.string()), ("mentions", pa.int64()),
                         ("documents", pa.int64())]),
}


class TableWriter:
    """Streams rows of one table to CSV and/or Parquet, renamed into place on `close()`."""

    def __init__(self, out_dir: Path, name: str, formats: tuple[str, ...] = ("csv",), batch_rows: int = 5000) -> None:
        self.schema = SCHEMAS[name]
        self.columns = self.schema.names
        self.paths = {fmt: out_dir / f"{name}.{fmt}" for fmt in formats}
        self.tmp = {fmt: path.with_name(f".{path.name}.tmp") for fmt, path in self.paths.items()}
        self.rows = 0
        self._batch: list[dict[str, Any]] = []
        self._batch_rows = batch_rows
        self._csv = None
        self._parquet = None
        if "csv" in formats:
            self._csv_file = open(self.tmp["csv"], "w", encoding="utf-8", newline="")
            self._csv = csv.DictWriter(self._csv_file, fieldnames=self.columns, lineterminator="\n",
                                       extrasaction="ignore")
            self._csv.writeheader()
        if "parquet" in formats:
            self._parquet = pq.ParquetWriter(self.tmp["parquet"], self.schema)

    def write(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if self._csv is not None:
            self._csv.writerow({k: ("" if v is None else v) for k, v in row.items()})
        if self._parquet is not None:
            self._batch.append(row)
            if len(self._batch) >= self._batch_rows:
                self._flush()

    def _flush(self) -> None:
        if self._parquet is not None and self._batch:
            self._parquet.write_table(pa.Table.from_pylist(self._batch, schema=self.schema))
            self._batch = []

    def close(self) -> list[Path]:
        """Finish the files and move them to their final names."""
        if self._csv is not None:
            self._csv_file.close()
        if self._parquet is not None:
            self._flush()
            self._parquet.close()
        for fmt, path in self.paths.items():
            os.replace(self.tmp[fmt], path)
        return list(self.paths.values())

    def abort(self) -> None:
        if self._csv is not None:
            self._csv_file.close()
        if self._parquet is not None:
            self._parquet.close()
        for tmp in self.tmp.values():
            tmp.unlink(missing_ok=True)


def write_frame(frame: pd.DataFrame, out_dir: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """Write a whole (aggregated) table atomically in the chosen formats."""
    written = []
    for fmt in formats:
        path = out_dir / f"{name}.{fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        if fmt == "csv":
            frame.to_csv(tmp, index=False, lineterminator="\n")
        else:
            pq.write_table(pa.Table.from_pandas(frame, schema=SCHEMAS.get(name), preserve_index=False), tmp)
        os.replace(tmp, path)
        written.append(path)
    return written


def load_table(path: str | Path, name: str) -> pd.DataFrame:
    """Read a table written by geoextract with its types (nullable ints, strings)."""
    path = Path(path)
    if not path.exists():
        raise GeoextractError(Errors.E010, path=path, reason="no such file")
    schema = SCHEMAS[name]
    try:
        if path.suffix == ".parquet":
            frame = pq.read_table(path).to_pandas()
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pa.ArrowInvalid) as error:
        raise GeoextractError(Errors.E010, path=path, reason=str(error).splitlines()[0][:200]) from None
    missing = [c for c in schema.names if c not in frame.columns and not _optional(name, c)]
    if missing:
        raise GeoextractError(Errors.E011, path=path, columns=", ".join(missing))
    dtypes = {c: t for c, t in _pandas_dtypes(schema).items() if c in frame.columns}
    for column, dtype in dtypes.items():
        if dtype in ("Int64", "float64"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def _optional(name: str, column: str) -> bool:
    return name == "relations" and (column.startswith("doc_") or column.startswith("quantity_"))


def load_relations(path: str | Path) -> pd.DataFrame:
    """The relation table (CSV or Parquet) as a typed DataFrame.

    `relation` is a categorical over the ontology's types; offsets are nullable integers;
    `confidence` and `quantity_value` are floats; text columns are pandas strings.
    """
    frame = load_table(path, "relations")
    frame["relation"] = pd.Categorical(frame["relation"], categories=[t.value for t in RelationType])
    return frame
