"""The one registry: names, lazy ``module:attr`` targets, unknown names with the closest suggestion."""

from __future__ import annotations

import pytest

from newsevents import formats
from newsevents.errors import NewsEventsError
import newsevents.baselines  # noqa: F401  (registers the baseline runner, as the CLI does)
import newsevents.llm  # noqa: F401  (registers the llm runner)
from newsevents.extractors import RUNNERS
from newsevents.registry import Registry, UnknownNameError, check_options, keyword_options, resolve_target


def test_register_by_decorator_and_lazily_by_target():
    shapes: Registry[object] = Registry("shape")

    @shapes.register("square")
    class Square:
        pass

    shapes.register("fraction", "fractions:Fraction")
    assert shapes.names() == ["fraction", "square"]
    assert "fraction" in shapes and len(shapes) == 2
    from fractions import Fraction
    assert shapes.get("fraction") is Fraction and shapes.get("square") is Square


def test_unknown_name_lists_the_available_ones_and_the_closest():
    shapes: Registry[int] = Registry("shape")
    shapes.register("square", 4)
    shapes.register("circle", 0)
    with pytest.raises(UnknownNameError, match=r"^unknown shape 'squre'; available: circle, square; did you mean 'square'\?$"):
        shapes.get("squre")
    with pytest.raises(LookupError, match=r"^unknown shape 'hexagon'; available: circle, square$"):
        shapes.get("hexagon")


def test_a_name_registered_twice_and_a_bad_target_are_refused():
    shapes: Registry[int] = Registry("shape")
    shapes.register("square", 4)
    with pytest.raises(ValueError, match="already registered as 'square'"):
        shapes.register("square", 5)
    with pytest.raises(ValueError, match="'module:attr'"):
        shapes.register("circle", "no-colon")
    shapes.register("ghost", "newsevents.document:NoSuchThing")
    with pytest.raises(NewsEventsError, match="has no attribute 'NoSuchThing'"):
        shapes.get("ghost")
    with pytest.raises(NewsEventsError, match="cannot import 'no_such_module_xyz'"):
        resolve_target("no_such_module_xyz:thing")


def test_options_come_from_the_signature():
    def write(path, documents, *, window="document", alignment="strict"):
        pass

    assert keyword_options(write, skip=2) == ("window", "alignment")
    check_options("w", ("window", "alignment"), {"window": "sentence"})
    with pytest.raises(NewsEventsError, match=r"^w takes no option 'windw'; did you mean 'window'\? valid: window, alignment$"):
        check_options("w", ("window", "alignment"), {"windw": 1})


def test_runners_and_formats_share_the_registry():
    assert isinstance(RUNNERS, Registry) and isinstance(formats.FORMATS, Registry)
    assert RUNNERS.names() == ["baseline", "command", "http", "llm", "predictions", "python"]
    assert formats.FORMATS.names() == ["conll", "newsevents", "textee", "wikievents"]
