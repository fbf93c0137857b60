"""Renderers: JSON layout, Markdown tables with the right numbers, a self-contained and escaped HTML page."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace

import pytest
from test_error_analysis import one_of_each

from newsevents.eval.compare import compare
from newsevents.eval.render import to_html, to_json, to_markdown
from newsevents.eval.score import score

HOSTILE_TEXT = " positions. <script>alert(1)</script> & co."
HOSTILE_ID = "d<1>&co"
HOSTILE_TYPE = "X<i>$a$&"  # also mathtext for matplotlib


@pytest.fixture(scope="module")
def pair():
    gold, pred = one_of_each(HOSTILE_ID, tail=HOSTILE_TEXT)
    # The spurious "protest" gets a label with markup and dollars.
    events = tuple(replace(e, type=HOSTILE_TYPE) if e.id == "E4" else e for e in pred.events)
    return gold, replace(pred, events=events)


@pytest.fixture(scope="module")
def report(pair):
    gold, pred = pair
    report = score([gold], [pred], bootstrap=0)
    report.run = {"system": "test <system>", "seconds": 1.5}
    return report


def test_json_is_the_report_layout(report):
    text = to_json(report)
    assert json.loads(text) == json.loads(json.dumps(report.to_dict()))
    assert text.startswith('{\n  "format": "newsevents-eval/1"')


def test_markdown_headline_rows(report):
    text = to_markdown(report)
    assert "| metric | P | R | F1 | n_gold | n_pred | n_match | 95% CI of F1 |" in text
    # TI: 3 of 5 trigger spans; TC: 2 of 5 (raid has the wrong type); AC+: 1 of 6 arguments.
    assert "| TI | 60.00 | 60.00 | 60.00 | 5 | 5 | 3 | [60.00, 60.00] |" in text
    assert "| TC | 40.00 | 40.00 | 40.00 | 5 | 5 | 2 | [40.00, 40.00] |" in text
    assert "| AC+ | 16.67 | 16.67 | 16.67 | 6 | 6 | 1 | [16.67, 16.67] |" in text
    # Entities (argument entities, the default scope): 3 of 6 gold fillers, 3 of 5 predicted ones.
    assert "| entities | 60.00 | 50.00 | 54.55 | 6 | 5 | 3 | [54.55, 54.55] |" in text
    assert "entity scope: arguments" in text
    assert "| TC-strict |" in text and "| AC-coref |" in text
    assert "### TC by event type" in text and "### AC by role" in text
    assert "| Life.Die | 100.00 | 100.00 | 100.00 | 1 | 1 | 1 |" in text
    assert "| TC by type |" in text  # macro averages
    assert "## Realis" in text and "## Unknown labels" in text


def test_markdown_intervals_come_from_the_report():
    gold = [one_of_each(f"d{i}")[0] for i in range(4)]
    pred = [one_of_each(f"d{i}")[1] if i % 2 else one_of_each(f"d{i}")[0] for i in range(4)]
    report = score(gold, pred, bootstrap=200, seed=1)
    low, high = report.metrics["TC"].ci95["f1"]
    assert low < high
    assert f"| TC | 70.00 | 70.00 | 70.00 | 20 | 20 | 14 | [{100 * low:.2f}, {100 * high:.2f}] |" in to_markdown(report)


def test_markdown_errors_confusion_definitions(report):
    text = to_markdown(report)
    assert "## Errors" in text
    assert "### Arguments (AC+)" in text
    assert "Unmatched: 5 of 6 gold items, 5 of 6 predicted items." in text
    for row in ("| wrong_event | 1 | gold + predicted |", "| trigger_missed | 1 | gold |", "| spurious | 1 | predicted |"):
        assert row in text
    assert "| wrong_type | Justice.Arrest: trigger \u201craid\u201d" not in text  # gold side comes first
    assert "| wrong_type | d&lt;1&gt;&amp;co | Conflict.Attack: trigger \u201craid\u201d" in text
    assert "**raid**" in text
    assert "| gold \\\\ predicted | Conflict.Attack | Justice.Arrest | Life.Die | X&lt;i&gt;$a$&amp; | (none) |" in text
    assert "| Conflict.Attack | 0 | 1 | 0 | 0 | 2 |" in text
    assert "## Definitions" in text
    for key in report.definitions:
        assert f"- **{key}**:" in text
    assert "- **system**: test &lt;system&gt;" in text


def test_markdown_escapes_document_text(report):
    text = to_markdown(report)
    assert "<script>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co." in text


def test_html_is_one_self_contained_escaped_page(report):
    page = to_html(report)
    assert page.startswith("<!DOCTYPE html>") and page.count("<html") == 1 and page.rstrip().endswith("</html>")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2  # TC F1 per type, confusion heat map
    assert all(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") for data in images)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co." in page
    assert "d&lt;1&gt;&amp;co" in page and "X&lt;i&gt;$a$&amp;" in page and "<i>" not in page
    rest = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "http" not in rest and "url(" not in rest and "<link" not in rest and "@import" not in rest
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'src="([^"]*)"', page))
    assert "<td>TC</td><td>40.00</td><td>40.00</td><td>40.00</td><td>5</td><td>5</td><td>2</td><td>[40.00, 40.00]</td>" in page
    assert "<mark>raid</mark>" in page


def test_comparison_section_and_report_without_errors(pair):
    gold, pred = pair
    report = score([gold], [pred], bootstrap=0, errors=False)
    comparison = compare([gold], [pred], [gold], resamples=50)
    text = to_markdown(report, comparison)
    assert "No error analysis in this report." in text
    assert "## Comparison of two systems (B - A)" in text
    assert "| TC | 40.00 | 100.00 | +60.00 | [60.00, 60.00] | 0.000 |" in text
    page = to_html(report, comparison)
    assert "Comparison of two systems (B - A)" in page
    assert page.count("data:image/png;base64,") == 1  # no confusion matrix without the error analysis
