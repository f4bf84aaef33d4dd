"""Named entities made consistent within a document, after the statistical NER.

A small CNN tagger labels each mention on its own, so one article may call "Tarango" a person
in one sentence and an organisation in the next, or miss "Lebed" after tagging "Alexander
Lebed". Within one document a name almost always means one thing, so this component:

- cuts a name the NER ran on across a line break, an unclosed bracket, a dateline's date or,
  in a sports story, a score (`_cut_names`: "[Hizbollah ( Party of God]", "[Pohang 3 Ulsan 2]");
- reads names from grammar the small model misses (`grammar_names`): a person after a title
  ("Sen. Strom Thurmond", "rancher Darly Alves da Silva"), before an age (", 54,"), in
  apposition to a role only a person holds ("X, deputy leader of ..."), or killing or killed
  ("Ruby shot Oswald"); an organisation by its head noun ("District of Columbia Council" is
  no place); a title that the NER swallowed into an organisation's name split off ("Coast
  Guard Lt.");
- relabels every mention of the same name to the label most of its mentions got (a longer,
  multi-word mention of a person counts for its surname too);
- adds the mentions the NER missed: a capitalised token or token sequence that spells a name
  already tagged elsewhere in the document, or the surname of a tagged person.

It writes `doc.ents`; the actor resolver after it reads them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

import numpy as np
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

NAME_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")
# Labels of names that are no actor: who kills or is killed and was given one is a person.
_NOT_ACTORS = ("LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE")
# Words that are capitalised at the start of a sentence or in headlines but are not names.
_STOP = {"the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "this", "that",
         "mr", "mrs", "ms", "dr", "president", "minister", "prime", "new", "north", "south", "east", "west"}
# Honorifics and abbreviated ranks: the capitalised words after them name a person, whatever
# the NER said ("Sen. Strom Thurmond", "Gen. Samuel K. Doe", "Mr. Tarango").
HONORIFICS = {"mr", "mrs", "ms", "messrs", "dr", "sen", "rep", "gen", "lt", "col", "capt", "sgt", "maj", "adm",
              "cmdr", "cpl", "pvt", "gov", "rev", "prof", "sheikh", "ayatollah", "mme", "sir", "dame"}
HONORIFICS |= {word + "." for word in HONORIFICS}
# Roles written right before a name ("President William Tolbert", "spokesman Li Zhaoxing",
# "rancher Darly Alves da Silva"): the capitalised words after them are a person.
ROLE_TITLES = {
    "president", "vice", "senator", "congressman", "congresswoman", "governor", "mayor", "judge", "justice",
    "prince", "princess", "king", "queen", "emperor", "pope", "cardinal", "bishop", "archbishop", "rabbi", "imam",
    "cleric", "emir", "sultan", "general", "colonel", "captain", "lieutenant", "sergeant", "admiral", "commander",
    "officer", "detective", "inspector", "professor", "chancellor", "premier", "minister", "secretary",
    "ambassador", "envoy", "commissioner", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson",
    "director", "deputy", "speaker", "leader", "chief", "administrator", "executive", "correspondent", "reporter",
    "editor", "publisher", "columnist", "anchor", "lawyer", "attorney", "prosecutor", "solicitor", "sheriff",
    "actor", "actress", "singer", "soprano", "tenor", "writer", "author", "novelist", "poet", "playwright",
    "producer", "composer", "conductor", "pianist", "linguist", "economist", "analyst", "scientist", "researcher",
    "historian", "physicist", "academician", "astronaut", "coach", "manager", "rancher", "farmer", "businessman",
    "businesswoman", "tycoon", "banker", "diplomat", "dissident", "activist", "candidate", "nominee", "aide",
    "adviser", "advisor", "negotiator", "mediator", "founder", "treasurer", "counselor", "doctor", "surgeon",
    "physician", "psychiatrist", "priest", "pastor", "warlord", "dictator", "strongman", "lord", "lady",
}
TITLES = HONORIFICS | ROLE_TITLES
# Roles in apposition that only a person holds: "Ruben Blades, presidential candidate of ...".
# The name is a person even if the NER said otherwise.
APPOSITION_ROLES = (ROLE_TITLES - {"lord", "lady", "vice", "leader", "executive", "justice", "founder"}) | {
    "official", "politician", "lawmaker", "legislator", "delegate", "employee", "engineer", "teacher", "student",
    "journalist", "photographer", "resident", "citizen", "native", "veteran", "expert", "specialist", "consultant",
    "strategist", "designer", "architect", "assistant", "widow", "wife", "husband", "son", "daughter", "father",
    "mother", "brother", "sister", "man", "woman"}
# Roles a state or a company can hold too ("China, the leader in solar power", "X, founder of
# Y"): a name the NER missed is a person ("Vyacheslav Chornovil, leader of the Rukh"), a tagged
# one keeps its label. ("member", "owner", "host", "partner" are not person roles at all.)
SHARED_ROLES = {"leader", "head", "founder", "executive", "chief"}
# Roles held in companies and other organisations: a proper noun the NER left out right before
# one names the organisation ("Assipen Director X", "Healy president X", "a CBOT trader").
# Not the roles of public office, which a place usually comes before ("Texas Gov. X").
COMPANY_ROLES = {"director", "president", "chairman", "chairwoman", "spokesman", "spokeswoman", "spokesperson",
                 "executive", "trader", "employee", "official", "manager", "founder", "treasurer", "editor",
                 "publisher", "reporter", "correspondent", "columnist", "anchor", "analyst", "economist", "engineer",
                 "researcher", "worker"}
# Who kills or is killed is a person when the NER missed the name ("Ruby fatally shot Oswald").
KILL_VERBS = {"kill", "shoot", "murder", "assassinate", "stab", "slay", "strangle", "behead", "wound", "gun",
              "poison", "lynch"}
KILL_NOUNS = {"killing", "murder", "assassination", "slaying", "shooting", "stabbing"}
KILLER_NOUNS = {"assassin", "killer", "murderer", "slayer", "gunman"}
KILLING = KILL_VERBS | KILL_NOUNS | KILLER_NOUNS
# Who says is a person when the NER missed the name ("Bowier said", ", said Tidwell"); an
# organisation it missed would be read as one too, so a tagged name keeps its label.
SAY_VERBS = {"say", "tell", "add", "insist", "explain", "recall", "testify", "write", "think", "believe"}
# Who is convicted, sentenced or arrested, or pleads guilty, is a person when the NER missed
# the name ("Hale was sentenced to life"); a company can be convicted too, so a tagged name
# keeps its label. The passive subject of the first, the subject of the second.
DEFENDANT_PASSIVE = {"convict", "sentence", "indict", "acquit", "jail", "imprison", "extradite", "parole", "arrest",
                     "execute"}
DEFENDANT_ACTIVE = {"plead", "confess"}
PERSON_ROLES = APPOSITION_ROLES | SHARED_ROLES  # a role in apposition or after "is" names a person
# Head nouns of organisations: a name ending in one is no place or person ("District of
# Columbia Council", "John F. Kennedy School of Government"). Not "union" (the Soviet Union)
# or "bank" (the West Bank).
ORG_HEADS = {
    "university", "college", "school", "institute", "institution", "academy", "council", "party", "committee",
    "subcommittee", "commission", "ministry", "department", "court", "association", "agency", "company",
    "corporation", "corp", "corp.", "inc", "inc.", "co.", "ltd", "ltd.", "plc", "federation", "confederation",
    "front", "movement", "army", "navy", "forces", "fleet", "guard", "police", "service", "board", "foundation",
    "society", "club", "league", "organization", "organisation", "hospital", "assembly", "parliament", "senate",
    "congress", "tribunal", "cabinet", "bureau", "network", "airlines", "airways", "fund", "authority"}
# A lower-case noun right before a name that says the name is an organisation's:
# "the news agency Tanjug", "Belgian club Standard Liege", "mineral water firm Multico".
ORG_DESCRIPTORS = {  # not words that also name a person's trade: "automaker Henry Ford", "publisher X"
    "agency", "club", "team", "side", "company", "firm", "group", "bank", "newspaper", "daily", "weekly",
    "broadcaster", "airline", "carrier", "insurer", "retailer", "refiner", "conglomerate", "subsidiary", "outfit",
    "chipmaker", "steelmaker", "shipbuilder", "lender", "utility"}
# "the town of X": X is a place.
PLACE_NOUNS = {"town", "village", "city", "port", "province", "region", "district", "capital", "island", "suburb",
               "enclave", "settlement", "outskirts"}
# A place's noun right before its name: "the Chechen capital Grozny", "the port city Rajin".
_PLACE_BEFORE = PLACE_NOUNS - {"settlement", "outskirts"}
# The first-class counties of English cricket: in a cricket story, teams, not places or people.
CRICKET_COUNTIES = {
    "derbyshire", "durham", "essex", "glamorgan", "gloucestershire", "hampshire", "kent", "lancashire",
    "leicestershire", "middlesex", "northamptonshire", "nottinghamshire", "somerset", "surrey", "sussex",
    "warwickshire", "worcestershire", "yorkshire"}
# Organisation heads that, capitalised after capitalised words the NER left untagged, make
# those words an organisation's name ("Conservative Party", "Papa Egoro Movement").
NAMED_ORG_HEADS = {"party", "movement", "front", "league", "alliance", "institute", "university", "college",
                   "association", "federation", "foundation", "commission", "committee", "council", "ministry",
                   "agency", "corporation", "society", "organization", "organisation"}
# Lower-case words inside a person's name: "Darly Alves da Silva", "Ludwig van Beethoven".
NAME_PARTICLES = {"de", "da", "do", "dos", "das", "van", "von", "der", "den", "bin", "ibn", "al", "el", "la", "le",
                  "del", "di", "du"}
# Words a title-case headline leaves in lower case ("Talks on the Border Fail").
_SMALL_WORDS = NAME_PARTICLES | {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "by",
                                 "with", "from", "as", "vs"}


@Language.component("geoextract_entities", assigns=["doc.ents"], requires=["doc.ents"])
def consistent_entities(doc: Doc) -> Doc:
    ents = _acronyms(doc, grammar_names(doc, list(doc.ents)))
    if not ents:
        return doc
    votes: dict[str, Counter] = defaultdict(Counter)
    companies: set[str] = set()
    sports = sports_story(doc)
    for ent in ents:
        if ent.label_ not in NAME_LABELS or sports and dateline(ent):
            continue  # a sports story's dateline place may be a club too: "NICE , France 1996-08-29"
        votes[_key(ent.text)][ent.label_] += len(ent)
        if ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].text[:1].isupper():
            votes[_key(ent[-1].text)]["PERSON"] += 2  # "Lebed" after "Alexander Lebed"
        elif ent.label_ == "ORG" and _company(ent):
            companies.add(_key(ent[:-1].text))
            if len(ent) > 2 and ent[0].is_title and ent[1].lower_ in _GENERIC_COMPANY_WORDS:
                companies.add(ent[0].lower_)  # "Magna" after "Magna International Inc"
    lower = doc.to_array(LOWER)  # read once: the cue words below, and the untagged mentions at the end
    cricket = sports and players_table(doc, ents) and doc.user_data.get(_CRICKET_KEY)
    _descriptor_votes(doc, lower, votes, cricket)
    label_of = {key: counts.most_common(1)[0][0] for key, counts in votes.items()}
    # "Wang" after "Wang Donghai", however often the NER said ORG; in a sports story also a
    # place's name ("Jordan" after "Michael Jordan"), which the actor stage's gazetteer then
    # leaves alone. Elsewhere the small model's people of two words are too often no one's
    # ("Across Wales", "Swansea Unite") to take a place from the gazetteer.
    teams = _teams(doc, ents) if sports else set()
    # not "Pirelli" after "Pirelli SpA" and "[Pirelli Cables]" (PERSON), nor "Ajax" after
    # "champions [Ajax Amsterdam]" (PERSON)
    parts = _name_parts(ents) - companies - {word for team in teams for word in team.split()}
    relabel = ("ORG", "GPE", "LOC") if sports else ("ORG",)
    for key in parts:
        if label_of.get(key) in relabel:
            label_of[key] = "PERSON"
    if parts and sports:
        doc.user_data[_PARTS_KEY] = sorted(parts)  # a list: user_data is serialised with the Doc (msgpack)
    for key in companies | (teams - parts):
        if label_of.get(key) == "PERSON":
            label_of[key] = "ORG"  # "Pirelli" after "Pirelli SpA", however often the NER said PERSON
    if cricket:
        for key in CRICKET_COUNTIES:  # county cricket: "Essex need another 148 to beat Yorkshire"
            label_of[key] = "ORG"
    new_ents: list[Span] = []
    for ent in ents:
        label = label_of.get(_key(ent.text)) if ent.label_ in NAME_LABELS and not dateline(ent) else None
        if _venue(doc, ent, label or ent.label_, sports):
            label = "LOC"  # "a test at Headingley", "hanged at Changi Prison"
        elif (label or ent.label_) in ("ORG", "GPE", "LOC") and _initial_and_surname(ent):
            label = "PERSON"  # "C. Orrin b Pellew 5", "D. Varga": an initial names a person
        new_ents.append(Span(doc, ent.start, ent.end, label=label) if label and label != ent.label_ else ent)
    # mentions the NER missed: the same spelling as a tagged name (up to four tokens)
    covered = {i for ent in new_ents for i in range(ent.start, ent.end)}
    names = {key for key in label_of if key.split()[0] not in _STOP}
    firsts = {key.split()[0] for key in names}  # most tokens start no name: one set lookup each
    longest = max((len(key.split()) for key in names), default=0)
    added: list[Span] = []
    # Only tokens that start a known name are looked at (a numpy test over the lower-case ids),
    # not every token of the document.
    first_ids = np.unique(np.array([doc.vocab.strings.as_int(first) for first in firsts], dtype="uint64"))
    candidates = _member(lower, first_ids).nonzero()[0].tolist() if len(first_ids) else []
    i = 0
    for candidate in candidates:
        if candidate < i:  # inside a name added just before
            continue
        i = candidate
        token = doc[i]
        if i in covered or not token.text[:1].isupper():
            continue
        found = None
        for size in range(min(longest, 4), 0, -1):
            span = doc[i:i + size]
            if len(span) == size and not any(j in covered for j in range(span.start, span.end)) and _key(span.text) in names:
                if all(t.text[:1].isupper() or t.is_punct for t in span):
                    found = span
                    break
        if found is not None:
            label = label_of[_key(found.text)]
            start = found.start
            if label == "PERSON" and start > 0 and start - 1 not in covered and _given_name(doc[start - 1]):
                start -= 1  # "H. Streak" after "Streak 10-1-47-2", "Tino Martinez" after "Martinez"
            sponsor = found.end < len(doc) and doc[found.end].lower_ in _COMPETITIONS  # "AT TOSHIBA CLASSIC"
            if _venue(doc, found, label, sports) and not sponsor:
                label = "LOC"  # "SEATTLE AT BOSTON": where, like the tagged mentions above
            added.append(Span(doc, start, found.end, label=label))
            i = found.end
    if added:
        new_ents = filter_spans(new_ents + added)
    doc.ents = _regnal_numbers(doc, sorted(new_ents, key=lambda span: span.start))
    return doc


def _descriptor_votes(doc: Doc, lower: np.ndarray, votes: dict[str, Counter], cricket: bool) -> None:
    """Words around a name that say what it names, wherever the name is tagged (10 votes each):
    "the news agency Tanjug" (an organisation), "the town of Tavildara" and "the Chechen
    capital Grozny" (places), "Zenith 's shares" (a company: `_COMPANY_CUES`), "Duran , 45 ,"
    (a person) and, in a cricket story, a scorecard's fielder and bowler ("c Tillekeratne b
    Dharmasena 13")."""
    for i in _member(lower, _ids()["descriptors"]).nonzero()[0].tolist():
        word = doc[i]
        if not word.text.islower():
            continue
        if word.lower_ in ORG_DESCRIPTORS:
            _vote(doc, votes, "ORG", start=i + 1)
        elif i + 1 < len(doc) and doc[i + 1].lower_ == "of":
            _vote(doc, votes, "GPE", start=i + 2)
        elif word.lower_ in _PLACE_BEFORE and i + 1 < len(doc) and doc[i + 1].is_title:
            _vote(doc, votes, "GPE", start=i + 1)  # "the Chechen capital Grozny"
    for comma in _ages(doc, lower):
        _vote(doc, votes, "PERSON", end=comma)
    for i in _member(lower, _ids()["company"]).nonzero()[0].tolist():
        word = doc[i].lower_
        if word in ("shares", "stock"):
            if i > 0 and doc[i - 1].lower_ in ("'s", "’s"):
                _vote(doc, votes, "ORG", end=i - 1)  # "Zenith 's shares"
            elif i + 1 < len(doc) and doc[i + 1].lower_ == "of":
                _vote(doc, votes, "ORG", start=i + 2)  # "shares of Isbank"
        elif i > 0 and (doc[i].text.isupper() or word == "posted"):
            _vote(doc, votes, "ORG", end=i)  # "Ka Wah Bank Q2 net rises", "Best posted a loss"
    if cricket:
        for i in _member(lower, _ids()["scorecard"]).nonzero()[0].tolist():
            if doc[i].text not in ("b", "c", "st"):
                continue  # lower case only: "B" and "C" begin names
            end = i + 1
            while end < len(doc) and end - i <= 3 and doc[end].is_title and doc[end].is_alpha:
                end += 1
            if end > i + 1 and (end == len(doc) or doc[end].like_num or doc[end].text in ("b", "c")):
                votes[_key(doc[i + 1:end].text)]["PERSON"] += 10  # a new name too: "b Chandana"


