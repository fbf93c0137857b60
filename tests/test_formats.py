"""Format converters: round trips lose nothing a format can hold, what it cannot hold is reported,
real layouts read into the expected documents, and errors say where."""

from __future__ import annotations

import json
import re
import tempfile
from bisect import bisect_right
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import PARAGRAPH_BREAKS, TOKEN_BREAKS, TRICKY_WORDS, DocumentBuilder, documents

from newsevents.document import Argument, Document, EntityMention, EventMention, Segment, Span
from newsevents.errors import FormatError
from newsevents import formats
from newsevents.formats import ConversionError, UnknownFormatError
from newsevents.formats.wikievents import default_coref_path
from newsevents.validation import validate

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- fixtures and comparisons ------------------------------------------------------------------


def whitespace_segmented(document: Document) -> Document:
    """Tokens are the runs of non-space characters, sentences the (trimmed) lines."""
    tokens = tuple(Segment(m.start(), m.end()) for m in re.finditer(r"\S+", document.text))
    sentences = tuple(Segment(m.start(), m.end()) for m in re.finditer(r"\S(?:[^\n]*\S)?", document.text))
    return Document(document.id, document.text, sentences=sentences, tokens=tokens,
                    entities=document.entities, events=document.events)


def news(doc_id: str = "afp-1") -> Document:
    """Two whitespace-tokenized sentences: clusters, a hopper, realis and one event-valued argument."""
    b = DocumentBuilder(doc_id)
    b.entity("T1", "ORG", "Police")
    b.write(" ")
    b.event("E1", "Justice.Arrest", "arrested", [
        Argument("Agent", entity="T1"), Argument("Detainee", entity="T2"), Argument("Place", entity="T3"),
    ], realis="actual", hopper="H1")
    b.write(" ")
    b.entity("T2", "PER", "Abu Ali", cluster="C-ali")
    b.write(" in ")
    b.entity("T3", "GPE", "Kabul")
    b.write(" .\n")
    b.entity("T4", "ORG", "The Taliban")
    b.write(" ")
    b.event("E2", "Contact.ClaimResponsibility", "claimed", [
        Argument("Claimant", entity="T4"), Argument("ClaimedEvent", event="E3"),
    ], realis="actual")
    b.write(" the ")
    b.event("E3", "Conflict.Attack", "bombing", [Argument("Attacker", entity="T4")], realis="actual")
    b.write(" ; ")
    b.entity("T5", "PER", "he", cluster="C-ali")
    b.write(" was ")
    b.event("E4", "Justice.Charge", "charged", [Argument("Defendant", entity="T5")], realis="other")
    b.write(" .")
    return whitespace_segmented(b.build())


def entity_spans(document: Document) -> list[tuple[int, int, str, str]]:
    return sorted((e.start, e.end, e.type, e.text) for e in document.entities)


def trigger_spans(document: Document) -> list[tuple[int, int, str, str]]:
    return sorted((e.trigger.start, e.trigger.end, e.type, e.trigger.text) for e in document.events)


def entity_arguments(document: Document) -> list[tuple]:
    """``(trigger start, trigger end, event type, role, filler start, filler end, filler text)``."""
    entities = {e.id: e for e in document.entities}
    return sorted(
        (event.trigger.start, event.trigger.end, event.type, a.role,
         entities[a.entity].start, entities[a.entity].end, entities[a.entity].text)
        for event in document.events for a in event.arguments if a.entity is not None
    )


def clusters(document: Document) -> set[frozenset[tuple[int, int]]]:
    groups: dict[str, set[tuple[int, int]]] = {}
    for e in document.entities:
        if e.cluster is not None:
            groups.setdefault(e.cluster, set()).add((e.start, e.end))
    return {frozenset(g) for g in groups.values()}


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- registry --------------------------------------------------------------------------------


def test_registry_has_every_format_with_known_layers():
    assert formats.FORMATS.names() == ["conll", "newsevents", "textee", "wikievents"]
    for name, fmt in formats.FORMATS.items():
        assert fmt.name == name and fmt.description
        assert set(fmt.lossless) <= set(formats.LAYERS)
    assert formats.get_format("newsevents").lossless == tuple(formats.LAYERS)


