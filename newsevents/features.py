"""Hugging Face ``datasets`` features of the two dataset configs, derived from the ontology.

``documents`` (the default config) holds one row per document with nested entity and event
mentions; ``sentences`` holds one row per sentence with tokens and IOB2 tag sequences (``trigger_tags``,
``argument_entity_tags``) as ``ClassLabel`` s whose names come from :func:`newsevents.bio.label_set`
over the schema's types. The entity layer of both configs is argument entities: entity mentions that
fill an event argument, and their coreferent mentions (same cluster); it is not full NER.
Types, roles and realis are ``ClassLabel`` s too, so the label space travels with the data.
"""

from __future__ import annotations

from typing import Any

from datasets import ClassLabel, Features, List, Value

from newsevents.ontology import Schema
from newsevents.bio import SentenceView, label_set
from newsevents.document import PARAGRAPH_KINDS, Document

#: Document metadata copied into top-level columns (missing values are null); strings unless
#: :data:`META_TYPES` says otherwise. ``redistributable`` is the build's verdict on the licence
#: (:func:`newsevents.corpus.manifest.redistributable`).
META_COLUMNS = ("title", "date", "source", "url", "license", "sha256", "redistributable")
#: The value type of the metadata columns that are not strings.
META_TYPES = {"redistributable": "bool"}


def _offsets() -> dict[str, Value]:
    return {"start": Value("int32"), "end": Value("int32")}


def document_features(schema: Schema) -> Features:
    """Features of the ``documents`` config."""
    return Features({
        "id": Value("string"),
        "text": Value("string"),
        **{column: Value(META_TYPES.get(column, "string")) for column in META_COLUMNS},
        "paragraphs": List({**_offsets(), "kind": ClassLabel(names=list(PARAGRAPH_KINDS))}),
        "sentences": List(_offsets()),
        "tokens": List(_offsets()),
        "entities": List({
            "id": Value("string"),
            "type": ClassLabel(names=list(schema.mention_type_names)),
            **_offsets(),
            "text": Value("string"),
            "cluster": Value("string"),
        }),
        "events": List({
            "id": Value("string"),
            "type": ClassLabel(names=list(schema.event_type_names)),
            "trigger": {**_offsets(), "text": Value("string")},
            "arguments": List({
                "role": ClassLabel(names=list(schema.role_names)),
                "entity": Value("string"),
                "event": Value("string"),
            }),
            "realis": ClassLabel(names=list(schema.realis)),
            "hopper": Value("string"),
        }),
    })


def sentence_features(schema: Schema) -> Features:
    """Features of the ``sentences`` config."""
    return Features({
        "document_id": Value("string"),
        "sentence_index": Value("int32"),
        **_offsets(),
        "tokens": List(Value("string")),
        "token_starts": List(Value("int32")),
        "token_ends": List(Value("int32")),
        "trigger_tags": List(ClassLabel(names=label_set(schema.event_type_names))),
        "argument_entity_tags": List(ClassLabel(names=label_set(schema.mention_type_names))),
    })


def document_row(document: Document) -> dict[str, Any]:
    """A ``documents`` row: the document's dict with metadata columns and explicit nulls."""
    data = document.to_dict()
    return {
        "id": data["id"],
        "text": data["text"],
        **{column: _meta_value(data["meta"].get(column), column) for column in META_COLUMNS},
        "paragraphs": [{"kind": None, **p} for p in data["paragraphs"]],
        "sentences": data["sentences"],
        "tokens": data["tokens"],
        "entities": [{"cluster": None, **e} for e in data["entities"]],
        "events": [
            {"realis": None, "hopper": None, **e, "arguments": [{"entity": None, "event": None, **a} for a in e["arguments"]]}
            for e in data["events"]
        ],
    }


def _meta_value(value: Any, column: str) -> Any:
    if value is None:
        return None
    return bool(value) if META_TYPES.get(column) == "bool" else str(value)


def _decode(value: Any, feature: Any) -> Any:
    """Undo ClassLabel encoding (ints back to names) through nested features; drop nulls."""
    if isinstance(feature, ClassLabel):
        return feature.int2str(value) if isinstance(value, int) and value >= 0 else None
    if isinstance(feature, List):
        return [_decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: _decode(value[k], f) for k, f in feature.items() if value.get(k) is not None}
    return value


def document_from_row(row: dict[str, Any], features: Features) -> Document:
    """The :class:`Document` of a ``documents`` row as ``load_dataset`` returns it (inverse of :func:`document_row`).

    ``meta`` gets the non-null metadata columns; the ingestion provenance not stored in the dataset
    (source path, tool versions) is not restored.
    """
    data = _decode(row, dict(features))
    meta = {column: data.pop(column) for column in META_COLUMNS if column in data}
    return Document.from_dict({**data, "meta": meta})


def sentence_row(view: SentenceView) -> dict[str, Any]:
    """A ``sentences`` row."""
    return {
        "document_id": view.document_id,
        "sentence_index": view.index,
        "start": view.start,
        "end": view.end,
        "tokens": list(view.tokens),
        "token_starts": list(view.token_starts),
        "token_ends": list(view.token_ends),
        "trigger_tags": list(view.trigger_tags),
        "argument_entity_tags": list(view.argument_entity_tags),
    }
