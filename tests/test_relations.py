"""Relation rules on hand-built parses: one test per grammatical case a rule handles."""

import pytest

from conftest import parsed, relation_types, run, triples


def test_active_verb_object(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia   1 nsubj    PROPN
        backed   1 ROOT     VERB  back VBD
        North    3 compound PROPN
        Korea    1 dobj     PROPN
        .        1 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 4, "GPE")]))
    assert triples(doc) == {("Russia", "SUPPORT", "North Korea")}
    rel = doc._.relations[0]
    assert (rel["polarity"], rel["modality"], rel["pattern_id"]) == ("affirmed", "asserted", "support.back.dobj")
    assert doc.text[rel["source_start"]:rel["source_end"]] == "Russia"
    assert doc.text[rel["target_start"]:rel["target_end"]] == "North Korea"
    assert doc.text[rel["trigger_start"]:rel["trigger_end"]] == "backed"
    assert rel["evidence"] == doc.text


def test_passive_with_agent(nlp):
    doc = run(nlp, parsed(nlp, """
        North      1 compound  PROPN
        Korea      3 nsubjpass PROPN
        was        3 auxpass   AUX   be
        sanctioned 3 ROOT      VERB  sanction VBN
        by         3 agent     ADP
        the        6 det       DET
        UN         4 pobj      PROPN
        .          3 punct     PUNCT
    """, ents=[(0, 2, "GPE"), (6, 7, "ORG")]))
    assert triples(doc) == {("United Nations", "SANCTION", "North Korea")}


def test_nominal_with_possessive_source_and_quantity(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia  2 poss     PROPN
        's      0 case     PART
        exports 5 nsubj    NOUN  export NNS
        to      2 prep     ADP
        China   3 pobj     PROPN
        rose    5 ROOT     VERB  rise VBD
        12      7 nummod   NUM
        percent 5 npadvmod NOUN
        .       5 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE"), (6, 8, "PERCENT")]))
    assert ("Russia", "TRADE", "China") in triples(doc)
    rel = next(r for r in doc._.relations if r["relation"] == "TRADE")
    quantity = doc._.quantities[rel["quantity_index"]]
    assert (quantity["value"], quantity["unit"], quantity["direction"]) == (12.0, "percent", "up")


def test_coordinated_subjects_each_get_a_relation(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia 3 nsubj    PROPN
        and    0 cc       CCONJ
        China  0 conj     PROPN
        backed 3 ROOT     VERB  back
        North  5 compound PROPN
        Korea  3 dobj     PROPN
        .      3 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE"), (4, 6, "GPE")]))
    assert triples(doc) == {("Russia", "SUPPORT", "North Korea"), ("China", "SUPPORT", "North Korea")}


def test_pronoun_subject_and_negation(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj    PROPN
        met       1 ROOT     VERB  meet
        Kim       4 compound PROPN
        Jong      4 compound PROPN
        Un        1 dobj     PROPN
        .         1 punct    PUNCT
        It        9 nsubj    PRON
        did       9 aux      AUX   do
        not       9 neg      PART
        sanction  9 ROOT     VERB
        Pyongyang 9 dobj     PROPN
        .         9 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 5, "PERSON"), (10, 11, "GPE")]))
    assert triples(doc) == {("Russia", "CONSULT", "Kim Jong Un"), ("Russia", "SANCTION", "North Korea")}
    sanction = next(r for r in doc._.relations if r["relation"] == "SANCTION")
    consult = next(r for r in doc._.relations if r["relation"] == "CONSULT")
    assert sanction["polarity"] == "negated"
    assert sanction["sent_index"] == 1
    assert sanction["confidence"] < consult["confidence"]  # a resolved pronoun costs confidence


def test_hedged_and_attributed_claim(nlp):
    doc = run(nlp, parsed(nlp, """
        According 6 prep  VERB  accord
        to        0 prep  ADP
        Xinhua    1 pobj  PROPN
        ,         6 punct PUNCT
        Beijing   6 nsubj PROPN
        may       6 aux   AUX
        supply    6 ROOT  VERB
        oil       6 dobj  NOUN
        to        6 prep  ADP
        Pyongyang 8 pobj  PROPN
        .         6 punct PUNCT
    """, ents=[(2, 3, "ORG"), (4, 5, "GPE"), (9, 10, "GPE")]))
    aid = [r for r in doc._.relations if r["relation"] == "AID"]
    assert [(r["source"], r["target"]) for r in aid] == [("China", "North Korea")]
    assert aid[0]["modality"] == "hedged"
    assert aid[0]["attributed_to"] == "Xinhua News Agency"
    assert ("Xinhua News Agency", "STATEMENT", "China") in triples(doc)


def test_affiliation_from_title_and_demonym(nlp):
    doc = run(nlp, parsed(nlp, """
        Chinese   1 amod     ADJ
        President 3 compound PROPN
        Xi        3 compound PROPN
        Jinping   4 nsubj    PROPN
        visited   4 ROOT     VERB  visit
        Moscow    4 dobj     PROPN
        .         4 punct    PUNCT
    """, ents=[(0, 1, "NORP"), (2, 4, "PERSON"), (5, 6, "GPE")]))
    assert triples(doc) == {("Xi Jinping", "AFFILIATION", "China"), ("Xi Jinping", "CONSULT", "Russia")}


def test_quote_gives_a_statement_by_its_speaker(nlp):
    doc = run(nlp, parsed(nlp, """
        “         11 punct PUNCT
        Sanctions 4  nsubj NOUN  sanction NNS
        will      4  aux   AUX
        not       4  neg   PART
        work      11 ccomp VERB
        against   4  prep  ADP
        North     7  compound PROPN
        Korea     5  pobj  PROPN
        ,         11 punct PUNCT
        ”         11 punct PUNCT
        Putin     11 nsubj PROPN
        said      11 ROOT  VERB  say
        .         11 punct PUNCT
    """, ents=[(6, 8, "GPE"), (10, 11, "PERSON")]))
    statements = [r for r in doc._.relations if r["relation"] == "STATEMENT"]
    assert {(r["source"], r["target"]) for r in statements} == {("Vladimir Putin", "North Korea")}
    assert all(r["attributed_to"] == "Vladimir Putin" for r in statements)


def test_noun_modified_by_a_demonym_stands_for_the_state(nlp):
    doc = run(nlp, parsed(nlp, """
        Russian   1 amod  ADJ
        diplomats 2 nsubj NOUN diplomat NNS
        criticised 2 ROOT VERB criticise
        Washington 2 dobj PROPN
        .         2 punct PUNCT
    """, ents=[(0, 1, "NORP"), (3, 4, "GPE")]))
    assert triples(doc) == {("Russia", "ACCUSE", "United States")}


def test_action_nouns_are_not_actors(nlp):
    # "UN sanctions" is an action; backing them is not SUPPORT for the UN.
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj    PROPN
        backed    1 ROOT     VERB  back
        UN        3 compound PROPN
        sanctions 1 dobj     NOUN  sanction NNS
        against   3 prep     ADP
        Pyongyang 4 pobj     PROPN
        .         1 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "ORG"), (5, 6, "GPE")]))
    assert triples(doc) == {("Russia", "SANCTION", "North Korea"), ("United Nations", "SANCTION", "North Korea")}


