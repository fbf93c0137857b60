"""Normalisation rules and the seed article's structure, checked by hand."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, strategies as st

from helpers import SEED, SOURCES, needs_sources
from newsevents.document import Segment
from newsevents.corpus.normalize import normalize
from newsevents.corpus.segment import Segmenter


def test_seed_paragraphs_are_hand_checked():
    normalized = normalize(SEED.read_text(encoding="utf-8"))
    kinds = [p.kind for p in normalized.paragraphs]
    # 14 lines in the file: lead, body, four bullets, subhead, three body, subhead, three body.
    assert kinds == ["lead", "body", "bullet", "bullet", "bullet", "bullet", "subhead",
                     "body", "body", "body", "subhead", "body", "body", "body"]
    paragraphs = [normalized.text[p.start:p.end] for p in normalized.paragraphs]
    assert paragraphs[2] == "- The IS-K leader was detained by Pakistan’s intelligence agency."
    assert paragraphs[6] == "The US has sought to detain Azzam since 2021"
    assert paragraphs[10] == "Attack on Crocus City Hall in Krasnogorsk near Moscow"
    assert normalized.text.count("\n") == 13


def test_seed_sentences_are_hand_checked():
    normalized = normalize(SEED.read_text(encoding="utf-8"))
    segmentation = Segmenter().segment(normalized.text, normalized.paragraphs)
    sentences = [normalized.text[s.start:s.end] for s in segmentation.sentences]
    # Per paragraph: 1, 2, 1, 1, 1, 1, 1, 2, 1, 2, 1, 4, 1, 1.
    assert len(sentences) == 20
    assert sentences[2] == "TASR writes about it according to reports from the AFP and AP agencies."
    assert sentences[7] == "The US has sought to detain Azzam since 2021"
    # The opening quote belongs to the quoted sentence, not to the one before it.
    assert sentences[11].endswith("neighboring Afghanistan.")
    assert sentences[12].startswith("“We did not inform the public")
    assert sentences[16] == "145 people were killed and more than 500 were injured."
    # Every sentence lies inside one paragraph.
    for s in segmentation.sentences:
        assert any(p.start <= s.start and s.end <= p.end for p in normalized.paragraphs)


def test_tokens_cover_the_text_without_whitespace():
    normalized = normalize("Police arrested 12 people in Kabul on Monday.")
    tokens = Segmenter().segment(normalized.text, normalized.paragraphs).tokens
    assert [normalized.text[t.start:t.end] for t in tokens] == ["Police", "arrested", "12", "people", "in", "Kabul", "on", "Monday", "."]


@pytest.mark.parametrize(("raw", "expected"), [
    ("a\r\nb\rc", "a\nb\nc"),                                  # line endings; no blank line: one paragraph per line
    ("x\u00a0\u2009y\tz", "x y z"),                            # Unicode spaces and tabs
    ("  many    spaces  ", "many spaces"),
    ("e\u0301", "\u00e9"),                                     # NFC
    ("\ufeffBOM", "BOM"),
    ("zero\u200bwidth", "zerowidth"),                          # format characters go ...
    ("👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family"),  # ... except the joiners
    ("first line\nstill first\n\nsecond", "first line still first\nsecond"),  # blank lines separate paragraphs
    ("\n\n\n", ""),
])
def test_normalization_rules(raw, expected):
    assert normalize(raw).text == expected


def test_wikinews_shape_dateline_then_paragraphs():
    raw = "Monday, May 6, 2019\u00a0\n\n\nTwo men were\narrested on Monday.\n\n\nPolice said more arrests may follow.\n"
    normalized = normalize(raw)
    assert normalized.text == "Monday, May 6, 2019\nTwo men were arrested on Monday.\nPolice said more arrests may follow."
    assert [p.kind for p in normalized.paragraphs] == ["dateline", "lead", "body"]


def test_markdown_headings_and_bullets_are_their_own_paragraphs():
    raw = "# Border clash\n\nTroops exchanged fire overnight.\n- Two soldiers died.\n- Talks are planned.\n\n## Reactions\n\nThe ministry protested."
    normalized = normalize(raw)
    assert [(p.kind, normalized.text[p.start:p.end]) for p in normalized.paragraphs] == [
        ("title", "Border clash"),
        ("lead", "Troops exchanged fire overnight."),
        ("bullet", "- Two soldiers died."),
        ("bullet", "- Talks are planned."),
        ("subhead", "Reactions"),
        ("body", "The ministry protested."),
    ]


@given(st.text(max_size=300))
def test_normalize_is_idempotent_and_paragraphs_tile_the_text(raw):
    normalized = normalize(raw)
    text = normalized.text
    assert normalize(text).text == text
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "  " not in text
    # Paragraphs are the lines of the text, in order, none empty.
    assert [text[p.start:p.end] for p in normalized.paragraphs] == (text.split("\n") if text else [])


def _sentencizer_parity(paragraphs: list[str]) -> None:
    """Our sentence starts equal spaCy's Sentencizer's, except an opening quote moved to its sentence."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    segmenter = Segmenter()
    for text in paragraphs:
        doc = nlp(text)
        theirs = [s.start_char for s in doc.sents]
        ours = [s.start for s in segmenter.segment(text, [Segment(0, len(text), "body")]).sentences]
        assert len(ours) == len(theirs), text
        for mine, reference in zip(ours, theirs):
            assert mine == reference or (mine == reference - 1 and text[mine] in "\"“‘«„"), (text, mine, reference)


def test_sentences_match_spacy_sentencizer_on_hand_made_paragraphs():
    _sentencizer_parity([
        "Two men were arrested. Police said so! Did they? Yes...",
        "He said: “We will fight.” Then he left.",
        "The U.S. State Dept. said Mr. Smith left at 5 p.m. on Monday.",
        "Troops fired. “We did not inform anyone,” he added. It ended.",
        "No final mark here",
        "Dots ... and more dots.. done",
    ])


@needs_sources
def test_sentences_match_spacy_sentencizer_on_every_wikinews_paragraph():
    paragraphs = []
    for path in sorted((SOURCES / "wikinews").glob("*.txt")):
        normalized = normalize(path.read_text(encoding="utf-8"))
        paragraphs.extend(normalized.text[p.start:p.end] for p in normalized.paragraphs)
    assert len(paragraphs) > 3000
    _sentencizer_parity(paragraphs)