def test_unknown_format_lists_the_formats_and_suggests_the_closest():
    with pytest.raises(UnknownFormatError) as err:
        formats.get_format("wikievent")
    message = str(err.value)
    assert "'wikievent'" in message and "did you mean 'wikievents'?" in message
    assert "conll, newsevents, textee, wikievents" in message
    with pytest.raises(UnknownFormatError, match="available: conll"):
        formats.read("x.jsonl", "brat")


def test_unknown_option_names_the_valid_ones(tmp_path):
    with pytest.raises(ConversionError, match=r"format 'textee' \(write\) takes no option 'windw'; did you mean 'window'\? valid: window, alignment"):
        formats.write(tmp_path / "x.jsonl", [news()], "textee", windw="document")
    with pytest.raises(ConversionError, match=r"window='paragraph' is not one of 'sentence', 'document'"):
        formats.write(tmp_path / "x.jsonl", [news()], "textee", window="paragraph")
    assert not (tmp_path / "x.jsonl").exists()


# --- native ----------------------------------------------------------------------------------


@PROPERTY
@given(st.lists(documents(), max_size=3))
def test_native_round_trip_is_byte_identical(docs):
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "a.jsonl"), Path(tmp, "b.jsonl")
        report = formats.write(first, docs, "newsevents")
        assert (report.documents, report.records, report.dropped) == (len(docs), len(docs), ())
        back = formats.read(first, "newsevents")
        assert back == docs
        formats.write(second, back, "newsevents")
        assert first.read_bytes() == second.read_bytes()


# --- textee ----------------------------------------------------------------------------------


def test_textee_writes_one_window_per_sentence_with_token_offsets(tmp_path):
    path = tmp_path / "afp.textee.jsonl"
    report = formats.write(path, [news()], "textee", window="sentence")
    first, second = lines(path)
    assert first["doc_id"] == "afp-1" and first["wnd_id"] == "afp-1_0"
    assert first["text"] == "Police arrested Abu Ali in Kabul ."
    assert first["tokens"] == ["Police", "arrested", "Abu", "Ali", "in", "Kabul", "."]
    assert first["entity_mentions"][1] == {"id": "T2", "entity_type": "PER", "start": 2, "end": 4, "text": "Abu Ali"}
    assert first["event_mentions"][0]["trigger"] == {"start": 1, "end": 2, "text": "arrested"}
    assert first["event_mentions"][0]["arguments"][1] == {
        "entity_id": "T2", "role": "Detainee", "start": 2, "end": 4, "text": "Abu Ali"}
    # Offsets are relative to the window: "he" is token 6 of the second sentence.
    assert second["entity_mentions"][1] == {"id": "T5", "entity_type": "PER", "start": 6, "end": 7, "text": "he"}
    assert second["event_mentions"][0]["arguments"] == [
        {"entity_id": "T4", "role": "Claimant", "start": 0, "end": 2, "text": "The Taliban"}]
    assert report.counts() == {"event_argument": 1}
    (dropped,) = report.dropped
    assert (dropped.document, dropped.mention) == ("afp-1", "E2") and "'ClaimedEvent'" in dropped.message
    assert "dropped 1 items" in report.summary()


@pytest.mark.parametrize("window", ["sentence", "document"])
def test_textee_round_trip_keeps_entities_triggers_and_entity_arguments(tmp_path, window):
    doc = news()
    path = tmp_path / "afp.jsonl"
    formats.write(path, [doc], "textee", window=window)
    (back,) = formats.read(path, "textee")
    assert back.text == doc.text  # one "\n" between sentences, as the windows are joined
    assert back.tokens == doc.tokens
    assert len(back.sentences) == (2 if window == "sentence" else 1)
    assert entity_spans(back) == entity_spans(doc)
    assert trigger_spans(back) == trigger_spans(doc)
    assert entity_arguments(back) == entity_arguments(doc)
    assert [e.id for e in back.entities] == [e.id for e in doc.entities]
    assert all(a.event is None for e in back.events for a in e.arguments)
    assert validate(back) == []


