"""Prompts from the ontology: the templates in ``templates/`` filled from ``schema.yaml``.

A request is a list of chat messages: the system message (``templates/system.txt``: the rules and
the ontology as Markdown, optionally with each type's guideline excerpt), then ``shots`` example
pairs (an example text in ``templates/user.txt`` and its gold answer as JSON), then the text to
annotate. Example documents come from the training split only (:class:`ShotSelector` is fitted on
it), chosen by TF-IDF similarity of their sentences to the document's (scikit-learn).

Long documents are sent in chunks of whole paragraphs (:func:`chunks`); each chunk's offsets are
mapped back by adding its start.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

import numpy as np

from newsevents.document import Document
from newsevents.errors import NewsEventsError
from newsevents.ontology import Schema
from newsevents.ontology_forms import to_markdown
from newsevents.paths import project_path

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=None)
def template(name: str) -> Template:
    """The prompt template ``templates/<name>.txt`` (``$placeholders``, see :class:`string.Template`)."""
    return Template((TEMPLATES / f"{name}.txt").read_text(encoding="utf-8"))


def guideline_excerpts(schema: Schema, path: str | Path | None = None) -> dict[str, str]:
    """Each event type's section of ``annotation/GUIDELINES.md`` (``### 5.N Type``), by type name."""
    path = Path(path) if path else project_path("annotation/GUIDELINES.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise NewsEventsError(f"cannot read the guidelines for --guidelines: {err.strerror}", file=str(path)) from None
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    out = {}
    for section in sections[1:]:
        heading, _, body = section.partition("\n")
        name = heading.split()[-1] if heading.split() else ""
        if name in schema.event_type_names:
            out[name] = body.split("\n## ", 1)[0].strip()
    return out


def answer_of(document: Document) -> dict[str, Any]:
    """The answer a perfect model gives for ``document`` (gold as quotes): the few-shot target."""
    entities = {m.id: m for m in document.entities}
    events = {e.id: e for e in document.events}
    answer = []
    for event in document.events:
        arguments = []
        for argument in event.arguments:
            if argument.entity is not None and argument.entity in entities:
                mention = entities[argument.entity]
                arguments.append({"role": argument.role, "text": mention.text, "entity_type": mention.type})
            elif argument.event is not None and argument.event in events:
                arguments.append({"role": argument.role, "text": events[argument.event].trigger.text})
        item: dict[str, Any] = {"type": event.type, "trigger": event.trigger.text,
                                "context": _context(document.text, event.trigger.start, event.trigger.end)}
        if event.realis is not None:
            item["realis"] = event.realis
        item["arguments"] = arguments
        answer.append(item)
    return {"events": answer}


def _context(text: str, start: int, end: int, words: int = 3) -> str:
    left = text[:start].split()[-words:]
    right = text[end:].split()[:words]
    return " ".join([*left, text[start:end], *right])


@dataclass(frozen=True)
class Chunk:
    """A part of a document sent as one request: its text and where it starts in the document."""

    document_id: str
    index: int
    start: int
    text: str


def chunks(document: Document, max_chars: int) -> list[Chunk]:
    """Whole paragraphs, grouped up to ``max_chars`` characters (a longer paragraph is a chunk alone)."""
    if len(document.text) <= max_chars or not document.paragraphs:
        return [Chunk(document.id, 0, 0, document.text)]
    out: list[Chunk] = []
    start = end = document.paragraphs[0].start
    for paragraph in document.paragraphs:
        if paragraph.end - start > max_chars and end > start:
            out.append(Chunk(document.id, len(out), start, document.text[start:end]))
            start = paragraph.start
        end = paragraph.end
    out.append(Chunk(document.id, len(out), start, document.text[start:end]))
    return out


class ShotSelector:
    """Few-shot examples from the training split, the most similar to a text first (TF-IDF).

    A training document's similarity to a text is the highest cosine similarity between any of its
    sentences and the text. Only documents with at least one event are examples.
    """

    def __init__(self, train: Sequence[Document]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.documents = [d for d in train if d.events]
        sentences, owners = [], []
        for index, document in enumerate(self.documents):
            pieces = [document.text[s.start:s.end] for s in document.sentences] or [document.text]
            for piece in pieces:
                if piece.strip():
                    sentences.append(piece)
                    owners.append(index)
        self.owners = np.array(owners, dtype=np.int64)
        self.vectorizer = TfidfVectorizer(lowercase=True, sublinear_tf=True) if sentences else None
        self.matrix = self.vectorizer.fit_transform(sentences) if self.vectorizer is not None else None

    def select(self, text: str, k: int) -> list[Document]:
        """The ``k`` training documents most similar to ``text`` (ties: earlier document first)."""
        if k <= 0 or self.matrix is None:
            return []
        similarity = (self.matrix @ self.vectorizer.transform([text]).T).toarray().ravel()
        best = np.zeros(len(self.documents))
        np.maximum.at(best, self.owners, similarity)
        order = sorted(range(len(self.documents)), key=lambda i: (-best[i], i))
        return [self.documents[i] for i in order[:k]]


def system_message(schema: Schema, guidelines: dict[str, str] | None = None) -> str:
    """The system message: the rules and the ontology (with each type's guideline excerpt if given)."""
    return template("system").substitute(ontology=to_markdown(schema, guidelines=guidelines).strip())


def messages(system: str, text: str, shots: Sequence[Document] = ()) -> list[dict[str, str]]:
    """The chat messages for one text: the ``system`` message, then example pairs, then the text."""
    out = [{"role": "system", "content": system}]
    for shot in shots:
        out.append({"role": "user", "content": template("user").substitute(text=shot.text)})
        out.append({"role": "assistant", "content": json.dumps(answer_of(shot), ensure_ascii=False)})
    out.append({"role": "user", "content": template("user").substitute(text=text)})
    return out
