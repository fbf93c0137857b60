"""newsevents: an annotated corpus and benchmark for event extraction from news about security and
political violence.

The data flow follows the package layout: ``corpus`` (ingest, normalise, segment, dedupe, split,
build), ``annotation`` (ontology, Label Studio, agreement), ``baselines`` (extractors) and ``eval``
(matching, metrics, reports). The document format they all speak is in :mod:`newsevents.document`.
"""

__version__ = "0.1.0"

from newsevents.document import Argument, Document, EntityMention, EventMention, Segment, Span  # noqa: E402
from newsevents.jsonl import read_documents, write_documents  # noqa: E402

__all__ = [
    "Argument", "Document", "EntityMention", "EventMention", "Segment", "Span",
    "read_documents", "write_documents", "__version__",
]
