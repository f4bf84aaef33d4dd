"""Reading inputs: .txt, .html, folders, JSONL, stdin; errors and skips with their reasons;
HTML to text, boilerplate lines, the language check. The bad-input matrix is in test_inputs.py."""

import io
import json

import pytest

from geoextract.documents import (DocumentReader, boilerplate_pattern, boilerplate_spans, html_text,
                                  non_english_reason, processing_text)
from geoextract.errors import GeoextractError
from geoextract.records import Document
from geoextract.rules import pipeline_dir


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_folder_and_jsonl_with_metadata(tmp_path):
    write(tmp_path / "a" / "one.txt", "Russia met China.")
    write(tmp_path / "a" / "b" / "two.jsonl", json.dumps(
        {"id": "x1", "text": "Japan met India.", "title": "T", "date": "2026-01-02", "source": "Wire", "url": "https://e.org"}) + "\n")
    write(tmp_path / "a" / "ignored.csv", "no")
    docs = list(DocumentReader([tmp_path / "a"]))
    assert [(d.id, d.text) for d in docs] == [("x1", "Japan met India."), ("one", "Russia met China.")]
    assert (docs[0].title, docs[0].date, docs[0].source, docs[0].url) == ("T", "2026-01-02", "Wire", "https://e.org")


def test_stdin_jsonl():
    stream = io.StringIO('{"id": "s1", "text": "Hello Moscow."}\n')
    assert [d.id for d in DocumentReader(["-"], stdin=stream)] == ["s1"]


def test_missing_path_is_an_error_before_anything_runs(tmp_path):
    with pytest.raises(GeoextractError, match=r"^E001 input not found: .*nope"):
        DocumentReader([tmp_path / "nope"])


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GeoextractError, match=r"^E002 no documents in .*empty"):
        DocumentReader([tmp_path / "empty"])


def test_unsupported_file_is_an_error(tmp_path):
    with pytest.raises(GeoextractError, match=r"^E004 unsupported input"):
        DocumentReader([write(tmp_path / "x.pdf", "%PDF")])


def test_bad_lines_and_files_are_skipped_with_reasons(tmp_path):
    write(tmp_path / "d.jsonl", '{"id": "ok", "text": "Fine."}\nnot json\n{"id": "no-text"}\n{"id": "ok", "text": "Again."}\n')
    write(tmp_path / "empty.txt", "  \n")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    reader = DocumentReader([tmp_path])
    docs = list(reader)
    assert [d.id for d in docs] == ["ok", "ok-2"]
    reasons = {(s.path.split("/")[-1], s.line, s.reason) for s in reader.skipped}
    assert ("d.jsonl", 2, "not valid JSON (Expecting value)") in reasons
    assert ("d.jsonl", 3, "no 'text' string") in reasons
    assert ("empty.txt", None, "whitespace only, no text") in reasons
    assert ("bin.txt", None, "binary file (PNG image), not text") in reasons
    assert any("duplicate id 'ok' renamed to 'ok-2'" in note for note in reader.notes)


