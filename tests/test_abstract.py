"""The embedded abstract finder (threadkeep/abstract/): the seed, synthetic bodies, the real corpus."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

import threadkeep
from corpus import CORPUS, SEED_PAGE, SEED_URL, needs_corpus, pages
from threadkeep.abstract import AbstractMatch, find_abstract
from threadkeep.abstract.citation import parse_citation
from threadkeep.abstract.identifiers import clean_doi, find_identifiers
from threadkeep.abstract.labels import normal_label
from threadkeep.html.encoding import decode
from threadkeep.html.sanitize import element_text

SEED = SEED_PAGE  # fixtures/seed-thread.html, always there
CORPUS_PAGES = [p for p in pages("**/*") if p.suffix in (".html", ".htm")]

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="fixtures/seed-thread.html is missing")


def fragment(markup: str):
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def seed_body():
    root = lxml_html.document_fromstring(decode(SEED.read_bytes()))
    return root.cssselect("div.post-body")[0]


def remaining_text(body, match: AbstractMatch) -> str:
    """What the pipeline keeps of the body as the article (it drops the listed elements)."""
    for el in match.elements:
        if el.getparent() is not None:
            el.drop_tree()
    return element_text(body)


def labels(match: AbstractMatch | None) -> list[str]:
    assert match is not None
    return [s.label for s in match.abstract.sections]


# ---------------------------------------------------------------------------------------- the seed


@needs_seed
class TestSeed:
    @pytest.fixture
    def found(self):
        body = seed_body()
        return body, find_abstract(body)

    def test_citation(self, found):
        _, match = found
        cit = match.abstract.citation
        assert cit is not None
        assert cit.text == (
            "Arnold et al. Superior MRI outcomes with alemtuzumab compared with subcutaneous "
            "interferon β-1a in MS. Neurology. 2016 Sep 2."
        )
        assert cit.authors == ["Arnold et al."]
        assert cit.title == "Superior MRI outcomes with alemtuzumab compared with subcutaneous interferon β-1a in MS"
        assert cit.journal == "Neurology"
        assert cit.date == "2016 Sep 2"

    def test_identifiers(self, found):
        ids = found[1].abstract.identifiers
        assert ids.doi == "10.1212/WNL.0000000000003169"
        assert ids.trials == ["NCT00530348", "NCT00548405"]
        assert ids.pmid is None
        assert ids.pmcid is None

    def test_sections_in_order_with_full_text(self, found):
        _, match = found
        sections = match.abstract.sections
        assert [s.label for s in sections] == ["Background", "Methods", "Results", "Conclusions"]
        assert sections[0].text.startswith("To describe detailed MRI results from 2 head-to-head phase III trials")
        assert sections[0].text.endswith("in patients with active relapsing-remitting multiple sclerosis (RRMS).")
        assert sections[1].text.startswith("The impact of alemtuzumab 12 mg vs SC IFN-β-1a 44 μg on MRI measures")
        assert sections[2].text.startswith("Both treatments prevented T2-hyperintense lesion volume increases")
        assert "(p < 0.05)" in sections[2].text
        assert sections[2].text.endswith("in CARE-MS I (p < 0.0001) and II (p = 0.012) vs SC IFN-β-1a.")
        assert sections[3].text == (
            "Alemtuzumab demonstrated greater efficacy than SC IFN-β-1a on MRI endpoints in active RRMS. "
            "The superiority of alemtuzumab was more prominent during the second year of both studies. "
            "These findings complement the superior clinical efficacy of alemtuzumab over SC IFN-β-1a in RRMS."
        )
        for s in sections:
            assert not s.text.lower().startswith(("background", "methods", "results", "conclusions"))

    def test_elements_are_the_abstract_and_not_the_commentary(self, found):
        body, match = found
        dropped = " ".join(el.text_content() for el in match.elements)
        assert "Epub:" in dropped and "CONCLUSIONS:" in dropped
        assert "old dog" not in dropped
        kept = remaining_text(body, match)
        assert "Is there life in the old dog yet?" in kept
        assert "before the first crop of drugs targeting progressive MS are launched" in kept
        assert "There is still life in the old dog" in kept
        for gone in ("Epub", "Arnold et al", "CONCLUSIONS", "Alemtuzumab demonstrated greater efficacy", "METHODS"):
            assert gone not in kept

    def test_to_dict_shape(self, found):
        d = found[1].abstract.to_dict()
        assert set(d) == {"citation", "identifiers", "sections"}
        assert d["sections"][0] == {"label": "Background", "text": found[1].abstract.sections[0].text}

    def test_through_the_pipeline(self):
        thread = threadkeep.extract(SEED.read_bytes(), SEED_URL)
        assert thread.abstract is not None
        assert [s.label for s in thread.abstract.sections] == ["Background", "Methods", "Results", "Conclusions"]
        assert thread.abstract.identifiers.doi == "10.1212/WNL.0000000000003169"
        assert thread.abstract.citation.text.startswith("Arnold et al. Superior MRI outcomes")
        text, html = thread.article.text, thread.article.html
        assert "Is there life in the old dog yet?" in text
        assert "One thing that is very impressive with alemtuzumab" in text
        for gone in ("CONCLUSIONS", "Alemtuzumab demonstrated greater efficacy", "Epub", "Arnold et al."):
            assert gone not in text
            assert gone not in html
        assert thread.to_dict()["abstract"]["identifiers"]["trials"] == ["NCT00530348", "NCT00548405"]


# ---------------------------------------------------------------------------------------- no abstract


def test_ordinary_post_has_none():
    body = fragment("<p>I went to the shops today.</p><p>Results were mixed, to be honest.</p><p>More later.</p>")
    assert find_abstract(body) is None


def test_none_and_empty_bodies():
    assert find_abstract(None) is None
    assert find_abstract(fragment("")) is None


def test_single_results_label_is_not_an_abstract():
    body = fragment("<p>Some commentary on the trial.</p><p><b>Results:</b> it worked.</p><p>Bye.</p>")
    assert find_abstract(body) is None


def test_results_label_repeated_is_one_label():
    body = fragment("<p><b>Results:</b> it worked.</p><p><b>RESULTS:</b> it worked again.</p>")
    assert find_abstract(body) is None


def test_background_and_methods_without_results_or_conclusions():
    body = fragment("<p><b>Background:</b> why we did it.</p><p><b>Methods:</b> how we did it.</p>")
    assert find_abstract(body) is None


def test_lowercase_words_mid_sentence_are_not_labels():
    body = fragment("<p>Background: we had a plan. The results: nothing happened and the conclusion: none at all.</p>")
    assert find_abstract(body) is None


def test_sections_far_apart_are_not_one_abstract():
    filler = "".join(f"<p>Paragraph {i} of my own thoughts on the matter.</p>" for i in range(5))
    body = fragment(f"<p><b>Background:</b> my life story.</p>{filler}<p><b>Conclusion:</b> that was it.</p>")
    assert find_abstract(body) is None


def test_body_does_not_change_when_nothing_is_found():
    body = fragment("<p>Hello<br>there <b>Results:</b> none</p><div>plain <i>text</i></div>")
    before = etree.tostring(body)
    assert find_abstract(body) is None
    assert etree.tostring(body) == before


# ---------------------------------------------------------------------------------------- shapes of abstracts


PUBMED_PARAGRAPH = (
    "<p>My take: this is a big deal.</p>"
    "<p>Smith AB, Jones CD, Brown E. A trial of things in people. N Engl J Med. 2015 Mar 12;372(11):1001-10. "
    "doi: 10.1056/NEJMoa1234567. PMID: 25762345.</p>"
    "<p>BACKGROUND: Things matter. OBJECTIVE: To test things. METHODS: We randomised 100 people "
    "(ISRCTN 12345678). RESULTS: Things helped (p = 0.01). CONCLUSIONS: Use things. "
    "TRIAL REGISTRATION: ClinicalTrials.gov NCT01234567.</p>"
    "<p>What do you think?</p>"
)


def test_pubmed_style_multi_label_paragraph():
    body = fragment(PUBMED_PARAGRAPH)
    match = find_abstract(body)
    assert labels(match) == ["Background", "Objective", "Methods", "Results", "Conclusions", "TRIAL REGISTRATION"]
    sections = match.abstract.sections
    assert sections[0].text == "Things matter."
    assert sections[2].text == "We randomised 100 people (ISRCTN 12345678)."
    assert sections[3].text == "Things helped (p = 0.01)."
    assert sections[5].text == "ClinicalTrials.gov NCT01234567."
    cit = match.abstract.citation
    assert cit.text == (
        "Smith AB, Jones CD, Brown E. A trial of things in people. N Engl J Med. 2015 Mar 12;372(11):1001-10."
    )
    assert cit.authors == ["Smith AB", "Jones CD", "Brown E"]
    assert cit.title == "A trial of things in people"
    assert cit.journal == "N Engl J Med"
    assert cit.date == "2015 Mar 12"
    ids = match.abstract.identifiers
    assert ids.doi == "10.1056/NEJMoa1234567"
    assert ids.pmid == "25762345"
    assert ids.trials == ["ISRCTN12345678", "NCT01234567"]
    kept = remaining_text(body, match)
    assert kept == "My take: this is a big deal.\n\nWhat do you think?"


def test_labels_separated_by_line_breaks_in_one_block_with_citation_first():
    body = fragment(
        "<p>Commentary first.</p>"
        "<p>Doe J, Roe R. Title here. Lancet. 2019;393:10-20.<br>"
        "BACKGROUND: one.<br>METHODS: two.<br>FINDINGS: three.<br>INTERPRETATION: four.</p>"
    )
    match = find_abstract(body)
    assert labels(match) == ["Background", "Methods", "Results", "Conclusions"]
    assert [s.text for s in match.abstract.sections] == ["one.", "two.", "three.", "four."]
    assert match.abstract.citation.journal == "Lancet"
    assert match.abstract.citation.date == "2019"
    assert remaining_text(body, match) == "Commentary first."


def test_labels_as_headings_of_their_own():
    body = fragment(
        "<p>Look at this paper.</p>"
        "<h4>Abstract</h4>"
        "<h4>Introduction</h4><p>Intro text.</p>"
        "<h4>Aims</h4><p>Aim text.</p>"
        "<p><strong>Results</strong></p><p>First result paragraph.</p><p>Second result paragraph.</p>"
        "<h4>Conclusion</h4><p>Concluding text.</p>"
        "<p>Back to me: I like it.</p>"
    )
    match = find_abstract(body)
    assert labels(match) == ["Background", "Objective", "Results", "Conclusions"]
    assert match.abstract.sections[2].text == "First result paragraph.\n\nSecond result paragraph."
    assert match.abstract.sections[3].text == "Concluding text."
    assert match.abstract.citation is None
    kept = remaining_text(body, match)
    assert kept == "Look at this paper.\n\nBack to me: I like it."


OWN_HEADINGS = (
    "<h2>Introduction</h2><p>I wanted to know.</p><p>So I looked.</p>"
    "<h2>Methods</h2><p>I counted.</p>"
    "<h2>Results</h2><p>One.</p><p>Two.</p><p>Three.</p><p>Four.</p><p>Five.</p>"
    "<h2>Conclusion</h2><p>Counting is fun.</p>"
)


def test_a_bloggers_own_headings_are_not_an_abstract():
    assert find_abstract(fragment(OWN_HEADINGS)) is None
    assert find_abstract(fragment(OWN_HEADINGS.replace("<p>Three.</p><p>Four.</p><p>Five.</p>", ""))) is None


def test_headings_inside_a_blockquote_are_quoted():
    body = fragment(f"<p>Mine.</p><blockquote>{OWN_HEADINGS.replace('<p>Four.</p><p>Five.</p>', '')}</blockquote>")
    match = find_abstract(body)
    assert labels(match) == ["Background", "Methods", "Results", "Conclusions"]
    assert match.abstract.sections[2].text == "One.\n\nTwo.\n\nThree."
    assert remaining_text(body, match) == "Mine."


def test_capital_headings_are_pubmed_style():
    body = fragment("<p>BACKGROUND</p><p>Why.</p><p>RESULTS</p><p>What.</p><p>Mine.</p>")
    match = find_abstract(body)
    assert [s.text for s in match.abstract.sections] == ["Why.", "What."]
    assert remaining_text(body, match) == "Mine."


def test_prose_naming_a_paper_is_not_its_citation():
    body = fragment(
        "<p>As Smith et al. showed in 2015, this is old news.</p>"
        "<blockquote><p><b>Background:</b> a.</p><p><b>Results:</b> b.</p></blockquote>"
        "<p>Jones et al. said so in 2014, too.</p>"
    )
    match = find_abstract(body)
    assert match.abstract.citation is None
    assert remaining_text(body, match) == (
        "As Smith et al. showed in 2015, this is old news.\n\nJones et al. said so in 2014, too."
    )


def test_bold_label_without_colon():
    body = fragment("<blockquote><p><b>Background</b> Why.</p><p><b>Conclusions</b> So what.</p></blockquote>")
    match = find_abstract(body)
    assert labels(match) == ["Background", "Conclusions"]
    assert [s.text for s in match.abstract.sections] == ["Why.", "So what."]


def test_jama_labels_kept_as_written_where_they_do_not_map():
    body = fragment(
        "<p>Roe R, Doe J. Coffee. JAMA. 2016;315(1):1-9.</p>"
        "<p><b>Importance:</b> It matters.</p>"
        "<p><b>Objective:</b> To see.</p>"
        "<p><b>Design, Setting, and Participants:</b> A cohort.</p>"
        "<p><b>Main Outcomes and Measures:</b> Death.</p>"
        "<p><b>Results:</b> Fewer deaths.</p>"
        "<p><b>Conclusions and Relevance:</b> Good.</p>"
    )
    # Importance and Conclusions and Relevance name more or less than one whole part: as written.
    assert labels(find_abstract(body)) == [
        "Importance",
        "Objective",
        "Design, Setting, and Participants",
        "Main Outcomes and Measures",
        "Results",
        "Conclusions and Relevance",
    ]


def test_inline_runs_in_the_body_are_wrapped_and_dropped():
    body = fragment(
        "Before the paper.<br><br>"
        "<b>Source:</b> Lee K et al. Coffee and you. BMJ. 2020 Jan 5;368:m1.<br><br>"
        "<b>Objectives:</b> To drink.<br><br><b>Results:</b> We drank.<br><br>"
        "After the paper, <i>my</i> view."
    )
    match = find_abstract(body)
    assert labels(match) == ["Objective", "Results"]
    assert match.abstract.citation.authors == ["Lee K et al."]
    assert match.abstract.citation.text == "Lee K et al. Coffee and you. BMJ. 2020 Jan 5;368:m1."
    kept = remaining_text(body, match)
    assert "Before the paper." in kept and "After the paper, my view." in kept
    assert "Source" not in kept and "drink" not in kept and "drank" not in kept


def test_citation_after_the_abstract():
    body = fragment(
        "<p>My intro.</p>"
        "<p>METHODS: Counting.</p><p>RESULTS: Many.</p><p>CONCLUSIONS: Lots.</p>"
        "<p>Ref: Khan A, Li B. Counting things. Nature. 2021 Feb;590(7844):1-2. PMCID: PMC7000001</p>"
        "<p>My outro.</p>"
    )
    match = find_abstract(body)
    assert labels(match) == ["Methods", "Results", "Conclusions"]
    cit = match.abstract.citation
    assert cit.text == "Khan A, Li B. Counting things. Nature. 2021 Feb;590(7844):1-2."
    assert cit.authors == ["Khan A", "Li B"]
    assert cit.date == "2021 Feb"
    assert match.abstract.identifiers.pmcid == "PMC7000001"
    assert remaining_text(body, match) == "My intro.\n\nMy outro."


def test_plain_prose_before_the_abstract_is_not_a_citation():
    body = fragment(
        "<p>In 2016 we wrote about this and I still think so.</p><p>RESULTS: Yes.</p><p>CONCLUSIONS: Indeed.</p>"
    )
    match = find_abstract(body)
    assert match.abstract.citation is None
    assert remaining_text(body, match) == "In 2016 we wrote about this and I still think so."


def test_first_qualifying_stretch_wins():
    body = fragment(
        "<p><b>Background:</b> not an abstract.</p><p>Just me talking.</p><p>More talking.</p>"
        "<p>Still talking.</p><p>And more.</p>"
        "<blockquote><p><b>Background:</b> the real one.</p><p><b>Results:</b> data.</p></blockquote>"
    )
    match = find_abstract(body)
    assert [s.text for s in match.abstract.sections] == ["the real one.", "data."]
    assert "not an abstract." in remaining_text(body, match)


def nested(root, tag: str, depth: int) -> list:
    """root with `depth` nested `tag` elements; the list holds them all (lxml frees a proxy by walking
    up to the nearest ancestor that has one, so dropping them one by one while building is quadratic)."""
    chain = [root]
    for _ in range(depth):
        chain.append(etree.SubElement(chain[-1], tag))
    return chain


def test_deeply_nested_body_does_not_recurse():
    root = etree.Element("div")
    chain = nested(root, "div", 100_000)
    etree.SubElement(chain[-1], "p").text = "BACKGROUND: deep. RESULTS: still found."
    match = find_abstract(root)
    assert labels(match) == ["Background", "Results"]


def test_deeply_nested_inline_elements():
    root = etree.Element("div")
    p = etree.SubElement(root, "p")
    p.text = "BACKGROUND: a. "
    chain = nested(p, "span", 100_000)
    chain[-1].text = "RESULTS: b."
    match = find_abstract(root)
    assert labels(match) == ["Background", "Results"]
    assert match.abstract.sections[1].text == "b."


# ---------------------------------------------------------------------------------------- parts


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("METHODS", "Methods"),
        ("Introduction", "Background"),
        ("context", "Background"),
        ("Aims", "Objective"),
        ("Purpose", "Objective"),
        ("Materials and Methods", "Methods"),
        ("Patients & methods", "Methods"),
        ("Findings", "Results"),
        ("Conclusion", "Conclusions"),
        ("Interpretation", "Conclusions"),
        ("Design", "Design"),
        ("Design, Setting, and Participants", "Design, Setting, and Participants"),
        ("Trial registration", "Trial registration"),
        ("Background and Context", "Background"),
    ],
)
def test_normal_label(written, normal):
    assert normal_label(written) == normal


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("doi: 10.1212/WNL.0000000000003169.", "10.1212/WNL.0000000000003169"),
        ("see https://doi.org/10.1016/S0140-6736(16)31234-5), then", "10.1016/S0140-6736(16)31234-5"),
        ("(doi:10.1000/xyz123);", "10.1000/xyz123"),
        ("pii: 10.1093/brain/aww123, and more", "10.1093/brain/aww123"),
        ("DOI 10.1002/(SICI)1097-4636(199607)31:3<1::AID>", "10.1002/(SICI)1097-4636(199607)31:3"),
        ("a version number 10.5 of the app, not a DOI", None),
    ],
)
def test_doi(text, doi):
    assert find_identifiers(text).doi == doi


def test_clean_doi_keeps_balanced_parentheses():
    assert clean_doi("10.1000/a(1)") == "10.1000/a(1)"
    assert clean_doi("10.1000/a(1)).;") == "10.1000/a(1)"


def test_pmid_and_pmcid_only_with_their_label():
    assert find_identifiers("PMID: 27591242").pmid == "27591242"
    assert find_identifiers("PMID 27591242.").pmid == "27591242"
    assert find_identifiers("https://pubmed.ncbi.nlm.nih.gov/27591242/").pmid == "27591242"
    assert find_identifiers("reference number 27591242").pmid is None
    assert find_identifiers("PMCID: PMC5012345").pmcid == "PMC5012345"
    assert find_identifiers("see PMC5012345 for more").pmcid is None


def test_trials_deduplicated_in_order():
    ids = find_identifiers("NCT00548405 and NCT00530348", "again NCT00548405, ISRCTN87654321 and ISRCTN 87654321")
    assert ids.trials == ["NCT00548405", "NCT00530348", "ISRCTN87654321"]
    assert find_identifiers("NCT123 is too short; xNCT00548405 is glued").trials == []


def test_identifiers_anywhere_in_the_post_and_in_links():
    body = fragment(
        '<p>See <a href="https://doi.org/10.1093/brain/aww001">the paper</a> and PMID: 111.</p>'
        "<p>BACKGROUND: x. RESULTS: y (NCT00000001).</p>"
        "<p>Also NCT00000002 in my commentary.</p>"
    )
    ids = find_abstract(body).abstract.identifiers
    assert ids.doi == "10.1093/brain/aww001"
    assert ids.pmid == "111"
    assert ids.trials == ["NCT00000001", "NCT00000002"]


def test_citation_doi_wins_over_other_dois_in_the_post():
    body = fragment(
        "<p>Old work: doi:10.1000/old.1 was nice.</p>"
        "<p>Epub: Roe R et al. New work. Brain. 2017 May. doi: 10.1000/new.2.</p>"
        "<p>BACKGROUND: x.</p><p>CONCLUSIONS: y.</p>"
    )
    ids = find_abstract(body).abstract.identifiers
    assert ids.doi == "10.1000/new.2"


def test_parse_citation_full_pubmed_author_list():
    cit = parse_citation(
        "Arnold DL, Fisher E, Brinar VV, Cohen JA, Coles AJ, Giovannoni G; CARE-MS I and CARE-MS II Investigators. "
        "Superior MRI outcomes with alemtuzumab compared with subcutaneous interferon β-1a in MS. "
        "Neurology. 2016 Sep 27;87(14):1464-1472. doi: 10.1212/WNL.0000000000003169. Epub 2016 Sep 2."
    )
    assert cit.authors == [
        "Arnold DL",
        "Fisher E",
        "Brinar VV",
        "Cohen JA",
        "Coles AJ",
        "Giovannoni G",
        "CARE-MS I and CARE-MS II Investigators",
    ]
    assert cit.title.startswith("Superior MRI outcomes")
    assert cit.journal == "Neurology"
    assert cit.date == "2016 Sep 27"
    assert "doi" not in cit.text and cit.text.endswith("1464-1472. Epub 2016 Sep 2.")


def test_parse_citation_journal_first_line():
    cit = parse_citation("Neurology. 2016 Sep 2. pii: 10.1212/WNL.0000000000003169. [Epub ahead of print]")
    assert cit.authors == []
    assert cit.title is None
    assert cit.journal == "Neurology"
    assert cit.date == "2016 Sep 2"


def test_parse_citation_question_title_and_dotted_initials():
    cit = parse_citation("Smith J. A., Doe B. Is it true? Ann Neurol. 2018 Jan;83(1):1-9.")
    assert cit.authors == ["Smith J. A.", "Doe B"]
    assert cit.title == "Is it true?"
    assert cit.journal == "Ann Neurol"
    assert cit.date == "2018 Jan"


def test_the_callers_copy_is_what_changes():
    body = fragment("Hi<br><br>BACKGROUND: a.<br>RESULTS: b.<br><br>Bye")
    original = copy.deepcopy(body)
    match = find_abstract(body)
    assert match is not None
    assert element_text(body) == element_text(original)  # wrapping keeps the text
    assert remaining_text(body, match) == "Hi\nBye"


# ---------------------------------------------------------------------------------------- the real corpus


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_PAGES, ids=lambda p: p.name)
def test_corpus_pages_have_no_abstract(path):
    root = lxml_html.document_fromstring(decode(path.read_bytes()))
    bodies = [root.find(".//body") if root.find(".//body") is not None else root]
    bodies += root.cssselect(".post-body, .entry-content, article")
    for body in bodies:
        before = etree.tostring(body)
        assert find_abstract(body) is None, path.name
        assert etree.tostring(body) == before


@needs_corpus
def test_corpus_feed_entries_have_no_abstract():
    atom = "{http://www.w3.org/2005/Atom}"
    for path in (CORPUS / "blogger-feed").glob("*.xml"):
        tree = etree.parse(str(path))
        entries = tree.getroot().iter(f"{atom}entry")
        checked = 0
        for entry in entries:
            content = entry.find(f"{atom}content")
            if content is None or not (content.text or "").strip():
                continue
            assert find_abstract(fragment(content.text)) is None
            checked += 1
        assert checked > 0


# ---------------------------------------------------------------------------------------- any mix of blocks

BLOCKS = [
    "<p>Plain words about 2016.</p>",
    "<p><b>Background:</b> bg text.</p>",
    "<p>METHODS: m text. RESULTS: r text.</p>",
    "<p><b>Conclusions:</b> c text.</p>",
    "<h3>Results</h3>",
    "<h3>Abstract</h3>",
    "<br>",
    "loose text<br>",
    "<b>Results:</b> inline r<br>",
    "<p>Doe J et al. A title. Brain. 2019 Jan 2;142:1-9. doi: 10.1093/brain/x1.</p>",
    "<blockquote><p>OBJECTIVE: o.</p></blockquote>",
    '<p><img src="a.png"><br>FINDINGS: f.</p>',
    "<div><span>Interpretation: i.</span><div>nested</div> tail</div>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), max_size=12))
def test_any_mix_of_blocks(blocks):
    body = fragment("".join(blocks))
    before = element_text(body)
    match = find_abstract(body)
    if match is None:
        assert element_text(body) == before
        return
    assert element_text(body) == before  # wrapping runs never changes the text
    sections = match.abstract.sections
    assert len({s.label for s in sections if s.text}) >= 2
    assert {"Results", "Conclusions"} & {s.label for s in sections if s.text}
    kept = remaining_text(body, match)
    for s in sections:  # each section's text is taken out once (the same words may stand elsewhere too)
        for paragraph in s.text.split("\n\n"):
            assert kept.count(paragraph) < before.count(paragraph)
    if match.abstract.citation:
        assert kept.count("Doe J et al.") == before.count("Doe J et al.") - 1
