"""``wikievents``: the WikiEvents JSONL (Li et al. 2021) and its coreference JSONL.

Layout
------
One document a line, as in ``data/wikievents/{train,dev,test}.jsonl`` of ``raspberryice/gen-arg``::

    {"doc_id": "d1",
     "tokens": ["Police", "arrested", "Ali", ".", "He", "fled", "."],
     "text": "Police arrested Ali. He fled.",
     "sentences": [[[["Police", 0, 6], ["arrested", 7, 15], ["Ali", 16, 19], [".", 19, 20]], "Police arrested Ali."],
                   [[["He", 21, 23], ["fled", 24, 28], [".", 28, 29]], "He fled."]],
     "entity_mentions": [{"id": "T1", "sent_idx": 0, "start": 0, "end": 1, "entity_type": "ORG",
                          "mention_type": "UNK", "text": "Police"}, ...],
     "relation_mentions": [],
     "event_mentions": [{"id": "E1", "event_type": "Justice.ArrestJailDetain.Unspecified",
                         "trigger": {"start": 1, "end": 2, "text": "arrested", "sent_idx": 0},
                         "arguments": [{"entity_id": "T1", "role": "Jailer", "text": "Police"}]}]}

``tokens`` are the document's tokens; ``start``/``end`` of mentions and triggers are token offsets
into them (document-level, end-exclusive), ``sent_idx`` the sentence of the first token. Each
sentence is ``[[[token, char_start, char_end], ...], sentence_text]`` with character offsets into the
original document. The coreference file (``data/wikievents/coref/*.jsonlines``) has one line per
document::

    {"doc_key": "d1", "clusters": [["T2", "T4"]], "informative_mentions": ["Ali"]}

Types and roles are strings and pass through unchanged (KAIROS names such as
``Conflict.Attack.DetonateExplode`` and ``Attacker`` stay as they are).

Writing
-------
Writes the document file and the coreference file, by default ``<stem>.coref.jsonl`` beside it
(``test.jsonl`` -> ``test.coref.jsonl``; option ``coref_path``). Every document gets a coreference line;
each cluster of ours becomes one list of mention ids, its informative mention the longest mention text
(the first one on a tie). ``text`` is our text, so character offsets stay exact; each sentence's text
runs from its first token to its last. Spans map onto tokens with ``alignment`` as in ``textee``.
Event-valued arguments are dropped and reported (``event_argument``).

Reading
-------
The text is rebuilt so that the files' character offsets hold: the ``text`` field when every token
offset matches it (files this module writes); else, as in the released WikiEvents files whose
``text`` lacks what stood between sentences, each sentence text placed at its first token's offset
with the gaps filled by spaces; else (no usable offsets) tokens joined by single spaces, sentences by
``"\\n"``. ``coref_path`` defaults to ``<stem>.coref.jsonl`` beside ``path`` when that file exists; its
clusters become our ``cluster`` ids ``C1``, ``C2``... in file order (mentions in no cluster get
``None``). Coreference lines of documents not in ``path`` are ignored.

Loses: meta, paragraphs, realis, hoppers, event-valued arguments, cluster ids (not the clusters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsevents.errors import suggest
from newsevents.document import Argument, Document, EntityMention, EventMention, Segment, Span, _optional, _require
from newsevents.formats._base import (
    ConversionReport,
    Dropped,
    Format,
    Located,
    TextAssembler,
    TokenIndex,
    check_argument_targets,
    event_argument_dropped,
    reading,
    register,
    TokenMention,
    string_list,
    token_mentions,
    token_windows,
    wrong_format,
)
from newsevents.errors import FormatError
from newsevents.jsonl import read_records, write_records

#: A parsed sentence: its tokens with character offsets, and its text.
_Sentence = tuple[list[tuple[str, int, int]], str]


def default_coref_path(path: str | Path) -> Path:
    """Where the coreference file of ``path`` goes by default: ``<stem>.coref.jsonl`` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}.coref.jsonl")


