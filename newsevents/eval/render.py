"""Renderers: a :class:`~newsevents.eval.report.Report` (and optionally a Comparison) in, text out.

* :func:`to_json`: the report's versioned JSON layout (``Report.to_dict()``);
* :func:`to_markdown`: tables of every part of the report, the error analysis and the definitions;
* :func:`to_html`: one self-contained page (inline CSS, no script, no external URL) with the same
  tables and figures drawn with matplotlib's Agg backend, embedded as base64 PNG.

Nothing here scores: the renderers only read what the report holds. Both text formats are written
from one list of blocks (:func:`report_blocks`), so Markdown and HTML always show the same tables.
Every string that comes from data (document text, ids, labels, definitions) is escaped: HTML with
:func:`html.escape`; Markdown additionally escapes ``\\ ` * |`` and turns line breaks into spaces,
so a cell stays one table cell. P, R and F1 are shown as percentages with two decimals.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from newsevents.eval.counts import Score
from newsevents.eval.metrics import GROUPS, metric_names
from newsevents.eval.report import Report

if TYPE_CHECKING:
    from newsevents.eval.compare import Comparison


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Snippet:
    """A table cell showing ``span`` highlighted between its ``left`` and ``right`` context."""

    left: str
    span: str
    right: str


Cell = Union[str, Snippet]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Terms:
    """A definition list: ``(term, definition)`` pairs."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Image:
    """A PNG figure (HTML only; Markdown shows the same numbers as tables)."""

    png: bytes
    caption: str


Block = Union[Heading, Paragraph, Table, Terms, Image]

SCORE_HEADERS = ("P", "R", "F1", "n_gold", "n_pred", "n_match")
#: The report's metric tables: (title, metric names), from the metric declarations.
METRIC_GROUPS = tuple((title, metric_names(group)) for group, (title, _) in GROUPS.items())
ERROR_LAYERS = (("triggers", "Triggers"), ("arguments", "Arguments"), ("entities", "Entity mentions"))


def percent(value: float) -> str:
    return f"{100 * value:.2f}"


def interval(bounds: Iterable[float]) -> str:
    low, high = bounds
    return f"[{percent(low)}, {percent(high)}]"


def _score_cells(score: Score) -> tuple[str, ...]:
    return (percent(score.precision), percent(score.recall), percent(score.f1),
            str(score.n_gold), str(score.n_pred), str(score.n_match))


def _metric_blocks(report: Report) -> list[Block]:
    blocks: list[Block] = []
    for title, names in METRIC_GROUPS:
        rows = tuple((name, *_score_cells(report.metrics[name].score), interval(report.metrics[name].ci95["f1"]))
                     for name in names if name in report.metrics)
        if rows:
            blocks += [Heading(title), Table(("metric", *SCORE_HEADERS, "95% CI of F1"), rows)]
    return blocks


def _label_blocks(title: str, column: str, tables: Mapping[str, Mapping[str, Score]], figures: bool) -> list[Block]:
    blocks: list[Block] = [Heading(title)]
    for metric, scores in tables.items():
        blocks += [Heading(f"{metric} by {column}", 3),
                   Table((column, *SCORE_HEADERS), tuple((label, *_score_cells(s)) for label, s in scores.items()))]
        if figures and metric == "TC" and scores:
            blocks.append(Image(type_bars_png(scores), f"{metric} F1 by {column} (n = gold items)"))
    return blocks


def _summary(report: Report) -> str:
    options, documents = report.options, report.documents
    missing = documents.get("without_prediction", [])
    listed = f" ({', '.join(missing[:10])}{', ...' if len(missing) > 10 else ''})" if missing else ""
    return (f"Span mode: {options.get('span_mode')}; entity scope: {options.get('entity_scope')}; bootstrap: {options.get('bootstrap')} resamples, seed {options.get('seed')}; "
            f"schema: {options.get('schema') or 'none'}. Documents: {documents.get('gold')} gold, "
            f"{documents.get('predicted')} predicted, {len(missing)} without prediction{listed}. "
            "P, R and F1 are percentages.")


