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
   A document that the stored assignment does not list, or a missing ``splits.jsonl``, stops the
   build: ``newsevents corpus split`` assigns splits and saves them, so a build never invents one.
5. :func:`write_dataset` refuses a document whose licence does not allow redistribution
   (:func:`newsevents.corpus.manifest.redistributable`) unless asked for a local-only build, then
   writes ``documents/<split>.parquet``, ``sentences/<split>.parquet`` (splits named ``train``,
   ``validation``, ``test``: the stored ``dev`` is published as ``validation``,
   :data:`newsevents.formats.loading.PUBLISHED_SPLIT_NAMES`), the ``README.md`` card
   (:func:`newsevents.corpus.card.dataset_card`), ``ATTRIBUTION`` (every document's title, URL and
   licence), ``croissant.json`` (:mod:`newsevents.corpus.croissant`) and the marker
   :data:`BUILD_MARKER` (every file the build wrote, with its sha256) into a temporary folder beside
   the output and swaps it in only when complete: a failed build leaves the previous output as it was.

The output folder is replaced only when it is what an earlier build wrote: a folder that carries
the marker and holds exactly the files the marker lists, unchanged (or an empty folder). Anything
else (a folder without the marker, a file, the current directory, the repository) is refused
before the build starts (:func:`check_output_dir`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.ontology import Schema
from newsevents.corpus.card import CardDocs, card_docs, citation, dataset_card, published_stats
from newsevents.corpus.croissant import CROISSANT_FILE, croissant_metadata
from newsevents.corpus.dedupe import DuplicateReport, find_duplicates
from newsevents.features import document_features, document_row, sentence_features, sentence_row
from newsevents.corpus.manifest import join, load_gold_records, load_manifest, redistributable
from newsevents.corpus.segment import Segmenter
from newsevents.bio import sentence_views
from newsevents.corpus.split import SPLITS, SplitAssignment, assign_splits, load_splits
from newsevents.formats.loading import PUBLISHED_SPLIT_NAMES
from newsevents.corpus.stats import CorpusStats, corpus_stats
from newsevents.document import Document
from newsevents import __version__
from newsevents.errors import FormatError, NewsEventsError, ValidationError
from newsevents.jsonl import default_permissions
from newsevents.paths import REPO_ROOT
from newsevents.validation import validate_all

#: Attribution lines for the dataset card, by the manifest's ``source``.
SOURCE_ATTRIBUTION = {
    "Wikinews": "Wikinews articles, CC BY 2.5, by Wikinews contributors; each row links its article (`url`).",
    "Wikinews archive": "Wikinews articles of 2004-2009, CC BY 2.5 or public domain as each row's `license` says, by Wikinews contributors; each row links its article (`url`).",
    "Wikipedia Current events portal": "Items of Wikipedia's Current events portal, CC BY-SA 4.0, by Wikipedia contributors; `url` links the portal day.",
    "seed": "The project's seed article (third-party wire text, the bundled demo input; not redistributable).",
}

#: The file a build writes into its output folder: what it wrote there, so that the next build
#: replaces that folder only when it holds nothing else.
BUILD_MARKER = ".newsevents-build.json"
#: The ``documents`` column holding each document's redistribution verdict (one of
#: :data:`newsevents.features.META_COLUMNS`).
REDISTRIBUTABLE_COLUMN = "redistributable"
#: The attribution list beside the card: one block per document (id, title, URL, licence, source).
ATTRIBUTION_FILE = "ATTRIBUTION"


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
    #: ``{config: {published split: relative Parquet path}}`` as written.
    data_files: dict[str, dict[str, str]] = field(default_factory=dict)


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
    gold = load_gold_records([layout.gold]) if layout.gold.exists() else {}
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
    """The stored assignment of ``documents``, checked against their duplicate groups.

    Raises
    ------
    FormatError
        When ``splits_path`` does not exist or does not list every document: the build never
        invents an assignment it does not save. ``newsevents corpus split`` assigns and saves one.
    NewsEventsError
        When a duplicate group straddles two splits of the stored assignment.
    """
    splits_path = Path(splits_path)
    fix = f"run `newsevents corpus split --corpus {splits_path.parent} --texts DIR` to assign splits and save them, then run this again"
    if not splits_path.is_file():
        raise FormatError(f"no split assignment ({splits_path.name} does not exist): {fix}", file=str(splits_path))
    existing = load_splits(splits_path)
    missing = [d.id for d in documents if d.id not in existing.splits]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise FormatError(f"{len(missing)} documents have no split: {', '.join(missing[:5])}{more}; {fix}", file=str(splits_path))
    duplicates = find_duplicates(documents)
    return assign_splits(documents, duplicates, existing=existing), duplicates


def check_redistributable(documents: Sequence[Document], *, local_only: bool = False) -> list[str]:
    """The ids of documents whose licence does not allow redistribution; raises unless ``local_only``.

    Raises
    ------
    NewsEventsError
        Listing the documents and their licences, when any is not redistributable and
        ``local_only`` is false.
    """
    restricted = [d for d in documents if not redistributable(d.meta.get("license"))]
    if restricted and not local_only:
        listed = "; ".join(f"{d.id} ({d.meta.get('license') or 'no licence'})" for d in restricted[:10])
        more = f" and {len(restricted) - 10} more" if len(restricted) > 10 else ""
        raise NewsEventsError(
            f"{len(restricted)} documents may not be redistributed: {listed}{more}; remove them from the "
            "manifest, or build with --local-only (local_only=True) for a folder that must not be shared"
        )
    return [d.id for d in restricted]


def _protected_dirs(keep: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Folders a build never replaces (nor any folder that contains one), with what they are."""
    protected = [(REPO_ROOT, "the repository")] if (REPO_ROOT / "pyproject.toml").is_file() else []
    protected += [(Path.cwd().resolve(), "the current directory"), (Path.home().resolve(), "the home directory")]
    return protected + [(Path(k).resolve(), "a folder the build reads") for k in keep]


def check_output_dir(out_dir: str | Path, *, keep: Sequence[str | Path] = ()) -> None:
    """Refuse an output the build may not replace, before any work is done.

    ``out_dir`` may be missing, an empty folder, or a folder an earlier build wrote (the marker
    :data:`BUILD_MARKER`, exactly the files it lists, unchanged). ``keep``: more folders that must
    not be replaced or contain the output's parent chain (the corpus, the text directories).

    Raises
    ------
    FormatError
        One line: what the output is, where, and the fix (another ``--out``, or remove it yourself).
    """
    out_dir = Path(out_dir)
    fix = "choose another --out, or remove it yourself"
    if out_dir.is_symlink():
        raise FormatError(f"the output is a symbolic link, not a dataset folder: {fix}", file=str(out_dir))
    if not out_dir.exists():
        existing = next((p for p in out_dir.absolute().parents if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise FormatError(f"{existing} is a file, so the output folder cannot be made there: choose another --out", file=str(out_dir))
        return
    if not out_dir.is_dir():
        raise FormatError(f"the output exists and is a file, not a dataset folder: {fix}", file=str(out_dir))
    resolved = out_dir.resolve()
    for folder, what in _protected_dirs(keep):
        if resolved == folder or resolved in folder.parents:
            inside = "" if resolved == folder else "the folder holding "
            raise FormatError(f"refusing to replace {inside}{what} with a dataset: {fix}", file=str(out_dir))
    problem = _not_our_build(out_dir)
    if problem:
        raise FormatError(f"refusing to replace this folder: {problem}; {fix}", file=str(out_dir))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _not_our_build(folder: Path) -> str | None:
    """Why ``folder`` is not exactly what an earlier build wrote (``None`` when it is, or is empty)."""
    if not any(folder.iterdir()):
        return None
    marker = folder / BUILD_MARKER
    if not marker.is_file():
        return f"it is not empty and has no {BUILD_MARKER}, so it was not written by `newsevents corpus build`"
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())
    try:
        listed = json.loads(marker.read_text(encoding="utf-8"))["files"]
        if not isinstance(listed, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return f"its {BUILD_MARKER} is not a build marker"
    extra = [p for p in present if p != BUILD_MARKER and p not in listed]
    if extra:
        return f"it holds files the build did not write: {', '.join(extra[:5])}" + (" ..." if len(extra) > 5 else "")
    changed = [name for name, sha in listed.items() if not (folder / name).is_file() or _file_sha256(folder / name) != sha]
    if changed:
        return f"files changed since the build: {', '.join(changed[:5])}" + (" ..." if len(changed) > 5 else "")
    return None


def write_dataset(
    documents: Sequence[Document],
    assignment: SplitAssignment,
    out_dir: str | Path,
    schema: Schema,
    *,
    duplicates: DuplicateReport | None = None,
    local_only: bool = False,
    docs: CardDocs | None = None,
    extra_files: Callable[[Path], Mapping[str, str]] | None = None,
) -> BuildReport:
    """Write the dataset folder: both configs (one Parquet file per non-empty split), the card,
    ``ATTRIBUTION``, ``croissant.json`` and the marker.

    Parameters
    ----------
    local_only : bool, default False
        Allow documents whose licence does not allow redistribution; the card then says the folder
        is local-only and must not be shared. Without it such documents raise (:func:`check_redistributable`).
    docs : CardDocs, optional
        What the card takes from the project's files (version, split rules, agreement, baselines,
        changelog); default: read from the repository's ``corpus/`` (:func:`newsevents.corpus.card.card_docs`).
    extra_files : callable, optional
        Called with the staging folder once everything else is written; returns ``{relative name:
        text}`` of more files to write there (listed in the marker like the others), e.g. the
        publish record of :mod:`newsevents.corpus.publish`.

    Raises
    ------
    FormatError
        When ``out_dir`` may not be replaced (:func:`check_output_dir`).
    NewsEventsError
        When a document may not be redistributed and ``local_only`` is false.
    ValidationError
        When the splits leak (:func:`newsevents.corpus.leaks.check_leaks`: a duplicate or an identical
        sentence in two splits); ``problems`` lists every leak. A leaking dataset is never written.
    """
    from datasets import Dataset, disable_progress_bars

    from newsevents.corpus.leaks import check_leaks

    restricted = check_redistributable(documents, local_only=local_only)
    leaks = check_leaks(documents, assignment, duplicates=duplicates)
    if leaks:
        raise ValidationError(leaks, file=str(out_dir))
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    if docs is None:
        docs = card_docs(REPO_ROOT / "corpus", REPO_ROOT)
    disable_progress_bars()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    features = {"documents": document_features(schema), "sentences": sentence_features(schema)}
    data_files: dict[str, dict[str, str]] = {"documents": {}, "sentences": {}}
    dropped: list[tuple[str, str, int, int, str]] = []
    split_bytes: dict[str, dict[str, int]] = {}
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    default_permissions(staging, directory=True)
    try:
        for split in SPLITS:
            docs_in_split = [d for d in documents if assignment.split_of(d.id) == split]
            if not docs_in_split:
                continue
            published = PUBLISHED_SPLIT_NAMES.get(split, split)
            sentence_rows = []
            for doc in docs_in_split:
                for view in sentence_views(doc):
                    sentence_rows.append(sentence_row(view))
                    dropped.extend((doc.id, "trigger", s.start, s.end, s.label) for s in view.dropped_triggers)
                    dropped.extend((doc.id, "entity", s.start, s.end, s.label) for s in view.dropped_entities)
            document_rows = [document_row(_with_verdict(d)) for d in docs_in_split]
            rows = {"documents": document_rows, "sentences": sentence_rows}
            for config, config_rows in rows.items():
                relative = f"{config}/{published}.parquet"
                (staging / config).mkdir(exist_ok=True)
                table = Dataset.from_list(config_rows, features=features[config])
                table.to_parquet(str(staging / relative))
                data_files[config][published] = relative
                split_bytes.setdefault(config, {})[published] = table.data.nbytes
        stats = corpus_stats(documents, assignment.splits)
        licenses = sorted({str(d.meta.get("license")) for d in documents if d.meta.get("license")})
        sources = {s: SOURCE_ATTRIBUTION.get(s, "see the `license` and `url` columns") for s in stats.by_source}
        source_licenses: dict[str, set[str]] = {}
        for d in documents:
            source_licenses.setdefault(str(d.meta.get("source") or "unknown"), set()).add(str(d.meta.get("license") or "no licence"))
        card = dataset_card(published_stats(stats, PUBLISHED_SPLIT_NAMES), schema, data_files, licenses, sources,
                            features=features, split_bytes=split_bytes, docs=docs, source_licenses={k: sorted(v) for k, v in source_licenses.items()},
                            local_only=local_only, restricted=restricted)
        (staging / "README.md").write_text(card, encoding="utf-8")
        (staging / ATTRIBUTION_FILE).write_text(attribution_text(documents), encoding="utf-8")
        croissant = croissant_metadata(
            staging, features, data_files, version=docs.version, licenses=_licence_urls(licenses),
            description=("Event extraction from news about security and political violence: documents with entity "
                         "mentions, coreference, event mentions, arguments by role, realis and hoppers; and a "
                         "per-sentence IOB2 view."),
            citation=citation(docs.version, docs.repo_id), url=f"https://huggingface.co/datasets/{docs.repo_id}",
        )
        (staging / CROISSANT_FILE).write_text(json.dumps(croissant, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for name, text in (extra_files(staging) if extra_files is not None else {}).items():
            (staging / name).write_text(text, encoding="utf-8")
        _write_marker(staging, local_only=local_only)
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(out_dir, stats, assignment, duplicates or find_duplicates(documents), dropped, data_files)


#: Licence names of the manifest -> licence URLs (for Croissant).
LICENSE_URLS = {
    "CC BY 2.5": "https://creativecommons.org/licenses/by/2.5/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "public domain": "https://creativecommons.org/publicdomain/mark/1.0/",
}


def _licence_urls(licenses: Sequence[str]) -> list[str]:
    return [LICENSE_URLS.get(name, name) for name in licenses] + ["https://www.apache.org/licenses/LICENSE-2.0"]


def _with_verdict(document: Document) -> Document:
    """The document with ``meta["redistributable"]``, the verdict on its licence."""
    from dataclasses import replace

    return replace(document, meta={**document.meta, REDISTRIBUTABLE_COLUMN: redistributable(document.meta.get("license"))})


def attribution_text(documents: Sequence[Document]) -> str:
    """The ``ATTRIBUTION`` file: every document's id, title, URL, licence and source, sorted by id."""
    lines = [
        "newsevents: attribution of the texts",
        "",
        "Each document below keeps the licence of its text; the `license` and `url` columns of the",
        "documents config say the same per row. The annotations are under the Apache License 2.0.",
        "",
    ]
    for source, line in SOURCE_ATTRIBUTION.items():
        if any(d.meta.get("source") == source for d in documents):
            lines.append(f"{source}: {line}")
    lines.append("")
    for d in sorted(documents, key=lambda d: d.id):
        meta = d.meta
        lines += [
            f"{d.id}",
            f"  title:   {meta.get('title') or '(untitled)'}",
            f"  url:     {meta.get('url') or '(none)'}",
            f"  licence: {meta.get('license') or '(none)'}",
            f"  source:  {meta.get('source') or '(unknown)'}",
            "",
        ]
    return "\n".join(lines)


def _write_marker(folder: Path, *, local_only: bool) -> None:
    files = {p.relative_to(folder).as_posix(): _file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    marker = {"written_by": f"newsevents {__version__} corpus build", "local_only": local_only, "files": files}
    (folder / BUILD_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging`` with renames; the old build's own files are removed last.

    The old folder is moved into a fresh private folder beside it (never onto an existing name),
    and put back if the second rename fails.
    """
    check_output_dir(out_dir)
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    holder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    old = holder / out_dir.name
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except BaseException:
        old.rename(out_dir)
        holder.rmdir()
        raise
    _remove_build(old)
    try:
        holder.rmdir()
    except OSError:
        pass  # something was left in the old folder (see _remove_build): keep it for its owner


def _remove_build(folder: Path) -> None:
    """Delete the files a build's marker lists, the marker, then the folders left empty."""
    marker = folder / BUILD_MARKER
    names = list(json.loads(marker.read_text(encoding="utf-8"))["files"]) if marker.is_file() else []
    for name in names:
        (folder / name).unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            directory.rmdir()
        except OSError:
            pass
    try:
        folder.rmdir()
    except OSError:
        pass


def build(corpus_dir: str | Path, text_dirs: Sequence[str | Path], out_dir: str | Path, schema: Schema,
          *, progress: Callable[[int], None] | None = None, local_only: bool = False,
          version: str | None = None) -> BuildReport:
    """:func:`check_output_dir`, :func:`load_corpus`, :func:`resolve_splits`, :func:`write_dataset`
    (the card's documents read from ``corpus_dir`` and the repository around it, for ``version``)."""
    check_output_dir(out_dir, keep=[corpus_dir, *text_dirs])
    documents = load_corpus(corpus_dir, text_dirs, schema, progress=progress)
    assignment, duplicates = resolve_splits(documents, CorpusLayout(Path(corpus_dir)).splits)
    docs = card_docs(corpus_dir, _repo_of(corpus_dir), version=version)
    return write_dataset(documents, assignment, out_dir, schema, duplicates=duplicates, local_only=local_only, docs=docs)


def _repo_of(corpus_dir: str | Path) -> Path:
    """The repository around a corpus folder: the folder's parent (``annotation/``, ``baselines/`` there)."""
    return Path(corpus_dir).resolve().parent
