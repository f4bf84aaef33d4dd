"""Rule data: the actor gazetteer and the relation patterns, read from JSONL and validated.

Both files are data in spaCy's own formats (phrase strings and token patterns for actors,
`DependencyMatcher` and `Matcher` patterns for relations), one object per line with a unique
`id`. Validation collects every problem in a file and raises once, so a curator fixes them
all in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.vocab import Vocab

from .errors import Errors, GeoextractError
from .records import ACTOR_TYPES, ActionCategory, RelationType

ACTOR_LABELS = ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC")
NAME_FIELDS = ("aliases", "acronyms", "demonyms", "metonyms")
ROLES = ("trigger", "source", "target", "action")


def pipeline_dir() -> Path:
    """The folder with the default config and rule files.

    A wheel carries it inside the package; a source checkout (editable install) has it at the
    top of the repository.
    """
    packaged = Path(__file__).parent / "pipeline"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "pipeline"


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a rule file; a line that is not a JSON object is reported with its number."""
    records, problems = parse_jsonl(read_lines(path))
    if problems:
        _raise(path, problems)
    return records


def read_lines(path: str | Path) -> list[str]:
    """A UTF-8 text file's lines, or a one-line error (E003) saying why it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise GeoextractError(Errors.E003, path=path, reason=reason) from None


def parse_jsonl(lines: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """JSON objects, each with its line number as `_line`, and a problem per bad line. Blank
    lines and `//` comments are skipped."""
    records, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        record["_line"] = number
        records.append(record)
    return records, problems


def _raise(path: str | Path, problems: list[str]) -> None:
    details = "\n".join(f"  - {p}" for p in problems)
    raise GeoextractError(Errors.E008, path=path, count=len(problems), details=details)


def _where(record: dict[str, Any]) -> str:
    return f"line {record.get('_line', '?')} (id {record.get('id', '?')!r})"


def validate_actors(records: Iterable[dict[str, Any]], path: str | Path = "<actors>") -> list[dict[str, Any]]:
    """Check gazetteer entries; raise one error listing every problem."""
    records = list(records)
    problems: list[str] = []
    ids: dict[str, str] = {}
    owners: dict[str, str] = {}
    for record in records:
        where = _where(record)
        actor_id = record.get("id")
        if not isinstance(actor_id, str) or not actor_id:
            problems.append(f"{where}: 'id' must be a non-empty string")
        elif actor_id in ids:
            problems.append(f"{where}: duplicate id, first used at {ids[actor_id]}")
        else:
            ids[actor_id] = where
        if not isinstance(record.get("name"), str) or not record.get("name"):
            problems.append(f"{where}: 'name' must be a non-empty string")
        if record.get("type") not in ACTOR_TYPES:
            problems.append(f"{where}: 'type' must be one of {', '.join(ACTOR_TYPES)}")
        if record.get("label") not in ACTOR_LABELS:
            problems.append(f"{where}: 'label' must be one of {', '.join(ACTOR_LABELS)}")
        for key in NAME_FIELDS:
            values = record.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                problems.append(f"{where}: '{key}' must be a list of non-empty strings")
                continue
            for value in [record.get("name")] + values if key == "aliases" else values:
                if not isinstance(value, str):
                    continue
                owner = owners.setdefault(value, str(actor_id))
                if owner != actor_id:
                    problems.append(f"{where}: name {value!r} already belongs to actor {owner!r}")
        patterns = record.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(p, list) for p in patterns):
            problems.append(f"{where}: 'patterns' must be a list of token patterns (lists of dicts)")
        else:
            matcher = Matcher(Vocab(), validate=True)
            for pattern in patterns:
                try:
                    matcher.add("check", [pattern])
                except ValueError as error:
                    problems.append(f"{where}: bad token pattern: {_first_line(error)}")
        for role in record.get("roles", []) or []:
            if not isinstance(role, dict) or not isinstance(role.get("title"), str):
                problems.append(f"{where}: each role needs a 'title' string")
    for record in records:
        parent = record.get("parent")
        if parent and parent not in ids:
            problems.append(f"{_where(record)}: parent {parent!r} is not an actor id")
    if problems:
        _raise(path, problems)
    return records


def validate_relation_patterns(
    records: Iterable[dict[str, Any]], path: str | Path = "<relations>"
) -> list[dict[str, Any]]:
    """Check relation patterns (types, node names, spaCy's own pattern checks); raise once."""
    records = list(records)
    problems: list[str] = []
    seen: dict[str, str] = {}
    vocab = Vocab()
    for record in records:
        where = _where(record)
        pattern_id = record.get("id")
        if not isinstance(pattern_id, str) or not pattern_id:
            problems.append(f"{where}: 'id' must be a non-empty string")
        elif pattern_id in seen:
            problems.append(f"{where}: duplicate id, first used at {seen[pattern_id]}")
        else:
            seen[pattern_id] = where
        if record.get("relation") not in RelationType.__members__:
            problems.append(f"{where}: 'relation' must be one of {', '.join(RelationType.__members__)}")
        if record.get("action_category") not in ActionCategory.__members__:
            problems.append(
                f"{where}: 'action_category' must be one of {', '.join(ActionCategory.__members__)}"
            )
        not_under = record.get("not_under", [])
        if not isinstance(not_under, list) or not all(isinstance(v, str) and v.strip() for v in not_under):
            problems.append(f"{where}: 'not_under' must be a list of verb lemmas (\"lift\", \"call off\")")
        confidence = record.get("confidence", 0.7)
        if not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
            problems.append(f"{where}: 'confidence' must be a number in (0, 1]")
        pattern = record.get("pattern")
        if not isinstance(pattern, list) or not pattern or not all(isinstance(n, dict) for n in pattern):
            problems.append(f"{where}: 'pattern' must be a non-empty list of objects")
            continue
        if "RIGHT_ID" in pattern[0]:
            names = [node.get("RIGHT_ID") for node in pattern]
            problems.extend(_check_roles(where, names, record))
            matcher = DependencyMatcher(vocab, validate=True)
            try:
                matcher.add("check", [pattern])
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{where}: bad DependencyMatcher pattern: {_first_line(error)}")
        else:
            roles = record.get("roles")
            if not isinstance(roles, list) or len(roles) != len(pattern):
                problems.append(f"{where}: a token pattern needs 'roles', one entry (or null) per token")
            else:
                problems.extend(_check_roles(where, roles, record))
            matcher = Matcher(vocab, validate=True)
            try:
                matcher.add("check", [pattern])
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{where}: bad Matcher pattern: {_first_line(error)}")
    if problems:
        _raise(path, problems)
    return records


def _check_roles(where: str, names: list[Any], record: dict[str, Any]) -> list[str]:
    problems = []
    if "trigger" not in names:
        problems.append(f"{where}: the pattern needs a node named 'trigger'")
    if "target" not in names and not record.get("implicit_target"):
        problems.append(f"{where}: the pattern needs a node named 'target' (or \"implicit_target\": true)")
    if record.get("relation") == "STATEMENT" or "source" in names:
        return problems
    if record.get("target_from", "node") not in ("node", "clause", "warning"):
        problems.append(f"{where}: 'target_from' must be 'node', 'clause' or 'warning'")
    if not record.get("source_from", "subject") in ("subject", "document"):
        problems.append(f"{where}: 'source_from' must be 'subject' or 'document'")
    return problems


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def load_actors(path: str | Path | None = None) -> list[dict[str, Any]]:
    path = Path(path) if path else pipeline_dir() / "actors.jsonl"
    return validate_actors(read_jsonl(path), path)


def load_relation_patterns(path: str | Path | None = None) -> list[dict[str, Any]]:
    path = Path(path) if path else pipeline_dir() / "relations.jsonl"
    return validate_relation_patterns(read_jsonl(path), path)
