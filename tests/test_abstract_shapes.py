"""Hand-written bodies for the label shapes, ends and citations of docs/abstract.md, and the
optional `article.identifiers` of the archive format (old archives without it still load)."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

import threadkeep
from threadkeep.abstract import AbstractMatch, find_abstract
from threadkeep.abstract.citation import looks_like_citation, parse_citation
from threadkeep.abstract.labels import looks_like_label, lookup
from threadkeep.html.sanitize import element_text
from threadkeep.model import Article, Identifiers, Thread
from threadkeep.store import check_archive

CITE = "<p>Roe R, Doe J. Coffee and sleep. Sleep Med. 2016 Jan;17(1):1-9.</p>"


def fragment(markup: str):
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def found(markup: str) -> tuple[AbstractMatch, str]:
    body = fragment(markup)
    match = find_abstract(body)
    assert match is not None
    for el in match.elements:
        if el.getparent() is not None:
            el.drop_tree()
    return match, element_text(body)


def sections(match: AbstractMatch) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in match.abstract.sections]


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("RESULT(S)", "Results"),
        ("Conclusion(s)", "Conclusions"),
        ("Materials & Methods", "Methods"),
        ("Patients and methods", "Methods"),
        ("AIM", "Objective"),
        ("Context", "Background"),
        ("Findings", "Results"),
        ("Background and Aims", "Background and Aims"),
        ("METHODS AND RESULTS", "METHODS AND RESULTS"),
        ("Key findings", "Key findings"),
        ("Statistical Analysis", "Statistical Analysis"),
        ("Patients(s)", "Patients(s)"),
        ("IMPORTANCE", "IMPORTANCE"),
        ("Main Outcome Measure(s)", "Main Outcome Measure(s)"),
    ],
)
def test_label_names(written, name):
    assert lookup(written).name == name


def test_label_categories_come_from_the_table():
    assert lookup("FINANCIAL DISCLOSURE").category == "BACKGROUND"
    assert lookup("Patient Summary").category == "RESULTS"
    assert lookup("Design").category == "METHODS" and not lookup("Design").qualifies
    assert lookup("Key findings").qualifies and lookup("DISCUSSION AND CONCLUSION").qualifies
    assert lookup("Result(s)").qualifies and lookup("CONCLUSION(S)").qualifies
    assert not lookup("ETHICS AND DISSEMINATION").qualifies
    assert not lookup("Challenge").known


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Tools", True),
        ("Case Study 1", True),
        ("Study Limitations", True),
        ("OUTCOME MEASUREMENTS AND STATISTICAL ANALYSIS", True),
        ("The trick is simple", False),
        ("My take", False),
        ("PMID", False),
        ("Read more", False),
        ("results of the", False),
        ("This is a sentence, and a long one with many words in it", False),
    ],
)
def test_label_shape(text, ok):
    assert looks_like_label(text) is ok


def test_unknown_labels_between_known_ones_are_sections_of_their_own():
    match, kept = found(
        "<p>Mine first.</p>" + CITE + "<p><b>Objective:</b> To see.</p><p><b>Experimental Design:</b> A trial.</p>"
        "<p><b>Lab Protocol:</b> Blood drawn.</p><p><b>Results:</b> Less sleep.</p>"
        "<p><b>Conclusions:</b> Coffee keeps you up.</p><p>Mine last.</p>"
    )
    assert sections(match) == [
        ("Objective", "To see."),
        ("Experimental Design", "A trial."),
        ("Lab Protocol", "Blood drawn."),
        ("Results", "Less sleep."),
        ("Conclusions", "Coffee keeps you up."),
    ]
    assert kept == "Mine first.\n\nMine last."


def test_bold_labels_ending_in_a_period():
    match, _ = found(
        CITE + "<p><b>Introduction.</b> Coffee is common.</p><p><b>Patients and Methods.</b> We asked.</p>"
        "<p><b>Results.</b> They slept less.</p><p><b>Conclusion.</b> Skip the late cup.</p>"
    )
    assert [label for label, _ in sections(match)] == ["Background", "Methods", "Results", "Conclusions"]


def test_results_and_conclusions_in_the_fertil_steril_style():
    match, _ = found(
        CITE + "<p>Objective: To test.</p><p>Design: Cohort.</p><p>Patient(s): 40 women.</p>"
        "<p>Result(s): Fewer births.</p><p>Conclusion(s): Not useful.</p>"
        "<p>Clinical Trial Registration Number: NCT01234567.</p>"
    )
    assert [label for label, _ in sections(match)] == [
        "Objective",
        "Design",
        "Patient(s)",
        "Results",
        "Conclusions",
        "Clinical Trial Registration Number",
    ]
    assert match.abstract.identifiers.trials == ["NCT01234567"]


def test_one_paragraph_pubmed_paste_with_labels_unknown_to_the_table():
    match, _ = found(
        CITE + "<p>BACKGROUND: Coffee. WORK PACKAGE: Two sites were used. RESULTS: Less sleep (95% CI: 1-2). "
        "CONCLUSIONS: Avoid it. TRIAL REGISTRATION: ISRCTN12345678.</p>"
    )
    assert sections(match) == [
        ("Background", "Coffee."),
        ("WORK PACKAGE", "Two sites were used."),
        ("Results", "Less sleep (95% CI: 1-2)."),
        ("Conclusions", "Avoid it."),
        ("TRIAL REGISTRATION", "ISRCTN12345678."),
    ]


def test_every_label_is_its_own_section_even_with_the_same_name():
    match, _ = found(CITE + "<p>Aim: One.</p><p>Objectives: Two.</p><p>Results: Three.</p>")
    assert sections(match) == [("Objective", "One."), ("Objective", "Two."), ("Results", "Three.")]


def test_a_one_word_section():
    match, _ = found("<blockquote><p>OBJECTIVE: X.<br>INTERVENTION(S): None.<br>RESULT(S): Y.</p></blockquote>")
    assert sections(match) == [("Objective", "X."), ("INTERVENTION(S)", "None."), ("Results", "Y.")]


def test_labels_in_italics_and_css_bold():
    match, _ = found(
        CITE + "<p><em>Background:</em> A.</p><p><em>Methods:</em> B.</p><p><em>Results:</em> C.</p>"
        '<p><span style="font-weight: bold">Conclusions:</span> D.</p>'
    )
    assert [label for label, _ in sections(match)] == ["Background", "Methods", "Results", "Conclusions"]
    match, _ = found(
        CITE + '<p><span style="font-weight:700">BACKGROUND:</span> A.</p>'
        '<p><span style="font-weight:700">RESULTS:</span> B.</p>'
    )
    assert sections(match) == [("Background", "A."), ("Results", "B.")]


# ------------------------------------------------------------------------------ where it ends


@pytest.mark.parametrize(
    "after",
    [
        "<p>Advertisement</p>",
        '<p><a href="https://example.com/x">Read the full paper here</a></p>',
        "<p>Copyright © 2016 Elsevier Inc. All rights reserved.</p>",
        "<p>PMID: 26702161</p>",
        "<p>Verdict: worth a read.</p>",
        "<p>I think they are right: coffee is bad.</p>",
        "<p><b>My take:</b> nice.</p>",
    ],
)
def test_what_follows_the_abstract_stays_in_the_article(after):
    match, kept = found(CITE + "<p><b>Background:</b> A.</p><p><b>Results:</b> B.</p>" + after)
    assert sections(match) == [("Background", "A."), ("Results", "B.")]
    assert element_text(fragment(after)) in kept


def test_a_trailing_unknown_label_takes_the_paragraphs_before_it_out_too():
    match, kept = found(
        CITE + "<p>Background: A.</p><p>Results: B.</p><p>I have thoughts.</p><p>Verdict: good.</p><p>End.</p>"
    )
    assert sections(match) == [("Background", "A."), ("Results", "B.")]
    assert kept == "I have thoughts.\n\nVerdict: good.\n\nEnd."


def test_the_bloggers_reply_after_a_line_break_in_the_same_paragraph():
    match, kept = found(
        "<p>Roe R. Coffee. Sleep Med. 2016;17:1-9.<br><br>OBJECTIVE: A.<br><br>RESULTS: B.<br><br>"
        "CONCLUSIONS: C.<br><br>So there, I said it.</p>"
    )
    assert sections(match) == [("Objective", "A."), ("Results", "B."), ("Conclusions", "C.")]
    assert kept == "So there, I said it."


def test_a_section_over_two_paragraphs_when_another_follows():
    match, _ = found(CITE + "<p>METHODS: One.</p><p>Two.</p><p>RESULTS: Three.</p>")
    assert sections(match) == [("Methods", "One.\n\nTwo."), ("Results", "Three.")]


# ------------------------------------------------------------------------------ negatives


@pytest.mark.parametrize(
    "markup",
    [
        # a recipe, in label form rather than headings
        "<p>My cold brew.</p><p><b>Method:</b> Stir and wait.</p><p><b>Results:</b> Smooth coffee.</p>",
        # the blogger's own write-up
        "<p><b>Aim:</b> Find out.</p><p><b>Method:</b> I tried.</p><p><b>Results:</b> It worked.</p>"
        "<p><b>Conclusion:</b> Do it.</p>",
        # a case study for marketing
        "<p>Background: A firm.</p><p>Challenge: Late vans.</p><p>Solution: Texts.</p><p>Results: On time.</p>",
        # a protocol: no Results or Conclusions
        CITE + "<p>INTRODUCTION: We plan.</p><p>METHODS AND ANALYSIS: We will.</p>"
        "<p>ETHICS AND DISSEMINATION: Approved.</p>",
        # prose
        CITE + "<p>The results were clear and the conclusions follow from the methods.</p>",
        # a single label
        CITE + "<p>RESULTS: Fewer deaths.</p>",
    ],
)
def test_not_an_abstract(markup):
    assert find_abstract(fragment(markup)) is None


# ------------------------------------------------------------------------------ citations


@pytest.mark.parametrize(
    ("line", "emphasis", "title", "journal"),
    [
        (
            "Becker AM, Meyers E. An automated task for mice. J Neurosci Methods. 2016 Jan 30;258:16-23.",
            [],
            "An automated task for mice",
            "J Neurosci Methods",
        ),
        (
            "An automated task for mice. Becker AM, Meyers E, Sloan A. J Neurosci Methods. 2016 Jan 30;258:16-23.",
            ["An automated task for mice"],
            "An automated task for mice",
            "J Neurosci Methods",
        ),
        (
            "Is coffee bad? A trial. Smith AB, Doe C. N Engl J Med. 2015 Mar 5;372(10):900-9.",
            [],
            "Is coffee bad? A trial",
            "N Engl J Med",
        ),
        (
            "Epub: Moreno JM et al. Follicular fluid profiles. Fertil Steril. 2015 Jul 23. pii: S0015-0282(15)00466-5.",
            [],
            "Follicular fluid profiles",
            "Fertil Steril",
        ),
        (
            "Cambou MC, Levi JE. Time trend: the rise of HPV. Int. J. Infect. Dis. 2015;41:17-20.",
            [],
            "Time trend: the rise of HPV",
            "Int. J. Infect. Dis.",
        ),
        (
            "Barchielli A, Cipriani F. [Trends in Tuscany, 1997-2010]. Epidemiol Prev 2015;39(3):167-75.",
            [],
            "[Trends in Tuscany, 1997-2010]",
            "Epidemiol Prev",
        ),
        (
            "Marshall, A. D. (2016). Timing of trauma. Journal of Child Psychiatry, 55(1), 25–32.",
            ["Journal of Child Psychiatry, 55"],
            "Timing of trauma",
            "Journal of Child Psychiatry",
        ),
        (
            "Molecular cloning of CYP11A1 in goose (J Anim Sci Biotechnol, 2015)",
            ["Molecular cloning of CYP11A1 in goose"],
            "Molecular cloning of CYP11A1 in goose",
            "J Anim Sci Biotechnol",
        ),
        (
            "Oncotarget. 2015 Oct 27;6(33):34561-72. Antitumor activity of TAK-733. Lieu CH, Klauck PJ.",
            [],
            "Antitumor activity of TAK-733",
            "Oncotarget",
        ),
        (
            "WHO Study Group. Obesity worldwide. Lancet. 2015 Jan;385(9963):1-9.",
            [],
            "Obesity worldwide",
            "Lancet",
        ),
        (
            "(Chacko CJ, Gopal S. Beta-blockers in sepsis. J Anaesthesiol Clin Pharmacol. 2015 Oct-Dec;31(4):460-5.)",
            [],
            "Beta-blockers in sepsis",
            "J Anaesthesiol Clin Pharmacol",
        ),
    ],
)
def test_citation_shapes(line, emphasis, title, journal):
    assert looks_like_citation(line) or emphasis
    cit = parse_citation(line, emphasis)
    assert (cit.title, cit.journal) == (title, journal)


def test_citation_text_loses_its_label_identifiers_and_links():
    cit = parse_citation(
        "Source: Shiga T et al. Persistence of anticoagulant use. J Arrhythm. 2015;31(6):339-44. "
        "https://doi.org/10.1016/j.joa.2015.03.001 PMID: 26702311."
    )
    assert cit.text == "Shiga T et al. Persistence of anticoagulant use. J Arrhythm. 2015;31(6):339-44."
    assert cit.authors == ["Shiga T et al."]


def test_a_citation_over_three_lines_before_the_abstract():
    match, kept = found(
        "Commentary.<br><br>Oncotarget. 2015 Oct 27;6(33):34561-72. doi: 10.18632/oncotarget.5949.<br>"
        "<b>Antitumor activity of TAK-733.</b><br>Lieu CH, Klauck PJ, Eckhardt SG.<br>"
        "<blockquote><b>BACKGROUND:</b> A.<br><br><b>RESULTS:</b> B.</blockquote>"
    )
    cit = match.abstract.citation
    assert (cit.title, cit.journal) == ("Antitumor activity of TAK-733", "Oncotarget")
    assert cit.authors == ["Lieu CH", "Klauck PJ", "Eckhardt SG"]
    assert kept == "Commentary."


# ------------------------------------------------------------------------------ article.identifiers


def test_post_identifiers_without_an_abstract():
    page = (
        "<html><body><article><div class='entry-content'><p>See "
        "<a href='https://doi.org/10.1000%2Fxyz.1'>the paper</a> (PMID: 123456; PMCID: PMC654321) "
        "and the trial ClinicalTrials.govNCT00843570.</p></div></article></body></html>"
    )
    thread = threadkeep.extract(page)
    assert thread.abstract is None
    ids = thread.article.identifiers
    assert (ids.doi, ids.pmid, ids.pmcid, ids.trials) == ("10.1000/xyz.1", "123456", "PMC654321", ["NCT00843570"])
    d = thread.to_dict()
    assert d["article"]["identifiers"]["doi"] == "10.1000/xyz.1"
    check_archive(json.loads(json.dumps(d)), "test")


def test_no_identifiers_no_key():
    article = Article(title="t", identifiers=Identifiers())
    assert "identifiers" not in article.to_dict()
    assert "identifiers" not in Article(title="t").to_dict()


def test_archives_with_and_without_article_identifiers_load():
    thread = threadkeep.extract("<html><body><p>Plain post, DOI 10.1000/abc.9 only.</p></body></html>")
    d = json.loads(json.dumps(thread.to_dict()))
    assert d["article"]["identifiers"]["doi"] == "10.1000/abc.9"
    check_archive(d, "with")
    assert Thread.from_dict(d).article.identifiers.doi == "10.1000/abc.9"
    del d["article"]["identifiers"]  # an archive written before the key existed
    check_archive(d, "without")
    assert Thread.from_dict(d).article.identifiers is None
    d["article"]["identifiers"] = {"doi": "not a doi", "pmid": None, "pmcid": None, "trials": []}
    with pytest.raises(Exception, match="identifiers"):
        check_archive(d, "bad")


def test_bold_labels_inside_a_plain_wrapper_span():
    match, kept = found(
        "<div>Roe R, Doe J. Coffee. Sleep Med. 2016;17:1-9.</div>"
        "<div><span style='font-family:arial'><b>Background:</b> A.</span></div><div><b>Methods:</b> B.</div>"
        "<div><span style='font-family:arial'><span style='font-weight:bold'>Results:</span> C.</span></div>"
        "<div><b>Conclusions:</b> D.</div><div>Mine.</div>"
    )
    assert sections(match) == [("Background", "A."), ("Methods", "B."), ("Results", "C."), ("Conclusions", "D.")]
    assert kept == "Mine."


def test_a_line_introducing_the_quote_between_citation_and_abstract_stays():
    match, kept = found(
        "<p>Mine.</p>" + CITE + "<p>Here is the abstract:</p><p>BACKGROUND: A.</p><p>RESULTS: B.</p><p>End.</p>"
    )
    assert (match.abstract.citation.title, match.abstract.citation.journal) == ("Coffee and sleep", "Sleep Med")
    assert kept == "Mine.\n\nHere is the abstract:\n\nEnd."
