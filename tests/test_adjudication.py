"""Adjudication: what every annotator has is gold, the rest is listed, hand-checked on a small document."""

from __future__ import annotations

from strategies import DocumentBuilder
from newsevents.annotation.adjudication import adjudicate
from newsevents.document import Argument


def _version(role: str, with_place: bool, realis: str):
    b = DocumentBuilder("d1")
    b.entity("T1", "ORG", "Police", cluster="c-police")
    b.write(" ")
    args = [Argument("Agent", entity="T1"), Argument(role, entity="T2")] + ([Argument("Place", entity="T3")] if with_place else [])
    b.event("E1", "Justice.Arrest", "arrested", args, realis=realis, hopper="h1")
    b.write(" ")
    b.entity("T2", "PER", "two men", cluster="c-men")
    b.write(" in ")
    if with_place:
        b.entity("T3", "GPE", "Kabul", cluster="c-kabul")
    else:
        b.write("Kabul")
    b.write(".")
    return b.build()


def test_agreed_items_are_gold_and_the_rest_is_listed():
    alice = _version("Detainee", with_place=True, realis="actual")
    bob = _version("Detainee", with_place=False, realis="other")
    result = adjudicate({"bob": [bob], "alice": [alice]})
    (gold,) = result.gold
    assert [(m.id, m.text, m.type) for m in gold.entities] == [("T1", "Police", "ORG"), ("T2", "two men", "PER")]
    (event,) = gold.events
    assert (event.trigger.text, event.realis, event.hopper) == ("arrested", "actual", "h1")   # realis of the first annotator
    assert [(a.role, a.entity) for a in event.arguments] == [("Agent", "T1"), ("Detainee", "T2")]
    listed = [(d.layer, d.item, d.annotators) for d in result.disagreements]
    assert listed == [
        ("entity", "GPE 'Kabul' [27:32]", ("alice",)),
        ("argument", "Justice.Arrest 'arrested' [7:15] --Place--> GPE 'Kabul' [27:32]", ("alice",)),
        ("realis", "Justice.Arrest 'arrested' [7:15]", ("alice=actual", "bob=other")),
    ]


def test_identical_versions_have_no_disagreement_and_documents_missing_somewhere_are_listed():
    doc = _version("Detainee", with_place=True, realis="actual")
    other = DocumentBuilder("d2")
    other.write("Nothing happened.")
    result = adjudicate({"a": [doc, other.build()], "b": [doc]})
    assert [g.id for g in result.gold] == ["d1"]
    assert [(d.document, d.layer, d.annotators) for d in result.disagreements] == [("d2", "document", ("a",))]
    assert result.gold[0].entities == doc.entities and result.gold[0].events == doc.events
