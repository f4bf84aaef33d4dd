"""Rule data: the actor gazetteer and the relation patterns, read from JSONL and validated.

Both files are data in spaCy's own formats (phrase strings and token patterns for actors,
`DependencyMatcher` and `Matcher` patterns for relations), one object per line with a unique
`id`. Validation collects every problem in a file and raises once, so a curator fixes them
all in one pass.
"""

from __future__ import annotations

import json
import re
import unicodedata
from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from .errors import Errors, GeoextractError
from .records import ACTOR_TYPES, ActionCategory, RelationType

ACTOR_LABELS = ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC")
NAME_FIELDS = ("aliases", "acronyms", "demonyms", "metonyms")
EXACT_FIELDS = ("acronyms", "demonyms")  # matched in their exact case ("US" is not "us")
# Sector codes (CAMEO agent codes, as PETRARCH uses them): what part of an actor acts.
SECTORS = {
    "GOV": "government", "MIL": "military", "SPY": "intelligence", "COP": "police", "JUD": "judiciary",
    "LEG": "legislature", "PTY": "political party", "OPP": "opposition", "REB": "rebels", "ELI": "former elite",
    "IGO": "intergovernmental organisation", "NGO": "non-governmental organisation", "MED": "media",
    "BUS": "business", "EDU": "education and research", "REL": "religious", "LAB": "labour", "CVL": "civilians",
    "CRM": "criminals", "REF": "refugees",
}
FORMER_ELITE = "ELI"  # the sector of a person whose roles have all ended (PETRARCH's convention)
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_DATE_STRICT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][0-9:.+\-Z]*)?\s*$")
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


def validate_actors(records: Iterable[dict[str, Any]], path: str | Path = "<actors>", *,
                    known: Mapping[str, dict[str, Any]] | None = None,
                    standard_codes: bool = True) -> list[dict[str, Any]]:
    """Check gazetteer entries; raise one error listing every problem.

    Args:
        known: actors the file extends (a user file extends the bundled gazetteer): its
            `parent` and role `of` ids may name them.
        standard_codes: `country` must be an ISO 3166 alpha-3 code, `sector` one of SECTORS
            and a person's sector the one its roles give (the bundled gazetteer); False accepts
            any text, as a user's file may code actors in another scheme (PETRARCH's CAMEO
            codes: "+++", "GON", "HOBMIL").
    """
    records = list(records)
    known = known or {}
    problems: list[str] = []
    ids: dict[str, str] = {}
    claims: dict[tuple[str, str, str], tuple[str, str]] = {}  # (type, kind, key) -> (actor id, where)
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
        problems.extend(_check_codes(where, record, standard_codes))
        for key in ("shared", *NAME_FIELDS):  # "shared": names it knowingly shares with an actor of its type
            if not _strings(record.get(key, [])):
                problems.append(f"{where}: '{key}' must be a list of non-empty strings")
        shared = set(record.get("shared", [])) if _strings(record.get("shared", [])) else set()
        for key in NAME_FIELDS:
            values = record.get(key, [])
            if not _strings(values):
                continue
            exact = key in EXACT_FIELDS
            for value in [record.get("name")] + values if key == "aliases" else values:
                if not isinstance(value, str):
                    continue
                claim = (str(record.get("type")), "exact" if exact else "name", value if exact else normalise(value))
                owner, owner_where = claims.setdefault(claim, (str(actor_id), where))
                if owner != actor_id and value not in shared:
                    problems.append(f"{where}: name {value!r} already belongs to actor {owner!r} at {owner_where} "
                                    f"(of the same type: remove it from one, or list it in 'shared' if deliberate)")
        patterns = record.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(p, list) for p in patterns):
            problems.append(f"{where}: 'patterns' must be a list of token patterns (lists of dicts)")
        else:
            from spacy.matcher import Matcher  # spaCy checks its own pattern format
            from spacy.vocab import Vocab

            matcher = Matcher(Vocab(), validate=True)
            for pattern in patterns:
                try:
                    matcher.add("check", [pattern])
                except ValueError as error:
                    problems.append(f"{where}: bad token pattern: {_first_line(error)}")
    everyone = {**known, **{r["id"]: r for r in records if isinstance(r.get("id"), str)}}
    countries = {r.get("country") for r in everyone.values() if r.get("type") == "state"}
    wikidata_ids: dict[str, str] = {}
    for record in records:
        parent = record.get("parent")
        if parent and parent not in everyone:
            problems.append(f"{_where(record)}: parent {parent!r} is not an actor id")
        problems.extend(_check_roles_in_time(_where(record), record, everyone, standard_codes))
        country, wikidata = record.get("country"), record.get("wikidata")
        if standard_codes and isinstance(country, str) and _COUNTRY.match(country) and country not in countries:
            problems.append(f"{_where(record)}: 'country' {country!r} is the code of no state in the gazetteer")
        if isinstance(wikidata, str) and wikidata:
            first = wikidata_ids.setdefault(wikidata, _where(record))
            if first != _where(record):
                problems.append(f"{_where(record)}: wikidata {wikidata!r} is already the id of the actor at {first}")
    if problems:
        _raise(path, problems)
    return records


