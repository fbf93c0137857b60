"""One registry, looked up by name: extractors (runners), file formats and baselines all live in one.

A :class:`Registry` maps names to objects. An entry is registered with a decorator or directly, or as a
``"module:attr"`` target that is imported the first time it is asked for (so registering costs no
import). An unknown name raises :class:`UnknownNameError` listing the available names and suggesting
the closest one; command-line choices come from :meth:`Registry.names`.

Example
-------
>>> shapes = Registry("shape")
>>> @shapes.register("square")
... class Square: ...
>>> shapes.register("circle", "fractions:Fraction")     # imported on first use
>>> shapes.names()
['circle', 'square']
>>> shapes.get("squre")
Traceback (most recent call last):
...
newsevents.registry.UnknownNameError: unknown shape 'squre'; available: circle, square; did you mean 'square'?
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar, overload

from newsevents.errors import NewsEventsError

T = TypeVar("T")


class UnknownNameError(NewsEventsError, LookupError):
    """A name that is not registered; the message lists the available ones and the closest."""


class Registry(Generic[T]):
    """Named entries of one kind (``kind`` names it in messages: "format", "runner", "baseline").

    Parameters
    ----------
    kind : str
        What an entry is, for error messages.
    error : type, default UnknownNameError
        The error an unknown name raises (a subclass of :class:`UnknownNameError`).
    """

    def __init__(self, kind: str, *, error: type[UnknownNameError] | None = None) -> None:
        self.kind = kind
        self.error = error or UnknownNameError
        self._entries: dict[str, T | str] = {}

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...
    @overload
    def register(self, name: str, entry: T | str) -> None: ...

    def register(self, name: str, entry: Any = None) -> Any:
        """Register ``entry`` (an object, or a ``"module:attr"`` string imported on first use) as ``name``.

        Without ``entry`` this is a decorator. A name registered twice raises ``ValueError``.
        """
        if entry is None:
            def decorate(obj: T) -> T:
                self._add(name, obj)
                return obj
            return decorate
        self._add(name, entry)
        return None

    def _add(self, name: str, entry: T | str) -> None:
        if name in self._entries:
            raise ValueError(f"a {self.kind} is already registered as {name!r}")
        if isinstance(entry, str) and ":" not in entry:
            raise ValueError(f"a {self.kind} target must be an object or 'module:attr', got {entry!r}")
        self._entries[name] = entry

    def get(self, name: str) -> T:
        """The entry registered as ``name`` (importing a ``"module:attr"`` target); unknown names raise."""
        try:
            entry = self._entries[name]
        except KeyError:
            raise self.error(self.unknown(name)) from None
        if isinstance(entry, str):
            entry = resolve_target(entry)
            self._entries[name] = entry
        return entry

    def unknown(self, name: str) -> str:
        """The message for an unknown ``name``: the available names and the closest one."""
        names = self.names()
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown {self.kind} {name!r}; available: {', '.join(names) or 'none'}{hint}"

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)

    def items(self) -> Iterator[tuple[str, T]]:
        """``(name, entry)`` pairs in name order (imports every lazy target)."""
        for name in self.names():
            yield name, self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)


def resolve_target(target: str) -> Any:
    """Import ``"module:attr"`` (``attr`` may be dotted) and return the attribute; errors name the target."""
    module_name, _, attr = target.partition(":")
    if not module_name or not attr:
        raise NewsEventsError(f"expected 'module:attr', got {target!r}")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as err:
        raise NewsEventsError(f"cannot import {module_name!r} for {target!r}: {err}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise NewsEventsError(f"module {module_name!r} has no attribute {attr!r} (from {target!r})") from None
    return obj


def keyword_options(function: Callable[..., Any], *, skip: int = 0) -> tuple[str, ...]:
    """The keyword parameters ``function`` takes, after its first ``skip`` positional ones."""
    parameters = list(inspect.signature(function).parameters.values())[skip:]
    return tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def check_options(what: str, accepted: tuple[str, ...], given: dict[str, Any],
                  error: type[NewsEventsError] = NewsEventsError) -> None:
    """Raise ``error`` naming ``what`` and the accepted options when ``given`` holds one not in ``accepted``."""
    for option in given:
        if option not in accepted:
            close = difflib.get_close_matches(option, accepted, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise error(f"{what} takes no option {option!r}; {hint}valid: {', '.join(accepted) or 'none'}")
