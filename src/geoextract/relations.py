"""Typed relations from dependency and token patterns over resolved actor mentions.

Patterns are JSONL data (pipeline/relations.jsonl) in spaCy's formats: a `DependencyMatcher`
pattern names its nodes `trigger`, `source`, `target` (and optionally `action`); a `Matcher`
pattern gives the same roles per token in `roles`. This module turns each match into relation
dicts on `doc._.relations` (plain data; `records.Relation` is built from them):

- the source is the `source` node's actor, or, when a pattern has none, the subject of the
  trigger's clause, found through xcomp/conj/relcl chains and passive agents;
- an argument token is an actor when it lies in a mention, is a pronoun pointing back to one,
  or is a noun modified by one ("Russian diplomats", "officials of the United States");
  coordinated actors each get a relation ("China and Russia");
- polarity, modality (hedged, reported), attribution ("according to X", "X said", quotes),
  the time expression and the quantity in the trigger's clause are read around the trigger;
- STATEMENT relations also come from quotations whose speaker is named.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from .entities import TITLES
from .matcher import TreeMatcher
from .rules import load_relation_patterns, validate_relation_patterns

SAY_VERBS = {"say", "tell", "report", "add", "claim", "state", "declare", "announce", "reveal", "write",
             "insist", "warn", "note", "argue", "stress", "confirm", "deny", "believe", "allege"}
HEDGE_WORDS = {"may", "might", "could", "reportedly", "allegedly", "apparently", "possibly", "perhaps",
               "likely", "probably", "seemingly", "supposedly", "unlikely"}
HEDGE_VERBS = {"seem", "appear", "suspect", "expect", "consider", "plan", "intend", "try", "hope", "aim", "fear",
               "worry"}
CONDITIONS = {"if", "unless"}
IMPLICIT_SOURCE_TYPES = {"state", "igo"}  # who sanctions or cuts trade without naming whom: governments, blocs
PARTY_PREPOSITIONS = {"against", "on", "with", "to", "from", "toward", "towards"}
CONDITIONAL = {"THREATEN"}  # relations conditional by nature: an "if" does not hedge a threat
NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "without"}
PRONOUNS = {"it": "thing", "its": "thing", "they": "group", "their": "group", "them": "group",
            "he": "person", "his": "person", "him": "person", "she": "person", "her": "person"}
# Definite descriptions that point back to an actor ("the country", "the regime", "the
# president"), with the kind of actor they can name.
DESCRIPTIONS = {
    "country": "state", "nation": "state", "regime": "state", "government": "state", "state": "state",
    "administration": "state", "kingdom": "state", "republic": "state", "authorities": "state",
    "alliance": "igo", "bloc": "igo", "organisation": "igo", "organization": "igo", "body": "igo",
    "president": "person", "leader": "person", "minister": "person", "premier": "person", "chancellor": "person",
    "dictator": "person", "king": "person", "spokesman": "person", "spokeswoman": "person", "envoy": "person",
    "ambassador": "person", "general": "person", "senator": "person", "official": "person",
    "company": "company", "firm": "company", "group": "org", "militia": "org", "movement": "org",
    "party": "org", "union": "org", "fleet": "org", "university": "org", "institute": "org", "court": "org",
    "council": "org", "committee": "org", "commission": "org", "network": "media", "station": "media",
    "agency": "media", "newspaper": "media", "broadcaster": "media", "outlet": "media", "daily": "media",
}
# Which actor types each kind of reference may name.
COMPATIBLE = {
    "person": {"person"}, "thing": {"state", "igo", "org", "company", "media"},
    "group": {"state", "igo", "org", "company", "media", "group", "location"},
    "state": {"state"}, "igo": {"igo", "org"}, "company": {"company", "org"}, "media": {"media", "org"},
    "org": {"org", "group", "igo", "media", "company"},
}
IMPORTS = {"import", "imports", "shipment", "shipments", "purchase", "purchases"}  # goods that come from an actor
AMOUNT_NOUNS = {"dozens", "scores", "hundreds", "thousands", "millions", "tens", "billions", "dozen", "hundred",
                "thousand", "million", "lot", "lots", "number", "majority", "some", "many", "most", "all", "several"}
# Verbs whose passive subject is the one who did what the "of"/"for" phrase says:
# "Sirhan was convicted of Kennedy's killing", "a man accused of murdering ...".
ACCUSED_VERBS = {"convict", "accuse", "charge", "suspect", "arrest", "sentence", "jail", "blame", "indict", "try",
                 "detain", "imprison", "execute", "hang", "acquit", "prosecute"}
# Verbs whose own subject owns up to (or answers for) the deed: "Ray pleaded guilty to killing
# King", "Ray, who is serving a sentence for the slaying of King", "admitted shooting".
OWNING_VERBS = {"plead", "serve", "face", "admit", "confess"}
# Nouns of a case against someone: "a 99-year sentence for the slaying of King", "the only
# suspect in Kennedy's assassination"; whoever the noun belongs to is the one accused.
ACCUSED_NOUNS = {"sentence", "conviction", "charge", "trial", "suspect", "count", "indictment", "term", "arrest"}
ACCUSED_PREPS = ("of", "for", "in", "to", "with")
# Who is arrested after a killing is held for it: "Oswald was captured following the
# assassination of Kennedy", "police arrested two men after the murder of X".
ARRESTING_VERBS = {"arrest", "capture", "detain", "apprehend", "catch"}
ARREST_PREPS = ("after", "following")
# Things fired or set off: in "Oswald fired the shots that killed Kennedy" the one who fired did it.
INSTRUMENTS = {"shot", "bullet", "bomb", "missile", "rocket", "shell", "grenade", "round", "device", "explosive",
               "drone", "torpedo"}
RELATIVE = {"who", "whom", "which", "that"}
# Groups of people that stand for the place they are in: "food to displaced families in
# Afghanistan", "killed civilians in Gaza".
PEOPLE = {"people", "civilian", "family", "resident", "refugee", "child", "population", "citizen", "villager",
          "community", "migrant", "inhabitant", "household", "farmer", "student", "worker", "palestinian"}
ORGANISATIONS = ("org", "company", "igo", "media")  # the actor types a role in an organisation is held in
# Relations about something an actor does are about the actor: "condemned the Russian
# exercises", "rejected Trump's ultimatum", "support for Israel's offensive". Backing "UN
# sanctions" is joining them, not backing the UN: for SUPPORT only a possessive owner counts.
OWNERS = {"ACCUSE": ("poss", "amod", "compound"), "REJECT": ("poss", "amod", "compound"),
          "PROTEST": ("poss", "amod", "compound"), "THREATEN": ("poss", "amod", "compound"), "SUPPORT": ("poss",),
          "COOPERATE": ("poss", "amod", "compound"),  # "modernizing North Korean railways"
          "AID": ("poss",)}  # "routing North Korea's internet traffic"
# Verbs of reacting to, looking into or telling of an event: their subject is not the event's
# actor ("the FBI is investigating the killing of X", "the UN condemned the attack on Y").
REACTIONS = {"investigate", "probe", "examine", "condemn", "denounce", "deplore", "decry", "mourn", "protest",
             "criticise", "criticize", "report", "witness", "recall", "remember", "commemorate", "mark", "discuss",
             "describe", "document", "film", "photograph", "cover", "solve", "avenge", "survive", "fear", "predict"}
# Prepositions that tie an event noun to the verb of its actor: "visited Tehran for talks with",
# "thanked Tokyo during a call with", "withdrew troops under an agreement with".
INSTRUMENTAL = {"use", "employ", "spend", "take", "need"}
# Parts of a group: "members of the country's largest union, X" are X's; "the success of the
# flotation" is no actor.
MEMBERS = {"member", "supporter", "official", "activist", "employee", "worker", "delegate", "representative",
           "soldier", "troop", "fighter", "leader", "part", "unit", "wing", "branch", "delegation"}
DENYING = {"deny", "dispute", "refute"}  # "denied that he met Sullivan": the meeting is negated  # "used the gun to shoot X": no object control
# "US-led efforts" are the United States'; "a Houthi-held port" is the Houthis', "a
# British-flagged tanker" Britain's
LEADING = {"lead", "head", "run", "hold", "control", "flag", "flagged", "own", "register", "operate"}
EVENT_PREPS = {"for", "during", "in", "at", "under"}  # not "after X": its actor is someone else
BORDERS = {"border", "frontier", "boundary"}
MODIFIER_RANK = {"appos": 0, "compound": 1, "poss": 2, "nmod": 3, "amod": 4}
QUOTE = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]", re.DOTALL)


@Language.factory(
    "geoextract_relations",
    assigns=["doc._.relations"],
    requires=["doc.spans", "token.dep", "token.lemma"],
    default_config={"actors_key": "actors", "quantities_key": "quantities", "coreference": True},
)
def make_relation_extractor(nlp: Language, name: str, actors_key: str, quantities_key: str,
                            coreference: bool) -> "RelationExtractor":
    return RelationExtractor(nlp, name, actors_key=actors_key, quantities_key=quantities_key,
                             coreference=coreference)


class RelationExtractor:
    def __init__(self, nlp: Language, name: str = "geoextract_relations", *, actors_key: str = "actors",
                 quantities_key: str = "quantities", coreference: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.actors_key = actors_key
        self.quantities_key = quantities_key
        self.coreference = coreference
        if not Doc.has_extension("relations"):
            Doc.set_extension("relations", default=None)
        self.patterns: list[dict[str, Any]] = []
        self._build()

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   patterns: Iterable[dict[str, Any]] | str | Path | None = None) -> None:
        """Load patterns (records, or a JSONL path; default pipeline/relations.jsonl)."""
        if patterns is None or isinstance(patterns, (str, Path)):
            self.patterns = load_relation_patterns(patterns)
        else:
            self.patterns = validate_relation_patterns(patterns)
        self._build()

    def _build(self) -> None:
        self.dep_matcher = TreeMatcher(self.nlp.vocab)  # spaCy's DependencyMatcher, faster on our subset
        self.tok_matcher = Matcher(self.nlp.vocab)
        self.by_id = {}
        # Nouns that name an action ("sanctions", "trade") are never stand-ins for the actor
        # that modifies them: "UN sanctions" is not the UN as a target.
        self.trigger_nouns: set[str] = set()
        for pattern in self.patterns:
            if pattern["relation"] == "AFFILIATION":
                continue  # role nouns do stand for their holder's side: "Iraqi officials said"
            for node in pattern["pattern"]:
                attrs = node.get("RIGHT_ATTRS", node)
                lemmas = attrs.get("LEMMA", {})
                name = node.get("RIGHT_ID", "trigger")  # a token pattern's tokens are all triggers
                if not isinstance(lemmas, dict) or name not in ("trigger", "action"):
                    continue  # an argument's nouns ("troops" who clash) do stand for actors
                if name == "trigger" and pattern.get("agent_noun"):
                    continue  # "supplier", "buyer" name who acts: "Chinese buyers" are China's
                if name == "action" or "NOUN" in str(attrs.get("POS", "")):
                    self.trigger_nouns.update(lemmas.get("IN", []))
        for pattern in self.patterns:
            self.by_id[pattern["id"]] = pattern
            if "RIGHT_ID" in pattern["pattern"][0]:
                self.dep_matcher.add(pattern["id"], [pattern["pattern"]])
            else:
                self.tok_matcher.add(pattern["id"], [pattern["pattern"]])

    # -- processing ------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        ctx = _Context(doc, self.actors_key, self.quantities_key, self.coreference, self.trigger_nouns)
        found: list[tuple[dict[str, Any], dict[str, Token]]] = []
        for match_id, token_ids in self.dep_matcher(doc):
            pattern = self.by_id[self.nlp.vocab.strings[match_id]]
            names = [node["RIGHT_ID"] for node in pattern["pattern"]]
            found.append((pattern, {n: doc[i] for n, i in zip(names, token_ids)}))
        token_matches = self.tok_matcher(doc, with_alignments=True) if len(self.tok_matcher) else []
        for match_id, start, end, alignments in token_matches:
            pattern = self.by_id[self.nlp.vocab.strings[match_id]]
            roles: dict[str, Token] = {}
            for offset, index in enumerate(alignments):
                role = pattern["roles"][index]
                if role and role not in roles:
                    roles[role] = doc[start + offset]
            found.append((pattern, roles))
        relations: dict[tuple, dict[str, Any]] = {}
        # Rules that infer an unnamed party run last, so they can take it from the rows that
        # name one: the sanctions a story is about are the ones it says are against someone.
        found.sort(key=lambda item: bool(item[0].get("implicit_target")))
        for pattern, roles in found:
            if pattern.get("implicit_target") and ctx.named_parties is None:
                ctx.named_parties = list(relations.values())  # every rule that names its target has run
            for relation in self._relations(ctx, pattern, roles):
                key = (relation["source_id"], relation["relation"], relation["target_id"], relation["trigger_start"])
                if key not in relations or relations[key]["confidence"] < relation["confidence"]:
                    relations[key] = relation
        for relation in ctx.quote_statements():
            key = (relation["source_id"], relation["relation"], relation["target_id"], relation["trigger_start"])
            relations.setdefault(key, relation)
        # A more specific reading of the same words between the same actors replaces a general
        # one: a pattern lists the relation types it supersedes ("would destroy the country" is
        # a THREATEN, not an ASSAULT; shells shipped to an army are AID, not TRADE).
        superseded = {(k[0], kind, k[2], k[3]) for k, r in relations.items()
                      for kind in self.by_id.get(r["pattern_id"], {}).get("supersedes", ())}
        relations = {k: r for k, r in relations.items() if k not in superseded}
        doc._.relations = sorted(relations.values(), key=lambda r: (r["trigger_start"], r["source_start"], r["relation"], r["target_start"]))
        return doc

    def _relations(self, ctx: "_Context", pattern: dict[str, Any], roles: dict[str, Token]) -> list[dict[str, Any]]:
        trigger = roles["trigger"]
        if pattern.get("not_under") and _governed_by(trigger, pattern["not_under"]):
            return []  # "lifted sanctions on Syria", "called off talks with Thailand"
        if pattern.get("only_under") and not _governed_by(trigger, pattern["only_under"]):
            return []  # ties are an event when built: "strengthened its ties with", not "its ties with"
        if pattern.get("not_objects") and any(c.dep_ == "dobj" and c.lemma_.lower() in pattern["not_objects"]
                                              for c in trigger.children):
            return []  # "not giving Pyongyang a free pass" is no aid
        if pattern.get("not_with") and any(_child_is(c, pattern["not_with"]) for c in trigger.children):
            return []  # "called Iran a terrorist state" is no phone call; "clashed over tax" no battle
        if pattern["relation"] == "AFFILIATION" and "target" in roles and ctx.inside_other_actor(roles["target"], trigger):
            return []  # "president of the Foundation for the Advancement of X": the role is the Foundation's
        if "source" in roles:
            sources = ctx.actors_for(roles["source"])
            if pattern["relation"] == "AFFILIATION" and trigger.head.i == roles["source"].i and trigger.dep_ in ("compound", "nmod"):
                sources = sources[:1]  # "Treasury Secretary X and Vice Premier Y": a title before a name is its own
            if roles["source"].head.i == trigger.i and roles["source"].dep_ in ("compound", "nmod", "amod"):
                # "the Guadalajara slayings", "the Lockerbie bombing": a place before an event
                # noun says where, not who (a state does act: "Israeli strikes")
                sources = [source for source in sources if source.type != "location"]
        elif pattern.get("source_from") == "document":
            sources = ctx.salient_states(trigger.i)[:1]  # "bilateral trade": the story's main state
        else:
            sources = ctx.subject_actors(trigger)
        if pattern.get("implicit_target"):
            if ctx.names_a_party(trigger, roles):
                return []  # "voted for sanctions against Iran": a pattern with a target node reads it
            sources = [source for source in sources if source.type in IMPLICIT_SOURCE_TYPES]
            acting = {source.actor_id for source in sources}
            targets, implied = ctx.implicit_targets(trigger, acting, pattern["relation"])
        elif pattern.get("target_from") == "clause":
            # the main actor of the reported clause, other than the speaker
            speakers = {source.actor_id for source in sources}
            targets = [a for a in ctx.clause_actors(roles["target"]) if a.actor_id not in speakers][:1]
        elif pattern.get("target_from") == "warning":
            sources, targets = ctx.warning_parties(sources, roles["target"])
        else:
            targets = ctx.actors_for(roles["target"], owners=OWNERS.get(pattern["relation"], ()))
            if pattern["relation"] == "AFFILIATION":
                for arg in targets:
                    if arg.how == "description" and arg.span.sent.start == arg.words.sent.start:
                        # "The EPA is working on it, said X, a spokeswoman for the agency": a role
                        # is held in the organisation itself, named in this sentence
                        arg.at = arg.span
                targets += ctx.parent_organisations(targets)
        pairs = [(source, target) for source in sources for target in targets]
        if pattern.get("symmetric"):  # "trade between X and Y" holds both ways
            pairs += [(target, source) for source, target in pairs]
        if pattern["relation"] == "STATEMENT":
            speaker = ctx.quote_speaker_at(trigger.idx)
            if speaker is not None:
                # "The Kremlin really believes ...", inside Kortunov's quote, is his reading of
                # the Kremlin, not a statement the Kremlin made: the quote is his statement
                pairs = [(s, t) for s, t in pairs if s.actor_id == speaker.actor_id]
        out = []
        for source, target in pairs:
            if source.actor_id == target.actor_id:
                # "Oswald fired the shots that killed him": a pronoun that would make an actor
                # act on itself means someone else
                if target.how == "pronoun":
                    target = ctx.antecedent_besides(target, source.actor_id)
                elif source.how == "pronoun":
                    source = ctx.antecedent_besides(source, target.actor_id)
                if source is None or target is None or source.actor_id == target.actor_id:
                    continue
            if source.span.start == target.span.start:
                continue
            if pattern["relation"] == "AFFILIATION" and target.type == "location":
                continue  # "a lawyer from Boston", "the mayor of Mohammadia": where, not who
            basis = [(f"rule {pattern['id']}", float(pattern.get("confidence", 0.7)))]
            if pattern.get("implicit_target"):
                basis.append(implied)
            for arg in (source, target):
                if arg.how:
                    basis.append((f"{arg.how} '{arg.words.text}' read as {arg.name}", -0.15))
            out.append(ctx.relation(pattern, roles, source, target, basis))
        return out

    # -- serialisation ---------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "relations.jsonl", [{k: v for k, v in p.items() if k != "_line"} for p in self.patterns])

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RelationExtractor":
        file = Path(path) / "relations.jsonl"
        self.patterns = validate_relation_patterns(srsly.read_jsonl(file), file)
        self._build()
        return self


class _Arg:
    """An actor argument of a relation: the mention span and how it was reached."""

    __slots__ = ("span", "actor_id", "name", "type", "at", "how", "words")

    def __init__(self, span: Span, name: str, type_: str, at: Span | None = None, how: str | None = None) -> None:
        self.span, self.actor_id, self.name, self.type = span, span.kb_id_, name, type_
        # `words` is what the text says for the actor ("he", "the country"), `span` the named
        # mention it resolved to. The relation's offsets (`at`) point at the name when a pronoun
        # takes it from the same sentence ("Kennedy had won when Sirhan shot him"), as
        # sentence-level gold marks it; else at the words.
        self.words = at if at is not None else span
        named_here = at is not None and how == "pronoun" and span.sent.start == at.sent.start
        self.at = span if at is None or named_here else at
        self.how = how


class _Context:
    """Per-document lookups shared by all matches: mentions by token, sentences, quotes."""

    def __init__(self, doc: Doc, actors_key: str, quantities_key: str, coreference: bool,
                 trigger_nouns: set[str] = frozenset()) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token: read it once
        self.trigger_nouns = trigger_nouns
        self.coreference = coreference
        self.mentions = list(doc.spans[actors_key]) if actors_key in doc.spans else []
        self.actors = doc._.actors or {}
        self.at: dict[int, Span] = {}
        for span in self.mentions:
            for i in range(span.start, span.end):
                self.at[i] = span
        self.quantities = doc._.quantities or []
        self.sents = list(doc.sents)
        self.sent_of = {}
        for index, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = index
        self.quotes = [(m.start(), m.end()) for m in QUOTE.finditer(self.text)]
        self.named_parties: list[dict[str, Any]] | None = None  # rows that name their target, for implicit ones
        self._dates: dict[int, list[Span]] | None = None  # per sentence, read from doc.ents once when needed

    # -- arguments ---------------------------------------------------------------------------
    def arg(self, span: Span) -> _Arg | None:
        info = self.actors.get(span.kb_id_)
        if info is None:
            return None
        return _Arg(span, info["name"], info["type"])

    def actors_for(self, token: Token, owners: tuple[str, ...] = (), clause_start: int | None = None) -> list[_Arg]:
        """Actors a token stands for, with the actors coordinated with it ("China and Russia",
        "Indian and French navies"). A relative pronoun stands for the noun its clause modifies
        ("Oswald, who had been shot by Ruby"), also from a clause coordinated with that one
        ("the gunman who killed X and who later killed Y"). With `owners` (modifier relations), an action noun
        stands for the actor whose action it is ("condemned the Russian exercises"). A relative
        clause (starting at `clause_start`, or at the pronoun) is about the names coordinated
        before it, not those after ("Ruby, who killed Oswald, and the Bakkers")."""
        if token.lower_ in RELATIVE:
            clause_start = token.i
            clause = token.head
            while clause.dep_ == "conj" and clause.head.i != clause.i:
                clause = clause.head  # "the gunman who killed X and who later killed Y"
            if clause.dep_ == "relcl":
                token = clause.head
        first = self._actor_at(token, owners=owners)
        if first is None:
            return []
        args = [first]
        others = _conjuncts(token)
        if clause_start is not None:
            others = _before_clause(others, clause_start)
        if token.i not in self.at and token.pos_ == "NOUN":
            # the actor came from a modifier: its coordinated modifiers are actors too
            others += [c for m in token.children if m.i in self.at for c in _conjuncts(m)]
            others += [c for m in self._origins(token) for c in _conjuncts(m)]  # "imports from Spain and Denmark"
        for conj in others:
            other = self._actor_at(conj, owners=owners)
            if other is not None and all(other.actor_id != a.actor_id for a in args):
                args.append(other)
        return args

    def _actor_at(self, token: Token, depth: int = 0, owners: tuple[str, ...] = ()) -> _Arg | None:
        span = self.at.get(token.i)
        if span is not None:
            return self.arg(span)
        lower = token.lower_
        if lower in PRONOUNS and self.coreference:
            return self._antecedent(token, PRONOUNS[lower], self.doc[token.i:token.i + 1], "pronoun")
        if depth < 3 and (token.lower_ in AMOUNT_NOUNS or token.like_num):
            # "tens of thousands of North Korean workers": the amount stands for what it counts
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return self._actor_at(pobj, depth + 1)
        if token.lower_ in TITLES and token.pos_ in ("NOUN", "PROPN"):
            # "X and Chinese Vice Premier He Lifeng held talks", parsed with the title as the
            # conjunct and the name on its own: the title stands for the person named after it
            named = self.at.get(token.i + 1)
            if named is not None and named.start == token.i + 1 and named.label_ == "PERSON" and named.root.head.i != token.i:
                return self.arg(named)
        if depth < 3 and token.pos_ == "NOUN":
            # "Oswald, the man who killed Kennedy" and "Oswald was the gunman who ...": a
            # common noun in apposition to an actor, or predicated of one, stands for it
            if token.dep_ == "appos" and token.head.i in self.at:
                return self._actor_at(token.head, depth + 1)
            if token.dep_ == "attr":
                subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                if subject is not None and subject.i in self.at:
                    return self._actor_at(subject, depth + 1)
        action = token.lemma_.lower() in self.trigger_nouns
        origin = next(iter(self._origins(token)), None) if action else None
        if origin is not None:  # "tariffs on wine imports from Spain": imports stand for where they come from
            return self.arg(self.at[origin.i])
        if action and owners and token.pos_ == "NOUN":
            # an action noun is not its actor ("UN sanctions" are not the UN), but what is
            # condemned or rejected is its doer's ("Trump's ultimatum")
            for child in sorted(token.children, key=lambda c: MODIFIER_RANK.get(c.dep_, 9)):
                if child.i in self.at and child.dep_ in owners:
                    return self.arg(self.at[child.i])
        if token.pos_ in ("NOUN", "PROPN") and not action:
            # "Russian diplomats", "US officials", "Russia's ministry": the modifier is the actor.
            # A name in apposition is the noun itself ("the news agency Sputnik"); a
            # modifier stands for it ("Russian diplomats", "Russia's ministry").
            ranked = sorted((c for c in token.children if c.i in self.at),
                            key=lambda c: MODIFIER_RANK.get(c.dep_, 9))
            for child in ranked:
                if child.dep_ in MODIFIER_RANK:
                    found = self.arg(self.at[child.i])
                    if found is not None:
                        return found
            led = self._leader(token)
            if led is not None:
                return led
            lemma = token.lemma_.lower()
            preps = ("of", "from", "with") if lemma in BORDERS else ("of", "from", "in") if lemma in PEOPLE else ("of", "from")
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj" and pobj.i in self.at:
                            return self.arg(self.at[pobj.i])
                        if (pobj.dep_ == "pobj" and depth < 3 and pobj.pos_ == "NOUN" and child.lower_ == "of"
                                and lemma in MEMBERS):
                            found = self._actor_at(pobj, depth + 1)  # "members of the country's largest union"
                            if found is not None:
                                return found
            kind = DESCRIPTIONS.get(token.lemma_.lower())
            if kind and self.coreference and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
                words = [c for c in token.lefts if c.dep_ in ("det", "amod", "compound")]
                start = min([token.i] + [w.i for w in words])
                return self._antecedent(token, kind, self.doc[start:token.i + 1], "description")
        return None

    def antecedent_besides(self, arg: _Arg, actor_id: str) -> _Arg | None:
        """Another antecedent for a pronoun argument, not `actor_id`."""
        token = arg.words[0]
        return self._antecedent(token, PRONOUNS[token.lower_], arg.words, "pronoun", besides=actor_id)

    def parent_organisations(self, args: list[_Arg]) -> list[_Arg]:
        """The organisation that owns an organisation named as a target: who works for "Harvard
        University's Kennedy School" works for Harvard University too. And the organisation's
        other name in brackets beside it: "the PRD (Party of the Democratic Revolution)",
        "the Welfare Party (RP)" name one party twice."""
        out = []
        for arg in args:
            if arg.how or arg.type == "person":
                continue
            found = [self.arg(self.at[child.i]) for child in arg.span.root.children
                     if child.dep_ == "poss" and child.i in self.at]
            found += [self.arg(other) for other in self._bracketed_with(arg.span)]
            out += [f for f in found if f is not None and f.type in ORGANISATIONS and f.actor_id != arg.actor_id
                    and all(f.actor_id != o.actor_id for o in out)]
        return out

    def _bracketed_with(self, span: Span) -> list[Span]:
        """The mention in brackets right after `span`, or the one right before the brackets
        `span` is in."""
        doc, out = span.doc, []
        if span.end + 2 < len(doc) and doc[span.end].text == "(" and span.end + 1 in self.at:
            inner = self.at[span.end + 1]
            if inner.end < len(doc) and doc[inner.end].text == ")":
                out.append(inner)
        if span.start >= 2 and doc[span.start - 1].text == "(" and span.end < len(doc) and doc[span.end].text == ")" \
                and span.start - 2 in self.at:
            out.append(self.at[span.start - 2])
        return out

    def inside_other_actor(self, token: Token, top: Token) -> bool:
        """Whether, on the way up from `token` to `top`, a prepositional phrase holding it
        modifies another named actor ("the Foundation [for the Advancement of X]"); a
        possessive chain ("the Ministry's department chief") nests nothing."""
        own = self.at.get(token.i)
        node, below = token.head, token
        while node.i != top.i and node.head.i != node.i:
            if below.dep_ == "prep" and node.i in self.at and self.at[node.i] is not own:
                return True
            node, below = node.head, node
        return False

    def _origins(self, noun: Token) -> list[Token]:
        """The named actors an imports noun comes from ("imports from Spain"); none for other words."""
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in IMPORTS:
            return []
        return [pobj for prep in noun.children if prep.dep_ == "prep" and prep.lower_ == "from"
                for pobj in prep.children if pobj.dep_ == "pobj" and pobj.i in self.at]

    def _leader(self, noun: Token) -> _Arg | None:
        """The leader a group noun stands for, or the owner of a thing: "US-led efforts", "forces
        led by the United States", "a British-flagged tanker"."""
        for child in noun.children:
            if child.dep_ in ("amod", "acl") and child.lemma_.lower() in LEADING:
                for mark in child.children:
                    if mark.dep_ in ("npadvmod", "compound", "amod") and mark.i in self.at:
                        return self.arg(self.at[mark.i])
                    if mark.dep_ == "agent":
                        for pobj in mark.children:
                            if pobj.dep_ == "pobj" and pobj.i in self.at:
                                return self.arg(self.at[pobj.i])
        return None

    def _bound_by_clause(self, token: Token) -> Token | None:
        """The word a subject pronoun means by the clause it stands in, if the clause says:
        the speaker of "Novartis said (that) it would merge ..." (the speaker speaks of
        itself), or the object of "the ambulance took Oswald to hospital after he was shot"
        (when the main clause's subject is no actor, the subject of its clause of time or
        cause is its object)."""
        if token.dep_ not in ("nsubj", "nsubjpass"):
            return None
        verb = token.head.head
        if token.head.dep_ == "ccomp":
            speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if verb.lemma_.lower() in SAY_VERBS and speaker is not None and speaker.i < token.i:
                return speaker
        elif token.head.dep_ == "advcl":
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject.lower_ in RELATIVE and verb.dep_ == "relcl":
                subject = verb.head  # "the ambulance that took ..."
            obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < token.i), None)
            if subject is not None and obj is not None and self._actor_at(subject, depth=3) is None:
                return obj
        return None

    def _antecedent(self, token: Token, kind: str, at: Span, how: str, besides: str = "") -> _Arg | None:
        """The most recent compatible actor within the last two sentences (a small rule
        resolver): its own sentence first, there and before a subject first, else the nearest
        mention; a description ("the country") looks back further than a pronoun, four sentences."""
        sent = self.sent_of.get(token.i, 0)
        floor = self.sents[max(0, sent - (4 if how == "description" else 2))].start
        # a subject pronoun continues the previous sentence's topic; other references look
        # in their own sentence first
        here = self.sents[sent].start if how == "description" or token.dep_ not in ("nsubj", "nsubjpass") else 0
        allowed = COMPATIBLE[kind]
        word = self._bound_by_clause(token) if how == "pronoun" else None
        if word is not None:
            found = self._actor_at(word, depth=3)
            if found is not None and found.type in allowed and found.actor_id != besides:
                return _Arg(found.span, found.name, found.type, at=at, how=how)
        bound = _clause_subjects(token) if how == "pronoun" else set()
        fallback = None
        for span in reversed(self.mentions):
            if span.start >= token.i or span.start < floor:
                continue
            if span.start < here and fallback is not None and fallback.start >= here:
                break  # "Trump told the UN he would destroy the country": North Korea, named here
            if at.start <= span.start < at.end or any(span.start <= i < span.end for i in bound):
                continue  # "Sirhan shot him": an object pronoun is not its own clause's subject
            info = self.actors.get(span.kb_id_)
            if info is None or info["type"] not in allowed or span.kb_id_ == besides:
                continue
            root = span.root
            # a subject, one of coordinated subjects, or the owner of a subject ("Kazakhstan's ministry")
            subject = root.dep_ in ("nsubj", "nsubjpass") or (
                root.dep_ in ("conj", "poss", "compound", "amod") and root.head.dep_ in ("nsubj", "nsubjpass"))
            if subject:
                fallback = span  # subjects are the likeliest antecedents
                break
            fallback = fallback or span
        if fallback is None:
            return None
        info = self.actors[fallback.kb_id_]
        return _Arg(fallback, info["name"], info["type"], at=at, how=how)

    def subject_actors(self, trigger: Token) -> list[_Arg]:
        """The actor(s) doing what the trigger says, climbing xcomp/conj/relcl chains."""
        accused = self._accused(trigger)
        if accused is not None:
            return accused
        token, raised = trigger, False
        for _ in range(6):
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in token.children)
            for child in token.children:
                if child.dep_ == "agent":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return self.actors_for(pobj)
            if raised and passive:
                # "Oswald is believed to have shot ...", "Russia was urged to stop ...": the
                # passive subject does what the infinitive says
                subject = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
                if subject is not None:
                    return self.actors_for(subject)
            for child in token.children:
                if child.dep_ == "nsubj" and not passive:
                    # "An Israeli drone strike killed ...": the event's modifier is its agent
                    if child.lower_ in RELATIVE and token.dep_ == "relcl":
                        break  # the noun the clause modifies, below
                    return self.actors_for(child) or self._modifier_actors(child)
            if token.dep_ == "relcl":  # "Russia, which shares a border with ..."
                args = self.actors_for(token.head, clause_start=token.left_edge.i)
                head = token.head
                lemma = head.lemma_.lower()
                if head.dep_ == "dobj" and (lemma in BORDERS or not args and (
                        lemma in INSTRUMENTS or any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children))):
                    # "X fired the shots that killed Y", "X shares a border with Y that has
                    # resulted in resisting ...": things do not act; who has them does. And
                    # "Pakistan signed a deal to import gas": an infinitive with no subject of
                    # its own is done by whoever has the deal, plan or contract
                    return self.subject_actors(head.head)
                return args
            if token.dep_ == "acl" and (token.tag_ != "VBN" or any(c.dep_ == "dobj" for c in token.children)):
                # "South Africa's case accusing Israel"; a participle with an object is active
                # even when tagged passive, a misread clause: "A Turkish air strike killed at
                # least five militants" (the strike's modifier is its agent, as for a subject)
                args = self.actors_for(token.head) or self._modifier_actors(token.head)
                if args:
                    return args
            if (token.dep_ == "xcomp" and token.head.lemma_.lower() not in INSTRUMENTAL
                    and any(c.dep_ == "dobj" for c in token.head.children)):
                # object control: in "asked all countries to stop exporting", the countries export
                return self.actors_for(next(c for c in token.head.children if c.dep_ == "dobj"))
            if token.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl") or (token.dep_ == "prep" and token.pos_ == "VERB"):
                raised = token.dep_ == "xcomp"
                token = token.head
                if token.dep_ == "prep":  # "by backing": pcomp -> prep -> verb
                    token = token.head
                continue
            if (token.dep_ == "attr" and token.pos_ == "NOUN" and token.head.lemma_ == "be"
                    and any(c.dep_ == "poss" for c in token.children)):
                # "China is Brazil's largest trading partner": China trades (not "they would be
                # a threat", where who is said to be one does not threaten)
                token = token.head
                continue
            if token.dep_ in ("dobj", "pobj") and (token.pos_ == "NOUN" or _nominal_gerund(token)):
                if token.dep_ == "dobj" and token.head.lemma_.lower() in REACTIONS:
                    return []  # "the FBI is investigating the killing of X": who reacts did not do it
                token = token.head
                if token.dep_ == "prep" and token.lower_ in EVENT_PREPS and token.head.pos_ in ("VERB", "AUX"):
                    token = token.head  # "visited Tehran for talks with ...": the visitor talks
                continue
            break
        return []

    def country(self, arg: _Arg) -> str:
        return self.actors.get(arg.actor_id, {}).get("country") or arg.actor_id

    def warning_parties(self, speakers: list[_Arg], clause: Token) -> tuple[list[_Arg], list[_Arg]]:
        """Who threatens whom in "X warned that ... would ...": when the clause's first actor is
        the speaker's own side ("Washington could reimpose the restrictions if Beijing ..."),
        that side threatens the next actor of another country; otherwise the speaker threatens
        the clause's actor ("warned that Israel would pay a heavy price")."""
        actors = self.clause_actors(clause)
        if not speakers or not actors:
            return [], []
        side = {self.country(s) for s in speakers} | {s.actor_id for s in speakers}
        first = actors[0]
        if first.actor_id in side or self.country(first) in side:
            others = [a for a in actors[1:] if self.country(a) not in side and a.actor_id not in side]
            return [first], others[:1]
        return speakers[:1], [first]

    def _modifier_actors(self, noun: Token) -> list[_Arg]:
        if noun.pos_ != "NOUN":
            return []
        for child in sorted(noun.children, key=lambda c: MODIFIER_RANK.get(c.dep_, 9)):
            if child.dep_ in ("poss", "amod", "compound", "nmod") and child.i in self.at:
                found = self.arg(self.at[child.i])
                if found is not None:
                    return [found]
        return []

    def _accused(self, trigger: Token) -> list[_Arg] | None:
        """The accused of "X was convicted of (Y's) killing", "X, accused of murdering Y", "X
        pleaded guilty to killing Y", "X is serving a sentence for the slaying of Y" and "X,
        the suspect in Y's assassination"."""
        if trigger.dep_ not in ("pcomp", "pobj"):
            return None
        prep = trigger.head
        if prep.dep_ != "prep" or prep.lower_ not in ACCUSED_PREPS + ARREST_PREPS:
            return None
        holder = prep.head
        if prep.lower_ in ARREST_PREPS:
            if holder.pos_ != "VERB" or holder.lemma_.lower() not in ARRESTING_VERBS:
                return None
            for child in holder.children:
                if child.dep_ == "dobj":  # "police arrested X after the killing of Y"
                    return self.actors_for(child) or None
            if any(c.dep_ == "nsubj" for c in holder.children):
                return None  # "police arrested ... after": no one named is held
            return self._subject_of(holder) or None
        if holder.pos_ == "ADJ" and holder.dep_ in ("acomp", "oprd"):  # "pleaded guilty to"
            holder = holder.head
        lemma = holder.lemma_.lower()
        if holder.pos_ == "NOUN" and lemma in ACCUSED_NOUNS:
            if holder.dep_ in ("appos", "attr", "acl"):
                return self.actors_for(holder.head) if holder.dep_ != "attr" else self._subject_of(holder.head)
            verb = holder.head.head if holder.dep_ == "pobj" else holder.head
            holder, lemma = verb, verb.lemma_.lower()
            if verb.pos_ not in ("VERB", "AUX"):
                return None
            if lemma in ACCUSED_VERBS:
                for child in verb.children:
                    if child.dep_ == "dobj":  # "a grand jury indicted X on a charge of murder in ..."
                        return self.actors_for(child) or None
            return self._subject_of(verb) or None
        if holder.pos_ in ("NOUN", "PROPN") and holder.dep_ == "dobj" and holder.head.lemma_.lower() in ACCUSED_VERBS:
            return self.actors_for(holder) or None  # "the jury convicted sniper X of killing Y"
        if holder.pos_ not in ("VERB", "AUX"):
            return None
        if lemma in OWNING_VERBS:
            return self._subject_of(holder) or None
        if lemma not in ACCUSED_VERBS or prep.lower_ not in ("of", "for", "in"):
            return None
        for child in holder.children:
            if child.dep_ == "dobj":  # "a jury convicted X of"
                return self.actors_for(child) or None
        if any(c.dep_ == "nsubj" for c in holder.children):
            return None  # "Congo accused Rwanda of ...": the accuser did nothing of it
        return self._subject_of(holder) or None  # "X was (tried and) convicted of", "X, accused of"

    def _subject_of(self, verb: Token) -> list[_Arg]:
        """The actors of a verb's subject, active or passive, through a relative clause or a
        coordinated verb ("Ray, who is serving ...", "X was tried and convicted for ...")."""
        for _ in range(3):
            for child in verb.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return self.actors_for(child)
            if verb.dep_ == "relcl":
                return self.actors_for(verb.head)
            if verb.dep_ == "acl":  # a participle describes its noun, not the nouns coordinated with it
                return self.actors_for(verb.head)[:1]
            if verb.dep_ in ("conj", "xcomp"):
                verb = verb.head
                continue
            break
        return []

    def clause_actors(self, head: Token) -> list[_Arg]:
        """Actors of a clause, its subject first, then the others in text order. A clause whose
        subject is a name we do not know is about that ("The West, Russians believe, is
        tainted ..."); relative clauses and appositions inside it are asides, not its topic."""
        out: list[_Arg] = []
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                out.extend(self.actors_for(child))
                if not out and child.pos_ == "PROPN":
                    return []
        asides = {t.i for c in head.subtree if c.dep_ in ("relcl", "appos") and c.head != head for t in c.subtree}
        for token in head.subtree:
            if token.i in self.at and token.i not in asides:
                found = self.arg(self.at[token.i])
                if found is not None and all(found.actor_id != a.actor_id for a in out):
                    out.append(found)
        return out

    def salient_states(self, end: int) -> list[_Arg]:
        """The states mentioned before token `end`, the most mentioned first (then the first
        mentioned): the parties of "bilateral trade" and of actions that name none."""
        counts: dict[str, list] = {}
        for span in self.mentions:
            if span.start >= end:
                break
            info = self.actors.get(span.kb_id_)
            if info and info["type"] == "state":
                counts.setdefault(span.kb_id_, [0, span])
                counts[span.kb_id_][0] += 1
        ranked = sorted(counts.values(), key=lambda item: (-item[0], item[1].start))
        return [arg for arg in (self.arg(span) for _, span in ranked) if arg is not None]

    def implicit_targets(self, token: Token, besides: set[str], relation: str) -> tuple[list[_Arg], tuple[str, float]]:
        """The party of an action that names none ("Japan voted for new sanctions", "Ankara
        halted trade"): the state the document's other rows of the same relation name as their
        target most often; else the state the document has mentioned most up to here, other
        than the actors acting; else the whole document's (a headline comes before the story
        that names the party). With the targets, the reason and its confidence cost: a party
        the story names for the same relation is the surer."""
        by_salience = ("target implied by the document", -0.2)
        if not besides:
            return [], by_salience
        named = Counter(r["target_id"] for r in self.named_parties or ()
                        if r["relation"] == relation and r["target_id"] not in besides
                        and self.actors.get(r["target_id"], {}).get("type") == "state")
        if named:
            best = min(named, key=lambda actor_id: (-named[actor_id], actor_id))
            mentions = [span for span in self.mentions if span.kb_id_ == best]
            before = [span for span in mentions if span.start < token.i]
            found = self.arg(before[-1] if before else mentions[0]) if mentions else None
            if found is not None:
                return [found], (f"target named by the document's other {relation} rows", -0.1)
        for end in (token.i, len(self.doc)):
            ranked = [arg for arg in self.salient_states(end) if arg.actor_id not in besides]
            if ranked:
                return ranked[:1], by_salience
        return [], by_salience

    def names_a_party(self, trigger: Token, roles: dict[str, Token]) -> bool:
        """Whether the action names whom it is against or with: an actor after "against",
        "on", "with", "to" or "from" on the trigger or inside its action noun."""
        preps = [c for c in trigger.children if c.dep_ == "prep"]
        if "action" in roles:
            preps += [t for t in roles["action"].subtree if t.dep_ == "prep"]
        return any(p.lower_ in PARTY_PREPOSITIONS and any(c.dep_ == "pobj" and c.i in self.at for c in p.children)
                   for p in preps)

    # -- the relation record -----------------------------------------------------------------
    def relation(self, pattern: dict[str, Any], roles: dict[str, Token], source: _Arg, target: _Arg,
                 basis: list[tuple[str, float]]) -> dict[str, Any]:
        """The relation record. Its confidence is the rule's base confidence less a penalty for
        each inference it rests on (an argument read from a pronoun or description, a target
        implied by the document, a hedge, an actor the gazetteer does not know), and
        `confidence_basis` spells the sum out."""
        trigger = roles["trigger"]
        sent_index = self.sent_of.get(trigger.i, 0)
        sent = self.sents[sent_index]
        if pattern["relation"] == "AFFILIATION":
            attributed, reported = None, False
        elif pattern["relation"] == "STATEMENT":
            attributed, reported = source.name, True  # the statement is the speaker's own claim
        else:
            attributed, reported = self.attribution(trigger, source)
        hedged = _hedged(trigger, conditions=pattern["relation"] not in CONDITIONAL)
        quantity = self.quantity_for(trigger, roles)
        modality = "hedged" if hedged else "reported" if reported else "asserted"
        basis = list(basis)
        if hedged:
            basis.append(("hedged", -0.1))
        for arg in (source, target):
            if arg.actor_id.startswith("x-"):
                basis.append((f"{arg.name} not in the gazetteer", -0.05))
        confidence = max(0.05, min(1.0, round(sum(delta for _, delta in basis), 2)))
        explained = "; ".join(f"{what} {delta:+.2f}" if i else f"{what} {delta:.2f}" for i, (what, delta) in enumerate(basis))
        return {
            "sent_index": sent_index,
            "source": source.name, "source_id": source.actor_id, "source_type": source.type,
            "relation": pattern["relation"],
            "target": target.name, "target_id": target.actor_id, "target_type": target.type,
            "action": _action(pattern, roles),
            "action_category": pattern["action_category"],
            "quantity_index": quantity,
            "polarity": "negated" if _negated(trigger) else "affirmed",
            "modality": modality,
            "attributed_to": attributed,
            "time_text": self.time_for(trigger),
            "confidence": confidence,
            "confidence_basis": f"{explained} = {confidence:.2f}",
            "pattern_id": pattern["id"],
            "evidence": sent.text.strip(),
            "source_start": source.at.start_char, "source_end": source.at.end_char,
            "target_start": target.at.start_char, "target_end": target.at.end_char,
            "trigger_start": trigger.idx, "trigger_end": trigger.idx + len(trigger.text),
        }

    def attribution(self, trigger: Token, source: _Arg) -> tuple[str | None, bool]:
        """Who the claim comes from: "according to X", a reporting verb above it, a quote."""
        sent = self.sents[self.sent_of.get(trigger.i, 0)]
        for token in sent:
            if token.lower_ == "according":
                for prep in token.children:
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            args = self.actors_for(pobj)
                            return (args[0].name if args else _chunk(pobj)), True
        for ancestor in trigger.ancestors:
            if ancestor.lemma_.lower() in SAY_VERBS and ancestor.pos_ == "VERB":
                for child in ancestor.children:
                    if child.dep_ == "nsubj":
                        args = self.actors_for(child)
                        if args:
                            return args[0].name, args[0].actor_id != source.actor_id
                        return _chunk(child), True
        # A reporting clause that the parser attached to the trigger as a dependent
        # ("..., a ploy US officials say is often used").
        for child in trigger.children:
            if child.dep_ in ("parataxis", "ccomp", "relcl") and child.lemma_.lower() in SAY_VERBS:
                for subject in child.children:
                    if subject.dep_ == "nsubj":
                        args = self.actors_for(subject)
                        return (args[0].name if args else _chunk(subject)), True
        # A trailing reporting clause: "..., the state news agency TASS reported."
        for token in sent:
            if (token.i > trigger.i and token.pos_ == "VERB" and token.lemma_.lower() in SAY_VERBS
                    and token not in trigger.subtree and not any(c.dep_ == "ccomp" for c in token.children)):
                for subject in token.children:
                    if subject.dep_ == "nsubj":
                        args = self.actors_for(subject)
                        if args:
                            return args[0].name, args[0].actor_id != source.actor_id
        speaker = self.quote_speaker_at(trigger.idx)
        if speaker is not None:
            return speaker.name, speaker.actor_id != source.actor_id
        return None, False

    def quantity_for(self, trigger: Token, roles: dict[str, Token]) -> int | None:
        """The index of the amount in the trigger's clause (closest first), if any."""
        heads = {token.i for role, token in roles.items() if role not in ("source", "target")}
        if trigger.pos_ in ("NOUN", "PROPN"):
            verb = next((a for a in trigger.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if verb is not None:
                heads.add(verb.i)  # "trade ... doubled to $31.4 million"
        best, best_rank = None, None
        for index, quantity in enumerate(self.quantities):
            start = quantity["token_start"]
            if self.sent_of.get(start) != self.sent_of.get(trigger.i):
                continue
            token = self.doc[quantity["token_end"] - 1]
            chain = [token] + list(token.ancestors)
            for distance, node in enumerate(chain):
                if node.i in heads:
                    # an amount beats a bare change ("doubled to $31.4 million": the money)
                    rank = (quantity["kind"] == "change", distance)
                    if best_rank is None or rank < best_rank:
                        best, best_rank = index, rank
                    break
                if node.pos_ == "VERB" and node.i not in heads and node.dep_ not in ("relcl", "acl", "xcomp"):
                    break
        return best

    def time_for(self, trigger: Token) -> str | None:
        if self._dates is None:  # Doc.ents walks every token: once per document, not per relation
            self._dates = {}
            for ent in self.doc.ents:
                if ent.label_ in ("DATE", "TIME") and self.sent_of.get(ent.start) == self.sent_of.get(ent.end - 1):
                    self._dates.setdefault(self.sent_of.get(ent.start, 0), []).append(ent)
        dates = self._dates.get(self.sent_of.get(trigger.i, 0))
        if not dates:
            return None
        return min(dates, key=lambda ent: abs(ent.start - trigger.i)).text

    # -- quotations --------------------------------------------------------------------------
    def quote_speaker_at(self, char: int) -> _Arg | None:
        for index, (start, end) in enumerate(self.quotes):
            if start <= char < end:
                return self._speaker(index)
        return None

    def _speaker(self, index: int, depth: int = 0) -> _Arg | None:
        """A quote's speaker: a say-verb subject by the quote, a "Name:" lead-in, or the
        speaker of the quote just before it in the same stretch of text."""
        start, end = self.quotes[index]
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        first, last = self.sent_of.get(span.start, 0), self.sent_of.get(span.end - 1, 0)
        for sent in self.sents[first:last + 1] + self.sents[last + 1:last + 2]:
            for token in sent:
                if token.lemma_.lower() in SAY_VERBS and token.pos_ == "VERB" and not (start <= token.idx < end):
                    for child in token.children:
                        if child.dep_ == "nsubj" and not (start <= child.idx < end):
                            args = [a for a in self.actors_for(child) if a.type in ("person", "org", "media", "igo", "state")]
                            if args:
                                return args[0]
            if sent.start > span.start:
                break
        lead = self.text[max(0, start - 200):start].rstrip()
        if lead.endswith(":"):
            before = [m for m in self.mentions if start - 200 <= m.end_char <= start and m.label_ == "PERSON"]
            if before:
                return self.arg(before[-1])
        if depth == 0 and index > 0:
            prev_start, prev_end = self.quotes[index - 1]
            gap = self.text[prev_end:start]
            if len(gap) < 300 and gap.count("\n") <= 2:
                return self._speaker(index - 1, depth=1)
        return None

    def quote_statements(self) -> list[dict[str, Any]]:
        """STATEMENT relations: a quoted speaker -> the main actor the quote is about."""
        out = []
        for index, (start, end) in enumerate(self.quotes):
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None or end - start < 20:
                continue  # a scare quote ("rocket man"), not a statement
            speaker = self._speaker(index)
            if speaker is None:
                continue
            inside = [m for m in self.mentions if start <= m.start_char and m.end_char <= end and m.kb_id_ != speaker.actor_id]
            if not inside:
                continue
            target = self.arg(inside[0])
            if target is None:
                continue
            trigger = span[0] if not span[0].is_punct or len(span) == 1 else span[1]
            pattern = {"id": "statement.quote", "relation": "STATEMENT", "action_category": "POLITICAL",
                       "action": "quoted statement"}
            relation = self.relation(pattern, {"trigger": trigger}, speaker, target, [("quoted speaker", 0.75)])
            relation["attributed_to"] = speaker.name
            relation["modality"] = "reported" if relation["modality"] != "hedged" else "hedged"
            out.append(relation)
        return out


def _nominal_gerund(token: Token) -> bool:
    """A gerund the tagger calls a verb but that stands as a noun: "in the Kennedy slaying",
    "during Kennedy's slaying" (it has a determiner or an owner)."""
    return token.pos_ == "VERB" and token.lower_.endswith("ing") and any(
        c.dep_ in ("det", "poss") for c in token.children)


def _child_is(child: Token, kinds: list[str]) -> bool:
    """Whether a trigger's child is of one of `kinds`: a dependency label ("oprd") or a label
    and a word ("prep:over")."""
    return any(child.dep_ == kind if ":" not in kind else f"{child.dep_}:{child.lower_}" == kind for kind in kinds)


def _governed_by(trigger: Token, verbs: list[str]) -> bool:
    """Whether a noun trigger is governed by one of `verbs` (a lemma, or lemma and particle:
    "call off"), as in a pattern's `not_under`."""
    if trigger.pos_ != "NOUN":
        return False
    head = trigger.head
    if trigger.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in AMOUNT_NOUNS | {"part", "half", "rest", "much"}:
        head = head.head.head  # "lifted most of its sanctions"
    lemma = head.lemma_.lower()
    particles = [c.lower_ for c in head.children if c.dep_ == "prt"]
    return lemma in verbs or any(f"{lemma} {p}" in verbs for p in particles)


def _clause_subjects(pronoun: Token) -> set[int]:
    """The subject tokens a non-possessive object pronoun cannot stand for: its own verb's
    subject, also through coordinated and controlled verbs ("Booth came in and shot him")."""
    if pronoun.dep_ not in ("dobj", "dative", "pobj"):
        return set()
    verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
    out: set[int] = set()
    for _ in range(3):
        subjects = [c.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        out.update(subjects)
        if subjects or verb.dep_ not in ("conj", "xcomp") or verb.head == verb:
            break
        verb = verb.head
    return out


def _before_clause(conjuncts: list[Token], clause_start: int) -> list[Token]:
    """The conjuncts a relative clause can be about: "China and Russia, which ..." stands for
    both, but in "Ruby, who killed X, and the Bakkers" the names after the clause are not what
    "who" stands for."""
    return [conj for conj in conjuncts if conj.i < clause_start]


def _conjuncts(token: Token) -> list[Token]:
    out, stack = [], list(token.children)
    while stack:
        child = stack.pop(0)
        if child.dep_ == "conj":
            out.append(child)
            stack.extend(child.children)
    return out


def _negated(trigger: Token) -> bool:
    """"is not giving", "does not want to back", "no support for", "neither ... nor", "denied
    (that) he met"."""
    token = trigger
    for _ in range(4):
        if any(child.dep_ in ("neg", "preconj") and child.lower_ in NEGATIONS for child in token.children):
            return True
        if token is not trigger and token.lemma_.lower() in DENYING:
            return True
        if any(child.dep_ == "det" and child.lower_ == "no" for child in token.children):
            return True
        if token.dep_ in ("xcomp", "acomp", "ccomp", "dobj", "pcomp") and token.head != token:
            token = token.head
            continue
        break
    return False


def _hedged(trigger: Token, conditions: bool = True) -> bool:
    """Whether the event is hedged: a hedge word, a hedging verb above it, or (`conditions`) a
    condition on it ("if", "unless"), which a threat has by nature and is not hedged by."""
    token = trigger
    for _ in range(4):
        for child in token.children:
            if child.lower_ in HEDGE_WORDS and child.dep_ in ("aux", "advmod", "acomp"):
                return True
            if conditions and child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in CONDITIONS for m in child.children):
                return True  # "would destroy the country if necessary": a condition, not an event
        if token.dep_ in ("xcomp", "ccomp", "dobj", "pcomp", "conj") and token.head != token:
            token = token.head
            if token.lemma_.lower() in HEDGE_VERBS:
                return True
            continue
        break
    return False


def _action(pattern: dict[str, Any], roles: dict[str, Token]) -> str:
    """The action phrase: the pattern's fixed text, else the action or trigger noun phrase."""
    if pattern.get("action"):
        return pattern["action"]
    node = roles.get("action") or roles["trigger"]
    if node.pos_ in ("NOUN", "PROPN"):
        keep = [t for t in node.lefts if t.dep_ in ("compound", "amod") and t.ent_type_ not in ("NORP", "GPE")]
        start = min([t.i for t in keep] + [node.i])
        return node.doc[start:node.i + 1].text.lower()
    return node.lemma_.lower()


def _chunk(token: Token) -> str:
    """A short readable phrase for a non-actor speaker ("reports", "officials")."""
    left = min([t.i for t in token.lefts if t.dep_ in ("amod", "compound", "det", "poss")] + [token.i])
    return token.doc[left:token.i + 1].text
