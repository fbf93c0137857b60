"""Validation: one minimal breakage per problem code, all problems reported, valid documents pass."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator
from strategies import DocumentBuilder, documents

from newsevents.ontology import load_schema
from newsevents.document import PARAGRAPH_KINDS, Argument, Document, Segment, Span
from newsevents.errors import ValidationError
from newsevents.validation import (
    Problem,
    assert_valid,
    document_json_schema,
    validate,
    validate_all,
    validate_json,
)

SCHEMA = load_schema()


def base_document() -> Document:
    """A small valid gold document; each test breaks one thing in it."""
    b = DocumentBuilder("d1")
    b.entity("T1", "ORG", "Police")
    b.write(" ")
    b.event("E1", "Justice.Arrest", "arrested", [
        Argument("Agent", entity="T1"), Argument("Detainee", entity="T2"),
        Argument("Place", entity="T3"), Argument("Time", entity="T4"),
    ], realis="actual")
    b.write(" ")
    b.entity("T2", "PER", "Azzam")
    b.write(" in ")
    b.entity("T3", "GPE", "Paris")
    b.write(" ")
    b.entity("T4", "TIME", "on Monday")
    b.write(" after the ")
    b.event("E2", "Conflict.Attack", "attack", realis="actual")
    first_end = b.write(".")[1]
    b.write(" ")
    second_start = b.position
    b.entity("T5", "ORG", "ISIS")
    b.write(" ")
    b.event("E3", "Contact.ClaimResponsibility", "claimed",
            [Argument("Claimant", entity="T5"), Argument("ClaimedEvent", event="E2")], realis="actual")
    b.write(" it.")
    return b.build(
        paragraphs=(Segment(0, b.position, "lead"),),
        sentences=(Segment(0, first_end), Segment(second_start, b.position)),
    )


def test_base_document_is_valid():
    assert validate(base_document(), SCHEMA, require_gold=True) == []


# ---------------------------------------------------------------------------------------------- edits


def entity(doc: Document, i: int, **changes) -> Document:
    entities = list(doc.entities)
    entities[i] = replace(entities[i], **changes)
    return replace(doc, entities=tuple(entities))


def event(doc: Document, i: int, **changes) -> Document:
    events = list(doc.events)
    events[i] = replace(events[i], **changes)
    return replace(doc, events=tuple(events))


def argument(doc: Document, i: int, j: int, **changes) -> Document:
    arguments = list(doc.events[i].arguments)
    arguments[j] = Argument(**{"role": arguments[j].role, **changes})
    return event(doc, i, arguments=tuple(arguments))


def sentences(doc: Document, *segments: Segment) -> Document:
    return replace(doc, sentences=segments)


TEXT_LENGTH = len(base_document().text)

# (id, edit, schema?, code, field, part of the message)
CASES = [
    ("end-past-text", lambda d: entity(d, 3, end=TEXT_LENGTH + 5), False,
     "offset_out_of_range", "entities[3].end", f"end {TEXT_LENGTH + 5} is outside the text, whose offsets run from 0 to {TEXT_LENGTH}"),
    ("negative-start", lambda d: entity(d, 0, start=-1), False,
     "offset_out_of_range", "entities[0].start", "start -1 is outside the text"),
    ("segment-past-text", lambda d: replace(d, tokens=(Segment(0, TEXT_LENGTH + 1),)), False,
     "offset_out_of_range", "tokens[0].end", "is outside the text"),
    ("empty-entity", lambda d: entity(d, 1, end=d.entities[1].start, text=""), False,
     "bad_span", "entities[1]", "empty span: start 16 must be less than end 16"),
    ("reversed-trigger", lambda d: event(d, 0, trigger=Span(15, 7, "")), False,
     "bad_span", "events[0].trigger", "reversed span: start 15 must be less than end 7"),
    ("entity-text", lambda d: entity(d, 1, text="Azam"), False,
     "span_text_mismatch", "entities[1].text", "text[16:21] is 'Azzam' but the span's text is 'Azam'"),
    ("trigger-text-elsewhere", lambda d: event(d, 1, trigger=Span(0, 6, "attack")), False,
     "span_text_mismatch", "events[1].trigger.text", "'attack' occurs at 51:57; fix the offsets or the text"),
    ("sentences-unsorted", lambda d: sentences(d, d.sentences[1], d.sentences[0]), False,
     "segment", "sentences[1]", "sentences must be sorted and must not overlap"),
    ("tokens-overlap", lambda d: replace(d, tokens=(Segment(0, 6), Segment(3, 8))), False,
     "segment", "tokens[1]", "tokens[1] (3, 8) starts before tokens[0] (0, 6) ends"),
    ("paragraph-kind", lambda d: replace(d, paragraphs=(Segment(0, TEXT_LENGTH, "Lead"),)), False,
     "segment", "paragraphs[0].kind", "paragraph kind 'Lead' is not a paragraph kind; did you mean 'lead'?"),
    ("paragraph-without-kind", lambda d: replace(d, paragraphs=(Segment(0, TEXT_LENGTH),)), False,
     "segment", "paragraphs[0].kind", "valid: " + ", ".join(PARAGRAPH_KINDS)),
    ("sentence-kind", lambda d: sentences(d, d.sentences[0]._replace(kind="lead"), d.sentences[1]), False,
     "segment", "sentences[0].kind", "only paragraphs have a kind"),
    ("sentence-crosses-paragraph", lambda d: replace(d, paragraphs=(Segment(0, 30, "lead"), Segment(30, TEXT_LENGTH, "body"))), False,
     "segment", "sentences[0]", "crosses the boundary of paragraphs[0] (0, 30)"),
    ("duplicate-id", lambda d: event(d, 0, id="T2"), False,
     "duplicate_id", "events[0].id", "id 'T2' is already used by entities[1]"),
    ("unknown-entity-reference", lambda d: argument(d, 0, 1, entity="T9"), False,
     "unknown_reference", "events[0].arguments[1].entity", "no entity mention has id 'T9'"),
    ("unknown-event-reference", lambda d: argument(d, 2, 1, event="E7"), False,
     "unknown_reference", "events[2].arguments[1].event", "no event mention has id 'E7'"),
    ("event-under-entity", lambda d: argument(d, 0, 1, entity="E2"), False,
     "argument_kind", "events[0].arguments[1].entity", '\'E2\' is an event mention, not an entity mention; write {"role": "Detainee", "event": "E2"}'),
    ("self-reference", lambda d: argument(d, 2, 1, event="E3"), False,
     "self_reference", "events[2].arguments[1].event", "event 'E3' names itself as its 'ClaimedEvent' argument"),
    ("cluster", lambda d: entity(entity(d, 0, cluster="C1"), 1, cluster="C1"), False,
     "cluster", "entities[1].cluster", "cluster 'C1' mixes types: entities[1] is PER but entities[0] is ORG"),
    ("cluster-entity-and-value", lambda d: entity(entity(d, 1, cluster="C1"), 3, cluster="C1"), False,
     "cluster", "entities[3].cluster", "entities[3] is TIME but entities[1] is PER"),
    ("hopper", lambda d: event(event(d, 0, hopper="H1"), 1, hopper="H1"), False,
     "hopper", "events[1].hopper", "hopper 'H1' mixes types: events[1] is Conflict.Attack but events[0] is Justice.Arrest"),
    ("unknown-entity-type", lambda d: entity(d, 1, type="PERSON"), True,
     "unknown_entity_type", "entities[1].type", "'PERSON' is not an entity or value type of the schema; did you mean 'PER'?"),
    ("unknown-event-type", lambda d: event(d, 1, type="Conflict.Atack"), True,
     "unknown_event_type", "events[1].type", "'Conflict.Atack' is not an event type of the schema; did you mean 'Conflict.Attack'?"),
    ("role", lambda d: argument(d, 0, 0, role="Killer", entity="T1"), True,
     "role_not_allowed", "events[0].arguments[0].role", "role 'Killer' is not a role of Justice.Arrest; valid: Agent, Detainee, Crime, Place, Time"),
    ("entity-type-for-role", lambda d: argument(d, 0, 1, entity="T3"), True,
     "entity_type_not_allowed", "events[0].arguments[1].entity", "entity 'T3' is GPE but role Detainee of Justice.Arrest takes PER, ORG"),
    ("event-for-entity-role", lambda d: argument(d, 0, 1, event="E2"), True,
     "argument_kind", "events[0].arguments[1].event", "role Detainee of Justice.Arrest is filled by an entity mention of type PER, ORG, not by an event mention"),
    ("entity-for-event-role", lambda d: argument(d, 2, 1, entity="T5"), True,
     "argument_kind", "events[2].arguments[1].entity", "role ClaimedEvent of Contact.ClaimResponsibility is filled by an event mention"),
    ("event-type-for-role", lambda d: argument(d, 2, 1, event="E1"), True,
     "event_type_not_allowed", "events[2].arguments[1].event", "event 'E1' is Justice.Arrest but role ClaimedEvent of Contact.ClaimResponsibility takes Conflict.Attack,"),
    ("realis", lambda d: event(d, 0, realis="Actual"), True,
     "invalid_realis", "events[0].realis", "'Actual' is not a realis value of the schema; did you mean 'actual'?"),
]


@pytest.mark.parametrize(("edit", "with_schema", "code", "field", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_problem_code(edit, with_schema, code, field, message):
    problems = validate(edit(base_document()), SCHEMA if with_schema else None, require_gold=True)
    assert [(p.code, p.field) for p in problems] == [(code, field)], problems
    assert message in problems[0].message
    assert problems[0].document == "d1"


def test_missing_realis_only_for_gold():
    doc = event(base_document(), 1, realis=None)
    assert validate(doc, SCHEMA) == []
    [problem] = validate(doc, SCHEMA, require_gold=True)
    assert (problem.code, problem.field) == ("missing_realis", "events[1].realis")
    assert "event 'E2' has no realis" in problem.message


def test_duplicate_document_ids_across_the_collection():
    doc = base_document()
    problems = validate_all([doc, replace(doc, id="d2"), doc], SCHEMA)
    assert [(p.document, p.field, p.code) for p in problems] == [("d1", "id", "duplicate_id")]
    assert "document id 'd1' of document 3 is already used by document 1" in problems[0].message


def test_long_texts_are_quoted_short():
    doc = entity(base_document(), 1, text="x" * 500)
    [problem] = validate(doc)
    assert "'" + "x" * 59 + "…'" in problem.message
    assert len(problem.message) < 250


def test_problem_str_says_document_field_and_fix():
    [problem] = validate(argument(base_document(), 0, 0, role="Killer", entity="T1"), SCHEMA)
    assert str(problem) == (
        "document 'd1', field events[0].arguments[0].role: "
        "role 'Killer' is not a role of Justice.Arrest; valid: Agent, Detainee, Crime, Place, Time"
    )


def test_every_problem_is_reported():
    doc = base_document()
    doc = entity(doc, 1, text="Azam")
    doc = entity(doc, 4, type="GROUP")
    doc = argument(doc, 0, 0, role="Killer", entity="T1")
    doc = argument(doc, 0, 1, entity="T9")
    doc = event(doc, 1, id="T1", realis=None)
    doc = event(doc, 2, realis="maybe")
    problems = validate(doc, SCHEMA, require_gold=True)
    assert sorted((p.code, p.field) for p in problems) == sorted([
        ("span_text_mismatch", "entities[1].text"),
        ("unknown_entity_type", "entities[4].type"),
        ("role_not_allowed", "events[0].arguments[0].role"),
        ("unknown_reference", "events[0].arguments[1].entity"),
        ("duplicate_id", "events[1].id"),
        ("unknown_reference", "events[2].arguments[1].event"),  # E2 was renamed T1
        ("missing_realis", "events[1].realis"),
        ("invalid_realis", "events[2].realis"),
    ])


def test_without_schema_only_structure_is_checked():
    doc = base_document()
    doc = entity(doc, 1, type="PERSON")
    doc = event(doc, 1, type="Conflict.Atack", realis="maybe")
    doc = argument(doc, 0, 0, role="Killer", entity="T1")
    assert validate(doc) == []
    assert {p.code for p in validate(doc, SCHEMA)} == {
        "unknown_entity_type", "unknown_event_type", "role_not_allowed", "invalid_realis",
    }


def every_event_type_document() -> Document:
    """A gold document with one mention of each event type, each role filled with an admissible mention."""
    b = DocumentBuilder("all-types")
    sentences = []
    for event_type in SCHEMA.event_types:
        start = b.position
        n = len(b.events) + 1
        arguments = []
        for role in event_type.roles:
            if role.entity_types:
                mention = b.entity(f"T{n}.{role.name}", role.entity_types[0], role.name.lower(), cluster=f"C-{role.entity_types[0]}")
                arguments.append(Argument(role.name, entity=mention.id))
            else:
                filler = next(e for e in reversed(b.events) if e.type in role.event_types)
                arguments.append(Argument(role.name, event=filler.id))
            b.write(" ")
        b.event(f"E{n}", event_type.name, event_type.triggers[0], arguments, realis="actual", hopper=f"H-{event_type.name}")
        sentences.append(Segment(start, b.write(".")[1]))
        b.write(" ")
    return b.build(paragraphs=(Segment(0, b.position - 1, "body"),), sentences=tuple(sentences))


def test_every_event_type_valid():
    doc = every_event_type_document()
    assert {e.type for e in doc.events} == set(SCHEMA.event_type_names)
    assert any(a.event for e in doc.events for a in e.arguments)
    assert validate(doc, SCHEMA, require_gold=True) == []
    assert validate_json(doc.to_dict()) == []


@settings(max_examples=80, deadline=None)
@given(documents(SCHEMA, gold=True))
def test_generated_gold_documents_are_valid(doc):
    assert validate(doc, SCHEMA, require_gold=True) == []


@settings(max_examples=40, deadline=None)
@given(documents())
def test_generated_documents_are_structurally_valid(doc):
    assert validate(doc) == []


# ---------------------------------------------------------------------------------------------- assert_valid


def test_assert_valid_passes_valid_documents():
    assert assert_valid([base_document(), every_event_type_document()], SCHEMA, file="gold.jsonl") is None


def test_assert_valid_raises_with_every_problem_and_the_file():
    doc = entity(entity(base_document(), 1, text="Azam"), 2, type="CITY")
    with pytest.raises(ValidationError) as info:
        assert_valid(doc, SCHEMA, file="gold.jsonl")
    err = info.value
    assert [p.code for p in err.problems] == ["span_text_mismatch", "unknown_entity_type"]
    assert err.file == "gold.jsonl"
    assert str(err).startswith("gold.jsonl: document 'd1', field entities[1].text: text[16:21] is 'Azzam'")
    assert str(err).endswith("(and 1 more)")


# ---------------------------------------------------------------------------------------------- JSON Schema


def test_json_schema_is_valid_and_described():
    schema = document_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"] and schema["description"]
    assert tuple(schema["$defs"]["paragraph"]["properties"]["kind"]["enum"]) == PARAGRAPH_KINDS
    schema["title"] = "changed"
    assert document_json_schema()["title"] != "changed"


JSON_CASES = [
    ("string-offset", lambda d: d["entities"][0].update(start="0"), "entities[0].start", "'0' is not of type 'integer'"),
    ("negative-offset", lambda d: d["events"][0]["trigger"].update(start=-3), "events[0].trigger.start", "-3 is less than the minimum of 0"),
    ("missing-key", lambda d: d["entities"][1].pop("text"), "entities[1].text", "'text' is a required property"),
    ("extra-key", lambda d: d["entities"][1].update(label="PER"), "entities[1]", "'label' was unexpected"),
    ("both-targets", lambda d: d["events"][2]["arguments"][1].update(entity="T5"), "events[2].arguments[1]", "exactly one of `entity` and `event`"),
    ("paragraph-kind", lambda d: d["paragraphs"][0].update(kind="Lead"), "paragraphs[0].kind", "'Lead' is not one of"),
    ("null-realis", lambda d: d["events"][0].update(realis=None), "events[0].realis", "None is not of type 'string'"),
    ("missing-id", lambda d: d.pop("id"), "id", "'id' is a required property"),
]


@pytest.mark.parametrize(("edit", "field", "message"), [c[1:] for c in JSON_CASES], ids=[c[0] for c in JSON_CASES])
def test_validate_json_names_the_path(edit, field, message):
    obj = base_document().to_dict()
    edit(obj)
    problems = validate_json(obj)
    assert [(p.field, p.code) for p in problems] == [(field, "json_schema")], problems
    assert message in problems[0].message
    assert problems[0].document == obj.get("id", "<no id>")


def test_validate_json_reports_every_error():
    obj = base_document().to_dict()
    obj["entities"][0]["start"] = "0"
    obj["events"][1]["type"] = 7
    obj["surprise"] = True
    assert {p.field for p in validate_json(obj)} == {"entities[0].start", "events[1].type", ""}
    assert all(isinstance(p, Problem) for p in validate_json(obj))


def test_unknown_reference_lists_few_ids():
    doc = base_document()
    extra = tuple(replace(doc.entities[0], id=f"X{i}") for i in range(30))
    doc = argument(replace(doc, entities=doc.entities + extra), 0, 1, entity="Q")
    [problem] = validate(doc)
    assert problem.message == "no entity mention has id 'Q'; valid: T1, T2, T3, T4, T5, X0, X1, X2, X3, X4 and 25 more"