def _side(side: Mapping[str, Any] | None) -> str:
    """One side of an error example as text: labels, then each named span with its text and offsets."""
    if side is None:
        return "-"
    labels = " ".join(filter(None, (side.get("type"), side.get("role"))))
    spans = "; ".join(f"{name} \u201c{s['text']}\u201d {s['start']}-{s['end']}" for name, s in side["spans"].items())
    ids = f" ({', '.join(side['ids'])})" if side.get("ids") else ""
    return f"{labels}: {spans}{ids}"


def error_blocks(errors: Mapping[str, Any], *, figures: bool = False) -> list[Block]:
    """The error analysis part of a report (``Report.errors``, the layout of ``ErrorAnalysis.to_dict()``)."""
    blocks: list[Block] = [Heading("Errors")]
    if not errors:
        return blocks + [Paragraph("No error analysis in this report.")]
    for name, title in ERROR_LAYERS:
        layer = errors.get(name)
        if not layer:
            continue
        gold_side, pred_side = set(layer["gold_classes"]), set(layer["pred_classes"])
        sides = {k: " + ".join(s for s, member in (("gold", k in gold_side), ("predicted", k in pred_side)) if member)
                 for k in layer["counts"]}
        blocks += [
            Heading(f"{title} ({layer['metric']})", 3),
            Paragraph(f"Unmatched: {layer['n_gold'] - layer['n_match']} of {layer['n_gold']} gold items, "
                      f"{layer['n_pred'] - layer['n_match']} of {layer['n_pred']} predicted items."),
            Table(("class", "count", "side", "definition"),
                  tuple((k, str(n), sides[k], layer["definitions"][k]) for k, n in layer["counts"].items())),
        ]
        examples = tuple(
            (e["class"], e["document"], _side(e["gold"]), _side(e["pred"]),
             Snippet(e["context"]["left"], e["context"]["span"], e["context"]["right"]))
            for kind in layer["counts"] for e in layer["examples"].get(kind, ())
        )
        if examples:
            blocks.append(Table(("class", "document", "gold", "predicted", "context"), examples))
    confusion = errors.get("confusion")
    if confusion and len(confusion["labels"]) > 1:  # more than "(none)"
        blocks += [
            Heading("Event type confusion (TC triggers)", 3),
            Paragraph(confusion.get("definition", "")),
            Table(("gold \\ predicted", *confusion["labels"]),
                  tuple((label, *map(str, row)) for label, row in zip(confusion["labels"], confusion["matrix"]))),
        ]
        if figures:
            blocks.append(Image(confusion_png(confusion["labels"], confusion["matrix"]), "Event type confusion (rows gold, columns predicted)"))
    return blocks


def comparison_blocks(comparison: Comparison) -> list[Block]:
    """The table of a paired comparison of two systems."""
    options = comparison.options
    rows = tuple(
        (name, percent(m.f1_a), percent(m.f1_b), f"{100 * m.delta:+.2f}", interval(m.ci95), f"{m.p_value:.3f}")
        for name, m in comparison.metrics.items()
    )
    return [
        Heading("Comparison of two systems (B - A)"),
        Paragraph(f"Paired bootstrap over {options['documents']} documents: {options['resamples']} resamples, "
                  f"seed {options['seed']}, span mode {options['span_mode']}, entity scope {options['entity_scope']}. "
                  "F1 and deltas are percentage points."),
        Table(("metric", "F1 A", "F1 B", "delta (B - A)", "95% CI of delta", "p"), rows),
        Terms(tuple(comparison.definitions.items())),
    ]


def _span_mode_blocks(report: Report) -> list[Block]:
    if len(report.span_modes) < 2:
        return []
    modes = list(report.span_modes)
    names = list(next(iter(report.span_modes.values())))
    rows = tuple((name, *(percent(report.span_modes[mode][name].f1) for mode in modes)) for name in names)
    return [Heading("Span modes"), Paragraph("F1 of the headline metrics when spans must be equal (exact), share a character "
                                             "(overlap) or hold the gold head word (head): the gaps show boundary habits."),
            Table(("metric", *(f"F1 {mode}" for mode in modes)), rows)]


