"""Errors that say what is wrong and where: file, line, document and field.

Every user-facing failure in newsevents is a :class:`NewsEventsError`. The command line prints its
``str()`` as one line and exits non-zero; library callers can read the location attributes.
"""

from __future__ import annotations

import difflib


class NewsEventsError(Exception):
    """Base class: a message plus where the problem is.

    Parameters
    ----------
    message : str
        What is wrong, with the bad value and the valid choices or the fix.
    file : str, optional
        Path of the file the problem is in.
    line : int, optional
        1-based line number in ``file``.
    document : str, optional
        Id of the document concerned.
    field : str, optional
        Path of the field inside the document, for example ``events[3].trigger.start``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        document: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.document = document
        self.field = field

    def located(self, *, file: str | None = None, line: int | None = None, document: str | None = None) -> "NewsEventsError":
        """Fill in location parts that are still unknown; returns ``self`` for ``raise err.located(...)``."""
        self.file = self.file or file
        self.line = self.line or line
        self.document = self.document or document
        return self

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.document:
            parts.append(f"document {self.document!r}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FormatError(NewsEventsError):
    """Input that is not in the expected format: bad JSON, missing keys, wrong types, bad encoding."""


class SchemaError(NewsEventsError):
    """A malformed ontology (``schema.yaml``)."""


class ValidationError(NewsEventsError):
    """Documents that break the data contract; ``problems`` lists every one found."""

    def __init__(self, problems: list, **location: str | int | None) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else "no problems"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{first}{more}", **location)  # type: ignore[arg-type]


class MismatchError(NewsEventsError):
    """Gold that does not fit its text: a different sha256, or a span whose text differs."""


def suggest(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """A hint for an unknown name: the closest valid choice, or the list of valid choices."""
    close = difflib.get_close_matches(name, choices, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "valid: " + ", ".join(choices)


class MissingExtraError(NewsEventsError):
    """An optional part was asked for whose packages are not installed; the message names the extra."""


def import_optional(module: str, *, extra: str, purpose: str):
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that installs it.

    Example: ``sklearn_crfsuite = import_optional("sklearn_crfsuite", extra="baselines", purpose="the crf baseline")``.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs the package {module!r}, which is not installed: pip install 'newsevents[{extra}]'"
        ) from None
