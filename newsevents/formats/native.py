"""``newsevents``: our own JSONL, one :class:`~newsevents.document.Document` a line.

Nothing is lost: reading a file this format wrote and writing it again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from newsevents.document import Document
from newsevents.formats._base import LAYERS, ConversionReport, Format, register
from newsevents.jsonl import read_records, write_documents


@register
class Native(Format):
    name = "newsevents"
    description = "newsevents JSONL: one document per line, character offsets, every layer"
    lossless = tuple(LAYERS)

    def read(self, path: str | Path) -> list[Document]:
        from newsevents.formats.loading import document_from_record

        return [document_from_record(obj, source=str(path), line=line) for line, obj in read_records(path)]

    def write(self, path: str | Path, documents: Iterable[Document]) -> ConversionReport:
        documents = list(documents)
        count = write_documents(path, documents)
        return self.report([path], len(documents), count, [])