def test_latin1_text_is_decoded_as_cp1252_and_noted(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 in Moscow.".encode("latin-1"))
    reader = DocumentReader([tmp_path / "latin.txt"])
    [doc] = list(reader)
    assert doc.text == "Caf\xe9 in Moscow."
    assert reader.notes == [f"W005 {tmp_path / 'latin.txt'}: not UTF-8, decoded as cp1252 "
                            "(check accented characters; save the file as UTF-8 to be sure)"]



# Boilerplate: one or more example lines for every pattern in pipeline/boilerplate.jsonl.
BOILERPLATE_EXAMPLES = {
    "related": ["Related articles", "Related: Talks stall in Geneva", "You may also like", "MOST READ"],
    "read-more": ["Read more: Why the ceasefire collapsed", "READ MORE", "Continue reading the main story"],
    "subscribe": ["Subscribe to our newsletter", "Want the news first? Subscribe to our morning briefing!"],
    "sign-up": ["Sign up for our daily briefing", "Sign up"],
    "follow": ["Follow us on Twitter", "Follow @worlddesk for updates", "Follow The Daily Ledger on Facebook"],
    "share": ["Share this on Facebook/Twitter", "Share", "Facebook Twitter Email", "Share | Tweet | Print"],
    "click-here": ["Click here to read the full report", "For the latest updates, click here."],
    "advertisement": ["Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored content"],
    "cookies": ["We use cookies to improve your experience on our site.", "Accept all cookies", "Privacy policy",
                "By continuing to use this site you agree to our use of cookies."],
    "rights-reserved": ["\u00a9 2019 Example Media Ltd. All rights reserved.", "Copyright 2017 Sample News Service",
                        "All rights reserved."],
    "tweet-embed": ["We will not back down pic.twitter.com/Ab12Cd34", "\u2014 Jane Doe (@janedoe) March 3, 2017",
                    "Talks resume tomorrow https://t.co/xYz123"],
    "page-metadata": ["Source:", "Posted in: World, Asia", "Originally published at The Example Herald"],
}

# Ordinary news lines with the same words, which must never be masked.
NEWS_LINES = [
    "Russia will follow the example of China and ban the imports, officials said.",
    "Analysts expect other members of the alliance to follow suit.",
    "Follow-up talks are planned for next month in Vienna.",
    "The company's share of the market rose to 12 percent last year.",
    "Share prices in Tokyo fell sharply after the announcement.",
    "Both countries share a long border and a history of disputes.",
    "Iran said it would share intelligence with Iraq on the militants.",
    "Millions subscribe to the state broadcaster's channel, the report said.",
    "Subscribers to the service in Ukraine lost access on Monday.",
    "Voters were told to click here on a fake website, police said.",
    "Related talks between the two delegations will resume in Geneva.",
    "Read more than 300 pages of the report and you will see the problem, the senator said.",
    "Both leaders signed up to the climate pledge in Paris.",
    "The advertisement campaign by the ruling party drew criticism.",
    "Advertising revenue fell by 8% in the first quarter.",
    "Copyright disputes between the two companies went to court.",
    "All rights reserved under the 1994 treaty remain with the signatories, the court ruled.",
    "Twitter and Facebook were asked to remove the posts, the ministry said.",
    "The minister, writing on Twitter, said talks would resume.",
    "The regulator said the website uses cookies without consent.",
]


def test_every_boilerplate_pattern_has_examples_and_they_match():
    lines = (pipeline_dir() / "boilerplate.jsonl").read_text(encoding="utf-8").splitlines()
    ids = {json.loads(line)["id"] for line in lines if line.startswith("{")}
    assert ids == set(BOILERPLATE_EXAMPLES)
    for lines in BOILERPLATE_EXAMPLES.values():
        for line in lines:
            assert boilerplate_spans(f"Russia met China.\n  {line} \nThey agreed.") == [(18, 21 + len(line))], line


@pytest.mark.parametrize("line", NEWS_LINES)
def test_news_lines_are_never_boilerplate(line):
    assert boilerplate_spans(line) == []


def test_processing_text_blanks_boilerplate_and_keeps_offsets():
    text = "Russia met China.\r\nAdvertisement\nShare this on Facebook\n\nThey agreed to meet again."
    masked = processing_text(Document(id="d", text=text))
    assert len(masked) == len(text)
    assert masked == "Russia met China.\r\n" + " " * 13 + "\n" + " " * 22 + "\n\nThey agreed to meet again."
    assert masked.index("They agreed") == text.index("They agreed")
    assert processing_text(Document(id="e", text="No boilerplate here.")) == "No boilerplate here."


def test_invalid_boilerplate_file_reports_every_problem(tmp_path):
    path = tmp_path / "bp.jsonl"
    path.write_text('{"id": "a", "pattern": "ok"}\n{"id": "a", "pattern": "("}\nnot json\n{"pattern": ""}\n',
                    encoding="utf-8")
    with pytest.raises(GeoextractError, match=r"^E008 invalid rule file .*bp.jsonl: 5 error\(s\)") as error:
        boilerplate_pattern(str(path))
    assert "line 2: 'pattern' is not a valid regex" in str(error.value)


def test_html_text_keeps_the_words_and_drops_the_rest():
    markup = """<!DOCTYPE html><html><head><title>Talks &amp; trade</title>
    <style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
    <body><nav><ul><li>Home</li><li>World</li></ul></nav>
    <article><h1>Russia   and
    China meet</h1><p>The two sides&nbsp;met in <b>Beijing</b> on Monday.<br>They signed a deal.</p>
    <noscript>Enable JavaScript</noscript><svg><text>logo</text></svg><template><p>hidden</p></template>
    <iframe src="x">frame</iframe><div>Caf&eacute; talks &#8212; day two</div></article></body></html>"""
    text, title = html_text(markup)
    assert title == "Talks & trade"
    assert text == ("Home\nWorld\n\nRussia and China meet\n\nThe two sides met in Beijing on Monday.\n"
                    "They signed a deal.\n\nCaf\u00e9 talks \u2014 day two")


def test_html_text_survives_broken_markup():
    assert html_text("<p>Russia <![foo[ met <b>China</p")[0].startswith("Russia")
    assert html_text("<title>Unclosed title<p>Body text.</p>") == ("Body text.", "Unclosed title")


def test_html_files_and_html_jsonl_text_are_converted(tmp_path):
    write(tmp_path / "page.HTML", "<html><title>Page</title><p>Japan met India.</p></html>")
    write(tmp_path / "d.jsonl", json.dumps({"id": 7, "text": "<div><p>Oslo hosted talks.</p><p>Two days.</p></div>"})
          + "\n" + json.dumps({"id": "t", "title": "Mine", "text": "<html><title>Theirs</title><p>Fine.</p></html>"})
          + "\n")
    reader = DocumentReader([tmp_path])
    docs = list(reader)
    assert [(d.id, d.text, d.title, d.line) for d in docs] == [
        ("7", "Oslo hosted talks.\n\nTwo days.", None, 1), ("t", "Fine.", "Mine", 2), ("page", "Japan met India.", "Page", None)]
    assert reader.notes == [
        f"W008 {tmp_path / 'd.jsonl'}: 2 'text' field(s) converted from HTML to plain text (first: line 1; offsets refer to the plain text)",
        f"W007 {tmp_path / 'page.HTML'}: converted from HTML to plain text (offsets refer to the plain text)"]


def test_angle_brackets_in_plain_text_are_not_html(tmp_path):
    text = "<A/S Norske Shell>, a unit of <RD.AS>, said it would develop the field."
    write(tmp_path / "d.jsonl", json.dumps({"id": "r", "text": text}) + "\n")
    assert [d.text for d in DocumentReader([tmp_path / "d.jsonl"])] == [text]


# Paragraphs we wrote in other languages; the module's thresholds were tuned on them.
FOREIGN = {
    "french": "Le ministre des Affaires étrangères a rencontré mardi son homologue allemand à Paris pour discuter de la crise dans la région. Selon un communiqué publié par le gouvernement, les deux pays ont convenu de renforcer leur coopération économique et de soutenir les négociations de paix. Des manifestants se sont rassemblés devant l'ambassade pour réclamer la libération des prisonniers politiques.",
    "german": "Der Außenminister hat am Dienstag in Berlin seinen französischen Amtskollegen getroffen, um über die Lage in der Region zu sprechen. Nach Angaben der Regierung wollen beide Länder ihre wirtschaftliche Zusammenarbeit ausbauen und die Friedensgespräche unterstützen. Vor der Botschaft versammelten sich Demonstranten, die die Freilassung der politischen Gefangenen forderten.",
    "spanish": "El ministro de Asuntos Exteriores se reunió el martes en Madrid con su homólogo francés para hablar de la crisis en la región. Según un comunicado del gobierno, los dos países acordaron reforzar su cooperación económica y apoyar las negociaciones de paz. Cientos de manifestantes se concentraron frente a la embajada para exigir la liberación de los presos políticos.",
    "italian": "Il ministro degli Esteri ha incontrato martedì a Roma il suo omologo tedesco per discutere della crisi nella regione. Secondo una nota del governo, i due paesi hanno deciso di rafforzare la cooperazione economica e di sostenere i negoziati di pace. Centinaia di manifestanti si sono radunati davanti all'ambasciata per chiedere la liberazione dei prigionieri politici.",
    "portuguese": "O ministro dos Negócios Estrangeiros reuniu-se na terça-feira em Lisboa com o seu homólogo espanhol para discutir a crise na região. Segundo um comunicado do governo, os dois países concordaram em reforçar a cooperação económica e apoiar as negociações de paz. Centenas de manifestantes concentraram-se em frente à embaixada para exigir a libertação dos presos políticos.",
    "dutch": "De minister van Buitenlandse Zaken heeft dinsdag in Den Haag zijn Duitse collega ontmoet om de crisis in de regio te bespreken. Volgens een verklaring van de regering willen de twee landen hun economische samenwerking versterken en de vredesonderhandelingen steunen. Honderden demonstranten verzamelden zich voor de ambassade om de vrijlating van politieke gevangenen te eisen.",
    "polish": "Minister spraw zagranicznych spotkał się we wtorek w Warszawie ze swoim niemieckim odpowiednikiem, aby omówić kryzys w regionie. Według komunikatu rządu oba kraje zgodziły się wzmocnić współpracę gospodarczą i wspierać rozmowy pokojowe. Setki demonstrantów zebrały się przed ambasadą, domagając się uwolnienia więźniów politycznych, a policja nie interweniowała.",
    "turkish": "Dışişleri Bakanı salı günü Ankara'da Alman mevkidaşı ile bir araya gelerek bölgedeki krizi görüştü. Hükümetin yaptığı açıklamaya göre iki ülke ekonomik işbirliğini güçlendirme ve barış görüşmelerini destekleme konusunda anlaştı. Yüzlerce gösterici siyasi tutukluların serbest bırakılmasını talep etmek için büyükelçiliğin önünde toplandı ve bu eylem saatlerce sürdü.",
    "indonesian": "Menteri Luar Negeri bertemu dengan mitranya dari Jerman di Jakarta pada hari Selasa untuk membahas krisis di kawasan itu. Menurut pernyataan pemerintah, kedua negara sepakat untuk memperkuat kerja sama ekonomi dan mendukung perundingan damai. Ratusan demonstran berkumpul di depan kedutaan untuk menuntut pembebasan para tahanan politik yang tidak pernah diadili.",
    "russian": "Министр иностранных дел во вторник встретился в Москве со своим немецким коллегой, чтобы обсудить кризис в регионе. Согласно заявлению правительства, обе страны договорились укрепить экономическое сотрудничество и поддержать мирные переговоры. Сотни демонстрантов собрались у посольства, требуя освобождения политических заключённых.",
    "chinese": "外交部长星期二在北京会见了德国外长，双方讨论了地区危机。根据政府发表的声明，两国同意加强经济合作并支持和平谈判。数百名示威者聚集在大使馆前，要求释放政治犯。警方表示，抗议活动持续了数小时，没有人受伤。分析人士认为，这次会谈是两国关系改善的重要信号，但许多问题仍有待解决。",
    "arabic": "التقى وزير الخارجية يوم الثلاثاء في القاهرة بنظيره الألماني لبحث الأزمة في المنطقة. ووفقا لبيان صادر عن الحكومة، اتفق البلدان على تعزيز التعاون الاقتصادي ودعم مفاوضات السلام. وتجمع مئات المتظاهرين أمام السفارة للمطالبة بالإفراج عن السجناء السياسيين.",
}

ENGLISH = [
    "Russia and China signed a trade agreement on Monday, the foreign ministry said, after two days of talks in "
    "Beijing that were overshadowed by the dispute over tariffs and by new sanctions against North Korea.",
    # a results table of the kind wire services send
    "Shr 42 cts vs 38 cts Net 19.1 mln vs 17.5 mln Revs 184.9 mln vs 170.1 mln Nine mths Shr 1.20 dlrs vs "
    "1.05 dlrs Net 55.0 mln vs 48.3 mln Revs 540.2 mln vs 501.7 mln Del Monte E. Smith",
    "GERMAN CENTRAL BANK LEAVES KEY RATES UNCHANGED AFTER MEETING IN FRANKFURT AS THE MARK RISES AGAINST THE "
    "DOLLAR AND THE GOVERNMENT SAYS IT WILL NOT INTERVENE IN THE MARKET THIS WEEK",
    # English that quotes French
    "The French president told reporters that \"la France ne cedera pas\" and that the talks with Germany "
    "would continue next week in Brussels, where ministers are expected to agree on the budget.",
    "Short French line: la paix est possible.",  # too short to judge
]


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_other_languages_are_detected(language):
    reason = non_english_reason(FOREIGN[language])
    expected = "mostly non-Latin script" if language in ("russian", "chinese", "arabic") else "not English: "
    assert reason is not None and reason.startswith(expected), reason


@pytest.mark.parametrize("text", ENGLISH)
def test_english_news_tables_and_capitals_pass(text):
    assert non_english_reason(text) is None


def test_non_english_documents_are_benign_skips_unless_wanted(tmp_path):
    write(tmp_path / "fr.txt", FOREIGN["french"])
    write(tmp_path / "en.txt", ENGLISH[0])
    reader = DocumentReader([tmp_path])
    assert [d.id for d in reader] == ["en"]
    [skip] = reader.skipped
    assert (skip.reason, skip.error) == ("not English: 2% English function words", False)
    assert skip.message() == f"W001 skipped {tmp_path / 'fr.txt'}: not English: 2% English function words"
    assert [d.id for d in DocumentReader([tmp_path], skip_non_english=False)] == ["en", "fr"]


SCRAPED = """<!DOCTYPE html><html><head><title>Oil for Pyongyang</title>
<script>var teaser = "China accused Japan of provocation";</script><style>p { margin: 0 }</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav><article>
<p>Russia sold oil to North Korea in March &amp; April, officials said.</p>
<p>Read more: China accused Japan of provocation</p>
<p>Japan urged China to stop the drills pic.twitter.com/Ab12Cd34</p>
<p>Subscribe to our newsletter: China threatens Japan, and more</p>
<p>Japan criticized China over the drills on Tuesday.</p>
</article><footer>&copy; 2017 Example News. All rights reserved.</footer></body></html>"""


@pytest.mark.model
def test_a_scraped_page_gives_relations_only_from_its_article_with_offsets_into_its_text(tmp_path):
    from geoextract.extraction import extract
    from geoextract.table import load_relations, load_table

    write(tmp_path / "in" / "page.html", SCRAPED)
    extract([tmp_path / "in"], tmp_path / "out")
    [document] = DocumentReader([tmp_path / "in"])
    text = document.text
    assert "Read more: China accused Japan" in text and "var teaser" not in text and "margin" not in text
    relations = load_relations(tmp_path / "out" / "relations.csv")
    triples = set(zip(relations["source"], relations["relation"].astype(str), relations["target"]))
    assert ("Russia", "TRADE", "North Korea") in triples and ("Japan", "ACCUSE", "China") in triples
    boilerplate = boilerplate_spans(text)
    assert len(boilerplate) == 4  # read more, the tweet, the newsletter, the copyright line
    for row in relations.itertuples():  # nothing from a boilerplate line, every offset into the page's text
        assert not any(start <= row.trigger_start < end for start, end in boilerplate), row.evidence
        assert text[row.source_start:row.source_end] in ("Russia", "Japan") and row.evidence in text
    mentions = load_table(tmp_path / "out" / "mentions.csv", "mentions")
    assert all(text[m.start:m.end] == m.text for m in mentions.itertuples())
    assert not any(start <= m.start < end for m in mentions.itertuples() for start, end in boilerplate)
    assert load_table(tmp_path / "out" / "documents.csv", "documents")["title"].tolist() == ["Oil for Pyongyang"]