def test_textee_reference_restores_the_original_offsets(tmp_path):
    b = DocumentBuilder("wire")
    b.write("KABUL  (AFP)\n\n")
    b.entity("T1", "ORG", "Police")
    b.write("\t")
    b.event("E1", "Justice.Arrest", "arrested", [Argument("Detainee", entity="T2")])
    b.write("  ")
    b.entity("T2", "PER", "Ali")
    doc = b.build()
    doc = Document(doc.id, doc.text, sentences=(Segment(0, 12), Segment(14, len(doc.text))),
                   tokens=tuple(Segment(m.start(), m.end()) for m in re.finditer(r"\S+", doc.text)),
                   entities=doc.entities, events=doc.events)
    path = tmp_path / "wire.jsonl"
    formats.write(path, [doc], "textee", window="sentence")
    (plain,) = formats.read(path, "textee")
    assert plain.text == "KABUL  (AFP)\nPolice\tarrested  Ali"
    assert [e.text for e in plain.entities] == ["Police", "Ali"]
    (aligned,) = formats.read(path, "textee", reference=[doc])
    assert aligned == doc


def test_textee_reads_prediction_windows(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({
        "doc_id": "d", "wnd_id": "d_0", "tokens": ["Police", "arrested", "Ali", "."],
        "events": [{"trigger": [1, 2, "Justice.Arrest"], "arguments": [[0, 1, "Agent"], [2, 3, "Detainee"]]},
                   {"trigger": [2, 3, "Life.Die"], "arguments": [[2, 3, "Victim"]]}],
    }) + "\n", encoding="utf-8")
    (doc,) = formats.read(path, "textee")
    assert doc.text == "Police arrested Ali ."
    assert [(e.id, e.type, e.text) for e in doc.entities] == [("T1", "UNK", "Police"), ("T2", "UNK", "Ali")]
    assert doc.events[0] == EventMention("E3", "Justice.Arrest", Span(7, 15, "arrested"),
                                         (Argument("Agent", entity="T1"), Argument("Detainee", entity="T2")))
    assert doc.events[1].arguments == (Argument("Victim", entity="T2"),)


# --- wikievents ------------------------------------------------------------------------------


def test_wikievents_round_trip_keeps_text_clusters_and_entity_arguments(tmp_path):
    doc = news()
    path = tmp_path / "test.jsonl"
    report = formats.write(path, [doc], "wikievents")
    coref = tmp_path / "test.coref.jsonl"
    assert default_coref_path(path) == coref and report.paths == (str(path), str(coref))
    assert report.counts() == {"event_argument": 1}
    (record,) = lines(path)
    assert record["sentences"][1][0][:2] == [["The", 35, 38], ["Taliban", 39, 46]]
    assert record["entity_mentions"][4] == {"id": "T5", "sent_idx": 1, "start": 13, "end": 14, "entity_type": "PER",
                                            "mention_type": "UNK", "text": "he"}
    assert lines(coref) == [{"doc_key": "afp-1", "clusters": [["T2", "T5"]], "informative_mentions": ["Abu Ali"]}]
    (back,) = formats.read(path, "wikievents")  # finds test.coref.jsonl beside it
    assert (back.text, back.sentences, back.tokens) == (doc.text, doc.sentences, doc.tokens)
    assert entity_spans(back) == entity_spans(doc)
    assert trigger_spans(back) == trigger_spans(doc)
    assert entity_arguments(back) == entity_arguments(doc)
    assert clusters(back) == clusters(doc) == {frozenset({(16, 23), (69, 71)})}
    assert validate(back) == []


def test_wikievents_coref_path_option(tmp_path):
    path, coref = tmp_path / "docs.jsonl", tmp_path / "coref" / "docs.jsonlines"
    formats.write(path, [news()], "wikievents", coref_path=coref)
    assert coref.exists() and not default_coref_path(path).exists()
    assert clusters(formats.read(path, "wikievents")[0]) == set()
    assert clusters(formats.read(path, "wikievents", coref_path=coref)[0]) == clusters(news())