def generation_blocks(generation: Mapping[str, Any]) -> list[Block]:
    """The section for generated systems: requests, tokens, time, cost, dropped quotes, labels outside the ontology."""
    totals = generation.get("totals", {})
    documents = generation.get("documents", 0)
    terms = [("documents", str(documents)), ("requests sent", str(totals.get("requests", 0))),
             ("answers from the cache", str(totals.get("cached", 0))),
             ("prompt tokens", f"{totals.get('prompt_tokens', 0):,}"), ("completion tokens", f"{totals.get('completion_tokens', 0):,}"),
             ("model seconds (sum over requests)", f"{totals.get('seconds', 0.0):.2f}"),
             ("wall seconds", f"{generation.get('wall_seconds', 0.0):.2f}")]
    cost = generation.get("cost")
    if cost:
        terms.append(("cost per 1,000 documents", f"{cost['per_1000_documents']:.4f} (prices per million tokens: "
                                                  f"prompt {cost['price_per_million_prompt_tokens']}, completion {cost['price_per_million_completion_tokens']})"))
    blocks: list[Block] = [Heading("Generated output"), Terms(tuple(terms))]
    dropped = generation.get("dropped", {})
    blocks += [Heading("Quotes and answers dropped", 3),
               Table(("what:reason", "count"), tuple((k, str(v)) for k, v in dropped.items())) if dropped else Paragraph("None.")]
    unknown = tuple((kind, ", ".join(f"{label} ({n})" for label, n in labels.items()))
                    for kind, labels in generation.get("unknown_labels", {}).items() if labels)
    blocks += [Heading("Labels outside the ontology", 3),
               Table(("kind", "labels (count)"), unknown) if unknown else Paragraph("None.")]
    return blocks


