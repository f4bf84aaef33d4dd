"""Rule files: the actor gazetteer's validation (codes, roles in time, shared names) and its coverage."""

import json

import pytest

from geoextract.errors import GeoextractError
from geoextract.rules import date_bounds, load_actors, validate_actors

UN_MEMBERS = """AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN BGR BFA
BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST
SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR
KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ
MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT
WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR
TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB ZWE""".split()


def actor(actor_id, name, kind="state", **fields):
    label = {"state": "GPE", "person": "PERSON"}.get(kind, "ORG")
    return {"id": actor_id, "name": name, "type": kind, "label": label, **fields}


def problems(records, **kwargs):
    with pytest.raises(GeoextractError) as info:
        validate_actors([dict(r, _line=n) for n, r in enumerate(records, start=1)], "actors.jsonl", **kwargs)
    return str(info.value).splitlines()[1:]


def test_bundled_gazetteer_is_valid_and_covers_the_un():
    actors = load_actors()
    states = {a["country"] for a in actors if a["type"] == "state"}
    assert set(UN_MEMBERS) | {"VAT", "PSE"} <= states  # 193 members and the two observer states
    people = {a["id"]: a for a in actors if a["type"] == "person"}
    putin = people["vladimir-putin"]
    assert putin["wikidata"] == "Q7747" and putin["sector"] == "GOV"
    assert people["barack-obama"]["sector"] == "ELI"  # no role without an end: a former elite


def test_every_problem_is_reported_at_once():
    russia = actor("russia", "Russia", country="RUS", sector="GOV", metonyms=["Moscow"])
    found = problems([
        russia,
        actor("russia", "Russia again", country="RUS"),
        actor("ussr", "Soviet Union", country="Soviet", sector="COMMUNIST", wikidata="15180"),
        actor("kremlin", "Kremlin", kind="country", country="RUS"),
        actor("moscow-city", "Moscow City", aliases=["moscow"], country="RUS"),
        actor("nobody", "Nobody", kind="person", roles=[
            {"title": "Envoy", "of": "atlantis", "start": "2017-13-01", "end": "2016"},
            {"title": "Envoy", "of": "russia", "start": "2018-05", "end": "2017-01-01"},
            {"of": "russia"}]),
        actor("nowhere", "Nowhere"),
    ])
    joined = "\n".join(found)
    assert "line 2 (id 'russia'): duplicate id, first used at line 1" in joined
    assert "'country' 'Soviet' must be an ISO 3166 alpha-3 code" in joined
    assert "'sector' 'COMMUNIST' must be one of GOV, MIL" in joined
    assert "'wikidata' '15180' must be an item id like 'Q159'" in joined
    assert "line 4 (id 'kremlin'): 'type' must be one of" in joined
    assert ("line 5 (id 'moscow-city'): name 'moscow' already belongs to actor 'russia' at line 1 (id 'russia')"
            in joined)  # both actors named, the spelling differing only in case
    assert "role 1: 'of' 'atlantis' is not an actor id" in joined
    assert "role 1: 'start' '2017-13-01' must be an ISO date" in joined
    assert "role 2: starts (2018-05) after it ends (2017-01-01)" in joined
    assert "role 3: needs a 'title' string" in joined
    assert "line 7 (id 'nowhere'): a state needs its 'country' code" in joined
    assert len(found) == 11


def test_a_shared_name_is_allowed_when_deliberate_or_across_types():
    congo = actor("drc", "DR Congo", country="COD", aliases=["Congo"])
    validate_actors([congo, actor("roc", "Republic of the Congo", country="COG", aliases=["Congo"], shared=["Congo"]),
                     actor("congo-news", "Congo", kind="media", sector="MED")])
    clash = actor("roc", "Congo Republic", country="COG", aliases=["Congo"])
    assert "already belongs to actor 'drc'" in problems([congo, clash])[0]