def _check_codes(where: str, record: dict[str, Any], standard: bool) -> list[str]:
    """Country (ISO 3166 alpha-3), sector and Wikidata id: each empty or well-formed."""
    problems = []
    country, sector, wikidata = (record.get(k) or "" for k in ("country", "sector", "wikidata"))
    if not isinstance(country, str) or standard and country and not _COUNTRY.match(country):
        problems.append(f"{where}: 'country' {country!r} must be an ISO 3166 alpha-3 code like 'RUS' (or empty)")
    elif record.get("type") == "state" and not country:
        problems.append(f"{where}: a state needs its 'country' code (ISO 3166 alpha-3)")
    if _bad_sector(sector, standard):
        problems.append(f"{where}: 'sector' {sector!r} must be one of {', '.join(SECTORS)} (or empty)")
    if not isinstance(wikidata, str) or wikidata and not _WIKIDATA.match(wikidata):
        problems.append(f"{where}: 'wikidata' {wikidata!r} must be an item id like 'Q159' (or empty when unknown)")
    return problems


def _check_roles_in_time(where: str, record: dict[str, Any], everyone: Mapping[str, dict[str, Any]],
                         standard: bool) -> list[str]:
    """Roles: a title, an existing `of` actor, ISO dates in order; a person's sector agrees with them."""
    roles = record.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(role, dict) for role in roles):
        return [f"{where}: 'roles' must be a list of objects ({{\"title\", \"of\", \"start\", \"end\"}})"]
    problems = []
    for number, role in enumerate(roles, start=1):
        at = f"{where} role {number}"
        if not isinstance(role.get("title"), str) or not role["title"].strip():
            problems.append(f"{at}: needs a 'title' string")
        if role.get("of") not in everyone:
            problems.append(f"{at}: 'of' {role.get('of')!r} is not an actor id (name the state or organisation's id)")
        bounds = {}
        for key in ("start", "end"):
            value = role.get(key) or ""
            bounds[key] = date_bounds(value, strict=True) if isinstance(value, str) and value else None
            if value and bounds[key] is None:
                problems.append(f"{at}: '{key}' {value!r} must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
        if bounds["start"] and bounds["end"] and bounds["start"][0] > bounds["end"][1]:
            problems.append(f"{at}: starts ({role['start']}) after it ends ({role['end']})")
        if _bad_sector(role.get("sector") or "", standard):
            problems.append(f"{at}: 'sector' {role['sector']!r} must be one of {', '.join(SECTORS)}")
    sector = record.get("sector") or ""
    if standard and record.get("type") == "person" and roles and sector and not problems:
        current = {role_sector(role, everyone.get(role["of"])) for role in roles if not role.get("end")}
        expected = current or {FORMER_ELITE}
        if sector not in expected:
            why = "the sector of a role without an end" if current else "all its roles have ended: a former elite"
            problems.append(f"{where}: sector {sector!r} disagrees with its roles "
                            f"(expected {' or '.join(sorted(expected))}, {why})")
    return problems


def _strings(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) and v.strip() for v in values)


def _bad_sector(sector: Any, standard: bool) -> bool:
    return not isinstance(sector, str) or standard and bool(sector) and sector not in SECTORS


def role_sector(role: dict[str, Any], of: dict[str, Any] | None) -> str:
    """The sector a role gives its holder: its own `sector`, else that of the actor it is `of`."""
    return str(role.get("sector") or (of or {}).get("sector") or "")


