"""Converters between newsevents documents and the field's file formats, looked up by name.

=============  ==============================================================  =========================
name           what                                                            loses
=============  ==============================================================  =========================
``newsevents`` our JSONL (:mod:`newsevents.jsonl`)                             nothing (byte-identical)
``textee``     TextEE / OneIE JSONL, one window (sentence or document) a line  text between windows,
                                                                               meta, paragraphs,
                                                                               clusters, realis,
                                                                               hoppers, event-valued
                                                                               and cross-window
                                                                               arguments
``wikievents`` WikiEvents JSONL plus its coreference JSONL                     meta, paragraphs,
                                                                               realis, hoppers,
                                                                               event-valued arguments
``conll``      CoNLL BIO, ``token<TAB>tag``, of triggers or of entities         all but one layer's
                                                                               spans and types
=============  ==============================================================  =========================

Example
-------
>>> from newsevents import formats
>>> formats.FORMATS.names()
['conll', 'newsevents', 'textee', 'wikievents']
>>> formats.get_format("textee").lossless
('sentences', 'tokens', 'entities', 'triggers', 'arguments')

``read(path, fmt, **options)`` returns documents; ``write(path, documents, fmt, **options)`` writes
atomically and returns a :class:`ConversionReport` whose ``dropped`` lists every annotation the format
could not hold (also logged as a warning on the ``newsevents.formats`` logger). Options are
keyword arguments of the format's ``read`` / ``write`` (see each module); a misspelt option raises
naming the valid ones. Register another format with ``@register`` on a :class:`Format` subclass.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsevents.registry import check_options
from newsevents.document import Document
from newsevents.formats._base import (
    FORMATS,
    LAYERS,
    ConversionError,
    ConversionReport,
    Dropped,
    Format,
    UnknownFormatError,
    register,
)

__all__ = [
    "FORMATS", "LAYERS", "ConversionError", "ConversionReport", "Dropped", "Format", "UnknownFormatError",
    "get_format", "read", "register", "write",
]


def get_format(name: str) -> Format:
    """The registered format called ``name``; an unknown name raises listing the available ones."""
    return FORMATS.get(name)


def _check_options(fmt: Format, method: str, options: dict[str, Any]) -> None:
    check_options(f"format {fmt.name!r} ({method})", fmt.options(method), options, error=ConversionError)


def read(path: str | Path, fmt: str, **options: Any) -> list[Document]:
    """Read the documents of ``path``, a file in format ``fmt`` (a name of :data:`FORMATS`)."""
    format_ = get_format(fmt)
    _check_options(format_, "read", options)
    return format_.read(path, **options)


def write(path: str | Path, documents: Iterable[Document], fmt: str, **options: Any) -> ConversionReport:
    """Write ``documents`` to ``path`` in format ``fmt``, atomically; returns what was written and dropped."""
    format_ = get_format(fmt)
    _check_options(format_, "write", options)
    return format_.write(path, documents, **options)


# Importing the format modules registers them.
from newsevents.formats import conll, native, textee, wikievents  # noqa: E402,F401
