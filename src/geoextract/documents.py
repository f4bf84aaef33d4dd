"""Input documents: .txt files, folders (recursively) and JSONL, read lazily.

`DocumentReader` checks every input path before anything is processed (a missing path is an
error, not a surprise halfway through a long run), then yields `Document` records one at a
time. Inputs it cannot use are skipped with a reason, kept in `reader.skipped`, so a run can
report them in run.json and carry on with the rest of the batch.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

from .errors import Errors, GeoextractError, Warnings
from .records import Document

SUFFIXES = (".txt", ".jsonl")
STDIN = "-"
OPTIONAL_FIELDS = ("title", "date", "source", "url")


@dataclass(frozen=True, kw_only=True, slots=True)
class Skipped:
    """An input, or one line of a JSONL input, that was not processed, and why."""

    path: str
    reason: str
    line: int | None = None
    error: bool = True  # False for benign skips (an empty file), True for damaged input

    def message(self) -> str:
        if self.line is None:
            return Warnings.W001.format(path=self.path, reason=self.reason)
        return Warnings.W002.format(path=self.path, line=self.line, reason=self.reason)


@dataclass
class DocumentReader:
    """Reads documents from a mix of paths; `-` is JSONL on standard input.

    Args:
        inputs: paths of .txt files, .jsonl files or folders, or "-".
        stdin: the stream read for "-" (defaults to sys.stdin).
        on_skip: called with each `Skipped` as it happens (the CLI prints it).
    """

    inputs: Iterable[str | os.PathLike[str]]
    stdin: IO[str] | None = None
    on_skip: Callable[[Skipped], None] | None = None
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    _seen_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.inputs = [str(p) for p in self.inputs]
        self.files = self._expand(self.inputs)

    def _expand(self, inputs: list[str]) -> list[str]:
        """Resolve folders into files and fail early on paths that cannot work at all."""
        files: list[str] = []
        for raw in inputs:
            if raw == STDIN:
                files.append(STDIN)
                continue
            path = Path(raw)
            if not path.exists():
                raise GeoextractError(Errors.E001, path=raw)
            if path.is_dir():
                found = sorted(
                    str(p)
                    for p in path.rglob("*")
                    if p.suffix.lower() in SUFFIXES and p.is_file() and not _hidden(p, path)
                )
                if not found:
                    raise GeoextractError(Errors.E002, path=raw)
                files.extend(found)
            elif path.suffix.lower() in SUFFIXES:
                files.append(raw)
            else:
                raise GeoextractError(Errors.E004, path=raw)
        return files

    def __iter__(self) -> Iterator[Document]:
        for name in self.files:
            if name == STDIN:
                yield from self._read_jsonl(self.stdin or sys.stdin, "<stdin>", stem="stdin")
            elif name.lower().endswith(".jsonl"):
                try:
                    with open(name, encoding="utf-8-sig", errors="replace", newline="") as stream:
                        yield from self._read_jsonl(stream, name, stem=Path(name).stem)
                except OSError as error:
                    self._skip(Skipped(path=name, reason=_os_reason(error)))
            else:
                doc = self._read_txt(name)
                if doc is not None:
                    yield doc

    def _read_txt(self, name: str) -> Document | None:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            self._skip(Skipped(path=name, reason=_os_reason(error)))
            return None
        if b"\x00" in data[:8192]:
            self._skip(Skipped(path=name, reason="binary file, not text"))
            return None
        text = _decode(data)
        if text is None:
            text = data.decode("utf-8", errors="replace")
            self.notes.append(f"{name}: invalid UTF-8, undecodable bytes replaced with U+FFFD")
        if not text.strip():
            self._skip(Skipped(path=name, reason="empty file", error=False))
            return None
        return Document(id=self._unique_id(Path(name).stem, name), text=text, path=name)

    def _read_jsonl(self, stream: IO[str], name: str, *, stem: str) -> Iterator[Document]:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                self._skip(Skipped(path=name, line=number, reason=f"not valid JSON ({error.msg})"))
                continue
            if not isinstance(record, dict):
                self._skip(Skipped(path=name, line=number, reason="not a JSON object"))
                continue
            text = record.get("text")
            if not isinstance(text, str):
                self._skip(Skipped(path=name, line=number, reason="no 'text' string"))
                continue
            if not text.strip():
                self._skip(Skipped(path=name, line=number, reason="empty 'text'", error=False))
                continue
            raw_id = record.get("id")
            doc_id = str(raw_id) if raw_id not in (None, "") else f"{stem}-{number}"
            meta = {key: _scalar(record.get(key)) for key in OPTIONAL_FIELDS}
            yield Document(id=self._unique_id(doc_id, name), text=text, path=name, **meta)

    def _unique_id(self, doc_id: str, name: str) -> str:
        new_id, n = doc_id, 1
        while new_id in self._seen_ids:
            n += 1
            new_id = f"{doc_id}-{n}"
        if new_id != doc_id:
            self.notes.append(Warnings.W003.format(path=name, doc_id=doc_id, new_id=new_id))
        self._seen_ids.add(new_id)
        return new_id

    def _skip(self, skipped: Skipped) -> None:
        self.skipped.append(skipped)
        if self.on_skip is not None:
            self.on_skip(skipped)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _scalar(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _os_reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else type(error).__name__