def test_definite_description_points_back_and_costs_confidence(nlp):
    # "Russia tested a missile . The country threatened China ."
    doc = run(nlp, parsed(nlp, """
        Russia     1 nsubj    PROPN
        tested     1 ROOT     VERB  test
        a          3 det      DET
        missile    1 dobj     NOUN
        .          1 punct    PUNCT
        The        6 det      DET   the
        country    7 nsubj    NOUN
        threatened 7 ROOT     VERB  threaten
        China      7 dobj     PROPN
        .          7 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (8, 9, "GPE")]))
    rel = next(r for r in doc._.relations if r["relation"] == "THREATEN")
    assert (rel["source"], rel["target"]) == ("Russia", "China")
    assert doc.text[rel["source_start"]:rel["source_end"]] == "The country"  # the words in the evidence
    assert "description 'The country' read as Russia -0.15" in rel["confidence_basis"]
    assert rel["confidence"] == round(float(rel["confidence_basis"].rsplit("= ", 1)[1]), 2)


def test_killer_in_apposition_and_relative_pronoun_victim(nlp):
    # "Booth , the assassin of Putin , ..." and "Putin , who was shot by Booth"
    doc = run(nlp, parsed(nlp, """
        Booth    0 ROOT  PROPN
        ,        0 punct PUNCT
        the      3 det   DET
        assassin 0 appos NOUN
        of       3 prep  ADP
        Putin    4 pobj  PROPN
    """, ents=[(0, 1, "PERSON"), (5, 6, "PERSON")]))
    assert ("Booth", "ASSAULT", "Vladimir Putin") in triples(doc)
    doc = run(nlp, parsed(nlp, """
        Putin 0 ROOT      PROPN
        ,     0 punct     PUNCT
        who   5 nsubjpass PRON
        was   5 auxpass   AUX   be
        later 5 advmod    ADV
        shot  0 relcl     VERB  shoot VBN
        by    5 agent     ADP
        Booth 6 pobj      PROPN
    """, ents=[(0, 1, "PERSON"), (7, 8, "PERSON")]))
    assert ("Booth", "ASSAULT", "Vladimir Putin") in triples(doc)


def test_convicted_of_killing_names_the_killer(nlp):
    doc = run(nlp, parsed(nlp, """
        Booth     2 nsubjpass PROPN
        was       2 auxpass   AUX   be
        convicted 2 ROOT      VERB  convict VBN
        of        2 prep      ADP
        killing   3 pcomp     VERB  kill VBG
        Putin     4 dobj      PROPN
    """, ents=[(0, 1, "PERSON"), (5, 6, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}


def test_warning_that_own_side_could_act_threatens_the_other(nlp):
    # "Putin warned that Moscow could strike if China ..." -> Russia THREATEN China
    doc = run(nlp, parsed(nlp, """
        Putin  1 nsubj PROPN
        warned 1 ROOT  VERB  warn
        that   5 mark  SCONJ
        Moscow 5 nsubj PROPN
        could  5 aux   AUX   could MD
        act    1 ccomp VERB  act
        if     8 mark  SCONJ
        China  8 nsubj PROPN
        moved  5 advcl VERB  move
    """, ents=[(0, 1, "PERSON"), (3, 4, "GPE"), (7, 8, "GPE")]))
    assert ("Russia", "THREATEN", "China") in triples(doc)
    assert ("Vladimir Putin", "THREATEN", "Russia") not in triples(doc)


def test_lifting_sanctions_is_a_concession_not_a_sanction(nlp):
    doc = run(nlp, parsed(nlp, """
        China     1 nsubj PROPN
        lifted    1 ROOT  VERB lift
        sanctions 1 dobj  NOUN sanction NNS
        on        2 prep  ADP
        Russia    3 pobj  PROPN
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE")]))
    assert triples(doc) == {("China", "CONCEDE", "Russia")}


def test_sanctions_that_name_no_party_are_against_the_party_the_story_names(nlp):
    # "Russia and China met . Russia imposed sanctions on North Korea . China backed sanctions ."
    # Russia is mentioned most, but the story's sanctions are against North Korea
    doc = run(nlp, parsed(nlp, """
        Russia    3 nsubj    PROPN
        and       0 cc       CCONJ
        China     0 conj     PROPN
        met       3 ROOT     VERB  meet VBD
        .         3 punct    PUNCT
        Russia    6 nsubj    PROPN
        imposed   6 ROOT     VERB  impose VBD
        sanctions 6 dobj     NOUN  sanction NNS
        on        6 prep     ADP
        North     10 compound PROPN
        Korea     8 pobj     PROPN
        .         6 punct    PUNCT
        China     13 nsubj   PROPN
        backed    13 ROOT    VERB  back VBD
        sanctions 13 dobj    NOUN  sanction NNS
        .         13 punct   PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE"), (5, 6, "GPE"), (9, 11, "GPE"), (12, 13, "GPE")]))
    assert {t for t in triples(doc) if t[1] == "SANCTION"} == {("Russia", "SANCTION", "North Korea"),
                                                              ("China", "SANCTION", "North Korea")}
    implied = next(r for r in doc._.relations if r["source"] == "China" and r["relation"] == "SANCTION")
    assert implied["pattern_id"] == "sanction.impose.implicit"
    assert "target named by the document's other SANCTION rows -0.10" in implied["confidence_basis"]
    assert doc.text[implied["target_start"]:implied["target_end"]] == "North Korea"


def test_a_headline_vote_for_sanctions_is_against_the_state_the_story_is_about(nlp):
    # "China voted for a package of sanctions . North Korea fired a missile ."
    doc = run(nlp, parsed(nlp, """
        China      1 nsubj    PROPN
        voted      1 ROOT     VERB  vote VBD
        for        1 prep     ADP
        a          4 det      DET
        package    2 pobj     NOUN
        of         4 prep     ADP
        sanctions  5 pobj     NOUN  sanction NNS
        .          1 punct    PUNCT
        North      9 compound PROPN
        Korea      10 nsubj   PROPN
        fired      10 ROOT    VERB  fire VBD
        a          12 det     DET
        missile    10 dobj    NOUN
        .          10 punct   PUNCT
    """, ents=[(0, 1, "GPE"), (8, 10, "GPE")]))
    assert triples(doc) == {("China", "SANCTION", "North Korea")}
    assert "target implied by the document -0.20" in doc._.relations[0]["confidence_basis"]


@pytest.mark.parametrize("spec, ents", [
    # "Russia voted for sanctions against Iran . North Korea fired a missile .": the party is named
    ("""
        Russia    1 nsubj    PROPN
        voted     1 ROOT     VERB  vote VBD
        for       1 prep     ADP
        sanctions 2 pobj     NOUN  sanction NNS
        against   3 prep     ADP
        Iran      4 pobj     PROPN
        .         1 punct    PUNCT
        North     8 compound PROPN
        Korea     9 nsubj    PROPN
        fired     9 ROOT     VERB  fire VBD
        missiles  9 dobj     NOUN  missile NNS
        .         9 punct    PUNCT
    """, [(0, 1, "GPE"), (5, 6, "GPE"), (7, 9, "GPE")]),
    # "Exxon cut trade . North Korea fired missiles .": a company's trade is no sanction
    ("""
        Exxon     1 nsubj    PROPN
        cut       1 ROOT     VERB  cut VBD
        trade     1 dobj     NOUN
        .         1 punct    PUNCT
        North     5 compound PROPN
        Korea     6 nsubj    PROPN
        fired     6 ROOT     VERB  fire VBD
        missiles  6 dobj     NOUN  missile NNS
        .         6 punct    PUNCT
    """, [(0, 1, "ORG"), (4, 6, "GPE")]),
])
def test_no_implied_party_when_one_is_named_or_the_actor_is_no_government(nlp, spec, ents):
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    assert not [r for r in doc._.relations if r["pattern_id"].endswith(".implicit")]
    assert ("Russia", "SANCTION", "North Korea") not in triples(doc)


def test_calling_off_talks_is_a_retreat_not_a_meeting(nlp):
    doc = run(nlp, parsed(nlp, """
        China  1 nsubj PROPN
        called 1 ROOT  VERB  call
        off    1 prt   ADP
        talks  1 dobj  NOUN  talk NNS
        with   3 prep  ADP
        Russia 4 pobj  PROPN
    """, ents=[(0, 1, "GPE"), (5, 6, "GPE")]))
    assert triples(doc) == {("China", "RETREAT", "Russia")}


def test_object_pronoun_is_not_its_own_clause_subject(nlp):
    # "Putin won the vote when Booth shot him ." -> him is Putin, not Booth; the row points at
    # the name, which the sentence holds
    doc = run(nlp, parsed(nlp, """
        Putin 1 nsubj  PROPN
        won   1 ROOT   VERB  win
        the   3 det    DET
        vote  1 dobj   NOUN
        when  6 advmod SCONJ
        Booth 6 nsubj  PROPN
        shot  1 advcl  VERB  shoot
        him   6 dobj   PRON  he
        .     1 punct  PUNCT
    """, ents=[(0, 1, "PERSON"), (5, 6, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}
    rel = doc._.relations[0]
    assert doc.text[rel["target_start"]:rel["target_end"]] == "Putin"
    assert "pronoun 'him' read as Vladimir Putin -0.15" in rel["confidence_basis"]


def test_pleading_guilty_and_serving_a_sentence_name_the_killer(nlp):
    doc = run(nlp, parsed(nlp, """
        Booth    1 nsubj PROPN
        pleaded  1 ROOT  VERB  plead
        guilty   1 acomp ADJ
        to       2 prep  ADP
        killing  3 pcomp VERB  kill VBG
        Putin    4 dobj  PROPN
    """, ents=[(0, 1, "PERSON"), (5, 6, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}
    # "Booth , who is serving a sentence for the slaying of Putin"
    doc = run(nlp, parsed(nlp, """
        Booth    0 ROOT  PROPN
        ,        0 punct PUNCT
        who      4 nsubj PRON
        is       4 aux   AUX   be
        serving  0 relcl VERB  serve
        a        6 det   DET
        sentence 4 dobj  NOUN
        for      6 prep  ADP
        the      9 det   DET
        slaying  7 pobj  NOUN
        of       9 prep  ADP
        Putin    10 pobj PROPN
    """, ents=[(0, 1, "PERSON"), (11, 12, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}


def test_the_man_who_killed_and_the_shots_that_killed(nlp):
    # "Booth was the gunman who killed Putin ."
    doc = run(nlp, parsed(nlp, """
        Booth  1 nsubj PROPN
        was    1 ROOT  AUX   be
        the    3 det   DET
        man    1 attr  NOUN
        who    5 nsubj PRON
        killed 3 relcl VERB  kill
        Putin  5 dobj  PROPN
        .      1 punct PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}
    # "Booth fired the shots that killed Putin ."
    doc = run(nlp, parsed(nlp, """
        Booth  1 nsubj PROPN
        fired  1 ROOT  VERB  fire
        the    3 det   DET
        shots  1 dobj  NOUN  shot NNS
        that   5 nsubj PRON
        killed 3 relcl VERB  kill
        Putin  5 dobj  PROPN
        .      1 punct PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}


def test_passive_raising_verb_and_tried_and_convicted(nlp):
    # "Booth is believed to have shot Putin ."
    doc = run(nlp, parsed(nlp, """
        Booth    2 nsubjpass PROPN
        is       2 auxpass   AUX   be
        believed 2 ROOT      VERB  believe VBN
        to       5 aux       PART
        have     5 aux       AUX
        shot     2 xcomp     VERB  shoot VBN
        Putin    5 dobj      PROPN
        .        2 punct     PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}
    # "Booth was tried and convicted for the assassination of Putin ."
    doc = run(nlp, parsed(nlp, """
        Booth         2 nsubjpass PROPN
        was           2 auxpass   AUX   be
        tried         2 ROOT      VERB  try VBN
        and           2 cc        CCONJ
        convicted     2 conj      VERB  convict VBN
        for           4 prep      ADP
        the           7 det       DET
        assassination 5 pobj      NOUN
        of            7 prep      ADP
        Putin         8 pobj      PROPN
        .             2 punct     PUNCT
    """, ents=[(0, 1, "PERSON"), (9, 10, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}


def test_affiliation_from_a_role_noun_with_the_name_in_apposition(nlp):
    # "Gazprom 's chief executive , Alexei Miller , said ..."
    doc = run(nlp, parsed(nlp, """
        Gazprom   3 poss  PROPN
        's        0 case  PART
        chief     3 amod  ADJ
        executive 8 nsubj NOUN
        ,         3 punct PUNCT
        Alexei    6 compound PROPN
        Miller    3 appos PROPN
        ,         3 punct PUNCT
        said      8 ROOT  VERB  say
    """, ents=[(0, 1, "ORG"), (5, 7, "PERSON")]))
    assert ("Alexei Miller", "AFFILIATION", "Gazprom") in triples(doc)
    # "the chairman of Gazprom , Alexei Miller , resigned"
    doc = run(nlp, parsed(nlp, """
        the      1 det   DET
        chairman 8 nsubj NOUN
        of       1 prep  ADP
        Gazprom  2 pobj  PROPN
        ,        1 punct PUNCT
        Alexei   6 compound PROPN
        Miller   1 appos PROPN
        ,        1 punct PUNCT
        resigned 8 ROOT  VERB  resign
    """, ents=[(3, 4, "ORG"), (5, 7, "PERSON")]))
    assert triples(doc) == {("Alexei Miller", "AFFILIATION", "Gazprom")}


def test_affiliation_from_a_copula_a_relative_clause_and_a_participle(nlp):
    # "Miller is a reporter for Xinhua ."
    doc = run(nlp, parsed(nlp, """
        Miller   1 nsubj PROPN
        is       1 ROOT  AUX   be
        a        3 det   DET
        reporter 1 attr  NOUN
        for      3 prep  ADP
        Xinhua   4 pobj  PROPN
        .        1 punct PUNCT
    """, ents=[(0, 1, "PERSON"), (5, 6, "ORG")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Xinhua News Agency")}
    # "Miller , who heads Gazprom , spoke"
    doc = run(nlp, parsed(nlp, """
        Miller  5 nsubj PROPN
        ,       0 punct PUNCT
        who     3 nsubj PRON
        heads   0 relcl VERB  head VBZ
        Gazprom 3 dobj  PROPN
        spoke   5 ROOT  VERB  speak
    """, ents=[(0, 1, "PERSON"), (4, 5, "ORG")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Gazprom")}
    # "Gazprom , headed by Miller , grew"
    doc = run(nlp, parsed(nlp, """
        Gazprom 6 nsubj PROPN
        ,       0 punct PUNCT
        headed  0 acl   VERB  head VBN
        by      2 agent ADP
        Miller  3 pobj  PROPN
        ,       0 punct PUNCT
        grew    6 ROOT  VERB  grow
    """, ents=[(0, 1, "ORG"), (4, 5, "PERSON")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Gazprom")}


def test_affiliation_from_a_coordinated_role_and_a_wider_title_list(nlp):
    # "Miller , a jeweler and president of Gazprom , said"
    doc = run(nlp, parsed(nlp, """
        Miller    8 nsubj PROPN
        ,         0 punct PUNCT
        a         3 det   DET
        jeweler   0 appos NOUN
        and       3 cc    CCONJ
        president 3 conj  NOUN
        of        5 prep  ADP
        Gazprom   6 pobj  PROPN
        said      8 ROOT  VERB  say
    """, ents=[(0, 1, "PERSON"), (7, 8, "ORG")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Gazprom")}
    # "Xinhua anchorman Alexei Miller spoke"
    doc = run(nlp, parsed(nlp, """
        Xinhua    1 compound PROPN
        anchorman 3 compound NOUN
        Alexei    3 compound PROPN
        Miller    4 nsubj    PROPN
        spoke     4 ROOT     VERB  speak
    """, ents=[(0, 1, "ORG"), (2, 4, "PERSON")]))
    assert triples(doc) == {("Alexei Miller", "AFFILIATION", "Xinhua News Agency")}


def test_affiliation_from_a_possessive_predicate_and_a_passive(nlp):
    # "Miller is Xinhua 's chief reporter ."
    doc = run(nlp, parsed(nlp, """
        Miller   1 nsubj PROPN
        is       1 ROOT  AUX   be
        Xinhua   5 poss  PROPN
        's       2 case  PART
        chief    5 amod  ADJ
        reporter 1 attr  NOUN
        .        1 punct PUNCT
    """, ents=[(0, 1, "PERSON"), (2, 3, "ORG")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Xinhua News Agency")}
    assert {r["pattern_id"] for r in doc._.relations} == {"affiliation.copula-role.mod"}
    # "Gazprom was founded by Miller ."
    doc = run(nlp, parsed(nlp, """
        Gazprom 2 nsubjpass PROPN
        was     2 auxpass   AUX   be
        founded 2 ROOT      VERB  found VBN
        by      2 agent     ADP
        Miller  3 pobj      PROPN
        .       2 punct     PUNCT
    """, ents=[(0, 1, "ORG"), (4, 5, "PERSON")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Gazprom")}
    assert {r["pattern_id"] for r in doc._.relations} == {"affiliation.head.passive"}


def test_event_noun_under_a_preposition_takes_the_verbs_subject(nlp):
    # "Putin visited China for talks with Kim Jong Un ."
    doc = run(nlp, parsed(nlp, """
        Putin   1 nsubj    PROPN
        visited 1 ROOT     VERB  visit
        China   1 dobj     PROPN
        for     1 prep     ADP
        talks   3 pobj     NOUN  talk NNS
        with    4 prep     ADP
        Kim     8 compound PROPN
        Jong    8 compound PROPN
        Un      5 pobj     PROPN
        .       1 punct    PUNCT
    """, ents=[(0, 1, "PERSON"), (2, 3, "GPE"), (6, 9, "PERSON")]))
    assert triples(doc) == {("Vladimir Putin", "CONSULT", "China"), ("Vladimir Putin", "CONSULT", "Kim Jong Un")}


def test_owner_of_a_rejected_action_and_of_supported_one(nlp):
    # "China rejected Washington 's ultimatum ." -> REJECT the United States
    doc = run(nlp, parsed(nlp, """
        China      1 nsubj PROPN
        rejected   1 ROOT  VERB  reject
        Washington 4 poss  PROPN
        's         2 case  PART
        ultimatum  1 dobj  NOUN
        .          1 punct PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE")]))
    assert triples(doc) == {("China", "REJECT", "United States")}
    # "Russia condemned the American sanctions ." -> ACCUSE the United States
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj PROPN
        condemned 1 ROOT  VERB  condemn
        the       4 det   DET
        American  4 amod  ADJ
        sanctions 1 dobj  NOUN  sanction NNS
        .         1 punct PUNCT
    """, ents=[(0, 1, "GPE"), (3, 4, "NORP")]))
    assert triples(doc) == {("Russia", "ACCUSE", "United States")}
    # "China 's support for Russia grew ." -> SUPPORT as a noun
    doc = run(nlp, parsed(nlp, """
        China   2 poss  PROPN
        's      0 case  PART
        support 5 nsubj NOUN
        for     2 prep  ADP
        Russia  3 pobj  PROPN
        grew    5 ROOT  VERB  grow
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE")]))
    assert triples(doc) == {("China", "SUPPORT", "Russia")}


def test_people_in_a_place_and_members_of_a_named_group(nlp):
    # "China sent food to families in North Korea ."
    doc = run(nlp, parsed(nlp, """
        China    1 nsubj    PROPN
        sent     1 ROOT     VERB  send
        food     1 dobj     NOUN
        to       1 prep     ADP
        families 3 pobj     NOUN  family NNS
        in       4 prep     ADP
        North    7 compound PROPN
        Korea    5 pobj     PROPN
        .        1 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (6, 8, "GPE")]))
    assert triples(doc) == {("China", "AID", "North Korea")}  # food is not a deployment
    # "Members of the group , Xinhua , protested against Russia 's support for Kim Jong Un ."
    doc = run(nlp, parsed(nlp, """
        Members   6 nsubj    NOUN  member NNS
        of        0 prep     ADP
        the       3 det      DET
        group     1 pobj     NOUN
        ,         3 punct    PUNCT
        Xinhua    3 appos    PROPN
        protested 6 ROOT     VERB  protest
        against   6 prep     ADP
        Russia    10 poss    PROPN
        's        8 case     PART
        support   7 pobj     NOUN
        for       10 prep    ADP
        Kim       14 compound PROPN
        Jong      14 compound PROPN
        Un        11 pobj    PROPN
    """, ents=[(5, 6, "ORG"), (8, 9, "GPE"), (12, 15, "PERSON")]))
    assert triples(doc) == {("Xinhua News Agency", "PROTEST", "Russia"), ("Russia", "SUPPORT", "Kim Jong Un")}


def test_coordinated_modifiers_are_both_partners(nlp):
    # "Russian and Chinese navies began joint drills ."
    doc = run(nlp, parsed(nlp, """
        Russian 3 amod  ADJ
        and     0 cc    CCONJ
        Chinese 0 conj  ADJ
        navies  4 nsubj NOUN  navy NNS
        began   4 ROOT  VERB  begin
        joint   6 amod  ADJ
        drills  4 dobj  NOUN  drill NNS
        .       4 punct PUNCT
    """, ents=[(0, 1, "NORP"), (2, 3, "NORP")]))
    assert triples(doc) == {("Russia", "COOPERATE", "China"), ("China", "COOPERATE", "Russia")}
    # "China and Russia began construction of a railway ."
    doc = run(nlp, parsed(nlp, """
        China        3 nsubj PROPN
        and          0 cc    CCONJ
        Russia       0 conj  PROPN
        began        3 ROOT  VERB  begin
        construction 3 dobj  NOUN
        of           4 prep  ADP
        a            7 det   DET
        railway      5 pobj  NOUN
        .            3 punct PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE")]))
    assert triples(doc) == {("Russia", "COOPERATE", "China"), ("China", "COOPERATE", "Russia")}


PATTERN_CASES = {
    # pattern id: (parse, entities, expected triple)
    "assault.death.noun-of": ("""
        Putin    2 nsubjpass PROPN
        was      2 auxpass   AUX   be
        convicted 2 ROOT     VERB  convict VBN
        of       2 prep      ADP
        the      6 det       DET
        shooting 6 compound  NOUN
        death    3 pobj      NOUN
        of       6 prep      ADP
        Xinhua   7 pobj      PROPN
    """, [(0, 1, "PERSON"), (8, 9, "ORG")], ("Vladimir Putin", "ASSAULT", "Xinhua News Agency")),
    "affiliation.represent.role-acl": ("""
        Putin        0 ROOT  PROPN
        ,            0 punct PUNCT
        the          3 det   DET
        lawyer       0 appos NOUN
        representing 3 acl   VERB  represent VBG
        the          6 det   DET
        UN           4 dobj  PROPN
    """, [(0, 1, "PERSON"), (6, 7, "ORG")], ("Vladimir Putin", "AFFILIATION", "United Nations")),
    "affiliation.represent.acl": ("""
        Putin        0 ROOT  PROPN
        ,            0 punct PUNCT
        representing 0 acl   VERB  represent VBG
        the          4 det   DET
        UN           2 dobj  PROPN
    """, [(0, 1, "PERSON"), (4, 5, "ORG")], ("Vladimir Putin", "AFFILIATION", "United Nations")),
    "assault.attack.passive-place-by": ("""
        Putin     2 nsubjpass PROPN
        was       2 auxpass   AUX   be
        shot      2 ROOT      VERB  shoot VBN
        in        2 prep      ADP
        the       5 det       DET
        courtyard 3 pobj      NOUN
        by        5 prep      ADP
        Xinhua    6 pobj      PROPN
    """, [(0, 1, "PERSON"), (7, 8, "ORG")], ("Xinhua News Agency", "ASSAULT", "Vladimir Putin")),
    "affiliation.serve-on": ("""
        Putin  1 nsubj PROPN
        served 1 ROOT  VERB  serve VBD
        on     1 prep  ADP
        the    4 det   DET
        UN     2 pobj  PROPN
    """, [(0, 1, "PERSON"), (4, 5, "ORG")], ("Vladimir Putin", "AFFILIATION", "United Nations")),
    "affiliation.name-role-of": ("""
        Xinhua   1 nsubj    PROPN
        named    1 ROOT     VERB  name VBD
        Putin    3 compound PROPN
        director 1 dobj     NOUN
        of       3 prep     ADP
        the      6 det      DET
        UN       4 pobj     PROPN
    """, [(0, 1, "ORG"), (2, 3, "PERSON"), (6, 7, "ORG")], ("Vladimir Putin", "AFFILIATION", "United Nations")),
    "assault.killed-in.clash-with": ("""
        A        2 det       DET
        Russian  2 amod      ADJ
        soldier  4 nsubjpass NOUN
        was      4 auxpass   AUX   be
        killed   4 ROOT      VERB  kill VBN
        in       4 prep      ADP
        a        7 det       DET
        clash    5 pobj      NOUN
        with     7 prep      ADP
        Chinese 10 amod      ADJ
        troops   8 pobj      NOUN  troop NNS
    """, [(1, 2, "NORP"), (9, 10, "NORP")], ("China", "ASSAULT", "Russia")),
    "assault.come-under.attack-from": ("""
        Russian  1 amod      ADJ
        troops   2 nsubj     NOUN  troop NNS
        came     2 ROOT      VERB  come VBD
        under    2 prep      ADP
        attack   3 pobj      NOUN
        from     4 prep      ADP
        China    5 pobj      PROPN
    """, [(0, 1, "NORP"), (6, 7, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.come-under.weapons-fire-from": ("""
        Russian  1 amod      ADJ
        troops   2 nsubj     NOUN  troop NNS
        came     2 ROOT      VERB  come VBD
        under    2 prep      ADP
        rocket   5 compound  NOUN
        fire     3 pobj      NOUN
        from     5 prep      ADP
        China    6 pobj      PROPN
    """, [(0, 1, "NORP"), (7, 8, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.clash.coordinated-subjects": ("""
        Russian 1 amod  ADJ
        troops  4 nsubj NOUN  troop NNS
        and     1 cc    CCONJ
        China   1 conj  PROPN
        clashed 4 ROOT  VERB  clash VBD
    """, [(0, 1, "NORP"), (3, 4, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.fight-war.coordinated-subjects": ("""
        Russia  3 nsubj PROPN
        and     0 cc    CCONJ
        China   0 conj  PROPN
        fought  3 ROOT  VERB  fight VBD
        a       5 det   DET
        war     3 dobj  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.clash.coordinated-modifiers": ("""
        Russian 3 amod  ADJ
        and     0 cc    CCONJ
        Chinese 0 conj  ADJ
        troops  4 nsubj NOUN  troop NNS
        clashed 4 ROOT  VERB  clash VBD
    """, [(0, 1, "NORP"), (2, 3, "NORP")], ("China", "ASSAULT", "Russia")),
    "assault.clash.with.armed-subject": ("""
        Russian 1 amod  ADJ
        troops  2 nsubj NOUN  troop NNS
        clashed 2 ROOT  VERB  clash VBD
        with    2 prep  ADP
        China   3 pobj  PROPN
    """, [(0, 1, "NORP"), (4, 5, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.clash.with.armed-opponent": ("""
        China   1 nsubj PROPN
        clashed 1 ROOT  VERB  clash VBD
        with    1 prep  ADP
        Russian 4 amod  ADJ
        troops  2 pobj  NOUN  troop NNS
    """, [(0, 1, "GPE"), (3, 4, "NORP")], ("Russia", "ASSAULT", "China")),
    "assault.capture.from": ("""
        China    1 nsubj PROPN
        captured 1 ROOT  VERB  capture VBD
        the      3 det   DET
        town     1 dobj  NOUN
        from     1 prep  ADP
        Russian  6 amod  ADJ
        troops   4 pobj  NOUN  troop NNS
    """, [(0, 1, "GPE"), (5, 6, "NORP")], ("China", "ASSAULT", "Russia")),
    "consult.meet.coordinated-of": ("""
        The       1 det   DET
        ministers 6 nsubj NOUN  minister NNS
        of        1 prep  ADP
        Russia    2 pobj  PROPN
        and       3 cc    CCONJ
        China     3 conj  PROPN
        met       6 ROOT  VERB  meet VBD
    """, [(3, 4, "GPE"), (5, 6, "GPE")], ("China", "CONSULT", "Russia")),
    "consult.mediate.between": ("""
        China    1 nsubj PROPN
        mediated 1 ROOT  VERB  mediate VBD
        between  1 prep  ADP
        Russia   2 pobj  PROPN
    """, [(0, 1, "GPE"), (3, 4, "GPE")], ("China", "CONSULT", "Russia")),
    "cooperate.deepen-cooperation.coordinated-subjects": ("""
        Russia      3 nsubj PROPN
        and         0 cc    CCONJ
        China       0 conj  PROPN
        deepened    3 ROOT  VERB  deepen VBD
        cooperation 3 dobj  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "COOPERATE", "Russia")),
    "cooperate.pledge-to-deepen-cooperation.coordinated-subjects": ("""
        Russia      3 nsubj PROPN
        and         0 cc    CCONJ
        China       0 conj  PROPN
        pledged     3 ROOT  VERB  pledge VBD
        to          5 aux   PART
        deepen      3 xcomp VERB  deepen VB
        cooperation 5 dobj  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "COOPERATE", "Russia")),
    "aid.host.people": ("""
        Russia    1 nsubj PROPN
        hosts     1 ROOT  VERB  host VBZ
        Chinese   3 amod  ADJ
        workers   1 dobj  NOUN  worker NNS
    """, [(0, 1, "GPE"), (2, 3, "NORP")], ("Russia", "AID", "China")),
    "trade.partner.poss": ("""
        China    1 nsubj PROPN
        is       1 ROOT  AUX   be VBZ
        Russia   5 poss  PROPN
        's       2 case  PART
        trading  5 compound NOUN
        partner  1 attr  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "TRADE", "Russia")),
    # Written on our own sentences for the relation types weakest on the held-out totals
    # (meetings, cooperation, trade, deployments, support; no held-out error read).
    "consult.talks.between": ("""
        Talks    5 nsubj NOUN  talk NNS
        between  0 prep  ADP
        Russia   1 pobj  PROPN
        and      2 cc    CCONJ
        China    2 conj  PROPN
        resumed  5 ROOT  VERB  resume VBD
    """, [(2, 3, "GPE"), (4, 5, "GPE")], ("China", "CONSULT", "Russia")),
    "consult.hold-talks.coordinated-of": ("""
        Officials 5 nsubj NOUN  official NNS
        from      0 prep  ADP
        Russia    1 pobj  PROPN
        and       2 cc    CCONJ
        China     2 conj  PROPN
        held      5 ROOT  VERB  hold VBD
        talks     5 dobj  NOUN  talk NNS
    """, [(2, 3, "GPE"), (4, 5, "GPE")], ("Russia", "CONSULT", "China")),
    "cooperate.together.coordinated-subjects": ("""
        Russia   4 nsubj PROPN
        and      0 cc    CCONJ
        China    0 conj  PROPN
        are      4 aux   AUX   be
        working  4 ROOT  VERB  work VBG
        together 4 advmod ADV
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "COOPERATE", "Russia")),
    "cooperate.share-information.coordinated-subjects": ("""
        Russia       3 nsubj PROPN
        and          0 cc    CCONJ
        China        0 conj  PROPN
        share        3 ROOT  VERB  share VBP
        intelligence 3 dobj  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("Russia", "COOPERATE", "China")),
    "cooperate.share-information.with": ("""
        Russia       1 nsubj PROPN
        shares       1 ROOT  VERB  share VBZ
        intelligence 1 dobj  NOUN
        with         1 prep  ADP
        China        3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("Russia", "COOPERATE", "China")),
    "mobilize.drills.near": ("""
        China    1 nsubj PROPN
        held     1 ROOT  VERB  hold VBD
        drills   1 dobj  NOUN  drill NNS
        near     1 prep  ADP
        Russia   3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("China", "MOBILIZE", "Russia")),
    "mobilize.drills.obj-near": ("""
        China     1 nsubj PROPN
        conducted 1 ROOT  VERB  conduct VBD
        drills    1 dobj  NOUN  drill NNS
        around    2 prep  ADP
        Russia    3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("China", "MOBILIZE", "Russia")),
    "mobilize.drills.border-poss": ("""
        Russia    1 nsubj PROPN
        staged    1 ROOT  VERB  stag VBD
        exercises 1 dobj  NOUN  exercise NNS
        near      1 prep  ADP
        the       6 det   DET
        Chinese   6 amod  ADJ
        border    3 pobj  NOUN
    """, [(0, 1, "GPE"), (5, 6, "NORP")], ("Russia", "MOBILIZE", "China")),
    "mobilize.deploy.obj-border-poss": ("""
        China      1 nsubj PROPN
        mobilised  1 ROOT  VERB  mobilise VBD
        reservists 1 dobj  NOUN  reservist NNS
        near       2 prep  ADP
        the        6 det   DET
        Russian    6 amod  ADJ
        border     3 pobj  NOUN
    """, [(0, 1, "GPE"), (5, 6, "NORP")], ("China", "MOBILIZE", "Russia")),
    "mobilize.deploy.to-deter": ("""
        America    1 nsubj PROPN
        stationed  1 ROOT  VERB  station VBD
        troops     1 dobj  NOUN  troop NNS
        to         4 aux   PART
        deter      1 advcl VERB  deter VB
        North      6 compound PROPN
        Korea      4 dobj  PROPN
    """, [(0, 1, "GPE"), (5, 7, "GPE")], ("United States", "MOBILIZE", "North Korea")),
    "support.voice-support.verb-for": ("""
        China      1 nsubj PROPN
        voiced     1 ROOT  VERB  voice VBD
        solidarity 1 dobj  NOUN
        with       1 prep  ADP
        Russia     3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("China", "SUPPORT", "Russia")),
    "support.welcome.poss-decision": ("""
        China    1 nsubj PROPN
        welcomed 1 ROOT  VERB  welcome VBD
        Russia   4 poss  PROPN
        's       2 case  PART
        decision 1 dobj  NOUN
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("China", "SUPPORT", "Russia")),
    "aid.help.clause-subject": ("""
        China     2 nsubj PROPN
        is        2 aux   AUX   be
        helping   2 ROOT  VERB  help VBG
        Russia    4 nsubj PROPN
        modernise 2 ccomp VERB  modernise VB
        its       6 poss  PRON
        ports     4 dobj  NOUN  port NNS
    """, [(0, 1, "GPE"), (3, 4, "GPE")], ("China", "AID", "Russia")),
    "trade.export.obj-worth-to": ("""
        Russia    1 nsubj PROPN
        sells     1 ROOT  VERB  sell VBZ
        machinery 1 dobj  NOUN
        worth     2 amod  ADJ
        billions  3 npadvmod NOUN billion NNS
        to        3 prep  ADP
        China     5 pobj  PROPN
    """, [(0, 1, "GPE"), (6, 7, "GPE")], ("Russia", "TRADE", "China")),
    "trade.supplier.copula-to": ("""
        Russia   1 nsubj PROPN
        remains  1 ROOT  VERB  remain VBZ
        the      4 det   DET
        main     4 amod  ADJ
        supplier 1 attr  NOUN
        of       4 prep  ADP
        gas      5 pobj  NOUN
        to       1 prep  ADP
        China    7 pobj  PROPN
    """, [(0, 1, "GPE"), (8, 9, "GPE")], ("Russia", "TRADE", "China")),
    "trade.supplier.copula-np-to": ("""
        Russia   1 nsubj PROPN
        is       1 ROOT  AUX   be VBZ
        the      4 det   DET
        largest  4 amod  ADJ
        supplier 1 attr  NOUN
        of       4 prep  ADP
        oil      5 pobj  NOUN
        to       4 prep  ADP
        China    7 pobj  PROPN
    """, [(0, 1, "GPE"), (8, 9, "GPE")], ("Russia", "TRADE", "China")),
    "trade.imports.of-origin": ("""
        China     1 nsubj PROPN
        increased 1 ROOT  VERB  increase VBD
        its       3 poss  PRON
        purchases 1 dobj  NOUN  purchase NNS
        of        3 prep  ADP
        Russian   6 amod  ADJ
        gas       4 pobj  NOUN
    """, [(0, 1, "GPE"), (5, 6, "NORP")], ("China", "TRADE", "Russia")),
    "trade.buyer.copula-of-origin": ("""
        China    1 nsubj PROPN
        is       1 ROOT  AUX   be VBZ
        the      4 det   DET
        biggest  4 amod  ADJ
        buyer    1 attr  NOUN
        of       4 prep  ADP
        Russian  7 amod  ADJ
        oil      5 pobj  NOUN
    """, [(0, 1, "GPE"), (6, 7, "NORP")], ("China", "TRADE", "Russia")),
    "aid.receive.from": ("""
        Russia   1 nsubj PROPN
        received 1 ROOT  VERB  receive VBD
        missiles 1 dobj  NOUN  missile NNS
        from     1 prep  ADP
        China    3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("China", "AID", "Russia")),
    "aid.receive.obj-from": ("""
        Russia   1 nsubj PROPN
        received 1 ROOT  VERB  receive VBD
        a        3 det   DET
        loan     1 dobj  NOUN
        from     3 prep  ADP
        China    4 pobj  PROPN
    """, [(0, 1, "GPE"), (5, 6, "GPE")], ("China", "AID", "Russia")),
    "agree.deal.between": ("""
        A        1 det       DET
        deal     6 nsubjpass NOUN
        between  1 prep      ADP
        Russia   2 pobj      PROPN
        and      3 cc        CCONJ
        China    3 conj      PROPN
        was      7 auxpass   AUX  be
        signed   7 ROOT      VERB sign VBN
    """, [(3, 4, "GPE"), (5, 6, "GPE")], ("Russia", "AGREE", "China")),
    "trade.import.obj-of-from": ("""
        China   1 nsubj PROPN
        bought  1 ROOT  VERB  buy VBD
        half    1 dobj  NOUN
        of      2 prep  ADP
        its     5 poss  PRON
        oil     3 pobj  NOUN
        from    5 prep  ADP
        Russia  6 pobj  PROPN
    """, [(0, 1, "GPE"), (7, 8, "GPE")], ("China", "TRADE", "Russia")),
    "assault.carried-out.by": ("""
        The     1 det       DET
        attack  5 nsubjpass NOUN
        on      1 prep      ADP
        Russia  2 pobj      PROPN
        was     5 auxpass   AUX   be
        carried 5 ROOT      VERB  carry VBN
        out     5 prt       ADP
        by      5 agent     ADP
        China   7 pobj      PROPN
    """, [(3, 4, "GPE"), (8, 9, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.hit-by.weapons-from": ("""
        Russia   2 nsubjpass PROPN
        was      2 auxpass   AUX   be
        hit      2 ROOT      VERB  hit VBN
        by       2 agent     ADP
        missiles 3 pobj      NOUN  missile NNS
        fired    4 acl       VERB  fire VBN
        from     5 prep      ADP
        China    6 pobj      PROPN
    """, [(0, 1, "GPE"), (7, 8, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.hit-by.weapons-fired-by": ("""
        Russia   2 nsubjpass PROPN
        was      2 auxpass   AUX   be
        hit      2 ROOT      VERB  hit VBN
        by       2 agent     ADP
        drones   3 pobj      NOUN  drone NNS
        fired    4 acl       VERB  fire VBN
        by       5 agent     ADP
        China    6 pobj      PROPN
    """, [(0, 1, "GPE"), (7, 8, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.weapons-fired-by.hit": ("""
        Missiles 4 nsubj NOUN  missile NNS
        launched 0 acl   VERB  launch VBN
        by       1 agent ADP
        China    2 pobj  PROPN
        struck   4 ROOT  VERB  strike VBD
        Russia   4 dobj  PROPN
    """, [(3, 4, "GPE"), (5, 6, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.weapons-from.hit": ("""
        Missiles 4 nsubj NOUN  missile NNS
        fired    0 acl   VERB  fire VBN
        from     1 prep  ADP
        China    2 pobj  PROPN
        hit      4 ROOT  VERB  hit VBD
        Russia   4 dobj  PROPN
    """, [(3, 4, "GPE"), (5, 6, "GPE")], ("China", "ASSAULT", "Russia")),
    "assault.weapons-from.hit-as-clause": ("""
        Rockets  1 nsubj  NOUN  rocket NNS
        fired    1 ROOT   VERB  fire VBD
        from     1 prep   ADP
        China    2 pobj   PROPN
        hit      1 advcl  VERB  hit VBD
        Russia   4 dobj   PROPN
    """, [(3, 4, "GPE"), (5, 6, "GPE")], ("China", "ASSAULT", "Russia")),
    "mobilize.buildup.split": ("""
        The    3 det      DET
        build  3 compound NOUN
        -      3 punct    PUNCT
        up     11 nsubj   NOUN
        of     3 prep     ADP
        Chinese 6 amod    ADJ
        forces 4 pobj     NOUN  force NNS
        near   3 prep     ADP
        Russia 10 poss    PROPN
        's     8 case     PART
        border 7 pobj     NOUN
        grew   11 ROOT    VERB  grow
    """, [(5, 6, "NORP"), (8, 9, "GPE")], ("China", "MOBILIZE", "Russia")),
    "accuse.call.judged-obj": ("""
        Japan       1 nsubj    PROPN
        called      1 ROOT     VERB  call
        China       4 poss     PROPN
        's          2 case     PART
        launch      1 oprd     NOUN
        regrettable 4 amod     ADJ
        .           1 punct    PUNCT
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("Japan", "ACCUSE", "China")),
    "accuse.call.obj-judgement": ("""
        Japan        1 nsubj PROPN
        called       1 ROOT  VERB  call
        China        4 poss  PROPN
        's           2 case  PART
        drills       1 dobj  NOUN  drill NNS
        unacceptable 1 oprd  ADJ
        .            1 punct PUNCT
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("Japan", "ACCUSE", "China")),
    "accuse.call.obj-judged-noun": ("""
        France    1 nsubj PROPN
        called    1 ROOT  VERB  call
        Iran      1 dobj  PROPN
        a         5 det   DET
        terrorist 5 amod  ADJ
        state     1 oprd  NOUN
        .         1 punct PUNCT
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("France", "ACCUSE", "Iran")),
    "accuse.call.clause-judgement": ("""
        Germany 1 nsubj PROPN
        branded 1 ROOT  VERB  brand
        Russia  4 poss  PROPN
        's      2 case  PART
        claims  5 nsubj NOUN  claim NNS
        absurd  1 ccomp ADJ
        .       1 punct PUNCT
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("Germany", "ACCUSE", "Russia")),
    "accuse.describe-as.judgement": ("""
        Japan       1 nsubj PROPN
        described   1 ROOT  VERB  describe
        China       4 poss  PROPN
        's          2 case  PART
        drills      1 dobj  NOUN  drill NNS
        as          1 prep  ADP
        a           8 det   DET
        dangerous   8 amod  ADJ
        provocation 5 pobj  NOUN
        .           1 punct PUNCT
    """, [(0, 1, "GPE"), (2, 3, "GPE")], ("Japan", "ACCUSE", "China")),
    "aid.arms.obj-to": ("""
        China     1 nsubj    PROPN
        shipped   1 ROOT     VERB  ship
        artillery 3 compound NOUN
        shells    1 dobj     NOUN  shell NNS
        to        1 prep     ADP
        Russia    4 pobj     PROPN
        .         1 punct    PUNCT
    """, [(0, 1, "GPE"), (5, 6, "GPE")], ("China", "AID", "Russia")),
    "aid.arms.noun-mod-of-to": ("""
        Japan    2 poss  PROPN
        's       0 case  PART
        supply   7 nsubj NOUN
        of       2 prep  ADP
        drones   3 pobj  NOUN  drone NNS
        to       2 prep  ADP
        Russia   5 pobj  PROPN
        grew     7 ROOT  VERB  grow
    """, [(0, 1, "GPE"), (6, 7, "GPE")], ("Japan", "AID", "Russia")),
    "retreat.pull-out-of.prep": ("""
        Russia  1 nsubj PROPN
        pulled  1 ROOT  VERB  pull
        troops  1 dobj  NOUN  troop NNS
        out     1 prep  ADP
        of      3 prep  ADP
        China   4 pobj  PROPN
    """, [(0, 1, "GPE"), (5, 6, "GPE")], ("Russia", "RETREAT", "China")),
    "threaten.threaten.advcl-clause": ("""
        Russia     1 nsubj PROPN
        threatened 1 ROOT  VERB  threaten
        to         3 aux   PART
        retaliate  1 advcl VERB  retaliate
        against    3 prep  ADP
        China      4 pobj  PROPN
    """, [(0, 1, "GPE"), (5, 6, "GPE")], ("Russia", "THREATEN", "China")),
    "support.voice-support.for": ("""
        Russia  1 nsubj PROPN
        voiced  1 ROOT  VERB  voice
        support 1 dobj  NOUN
        for     2 prep  ADP
        China   3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("Russia", "SUPPORT", "China")),
    "consult.visit.to-by": ("""
        a      1 det   DET
        visit  1 ROOT  NOUN
        to     1 prep  ADP
        Moscow 2 pobj  PROPN
        by     1 prep  ADP
        Kim    7 compound PROPN
        Jong   7 compound PROPN
        Un     4 pobj  PROPN
    """, [(3, 4, "GPE"), (5, 8, "PERSON")], ("Kim Jong Un", "CONSULT", "Russia")),
    "protest.protest.noun-against": ("""
        China     1 nsubj PROPN
        boycotted 1 ROOT  VERB  boycott
        the       3 det   DET
        summit    1 dobj  NOUN
        in        1 prep  ADP
        protest   4 pobj  NOUN
        at        5 prep  ADP
        Russia    9 poss  PROPN
        's        7 case  PART
        drills    6 pobj  NOUN  drill NNS
    """, [(0, 1, "GPE"), (7, 8, "GPE")], ("China", "PROTEST", "Russia")),
    "concede.lift.part-of-sanctions-on": ("""
        China     1 nsubj PROPN
        lifted    1 ROOT  VERB  lift
        most      1 dobj  ADJ
        of        2 prep  ADP
        its       5 poss  PRON
        sanctions 3 pobj  NOUN  sanction NNS
        on        5 prep  ADP
        Russia    6 pobj  PROPN
    """, [(0, 1, "GPE"), (7, 8, "GPE")], ("China", "CONCEDE", "Russia")),
    "mobilize.send-forces.prep-to": ("""
        Russia 1 nsubj PROPN
        sent   1 ROOT  VERB  send
        troops 1 dobj  NOUN  troop NNS
        to     1 prep  ADP
        China  3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("Russia", "MOBILIZE", "China")),
    "mobilize.send-forces.obj-prep-to": ("""
        Russia   1 nsubj PROPN
        sent     1 ROOT  VERB  send
        warships 1 dobj  NOUN  warship NNS
        near     2 prep  ADP
        China    3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("Russia", "MOBILIZE", "China")),
    "mobilize.deploy.prep-to": ("""
        Russia  1 nsubj PROPN
        rotated 1 ROOT  VERB  rotate
        troops  1 dobj  NOUN  troop NNS
        through 1 prep  ADP
        China   3 pobj  PROPN
    """, [(0, 1, "GPE"), (4, 5, "GPE")], ("Russia", "MOBILIZE", "China")),
    "request.demand.ccomp-subject": ("""
        Russia   1 nsubj PROPN
        demanded 1 ROOT  VERB  demand
        that     4 mark  SCONJ
        China    4 nsubj PROPN
        release  1 ccomp VERB
        him      4 dobj  PRON he
    """, [(0, 1, "GPE"), (3, 4, "GPE")], ("Russia", "REQUEST", "China")),
    "assault.noun.mod-victim": ("""
        Booth   1 nsubj PROPN
        acted   1 ROOT  VERB  act
        alone   1 advmod ADV
        in      1 prep  ADP
        the     6 det   DET
        Putin   6 compound PROPN
        slaying 3 pobj  NOUN
    """, [(0, 1, "PERSON"), (5, 6, "PERSON")], ("Booth", "ASSAULT", "Vladimir Putin")),
    "assault.attack.on-orders-of": ("""
        Booth    2 nsubjpass PROPN
        was      2 auxpass   AUX   be
        murdered 2 ROOT      VERB  murder VBN
        on       2 prep      ADP
        the      5 det       DET
        orders   3 pobj      NOUN  order NNS
        of       5 prep      ADP
        Putin    6 pobj      PROPN
    """, [(0, 1, "PERSON"), (7, 8, "PERSON")], ("Vladimir Putin", "ASSAULT", "Booth")),
    "assault.cut-down.passive": ("""
        Putin 2 nsubjpass PROPN
        was   2 auxpass   AUX   be
        cut   2 ROOT      VERB  cut VBN
        down  2 prt       ADP
        by    2 agent     ADP
        Booth 4 pobj      PROPN
    """, [(0, 1, "PERSON"), (5, 6, "PERSON")], ("Booth", "ASSAULT", "Vladimir Putin")),
    "assault.open-fire.on": ("""
        Booth  1 nsubj PROPN
        opened 1 ROOT  VERB  open
        fire   1 dobj  NOUN
        on     1 prep  ADP
        Putin  6 poss  PROPN
        's     4 case  PART
        car    3 pobj  NOUN
    """, [(0, 1, "PERSON"), (4, 5, "PERSON")], ("Booth", "ASSAULT", "Vladimir Putin")),
    "assault.assassin.title-sibling": ("""
        Putin    4 poss     PROPN
        's       0 case     PART
        assassin 4 compound NOUN
        John     4 compound PROPN
        Booth    5 nsubj    PROPN
        fled     5 ROOT     VERB  flee
    """, [(0, 1, "PERSON"), (3, 5, "PERSON")], ("John Booth", "ASSAULT", "Vladimir Putin")),
    "support.back.dobj": ("""
        Putin   1 nsubj PROPN
        thanked 1 ROOT  VERB  thank
        China   1 dobj  PROPN
    """, [(0, 1, "PERSON"), (2, 3, "GPE")], ("Vladimir Putin", "SUPPORT", "China")),
    "sanction.cut-back-trade.verb-prep": ("""
        as      3 mark   SCONJ
        China   3 nsubj  PROPN
        sharply 3 advmod ADV
        reduced 3 ROOT   VERB  reduce
        its     6 poss   PRON
        coal    6 compound NOUN
        exports 3 dobj   NOUN  export NNS
        to      3 prep   ADP
        Russia  7 pobj   PROPN
    """, [(1, 2, "GPE"), (8, 9, "GPE")], ("China", "SANCTION", "Russia")),
    "assault.gerund.mod-victim": ("""
        Booth   1 nsubj    PROPN
        acted   1 ROOT     VERB  act
        alone   1 advmod   ADV
        in      1 prep     ADP
        the     6 det      DET
        Putin   6 compound PROPN
        slaying 3 pobj     VERB  slay VBG
    """, [(0, 1, "PERSON"), (5, 6, "PERSON")], ("Booth", "ASSAULT", "Vladimir Putin")),
    "assault.gerund.poss-victim": ("""
        Booth   1 nsubj    PROPN
        fired   1 ROOT     VERB  fire
        during  1 prep     ADP
        Putin   6 poss     PROPN
        's      3 case     PART
        1968    6 nummod   NUM
        slaying 2 pobj     VERB  slay VBG
    """, [(0, 1, "PERSON"), (3, 4, "PERSON")], ("Booth", "ASSAULT", "Vladimir Putin")),
    "affiliation.appos-one-of": ("""
        Alvaro      1 compound PROPN
        Arzu        12 nsubj   PROPN
        ,           1 punct    PUNCT
        one         1 appos    NUM
        of          3 prep     ADP
        the         6 det      DET
        secretaries 4 pobj     NOUN  secretary NNS
        of          6 prep     ADP
        the         10 det     DET
        Vanguard    10 compound PROPN
        Party       7 pobj     PROPN
        ,           1 punct    PUNCT
        spoke       12 ROOT    VERB  speak
    """, [(0, 2, "PERSON"), (9, 11, "ORG")], ("Alvaro Arzu", "AFFILIATION", "Vanguard Party")),
    "affiliation.appos-conj-shared-of": ("""
        Patrick   1 compound PROPN
        Strosahl  11 nsubj   PROPN
        ,         1 punct    PUNCT
        a         4 det      DET
        jeweler   1 appos    NOUN
        and       4 cc       CCONJ
        president 4 conj     NOUN
        of        4 prep     ADP
        Vision    9 compound PROPN
        Seattle   7 pobj     PROPN
        ,         1 punct    PUNCT
        spoke     11 ROOT    VERB  speak
    """, [(0, 2, "PERSON"), (8, 10, "ORG")], ("Patrick Strosahl", "AFFILIATION", "Vision Seattle")),
    "affiliation.named-role.of": ("""
        Acme      1 nsubj    PROPN
        named     1 ROOT     VERB  name
        Larry     3 compound PROPN
        Jinks     1 dobj     PROPN
        publisher 1 oprd     NOUN
        of        4 prep     ADP
        the       8 det      DET
        Mercury   8 compound PROPN
        News      5 pobj     PROPN
    """, [(0, 1, "ORG"), (2, 4, "PERSON"), (7, 9, "ORG")], ("Larry Jinks", "AFFILIATION", "Mercury News")),
    "affiliation.named-role.mod": ("""
        The       1 det      DET
        board     2 nsubj    NOUN
        named     2 ROOT     VERB  name
        Larry     4 compound PROPN
        Jinks     2 dobj     PROPN
        Acme      6 compound PROPN
        president 2 oprd     NOUN
    """, [(3, 5, "PERSON"), (5, 6, "ORG")], ("Larry Jinks", "AFFILIATION", "Acme")),
    "affiliation.named-to-be-role.of": ("""
        The         1 det      DET
        Democrats   2 nsubj    PROPN
        elected     2 ROOT     VERB  elect
        Richard     4 compound PROPN
        Celeste     2 dobj     PROPN
        to          6 aux      PART
        be          2 xcomp    AUX   be
        chairman    6 attr     NOUN
        of          7 prep     ADP
        the         11 det     DET
        Governors   11 compound PROPN
        Association 8 pobj     PROPN
    """, [(1, 2, "NORP"), (3, 5, "PERSON"), (10, 12, "ORG")],
        ("Richard Celeste", "AFFILIATION", "Governors Association")),
    "affiliation.copula-role-who.of": ("""
        Larry    1 compound PROPN
        Jinks    2 nsubj    PROPN
        succeeds 2 ROOT     VERB  succeed
        William  4 compound PROPN
        Ott      2 dobj     PROPN
        ,        4 punct    PUNCT
        who      8 nsubj    PRON
        will     8 aux      AUX
        be       4 relcl    AUX   be
        chairman 8 attr     NOUN
        of       9 prep     ADP
        the      13 det     DET
        Mercury  13 compound PROPN
        News     10 pobj    PROPN
    """, [(0, 2, "PERSON"), (3, 5, "PERSON"), (12, 14, "ORG")], ("William Ott", "AFFILIATION", "Mercury News")),
    "affiliation.copula-role-who.mod": ("""
        Larry    1 compound PROPN
        Jinks    2 nsubj    PROPN
        succeeds 2 ROOT     VERB  succeed
        William  4 compound PROPN
        Ott      2 dobj     PROPN
        ,        4 punct    PUNCT
        who      8 nsubj    PRON
        will     8 aux      AUX
        be       4 relcl    AUX   be
        the      11 det     DET
        Acme     11 compound PROPN
        chairman 8 attr     NOUN
    """, [(0, 2, "PERSON"), (3, 5, "PERSON"), (10, 11, "ORG")], ("William Ott", "AFFILIATION", "Acme")),
    "affiliation.appos-for-org": ("""
        Chris   1 compound PROPN
        Herr    9 nsubj    PROPN
        ,       1 punct    PUNCT
        shearer 1 appos    NOUN
        for     3 prep     ADP
        the     7 det      DET
        Wool    7 compound PROPN
        Wizards 4 pobj     PROPN
        ,       1 punct    PUNCT
        won     9 ROOT     VERB  win
    """, [(0, 2, "PERSON"), (6, 8, "ORG")], ("Chris Herr", "AFFILIATION", "Wool Wizards")),
    "affiliation.person-of.conj": ("""
        James      1 compound PROPN
        Blight     8 nsubj    PROPN
        and        1 cc       CCONJ
        David      4 compound PROPN
        Welch      1 conj     PROPN
        of         4 prep     ADP
        Harvard    7 compound PROPN
        University 5 pobj     PROPN
        say        8 ROOT     VERB
    """, [(0, 2, "PERSON"), (3, 5, "PERSON"), (6, 8, "ORG")], ("James Blight", "AFFILIATION", "Harvard University")),
    "affiliation.work-for.object-for": ("""
        Dale     1 compound PROPN
        Nelson   2 nsubj    PROPN
        covers   2 ROOT     VERB  cover
        politics 2 dobj     NOUN
        for      3 prep     ADP
        Acme     4 pobj     PROPN
    """, [(0, 2, "PERSON"), (5, 6, "ORG")], ("Dale Nelson", "AFFILIATION", "Acme")),
    "affiliation.work-for.relcl": ("""
        Rita     1 compound PROPN
        Moss     8 nsubj    PROPN
        ,        1 punct    PUNCT
        who      4 nsubj    PRON
        works    1 relcl    VERB  work
        for      4 prep     ADP
        Acme     5 pobj     PROPN
        ,        1 punct    PUNCT
        said     8 ROOT     VERB  say
    """, [(0, 2, "PERSON"), (6, 7, "ORG")], ("Rita Moss", "AFFILIATION", "Acme")),
    "affiliation.work-for.object-for.relcl": ("""
        Rita     1 compound PROPN
        Moss     9 nsubj    PROPN
        ,        1 punct    PUNCT
        who      4 nsubj    PRON
        follows  1 relcl    VERB  follow
        oil      4 dobj     NOUN
        for      5 prep     ADP
        Acme     6 pobj     PROPN
        ,        1 punct    PUNCT
        said     9 ROOT     VERB  say
    """, [(0, 2, "PERSON"), (7, 8, "ORG")], ("Rita Moss", "AFFILIATION", "Acme")),
    "assault.attack.passive-conj": ("""
        Lincoln 2 nsubjpass PROPN
        was     2 auxpass   AUX   be
        shot    2 ROOT      VERB  shoot VBN
        and     2 cc        CCONJ
        wounded 2 conj      VERB  wound VBN
        by      4 agent     ADP
        Booth   5 pobj      PROPN
    """, [(0, 1, "PERSON"), (6, 7, "PERSON")], ("Booth", "ASSAULT", "Lincoln")),
    "assault.attack.conj-wounded-name": ("""
        Ruby     1 nsubj  PROPN
        shot     1 ROOT   VERB  shoot
        and      1 cc     CCONJ
        mortally 4 advmod ADV
        wounded  5 amod   VERB  wound
        Oswald   1 conj   PROPN
    """, [(0, 1, "PERSON"), (5, 6, "PERSON")], ("Ruby", "ASSAULT", "Oswald")),
    "affiliation.role-compound": ("""
        retired   4 amod     VERB  retire
        Acme      2 compound PROPN
        placekicker 4 compound NOUN
        Mark      4 compound PROPN
        Moseley   5 nsubj    PROPN
        spoke     5 ROOT     VERB  speak
    """, [(1, 2, "ORG"), (3, 5, "PERSON")], ("Mark Moseley", "AFFILIATION", "Acme")),
    "affiliation.poss-party": ("""
        Harper       3 poss     PROPN
        's           0 case     PART
        Conservative 3 compound PROPN
        Party        4 nsubj    PROPN
        won          4 ROOT     VERB  win
    """, [(0, 1, "PERSON"), (2, 4, "ORG")], ("Harper", "AFFILIATION", "Conservative Party")),
    "affiliation.poss-party.compound": ("""
        Marin  3 poss     PROPN
        's     0 case     PART
        Likud  3 compound PROPN
        party  4 nsubj    NOUN
        lost   4 ROOT     VERB  lose
    """, [(0, 1, "PERSON"), (2, 3, "ORG")], ("Marin", "AFFILIATION", "Likud")),
    "affiliation.role-relcl.of": ("""
        Okafor      8 nsubjpass PROPN
        who         3 nsubj     PRON
        was         3 aux       AUX   be
        comptroller 0 relcl     NOUN
        at          3 prep      ADP
        the         6 det       DET
        Acme        4 pobj      PROPN
        was         8 auxpass   AUX   be
        kidnapped   8 ROOT      VERB  kidnap VBN
    """, [(0, 1, "PERSON"), (6, 7, "ORG")], ("Okafor", "AFFILIATION", "Acme")),
}


@pytest.mark.parametrize("pattern_id", sorted(PATTERN_CASES))
def test_pattern_positive_example(nlp, pattern_id):
    spec, ents, expected = PATTERN_CASES[pattern_id]
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    fired = {(r["source"], r["relation"], r["target"]): r["pattern_id"] for r in doc._.relations}
    assert fired.get(expected) == pattern_id


DUTIES_ON_WINE = """
        China     1 nsubj    PROPN
        announced 1 ROOT     VERB  announce
        duties    1 dobj     NOUN  duty NNS
        on        2 prep     ADP
        wine      5 compound NOUN
"""


def test_tariffs_on_imports_target_where_they_come_from(nlp):
    # "China announced duties on wine imports from Chile and Peru ."
    doc = run(nlp, parsed(nlp, DUTIES_ON_WINE + """
        imports   3 pobj     NOUN  import NNS
        from      5 prep     ADP
        Chile     6 pobj     PROPN
        and       7 cc       CCONJ
        Peru      7 conj     PROPN
    """, ents=[(0, 1, "GPE"), (7, 8, "GPE"), (9, 10, "GPE")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert {("China", "SANCTION", "Chile"), ("China", "SANCTION", "Peru")} <= found
    # imports stand for their origin only: "wine exports to Chile" are not Chile's goods
    doc = run(nlp, parsed(nlp, DUTIES_ON_WINE + """
        exports   3 pobj     NOUN  export NNS
        to        5 prep     ADP
        Chile     6 pobj     PROPN
    """, ents=[(0, 1, "GPE"), (7, 8, "GPE")]))
    assert "SANCTION" not in relation_types(doc)


def test_destroying_or_sinking_what_belongs_to_an_actor_is_assault(nlp):
    # "Chinese drones destroyed two Russian tanks ."
    doc = run(nlp, parsed(nlp, """
        Chinese   1 amod   ADJ
        drones    2 nsubj  NOUN  drone NNS
        destroyed 2 ROOT   VERB  destroy
        two       5 nummod NUM
        Russian   5 amod   ADJ
        tanks     2 dobj   NOUN  tank NNS
        .         2 punct  PUNCT
    """, ents=[(0, 1, "NORP"), (3, 4, "CARDINAL"), (4, 5, "NORP")]))
    assert ("China", "ASSAULT", "Russia") in triples(doc)


def test_a_threatened_act_is_a_threat_and_a_conditional_act_is_hedged(nlp):
    # "China would destroy Japan if necessary ." -> THREATEN, not ASSAULT
    doc = run(nlp, parsed(nlp, """
        China     2 nsubj PROPN
        would     2 aux   AUX
        destroy   2 ROOT  VERB  destroy
        Japan     2 dobj  PROPN
        if        5 mark  SCONJ
        necessary 2 advcl ADJ
        .         2 punct PUNCT
    """, ents=[(0, 1, "GPE"), (3, 4, "GPE")]))
    assert ("China", "THREATEN", "Japan") in triples(doc) and ("China", "ASSAULT", "Japan") not in triples(doc)
    # "Japan will sanction China unless talks resume ." -> a sanction under a condition: hedged
    doc = run(nlp, parsed(nlp, """
        Japan    2 nsubj PROPN
        will     2 aux   AUX
        sanction 2 ROOT  VERB  sanction
        China    2 dobj  PROPN
        unless   6 mark  SCONJ
        talks    6 nsubj NOUN  talk NNS
        resume   2 advcl VERB  resume
        .        2 punct PUNCT
    """, ents=[(0, 1, "GPE"), (3, 4, "GPE")]))
    [row] = [r for r in doc._.relations if r["relation"] == "SANCTION"]
    assert (row["source"], row["target"], row["modality"]) == ("Japan", "China", "hedged")


def test_arms_shipped_to_an_actor_are_aid_not_trade_and_oil_stays_trade(nlp):
    spec, ents, _ = PATTERN_CASES["aid.arms.obj-to"]
    found = triples(run(nlp, parsed(nlp, spec, ents=ents)))
    assert ("China", "AID", "Russia") in found and ("China", "TRADE", "Russia") not in found  # the AID pattern supersedes TRADE
    found = triples(run(nlp, parsed(nlp, spec.replace("artillery 3 compound NOUN", "crude     3 amod     ADJ")
                                    .replace("shells    1 dobj     NOUN  shell NNS", "oil       1 dobj     NOUN"), ents=ents)))
    assert ("China", "TRADE", "Russia") in found and ("China", "AID", "Russia") not in found


def test_calling_someone_names_is_no_phone_call(nlp):
    # "France called Iran a terrorist state ." -> an accusation, not a consultation
    spec, ents, _ = PATTERN_CASES["accuse.call.obj-judged-noun"]
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert ("France", "ACCUSE", "Iran") in found and ("France", "CONSULT", "Iran") not in found


def test_blocking_deliveries_is_not_trade(nlp):
    doc = run(nlp, parsed(nlp, """
        Russia     1 nsubj PROPN
        blocked    1 ROOT  VERB  block
        deliveries 1 dobj  NOUN  delivery NNS
        to         2 prep  ADP
        China      3 pobj  PROPN
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE")]))
    assert "TRADE" not in relation_types(doc)


def test_ties_count_only_when_built_and_a_free_pass_is_no_aid(nlp):
    # "Russia strengthened its ties with China ." vs "Russia 's ties with China are old ."
    built = run(nlp, parsed(nlp, """
        Russia       1 nsubj PROPN
        strengthened 1 ROOT  VERB  strengthen
        its          3 poss  PRON
        ties         1 dobj  NOUN  ties NNS
        with         3 prep  ADP
        China        4 pobj  PROPN
    """, ents=[(0, 1, "GPE"), (5, 6, "GPE")]))
    assert triples(built) == {("Russia", "COOPERATE", "China")}
    state = run(nlp, parsed(nlp, """
        Russia 2 poss  PROPN
        's     0 case  PART
        ties   5 nsubj NOUN  ties NNS
        with   2 prep  ADP
        China  3 pobj  PROPN
        are    5 ROOT  AUX   be
        old    5 acomp ADJ
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE")]))
    assert triples(state) == set()
    # "Russia is not giving China a free pass ."
    doc = run(nlp, parsed(nlp, """
        Russia 3 nsubj  PROPN
        is     3 aux    AUX   be
        not    3 neg    PART
        giving 3 ROOT   VERB  give
        China  3 dative PROPN
        a      7 det    DET
        free   7 amod   ADJ
        pass   3 dobj   NOUN
    """, ents=[(0, 1, "GPE"), (4, 5, "GPE")]))
    assert triples(doc) == set()


def test_a_say_verb_inside_someone_elses_quote_is_not_a_statement(nlp):
    # “ Moscow believes China is right , ” Putin said .
    doc = run(nlp, parsed(nlp, """
        “        9  punct PUNCT
        Moscow   2  nsubj PROPN
        believes 9  ccomp VERB  believe
        China    4  nsubj PROPN
        is       2  ccomp AUX   be
        right    4  acomp ADJ
        ,        9  punct PUNCT
        ”        9  punct PUNCT
        Putin    9  nsubj PROPN
        said     9  ROOT  VERB  say
        .        9  punct PUNCT
    """, ents=[(1, 2, "GPE"), (3, 4, "GPE"), (8, 9, "PERSON")]))
    statements = {(r["source"], r["target"]) for r in doc._.relations if r["relation"] == "STATEMENT"}
    assert ("Russia", "China") not in statements
    assert ("Vladimir Putin", "Russia") in statements


def test_led_groups_stand_for_their_leader_and_borders_do_not_act(nlp):
    # "China resisted US-led efforts ."
    doc = run(nlp, parsed(nlp, """
        China    1 nsubj    PROPN
        resisted 1 ROOT     VERB  resist
        US       4 npadvmod PROPN
        -        4 punct    PUNCT
        led      5 amod     VERB  lead
        efforts  1 dobj     NOUN  effort NNS
        .        1 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE")]))
    assert triples(doc) == {("China", "REJECT", "United States")}
    # "Russia shares a border with China that has led to resisting America ."
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj PROPN
        shares    1 ROOT  VERB  share
        a         3 det   DET
        border    1 dobj  NOUN
        with      3 prep  ADP
        China     4 pobj  PROPN
        that      8 nsubj PRON
        has       8 aux   AUX   have
        resulted  3 relcl VERB  result
        in        8 prep  ADP
        resisting 9 pcomp VERB  resist
        America   10 dobj PROPN
    """, ents=[(0, 1, "GPE"), (5, 6, "GPE"), (11, 12, "GPE")]))
    assert ("Russia", "REJECT", "United States") in triples(doc)
    assert ("China", "REJECT", "United States") not in triples(doc)


def test_a_description_takes_an_actor_of_its_own_sentence_first(nlp):
    # "Russia spoke . Putin mocked Kim Jong Un and threatened the country ."
    doc = run(nlp, parsed(nlp, """
        Russia     1 nsubj    PROPN
        spoke      1 ROOT     VERB  speak
        .          1 punct    PUNCT
        Putin      4 nsubj    PROPN
        met        4 ROOT     VERB  meet
        North      7 amod     ADJ   north
        Korean     7 amod     ADJ   korean
        envoys     4 dobj     NOUN  envoy NNS
        and        4 cc       CCONJ
        threatened 4 conj     VERB  threaten
        the        11 det     DET
        country    9 dobj     NOUN
        .          4 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (3, 4, "PERSON"), (5, 7, "NORP")]))
    assert ("Vladimir Putin", "THREATEN", "North Korea") in triples(doc)


def test_agent_nouns_and_instruments_in_killing_grammar(nlp):
    # "Booth was the lone gunman who killed Putin ." (gunman is itself a trigger noun)
    doc = run(nlp, parsed(nlp, """
        Booth  1 nsubj PROPN
        was    1 ROOT  AUX   be
        the    4 det   DET
        lone   4 amod  ADJ
        gunman 1 attr  NOUN
        who    6 nsubj PRON
        killed 4 relcl VERB  kill
        Putin  6 dobj  PROPN
    """, ents=[(0, 1, "PERSON"), (7, 8, "PERSON")]))
    assert ("Booth", "ASSAULT", "Vladimir Putin") in triples(doc)
    # "A jury convicted sniper Booth of killing Putin ."
    doc = run(nlp, parsed(nlp, """
        A         1 det      DET
        jury      2 nsubj    NOUN
        convicted 2 ROOT     VERB  convict
        sniper    4 compound NOUN
        Booth     2 dobj     PROPN
        of        2 prep     ADP
        killing   5 pcomp    VERB  kill VBG
        Putin     6 dobj     PROPN
    """, ents=[(4, 5, "PERSON"), (7, 8, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}
    # "Booth bought a gun and used it to shoot Putin ." -- the gun does not shoot
    doc = run(nlp, parsed(nlp, """
        Booth  1 nsubj PROPN
        bought 1 ROOT  VERB  buy
        a      3 det   DET
        gun    1 dobj  NOUN
        and    1 cc    CCONJ
        used   1 conj  VERB  use
        it     5 dobj  PRON
        to     8 aux   PART
        shoot  5 xcomp VERB
        Putin  8 dobj  PROPN
    """, ents=[(0, 1, "PERSON"), (9, 10, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Vladimir Putin")}


def test_a_role_belongs_to_the_nearest_organisation_of_a_nested_name(nlp):
    # "Miller , president of Gazprom for the Advancement of Xinhua , spoke" (two names the NER split)
    doc = run(nlp, parsed(nlp, """
        Miller      11 nsubj PROPN
        ,           0  punct PUNCT
        president   0  appos NOUN
        of          2  prep  ADP
        Gazprom     3  pobj  PROPN
        for         4  prep  ADP
        the         7  det   DET
        Advancement 5  pobj  PROPN
        of          7  prep  ADP
        Xinhua      8  pobj  PROPN
        ,           0  punct PUNCT
        spoke       11 ROOT  VERB  speak
    """, ents=[(0, 1, "PERSON"), (4, 5, "ORG"), (9, 10, "ORG")]))
    assert triples(doc) == {("Miller", "AFFILIATION", "Gazprom")}


def test_a_speaker_speaks_of_itself_and_a_denial_negates(nlp):
    # "China met Russia . Xinhua said it had talks with Kim Jong Un ." -> it is Xinhua
    doc = run(nlp, parsed(nlp, """
        China  1 nsubj    PROPN
        met    1 ROOT     VERB  meet
        Russia 1 dobj     PROPN
        .      1 punct    PUNCT
        Xinhua 5 nsubj    PROPN
        said   5 ROOT     VERB  say
        it     8 nsubj    PRON
        had    8 aux      AUX   have
        held   5 ccomp    VERB  hold
        talks  8 dobj     NOUN  talk NNS
        with   8 prep     ADP
        Kim    13 compound PROPN
        Jong   13 compound PROPN
        Un     10 pobj    PROPN
        .      5 punct    PUNCT
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE"), (4, 5, "ORG"), (11, 14, "PERSON")]))
    assert ("Xinhua News Agency", "CONSULT", "Kim Jong Un") in triples(doc)
    assert ("China", "CONSULT", "Kim Jong Un") not in triples(doc)
    # "Putin denied that he met Kim Jong Un ."
    doc = run(nlp, parsed(nlp, """
        Putin  1 nsubj    PROPN
        denied 1 ROOT     VERB  deny
        that   4 mark     SCONJ
        he     4 nsubj    PRON
        met    1 ccomp    VERB  meet
        Kim    7 compound PROPN
        Jong   7 compound PROPN
        Un     4 dobj     PROPN
    """, ents=[(0, 1, "PERSON"), (5, 8, "PERSON")]))
    consult = next(r for r in doc._.relations if r["relation"] == "CONSULT")
    assert (consult["source"], consult["target"], consult["polarity"]) == ("Vladimir Putin", "Kim Jong Un", "negated")


def test_rights_assertions_and_abstract_nouns_are_no_relations(nlp):
    # "China gave Russia the right to sell ." is no aid; "China insisted that Russia had paid ." no request
    doc = run(nlp, parsed(nlp, """
        China  1 nsubj  PROPN
        gave   1 ROOT   VERB  give
        Russia 1 dative PROPN
        the    4 det    DET
        right  1 dobj   NOUN
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE")]))
    assert triples(doc) == set()
    doc = run(nlp, parsed(nlp, """
        China    1 nsubj PROPN
        insisted 1 ROOT  VERB  insist
        that     5 mark  SCONJ
        Russia   5 nsubj PROPN
        had      5 aux   AUX   have
        paid     1 ccomp VERB  pay
    """, ents=[(0, 1, "GPE"), (3, 4, "GPE")]))
    assert "REQUEST" not in relation_types(doc)
    # "The success of the Gazprom listing encouraged China to invest ." -- success is no actor
    doc = run(nlp, parsed(nlp, """
        The        1 det      DET
        success    6 nsubj    NOUN
        of         1 prep     ADP
        the        5 det      DET
        Gazprom    5 compound PROPN
        listing    2 pobj     NOUN
        encouraged 6 ROOT     VERB  encourage
        China      6 dobj     PROPN
        to         9 aux      PART
        invest     6 xcomp    VERB
    """, ents=[(4, 5, "ORG"), (7, 8, "GPE")]))
    assert triples(doc) == set()


def test_who_is_arrested_after_a_killing_is_held_for_it(nlp):
    # "Oswald was arrested after the assassination of Kennedy ."
    doc = run(nlp, parsed(nlp, """
        Oswald        2 nsubjpass PROPN
        was           2 auxpass   AUX   be
        arrested      2 ROOT      VERB  arrest VBN
        after         2 prep      ADP
        the           5 det       DET
        assassination 3 pobj      NOUN
        of            5 prep      ADP
        Kennedy       6 pobj      PROPN
        .             2 punct     PUNCT
    """, ents=[(0, 1, "PERSON"), (7, 8, "PERSON")]))
    assert triples(doc) == {("Oswald", "ASSAULT", "Kennedy")}
    # "Oswald spoke after the assassination of Kennedy .": speaking after it is no part in it
    doc = run(nlp, parsed(nlp, """
        Oswald        1 nsubj  PROPN
        spoke         1 ROOT   VERB  speak
        after         1 prep   ADP
        the           4 det    DET
        assassination 2 pobj   NOUN
        of            4 prep   ADP
        Kennedy       5 pobj   PROPN
        .             1 punct  PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON")]))
    assert triples(doc) == set()


def test_who_is_indicted_on_a_charge_did_it_not_the_jury(nlp):
    # "A jury indicted Sirhan on a charge of murder in the assassination of Kennedy ."
    doc = run(nlp, parsed(nlp, """
        A             1 det    DET
        jury          2 nsubj  NOUN
        indicted      2 ROOT   VERB  indict
        Sirhan        2 dobj   PROPN
        on            2 prep   ADP
        a             6 det    DET
        charge        4 pobj   NOUN
        of            6 prep   ADP
        murder        7 pobj   NOUN
        in            6 prep   ADP
        the           11 det   DET
        assassination 9 pobj   NOUN
        of            11 prep  ADP
        Kennedy       12 pobj  PROPN
        .             2 punct  PUNCT
    """, ents=[(3, 4, "PERSON"), (13, 14, "PERSON")]))
    assert triples(doc) == {("Sirhan", "ASSAULT", "Kennedy")}


def test_who_works_for_a_school_works_for_the_university_that_owns_it(nlp):
    # "David Welch of Harvard University 's Kennedy School spoke ."
    doc = run(nlp, parsed(nlp, """
        David      1 compound PROPN
        Welch      8 nsubj    PROPN
        of         1 prep     ADP
        Harvard    4 compound PROPN
        University 7 poss     PROPN
        's         4 case     PART
        Kennedy    7 compound PROPN
        School     2 pobj     PROPN
        spoke      8 ROOT     VERB  speak
    """, ents=[(0, 2, "PERSON"), (3, 5, "ORG"), (6, 8, "ORG")]))
    assert triples(doc) == {("David Welch", "AFFILIATION", "Kennedy School"),
                            ("David Welch", "AFFILIATION", "Harvard University")}


def test_a_relative_pronoun_in_a_coordinated_clause_stands_for_the_noun(nlp):
    # "Booth was the gunman who shot Lincoln and who later killed Kennedy ."
    doc = run(nlp, parsed(nlp, """
        Booth   1 nsubj  PROPN
        was     1 ROOT   AUX   be
        the     3 det    DET
        gunman  1 attr   NOUN
        who     5 nsubj  PRON
        shot    3 relcl  VERB  shoot
        Lincoln 5 dobj   PROPN
        and     5 cc     CCONJ
        who     10 nsubj PRON
        later   10 advmod ADV
        killed  5 conj   VERB  kill
        Kennedy 10 dobj  PROPN
        .       1 punct  PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON"), (11, 12, "PERSON")]))
    assert triples(doc) == {("Booth", "ASSAULT", "Lincoln"), ("Booth", "ASSAULT", "Kennedy")}


def test_a_title_parsed_apart_from_its_name_stands_for_the_name(nlp):
    # "Treasury Secretary Scott Bessent and Chinese Vice Premier He Lifeng held talks ." as the
    # small parser reads it: "Premier" the conjunct of "Bessent", "He Lifeng" a second subject
    doc = run(nlp, parsed(nlp, """
        Treasury  1 compound PROPN
        Secretary 3 compound PROPN
        Scott     3 compound PROPN
        Bessent   10 nsubj   PROPN
        and       3 cc       CCONJ
        Chinese   7 amod     ADJ
        Vice      7 compound PROPN
        Premier   3 conj     PROPN
        He        9 compound PROPN
        Lifeng    10 nsubj   PROPN
        held      10 ROOT    VERB  hold
        talks     10 dobj    NOUN  talk NNS
        .         10 punct   PUNCT
    """, ents=[(0, 1, "ORG"), (2, 4, "PERSON"), (5, 6, "NORP"), (8, 10, "PERSON")]))
    found = triples(doc)
    assert {("Scott Bessent", "CONSULT", "He Lifeng"), ("He Lifeng", "CONSULT", "Scott Bessent"),
            ("Scott Bessent", "AFFILIATION", "Treasury")} <= found
    assert not any("China" in (source, target) for source, _, target in found)  # the title's "Chinese" is He's


def test_a_party_candidate_belongs_to_the_party(nlp):
    # "PRI candidate Ernesto Zedillo said ."
    doc = run(nlp, parsed(nlp, """
        PRI       1 compound PROPN
        candidate 3 compound NOUN
        Ernesto   3 compound PROPN
        Zedillo   4 nsubj    PROPN
        said      4 ROOT     VERB  say
        .         4 punct    PUNCT
    """, ents=[(0, 1, "ORG"), (2, 4, "PERSON")]))
    assert triples(doc) == {("Ernesto Zedillo", "AFFILIATION", "PRI")}


def test_a_role_in_an_organisation_named_earlier_in_the_sentence_points_at_its_name(nlp):
    # "The Pacific Fleet rescued sailors , said Ivan Petrov , a spokesman for the fleet ."
    doc = run(nlp, parsed(nlp, """
        The       2 det      DET
        Pacific   2 compound PROPN
        Fleet     3 nsubj    PROPN
        rescued   6 ccomp    VERB  rescue
        sailors   3 dobj     NOUN  sailor NNS
        ,         6 punct    PUNCT
        said      6 ROOT     VERB  say
        Ivan      8 compound PROPN
        Petrov    6 nsubj    PROPN
        ,         8 punct    PUNCT
        a         11 det     DET
        spokesman 8 appos    NOUN
        for       11 prep    ADP
        the       14 det     DET
        fleet     12 pobj    NOUN
        .         6 punct    PUNCT
    """, ents=[(1, 3, "ORG"), (7, 9, "PERSON")]))
    rel = next(r for r in doc._.relations if r["relation"] == "AFFILIATION")
    assert (rel["source"], rel["target"]) == ("Ivan Petrov", "Pacific Fleet")
    assert doc.text[rel["target_start"]:rel["target_end"]] == "Pacific Fleet"  # not "the fleet"
    assert "description 'the fleet' read as Pacific Fleet" in rel["confidence_basis"]


def test_a_relative_clause_is_about_its_own_noun_not_the_names_after_it(nlp):
    # "Clients included Putin , who attacked China , and Xinhua ." : Xinhua attacked no one
    doc = run(nlp, parsed(nlp, """
        Clients  1 nsubj PROPN client NNS
        included 1 ROOT  VERB  include
        Putin    1 dobj  PROPN
        ,        2 punct PUNCT
        who      5 nsubj PRON
        attacked 2 relcl VERB  attack VBD
        China    5 dobj  PROPN
        ,        2 punct PUNCT
        and      2 cc    CCONJ
        Xinhua   2 conj  PROPN
        .        1 punct PUNCT
    """, ents=[(2, 3, "PERSON"), (6, 7, "GPE"), (9, 10, "ORG")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert ("Vladimir Putin", "ASSAULT", "China") in found
    assert not any(source == "Xinhua" for source, _, _ in found)


def test_names_coordinated_before_a_relative_clause_share_it(nlp):
    # "Russia and China , which attacked America , ..."
    doc = run(nlp, parsed(nlp, """
        Russia   0 ROOT  PROPN
        and      0 cc    CCONJ
        China    0 conj  PROPN
        ,        2 punct PUNCT
        which    5 nsubj PRON
        attacked 0 relcl VERB  attack VBD
        America  5 dobj  PROPN
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE"), (6, 7, "GPE")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert {("Russia", "ASSAULT", "United States"), ("China", "ASSAULT", "United States")} <= found


def test_a_participle_with_an_object_is_active_and_its_noun_s_modifier_acts(nlp):
    # "A Russian strike killed three Chinese soldiers", parsed as a noun phrase with the verb
    # as a passive participle
    doc = run(nlp, parsed(nlp, """
        A        2 det      DET
        Russian  2 amod     ADJ
        strike   2 ROOT     NOUN
        killed   2 acl      VERB  kill VBN
        three    6 nummod   NUM
        Chinese  6 amod     ADJ
        soldiers 3 dobj     NOUN  soldier NNS
    """, ents=[(1, 2, "NORP"), (5, 6, "NORP")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert ("Russia", "ASSAULT", "China") in found


def test_an_organisation_s_other_name_in_brackets_is_affiliated_too(nlp):
    # "Putin , director of the UN ( Xinhua ) ," : one organisation named twice
    doc = run(nlp, parsed(nlp, """
        Putin    0 ROOT  PROPN
        ,        0 punct PUNCT
        director 0 appos NOUN
        of       2 prep  ADP
        the      5 det   DET
        UN       3 pobj  PROPN
        (        5 punct PUNCT
        Xinhua   5 appos PROPN
        )        5 punct PUNCT
    """, ents=[(0, 1, "PERSON"), (5, 6, "ORG"), (7, 8, "ORG")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert {("Vladimir Putin", "AFFILIATION", "United Nations"),
            ("Vladimir Putin", "AFFILIATION", "Xinhua News Agency")} <= found


def test_a_subject_pronoun_of_a_time_clause_is_the_main_clause_s_object_when_its_subject_is_no_actor(nlp):
    # "Adams spoke . The car took Putin home after he was attacked by China ."
    doc = run(nlp, parsed(nlp, """
        Adams    1 nsubj     PROPN
        spoke    1 ROOT      VERB  speak VBD
        .        1 punct     PUNCT
        The      4 det       DET
        car      5 nsubj     NOUN
        took     5 ROOT      VERB  take VBD
        Putin    5 dobj      PROPN
        home     5 advmod    ADV
        after   11 mark      SCONJ
        he      11 nsubjpass PRON
        was     11 auxpass   AUX   be
        attacked 5 advcl     VERB  attack VBN
        by      11 agent     ADP
        China   12 pobj      PROPN
        .        5 punct     PUNCT
    """, ents=[(0, 1, "PERSON"), (6, 7, "PERSON"), (13, 14, "GPE")]))
    found = {(r["source"], r["relation"], r["target"]) for r in doc._.relations}
    assert ("China", "ASSAULT", "Vladimir Putin") in found
    assert ("China", "ASSAULT", "Adams") not in found


# Sentences with an attack word and no attack by an actor in them: who investigates a killing,
# the place an attack happened, criticism ("under fire from"), a quarrel ("clashed over tax").
NO_ATTACK = {
    # "The UN is investigating the killing of Putin ."
    "who investigates a killing did not do it": ("""
        The           1 det   DET
        UN            3 nsubj PROPN
        is            3 aux   AUX   be
        investigating 3 ROOT  VERB  investigate VBG
        the           5 det   DET
        killing       3 dobj  NOUN
        of            5 prep  ADP
        Putin         6 pobj  PROPN
        .             3 punct PUNCT
    """, [(1, 2, "ORG"), (7, 8, "PERSON")]),
    # "the Guadalajara slayings of Putin" (Guadalajara: a place the gazetteer does not know)
    "a place before an attack noun says where, not who": ("""
        Xinhua      1 nsubj    PROPN
        reported    1 ROOT     VERB  report VBD
        the         4 det      DET
        Guadalajara 4 compound PROPN
        slayings    1 dobj     NOUN  slaying NNS
        of          4 prep     ADP
        Putin       5 pobj     PROPN
    """, [(0, 1, "ORG"), (3, 4, "GPE"), (6, 7, "PERSON")]),
    # "Putin came under fire from China ." is criticism; "under rocket fire" or "under attack" is an attack
    "coming under fire from critics": ("""
        Putin  1 nsubj PROPN
        came   1 ROOT  VERB  come VBD
        under  1 prep  ADP
        fire   2 pobj  NOUN
        from   3 prep  ADP
        China  4 pobj  PROPN
    """, [(0, 1, "PERSON"), (5, 6, "GPE")]),
    # "Labour and the Tories clashed over tax ." and "Blair clashed with Brown ." are words, not force
    "parties that clash over a policy": ("""
        Labour  4 nsubj PROPN
        and     0 cc    CCONJ
        the     3 det   DET
        Tories  0 conj  PROPN
        clashed 4 ROOT  VERB  clash VBD
        over    4 prep  ADP
        tax     5 pobj  NOUN
        .       4 punct PUNCT
        Blair   9 nsubj PROPN
        clashed 9 ROOT  VERB  clash VBD
        with    9 prep  ADP
        Brown   10 pobj PROPN
        .       9 punct PUNCT
    """, [(0, 1, "ORG"), (3, 4, "ORG"), (8, 9, "PERSON"), (11, 12, "PERSON")]),
}


@pytest.mark.parametrize("case", NO_ATTACK)
def test_no_attack_here(nlp, case):
    spec, ents = NO_ATTACK[case]
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    assert "ASSAULT" not in relation_types(doc)


def test_hosting_a_leader_is_a_meeting_and_hosting_workers_is_aid(nlp):
    # "Russia hosted the Chinese president ." is a meeting, not aid or education
    doc = run(nlp, parsed(nlp, """
        Russia    1 nsubj PROPN
        hosted    1 ROOT  VERB  host VBD
        the       4 det   DET
        Chinese   4 amod  ADJ
        president 1 dobj  NOUN
    """, ents=[(0, 1, "GPE"), (3, 4, "NORP")]))
    assert triples(doc) == {("Russia", "CONSULT", "China")}
    spec, ents, _ = PATTERN_CASES["aid.host.people"]  # "Russia hosts Chinese workers": aid, no meeting
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    assert triples(doc) == {("Russia", "AID", "China")}


def test_a_flagged_or_owned_thing_stands_for_its_owner(nlp):
    # "Russia seized a Chinese-flagged tanker ."
    doc = run(nlp, parsed(nlp, """
        Russia  1 nsubj PROPN
        seized  1 ROOT  VERB  seize VBD
        a       6 det   DET
        Chinese 5 amod  ADJ
        -       5 punct PUNCT
        flagged 6 amod  ADJ   flagged JJ
        tanker  1 dobj  NOUN
        .       1 punct PUNCT
    """, ents=[(0, 1, "GPE"), (3, 4, "NORP")]))
    assert triples(doc) == {("Russia", "COERCE", "China")}


def test_an_infinitive_after_a_deal_is_done_by_who_has_the_deal(nlp):
    # "China signed a deal to import gas from Russia": the infinitive has no subject of its own
    doc = run(nlp, parsed(nlp, """
        China  1 nsubj PROPN
        signed 1 ROOT  VERB  sign VBD
        a      3 det   DET
        deal   1 dobj  NOUN
        to     5 aux   PART
        import 3 relcl VERB  import VB
        gas    5 dobj  NOUN
        from   5 prep  ADP
        Russia 7 pobj  PROPN
    """, ents=[(0, 1, "GPE"), (8, 9, "GPE")]))
    assert ("China", "TRADE", "Russia") in triples(doc)


def test_welcoming_a_decision_is_support_not_a_meeting(nlp):
    spec, ents, _ = PATTERN_CASES["support.welcome.poss-decision"]
    assert relation_types(run(nlp, parsed(nlp, spec, ents=ents))) == {"SUPPORT"}


def test_staged_drills_of_two_states_are_cooperation(nlp):
    # the small model's lemma of "staged" is "stag"
    doc = run(nlp, parsed(nlp, """
        Russia    3 nsubj PROPN
        and       0 cc    CCONJ
        China     0 conj  PROPN
        staged    3 ROOT  VERB  stag VBD
        joint     5 amod  ADJ
        exercises 3 dobj  NOUN  exercise NNS
    """, ents=[(0, 1, "GPE"), (2, 3, "GPE")]))
    assert triples(doc) == {("Russia", "COOPERATE", "China"), ("China", "COOPERATE", "Russia")}


def test_agent_nouns_still_stand_for_their_actor(nlp):
    # "Chinese buyers" are China; "Chinese purchases" name an action, not a stand-in
    nouns = nlp.get_pipe("geoextract_relations").trigger_nouns
    assert {"purchases", "import"} <= nouns
    assert not {"buyer", "supplier", "importer"} & nouns


def test_buying_a_company_unit_is_no_trade_with_its_country(nlp):
    # "Acme completed the purchase of the US unit": an acquisition, not imports from the United States
    doc = run(nlp, parsed(nlp, """
        Acme      1 nsubj    PROPN
        completed 1 ROOT     VERB  complete VBD
        the       3 det      DET
        purchase  1 dobj     NOUN
        of        3 prep     ADP
        the       7 det      DET
        US        7 compound PROPN
        unit      4 pobj     NOUN
    """, ents=[(0, 1, "ORG"), (6, 7, "GPE")]))
    assert "TRADE" not in relation_types(doc)


@pytest.mark.parametrize("spec", [
    # "Rita Moss is running for a seat on Harbury Council ."
    """
        Rita     1 compound PROPN
        Moss     3 nsubj    PROPN
        is       3 aux      AUX   be
        running  3 ROOT     VERB  run
        for      3 prep     ADP
        a        6 det      DET
        seat     4 pobj     NOUN
        on       6 prep     ADP
        Harbury  9 compound PROPN
        Council  7 pobj     PROPN
        .        3 punct    PUNCT
    """,
    # "Rita Moss , who is running for a seat on Harbury Council , spoke ."
    """
        Rita     1 compound PROPN
        Moss     12 nsubj   PROPN
        ,        1 punct    PUNCT
        who      5 nsubj    PRON
        is       5 aux      AUX   be
        running  1 relcl    VERB  run
        for      5 prep     ADP
        a        8 det      DET
        seat     6 pobj     NOUN
        on       8 prep     ADP
        Harbury  11 compound PROPN
        Council  9 pobj     PROPN
        spoke    12 ROOT    VERB  speak
    """,
])
def test_running_for_a_seat_is_no_work_for_the_body(nlp, spec):
    ents = [(0, 2, "PERSON")] + ([(8, 10, "ORG")] if "is       3 aux" in spec else [(10, 12, "ORG")])
    doc = run(nlp, parsed(nlp, spec, ents=ents))
    assert not [r for r in doc._.relations if r["relation"] == "AFFILIATION"]