#: A released-style WikiEvents document: ``text`` lacks the two characters between the sentences,
#: ids carry the document id, types and roles are KAIROS names.
WIKIEVENTS_LINE = {
    "doc_id": "ex",
    "tokens": ["Police", "arrested", "Ali", "in", "Kabul", ".", "He", "was", "charged", "on", "Monday", "."],
    "text": "Police arrested Ali in Kabul.He was charged on Monday.",
    "sentences": [
        [[["Police", 0, 6], ["arrested", 7, 15], ["Ali", 16, 19], ["in", 20, 22], ["Kabul", 23, 28], [".", 28, 29]],
         "Police arrested Ali in Kabul."],
        [[["He", 31, 33], ["was", 34, 37], ["charged", 38, 45], ["on", 46, 48], ["Monday", 49, 55], [".", 55, 56]],
         "He was charged on Monday."],
    ],
    "entity_mentions": [
        {"id": "ex-T1", "sent_idx": 0, "start": 0, "end": 1, "entity_type": "ORG", "mention_type": "UNK", "text": "Police"},
        {"id": "ex-T2", "sent_idx": 0, "start": 2, "end": 3, "entity_type": "PER", "mention_type": "UNK", "text": "Ali"},
        {"id": "ex-T3", "sent_idx": 0, "start": 4, "end": 5, "entity_type": "GPE", "mention_type": "UNK", "text": "Kabul"},
        {"id": "ex-T4", "sent_idx": 1, "start": 6, "end": 7, "entity_type": "PER", "mention_type": "UNK", "text": "He"},
    ],
    "relation_mentions": [],
    "event_mentions": [
        {"id": "ex-E1", "event_type": "Justice.ArrestJailDetain.Unspecified",
         "trigger": {"start": 1, "end": 2, "text": "arrested", "sent_idx": 0},
         "arguments": [{"entity_id": "ex-T1", "role": "Jailer", "text": "Police"},
                       {"entity_id": "ex-T2", "role": "Detainee", "text": "Ali"},
                       {"entity_id": "ex-T3", "role": "Place", "text": "Kabul"}]},
        {"id": "ex-E2", "event_type": "Justice.ChargeIndict.Unspecified",
         "trigger": {"start": 8, "end": 9, "text": "charged", "sent_idx": 1},
         "arguments": [{"entity_id": "ex-T4", "role": "Defendant", "text": "He"}]},
    ],
}
WIKIEVENTS_COREF = [
    {"doc_key": "other", "clusters": [["other-T1", "other-T2"]], "informative_mentions": ["x"]},
    {"doc_key": "ex", "clusters": [["ex-T2", "ex-T4"]], "informative_mentions": ["Ali"]},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_wikievents_example_reads_into_the_expected_document(tmp_path):
    path = write_jsonl(tmp_path / "test.jsonl", [WIKIEVENTS_LINE])
    coref = write_jsonl(tmp_path / "test.jsonlines", WIKIEVENTS_COREF)
    (doc,) = formats.read(path, "wikievents", coref_path=coref)
    words = [(0, 6), (7, 15), (16, 19), (20, 22), (23, 28), (28, 29),
             (31, 33), (34, 37), (38, 45), (46, 48), (49, 55), (55, 56)]
    assert doc == Document(
        id="ex",
        # The sentences stand at their offsets; the two characters between them become spaces.
        text="Police arrested Ali in Kabul.  He was charged on Monday.",
        sentences=(Segment(0, 29), Segment(31, 56)),
        tokens=tuple(Segment(s, e) for s, e in words),
        entities=(
            EntityMention("ex-T1", "ORG", 0, 6, "Police"),
            EntityMention("ex-T2", "PER", 16, 19, "Ali", cluster="C1"),
            EntityMention("ex-T3", "GPE", 23, 28, "Kabul"),
            EntityMention("ex-T4", "PER", 31, 33, "He", cluster="C1"),
        ),
        events=(
            EventMention("ex-E1", "Justice.ArrestJailDetain.Unspecified", Span(7, 15, "arrested"), (
                Argument("Jailer", entity="ex-T1"), Argument("Detainee", entity="ex-T2"),
                Argument("Place", entity="ex-T3"))),
            EventMention("ex-E2", "Justice.ChargeIndict.Unspecified", Span(38, 45, "charged"),
                         (Argument("Defendant", entity="ex-T4"),)),
        ),
    )
    assert validate(doc) == []


def test_wikievents_without_character_offsets_joins_tokens(tmp_path):
    line = {**WIKIEVENTS_LINE, "sentences": [], "text": None}
    (doc,) = formats.read(write_jsonl(tmp_path / "t.jsonl", [line]), "wikievents")
    assert doc.text == "Police arrested Ali in Kabul . He was charged on Monday ."
    assert [e.text for e in doc.entities] == ["Police", "Ali", "Kabul", "He"]
    assert doc.events[1].trigger == Span(38, 45, "charged")


# --- conll -----------------------------------------------------------------------------------


def test_conll_writes_one_token_a_line_and_reads_back_the_layer(tmp_path):
    doc = news()
    path = tmp_path / "afp.conll"
    report = formats.write(path, [doc, news("afp-2")], "conll", layer="triggers")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-DOCSTART- afp-1\n\nPolice\tO\narrested\tB-Justice.Arrest\nAbu\tO\n")
    assert "\n.\tO\n\nThe\tO\nTaliban\tO\nclaimed\tB-Contact.ClaimResponsibility\n" in text
    assert "\n\n-DOCSTART- afp-2\n\n" in text
    assert (report.documents, report.records, report.dropped) == (2, 4, ())
    back, _ = formats.read(path, "conll", layer="triggers")
    assert back.text == doc.text and back.tokens == doc.tokens and back.sentences == doc.sentences
    assert trigger_spans(back) == trigger_spans(doc) and back.entities == ()
    assert [e.id for e in back.events] == ["E1", "E2", "E3", "E4"]
    assert all(e.arguments == () for e in back.events)

    formats.write(path, [doc], "conll", layer="entities")
    assert "Abu\tB-PER\nAli\tI-PER\n" in path.read_text(encoding="utf-8")
    (back,) = formats.read(path, "conll", layer="entities")
    assert entity_spans(back) == entity_spans(doc) and back.events == ()
    assert validate(back) == []


def test_conll_reports_spans_bio_cannot_hold(tmp_path):
    b = DocumentBuilder("nested")
    b.entity("T1", "ORG", "Kabul police")
    doc = whitespace_segmented(b.build())
    doc = Document(doc.id, doc.text, sentences=doc.sentences, tokens=doc.tokens,
                   entities=doc.entities + (EntityMention("T2", "GPE", 0, 5, "Kabul"),))
    report = formats.write(tmp_path / "n.conll", [doc], "conll", layer="entities")
    (dropped,) = report.dropped
    assert (dropped.mention, dropped.reason) == ("T2", "overlap")
    assert [e.text for e in formats.read(tmp_path / "n.conll", "conll", layer="entities")[0].entities] == ["Kabul police"]


def test_conll_without_docstart_is_one_document_named_after_the_file(tmp_path):
    path = tmp_path / "plain.bio"
    path.write_text("Ali\tB-PER\nfled\tO\n\n\nHe\tB-PER\n", encoding="utf-8")
    (doc,) = formats.read(path, "conll", layer="entities")
    assert doc.id == "plain" and doc.text == "Ali fled\nHe"
    assert [(e.id, e.start, e.end) for e in doc.entities] == [("T1", 0, 3), ("T2", 9, 11)]


# --- properties over generated documents ------------------------------------------------------

#: Tokens without whitespace (TextEE and CoNLL readers split and join on it), tricky ones included.
safe_words = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1, max_size=5),
    st.sampled_from(TRICKY_WORDS),
)


