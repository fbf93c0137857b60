"""Build: manifest + standoff gold + texts -> a validated Hugging Face dataset folder.

Steps, each of which stops the build with an error naming file, line, document and field:

1. :func:`load_corpus` reads ``corpus/manifest.jsonl`` and ``corpus/gold/*.jsonl``; every manifest
   entry needs exactly one gold record and every gold record a manifest entry.
2. Each text is read from the text directories, normalised and segmented exactly as ingestion does;
   its sha256 must equal the manifest's and the gold's (:func:`newsevents.corpus.manifest.join`).
3. Every document is validated against the ontology (:func:`newsevents.validation.validate_all`),
   which checks that each span's text matches the text at its offsets.
4. :func:`resolve_splits` keeps the stored assignment (``corpus/splits.jsonl``) and places new
   documents by its rules, duplicate groups together.
5. :func:`write_dataset` writes ``documents/<split>.parquet``, ``sentences/<split>.parquet`` and
   the ``README.md`` card into a temporary folder beside the output and swaps it in only when
   complete: a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.ontology import Schema
from newsevents.corpus.card import dataset_card
from newsevents.corpus.dedupe import DuplicateReport, find_duplicates
from newsevents.features import document_features, document_row, sentence_features, sentence_row
from newsevents.corpus.manifest import join, load_gold, load_manifest
from newsevents.corpus.segment import Segmenter
from newsevents.bio import sentence_views
from newsevents.corpus.split import SPLITS, SplitAssignment, assign_splits, load_splits
from newsevents.corpus.stats import CorpusStats, corpus_stats
from newsevents.document import Document
from newsevents.errors import FormatError, ValidationError
from newsevents.jsonl import default_permissions
from newsevents.validation import validate_all

#: Attribution lines for the dataset card, by the manifest's ``source``.
SOURCE_ATTRIBUTION = {
    "Wikinews": "Wikinews articles, CC BY 2.5, by Wikinews contributors; each row links its article (`url`).",
    "Wikipedia Current events portal": "Items of Wikipedia's Current events portal, CC BY-SA 4.0, by Wikipedia contributors; `url` links the portal day.",
    "seed": "The project's seed article (third-party wire text, kept as the bundled example).",
}


@dataclass(frozen=True)
class CorpusLayout:
    """Where a corpus folder keeps its parts."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.jsonl"

    @property
    def gold(self) -> Path:
        return self.root / "gold"

    @property
    def splits(self) -> Path:
        return self.root / "splits.jsonl"


@dataclass
class BuildReport:
    out_dir: Path
    stats: CorpusStats
    assignment: SplitAssignment
    duplicates: DuplicateReport
    #: Mentions the BIO view could not tag (overlaps), as ``(document id, kind, start, end, label)``.
    dropped_in_bio: list[tuple[str, str, int, int, str]] = field(default_factory=list)


def load_corpus(
    corpus_dir: str | Path,
    text_dirs: Sequence[str | Path],
    schema: Schema,
    *,
    ids: set[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Document]:
    """Join the manifest's documents with their texts and gold; validate them all.

    Parameters
    ----------
    corpus_dir : path
        Folder with ``manifest.jsonl`` and ``gold/``.
    text_dirs : sequence of path
        Where the manifest's ``text_file`` paths are looked up, in order (the bundled examples last).
    schema : Schema
    ids : set of str, optional
        Only these documents.
    progress : callable, optional
        Called with 1 after each document.

    Raises
    ------
    FormatError, MismatchError, ValidationError
    """
    layout = CorpusLayout(Path(corpus_dir))
    entries = load_manifest(layout.manifest)
    gold = load_gold([layout.gold]) if layout.gold.exists() else {}
    manifest_ids = {e.id for e in entries}
    orphans = sorted(set(gold) - manifest_ids)
    if orphans:
        raise FormatError(f"gold records for documents not in the manifest: {', '.join(orphans)}", file=gold[orphans[0]].location)
    segmenter = Segmenter()
    documents = []
    for entry in entries:
        if ids is not None and entry.id not in ids:
            continue
        if entry.id not in gold:
            raise FormatError("no gold record: add one (empty entities and events for a negative example)", file=str(layout.manifest), document=entry.id)
        documents.append(join(entry, gold[entry.id], text_dirs, segmenter))
        if progress is not None:
            progress(1)
    problems = validate_all(documents, schema, require_gold=True)
    if problems:
        raise ValidationError(problems, file=str(layout.gold))
    return documents


def resolve_splits(documents: Sequence[Document], splits_path: str | Path) -> tuple[SplitAssignment, DuplicateReport]:
    """The stored assignment, extended to documents it does not have yet by its own rules."""
    duplicates = find_duplicates(documents)
    existing = load_splits(splits_path)
    return assign_splits(documents, duplicates, existing=existing), duplicates


def write_dataset(
    documents: Sequence[Document],
    assignment: SplitAssignment,
    out_dir: str | Path,
    schema: Schema,
    *,
    duplicates: DuplicateReport | None = None,
) -> BuildReport:
    """Write the dataset folder (both configs, one Parquet file per non-empty split, the card)."""
    from datasets import Dataset, disable_progress_bars

    disable_progress_bars()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    features = {"documents": document_features(schema), "sentences": sentence_features(schema)}
    data_files: dict[str, dict[str, str]] = {"documents": {}, "sentences": {}}
    dropped: list[tuple[str, str, int, int, str]] = []
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    default_permissions(staging, directory=True)
    try:
        for split in SPLITS:
            docs = [d for d in documents if assignment.split_of(d.id) == split]
            if not docs:
                continue
            sentence_rows = []
            for doc in docs:
                for view in sentence_views(doc):
                    sentence_rows.append(sentence_row(view))
                    dropped.extend((doc.id, "trigger", s.start, s.end, s.label) for s in view.dropped_triggers)
                    dropped.extend((doc.id, "entity", s.start, s.end, s.label) for s in view.dropped_entities)
            rows = {"documents": [document_row(d) for d in docs], "sentences": sentence_rows}
            for config, config_rows in rows.items():
                relative = f"{config}/{split}.parquet"
                (staging / config).mkdir(exist_ok=True)
                Dataset.from_list(config_rows, features=features[config]).to_parquet(str(staging / relative))
                data_files[config][split] = relative
        stats = corpus_stats(documents, assignment.splits)
        licenses = sorted({str(d.meta.get("license")) for d in documents if d.meta.get("license")})
        sources = {s: SOURCE_ATTRIBUTION.get(s, "see the `license` and `url` columns") for s in stats.by_source}
        card = dataset_card(stats, schema, data_files, licenses, sources)
        (staging / "README.md").write_text(card, encoding="utf-8")
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(out_dir, stats, assignment, duplicates or find_duplicates(documents), dropped)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging``; the old folder is removed only after the rename."""
    if out_dir.exists() and not (out_dir / "README.md").exists() and any(out_dir.iterdir()):
        raise FormatError(f"refusing to replace {out_dir}: it is not empty and not a dataset folder (no README.md)")
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out_dir.rename(old)
    staging.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(corpus_dir: str | Path, text_dirs: Sequence[str | Path], out_dir: str | Path, schema: Schema,
          *, progress: Callable[[int], None] | None = None) -> BuildReport:
    """:func:`load_corpus`, :func:`resolve_splits`, :func:`write_dataset`."""
    documents = load_corpus(corpus_dir, text_dirs, schema, progress=progress)
    assignment, duplicates = resolve_splits(documents, CorpusLayout(Path(corpus_dir)).splits)
    return write_dataset(documents, assignment, out_dir, schema, duplicates=duplicates)