def date_bounds(text: str | None, *, strict: bool = False) -> tuple[str, str] | None:
    """The first and last day an ISO date, possibly partial ("2017", "2017-08"), stands for.

    A time after the date ("2017-08-15T10:00Z") is ignored unless `strict`; None when the text
    is not such a date.
    """
    match = (_DATE_STRICT if strict else _DATE).match(text or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            date(int(year), int(month), int(day))
            return f"{year}-{month}-{day}", f"{year}-{month}-{day}"
        if month:
            last = monthrange(int(year), int(month))[1]
            return f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    except ValueError:
        return None
    return f"{year}-01-01", f"{year}-12-31"


def normalise(text: str) -> str:
    """A lookup key: no accents, case, punctuation, leading article or possessive."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(['’]s|['’])$", "", text.strip())
    text = re.sub(r"^(the)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[\W_]+", "", text.lower())


def validate_relation_patterns(
    records: Iterable[dict[str, Any]], path: str | Path = "<relations>"
) -> list[dict[str, Any]]:
    """Check relation patterns (types, node names, spaCy's own pattern checks); raise once."""
    records = list(records)
    problems: list[str] = []
    seen: dict[str, str] = {}
    from spacy.matcher import DependencyMatcher, Matcher  # spaCy checks its own pattern formats
    from spacy.vocab import Vocab

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
        for key, what in (("not_under", "verb lemmas (\"lift\", \"call off\")"),
                          ("only_under", "verb lemmas (\"strengthen\", \"build up\")"),
                          ("not_objects", "noun lemmas (\"pass\", \"chance\")"),
                          ("not_with", "dependency labels, or a label and a word (\"oprd\", \"prep:over\")")):
            values = record.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                problems.append(f"{where}: '{key}' must be a list of {what}")
        for key in ("symmetric", "implicit_target", "agent_noun"):
            if not isinstance(record.get(key, False), bool):
                problems.append(f"{where}: '{key}' must be true or false")
        supersedes = record.get("supersedes", [])
        if not isinstance(supersedes, list) or not all(v in RelationType.__members__ for v in supersedes):
            problems.append(f"{where}: 'supersedes' must be a list of relation types ({', '.join(RelationType.__members__)})")
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
    """The bundled gazetteer, or a user's file that extends it (and may refer to its actors)."""
    bundled = pipeline_dir() / "actors.jsonl"
    if not path or Path(path).resolve() == bundled.resolve():
        return validate_actors(read_jsonl(bundled), bundled)
    known = {entry["id"]: entry for entry in load_actors()}
    return validate_actors(read_jsonl(path), path, known=known, standard_codes=False)


def load_relation_patterns(path: str | Path | None = None) -> list[dict[str, Any]]:
    path = Path(path) if path else pipeline_dir() / "relations.jsonl"
    return validate_relation_patterns(read_jsonl(path), path)


# -- roles in time ---------------------------------------------------------------------------
def role_at(info_or_roles: dict[str, Any] | list[dict[str, Any]], date: str | None) -> dict[str, Any] | None:
    """The role an actor holds on a date, or None.

    Args:
        info_or_roles: an actor's info (`doc._.actors[id]`, a gazetteer entry) or its roles.
        date: an ISO date, possibly partial ("2017-08", "2017"): a role holds when its dates
            overlap that day, month or year. None or not a date: the current role, one with no end.

    Returns:
        The role (a dict with title, of, start, end...) that started last among those that hold.
    """
    roles = (info_or_roles.get("roles") or []) if isinstance(info_or_roles, dict) else info_or_roles
    period = date_bounds(date) if date else None
    holding = [role for role in roles if _holds(role, period)]
    return max(holding, key=lambda role: _bounds(role.get("start"), 0) or "", default=None)


def attributes_at(info: dict[str, Any], date: str | None) -> dict[str, str]:
    """An actor's `country`, `sector` and `role` (a label, "" for none) on a document date.

    A person's sector is that of the role held on the date; a person whose roles all ended
    before it is a former elite (`ELI`, PETRARCH's code), and one whose first role starts
    after it has no sector (""). Without a date (None, or text that is not an ISO date) the
    gazetteer's sector holds, which validation keeps equal to the current role's. Actors
    without roles keep their gazetteer country and sector.
    """
    country, sector, roles = info.get("country") or "", info.get("sector") or "", info.get("roles") or []
    period = date_bounds(date) if date else None
    role = role_at(roles, date if period else None)
    if roles and period is not None:
        if role is not None:
            sector = role.get("sector") or sector
        elif any(end is not None and end < period[0] for end in (_bounds(r.get("end"), 1) for r in roles)):
            sector = FORMER_ELITE
        else:
            sector = ""
    return {"country": country, "sector": sector, "role": _role_label(role) if role else ""}


def format_roles(roles: list[dict[str, Any]]) -> str:
    """Roles as one cell: "President of Russia 2012-05-07..; Prime Minister of Russia 2008-05-08..2012-05-07"."""
    ordered = sorted(roles, key=lambda role: role.get("start") or "", reverse=True)
    return "; ".join(f"{_role_label(r)} {r.get('start') or ''}..{r.get('end') or ''}" for r in ordered)


def _role_label(role: dict[str, Any]) -> str:
    return role.get("label") or " of ".join(x for x in (role.get("title"), role.get("of")) if x)


def _bounds(value: str | None, side: int) -> str | None:
    bounds = date_bounds(value) if value else None
    return bounds[side] if bounds else None


def _holds(role: dict[str, Any], period: tuple[str, str] | None) -> bool:
    if period is None:
        return not role.get("end")
    start, end = _bounds(role.get("start"), 0), _bounds(role.get("end"), 1)
    return (start is None or start <= period[1]) and (end is None or end >= period[0])