@st.composite
def aligned_documents(draw: st.DrawFn) -> Document:
    """Segmented documents whose mentions lie on tokens within one sentence; arguments may reach
    into other sentences and may be events."""
    parts: list[str] = []
    sentences: list[Segment] = []
    tokens: list[Segment] = []
    position = 0
    for s, words in enumerate(draw(st.lists(st.lists(safe_words, min_size=1, max_size=4), min_size=1, max_size=4))):
        if s:
            parts.append(draw(st.sampled_from(PARAGRAPH_BREAKS + (" ",))))
            position += len(parts[-1])
        start = position
        for t, word in enumerate(words):
            if t:
                parts.append(draw(st.sampled_from(TOKEN_BREAKS)))
                position += len(parts[-1])
            tokens.append(Segment(position, position + len(word)))
            parts.append(word)
            position += len(word)
        sentences.append(Segment(start, position))
    text = "".join(parts)

    def span(max_tokens: int) -> tuple[int, int, str]:
        sentence = draw(st.sampled_from(sentences))
        inside = [i for i, t in enumerate(tokens) if sentence.start <= t.start and t.end <= sentence.end]
        first = draw(st.sampled_from(inside))
        last = draw(st.integers(first, min(first + max_tokens, inside[-1] + 1) - 1))
        return tokens[first].start, tokens[last].end, text[tokens[first].start:tokens[last].end]

    entities = [EntityMention(f"T{i}", draw(st.sampled_from(("PER", "ORG", "GPE"))), *span(3),
                              cluster=draw(st.none() | st.sampled_from(("C1", "C2"))))
                for i in range(1, draw(st.integers(0, 4)) + 1)]
    event_ids = [f"E{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
    fillers = [("entity", e.id) for e in entities] + [("event", e) for e in event_ids]
    events = []
    for event_id in event_ids:
        chosen = draw(st.lists(st.sampled_from(fillers), max_size=3)) if fillers else []
        arguments = tuple(Argument(draw(st.sampled_from(("Agent", "Victim", "Place"))), **{kind: target})
                          for kind, target in chosen if target != event_id)
        start, end, covered = span(1)
        events.append(EventMention(event_id, draw(st.sampled_from(("Conflict.Attack", "Life.Die"))),
                                   Span(start, end, covered), arguments))
    return Document(draw(st.text(min_size=1, max_size=6)), text, sentences=tuple(sentences), tokens=tuple(tokens),
                    entities=tuple(entities), events=tuple(events))


corpora = st.lists(aligned_documents(), min_size=1, max_size=3, unique_by=lambda d: d.id)


def sentence_of(document: Document, offset: int) -> int:
    return bisect_right([s.start for s in document.sentences], offset) - 1


def expected_drops(document: Document, window: str) -> tuple[list[tuple], int, int]:
    """The entity arguments TextEE keeps, and how many event and cross-window arguments it drops."""
    entities = {e.id: e for e in document.entities}
    kept, event_arguments, outside = [], 0, 0
    for event in document.events:
        for a in event.arguments:
            if a.event is not None:
                event_arguments += 1
                continue
            filler = entities[a.entity]
            if window == "sentence" and sentence_of(document, filler.start) != sentence_of(document, event.trigger.start):
                outside += 1
                continue
            kept.append((event.trigger.start, event.trigger.end, event.type, a.role, filler.start, filler.end, filler.text))
    return sorted(kept), event_arguments, outside


@PROPERTY
@given(corpora, st.sampled_from(("sentence", "document")))
def test_textee_round_trip_property(docs, window):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "docs.jsonl")
        report = formats.write(path, docs, "textee", window=window)
        back = {d.id: d for d in formats.read(path, "textee", reference=docs)}
        plain = {d.id: d for d in formats.read(path, "textee")}
    expected_event_arguments = expected_outside = 0
    for doc in docs:
        kept, event_arguments, outside = expected_drops(doc, window)
        expected_event_arguments += event_arguments
        expected_outside += outside
        assert back[doc.id].text == doc.text
        assert entity_spans(back[doc.id]) == entity_spans(doc)
        assert trigger_spans(back[doc.id]) == trigger_spans(doc)
        assert entity_arguments(back[doc.id]) == kept
        # Without the reference the text is rebuilt, but every span keeps its text.
        assert sorted(e.text for e in plain[doc.id].entities) == sorted(e.text for e in doc.entities)
        assert validate(back[doc.id]) == [] and validate(plain[doc.id]) == []
    counts = report.counts()
    assert counts.get("event_argument", 0) == expected_event_arguments
    assert counts.get("argument_outside_window", 0) == expected_outside
    assert set(counts) <= {"event_argument", "argument_outside_window"}


