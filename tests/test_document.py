"""The document format: lossless JSONL round trips, the JSON Schema, and errors that say where."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import DocumentBuilder, documents

from newsevents.ontology import load_schema
from newsevents.document import Argument, Document, Segment
from newsevents.errors import FormatError
from newsevents.jsonl import read_documents, write_documents
from newsevents.validation import validate, validate_json

SCHEMA = load_schema()


def full_document() -> Document:
    """A hand-made document that uses every field, with emoji and combining marks before the spans."""
    b = DocumentBuilder("seed-🇺🇦-1")
    title_start = b.position
    b.write("Cafe\u0301 attack 👩\u200d👩\u200d👧")
    title = Segment(title_start, b.position, "title")
    b.write("\n\n")
    lead_start = b.position
    police = b.entity("T1", "ORG", "Police", cluster="C1")
    b.write(" ")
    arrest = b.event("E1", "Justice.Arrest", "arrested", [
        Argument("Agent", entity="T1"), Argument("Detainee", entity="T2"), Argument("Time", entity="T4"),
    ], realis="actual", hopper="H1")
    b.write(" ")
    azzam = b.entity("T2", "PER", "Azzam", cluster="C2")
    b.write(" in ")
    paris = b.entity("T3", "GPE", "Pari\u0301s 🇫🇷")
    b.write(" ")
    b.entity("T4", "TIME", "on May 16")
    b.write(" over the ")
    attack = b.event("E2", "Conflict.Attack", "bombing", [Argument("Place", entity="T3")], realis="actual")
    b.write(". ")
    sentence_two = b.position
    b.entity("T5", "ORG", "They", cluster="C1")
    b.write(" ")
    b.event("E3", "Contact.Accuse", "accused", [
        Argument("Accuser", entity="T5"), Argument("Accused", entity="T2"), Argument("Allegation", event="E2"),
    ], realis="other")
    b.write(" him")
    lead = Segment(lead_start, b.position, "lead")
    tokens = tuple(Segment(m.start, m.end) for m in (police, arrest.trigger, azzam, paris, attack.trigger))
    return b.build(
        meta={"source": "wire", "title": "Café ☕", "nested": {"ints": [1, -2, 3.5], "none": None, "flag": True}},
        paragraphs=(title, lead),
        sentences=(Segment(title.start, title.end), Segment(lead_start, sentence_two - 1), Segment(sentence_two, b.position)),
        tokens=tokens,
    )


def round_trip(docs: list[Document], folder: Path) -> None:
    """Write, read back, write again: equal documents and byte-identical files."""
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    assert write_documents(first, docs) == len(docs)
    again = list(read_documents(first))
    assert again == docs
    write_documents(second, again)
    assert second.read_bytes() == first.read_bytes()
    assert len(first.read_bytes().splitlines()) == len(docs)


# ---------------------------------------------------------------------------------------------- round trips


def test_full_document_is_valid_gold():
    doc = full_document()
    assert doc.paragraphs and doc.sentences and doc.tokens and doc.meta
    assert {e.cluster for e in doc.entities} > {None} and any(e.hopper for e in doc.events)
    assert validate(doc, SCHEMA, require_gold=True) == []
    assert doc.text[doc.entities[2].start:doc.entities[2].end] == "Pari\u0301s 🇫🇷"


def test_full_document_round_trip(tmp_path):
    round_trip([full_document(), Document(id="empty", text="")], tmp_path)


def test_jsonl_keeps_characters_readable(tmp_path):
    path = tmp_path / "doc.jsonl"
    write_documents(path, [full_document()])
    line = path.read_text(encoding="utf-8")
    assert "🇺🇦" in line and "\\u" not in line.replace("\\u2028", "")


@settings(max_examples=60, deadline=None)
@given(st.lists(documents(), max_size=3) | st.lists(documents(SCHEMA, gold=True), max_size=3))
def test_generated_documents_round_trip(docs):
    with tempfile.TemporaryDirectory() as folder:
        round_trip(docs, Path(folder))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(SCHEMA) | documents())
def test_from_dict_inverts_to_dict(doc):
    assert Document.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


# ---------------------------------------------------------------------------------------------- JSON Schema


def test_full_document_matches_json_schema():
    assert validate_json(full_document().to_dict()) == []


@settings(max_examples=60, deadline=None)
@given(documents(SCHEMA) | documents())
def test_generated_documents_match_json_schema(doc):
    assert validate_json(doc.to_dict()) == []


# ---------------------------------------------------------------------------------------------- from_dict errors


def _valid_dict() -> dict:
    return full_document().to_dict()


@pytest.mark.parametrize(
    ("edit", "field", "in_message"),
    [
        (lambda d: d["entities"][0].update(start="3"), "entities[0].start", "'start' must be int, got str '3'"),
        (lambda d: d["entities"][1].update(end=True), "entities[1].end", "must be int, got bool"),
        (lambda d: d["events"][0]["trigger"].pop("text"), "events[0].trigger.text", "missing required key 'text'"),
        (lambda d: d["events"][2]["arguments"][1].update(event="E1"), "events[2].arguments[1]", "exactly one of"),
        (lambda d: d["events"][1].update(arguments={}), "events[1].arguments", "must be list"),
        (lambda d: d["paragraphs"][1].update(kind=3), "paragraphs[1].kind", "must be str"),
        (lambda d: d.update(tokens="none"), "tokens", "must be list"),
        (lambda d: d.pop("text"), "text", "missing required key"),
        (lambda d: d["sentences"].__setitem__(0, [0, 4]), "sentences[0]", "expected a JSON object"),
    ],
)
def test_from_dict_errors_name_the_field(edit, field, in_message):
    obj = _valid_dict()
    edit(obj)
    with pytest.raises(FormatError) as info:
        Document.from_dict(obj)
    assert info.value.field == field
    assert in_message in info.value.message


# ---------------------------------------------------------------------------------------------- reading errors


def _good_line(doc_id: str = "a") -> str:
    return json.dumps({"id": doc_id, "text": "x"}) + "\n"


@pytest.mark.parametrize(
    ("bad_line", "in_message"),
    [
        ('{"id": "b", "text": \n', "malformed JSON"),
        ("[1, 2]\n", "expected a JSON object per line, got list"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, bad_line, in_message):
    path = tmp_path / "docs.jsonl"
    path.write_text(_good_line() + "\n" + bad_line, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        list(read_documents(path))
    assert (info.value.file, info.value.line) == (str(path), 3)
    assert in_message in str(info.value)
    assert str(info.value).startswith(f"{path}:3: ")


def test_bad_document_names_file_line_document_and_field(tmp_path):
    path = tmp_path / "docs.jsonl"
    bad = {"id": "b", "text": "xy", "entities": [{"id": "T1", "type": "PER", "start": "0", "end": 1, "text": "x"}]}
    path.write_text(_good_line() + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        list(read_documents(path))
    err = info.value
    assert (err.file, err.line, err.document, err.field) == (str(path), 2, "b", "entities[0].start")
    assert str(err).startswith(f"{path}:2, document 'b', field entities[0].start: ")


def test_non_utf8_on_first_line_names_the_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"id": "a", "text": "café"}\n'.encode("latin-1"))
    with pytest.raises(FormatError) as info:
        list(read_documents(path))
    assert (info.value.file, info.value.line) == (str(path), 1)
    assert "not UTF-8" in info.value.message and "\\xe9" in info.value.message


def test_non_utf8_on_later_line_names_that_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(_good_line().encode() * 2 + '{"id": "c", "text": "café"}\n'.encode("latin-1"))
    with pytest.raises(FormatError) as info:
        list(read_documents(path))
    assert info.value.line == 3


# ---------------------------------------------------------------------------------------------- atomic writes


def test_failed_write_keeps_previous_content_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "docs.jsonl"
    write_documents(path, [full_document()])
    before = path.read_bytes()

    def failing():
        yield Document(id="new", text="new")
        raise RuntimeError("extractor crashed")

    with pytest.raises(RuntimeError, match="extractor crashed"):
        write_documents(path, failing())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["docs.jsonl"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(SCHEMA, gold=True))
def test_the_dataset_features_hold_every_generated_document(doc):
    """The third declaration of the format (the ``datasets`` Features) keeps every layer of a document."""
    from datasets import Dataset

    from newsevents.features import document_features, document_from_row, document_row

    features = document_features(load_schema())
    row = Dataset.from_list([document_row(doc)], features=features)[0]
    back = document_from_row(row, features)
    assert (back.id, back.text, back.paragraphs, back.sentences, back.tokens) == (doc.id, doc.text, doc.paragraphs, doc.sentences, doc.tokens)
    assert (back.entities, back.events) == (doc.entities, doc.events)