# Words about a company around its name (`_descriptor_votes`): its shares or stock ("Zenith 's
# shares", "shares of Isbank"), a results period after it in a headline ("Ka Wah Bank Q2 net
# rises") and "posted" ("Best posted a loss").
_COMPANY_CUES = {"shares", "stock", "q1", "q2", "q3", "q4", "h1", "h2", "posted"}
# In a sports story, the words next to a name that say it is a team's (`_teams`): before it
# ("league champions [Porto]", "Lisbon rivals [Benfica]"; plural: "champion" is a player's
# title too) and after it ("[Galatasaray] striker", "the [Ajax] defence").
TEAM_BEFORE = {"champions", "rivals", "holders", "winners", "leaders", "hosts", "visitors", "runners-up", "side",
               "sides", "club", "clubs"}
TEAM_AFTER = {"striker", "strikers", "midfielder", "midfielders", "defender", "defenders", "goalkeeper", "keeper",
              "winger", "forward", "forwards", "coach", "manager", "fans", "supporters", "defence", "defense",
              "net", "squad", "side", "teammate", "team-mate", "team-mates", "chairman", "substitute", "captain",
              "player", "players", "pitcher", "outfielder", "shortstop", "catcher", "quarterback", "rider", "riders",
              "driver", "drivers"}
PEOPLE_AROUND = {"coach", "manager", "teammate", "team-mate", "team-mates", "fans", "supporters"}  # "Seles 's coach"


def _teams(doc: Doc, ents: list[Span]) -> set[str]:
    """Names a sports story uses as a team's, however the NER labelled them, as `_key`s: after a
    player's name in brackets ("Marc Hottiger ( [Everton] )"), after a driver's country
    ("Damon Hill ( Britain ) [Williams] 1:55.281"), and next to a team's words (`TEAM_BEFORE`,
    `TEAM_AFTER`, also past a possessive: "[Porto] 's new Polish keeper"). The caller takes
    only names voted a person's that are no part of a longer person's name."""
    found: set[str] = set()
    people = {ent.end for ent in ents if ent.label_ == "PERSON"}  # where each person's name ends
    for ent in ents:
        if ent.label_ not in NAME_LABELS or ent.start == 0:
            continue
        start, end = ent.start, ent.end
        before = doc[start - 1]
        if before.text == "(" and start - 1 in people and end < len(doc) and doc[end].text == ")":
            found.add(_key(ent.text))
        elif before.text == ")" and any(doc[j].text == "(" and j in people and doc[j + 1].ent_type_ in ("GPE", "LOC")
                                        for j in range(max(0, start - 5), start - 2)):
            found.add(_key(ent.text))
        elif team_words_around(ent):
            found.add(_key(ent.text))
    return found


def team_words_around(ent: Span) -> bool:
    """Whether a team's words stand next to a name (`TEAM_BEFORE`, `TEAM_AFTER`), also past a
    possessive and lower-case adjectives: "league champions [Porto]", "[Galatasaray] striker",
    "[Porto] 's new Polish keeper"; not "[Seles] 's coach" (a player has a coach too)."""
    doc = ent.doc
    if ent.start > 0 and doc[ent.start - 1].text in TEAM_BEFORE:
        return True
    after = doc[ent.end:ent.end + 4]
    owner = len(after) > 0 and after[0].lower_ in ("'s", "’s")
    for token in after[1:] if owner else after:
        if token.text in TEAM_AFTER and not (owner and token.text in PEOPLE_AROUND):
            return True
        if not (token.is_lower and token.pos_ == "ADJ" or token.ent_type_ == "NORP"):
            return False
    return False