@PROPERTY
@given(corpora)
def test_wikievents_round_trip_property(docs):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "docs.jsonl")
        report = formats.write(path, docs, "wikievents")
        back = {d.id: d for d in formats.read(path, "wikievents")}
    assert list(back) == [d.id for d in docs]
    for doc in docs:
        got = back[doc.id]
        assert (got.text, got.sentences, got.tokens) == (doc.text, doc.sentences, doc.tokens)
        assert got.entities == tuple(
            EntityMention(e.id, e.type, e.start, e.end, e.text, got.entity(e.id).cluster) for e in doc.entities)
        assert clusters(got) == clusters(doc)
        assert trigger_spans(got) == trigger_spans(doc)
        assert entity_arguments(got) == expected_drops(doc, "document")[0]
    assert report.counts().get("event_argument", 0) == sum(expected_drops(d, "document")[1] for d in docs)


@PROPERTY
@given(corpora.filter(lambda docs: all("\n" not in d.id and "\r" not in d.id and "\t" not in d.id for d in docs)))
def test_conll_round_trip_property_on_single_spaced_texts(docs):
    # Re-space every document as CoNLL rebuilds it: single spaces, one "\n" between sentences.
    spaced = []
    for doc in docs:
        words = [[doc.text[t.start:t.end] for t in doc.tokens if s.start <= t.start and t.end <= s.end] for s in doc.sentences]
        b = DocumentBuilder(doc.id)
        b.write("\n".join(" ".join(w) for w in words))
        spaced.append(whitespace_segmented(b.build()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "docs.conll")
        formats.write(path, spaced, "conll")
        back = formats.read(path, "conll")
    assert [(d.id, d.text, d.tokens, d.sentences) for d in back] == [(d.id, d.text, d.tokens, d.sentences) for d in spaced]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["textee", "wikievents", "newsevents"])
