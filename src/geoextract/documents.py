"""Input documents: .txt, .html and .jsonl files, folders (recursively) and stdin, read lazily.

`DocumentReader` checks every input path before anything is processed (a missing path is an
error, not a surprise halfway through a long run), then yields `Document` records one at a
time, holding one document in memory, never the corpus. Inputs it cannot use are skipped with
a reason, kept in `reader.skipped`, so a run can report them in run.json and carry on with the
rest of the batch; what it changed on the way in is said in `reader.notes`.

`Document.text` is the text as read and normalised, and every offset geoextract writes
indexes it: files lose a UTF-8 BOM and their `\\r\\n` and `\\r` line ends become `\\n`; a file
that is not UTF-8 is decoded as cp1252 (Windows' superset of Latin-1) or, failing that, with
U+FFFD for the bytes that fit nothing; HTML (an .html/.htm file, or a file or JSONL `text` that
is clearly markup) becomes its plain text. JSONL `text` is otherwise kept exactly as given.

Boilerplate lines of scraped pages ("Read more: ...", share buttons, cookie notices) stay in
`Document.text`; `processing_text` blanks them with spaces, keeping every offset, for the text
that goes to spaCy. The patterns are data in pipeline/boilerplate.jsonl.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from itertools import islice
from pathlib import Path
from typing import IO, Callable

from .errors import Errors, GeoextractError, Warnings
from .records import Document
from .rules import parse_jsonl, pipeline_dir, read_lines

HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = (".txt", ".jsonl", *HTML_SUFFIXES)
STDIN = "-"
OPTIONAL_FIELDS = ("title", "date", "source", "url")
SNIFF_BYTES = 65_536  # the head of a file looked at for binary content
MAGIC = ((b"PK\x03\x04", "zip archive"), (b"PK\x05\x06", "zip archive"), (b"\x89PNG", "PNG image"),
         (b"\x1f\x8b", "gzip archive"), (b"%PDF-", "PDF document"), (b"\xff\xd8\xff", "JPEG image"),
         (b"GIF8", "GIF image"), (b"\xd0\xcf\x11\xe0", "MS Office document"), (b"\x7fELF", "executable"),
         (b"7z\xbc\xaf", "7-Zip archive"), (b"Rar!", "RAR archive"))
# Control bytes that text never has (tab, line feed, vertical tab, form feed, carriage return
# and escape are allowed); a file where they are more than 5% of the head is binary.
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
MAX_CONTROL_SHARE = 0.05

# Language check: a bounded sample, and the thresholds tuned on BBC and Reuters news and on
# paragraphs in twelve other languages (tests/test_documents.py).
LANGUAGE_SAMPLE = 50_000
MIN_WORDS, MIN_LETTERS = 20, 100
MIN_LATIN_SHARE = 0.5
MIN_ENGLISH_SHARE = 0.1  # English news runs at 0.35-0.5 function words
MIN_FOREIGN_SHARE = 0.12  # tables of figures reach 0.09 (initials, "del"), foreign prose 0.15 and more
ENGLISH_WORDS = frozenset(
    "a about after all also an and are as at be been but by can could did do for from had has have he "
    "her his i if in into is it its more no not of on one or our over said says she so than that the "
    "their them there they this to under up was we were what when which who will with would you".split())
# Frequent words of other languages written in Latin script that are not English words.
FOREIGN_WORDS = frozenset(
    "le la les des du et est une dans pour qui que pas sur au aux avec ce sont par il elle ont été sa ses "
    "leur mais ou ne nous vous cette aussi être selon der die das und ist nicht den dem ein eine mit sich "
    "auf für von zu im auch wird sind wurde dass oder aber wie bei nach einen einem einer noch nur über "
    "haben werden el los las y en del por con una su se al lo como más pero sus ha es fue entre sobre "
    "también este esta según han di che e della nel sono è gli dei delle alla anche più questo da o os "
    "dos em um uma não para com na ao pelo pela mais foi são seu sua het een van dat niet op te zijn "
    "voor om hun zich ook wordt naar bij och att det som är på för med av inte ett till og er ikke "
    "ich w z ze się nie że jest od za oraz przez dla jak ale aby które który są jego już tym ve bir bu için "
    "ile olarak gibi daha göre olan ise kadar sonra yang dan ini "
    "itu dengan untuk dari dalam tidak akan és hogy egy và của là các có được trong cho những một người".split())
_WORD = re.compile(r"[^\W\d_]+")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")

# Clearly markup: a page start, or a tag first and a closing tag later (Reuters writes company
# names as "<A/S Norske Shell>"), or several block tags.
_HTML_PAGE = re.compile(r"\s*<(!doctype\s+html|html|head|body|!--)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(r"\s*<(p|div|article|section|main|header|span|a|h[1-6]|table|ul|ol|title|meta)[\s>]",
                         re.IGNORECASE)
_HTML_END = re.compile(r"</[a-z][a-z0-9]*>", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|article|section|header|footer|ul|ol|table|blockquote)\b[^<>]*>",
                         re.IGNORECASE)
SKIP_TAGS = frozenset({"script", "style", "noscript", "svg", "iframe", "template"})
LINE_TAGS = frozenset({"br", "li", "tr", "dt", "dd"})
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption details div dl figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr main nav ol p pre section summary table ul".split())
# JSON may escape half a character ("\ud800"); such a lone surrogate cannot be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SPACE = re.compile(r"\s+")
_BREAK = re.compile(r"[^\S\n]*\n\s*")
_LINE = re.compile(r"[^\n]+")
MAX_BOILERPLATE_LINE = 700


@dataclass(frozen=True, kw_only=True, slots=True)
class Skipped:
    """An input, or one line of a JSONL input, that was not processed, and why."""

    path: str
    reason: str
    line: int | None = None
    error: bool = True  # False for benign skips (an empty file, another language), True for damaged input

    def message(self) -> str:
        if self.line is None:
            return Warnings.W001.format(path=self.path, reason=self.reason)
        return Warnings.W002.format(path=self.path, line=self.line, reason=self.reason)


@dataclass
class DocumentReader:
    """Reads documents from a mix of paths; `-` is JSONL on standard input.

    Args:
        inputs: paths of .txt, .html/.htm or .jsonl files or folders, or "-".
        stdin: the stream read for "-" (defaults to sys.stdin), text or bytes.
        on_skip: called with each `Skipped` as it happens (the CLI prints it).
        skip_non_english: skip documents that are clearly in another language (benign skips).
    """

    inputs: Iterable[str | os.PathLike[str]]
    stdin: IO[str] | IO[bytes] | None = None
    on_skip: Callable[[Skipped], None] | None = None
    skip_non_english: bool = True
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
                stream = self.stdin or getattr(sys.stdin, "buffer", sys.stdin)
                yield from self._read_jsonl(stream, "<stdin>", stem="stdin")
            elif name.lower().endswith(".jsonl"):
                yield from self._read_jsonl_file(name)
            else:
                doc = self._read_file(name)
                if doc is not None:
                    yield doc

    def _read_file(self, name: str) -> Document | None:
        """A .txt or .html file as one document."""
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            self._skip(Skipped(path=name, reason=_os_reason(error)))
            return None
        if not data:
            self._skip(Skipped(path=name, reason="empty file", error=False))
            return None
        if (binary := _binary_reason(data[:SNIFF_BYTES])) is not None:
            self._skip(Skipped(path=name, reason=binary))
            return None
        text, encoding = _decode(data)
        del data  # the bytes of a large file need not live on beside its text
        if encoding is not None:
            self.notes.append(Warnings.W005.format(path=name, encoding=encoding))
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        title, html = None, False
        if name.lower().endswith(HTML_SUFFIXES) or _looks_like_html(text):
            text, title = html_text(text)
            self.notes.append(Warnings.W007.format(path=name))
            html = True
        return self._document(text, title=title, path=name, line=None, doc_id=Path(name).stem, meta={}, html=html)

    def _read_jsonl_file(self, name: str) -> Iterator[Document]:
        try:
            with open(name, "rb") as stream:
                head = stream.read(SNIFF_BYTES)
                if (binary := _binary_reason(head)) is not None:
                    self._skip(Skipped(path=name, reason=binary))
                    return
                stream.seek(0)
                if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # its lines are not split at b"\n"
                    self.notes.append(Warnings.W005.format(path=name, encoding="UTF-16"))
                    yield from self._read_jsonl(io.TextIOWrapper(stream, encoding="utf-16", errors="replace"),
                                                name, stem=Path(name).stem)
                else:
                    yield from self._read_jsonl(stream, name, stem=Path(name).stem)
        except OSError as error:
            self._skip(Skipped(path=name, reason=_os_reason(error)))

    def _read_jsonl(self, stream: IO[str] | IO[bytes], name: str, *, stem: str) -> Iterator[Document]:
        """One document per line; a line that is not one is skipped with its number."""
        encodings: Counter[str] = Counter()
        first_bad: int | None = None
        html_lines: list[int] = []
        surrogate_lines: list[int] = []
        number = 0
        try:
            for number, line in enumerate(stream, start=1):
                if isinstance(line, bytes):
                    line, encoding = _decode(line, "utf-8")
                    if encoding is not None:
                        encodings[encoding] += 1
                        first_bad = first_bad or number
                if not line.strip():
                    continue
                try:
                    record = json.loads(line.lstrip("\ufeff") if number == 1 else line)
                except json.JSONDecodeError as error:
                    self._skip(Skipped(path=name, line=number, reason=f"not valid JSON ({error.msg})"))
                    continue
                except RecursionError:  # a line of thousands of nested brackets
                    self._skip(Skipped(path=name, line=number, reason="not valid JSON (nested too deeply)"))
                    continue
                if not isinstance(record, dict):
                    self._skip(Skipped(path=name, line=number, reason="not a JSON object"))
                    continue
                if _SURROGATE_ESCAPE.search(line) or _SURROGATE.search(line):  # else none can be in the record
                    cleaned = _without_surrogates(record)
                    if cleaned != record:
                        record = cleaned
                        surrogate_lines.append(number)
                text = record.get("text")
                if not isinstance(text, str):
                    self._skip(Skipped(path=name, line=number, reason="no 'text' string"))
                    continue
                meta = {key: _scalar(record.get(key)) for key in OPTIONAL_FIELDS}
                title = meta.pop("title")
                if html := _looks_like_html(text):
                    text, html_title = html_text(text)
                    title = title or html_title
                    html_lines.append(number)
                raw_id = record.get("id")
                valid_id = isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool) and raw_id != ""
                doc = self._document(text, title=title, path=name, line=number,
                                     doc_id=str(raw_id) if valid_id else f"{stem}-{number}", meta=meta, html=html)
                if doc is not None:
                    yield doc
        except (OSError, UnicodeDecodeError) as error:  # a text stream that breaks off or is not UTF-8
            reason = _os_reason(error) if isinstance(error, OSError) else f"not UTF-8 text ({error.reason})"
            self._skip(Skipped(path=name, line=number + 1, reason=f"{reason}; the rest of the input was not read"))
        for encoding, count in encodings.items():
            self.notes.append(Warnings.W006.format(path=name, count=count, line=first_bad, encoding=encoding))
        if html_lines:
            self.notes.append(Warnings.W008.format(path=name, count=len(html_lines), line=html_lines[0]))
        if surrogate_lines:
            self.notes.append(Warnings.W009.format(path=name, count=len(surrogate_lines), line=surrogate_lines[0]))

    def _document(self, text: str, *, title: str | None, path: str, line: int | None, doc_id: str,
                  meta: dict[str, str | None], html: bool) -> Document | None:
        """The document, or None when it is skipped because it has no usable text."""
        if not text.strip():
            what = "no text in the HTML" if html else "empty 'text'" if line is not None else "whitespace only, no text"
            self._skip(Skipped(path=path, line=line, reason=what, error=False))
            return None
        if self.skip_non_english and (problem := non_english_reason(text)) is not None:
            self._skip(Skipped(path=path, line=line, reason=problem, error=False))
            return None
        return Document(id=self._unique_id(doc_id, path), text=text, title=title, path=path, line=line, **meta)

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


def non_english_reason(text: str) -> str | None:
    """Why `text` is not English prose, or None when it may be (or is too short to tell).

    Cheap and conservative: it looks at the first 50,000 characters; text in another script is
    judged from 100 letters, Latin-script text from 20 words, and only when English function
    words are rare and another language's are more common, so tables of figures, headlines in
    capitals and lists of names pass.
    """
    words = _WORD.findall(text[:LANGUAGE_SAMPLE])
    joined = "".join(words)
    letters = len(joined)
    # ASCII letters are Latin: when they alone make the share, the count of the others is moot
    if letters >= MIN_LETTERS and len(joined.encode("ascii", "ignore")) < MIN_LATIN_SHARE * letters:
        latin = len(_LATIN_LETTER.findall(joined)) / letters
        if latin < MIN_LATIN_SHARE:
            return f"mostly non-Latin script ({latin:.0%} Latin letters)"
    if len(words) < MIN_WORDS:
        return None
    lowered = [word.lower() for word in words]
    english = sum(word in ENGLISH_WORDS for word in lowered) / len(words)
    foreign = sum(word in FOREIGN_WORDS for word in lowered) / len(words)
    if english < MIN_ENGLISH_SHARE and foreign >= max(MIN_FOREIGN_SHARE, english):
        return f"not English: {english:.0%} English function words"
    return None


def html_text(markup: str) -> tuple[str, str | None]:
    """Plain text and title of an HTML page.

    Tags are dropped, script/style/noscript/svg/iframe/template content removed, entities
    decoded; block elements end paragraphs (a blank line), `br`, `li` and table rows end
    lines, and other whitespace collapses to single spaces.
    """
    if "<![" in markup:  # marked sections crash html.parser; make them bogus comments it ignores
        markup = markup.replace("<![", "<!-[")
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = _BREAK.sub(lambda m: "\n\n" if m.group().count("\n") > 1 else "\n", "".join(parser.pieces))
    title = _SPACE.sub(" ", "".join(parser.title)).strip()
    return text.strip(), title or None


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.title: list[str] = []
        self.skipping = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag in LINE_TAGS:
            self.pieces.append("\n")
        elif tag in BLOCK_TAGS:
            self.in_title = False  # an unclosed <title> must not swallow the page
            self.pieces.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in BLOCK_TAGS:
            self.pieces.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        (self.title if self.in_title else self.pieces).append(_SPACE.sub(" ", data))


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges (start, end) of the whole lines of `text` that are page boilerplate."""
    pattern = boilerplate_pattern()
    spans = []
    for match in _LINE.finditer(text):
        line = match.group().strip()
        if line and len(line) <= MAX_BOILERPLATE_LINE and pattern.fullmatch(line):
            spans.append(match.span())
    return spans