def _vote(doc: Doc, votes: dict[str, Counter], label: str, start: int | None = None, end: int | None = None) -> None:
    """Ten votes for `label` to the longest known name (up to three words) that starts at
    `start` or ends before `end`."""
    for size in (3, 2, 1):
        first = start if start is not None else max(0, end - size)
        last = first + size if start is not None else end
        if last <= len(doc) and (key := _key(doc[first:last].text)) in votes:
            votes[key][label] += 10
            return


def _ages(doc: Doc, lower: np.ndarray) -> list[int]:
    """The commas that open an age after a name: "Albrecht , 54 , is", "Duran , 45 ,"."""
    commas = lower == _ids()[","][0]
    found = []
    for j in (commas[1:-2] & commas[3:]).nonzero()[0].tolist():  # tokens j + 1 and j + 3 are commas
        age = doc[j + 2].text
        if age.isdecimal() and 0 < int(age) < 110:  # not isdigit(): "²" is a digit int() refuses
            found.append(j + 1)
    return found


def _venue(doc: Doc, ent: Span, label: str, sports: bool) -> bool:
    """A name right after "at" ("at the") is where something happens: no person is "at
    Changi Prison"; in a sports story no team is "at Headingley" or "KANSAS CITY AT DETROIT"."""
    i = ent.start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i < 0 or doc[i].lower_ != "at" or doc[i].head.lemma_.lower() in _AIMED:
        return False  # "Oswald fired at Kennedy": whom, not where
    if ent[-1].lower_ in ("'s", "’s", "'") or ent.end < len(doc) and doc[ent.end].lower_ in ("'s", "’s", "'"):
        return False  # "at Jack Straw's country residence": the place is his
    return label == "PERSON" or sports and label == "ORG"


_AIMED = KILL_VERBS | {"fire", "aim", "throw", "hurl", "point", "swing", "lunge", "look", "stare", "glance",
                       "laugh", "smile", "wave", "shout", "yell", "scream", "strike", "lash", "jab", "snap", "swipe",
                       "bark", "direct", "target", "grab", "spit", "rush", "charge", "come", "go", "get"}


# The words after a company's own name that say only what kind of company it is: "Magna
# International Inc" is "Magna"; "Balfour Beatty Rail Maintenance" is not "Balfour".
_GENERIC_COMPANY_WORDS = {
    "international", "industries", "industrial", "group", "holdings", "holding", "corp", "corporation",
    "systems", "technologies", "technology", "communications", "electronics", "resources", "energy", "motors",
    "airlines", "enterprises", "laboratories", "labs", "pharmaceuticals", "petroleum", "oil", "mining", "steel",
    "chemicals", "bancorp", "bancshares", "financial", "capital", "investments", "partners", "brands", "foods"}
_TRAILING = ORG_DESCRIPTORS | {"news", "wire", "press"}  # "[Interfax] news agency"


def _acronyms(doc: Doc, ents: list[Span]) -> list[Span]:
    """An organisation's acronym in brackets after its name is its name too: "the Kurdistan
    Democratic Party ( KDP )"; and a name the NER ran on into a lower-case descriptor ends
    before it: "[Interfax] news agency said"."""
    out, taken = [], {i for ent in ents for i in range(ent.start, ent.end)}
    for ent in ents:
        if ent.label_ == "ORG" and len(ent) > 1 and ent[-1].lower_ in _TRAILING and ent[-1].text.islower():
            end = ent.end
            while end > ent.start + 1 and doc[end - 1].lower_ in _TRAILING and doc[end - 1].text.islower():
                end -= 1
            if doc[end - 1].text[:1].isupper():
                ent = Span(doc, ent.start, end, label="ORG")
        out.append(ent)
        i = ent.end
        if (ent.label_ == "ORG" and len(ent) > 1 and i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")"
                and i + 1 not in taken and doc[i + 1].is_upper and 2 <= len(doc[i + 1]) <= 6
                and doc[i + 1].text[0] == next((t.text[0] for t in ent if t.text[:1].isupper()), "")):
            out.append(Span(doc, i + 1, i + 2, label="ORG"))
    return out


# A monarch's or pope's number after the name: "Henry VIII", "John Paul II", "Abdullah II";
# "I" only after a royal title ("Queen Elizabeth I"), being a pronoun too.
_REGNAL = {"II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"}
_ROYAL = {"king", "queen", "emperor", "empress", "pope", "tsar", "czar", "sultan", "prince", "princess", "shah"}


def _regnal_numbers(doc: Doc, ents: list[Span]) -> list[Span]:
    """People's names with the regnal number after them taken in ("[Henry] VIII" is "Henry VIII")."""
    out = list(ents)
    for n, ent in enumerate(ents):
        end = ent.end
        if ent.label_ != "PERSON" or end >= len(doc) or (n + 1 < len(ents) and ents[n + 1].start == end):
            continue
        word = doc[end].text
        if word in _REGNAL or word == "I" and ent.start > 0 and doc[ent.start - 1].lower_ in _ROYAL:
            out[n] = Span(doc, ent.start, end + 1, label="PERSON")
    return out


# The legal forms that end a company's name: "Pirelli SpA", "Cofinec S.A.", "Ericsson AB".
_LEGAL_FORMS = {"spa", "s.p.a", "sa", "s.a", "ab", "ag", "nv", "n.v", "bv", "plc", "inc", "corp", "ltd", "llc", "gmbh",
                "oy", "oyj", "asa", "kk", "bhd", "pty", "sarl", "srl"}
# Words that end an organisation's name, which the NER may take for a person's.
_COMPANY_ENDS = _LEGAL_FORMS | {"as", "co", "lp", "group", "holdings", "bank"} | ORG_HEADS


_PARTS_KEY = ("geoextract", "person_name_parts")


def person_name_part(span: Span) -> bool:
    """Whether a one-word span is the first or last word of a person's longer name in its
    sports story ("Jordan" after "Michael Jordan", "Washington" after "MaliVai Washington"), as
    the entity stage found."""
    parts = span.doc.user_data.get(_PARTS_KEY)
    return bool(parts) and len(span) == 1 and _key(span.text) in parts


def _given_name(token: Token) -> bool:
    """Whether the untagged word before a person's surname is their initial or given name: an
    initial, or a title-case proper noun that begins no sentence, is no title and follows no
    capitalised word ("Tino" in ", Tino Martinez 's"; not "Capacity" in "the Mental Capacity
    Bill")."""
    if INITIAL.match(token.text):
        return True
    before = token.doc[token.i - 1] if token.i > 0 else None
    return (token.is_title and token.pos_ == "PROPN" and not token.is_sent_start and token.lower_ not in _STOP
            and token.lower_ not in TITLES and token.lower_ not in _SMALL_WORDS
            and not (before is not None and before.text[:1].isupper()))  # not "the Mental [Capacity] Bill"


def _initial_and_surname(ent: Span) -> bool:
    """"D. Varga", "C. Orrin": one initial, then one capitalised word; not a compass point
    before a place ("S. Africa", "N. Ireland")."""
    return (len(ent) == 2 and bool(INITIAL.fullmatch(ent[0].text)) and ent[1].is_alpha and ent[1].is_title
            and not (ent[0].text in ("N.", "S.", "E.", "W.") and ent.label_ in ("GPE", "LOC")))


def _name_parts(ents: list[Span]) -> set[str]:
    """The family and given names of the document's people of two or more words, which alone
    mean the person: "Lebed" after "Alexander Lebed", "Wang" after "Wang Donghai" (a Chinese
    name puts the family name first). Not an initial, a particle or a word that is no name."""
    parts = set()
    for ent in ents:
        if (ent.label_ == "PERSON" and len(ent) > 1 and ent[-1].lower_.rstrip(".") not in _COMPANY_ENDS
                and not any(t.lower_ in TITLES for t in ent)  # not "[Tory Treasurer Lord] Kalms"
                and all(t.text[:1].isupper() or t.lower_ in NAME_PARTICLES for t in ent)):  # not "ex-England"
            for token in (ent[0], ent[-1]):
                if token.text[:1].isupper() and len(token.text) > 2 and token.lower_ not in _STOP | TITLES:
                    parts.add(_key(token.text))
    return parts


def dateline(ent: Span) -> bool:
    """Whether the name is a dateline's place, a date after it: "NEW YORK 1996-08-30" keeps the
    NER's label when the story's table calls the New York team an organisation."""
    doc = ent.doc
    end = ent.end + 2 if ent.end + 1 < len(doc) and doc[ent.end].text == "," else ent.end  # "NICE , France 1996-08-29"
    return end < len(doc) and bool(_DATE.match(_figure(doc, doc[end])))


def grammar_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """The entities with the names grammar shows added or relabelled (see the module's docstring).

    Only tokens that can cue a name (titles, role and killing words, commas before a number)
    are looked at, found with one numpy test over the document's lower-case, lemma and
    dependency ids.
    """
    sports = sports_story(doc)
    ents = [ent for ent in _datelines(doc, _cut_names(doc, ents, sports))
            if not _plural_noun_first(ent) and not _no_name(ent)]
    array = doc.to_array([ORTH, LOWER, LEMMA, IS_SPACE])  # read once for every search below
    orth, lower, lemma, space = array[:, 0], array[:, 1], array[:, 2], array[:, 3]
    breaks = [i for i in np.flatnonzero(space).tolist() if "\n" in doc[i].text]  # the line breaks' tokens
    ents = _given_names_before(doc, _press_titles(doc, _newsrooms(doc, ents, orth), breaks))
    if sports:
        ents = _table_names(doc, _result_rows(doc, _venue_lines(doc, ents, orth), lower, breaks))
        ents = _nicknames(doc, _competitions(doc, ents))
    names = _Names(doc, _without_trailing_titles(doc, _hyphenated_names(doc, ents)))
    if not len(doc):
        return names.ents
    ids = _ids()
    # two numpy tests find every cue; the few tokens found are told apart by their words
    by_word = _member(lower, ids["words"]).nonzero()[0].tolist()
    by_lemma = _member(lemma, ids["lemmas"]).nonzero()[0].tolist()
    for i in by_word:
        word = doc[i].lower_
        if word in COMPANY_ROLES:
            names.organisation_before(i)
        if word in NAMED_ORG_HEADS:
            names.organisation_name(i)
        if word in TITLES:
            names.after_title(i)
        elif word in ("who", "whom"):
            names.relative(doc[i])
    for comma in _ages(doc, lower):  # "Albrecht , 54 , is"
        names.before_age(comma)
    for i in by_lemma:
        token = doc[i]
        word = token.lemma_.lower()
        if word in SAY_VERBS:
            names.subject(token)
        if word in KILLING:
            names.killing(token)
        if word in PERSON_ROLES and token.dep_ in ("appos", "conj"):
            names.apposition(token)
        elif word in PERSON_ROLES and token.dep_ == "attr" and token.head.lemma_ == "be":
            names.predicate(token)
        if word in DEFENDANT_PASSIVE:
            names.subject(token, "nsubjpass")
        elif word in DEFENDANT_ACTIVE:
            names.subject(token, "nsubj")
    ents = sorted(names.ents, key=lambda span: span.start)
    return _competitions(doc, ents) if sports else ents  # also "[European Super League]" read from its head