def test_a_malformed_line_is_named(tmp_path, fmt):
    path = tmp_path / "bad.jsonl"
    formats.write(path, [news("a"), news("b")], fmt)
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1][:-5]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        formats.read(path, fmt)
    assert err.value.line == 2 and f"{path}:2" in str(err.value) and "malformed JSON" in str(err.value)


def test_textee_dangling_entity_id_names_document_and_mention(tmp_path):
    path = tmp_path / "t.jsonl"
    formats.write(path, [news("a"), news("b")], "textee", window="sentence")
    rows = lines(path)
    rows[3]["event_mentions"][0]["arguments"][0]["entity_id"] = "T44"
    write_jsonl(path, rows)
    with pytest.raises(FormatError) as err:
        formats.read(path, "textee")
    message = str(err.value)
    assert err.value.line == 4 and err.value.document == "b"
    assert "document 'b'" in message and "event mention 'E2'" in message and "'T44'" in message
    assert "event_mentions[0].arguments[0].entity_id" in message and "did you mean 'T4'?" in message


def test_wikievents_dangling_entity_id_names_document_and_mention(tmp_path):
    line = json.loads(json.dumps(WIKIEVENTS_LINE))
    line["event_mentions"][1]["arguments"][0]["entity_id"] = "ex-T9"
    path = write_jsonl(tmp_path / "w.jsonl", [line])
    with pytest.raises(FormatError, match=r"w\.jsonl:1, document 'ex', field event_mentions\[1\]\.arguments\[0\]"
                                          r"\.entity_id: event mention 'ex-E2' .* 'ex-T9'"):
        formats.read(path, "wikievents")


