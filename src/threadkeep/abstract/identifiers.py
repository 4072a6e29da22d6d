"""Identifiers a post names: DOI, PMID, PMCID and clinical-trial registry ids."""

from __future__ import annotations

import re

from threadkeep.model import Identifiers

__all__ = ["DOI", "PMCID", "PMID", "TRIAL", "clean_doi", "find_identifiers", "strip_identifiers"]

# Crossref's recommended pattern for modern DOIs.
DOI = re.compile(r"(?<![\w.])10\.\d{4,9}/[-._;()/:A-Z0-9]+", re.IGNORECASE)
# PMID and PMCID in ASCII letters of either case (not Turkish dotless or dotted i: re.ASCII), so
# that a look for "pmid"/"pubmed"/"pmc" in the lower-cased text says whether they can be there.
PMID = re.compile(
    r"\bPMID\s*[:：]?\s*(\d{1,9})\b|pubmed(?:\.ncbi\.nlm\.nih\.gov/|/)(\d{1,9})\b", re.IGNORECASE | re.ASCII
)
PMCID = re.compile(r"\bPMC\s?ID\s*[:：]?\s*(?:PMC)?(\d{1,9})\b|/pmc/articles/PMC(\d{1,9})\b", re.IGNORECASE | re.ASCII)
# Registry ids, also glued to the word before ("ClinicalTrials.govNCT00843570"), never inside a longer number.
TRIAL = re.compile(
    r"(?<![A-Za-z0-9])(?:ClinicalTrials\.gov)?(NCT\d{8}|ISRCTN\s?\d{8})(?!\d)|(?<=\.gov)(NCT\d{8})(?!\d)"
)


def clean_doi(doi: str) -> str:
    """A DOI without the punctuation that ends the sentence around it."""
    while doi:
        if doi[-1] in ".,;:" or (doi[-1] == ")" and doi.count(")") > doi.count("(")):
            doi = doi[:-1]
        else:
            break
    return doi


def find_identifiers(*texts: str) -> Identifiers:
    """DOI, PMID, PMCID and trial ids from texts searched in order (the first DOI/PMID/PMCID wins)."""
    ids = Identifiers()
    for text in texts:
        if not text:
            continue
        # most text names none: a C-speed look for what each pattern cannot match without
        # (the same answers: test_abstract_fastpath compares with the patterns alone)
        low = text.lower()
        has_doi, has_pmid, has_pmc = "10." in text, "pmid" in low or "pubmed" in low, "pmc" in low
        if not (has_doi or has_pmid or has_pmc or "NCT" in text or "ISRCTN" in text):
            continue
        if ids.doi is None and has_doi:
            for m in DOI.finditer(text):
                doi = clean_doi(m.group())
                if "/" in doi and not doi.endswith("/"):
                    ids.doi = doi
                    break
        if ids.pmid is None and has_pmid and (m := PMID.search(text)):
            ids.pmid = m.group(1) or m.group(2)
        if ids.pmcid is None and has_pmc and (m := PMCID.search(text)):
            ids.pmcid = "PMC" + (m.group(1) or m.group(2))
        for m in TRIAL.finditer(text):
            trial = (m.group(1) or m.group(2)).replace(" ", "")
            if trial not in ids.trials:
                ids.trials.append(trial)
    return ids


def is_empty(ids: Identifiers) -> bool:
    return not (ids.doi or ids.pmid or ids.pmcid or ids.trials)


_STRIP = re.compile(
    r"\s*(?:\[\s*)?\b(?:pii|doi|pmid|pmcid)\s*[:：]?\s*\S+?(?:\s*\])?[.;,]?(?=\s|$)"
    r"|\s*(?:https?://)?(?:dx\.)?doi\.org/\S+"
    r"|\s*https?://\S+"
    r"|\s*\[(?:PubMed|Epub ahead of print|Indexed for MEDLINE)[^\]]*\]\.?",
    re.IGNORECASE,
)


def strip_identifiers(text: str) -> str:
    """A reference line without its identifiers and links (pii:, doi:, PMID:, PMCID:, URLs)."""
    return " ".join(_STRIP.sub("", text).split())