def processing_text(document: Document) -> str:
    """`document.text` with its boilerplate lines blanked by spaces: same length, same offsets."""
    text, pieces, last = document.text, [], 0
    for start, end in boilerplate_spans(text):
        pieces += (text[last:start], " " * (end - start))
        last = end
    return "".join(pieces) + text[last:] if pieces else text


@cache
def boilerplate_pattern(path: str | None = None) -> re.Pattern[str]:
    """The boilerplate line patterns of a JSONL file (default pipeline/boilerplate.jsonl) as
    one case-insensitive regex for `fullmatch` on a stripped line.

    Raises:
        GeoextractError: E003 if the file cannot be read, E008 listing every bad pattern.
    """
    path = path or str(pipeline_dir() / "boilerplate.jsonl")
    records, problems = parse_jsonl(read_lines(path))
    seen: set[str] = set()
    for record in records:
        where, pattern = f"line {record['_line']}", record.get("pattern")
        if not isinstance(record.get("id"), str) or record["id"] in seen:
            problems.append(f"{where}: 'id' missing, not a string or used twice")
        seen.add(str(record.get("id")))
        if not isinstance(pattern, str) or not pattern:
            problems.append(f"{where}: 'pattern' must be a non-empty string")
            continue
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(f"{where}: 'pattern' is not a valid regex ({error})")
    if problems:
        details = "\n".join(f"  - {p}" for p in problems)
        raise GeoextractError(Errors.E008, path=path, count=len(problems), details=details)
    return re.compile("|".join(f"(?:{r['pattern']})" for r in records), re.IGNORECASE)