def report_blocks(report: Report, comparison: Comparison | None = None, *, figures: bool = False) -> list[Block]:
    """Everything a rendered report shows, in order; ``figures`` draws the PNG figures too."""
    blocks: list[Block] = [Heading("Evaluation report", 1), Paragraph(_summary(report))]
    if report.warnings:
        blocks += [Heading("Warnings"), Table(("warning", "what it means"),
                                              tuple((w["code"], w["message"]) for w in report.warnings))]
    blocks += _metric_blocks(report)
    blocks += _span_mode_blocks(report)
    blocks += _label_blocks("Per event type", "event type", report.per_type, figures)
    blocks += _label_blocks("Per role", "role", report.per_role, False)
    blocks += [Heading("Macro averages"), Table(
        ("table", "P", "R", "F1", "labels"),
        tuple((name, percent(m["precision"]), percent(m["recall"]), percent(m["f1"]), str(m["labels"]))
              for name, m in report.macro.items()),
    )]
    blocks += [Heading("Realis"), Paragraph(
        f"Accuracy {percent(report.realis.get('accuracy', 0.0))}% over {report.realis.get('n', 0)} trigger pairs "
        "matched for TC where both sides have a realis value.")]
    unknown = tuple((kind, ", ".join(labels)) for kind, labels in report.unknown_labels.items() if labels)
    blocks += [Heading("Unknown labels"),
               Table(("kind", "labels"), unknown) if unknown else Paragraph("None (or no schema was given).")]
    blocks += error_blocks(report.errors, figures=figures)
    if comparison is not None:
        blocks += comparison_blocks(comparison)
    if report.run.get("generation"):
        blocks += generation_blocks(report.run["generation"])
    if report.run:
        blocks += [Heading("Run"), Terms(tuple((k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                                               for k, v in report.run.items()))]
    blocks += [Heading("Definitions"), Terms(tuple(report.definitions.items()))]
    return blocks


# ---------------------------------------------------------------- figures (matplotlib, Agg) ----


def _png(draw: Callable[[Any], None], size: tuple[float, float]) -> bytes:
    """Draw on one axes of a new Agg figure (no pyplot, no global state) and return the PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _plain(label: str) -> str:
    """A label matplotlib shows as it is (a ``$`` would start mathtext)."""
    return label.replace("$", r"\$")


def type_bars_png(scores: Mapping[str, Score]) -> bytes:
    """Horizontal bars of F1 (%) per label, annotated with the number of gold items."""
    labels = list(scores)

    def draw(ax: Any) -> None:
        positions = range(len(labels))
        values = [100 * scores[label].f1 for label in labels]
        ax.barh(positions, values, color="#4c72b0")
        ax.set_yticks(positions, [_plain(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 125)
        ax.set_xlabel("F1 (%)")
        for y, (label, value) in enumerate(zip(labels, values)):
            ax.text(value + 1, y, f"{value:.1f} (n={scores[label].n_gold})", va="center", fontsize=8)

    return _png(draw, (7.0, 1.2 + 0.35 * len(labels)))


def confusion_png(labels: list[str], matrix: list[list[int]]) -> bytes:
    """A heat map of the confusion matrix with the count in each cell."""
    def draw(ax: Any) -> None:
        ax.imshow(matrix, cmap="Blues")
        ticks = range(len(labels))
        ax.set_xticks(ticks, [_plain(label) for label in labels], rotation=45, ha="right")
        ax.set_yticks(ticks, [_plain(label) for label in labels])
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        top = max((max(row) for row in matrix), default=0)
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                        color="white" if value > top / 2 else "black")

    side = 2.0 + 0.5 * len(labels)
    return _png(draw, (side + 1.0, side))


# ---------------------------------------------------------------------------- writers ----

_MD_SPECIAL = re.compile(r"([\\`*|])")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _md(text: str) -> str:
    """Markdown-safe inline text: HTML-escaped, Markdown specials backslashed, one line."""
    return _LINE_BREAKS.sub(" ", _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False)))


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Snippet):
        return f"{_md(cell.left)}**{_md(cell.span)}**{_md(cell.right)}"
    return _md(cell)


def to_markdown_blocks(blocks: Iterable[Block]) -> str:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {_md(block.text)}")
        elif isinstance(block, Paragraph):
            out.append(_md(block.text))
        elif isinstance(block, Table):
            lines = ["| " + " | ".join(map(_md, block.headers)) + " |", "|" + " --- |" * len(block.headers)]
            lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            out.append("\n".join(lines))
        elif isinstance(block, Terms):
            out.append("\n".join(f"- **{_md(term)}**: {_md(text)}" for term, text in block.items))
    return "\n\n".join(out) + "\n"


def _html_cell(cell: Cell, tag: str = "td") -> str:
    if isinstance(cell, Snippet):
        inner = f'{html.escape(cell.left)}<mark>{html.escape(cell.span)}</mark>{html.escape(cell.right)}'
        return f'<{tag} class="context">{inner}</{tag}>'
    return f"<{tag}>{html.escape(cell)}</{tag}>"


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.context { font-family: ui-monospace, monospace; white-space: pre-wrap; max-width: 40em; }
mark { background: #ffe08a; }
dt { font-weight: bold; margin-top: 0.5em; }
figure { margin: 1em 0; }
img { max-width: 100%; }
"""


def to_html_blocks(blocks: Iterable[Block], title: str = "Evaluation report") -> str:
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            body.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(_html_cell(h, "th") for h in block.headers)
            rows = "\n".join(f"<tr>{''.join(map(_html_cell, row))}</tr>" for row in block.rows)
            body.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>")
        elif isinstance(block, Terms):
            items = "\n".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in block.items)
            body.append(f"<dl>\n{items}\n</dl>")
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            caption = html.escape(block.caption)
            body.append(f'<figure><img alt="{caption}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{caption}</figcaption></figure>")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


# ----------------------------------------------------------------------- public API ----


def to_json(report: Report) -> str:
    """The report's JSON layout (see :mod:`newsevents.eval.report`), indented, UTF-8 kept."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def to_markdown(report: Report, comparison: Comparison | None = None) -> str:
    """Every table of the report (and of ``comparison``), the error analysis and the definitions."""
    return to_markdown_blocks(report_blocks(report, comparison))


def to_html(report: Report, comparison: Comparison | None = None) -> str:
    """One self-contained HTML page: the Markdown's tables plus per-type F1 bars and the confusion heat map."""
    return to_html_blocks(report_blocks(report, comparison, figures=True))


def comparison_markdown(comparison: Comparison) -> str:
    """The comparison of two systems alone, as Markdown."""
    return to_markdown_blocks(comparison_blocks(comparison))
