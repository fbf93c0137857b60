"""The dataset card (``README.md`` of a built dataset folder) and Markdown tables of statistics.

The card's YAML header is what the Hugging Face Hub and ``datasets.load_dataset`` read: ``configs``
(one per config, ``documents`` the default, with one data file per split), ``license``,
``language``, ``task_categories``, ``tags`` and ``pretty_name``. The prose carries the statistics,
computed by :func:`newsevents.corpus.stats.corpus_stats` from the very documents written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import yaml

from newsevents import __version__
from newsevents.annotation.schema import Schema
from newsevents.corpus.stats import CorpusStats

#: Text licences as they appear in sources -> Hugging Face licence identifiers.
HUB_LICENSES = {"CC BY 2.5": "cc-by-2.5", "CC BY-SA 4.0": "cc-by-sa-4.0", "CC BY 4.0": "cc-by-4.0"}


def hub_licenses(licenses: Sequence[str]) -> list[str]:
    """Hub licence ids of the texts; anything unknown (or missing) is ``other``."""
    return sorted({HUB_LICENSES.get(name, "other") for name in licenses} or {"other"})


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def stats_markdown(stats: CorpusStats) -> str:
    """Markdown tables: overview per split, documents per source, events per type, arguments per role, realis."""
    columns = ["all"] + list(stats.splits)
    parts = [stats] + list(stats.splits.values())

    def row(name: str, get) -> list[object]:  # type: ignore[no-untyped-def]
        return [name] + [get(p) for p in parts]

    overview = _table(["", *columns], [
        row("documents", lambda s: s.documents),
        row("documents with events", lambda s: s.annotated_documents),
        row("sentences", lambda s: s.sentences),
        row("tokens", lambda s: s.tokens),
        row("entity mentions", lambda s: s.entities),
        row("entity clusters", lambda s: s.entity_clusters),
        row("event mentions", lambda s: s.events),
        row("event hoppers", lambda s: s.hoppers),
        row("arguments", lambda s: s.arguments),
    ])

    def breakdown(title: str, key: str) -> str:
        names = sorted(getattr(stats, key))
        if not names:
            return f"### {title}\n\nnone"
        return f"### {title}\n\n" + _table(["", *columns], [row(n, lambda s, n=n: getattr(s, key).get(n, 0)) for n in names])

    return "\n\n".join([
        "### Overview\n\n" + overview,
        breakdown("Documents per source", "by_source"),
        breakdown("Event mentions per type", "events_by_type"),
        breakdown("Arguments per role", "arguments_by_role"),
        breakdown("Entity mentions per type", "entities_by_type"),
        breakdown("Realis of event mentions", "realis"),
    ])


def dataset_card(
    stats: CorpusStats,
    schema: Schema,
    data_files: Mapping[str, Mapping[str, str]],
    licenses: Sequence[str],
    sources: Mapping[str, str] | None = None,
) -> str:
    """The full ``README.md`` of a dataset folder.

    Parameters
    ----------
    data_files : mapping
        ``{config: {split: relative path}}``; the first config is the default.
    licenses : sequence of str
        The text licences of the documents (as the manifest spells them).
    sources : mapping, optional
        Source name -> attribution line.
    """
    configs = []
    for index, (config, splits) in enumerate(data_files.items()):
        entry: dict[str, object] = {"config_name": config}
        if index == 0:
            entry["default"] = True
        entry["data_files"] = [{"split": split, "path": path} for split, path in splits.items()]
        configs.append(entry)
    header = {
        "pretty_name": "newsevents",
        "language": ["en"],
        "license": hub_licenses(licenses),
        "task_categories": ["token-classification"],
        "tags": ["event-extraction", "information-extraction", "news", "political-violence", "security", "argument-extraction"],
        "size_categories": ["n<1K" if stats.documents < 1000 else "1K<n<10K"],
        "configs": configs,
    }
    attribution = "\n".join(f"- **{name}**: {line}" for name, line in (sources or {}).items()) or "- see the `license` and `url` columns"
    event_rows = [[e.name, e.definition, ", ".join(e.role_names)] for e in schema.event_types]
    return f"""---
{yaml.safe_dump(header, sort_keys=False, allow_unicode=True).strip()}
---

# newsevents

Event extraction from news about security and political violence: arrests, attacks, killings and
injuries, cross-border movement, designations and sanctions, claims of responsibility, accusations
and trials. Built with newsevents {__version__}, ontology {schema.name} {schema.version}.

## Configs

- `documents` (default): one row per document; `text`, metadata, paragraphs, sentences and tokens
  (character offsets, end-exclusive, Unicode code points), entity mentions (with coreference
  `cluster`) and event mentions (trigger, type, arguments by role, `realis`, `hopper`).
- `sentences`: one row per sentence; `tokens` with `trigger_tags` and `entity_tags` in IOB2 as
  `ClassLabel` sequences, for sequence labelling.

```python
from datasets import load_dataset
docs = load_dataset("path/to/this/folder", "documents")
sentences = load_dataset("path/to/this/folder", "sentences")
```

## Statistics

{stats_markdown(stats)}

## Event types

{_table(["type", "definition", "roles"], event_rows)}

## Sources and licences

Each document keeps the licence of its text (`license` column) and links to its origin (`url`).

{attribution}
"""