def _parse_sentences(obj: dict[str, Any], tokens: list[str]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    k = 0
    for i, sentence in enumerate(_optional(obj, "sentences", list, "") or []):
        where = f"sentences[{i}]"
        if not (isinstance(sentence, list) and len(sentence) == 2 and isinstance(sentence[0], list)
                and isinstance(sentence[1], str)):
            raise FormatError("expected [[[token, char_start, char_end], ...], sentence_text]", field=where)
        parsed = []
        for j, token in enumerate(sentence[0]):
            if not (isinstance(token, list) and len(token) == 3 and isinstance(token[0], str)
                    and all(isinstance(x, int) and not isinstance(x, bool) for x in token[1:])):
                raise FormatError(f"expected [token, char_start, char_end], got {token!r}", field=f"{where}[0][{j}]")
            if k >= len(tokens) or tokens[k] != token[0]:
                found = repr(tokens[k]) if k < len(tokens) else "nothing (tokens has fewer)"
                raise FormatError(f"sentence token {token[0]!r} should be tokens[{k}], which is {found}",
                                  field=f"{where}[0][{j}]")
            parsed.append((token[0], token[1], token[2]))
            k += 1
        sentences.append((parsed, sentence[1]))
    if sentences and k != len(tokens):
        raise FormatError(f"the sentences hold {k} tokens but tokens has {len(tokens)}", field="sentences")
    return sentences


def _text_from_field(text: Any, sentences: list[_Sentence]) -> str | None:
    """``text`` if every token's character offsets point at the token in it."""
    if not isinstance(text, str):
        return None
    ok = all(0 <= s <= e and text[s:e] == token for parsed, _ in sentences for token, s, e in parsed)
    return text if ok else None


def _text_from_sentences(sentences: list[_Sentence]) -> str | None:
    """Sentence texts placed at their offsets, gaps filled by spaces, if the offsets allow it."""
    parts: list[str] = []
    length = 0
    for parsed, sentence_text in sentences:
        if not parsed:
            continue
        start = parsed[0][1]
        if start < length or parsed[-1][2] - start != len(sentence_text):
            return None
        if any(sentence_text[s - start:e - start] != token for token, s, e in parsed):
            return None
        parts += [" " * (start - length), sentence_text]
        length = start + len(sentence_text)
    return "".join(parts)


def _rebuild(obj: dict[str, Any], tokens: list[str]) -> tuple[str, list[Segment], list[Segment]]:
    """The document text, sentences and tokens (see "Reading" in the module docstring)."""
    sentences = _parse_sentences(obj, tokens)
    text = _text_from_field(obj.get("text"), sentences) if sentences else None
    if text is None and sentences:
        text = _text_from_sentences(sentences)
    if text is not None:
        segments = [Segment(p[0][1], p[-1][2]) for p, _ in sentences if p]
        return text, segments, [Segment(s, e) for parsed, _ in sentences for _, s, e in parsed]
    assembler = TextAssembler("\n")
    for parsed, _ in sentences or [([(t, 0, 0) for t in tokens], "")]:
        assembler.add([token for token, _, _ in parsed])
    return assembler.text, assembler.sentences, assembler.tokens


def _document(obj: dict[str, Any]) -> Document:
    doc_id = _require(obj, "doc_id", str, "")
    tokens = string_list(obj, "tokens")
    text, sentences, token_segments = _rebuild(obj, tokens)

    entities, events = token_mentions(obj, len(tokens), "the document")

    def span(m: TokenMention) -> tuple[int, int, str]:
        start, end = token_segments[m.start].start, token_segments[m.end - 1].end
        return start, end, text[start:end]

    return Document(
        doc_id, text, sentences=tuple(sentences), tokens=tuple(token_segments),
        entities=tuple(EntityMention(m.id, m.type, *span(m)) for m in entities),
        events=tuple(EventMention(m.id, m.type, Span(*span(m)), tuple(Argument(role, entity=target) for role, target in m.arguments))
                     for m in events),
    )


def _read_clusters(coref_path: Path, documents: list[Document]) -> list[Document]:
    entity_ids = {d.id: {e.id for e in d.entities} for d in documents}
    clusters: dict[str, dict[str, str]] = {}
    for line, obj in read_records(coref_path):
        doc_id = obj.get("doc_key") if isinstance(obj.get("doc_key"), str) else None
        with reading(coref_path, line, doc_id):
            doc_id = _require(obj, "doc_key", str, "")
            if doc_id not in entity_ids:
                continue
            known = entity_ids[doc_id]
            membership: dict[str, str] = {}
            for k, cluster in enumerate(_require(obj, "clusters", list, "")):
                if not isinstance(cluster, list):
                    raise FormatError(f"a cluster must be a list of mention ids, got {cluster!r}", field=f"clusters[{k}]")
                for j, mention_id in enumerate(cluster):
                    where = f"clusters[{k}][{j}]"
                    if mention_id not in known:
                        hint = suggest(str(mention_id), sorted(known)) if known else "the document has no entity mentions"
                        raise FormatError(f"cluster {k} names entity mention {mention_id!r}, which the document "
                                          f"does not have; {hint}", field=where)
                    if mention_id in membership:
                        raise FormatError(f"entity mention {mention_id!r} is in two clusters "
                                          f"({membership[mention_id]} and C{k + 1})", field=where)
                    membership[mention_id] = f"C{k + 1}"
            clusters[doc_id] = membership
    return [replace(d, entities=tuple(replace(e, cluster=clusters.get(d.id, {}).get(e.id)) for e in d.entities))
            for d in documents]


def _coref_record(document: Document) -> dict[str, Any]:
    groups: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for entity in document.entities:
        if entity.cluster is not None:
            groups.setdefault(entity.cluster, []).append(entity.id)
            if len(entity.text) > len(texts.get(entity.cluster, "")):
                texts[entity.cluster] = entity.text
    return {"doc_key": document.id, "clusters": list(groups.values()), "informative_mentions": [texts.get(c, "") for c in groups]}


@register
class WikiEvents(Format):
    name = "wikievents"
    description = "WikiEvents JSONL (document-level token offsets) plus its coreference JSONL"
    lossless = ("text", "sentences", "tokens", "entities", "clusters", "triggers", "arguments")

    def read(self, path: str | Path, *, coref_path: str | Path | None = None) -> list[Document]:
        """Read documents, and clusters from ``coref_path`` (default: ``<stem>.coref.jsonl`` if it exists)."""
        documents = []
        first_line: dict[str, int] = {}
        for line, obj in read_records(path):
            doc_id = obj.get("doc_id") if isinstance(obj.get("doc_id"), str) else None
            with reading(path, line, doc_id):
                mismatch = wrong_format(obj, self.name)
                if mismatch is not None:
                    raise mismatch
                document = _document(obj)
                if document.id in first_line:
                    raise FormatError(f"document {document.id!r} is already on line {first_line[document.id]}; WikiEvents "
                                      "has one document a line (a file with one window a line is textee: read it as textee)",
                                      field="doc_id")
                first_line[document.id] = line
                documents.append(document)
        if coref_path is None and default_coref_path(path).exists():
            coref_path = default_coref_path(path)
        return _read_clusters(Path(coref_path), documents) if coref_path is not None else documents

    def write(
        self, path: str | Path, documents: Iterable[Document], *, coref_path: str | Path | None = None,
        alignment: str = "strict",
    ) -> ConversionReport:
        """Write the documents to ``path`` and their clusters to ``coref_path``.

        Parameters
        ----------
        coref_path : path, optional
            Default ``<stem>.coref.jsonl`` beside ``path``.
        alignment : {"strict", "contract", "expand"}, default "strict"
        """
        documents = list(documents)
        coref_path = Path(coref_path) if coref_path is not None else default_coref_path(path)
        dropped: list[Dropped] = []
        records = [self._record(document, alignment, dropped) for document in documents]
        count = write_records(path, records)
        write_records(coref_path, map(_coref_record, documents))
        return self.report([path, coref_path], len(documents), count, dropped)

    def _record(self, document: Document, alignment: str, dropped: list[Dropped]) -> dict[str, Any]:
        check_argument_targets(document)
        windows = token_windows(document, "sentence")
        index = TokenIndex(document, windows, alignment)
        text = document.text

        def mention(at: Located) -> dict[str, Any]:
            return {"start": at.first, "end": at.last, "text": index.text(at), "sent_idx": at.window.index}

        entities, entity_texts = [], {}
        for entity in document.entities:
            at = mention(index.locate("entity", entity.id, entity.start, entity.end))
            entity_texts[entity.id] = at["text"]
            entities.append({"id": entity.id, "sent_idx": at["sent_idx"], "start": at["start"], "end": at["end"],
                             "entity_type": entity.type, "mention_type": "UNK", "text": at["text"]})
        events = []
        for event in document.events:
            trigger = mention(index.locate("trigger of event", event.id, event.trigger.start, event.trigger.end))
            arguments = []
            for argument in event.arguments:
                if argument.event is not None:
                    dropped.append(event_argument_dropped(document, event.id, argument.role, argument.event, "WikiEvents"))
                else:
                    arguments.append({"entity_id": argument.entity, "role": argument.role,
                                      "text": entity_texts[argument.entity]})
            events.append({"id": event.id, "event_type": event.type, "trigger": trigger, "arguments": arguments})
        tokens = document.tokens
        return {
            "doc_id": document.id,
            "tokens": [text[t.start:t.end] for t in tokens],
            "text": text,
            "sentences": [
                [[[text[t.start:t.end], t.start, t.end] for t in tokens[w.first:w.last]],
                 text[tokens[w.first].start:tokens[w.last - 1].end]]
                for w in windows
            ],
            "entity_mentions": entities,
            "relation_mentions": [],
            "event_mentions": events,
        }