def test_a_persons_sector_agrees_with_its_roles():
    russia = actor("russia", "Russia", country="RUS", sector="GOV")
    un = actor("un", "United Nations", kind="igo", sector="IGO")
    ended = {"title": "Secretary-General", "of": "un", "start": "2007-01-01", "end": "2016-12-31"}
    current = {"title": "President", "of": "russia", "start": "2012-05-07", "end": ""}
    validate_actors([russia, un, actor("ban", "Ban", kind="person", sector="ELI", roles=[ended]),
                     actor("putin", "Putin", kind="person", sector="GOV", roles=[current, ended]),
                     actor("gerasimov", "Gerasimov", kind="person", sector="MIL", roles=[dict(current, sector="MIL")])])
    found = problems([russia, un, actor("ban", "Ban", kind="person", sector="IGO", roles=[ended]),
                      actor("putin", "Putin", kind="person", sector="IGO", roles=[current, ended])])
    assert found == [
        "  - line 3 (id 'ban'): sector 'IGO' disagrees with its roles "
        "(expected ELI, all its roles have ended: a former elite)",
        "  - line 4 (id 'putin'): sector 'IGO' disagrees with its roles "
        "(expected GOV, the sector of a role without an end)",
    ]


def test_a_user_file_extends_the_bundled_gazetteer(tmp_path):
    mine = tmp_path / "mine.jsonl"
    hobbit = actor("sam", "Sam Gamgee", kind="person", country="+++", sector="HOBMIL",
                   roles=[{"title": "Ambassador", "of": "russia", "start": "2019", "end": "", "code": "HOBGOV"}])
    mine.write_text(json.dumps(hobbit) + "\n", encoding="utf-8")
    assert [a["id"] for a in load_actors(mine)] == ["sam"]  # its own codes; roles of bundled actors
    found = problems([hobbit])  # alone, and held to the bundled gazetteer's standard
    assert len(found) == 3 and "'of' 'russia' is not an actor id" in found[-1]


@pytest.mark.parametrize("text, bounds", [
    ("2017", ("2017-01-01", "2017-12-31")),
    ("2016-02", ("2016-02-01", "2016-02-29")),
    ("2017-08-15", ("2017-08-15", "2017-08-15")),
    ("2017-08-15T10:30:00Z", ("2017-08-15", "2017-08-15")),
    ("2017-02-30", None),
    ("August 2017", None),
    ("", None),
    (None, None),
])
def test_date_bounds(text, bounds):
    assert date_bounds(text) == bounds


def test_strict_dates_have_no_time():
    assert date_bounds("2017-08-15T10:30:00Z", strict=True) is None


def test_relation_pattern_word_lists_are_checked():
    from geoextract.rules import validate_relation_patterns

    pattern = [{"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": "give"}},
               {"LEFT_ID": "trigger", "REL_OP": ">", "RIGHT_ID": "target", "RIGHT_ATTRS": {"DEP": "dative"}}]
    good = {"id": "aid.x", "relation": "AID", "action_category": "ECONOMIC", "pattern": pattern,
            "only_under": ["strengthen", "build up"], "not_objects": ["pass"], "not_with": ["oprd"], "supersedes": ["TRADE"],
            "agent_noun": True}
    assert validate_relation_patterns([good])
    bad = dict(good, id="aid.y", only_under="strengthen", not_objects=[""], not_with="oprd", supersedes=["BARTER"],
               agent_noun="yes", _line=2)
    with pytest.raises(GeoextractError) as info:
        validate_relation_patterns([dict(good, _line=1), bad], "relations.jsonl")
    found = str(info.value)
    assert "line 2 (id 'aid.y'): 'only_under' must be a list of verb lemmas" in found
    assert "line 2 (id 'aid.y'): 'not_objects' must be a list of noun lemmas" in found
    assert "line 2 (id 'aid.y'): 'not_with' must be a list of dependency labels" in found
    assert "line 2 (id 'aid.y'): 'supersedes' must be a list of relation types" in found
    assert "line 2 (id 'aid.y'): 'agent_noun' must be true or false" in found