@lru_cache(maxsize=1)
def _ids() -> dict[str, np.ndarray]:
    """String ids as `Doc.to_array` gives them (hashes), read once: the words and lemmas that cue a name."""
    def array(words: set[str]) -> np.ndarray:
        return np.array(sorted(get_string_id(word) for word in words), dtype="uint64")

    return {"words": array(TITLES | COMPANY_ROLES | NAMED_ORG_HEADS | {"who", "whom"}), ",": array({","}),
            "lemmas": array(PERSON_ROLES | KILLING | SAY_VERBS | DEFENDANT_PASSIVE | DEFENDANT_ACTIVE),
            "small": array(_SMALL_WORDS), "sports": array(SPORTS_WORDS),
            "sports too": array(SPORTS_WORDS_TOO), "cricket": array(CRICKET_WORDS),
            "descriptors": array(ORG_DESCRIPTORS | PLACE_NOUNS), "scorecard": array({"b", "c", "st"}),
            "company": array(_COMPANY_CUES)}


def _member(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """`np.isin` for a sorted array of ids, without its sorting of both arrays on every call."""
    at = np.searchsorted(ids, values)
    return ids[np.minimum(at, len(ids) - 1)] == values


# Words a number follows in a name: "Highway 61", "Flight 17", "Channel 4", "Resolution 242".
NUMBERED = {"highway", "route", "interstate", "road", "street", "avenue", "channel", "radio", "flight", "apollo",
            "resolution", "article", "chapter", "section", "gate", "terminal", "camp", "unit", "district", "ward",
            "precinct", "battalion", "brigade", "division", "squadron", "regiment", "corps", "zone", "sector", "block",
            "formula", "group", "mission", "operation", "pier", "platform", "building", "tower", "hall", "stage",
            "number", "no", "no."}
_NUMBER = re.compile(r"\d[\d.,:/-]*$")  # "84", "4-38", "1996-08-30", "212-859-1620"; not "3M" or "20th"
_DATE = re.compile(r"\d{4}-\d\d-\d\d$")
_SIGNED = re.compile(r"[+-]\d[\d.,]*$")  # a golf score or a change: "+4", "-2"
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$")  # "Solskjaer 70th": a minute; but "20th Century Fox", "6th Fleet"
_DASHED_PARTICLES = NAME_PARTICLES | {"ul", "ud"}  # "Inzamam - ul - Haq"
ORDINAL_WORDS = {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
INITIAL = re.compile(r"[A-Z]\.(?![A-Z]\.)")  # a first name's initial: "P.", "T.O'Gorman"; not "U.S."
# Words of sports stories (`sports_story`): those only sports stories use, and those political
# and business stories use too ("the Arab League", "policy goals", "football hooligans",
# "Boxing Day").
SPORTS_WORDS = {
    "soccer", "cricket", "tennis", "rugby", "baseball", "basketball", "hockey", "golf", "athletics", "cycling",
    "volleyball", "handball", "motorcycling", "nfl", "nba", "nhl", "innings", "inning",
    "wicket", "wickets", "overs", "batsman", "bowler", "striker", "midfielder", "goalkeeper", "halftime",
    "half-time", "quarter-final", "quarter-finals", "semi-final", "semi-finals", "quarterfinal", "semifinal",
    "play-off", "play-offs", "playoff", "playoffs", "touchdown", "homer", "pitcher", "umpire", "scoreboard",
    "scorers", "championship", "prix", "laps",
}
CRICKET_WORDS = {"cricket", "innings", "wicket", "wickets", "batsman", "bowler", "bowling", "lbw"}
_SPORTS_KEY = ("geoextract", "sports_story")
_CRICKET_KEY = ("geoextract", "cricket_story")
# A sport's name, which a Reuters headline puts first: "CRICKET - ENGLAND V PAKISTAN".
SPORT_NAMES = {"soccer", "cricket", "tennis", "rugby", "rugby union", "rugby league", "baseball", "basketball",
               "hockey", "ice hockey", "golf", "athletics", "cycling", "volleyball", "handball", "motorcycling",
               "motor racing", "motor-racing", "rallying", "boxing", "swimming", "skiing", "alpine skiing", "rowing",
               "sailing", "badminton", "squash", "snooker", "horse racing", "american football", "australian rules",
               "formula one", "yachting", "judo", "wrestling", "gymnastics", "triathlon", "equestrianism"}
# Words of clubs' names: "Real Madrid", "Bristol City", "Glasgow Rangers".
CLUB_WORDS = {"real", "city", "united", "town", "county", "rovers", "rangers", "athletic", "athletico", "atletico",
              "albion", "wanderers", "celtic", "dynamo", "dinamo", "spartak", "sporting", "olympique", "inter", "fc",
              "ac", "sc", "f.c.", "club", "team", "hotspur", "villa", "borussia", "juventus", "lazio", "ajax",
              "benfica"}
SPORTS_WORDS_TOO = {"football", "league", "goals", "standings", "referee", "match", "matches", "tournament", "coach",
                    "stadium", "season", "squash", "defender", "title", "cup", "team", "boxing", "badminton"}


def _cut_names(doc: Doc, ents: list[Span], sports: bool) -> list[Span]:
    """A name the NER ran on across a line break or a bracket, or into a number that is no
    part of it, is cut there, each piece keeping the label; a piece with no capitalised word is
    dropped.

    In a sports story the numbers after names are scores ("[P. Johnson 84]" is "P. Johnson",
    "[Pohang 3 Ulsan 2]" is "Pohang" and "Ulsan"), and a date after a place is a dateline's
    ("[LONDON 1996-08-30]"). Elsewhere a name may hold a number ("Transport 2000", "Fathers 4
    Justice", "Shrek 2"), and everywhere one after a lower-case word ("Group of 77") or a word
    that numbers things ("Highway 61"), or a number that begins a name ("10 Downing Street").
    """
    out: list[Span] | None = None
    for n, ent in enumerate(ents):
        breaks = []
        if ent.label_ in NAME_LABELS:
            breaks = [t.i for t in ent if (t.i > ent.start or t.text == "(" or _SIGNED.match(t.text)) and _breaks(t, ent, sports)]
        if not breaks:
            if out is not None:
                out.append(ent)
            continue
        if ent.text.isupper() and any(doc[i].text in ("-", "--") or doc[i].lower_ in _VERSUS for i in breaks):
            # an upper-case headline read as one name across its dash ("[CRICKET - ENGLAND] V
            # PAKISTAN"): its pieces carry a label read from the whole, and would vote it onto
            # the same names in the story ("England" the side, a place); the story names them
            if out is None:
                out = list(ents[:n])
            continue
        pieces, start = [], ent.start
        for i in breaks + [ent.end]:
            if doc[i - 1].text in ("-", "/") and i - 1 > start and (i - 1) not in breaks:
                end = i - 1  # "New Zealand - 15"
            else:
                end = i
            if start < end and any(token.text[:1].isupper() for token in doc[start:end]):
                pieces.append(Span(doc, start, end, label=ent.label_))  # a sport's name goes later (`_no_name`)
            start = i + 1
        if out is None:
            out = list(ents[:n])
        out.extend(_scorers(doc, pieces) if sports else pieces)
    return ents if out is None else out


def _scorers(doc: Doc, pieces: list[Span]) -> list[Span]:
    """A team and its player cut apart at a dash, in a sports story ("Scorers : [Brann - Mons
    Ivar Mjelde] ( 10th )"): the name after the dash is a person's when it has two words or
    more and a bracket follows it, and the name before it is then the team's."""
    for k in range(1, len(pieces)):
        team, player = pieces[k - 1], pieces[k]
        if (doc[player.start - 1].text == "-" and team.end == player.start - 1 and len(player) > 1
                and player.end < len(doc) and doc[player.end].text == "("
                and all(t.is_title or INITIAL.match(t.text) or t.lower_ in NAME_PARTICLES for t in player)):
            pieces[k - 1] = Span(doc, team.start, team.end, label="ORG")
            pieces[k] = Span(doc, player.start, player.end, label="PERSON")
    return pieces


def _breaks(token: Token, ent: Span, sports: bool) -> bool:
    """Whether `ent` is cut at `token`: a line break, a bracket it does not close ("[Olabisi
    Afolabi ( Nigeria] )"), a fixture's "v" ("[Luton v Rotherham]"), a dash with spaces around
    it ("[Rishon - Moshe Sabag]"; "Guinea-Bissau" has none), a signed number or an ordinal
    ("[+4 Willie Wood]", "[Solskjaer 70th]", "[Austria sixth]") or a number that is no part of it."""
    if token.is_space:
        return "\n" in token.text
    text = token.text
    if text in ("(", ")"):
        return ent.text.count("(") != ent.text.count(")")
    if token.lower_ in _VERSUS and token.i > ent.start:
        return not (token.i + 1 < ent.end and token.nbor().lower_ in ("de", "van", "von"))  # "Willem v. d. Berg"
    if text in ("-", "--") and token.i > ent.start and token.doc[token.i - 1].whitespace_ and token.whitespace_:
        # not a particle's: "Abu Bakr al - Baghdadi", "Inzamam - ul - Haq" as a tokenised text writes them
        return not ({token.doc[token.i - 1].lower_, token.nbor().lower_ if token.i + 1 < len(token.doc) else ""}
                    & _DASHED_PARTICLES)
    if _SIGNED.match(text) or (_ORDINAL.match(text) and token.i > ent.start and (
            token.i == ent.end - 1 or not token.nbor().is_title)):  # not "the U.S. 6th Fleet"
        return True
    if token.i == ent.end - 1 and token.i > ent.start and token.is_lower and token.text in ORDINAL_WORDS:
        return True
    if not _NUMBER.match(text):
        return False
    before = token.doc[token.i - 1]
    if before.is_lower or before.lower_ in NUMBERED:
        return False
    if token.i + 1 < len(token.doc) and _NUMBER.match(token.doc[token.i + 1].text) and token.i > ent.start:
        return True  # a table's columns: "[Melbourne 21 7] 0 14 1642"; a name holds one number, not two
    return sports or bool(_DATE.match(text))


# Words before a number in a sports table that name no team: "Round 2", "Game 5", "Hole 17",
# "World 4,000 metres", "Halftime 1-0".
_TABLE_WORDS = NUMBERED | {"round", "race", "game", "games", "heat", "leg", "week", "hole", "holes", "pool", "set",
                           "match", "matchday", "innings", "lap", "laps", "day", "year", "years", "age", "aged",
                           "over", "overs", "grade", "class", "series", "page", "pct", "pts", "gb", "total",
                           "world", "olympic", "european", "record", "halftime", "half-time", "attendance", "euro"}
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
             "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# Entities of the NER that a name in a table takes the place of: its readings of a table's
# numbers ("[Reading 4 1]" DATE, "[Oxford 4 1]" PRODUCT).
_TABLE_NOISE = ("CARDINAL", "DATE", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "ORDINAL", "QUANTITY")
_VERSUS = {"v", "v.", "vs", "vs."}
_SEPARATORS = {":", ",", ";"} | _VERSUS  # "Postponed : Birmingham v Barnsley"


def _venue_lines(doc: Doc, ents: list[Span], orth: np.ndarray) -> list[Span]:
    """A results line that names where the game was played: "At Lindholm : Harbury 128-1", "In
    Ostrova : ...". The title-case words (up to four, with "'s": "St Mary 's") between a line's
    "At" or "In" and its colon are a place, whatever the NER read there."""
    found = []
    places = {(ent.start, ent.end) for ent in ents if ent.label_ in ("GPE", "LOC", "FAC")}
    openers = [doc.vocab.strings.as_int("At"), doc.vocab.strings.as_int("In")]
    for i in np.flatnonzero(np.isin(orth, openers)).tolist():
        if not (i == 0 or "\n" in doc[i - 1].text):
            continue
        end = i + 1
        while end < len(doc) and end - i <= 4 and (doc[end].is_title or doc[end].text == "'s"):
            end += 1
        if i + 1 < end < len(doc) and doc[end].text == ":" and doc[i + 1].is_title:
            if (i + 1, end) not in places:  # a place the NER found keeps its label
                found.append(Span(doc, i + 1, end, label="LOC"))
    return _replace(ents, found)


_GOALS = re.compile(r"\d{1,2}$")
_STANDING = re.compile(r"(?:\d+|\d*\.\d+|\d+/\d+|-)$")  # a standings column: "15", ".606", "1/2", "-"
_JOINING = {"of", "de", "&", "and"}


def _result_rows(doc: Doc, ents: list[Span], lower: np.ndarray, breaks: list[int]) -> list[Span]:
    """The teams of a results table or standings, in a story that lists no athletes: a line of
    two names each followed by its goals ("Kestrel Vale 3 Harbury 0"), or a name followed
    by five or more columns of numbers ("Ostrova 4 3 1 0 9 2 10", "Tarnby 62 2 40 .606 -").
    Each name's words are one organisation, whatever spans the NER drew over them (the actor
    stage gives a state's name back its label: "Chile 2 Peru 1")."""
    if players_table(doc, ents):
        return ents
    found: list[Span] = []
    # lines from the space tokens that hold a line break; a line is read word by word only when
    # it ends in a number, as a row does
    start = 0
    for end in breaks + [len(doc)]:
        if end > start and _STANDING.match(doc[end - 1].text):
            found += _row_teams(doc, [t for t in doc[start:end] if not t.is_space])
        start = end + 1
    found += _fixtures(doc, {i for span in found for i in range(span.start, span.end)}, lower)
    return _replace(ents, found)


def _team_word(token: Token) -> bool:
    """A word of a team's name in a table: capitalised, with a letter, no "V" of a fixture."""
    return token.text[:1].isupper() and any(c.isalpha() for c in token.text) and token.lower_ not in _VERSUS


def _no_team(span: Span) -> bool:
    """Words a table's line holds that name no team: a heading ("Round", "Attendance"), a date,
    an initial (a player's: "P. Orrin")."""
    return (span[-1].lower_ in _TABLE_WORDS or _no_name_words(span) or any(t.lower_ in _CALENDAR for t in span)
            or any(INITIAL.match(t.text) for t in span))


def _fixtures(doc: Doc, taken: set[int], lower: np.ndarray) -> list[Span]:
    """The teams of a fixture list: "Harbury v Dunmore Park , Tarnby v Kestrel Vale , St Mary 's
    v Ostrova". A name runs from a line's start or a separator to the "v", and from the
    "v" to a separator, a bracket, a number or the line's end (a line may break inside a
    fixture); the words may be tagged anything."""
    found = []
    n = len(doc)
    edges = _SEPARATORS | {"(", ")", "-", "."}
    for i in np.flatnonzero(np.isin(lower, [doc.vocab.strings.as_int(word) for word in _VERSUS])).tolist():
        v = doc[i]
        if i == 0 or i + 1 >= n:
            continue
        start = v.i
        while start > 0 and (_team_word(doc[start - 1]) or doc[start - 1].text == "'s" and start > 1):
            start -= 1
        end = v.i + 1
        while end < n and doc[end].is_space:
            end += 1
        first = end
        while end < n and (_team_word(doc[end]) or doc[end].text == "'s" and end > first):
            end += 1
        before, after = (doc[start - 1] if start else None), (doc[end] if end < n else None)
        opened = before is None or "\n" in before.text or before.text in edges or before.is_digit
        closed = after is None or "\n" in after.text or after.text in edges or after.is_digit
        if start == v.i or first == end or not (opened and closed):
            continue
        for span in (doc[start:v.i], doc[first:end]):
            if _no_team(span) or any(j in taken for j in range(span.start, span.end)):
                continue
            found.append(Span(doc, span.start, span.end, label="ORG"))
    return filter_spans(found)


def _row_teams(doc: Doc, line: list[Token]) -> list[Span]:
    """The team names of one line, if it is a results or standings row (`_result_rows`)."""
    runs: list[tuple[int, int]] = []  # name runs, as token ranges within the line
    numbers: list[list[Token]] = []  # the numbers after each run
    i = 0
    while i < len(line):
        token = line[i]
        if _team_word(token):
            start = i
            while i < len(line) and (_team_word(line[i]) or (
                    line[i].lower_ in _JOINING and i + 1 < len(line) and line[i + 1].text[:1].isupper())):
                i += 1
            runs.append((start, i))
            numbers.append([])
        elif runs and _STANDING.match(token.text) and (token.whitespace_ or i + 1 == len(line)):
            numbers[-1].append(token)  # a whole word: not the "1996" of a dateline's "1996-08-22"
            i += 1
        else:
            return []
    if not runs or len(runs) > 2 or runs[0][0] != 0:
        return []
    score = len(runs) == 2 and all(len(n) == 1 and _GOALS.match(n[0].text) for n in numbers)
    standing = len(runs) == 1 and len(numbers[0]) >= 5
    if not (score or standing):
        return []
    teams = []
    for start, end in runs:
        span = doc[line[start].i:line[end - 1].i + 1]
        if _no_team(span) or len(span.text) < 3:
            return []
        teams.append(Span(doc, span.start, span.end, label="ORG"))
    return teams


def _table_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """In a sports story, the capitalised words the NER left untagged in a results table,
    standings or a scorecard are a name: they stand between the start of a line, a number, a
    bracket or a separator and a score, a "v" or an upper-case "AT" ("Stoke 4 3 1 0 7 4 10",
    "Cowdenbeath 0 Arbroath 0", "Birmingham v Barnsley", "KANSAS CITY AT DETROIT", "( Italy )
    MG-Technogym 1 second").

    A team's (ORG; the actor stage gives a state's name back its own label, a national side in
    "Romania 2 Lithuania 1"), unless it is a player's (PERSON): two or more words before a
    country in brackets ("Sandrine Testud ( France ) beat"), or after an initial ("R. Ponting
    not out 46"), wherever they stand; a name with an initial ("G. Thorpe 54"), one before
    bowling figures ("Prasad 6-0-47-0") or a minute ("( Zeyer 52nd )"), one in brackets before
    a number ("( Giles 57 not out"), or one of two or more words in a table of players
    (`players_table`; "Ian Woosnam 70 76"), as is a one-word name after its place in such a
    table ("3 . Orrin 38:32.149"). Not a date ("AUGUST 31"), a numbered thing ("Round
    2", "Division 1"), a column heading of one or two letters ("W", "L"), or a name whose words
    the NER tagged a person elsewhere (the entity stage adds those mentions itself).
    """
    owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
    people = {_key(token.text) for ent in ents if ent.label_ == "PERSON" for token in ent}
    players = players_table(doc, ents)
    found: list[Span] = []
    i, n = 0, len(doc)
    while i < n:
        if not _table_word(doc[i], owner):
            i += 1
            continue
        start = i
        while i < n and (_table_word(doc[i], owner) or (
                doc[i].lower_ in ("of", "and", "&", "de") and i + 1 < n and _table_word(doc[i + 1], owner))):
            i += 1
        run = doc[start:i]
        before = doc[start - 1] if start else None
        after = doc[i] if i < n else None
        if after is None or before is not None and before.i in owner and owner[before.i].label_ in NAME_LABELS:
            continue
        if len(run) > 1 and not any(t.lower_ in CLUB_WORDS or _key(t.text) in people for t in run) and (
                INITIAL.match(run[0].text) or after.text == "(" and _state_in_brackets(doc, i)):
            # "R. Ponting not out 46", "Sandrine Testud ( France ) beat ...": a player anywhere
            found.append(Span(doc, start, i, label="PERSON"))
            continue
        # not after "AT": "MINNESOTA AT MILWAUKEE" is where the game is played
        opened = (before is None or (before.is_space and "\n" in before.text) or _NUMBER.match(before.text)
                  or before.lower_ in _SEPARATORS or before.text in ("(", ")") or ranked(doc, start))
        figure = _figure(doc, after)
        bowled = figure.count("-") >= 2 and not _DATE.match(figure)
        minute = bool(_MINUTE.match(after.text))
        closed = (bool(figure) and not _DATE.match(figure)) or minute or after.lower_ in _VERSUS or (
            run.text.isupper() and after.text == "AT" and i + 1 < n and doc[i + 1].is_upper) or (
            before is not None and before.lower_ in _VERSUS and (after.is_space or after.text in (",", ".", ";")))
        if not (opened and closed) or run[-1].lower_ in _TABLE_WORDS:
            continue
        if any(t.lower_ in _CALENDAR for t in run) or (len(run) == 1 and len(run.text) < 3) or _no_name_words(
                run):  # "Aggregate 2-2", "Qualifier vs."
            continue
        if any(_key(t.text) in people for t in run):
            continue
        person = (bowled or minute or any(INITIAL.match(t.text) for t in run)
                  or (before is not None and before.text == "(" and bool(figure))
                  or players and not any(t.lower_ in CLUB_WORDS for t in run)
                  and (len(run) > 1 or ranked(doc, start)))
        found.append(Span(doc, start, i, label="PERSON" if person else "ORG"))
    return _replace(ents, found)


def _state_in_brackets(doc: Doc, i: int) -> bool:
    """Whether a bracket at token i holds one to three title-case words, an athlete's country
    ("( France )", "( Czech Republic )", "( U.S. )"), not an acronym ("( FOMC )")."""
    end = i + 1
    while end < len(doc) and end - i <= 4 and doc[end].text != ")":
        end += 1
    words = doc[i + 1:end]
    return (end < len(doc) and doc[end].text == ")" and 0 < len(words) <= 3
            and all(t.is_title or t.text in ("U.S.", "USA", "UK", "CIS") for t in words))


_TEAM_LISTS = {"constructors", "constructor", "teams", "team", "nations", "clubs", "manufacturers", "countries"}


def ranked(doc: Doc, start: int) -> bool:
    """Whether the name at token `start` opens a line after its place, in a list whose heading
    names no teams: "3 . Orrin 38:32.149" (a results list, whose one-word names in a table of
    athletes are athletes too), not "Teams ' standings : / 1 . Zenda 149 points"."""
    if not (start >= 2 and doc[start - 1].text == "." and doc[start - 2].is_digit and len(doc[start - 2]) <= 3
            and (start == 2 or "\n" in doc[start - 3].text)):
        return False
    i = start - 3
    while i > 0 and start - i < 400 and not (doc[i].text == ":" and "\n" in doc[i + 1].text):
        i -= 1  # back to the list's heading: the last line that ends with a colon
    line = i
    while line > 0 and "\n" not in doc[line - 1].text:
        line -= 1
    return doc[i].text != ":" or not any(t.lower_ in _TEAM_LISTS for t in doc[line:i])


def players_table(doc: Doc, ents: list[Span]) -> bool:
    """Whether the sports story lists athletes: two or more names of two or more words the NER
    called people stand before a bracket ("Mike Clayton ( Australia ) 69"), or it is about
    cricket, whose clubs are counties and states. Names of two or more words in its tables are
    people ("Ian Woosnam 70 76", "Alec Stewart 3 5 0 396"), unless a word names a club."""
    cricket = doc.user_data.get(_CRICKET_KEY)  # the entity and actor stages both ask: read once
    if cricket is None:
        cricket = doc.user_data[_CRICKET_KEY] = bool(np.count_nonzero(_member(doc.to_array(LOWER), _ids()["cricket"])))
    if cricket:
        return True
    found = 0
    for ent in ents:
        if ent.label_ == "PERSON" and len(ent) > 1 and ent.end < len(doc) and doc[ent.end].text == "(":
            found += 1
            if found == 2:
                return True
    return False


def _replace(ents: list[Span], found: list[Span]) -> list[Span]:
    """`ents` with the spans `found` in place of the entities they overlap."""
    if not found:
        return ents
    taken = {i for span in found for i in range(span.start, span.end)}
    kept = [ent for ent in ents if not any(i in taken for i in range(ent.start, ent.end))]
    return sorted(kept + found, key=lambda span: span.start)


_MINUTE = re.compile(r"\d{1,3}(?:st|nd|rd|th)$")  # a scorer's minute: "( Zeyer 52nd )"


_DATELINE_END = re.compile(r"(?<![\w-])\d{4}-\d\d-\d\d(?![\w-])|\(\s*Reuters\s*\)")


_ABBREVIATION = re.compile(r"[A-Z][a-z]{1,4}$")  # "Ala", "Minn", "Calif"


def _datelines(doc: Doc, ents: list[Span]) -> list[Span]:
    """A dateline's places are places, whatever the NER said or missed: the capitalised words
    from the start of a line to a date or "( Reuters )", a comma between places ("BONN
    1996-08-29", "CATANIA , Sicily 1996-08-29", "MOSCOW ( Reuters )"), and a stop after a
    state's abbreviation ("KIRKLAND , Wash . 1996-08-26"), also with the date on the next
    line."""
    found: list[Span] = []
    for match in _DATELINE_END.finditer(doc.text):  # one regular expression over the text, not a loop over tokens
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        token = span[0]
        end = token.i
        # a state's abbreviation, its stop split off, before the date or before the line break
        # that puts the date on a line of its own: "MINNETONKA , Minn . 1996-08-22", "Va .\n1996"
        stop = end - 2 if end >= 3 and doc[end - 1].is_space and "\n" in doc[end - 1].text else end - 1
        if stop >= 1 and doc[stop].text == "." and _ABBREVIATION.match(doc[stop - 1].text):
            end = stop
        if end == 0 or not doc[end - 1].text[:1].isupper():
            continue
        parts, k, byline = [], end - 1, False
        while k >= 0 and not (doc[k].is_space and "\n" in doc[k].text):
            word = doc[k]
            if word.text == ",":
                if end == k + 1 or k == 0:
                    break
                parts.append((k + 1, end))
                end = k
            elif not (word.text[:1].isupper() or word.lower_ in _SMALL_WORDS and k + 1 < end):
                break
            elif k + 1 < end and doc[end - 1].text.isupper() and word.is_title and not word.text.isupper():
                byline = True  # a byline before an upper-case place: "Ann Lee LITTLE ROCK , Ark ."
                break
            k -= 1
        if not (byline or k < 0 or doc[k].is_space and "\n" in doc[k].text) or end == k + 1:
            continue  # not from the start of a line
        parts.append((k + 1, end))
        if len(parts) <= 3 and all(e - b <= 4 for b, e in parts):
            found.extend(Span(doc, b, e, label="GPE") for b, e in parts)
            # the writer's byline: before the place on its line, or alone on the line before
            last = k + 1 if byline else k
            start = last - 1
            while start > 0 and not (doc[start - 1].is_space and "\n" in doc[start - 1].text):
                start -= 1
            if start > 0 and 2 <= last - start <= 3 and all(t.is_title and t.is_alpha for t in doc[start:last]):
                found.append(Span(doc, start, last, label="PERSON"))
    return _replace(ents, found)


def _table_word(token: Token, owner: dict[int, Span]) -> bool:
    """A capitalised word no name or amount claims: a word of a team's name in a table."""
    ent = owner.get(token.i)
    if ent is not None and ent.label_ not in _TABLE_NOISE:
        return False
    text = token.text
    return (text[:1].isupper() and text != "AT" and not token.is_space and any(c.isalpha() for c in text)
            and "\n" not in text)


def word_at(doc: Doc, token: Token) -> str:
    """The text from `token` to the next white space, less closing punctuation: "8-0-37-2",
    which the tokenizer splits, and "108-3" in "108-3."."""
    end = token.i
    while end + 1 < len(doc) and not doc[end].whitespace_ and not doc[end + 1].is_space:
        end += 1
    return doc[token.i:end + 1].text.rstrip(".,;:)")


def _figure(doc: Doc, token: Token) -> str:
    """The number that starts at `token`, up to the next white space ("4", "2-1", "429-7",
    "22-8-45-3"), or "" when no number starts there or the word goes on ("26-year-old")."""
    if not _NUMBER.match(token.text):
        return ""
    text = word_at(doc, token)
    return text if _NUMBER.match(text) else ""


# Words the NER tags as names that name no one: a race's class ("Women 's 100 metres"), a time
# zone ("1800 GMT"), a baseball statistic ("six RBI"), a standings table's headings ("W L PCT
# GB", "EASTERN DIVISION").
NO_NAMES = {"men", "women", "boys", "girls", "juniors", "seniors", "gmt", "edt", "est", "cdt", "cst", "pdt", "pst",
             "bst", "cet", "rbi", "era", "w", "l", "d", "t", "pct", "gb", "pts", "division", "eastern", "western",
             "central", "attendance", "aggregate", "extras", "qualifier", "halftime", "half-time", "scorers",
             "bowling", "batting", "eps", "div", "standings", "forwards", "midfielders", "defenders",
             "goalkeepers", "strikers"}  # a table's labels: "Attendance : 8,000", "Bowling : Wasim Akram 29.2-9-83-3"


# Last words of a competition's name: in a sports story "the American League", "the Fed Cup"
# and "the Singer World Series" are events, not organisations.
_COMPETITIONS = {"league", "cup", "series", "open", "championship", "championships", "games", "prix", "trophy",
                 "tour", "classic", "masters", "olympics", "grand", "slam", "supercup"}


def _nicknames(doc: Doc, ents: list[Span]) -> list[Span]:
    """In a sports story, a plural name the NER called a person is a team's nickname, an
    organisation: after "the" ("the Brewers rallied") or after its city, which it joins ("the
    [Florida] [Marlins]" is "Florida Marlins")."""
    out: list[Span] = []
    for ent in ents:
        word = ent[0]
        if not (ent.label_ == "PERSON" and len(ent) == 1 and word.is_title and word.text.endswith("s")):
            out.append(ent)
            continue
        before = out[-1] if out and out[-1].end == ent.start else None
        if before is not None and before.label_ in ("GPE", "LOC"):
            out[-1] = Span(doc, before.start, ent.end, label="ORG")
        elif ent.start > 0 and doc[ent.start - 1].lower_ == "the":
            out.append(Span(doc, ent.start, ent.end, label="ORG"))
        else:
            out.append(ent)
    return out


def _competitions(doc: Doc, ents: list[Span]) -> list[Span]:
    """A sports story's name that ends in a competition's word ("American League", "Fed Cup",
    "the French Open" tagged a place) is an EVENT, and so is a place or an organisation the
    NER cut off from the competition's words after it ("[U.S.] Open", "[BRUSSELS] GRAND
    PRIX", "[Nordland] Masters")."""
    out: list[Span] = []
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    for ent in ents:
        if ent.label_ not in ("ORG", "GPE", "LOC"):
            out.append(ent)
            continue
        end = ent.end
        while end < len(doc) and end not in taken and end - ent.end < 2 and doc[end].lower_ in _COMPETITIONS \
                and doc[end].text[:1].isupper():
            end += 1
        if end > ent.end or ent[-1].lower_ in _COMPETITIONS and ent[-1].text[:1].isupper():
            ent = Span(doc, ent.start, end, label="EVENT")
        out.append(ent)
    return out


def _no_name(ent: Span) -> bool:
    """Whether every word of a name the NER tagged is one of `NO_NAMES`, or it names a sport
    ("CRICKET - ...": a Reuters headline's slug) or is another slug (`_SLUGS`)."""
    return ent.label_ in NAME_LABELS and (_no_name_words(ent) or ent.text.lower() in _SLUGS)


# A Reuters story's slug or section, which the NER takes for an organisation: a sport's name
# ("CRICKET - ..."), "PRESS DIGEST - ...", "BUSINESS PAGES -- ...".
_SLUGS = SPORT_NAMES | {"press digest", "research alert", "business pages", "front page", "market talk"}


def _no_name_words(span: Span) -> bool:
    return all(token.lower_ in NO_NAMES for token in span)


def _plural_noun_first(ent: Span) -> bool:
    """A plural common noun the NER took for a name because it begins a sentence ("Missiles
    launched by Iran struck Israel"): one title-case token, tagged NNS, first in its sentence,
    that the lemmatizer made singular. Not a group ("Islamists", NORP), an upper-case dateline
    ("BIRMINGHAM") or a name the lemmatizer leaves as it is ("Nijmeh")."""
    token = ent[0]
    return (len(ent) == 1 and token.tag_ == "NNS" and token.is_sent_start and token.is_title
            and ent.label_ in NAME_LABELS and ent.label_ != "NORP" and token.lemma_ != token.lower_)


def sports_story(doc: Doc) -> bool:
    """Whether the document is a sports story: its headline starts with a sport's name and a
    dash ("ROWING - REGATTA RESULTS"), or it has words only sports stories use twice, or once
    with two that other stories use too ("soccer ... league ... goals"). A political story
    that mentions football, a league and goals is none."""
    known = doc.user_data.get(_SPORTS_KEY)  # the entity and actor stages both ask: read once
    if known is None:
        lower = doc.to_array(LOWER)
        only = int(np.count_nonzero(_member(lower, _ids()["sports"])))
        known = only >= 2 or (only == 1 and int(np.count_nonzero(_member(lower, _ids()["sports too"]))) >= 2)
        if not known:
            dash = next((t.i for t in doc[:4] if t.text == "-"), None)
            known = dash is not None and doc[:dash].text.lower() in SPORT_NAMES
        doc.user_data[_SPORTS_KEY] = known
    return known


_SIGNING_DESKS = ("Newsdesk", "Desk", "Bureau")


def _newsrooms(doc: Doc, ents: list[Span], orth: np.ndarray) -> list[Span]:
    """A news agency's desk that signs a story: "-- Sydney Newsroom 61-2 373-1800" is an
    organisation, whether the NER read a place in it, a number across it or nothing; in "--
    Oslo newsroom" only the place is a name. The desk's name is the title-case words (up to
    three) before "Newsroom", or before "Newsdesk", "Desk" or "Bureau" where a telephone number,
    a comma or a bracket follows, as in a signature ("-- Mara Quill , Oslo Energy Desk ,
    212-555-0100", "-- Harbury Bureau 416 555-0100"; not "the Federal Bureau of
    Investigation"); an entity that overlaps it gives way."""
    desks = []
    signed = np.isin(orth, [doc.vocab.strings.as_int(word) for word in _SIGNING_DESKS])
    for i in np.flatnonzero((orth == doc.vocab.strings.as_int("Newsroom")) | signed).tolist():
        after = doc[i + 1] if i + 1 < len(doc) else None
        if signed[i] and not (after is None or after.text in (",", "(", "+", "-") or "\n" in after.text
                              or _NUMBER.match(after.text)):
            continue
        start = i
        while start > max(0, i - 3) and (doc[start - 1].is_title and doc[start - 1].is_alpha
                                         or doc[start - 1].text in ("U.S.", "U.K.")):
            start -= 1
        if start < i:
            desks.append(Span(doc, start, i + 1, label="ORG"))
    if not desks:
        return ents
    taken = {i for desk in desks for i in range(desk.start, desk.end)}
    kept = [ent for ent in ents if not any(i in taken for i in range(ent.start, ent.end))]
    return sorted(kept + desks, key=lambda span: span.start)


def _press_titles(doc: Doc, ents: list[Span], breaks: list[int]) -> list[Span]:
    """A press review's newspapers: a line of one to six upper-case words alone, the lines after
    it its stories, each opened by a dash ("HARBURY HERALD" then "- Talks on the port
    resume ."), is an organisation, whatever the NER read there. The actor stage gives a
    state's name back its label (a review's section "NORWAY"). `breaks`: the tokens that hold
    a line break."""
    found = []
    start = 0
    for end in breaks:
        if (0 < end - start <= 6 and end + 1 < len(doc) and doc[end + 1].text == "-"
                and all(t.text.isupper() or t.text in ("-", "'", "&") for t in doc[start:end])
                and doc[start].text[:1].isalpha() and doc[end - 1].text not in ("-", "&")):
            found.append(Span(doc, start, end, label="ORG"))
        start = end + 1
    return _replace(ents, found)


def _given_names_before(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person's name of one word the NER found without the given name before it: "b Waqar
    [Younis] 31", "drove in Otis [Nixon]". The word before is taken when `_given_name` says it
    is one (an initial, or a title-case proper noun that is no title, begins no sentence and
    follows no capitalised word) and no other entity holds it."""
    out = ents
    for n, ent in enumerate(ents):
        if ent.label_ != "PERSON" or len(ent) != 1 or ent.start == 0:
            continue
        before = doc[ent.start - 1]
        if (n and ents[n - 1].end > before.i) or before.is_space or not _given_name(before) or before.ent_iob_ == "I":
            continue
        out = out if out is not ents else list(ents)
        out[n] = Span(doc, before.i, ent.end, label="PERSON")
    return out


def _hyphenated_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """A name the tokenizer cut at its hyphens and the NER tagged in pieces is one name:
    "[Tehrik]-e-Taliban [Pakistan]" is "Tehrik-e-Taliban Pakistan". The hyphenated words must
    be unclaimed and end in a capitalised one ("U.S.-led", "Russia-Ukraine" stay as they are);
    the proper noun they modify joins them."""
    out = list(ents)
    for ent in ents:
        end = ent.end
        if ent.label_ not in NAME_LABELS or end + 1 >= len(doc) or doc[end].text != "-" or doc[end - 1].whitespace_:
            continue
        while end < len(doc) and not doc[end - 1].whitespace_ and (doc[end].is_alpha or doc[end].text == "-"):
            end += 1
        glued = doc[ent.end:end]
        if not glued[-1].text[:1].isupper() or any(e.start < end and ent.end < e.end for e in ents if e is not ent):
            continue
        head = ent.root.head
        if head.i == end and head.pos == PROPN and head.text[:1].isupper():
            end += 1  # "Tehrik-e-Taliban [Pakistan]": the name the hyphenated words modify
        merged = Span(doc, ent.start, end, label=ent.label_)
        out = [e for e in out if e.end <= merged.start or e.start >= merged.end] + [merged]
    return sorted(out, key=lambda span: span.start) if len(out) != len(ents) or out != ents else ents


_TITLED_ORG_ENDS = ORG_HEADS | {"patrol"}  # "Harbor Patrol Lt.", "Coast Guard Capt."


def _without_trailing_titles(doc: Doc, ents: list[Span]) -> list[Span]:
    """An organisation's name that swallowed the title of the person after it loses the title
    ("[Coast Guard Lt.] Steve Hardy", "[FAA Administrator] James Busey"); so does a name the
    NER called a person whose words before the title end in an organisation's word, and those
    words then name the organisation ("[Harbor Patrol Lt.] Mark Dolan")."""
    out = []
    for ent in ents:
        end = ent.end
        if ent.label_ not in ("ORG", "PERSON") or len(ent) < 2 or doc[end - 1].lower_ not in TITLES | {"."}:
            out.append(ent)
            continue
        after = end + 1 if end < len(doc) and doc[end].text == "." else end
        if after < len(doc) and _name_word(doc[after]):
            while end > ent.start + 1 and (doc[end - 1].lower_ in TITLES or doc[end - 1].text == "."):
                end -= 1
            if doc[end - 1].lower_ in TITLES:
                end = ent.end  # nothing but titles: leave it
        if end != ent.end and ent.label_ == "PERSON" and not (
                all(t.is_title and t.is_alpha for t in doc[ent.start:end])
                and doc[end - 1].lower_ in _TITLED_ORG_ENDS):
            end = ent.end  # no organisation's name before the title: "[Hassan Sheikh] Mohamud"
        out.append(ent if end == ent.end else Span(doc, ent.start, end, label="ORG"))
    return out


class _Names:
    """The document's entities while grammar adds people to them, with who covers which token."""

    def __init__(self, doc: Doc, ents: list[Span]) -> None:
        self.doc = doc
        self.ents = [_organisation_by_head(ent) for ent in ents]
        self.owner = {i: n for n, ent in enumerate(self.ents) for i in range(ent.start, ent.end)}
        self._headlines: tuple[np.ndarray, np.ndarray] | None = None

    def person(self, start: int, end: int, relabel: tuple[str, ...] = NAME_LABELS) -> None:
        """Make tokens start..end a person: added when no entity touches them, relabelled when
        one name entity with a label in `relabel` lies inside them, else left alone."""
        if start >= end or self.headline(start):
            return
        touching = {self.owner[i] for i in range(start, end) if i in self.owner}
        if touching:
            if len(touching) > 1:
                return
            n = touching.pop()
            ent = self.ents[n]
            if ent.label_ == "PERSON" or ent.label_ not in relabel or ent.start < start or ent.end > end:
                return
            self.ents[n] = Span(self.doc, start, end, label="PERSON")
        else:
            n = len(self.ents)
            self.ents.append(Span(self.doc, start, end, label="PERSON"))
        for i in range(start, end):
            self.owner[i] = n

    def headline(self, i: int) -> bool:
        """Whether token i is in a sentence written in title case ("President Says Economy Will
        Grow"), where every word looks like a name: no word but a small one is in lower case."""
        if self._headlines is None:  # once per document, for all its sentences at once
            array = self.doc.to_array([SENT_START, IS_ALPHA, IS_LOWER, LOWER])
            sentence = np.cumsum(array[:, 0].astype("int64") == 1)
            sentence -= sentence[0]  # 0 for the first sentence, also when its start is unmarked
            words = (array[:, 1] == 1) & ~_member(array[:, 3], _ids()["small"])
            lowered = words & (array[:, 2] == 1)
            headline = (np.bincount(sentence, weights=lowered) == 0) & (np.bincount(sentence, weights=words) >= 3)
            self._headlines = (sentence, headline)
        sentence, headline = self._headlines
        return bool(headline[sentence[i]])

    # -- cues --------------------------------------------------------------------------------
    def after_title(self, i: int) -> None:
        """"Sen. Strom Thurmond", "Gov. Mario Cuomo", "President William Tolbert", "rancher Darly
        Alves da Silva": the name after the title(s)."""
        doc = self.doc
        if i in self.owner or (i > 0 and doc[i - 1].lower_ in TITLES):
            return  # inside a name ("Prince Edward Island"), or not the first of the titles
        start = i + 1
        for _ in range(3):
            while start < len(doc) and (doc[start].lower_ in TITLES or doc[start].text == ".") and start - i < 5:
                if start in self.owner:
                    return
                start += 1
            end = start
            while end < len(doc) and end - start < 5 and not doc[end].is_sent_start and (
                    _name_word(doc[end]) or _particle_inside(doc, end)):
                end += 1
            if end < len(doc) and end > start and doc[end].lower_ in TITLES:
                start = end  # "Deputy [Prime] Minister Tareq Aziz": words of the title, the name after it
                continue
            break
        if end > start and doc[end - 1].lower_ not in ORG_HEADS:  # "General Assembly", "Justice Department"
            self.person(start, end)

    def organisation_before(self, i: int) -> None:
        """"Assipen Director Claudio Constancio", "a former CBOT trader": the proper nouns the
        NER missed right before a company role, attached to it, name an organisation."""
        doc = self.doc
        start = i
        while start > 0 and i - start < 4 and start - 1 not in self.owner and _name_word(doc[start - 1]) \
                and i >= doc[start - 1].head.i > start - 1:
            start -= 1
        if start == i or self.headline(start):
            return
        n = self.owner.get(start - 1)
        if n is not None and self.ents[n].label_ == "ORG" and self.ents[n].end == start:
            start = self.ents[n].start  # "[CNEN] Radioprotection Director": one organisation's name
            self.ents[n] = Span(doc, start, i, label="ORG")
        else:
            n = len(self.ents)
            self.ents.append(Span(doc, start, i, label="ORG"))
        for k in range(start, i):
            self.owner[k] = n

    def organisation_name(self, i: int) -> None:
        """"Harper's Conservative Party", "the Papa Egoro Movement": a capitalised organisation
        head after capitalised words, none of them tagged, is an organisation's name (not in a
        title-case headline, where every word is capitalised)."""
        doc = self.doc
        if i in self.owner or not doc[i].text[:1].isupper() or doc[i].pos != PROPN:
            return
        start = i
        while start > 0 and i - start < 4 and start - 1 not in self.owner and doc[start - 1].text[:1].isupper() \
                and doc[start - 1].pos_ in ("PROPN", "ADJ") and doc[start - 1].lower_ not in TITLES \
                and not doc[start - 1].is_sent_start and doc[start - 1].head.i == i:
            start -= 1
        if start == i or self.headline(start):
            return
        n = len(self.ents)
        self.ents.append(Span(doc, start, i + 1, label="ORG"))
        for k in range(start, i + 1):
            self.owner[k] = n

    def before_age(self, comma: int) -> None:
        """"Albrecht, 54, is a former professor": a name with an age in commas after it
        (`_ages` finds the commas)."""
        span = _name_around(self.doc[comma - 1], first=True)
        if span is not None:
            self.person(*span)

    def apposition(self, role: Token) -> None:
        """"Vyacheslav Chornovil, leader of the Rukh", "X, a jeweler and president of Y": the name
        the role is in apposition to."""
        head = role.head
        if role.dep_ == "conj":
            if head.dep_ != "appos":
                return
            head = head.head
        if head.i < role.i:
            span = _name_around(head, first=role.lower_ in APPOSITION_ROLES)
            if span is not None:
                self.person(*span, relabel=_relabel_for(role))

    def predicate(self, role: Token) -> None:
        """"Mills is a former Harvard professor", "Wilson is the widow of ...": the subject of a
        copula whose complement is a role only a person holds."""
        for child in role.head.children:
            if child.dep_ == "nsubj" and child.i < role.i:
                span = _name_around(child)
                if span is not None:
                    self.person(*span, relabel=_relabel_for(role))

    def subject(self, verb: Token, dep: str = "nsubj") -> None:
        """"Bowier said", ", said Tidwell", "Hale was convicted of ...", "Nolan pleaded guilty":
        the subject (`dep`) of a verb whose subject is a person. Only a name no entity holds is
        added: an organisation says things and is convicted too."""
        if verb.pos_ == "VERB":
            for child in verb.children:
                if child.dep_ == dep:
                    span = _name_around(child)
                    if span is not None:
                        self.person(*span, relabel=())

    def killing(self, word: Token) -> None:
        """Who kills and who is killed: "Ruby shot Oswald", "the slaying of King", "Kennedy's
        assassin", "Booth sneaked in and shot Lincoln". Names no entity holds are added, and a
        name the NER took for a place, a building or a product becomes a person (no one shoots
        those); an actor's label (person, organisation, state, group) stands."""
        lemma = word.lemma_.lower()
        arguments: list[Token] = []
        if lemma in KILL_VERBS and word.pos_ == "VERB":
            for child in word.children:
                if child.dep_ in ("nsubj", "dobj", "nsubjpass"):
                    arguments.append(child)
                elif child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "of"):  # "slaying of King"
                    arguments.extend(c for c in child.children if c.dep_ == "pobj")
            if not any(child.dep_ in ("nsubj", "nsubjpass") for child in word.children):
                arguments.extend(_shared_subject(word))
        elif lemma in KILL_NOUNS | KILLER_NOUNS and word.pos_ == "NOUN":
            for child in word.children:
                if child.dep_ == "poss" or (child.dep_ in ("compound", "appos") and lemma in KILLER_NOUNS):
                    arguments.append(child)
                elif child.dep_ == "prep" and child.lower_ == "of":
                    arguments.extend(c for c in child.children if c.dep_ == "pobj")
        for token in arguments:
            span = _name_around(token)
            if span is not None:
                self.person(*span, relabel=_NOT_ACTORS)

    def relative(self, who: Token) -> None:
        """"Warner, who now lives in Ocala": the name a "who" clause is about, also when the NER
        called it a place or an organisation (not a group: "the Kurds, who ...")."""
        clause = who.head
        if clause.dep_ == "relcl" and clause.head.i < who.i:
            span = _name_around(clause.head)
            if span is not None:
                self.person(*span, relabel=("GPE", "ORG"))


def _relabel_for(role: Token) -> tuple[str, ...]:
    """The labels a role's name may be relabelled from: a role a state or company can hold too
    ("leader") leaves a tagged name as it is."""
    return () if role.lemma_.lower() in SHARED_ROLES else NAME_LABELS


def _organisation_by_head(ent: Span) -> Span:
    """A place or person entity whose head noun names an organisation is one ("District of
    Columbia Council", "John F. Kennedy School of Government")."""
    if ent.label_ in ("GPE", "LOC", "PERSON", "NORP") and (
            ent.root.lower_ in ORG_HEADS and ent.root.text[:1].isupper() or _company(ent)):
        return Span(ent.doc, ent.start, ent.end, label="ORG")
    return ent


def _company(ent: Span) -> bool:
    """Whether a name of two or more words ends in a company's legal form ("Pirelli SpA")."""
    return len(ent) > 1 and ent[-1].lower_.rstrip(".") in _LEGAL_FORMS and ent[-1].text[:1].isupper()


def _name_word(token: Token) -> bool:
    return token.pos == PROPN and token.text[:1].isupper() and token.lower_ not in TITLES


def _particle_inside(doc: Doc, i: int) -> bool:
    """"da" in "Darly Alves da Silva", "-" in "Jean-Verdy": inside a name when a name word follows."""
    token = doc[i]
    inside = token.lower_ in NAME_PARTICLES or (token.text == "-" and not token.whitespace_ and i > 0
                                                 and not doc[i - 1].whitespace_)
    return inside and i + 1 < len(doc) and _name_word(doc[i + 1])


def _name_around(token: Token, first: bool = False) -> tuple[int, int] | None:
    """The proper-noun name that `token` heads: its capitalised compounds, initials and
    particles ("Lee Harvey Oswald", "Samuel K. Doe"), as token offsets; None if it is no name.
    With `first`, for cues only a person has (an age, a person's role in apposition), a
    singular capitalised word that opens the sentence counts too, whatever its part of speech:
    the tagger makes "Winter" in "Winter , 53 , a former law professor" a noun."""
    doc = token.doc
    if first and token.is_sent_start and token.is_title and token.tag_ in ("NN", "NNP") and token.lower_ not in _STOP:
        return token.i, token.i + 1
    if not _name_word(token) and not (token.lower_ in ROLE_TITLES and token.pos == PROPN and token.text[:1].isupper()
                                      and (token.i + 1 == len(doc) or not _name_word(doc[token.i + 1]))):
        return None  # a title word is a name when no name follows it: "the slaying of King"
    start, end = token.i, token.i + 1
    while start > 0 and not doc[start].is_sent_start and end - start < 6:
        left = doc[start - 1]
        if not (_name_word(left) or _particle_inside(doc, start - 1)) or not start <= left.head.i < end:
            break
        start -= 1
    while end < len(doc) and not doc[end].is_sent_start and end - start < 6:
        right = doc[end]
        if not _name_word(right) or not start <= right.head.i < end or right.dep_ == "appos":
            break
        end += 1
    if end - start > 2 and len(doc[start].text) == 1 and doc[start + 1].text == "-":
        return None  # a senator's party and state ("Sen. X, D-Mich., chairman of ..."), no name
    return start, end


def _shared_subject(verb: Token) -> list[Token]:
    """The subject a verb without its own shares with the verb it is coordinated with or
    depends on: "Booth sneaked in and shot Lincoln", "Booth escaped after shooting Lincoln"."""
    for _ in range(3):
        if verb.dep_ not in ("conj", "xcomp", "advcl", "pcomp") or verb.head.i == verb.i:
            return []
        verb = verb.head.head if verb.dep_ == "pcomp" else verb.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects
    return []


def _key(text: str) -> str:
    return " ".join(text.split()).lower()