def _binary_reason(head: bytes) -> str | None:
    """Why the head of a file shows it is not text, or None."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return f"binary file ({kind}), not text"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary file (NUL bytes), not text"
    control = len(head) - len(head.translate(None, CONTROL_BYTES))
    if control > MAX_CONTROL_SHARE * len(head):
        return f"binary file ({control / len(head):.0%} control characters), not text"
    return None


def _decode(data: bytes, codec: str = "utf-8-sig") -> tuple[str, str | None]:
    """The text of `data` and, when it is not UTF-8, the encoding used; `codec` "utf-8" keeps a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode(codec), None
    except UnicodeDecodeError:
        pass
    lossy = data.decode(codec, errors="replace")
    # Valid multi-byte characters shorten the text; when they outnumber the bad bytes the data
    # is damaged UTF-8, and reading it all as cp1252 would garble the good characters.
    bom = 3 if codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
    saved = len(data) - len(lossy) - bom
    if saved < lossy.count("\ufffd"):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return lossy, "UTF-8 with undecodable bytes replaced by U+FFFD"


def _looks_like_html(text: str) -> bool:
    """Whether text is clearly markup (see `_HTML_PAGE`)."""
    return (bool(_HTML_PAGE.match(text)) or bool(_HTML_START.match(text) and _HTML_END.search(text))
            or sum(1 for _ in islice(_HTML_BLOCK.finditer(text), 3)) == 3)


def _without_surrogates(value: object) -> object:
    """A parsed JSON value with every lone surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def _scalar(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _os_reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else type(error).__name__
