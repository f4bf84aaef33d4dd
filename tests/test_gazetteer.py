"""The bundled gazetteer (pipeline/actors.jsonl) against what issue 4 asks it to cover.

The reference lists here (UN members with their capitals, international organisations, news
outlets, the offices whose holders must be known for the last decade) were written for this
test from public knowledge, independently of the gazetteer, so that a missing or mistyped entry
shows up. `geoextract validate` checks each entry's form; these tests check coverage.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from geoextract.rules import SECTORS, date_bounds, load_actors, normalise

ACTORS = load_actors()
BY_ID = {actor["id"]: actor for actor in ACTORS}
STATES = {actor["country"]: actor for actor in ACTORS if actor["type"] == "state"}

UN_MEMBERS = {  # ISO 3166 alpha-3: (short name, capital or seat of government; alternatives after "|")
    "AFG": ("Afghanistan", "Kabul"), "ALB": ("Albania", "Tirana"), "DZA": ("Algeria", "Algiers"),
    "AND": ("Andorra", "Andorra la Vella"), "AGO": ("Angola", "Luanda"), "ATG": ("Antigua and Barbuda", "St. John's|Saint John's"),
    "ARG": ("Argentina", "Buenos Aires"), "ARM": ("Armenia", "Yerevan"), "AUS": ("Australia", "Canberra"),
    "AUT": ("Austria", "Vienna"), "AZE": ("Azerbaijan", "Baku"), "BHS": ("Bahamas", "Nassau"), "BHR": ("Bahrain", "Manama"),
    "BGD": ("Bangladesh", "Dhaka"), "BRB": ("Barbados", "Bridgetown"), "BLR": ("Belarus", "Minsk"),
    "BEL": ("Belgium", "Brussels"), "BLZ": ("Belize", "Belmopan"), "BEN": ("Benin", "Porto-Novo"), "BTN": ("Bhutan", "Thimphu"),
    "BOL": ("Bolivia", "Sucre|La Paz"), "BIH": ("Bosnia and Herzegovina", "Sarajevo"), "BWA": ("Botswana", "Gaborone"),
    "BRA": ("Brazil", "Brasília"), "BRN": ("Brunei", "Bandar Seri Begawan"), "BGR": ("Bulgaria", "Sofia"),
    "BFA": ("Burkina Faso", "Ouagadougou"), "BDI": ("Burundi", "Gitega|Bujumbura"), "CPV": ("Cabo Verde", "Praia"),
    "KHM": ("Cambodia", "Phnom Penh"), "CMR": ("Cameroon", "Yaoundé"), "CAN": ("Canada", "Ottawa"),
    "CAF": ("Central African Republic", "Bangui"), "TCD": ("Chad", "N'Djamena"), "CHL": ("Chile", "Santiago"),
    "CHN": ("China", "Beijing"), "COL": ("Colombia", "Bogotá"), "COM": ("Comoros", "Moroni"),
    "COG": ("Republic of the Congo", "Brazzaville"), "COD": ("Democratic Republic of the Congo", "Kinshasa"),
    "CRI": ("Costa Rica", "San José"), "CIV": ("Ivory Coast", "Yamoussoukro|Abidjan"), "HRV": ("Croatia", "Zagreb"),
    "CUB": ("Cuba", "Havana"), "CYP": ("Cyprus", "Nicosia"), "CZE": ("Czech Republic", "Prague"),
    "DNK": ("Denmark", "Copenhagen"), "DJI": ("Djibouti", "Djibouti"), "DMA": ("Dominica", "Roseau"),
    "DOM": ("Dominican Republic", "Santo Domingo"), "ECU": ("Ecuador", "Quito"), "EGY": ("Egypt", "Cairo"),
    "SLV": ("El Salvador", "San Salvador"), "GNQ": ("Equatorial Guinea", "Malabo"), "ERI": ("Eritrea", "Asmara"),
    "EST": ("Estonia", "Tallinn"), "SWZ": ("Eswatini", "Mbabane"), "ETH": ("Ethiopia", "Addis Ababa"), "FJI": ("Fiji", "Suva"),
    "FIN": ("Finland", "Helsinki"), "FRA": ("France", "Paris"), "GAB": ("Gabon", "Libreville"), "GMB": ("Gambia", "Banjul"),
    "GEO": ("Georgia", "Tbilisi"), "DEU": ("Germany", "Berlin"), "GHA": ("Ghana", "Accra"), "GRC": ("Greece", "Athens"),
    "GRD": ("Grenada", "St. George's|Saint George's"), "GTM": ("Guatemala", "Guatemala City"), "GIN": ("Guinea", "Conakry"),
    "GNB": ("Guinea-Bissau", "Bissau"), "GUY": ("Guyana", "Georgetown"), "HTI": ("Haiti", "Port-au-Prince"),
    "HND": ("Honduras", "Tegucigalpa"), "HUN": ("Hungary", "Budapest"), "ISL": ("Iceland", "Reykjavík"),
    "IND": ("India", "New Delhi"), "IDN": ("Indonesia", "Jakarta"), "IRN": ("Iran", "Tehran"), "IRQ": ("Iraq", "Baghdad"),
    "IRL": ("Ireland", "Dublin"), "ISR": ("Israel", "Jerusalem"), "ITA": ("Italy", "Rome"), "JAM": ("Jamaica", "Kingston"),
    "JPN": ("Japan", "Tokyo"), "JOR": ("Jordan", "Amman"), "KAZ": ("Kazakhstan", "Astana"), "KEN": ("Kenya", "Nairobi"),
    "KIR": ("Kiribati", "Tarawa|South Tarawa"), "PRK": ("North Korea", "Pyongyang"), "KOR": ("South Korea", "Seoul"),
    "KWT": ("Kuwait", "Kuwait City"), "KGZ": ("Kyrgyzstan", "Bishkek"), "LAO": ("Laos", "Vientiane"), "LVA": ("Latvia", "Riga"),
    "LBN": ("Lebanon", "Beirut"), "LSO": ("Lesotho", "Maseru"), "LBR": ("Liberia", "Monrovia"), "LBY": ("Libya", "Tripoli"),
    "LIE": ("Liechtenstein", "Vaduz"), "LTU": ("Lithuania", "Vilnius"), "LUX": ("Luxembourg", "Luxembourg"),
    "MDG": ("Madagascar", "Antananarivo"), "MWI": ("Malawi", "Lilongwe"), "MYS": ("Malaysia", "Kuala Lumpur|Putrajaya"),
    "MDV": ("Maldives", "Malé"), "MLI": ("Mali", "Bamako"), "MLT": ("Malta", "Valletta"), "MHL": ("Marshall Islands", "Majuro"),
    "MRT": ("Mauritania", "Nouakchott"), "MUS": ("Mauritius", "Port Louis"), "MEX": ("Mexico", "Mexico City"),
    "FSM": ("Federated States of Micronesia", "Palikir"), "MDA": ("Moldova", "Chișinău|Chisinau"), "MCO": ("Monaco", "Monaco"),
    "MNG": ("Mongolia", "Ulaanbaatar|Ulan Bator"), "MNE": ("Montenegro", "Podgorica"), "MAR": ("Morocco", "Rabat"),
    "MOZ": ("Mozambique", "Maputo"), "MMR": ("Myanmar", "Naypyidaw|Nay Pyi Taw"), "NAM": ("Namibia", "Windhoek"),
    "NRU": ("Nauru", "Yaren"), "NPL": ("Nepal", "Kathmandu"), "NLD": ("Netherlands", "Amsterdam|The Hague"),
    "NZL": ("New Zealand", "Wellington"), "NIC": ("Nicaragua", "Managua"), "NER": ("Niger", "Niamey"), "NGA": ("Nigeria", "Abuja"),
    "MKD": ("North Macedonia", "Skopje"), "NOR": ("Norway", "Oslo"), "OMN": ("Oman", "Muscat"), "PAK": ("Pakistan", "Islamabad"),
    "PLW": ("Palau", "Ngerulmud"), "PAN": ("Panama", "Panama City"), "PNG": ("Papua New Guinea", "Port Moresby"),
    "PRY": ("Paraguay", "Asunción"), "PER": ("Peru", "Lima"), "PHL": ("Philippines", "Manila"), "POL": ("Poland", "Warsaw"),
    "PRT": ("Portugal", "Lisbon"), "QAT": ("Qatar", "Doha"), "ROU": ("Romania", "Bucharest"), "RUS": ("Russia", "Moscow"),
    "RWA": ("Rwanda", "Kigali"), "KNA": ("Saint Kitts and Nevis", "Basseterre"), "LCA": ("Saint Lucia", "Castries"),
    "VCT": ("Saint Vincent and the Grenadines", "Kingstown"), "WSM": ("Samoa", "Apia"), "SMR": ("San Marino", "San Marino"),
    "STP": ("São Tomé and Príncipe", "São Tomé"), "SAU": ("Saudi Arabia", "Riyadh"), "SEN": ("Senegal", "Dakar"),
    "SRB": ("Serbia", "Belgrade"), "SYC": ("Seychelles", "Victoria"), "SLE": ("Sierra Leone", "Freetown"),
    "SGP": ("Singapore", "Singapore"), "SVK": ("Slovakia", "Bratislava"), "SVN": ("Slovenia", "Ljubljana"),
    "SLB": ("Solomon Islands", "Honiara"), "SOM": ("Somalia", "Mogadishu"), "ZAF": ("South Africa", "Pretoria"),
    "SSD": ("South Sudan", "Juba"), "ESP": ("Spain", "Madrid"), "LKA": ("Sri Lanka", "Sri Jayawardenepura Kotte|Colombo"),
    "SDN": ("Sudan", "Khartoum"), "SUR": ("Suriname", "Paramaribo"), "SWE": ("Sweden", "Stockholm"),
    "CHE": ("Switzerland", "Bern"), "SYR": ("Syria", "Damascus"), "TJK": ("Tajikistan", "Dushanbe"),
    "TZA": ("Tanzania", "Dodoma"), "THA": ("Thailand", "Bangkok"), "TLS": ("East Timor", "Dili"), "TGO": ("Togo", "Lomé"),
    "TON": ("Tonga", "Nukuʻalofa|Nuku'alofa"), "TTO": ("Trinidad and Tobago", "Port of Spain"), "TUN": ("Tunisia", "Tunis"),
    "TUR": ("Turkey", "Ankara"), "TKM": ("Turkmenistan", "Ashgabat"), "TUV": ("Tuvalu", "Funafuti"), "UGA": ("Uganda", "Kampala"),
    "UKR": ("Ukraine", "Kyiv|Kiev"), "ARE": ("United Arab Emirates", "Abu Dhabi"), "GBR": ("United Kingdom", "London"),
    "USA": ("United States", "Washington"), "URY": ("Uruguay", "Montevideo"), "UZB": ("Uzbekistan", "Tashkent"),
    "VUT": ("Vanuatu", "Port Vila"), "VEN": ("Venezuela", "Caracas"), "VNM": ("Vietnam", "Hanoi"), "YEM": ("Yemen", "Sanaa|Sana'a"),
    "ZMB": ("Zambia", "Lusaka"), "ZWE": ("Zimbabwe", "Harare"),
}

# A capital the state's own name already covers, or a city that stands for someone else.
CAPITAL_ELSEWHERE = {"BEL": "Brussels is the EU's metonym ('Brussels said'); Belgium keeps 'City of Brussels'"}
# Demonyms two states share go to the one in the news more often, so a mention is never split.
DEMONYM_ELSEWHERE = {"COG": "Congolese", "DMA": "Dominican"}


@pytest.mark.parametrize("code", sorted(UN_MEMBERS))
def test_every_un_member_state_with_its_names_capital_and_demonym(code):
    name, capitals = UN_MEMBERS[code]
    state = STATES.get(code)
    assert state is not None, f"no state with country code {code} ({name})"
    names = {normalise(value) for value in [state["name"], *state.get("aliases", [])]}
    assert normalise(name) in names
    seats = {normalise(value) for value in state.get("metonyms", [])} | names
    assert code in CAPITAL_ELSEWHERE or any(normalise(capital) in seats for capital in capitals.split("|"))
    if code in DEMONYM_ELSEWHERE:
        owner = [a for a in ACTORS if DEMONYM_ELSEWHERE[code] in a.get("demonyms", [])]
        assert len(owner) == 1 and owner[0]["type"] == "state"
    else:
        assert state.get("demonyms"), f"{name} has no demonym"
    assert state["wikidata"] and state["sector"] == "GOV" and state["label"] == "GPE"


ACRONYMS = {"US": "united-states", "U.S.": "united-states", "USA": "united-states", "UK": "united-kingdom",
            "U.K.": "united-kingdom", "DPRK": "north-korea", "ROK": "south-korea", "PRC": "china", "UAE": "united-arab-emirates",
            "DRC": "democratic-republic-of-the-congo", "KSA": "saudi-arabia", "EU": "european-union", "UN": "united-nations",
            "NATO": "nato", "IAEA": "international-atomic-energy-agency", "WTO": "world-trade-organization",
            "WHO": "world-health-organization", "IMF": "international-monetary-fund", "UNSC": "united-nations-security-council",
            "ICC": "international-criminal-court", "OSCE": "organization-for-security-and-co-operation-in-europe",
            "AU": "african-union", "SCO": "shanghai-cooperation-organisation", "AFP": "agence-france-presse",
            "AP": "associated-press", "KCNA": "korean-central-news-agency"}
SHORT_NAMES = {"America": "united-states", "Britain": "united-kingdom", "Great Britain": "united-kingdom",
               "North Korea": "north-korea", "South Korea": "south-korea", "Russian Federation": "russia",
               "Czechia": "czech-republic", "Holland": "netherlands", "Burma": "myanmar", "Ivory Coast": "ivory-coast",
               "Vatican": "holy-see", "Türkiye": "turkey"}


def owner_of(value: str, exact: bool) -> list[str]:
    fields = ("acronyms", "demonyms") if exact else ("aliases", "metonyms")
    found = []
    for actor in ACTORS:
        values = [v for f in fields for v in actor.get(f, [])] + ([] if exact else [actor["name"]])
        if (value in values) if exact else (normalise(value) in {normalise(v) for v in values}):
            found.append(actor["id"])
    return found


@pytest.mark.parametrize("acronym", sorted(ACRONYMS))
def test_common_acronyms(acronym):
    assert owner_of(acronym, exact=True)[:1] == [ACRONYMS[acronym]]


@pytest.mark.parametrize("name", sorted(SHORT_NAMES))
def test_common_short_names(name):
    assert owner_of(name, exact=False)[:1] == [SHORT_NAMES[name]]


MAIN_IGOS = ["united-nations", "united-nations-security-council", "united-nations-general-assembly",
             "united-nations-secretariat", "united-nations-human-rights-council", "unicef", "unesco",
             "united-nations-high-commissioner-for-refugees", "world-food-programme", "world-health-organization",
             "international-atomic-energy-agency", "world-trade-organization", "international-monetary-fund", "world-bank",
             "international-court-of-justice", "international-criminal-court", "nato", "european-union",
             "european-commission", "european-council", "european-parliament", "council-of-europe", "african-union",
             "arab-league", "asean", "organization-of-american-states", "organization-for-security-and-co-operation-in-europe",
             "shanghai-cooperation-organisation", "brics", "g7", "g20", "opec", "oecd", "gulf-cooperation-council",
             "collective-security-treaty-organization", "eurasian-economic-union", "interpol",
             "organisation-for-the-prohibition-of-chemical-weapons", "economic-community-of-west-african-states"]


@pytest.mark.parametrize("actor_id", MAIN_IGOS)
def test_main_international_organisations(actor_id):
    actor = BY_ID.get(actor_id)
    assert actor is not None and actor["type"] == "igo" and actor["sector"] == "IGO" and actor["label"] == "ORG"


MEDIA = {"reuters": "GBR", "associated-press": "USA", "agence-france-presse": "FRA", "bloomberg-news": "USA",
         "xinhua-news-agency": "CHN", "tass": "RUS", "ria-novosti": "RUS", "interfax": "RUS", "sputnik": "RUS", "rt": "RUS",
         "korean-central-news-agency": "PRK", "yonhap-news-agency": "KOR", "kyodo-news": "JPN", "nhk": "JPN",
         "bbc": "GBR", "cnn": "USA", "al-jazeera": "QAT", "the-new-york-times": "USA", "the-washington-post": "USA",
         "the-wall-street-journal": "USA", "financial-times": "GBR", "the-guardian": "GBR", "the-economist": "GBR",
         "deutsche-presse-agentur": "DEU", "efe": "ESP", "ansa": "ITA", "anadolu-agency": "TUR",
         "press-trust-of-india": "IND", "islamic-republic-news-agency": "IRN", "china-central-television": "CHN",
         "global-times": "CHN", "ukrinform": "UKR", "voice-of-america": "USA"}


@pytest.mark.parametrize("actor_id", sorted(MEDIA))
def test_major_news_agencies_and_outlets(actor_id):
    actor = BY_ID.get(actor_id)
    assert actor is not None and (actor["type"], actor["sector"], actor["country"]) == ("media", "MED", MEDIA[actor_id])


def test_every_entry_has_an_identity():
    for actor in ACTORS:
        assert actor["name"] and actor["type"] and actor["label"], actor["id"]
        assert actor.get("sector") in SECTORS, actor["id"]
        if actor["type"] in ("state", "person", "media", "company"):
            assert actor.get("country") in STATES, actor["id"]  # the ISO alpha-3 code of a state it knows
    # Wikidata ids are given where the curator was sure of them: every state, the main IGOs' core
    with_id = {actor["type"]: 0 for actor in ACTORS}
    for actor in ACTORS:
        with_id[actor["type"]] += bool(actor.get("wikidata"))
    assert all(state["wikidata"] for state in STATES.values())
    assert all(BY_ID[i]["wikidata"] for i in ("united-nations", "nato", "european-union", "international-atomic-energy-agency",
                                              "world-trade-organization", "international-monetary-fund", "world-bank"))


# Roles in time: who held each office, for the G20 and the states of the seed articles -----------

DECADE = ("2016-01-01", "2025-12-01")  # the gazetteer's facts run to late 2025; later changes need a curator
G20 = ["argentina", "australia", "brazil", "canada", "china", "france", "germany", "india", "indonesia", "italy", "japan",
       "mexico", "russia", "saudi-arabia", "south-africa", "south-korea", "turkey", "united-kingdom", "united-states"]
IN_THE_NEWS = ["north-korea", "ukraine", "belarus", "israel", "iran", "syria"]
# Where the president heads the government (from a date: Turkey abolished its prime minister in
# 2018, Syria's transitional constitution of 2025 has none).
PRESIDENTIAL = {"argentina": "", "brazil": "", "indonesia": "", "mexico": "", "united-states": "", "south-africa": "",
                "iran": "", "turkey": "2018-07-09", "syria": "2025-03-29"}
LEADER_ABOVE_PRESIDENT = {"iran"}  # the Supreme Leader is the head of state; the president heads the government
# Offices left empty for longer than a caretaker's weeks
VACANT = {("china", "defence"): ("2023-10-24", "2023-12-29"),  # Li Shangfu removed, Dong Jun not yet named
          ("syria", "head of state"): ("2024-12-08", "2025-01-29")}  # al-Sharaa led before he was named president
LONGEST_GAP = timedelta(days=45)  # an interim minister or a caretaker the gazetteer does not list


def office(title: str) -> str | None:
    title = title.removeprefix("Acting ")
    if title in ("President", "Monarch", "King", "Queen", "Emperor", "Supreme Leader", "President of the State Affairs",
                 "President of the Presidium of the Supreme People's Assembly"):
        return "head of state"
    if title in ("Prime Minister", "Premier", "Chancellor"):
        return "head of government"
    minister = title.startswith(("Minister", "Secretary", "Foreign Secretary", "Defence Secretary", "High Representative"))
    if minister and (title == "Secretary of State" or any(w in title for w in ("Foreign", "External", "International Rel"))):
        return "foreign"
    if minister and ("Defen" in title or "Armed Forces" in title):
        return "defence"
    return None


def holders() -> dict[tuple[str, str], list[tuple[str, str, str, str, str]]]:
    """Per (state, office): (earliest start, latest start, earliest end, latest end, actor id) of
    each holder; a partial date ("2017-03") stands for any day it covers."""
    held: dict[tuple[str, str], list[tuple[str, str, str, str, str]]] = {}
    for actor in ACTORS:
        for role in actor.get("roles", []):
            kind = office(role["title"])
            if kind is None:
                continue
            if role["of"] in LEADER_ABOVE_PRESIDENT and kind == "head of state" and role["title"].endswith("President"):
                kind = "head of government"
            start = date_bounds(role["start"]) if role.get("start") else ("0001-01-01", "0001-01-01")
            end = date_bounds(role["end"]) if role.get("end") else ("9999-12-31", "9999-12-31")
            period = (*start, *end, actor["id"])
            held.setdefault((role["of"], kind), []).append(period)
            since = PRESIDENTIAL.get(role["of"])
            if kind == "head of state" and since is not None and role["title"].endswith("President"):
                held.setdefault((role["of"], "head of government"), []).append((max(start[0], since), *period[1:]))
    return held


def gaps(periods: list[tuple[str, ...]], allowed: tuple[str, str] | None) -> list[tuple[str, str]]:
    found, covered = [], DECADE[0]
    for start, _, _, end, _ in sorted(periods):
        if start > covered and date.fromisoformat(start) - date.fromisoformat(covered) > LONGEST_GAP:
            found.append((covered, start))
        covered = max(covered, end)
    if covered < DECADE[1]:
        found.append((covered, DECADE[1]))
    return [gap for gap in found if gap[1] > DECADE[0] and gap != allowed]


OFFICES = [(state, kind) for state in G20 + IN_THE_NEWS
           for kind in ("head of state", "head of government", "foreign", "defence")]


@pytest.mark.parametrize("state, kind", OFFICES)
def test_holders_of_each_office_over_the_last_decade(state, kind):
    periods = holders().get((state, kind), [])
    assert gaps(periods, VACANT.get((state, kind))) == []


def test_the_eu_leaders_over_the_last_decade():
    held = holders()
    assert gaps(held[("european-union", "foreign")], None) == []
    for body in ("european-commission", "european-council"):
        presidents = [(*date_bounds(r["start"]), *(date_bounds(r["end"]) if r["end"] else ("9999-12-31",) * 2), a["id"])
                      for a in ACTORS for r in a.get("roles", []) if r["of"] == body and r["title"] == "President"]
        assert gaps(presidents, None) == []


@pytest.mark.parametrize("state, kind", OFFICES)
def test_one_holder_at_a_time(state, kind):
    """Two people in one office on the same day is a typo in a date. Acting holders beside a
    suspended one, and a president beside the prime minister of a presidential state, are not."""
    acting = {a["id"] for a in ACTORS for r in a.get("roles", []) if r["title"].startswith("Acting ") and r["of"] == state}
    periods = sorted(holders().get((state, kind), []), key=lambda p: (p[1], p[2]))
    clashes = [(a[4], b[4]) for a, b in zip(periods, periods[1:]) if b[1] < a[2] and a[4] != b[4]  # latest start < earliest end
               and not {a[4], b[4]} & acting and not (kind == "head of government" and state in PRESIDENTIAL)]
    assert clashes == []