def test_out_of_range_token_offsets_are_named(tmp_path):
    line = json.loads(json.dumps(WIKIEVENTS_LINE))
    line["entity_mentions"][3]["end"] = 13
    with pytest.raises(FormatError, match=r"field entity_mentions\[3\]: token offsets \[6, 13\) are out of range for 12"):
        formats.read(write_jsonl(tmp_path / "w.jsonl", [line]), "wikievents")
    window = {"doc_id": "d", "tokens": ["a", "b"], "entity_mentions": [{"id": "T1", "entity_type": "X", "start": 2, "end": 2}]}
    with pytest.raises(FormatError, match=r"t\.jsonl:1, document 'd', field entity_mentions\[0\]: token offsets"):
        formats.read(write_jsonl(tmp_path / "t.jsonl", [window]), "textee")


def test_tokens_that_do_not_fit_the_window_text_are_named(tmp_path):
    window = {"doc_id": "d", "text": "Police arrested Ali.", "tokens": ["Police", "detained", "Ali", "."]}
    path = write_jsonl(tmp_path / "t.jsonl", [window])
    with pytest.raises(FormatError, match=r"field tokens\[1\]: token 1 'detained' is not the next token"):
        formats.read(path, "textee")
    assert formats.read(path, "textee", use_text=False)[0].text == "Police detained Ali ."


def test_coref_naming_an_unknown_mention_is_named(tmp_path):
    path = write_jsonl(tmp_path / "w.jsonl", [WIKIEVENTS_LINE])
    coref = write_jsonl(tmp_path / "c.jsonl", [{"doc_key": "ex", "clusters": [["ex-T2", "ex-T7"]]}])
    with pytest.raises(FormatError, match=r"c\.jsonl:1, document 'ex', field clusters\[0\]\[1\]: cluster 0 names entity "
                                          r"mention 'ex-T7'"):
        formats.read(path, "wikievents", coref_path=coref)


def test_conll_unknown_tag_prefix_names_line_and_document(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("-DOCSTART- d1\n\nAli\tB-PER\n\n-DOCSTART- d2\n\nHe\tO\nfled\tE-Life.Die\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        formats.read(path, "conll")
    assert (err.value.line, err.value.document) == (8, "d2")
    assert "invalid IOB2 tag 'E-Life.Die'" in str(err.value) and f"{path}:8" in str(err.value)
    path.write_text("Ali B-PER\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r":1, document 'bad'.*expected token<TAB>tag"):
        formats.read(path, "conll")


@pytest.mark.parametrize("fmt", ["textee", "wikievents", "conll"])
def test_a_span_off_token_boundaries_names_document_and_mention(tmp_path, fmt):
    doc = news()
    police = doc.entities[0]
    bad = EntityMention(police.id, police.type, 0, 4, "Poli")
    trigger = doc.events[0].trigger
    off = Document(doc.id, doc.text, sentences=doc.sentences, tokens=doc.tokens, entities=(bad,) + doc.entities[1:],
                   events=(EventMention("E1", "Justice.Arrest", Span(trigger.start, trigger.end - 2, "arrest")),))
    options = {"layer": "entities"} if fmt == "conll" else {}
    with pytest.raises(ConversionError, match=r"document 'afp-1': entity 'T1' \[0:4\] 'Poli' does not map onto tokens "
                                              r"with alignment='strict'; pass alignment='expand'"):
        formats.write(tmp_path / "x", [off], fmt, **options)
    assert not (tmp_path / "x").exists()
    formats.write(tmp_path / "x", [off], fmt, alignment="expand", **options)
    back = formats.read(tmp_path / "x", fmt, **options)[0]
    assert back.entities[0].text == "Police"


def test_a_document_without_tokens_cannot_be_written_in_tokens(tmp_path):
    doc = Document("raw", "Police arrested Ali.")
    with pytest.raises(ConversionError, match="document 'raw': the document has no tokens; .* segment it first"):
        formats.write(tmp_path / "x.jsonl", [doc], "textee")
    assert formats.write(tmp_path / "x.jsonl", [Document("empty", "")], "textee").records == 0
