"""Paired comparison of two systems: deltas, paired bootstrap intervals, p-values, determinism."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from strategies import DocumentBuilder

from newsevents.document import Argument, Document
from newsevents.errors import NewsEventsError
from newsevents.eval.compare import compare, paired_p_value
from newsevents.eval.render import comparison_markdown as to_markdown
from newsevents.eval.metrics import ALL_METRICS
from newsevents.eval.score import score


def corpus(n: int = 30) -> list[Document]:
    docs = []
    for i in range(n):
        b = DocumentBuilder(f"doc{i:02d}")
        b.entity("T1", "ORG", "Police")
        b.write(" ")
        b.event("E1", "Justice.Arrest", "arrested", [Argument("Agent", entity="T1"), Argument("Detainee", entity="T2")])
        b.write(" ")
        b.entity("T2", "PER", f"suspect {i}")
        b.write(". A ")
        b.entity("T3", "WEA", "bomb")
        b.write(" ")
        b.event("E2", "Life.Die", "killed", [Argument("Instrument", entity="T3"), Argument("Victim", entity="T4")])
        b.write(" ")
        b.entity("T4", "PER", "two men")
        b.write(".")
        docs.append(b.build())
    return docs


def degrade(docs: list[Document], every: int, offset: int = 0) -> list[Document]:
    """Drop the second event of every ``every``-th document and retype the first of the next one."""
    out = []
    for i, doc in enumerate(docs):
        if i % every == offset:
            doc = replace(doc, events=doc.events[:1])
        elif i % every == offset + 1:
            doc = replace(doc, events=(replace(doc.events[0], type="Conflict.Attack"), *doc.events[1:]))
        out.append(doc)
    return out


GOLD = corpus()
WORSE = degrade(GOLD, every=2)     # errors in every document
BETTER = degrade(GOLD, every=10)   # errors in 6 of 30 documents


def test_identical_systems_have_delta_zero_and_p_one():
    result = compare(GOLD, WORSE, WORSE, resamples=200)
    assert list(result.metrics) == list(ALL_METRICS)
    for m in result.metrics.values():
        assert m.f1_a == m.f1_b
        assert m.delta == 0.0
        assert m.ci95 == (0.0, 0.0)  # paired: the same resample weights for both systems
        assert m.p_value == 1.0


def test_a_clearly_better_system():
    result = compare(GOLD, WORSE, BETTER, resamples=500, seed=1)
    for name in ("TI", "TC", "AC", "AC+"):
        m = result.metrics[name]
        assert m.delta > 0
        assert m.delta == pytest.approx(m.f1_b - m.f1_a)
        assert 0 < m.ci95[0] <= m.delta <= m.ci95[1]
        assert m.p_value < 0.01
    # F1 values are the scorer's.
    assert result.metrics["TC"].f1_a == score(GOLD, WORSE, bootstrap=0).f1("TC")
    assert result.metrics["AC+"].f1_b == score(GOLD, BETTER, bootstrap=0).f1("AC+")
    # TC over 60 gold triggers: WORSE drops 15 and retypes 15 (45 predicted, 30 right); BETTER drops 3
    # and retypes 3 (57 predicted, 54 right).
    assert result.metrics["TC"].f1_a == pytest.approx(2 * 30 / (60 + 45))
    assert result.metrics["TC"].f1_b == pytest.approx(2 * 54 / (60 + 57))
    # Entities were never touched: no difference when every mention counts (entity_scope="all").
    every = compare(GOLD, WORSE, BETTER, resamples=500, seed=1, entity_scope="all")
    assert every.metrics["entities"].delta == 0.0 and every.metrics["entities"].p_value == 1.0
    assert every.options["entity_scope"] == "all" and every.metrics["TC"] == result.metrics["TC"]
    # By default a dropped Die takes its fillers ("bomb", "two men") out of the predicted mentions: of 120
    # gold mentions, WORSE predicts 15 * 2 + 15 * 4 = 90, BETTER 3 * 2 + 27 * 4 = 114, all right.
    assert result.metrics["entities"].f1_a == pytest.approx(2 * 90 / (120 + 90))
    assert result.metrics["entities"].f1_b == pytest.approx(2 * 114 / (120 + 114))


def test_swapping_the_systems_mirrors_the_result():
    forward = compare(GOLD, WORSE, BETTER, resamples=300, seed=3).metrics["AC"]
    backward = compare(GOLD, BETTER, WORSE, resamples=300, seed=3).metrics["AC"]
    assert backward.delta == -forward.delta
    assert backward.ci95 == pytest.approx((-forward.ci95[1], -forward.ci95[0]))
    assert backward.p_value == forward.p_value


def test_same_seed_same_numbers():
    first = compare(GOLD, WORSE, BETTER, resamples=300, seed=7)
    assert compare(GOLD, WORSE, BETTER, resamples=300, seed=7).to_dict() == first.to_dict()
    assert compare(GOLD, WORSE, BETTER, resamples=300, seed=8).metrics["TC"].ci95 != first.metrics["TC"].ci95
    assert first.to_dict()["options"] == {"resamples": 300, "seed": 7, "span_mode": "exact", "entity_scope": "arguments",
                                          "documents": 30}


def test_p_value_definition():
    assert paired_p_value(0.1, np.array([0.2, 0.1, -0.1, 0.3])) == pytest.approx(0.5)
    assert paired_p_value(0.1, np.array([0.2, 0.0, -0.1, 0.3])) == pytest.approx(1.0)   # zero is another sign; capped
    assert paired_p_value(-0.1, np.array([-0.2, -0.1, -0.1, 0.3])) == pytest.approx(0.5)
    assert paired_p_value(0.0, np.array([0.2, 0.1])) == 1.0
    assert paired_p_value(0.1, np.array([0.2, 0.1])) == 0.0
    both = paired_p_value(np.array([0.1, 0.0]), np.array([[0.2, 0.1], [-0.1, 0.0]]))
    assert both.tolist() == [1.0, 1.0]


def test_no_documents_and_missing_predictions():
    empty = compare([], [], [], resamples=10)
    assert all(m.delta == 0.0 and m.p_value == 1.0 and m.ci95 == (0.0, 0.0) for m in empty.metrics.values())
    # No prediction at all for system A: it predicts nothing, B is perfect.
    result = compare(GOLD[:5], [], GOLD[:5], resamples=100)
    assert result.metrics["TC"].delta == 1.0 and result.metrics["TC"].p_value == 0.0


def test_bad_input_raises():
    with pytest.raises(NewsEventsError, match="unknown span mode 'fuzzy'"):
        compare(GOLD, WORSE, BETTER, span_mode="fuzzy")
    with pytest.raises(NewsEventsError, match="resamples must be at least 1"):
        compare(GOLD, WORSE, BETTER, resamples=0)
    with pytest.raises(NewsEventsError, match="not in gold"):
        compare(GOLD[:2], WORSE, BETTER)


def test_overlap_mode_and_markdown():
    result = compare(GOLD, WORSE, BETTER, resamples=200, span_mode="overlap")
    assert result.options["span_mode"] == "overlap"
    text = to_markdown(result)
    tc = result.metrics["TC"]
    low, high = tc.ci95
    assert (f"| TC | {100 * tc.f1_a:.2f} | {100 * tc.f1_b:.2f} | {100 * tc.delta:+.2f} | "
            f"[{100 * low:.2f}, {100 * high:.2f}] | {tc.p_value:.3f} |") in text
    assert "| metric | F1 A | F1 B | delta (B - A) | 95% CI of delta | p |" in text
    assert "Two-sided paired-bootstrap p-value" in text
