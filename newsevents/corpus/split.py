"""Train, dev and test: a deterministic, stable, leak-free split assignment.

Rules (:func:`assign_splits`):

* a duplicate group (:meth:`~newsevents.corpus.dedupe.DuplicateReport.group_of`) goes whole to one
  split;
* the same documents give the same assignment, in any order;
* adding documents never moves one: a document of ``existing`` keeps its split, a new document
  whose group already has a member in ``existing`` joins that member's split, and only new groups
  are placed by the strategy;
* the one exception: a test document whose text drove a guideline decision leaves test once
  (:func:`move_out_of_test`, :func:`leave_test`: with its duplicate group, recorded in the changelog);
* ``"hash"`` places a group by the sha256 of ``salt`` and its group key, mapped to [0, 1) and
  compared with the cumulative ratios; ``"temporal"`` orders groups by their newest ``meta["date"]``
  and gives the oldest ~70% of the documents to train, the next ~15% to dev and the newest to test.

Storage (``corpus/splits.jsonl``, written atomically by :func:`save_splits`): the first line holds
the rules the assignment was made with, so that it can be extended by the same rules; then one line
per document, sorted by id::

    {"_meta": {"format": 1, "strategy": "temporal", "salt": "newsevents-v1",
               "ratios": [0.7, 0.15, 0.15], "cutoffs": {"Wikinews": ["2019-09-30", "2019-12-15"]}}}
    {"id": "doc-001", "split": "train", "group": "doc-001"}
    {"id": "doc-002", "split": "test", "group": "doc-002"}

(the ``_meta`` object is on one line in the file). ``cutoffs`` are, per source (``meta["source"]``;
:data:`NO_SOURCE` for documents without one), the last dates of train and dev: a group whose newest
date is ``<= cutoffs[source][0]`` is train, ``<= cutoffs[source][1]`` dev, later test. Each source is
split by its own dates, so every source is in every split and test holds each source's newest
stories (sources such as Wikinews 2019-2020 and a 2025-2026 news feed would otherwise be split into
"old source" and "new source"). They are
``null`` for the hash strategy. A file without a ``_meta`` line (written by hand) loads with no
recorded rules. ``group`` is the duplicate group key, for reading; :func:`assign_splits` recomputes
groups from the duplicate report.

Example
-------
>>> from newsevents.document import Document
>>> from newsevents.corpus.dedupe import find_duplicates
>>> docs = [Document(f"d{i}", f"Report number {i} on the clashes.") for i in range(20)]
>>> assignment = assign_splits(docs, find_duplicates(docs))
>>> sum(assignment.counts().values())
20
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

from newsevents.corpus.dedupe import DuplicateReport, unique_by_id
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError
from newsevents.jsonl import atomic_write, read_records, write_records

Split = Literal["train", "dev", "test"]
Strategy = Literal["hash", "temporal"]

SPLITS: tuple[str, ...] = ("train", "dev", "test")
STRATEGIES: tuple[str, ...] = ("hash", "temporal")
DEFAULT_STRATEGY = "hash"
DEFAULT_RATIOS: tuple[float, float, float] = (0.70, 0.15, 0.15)
DEFAULT_SALT = "newsevents-v1"
#: Version of the splits.jsonl layout, stored in its ``_meta`` line.
FORMAT_VERSION = 1

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?!\d)")


def _check_split(split: object) -> None:
    if split not in SPLITS:
        raise NewsEventsError(f"unknown split {split!r}; valid splits: {', '.join(SPLITS)}", field="split")


def _check_strategy(strategy: object, field: str | None = None) -> None:
    if strategy is not None and strategy not in STRATEGIES:
        raise NewsEventsError(f"unknown strategy {strategy!r}; valid strategies: {', '.join(STRATEGIES)}", field=field)


@dataclass(frozen=True)
class SplitAssignment:
    """Which split each document is in, and the rules it was made with.

    Attributes
    ----------
    splits : dict of str to str
        Document id to ``"train"``, ``"dev"`` or ``"test"``.
    groups : dict of str to str
        Document id to its duplicate group key.
    strategy : {"hash", "temporal"} or None
        The strategy that placed new groups; ``None`` when not recorded.
    cutoffs : dict of str to (str, str), or None
        Temporal strategy: per source, the last ISO date of train and of dev.
    salt : str or None
        Salt of the hash rule (also used for undated groups under the temporal strategy).
    ratios : tuple of three float or None
        Target shares of train, dev and test.
    notes : tuple of str
        What the last :func:`assign_splits` call wants a human to know (groups placed by the hash
        rule because they have no date). Not stored, not compared.

    Example
    -------
    >>> a = SplitAssignment(splits={"x": "train", "y": "test"}, groups={"x": "x", "y": "y"})
    >>> a.counts(), a.ids("test")
    ({'train': 1, 'dev': 0, 'test': 1}, ['y'])
    """

    splits: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    strategy: str | None = None
    cutoffs: dict[str, tuple[str, str]] | None = None
    salt: str | None = None
    ratios: tuple[float, float, float] | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for doc_id, split in self.splits.items():
            try:
                _check_split(split)
            except NewsEventsError as err:
                raise err.located(document=doc_id) from None
        _check_strategy(self.strategy)

    def split_of(self, doc_id: str) -> str | None:
        """The split of a document, or ``None`` when it has none."""
        return self.splits.get(doc_id)

    def counts(self) -> dict[str, int]:
        """Documents per split, every split present (zero when empty), in ``SPLITS`` order."""
        tally = Counter(self.splits.values())
        return {split: tally[split] for split in SPLITS}

    def ids(self, split: str) -> list[str]:
        """The sorted ids of the documents in ``split``; an unknown split raises listing the valid ones."""
        _check_split(split)
        return sorted(doc_id for doc_id, s in self.splits.items() if s == split)


# ---------------------------------------------------------------------------------------------
# Assignment


def assign_splits(
    documents: Iterable[Document],
    duplicates: DuplicateReport,
    *,
    existing: SplitAssignment | None = None,
    strategy: Strategy | None = None,
    ratios: Sequence[float] | None = None,
    salt: str | None = None,
) -> SplitAssignment:
    """Assign every document to train, dev or test.

    Parameters
    ----------
    documents : iterable of Document
        The whole corpus (ids unique). ``meta["date"]`` (ISO ``YYYY-MM-DD``, a longer ISO timestamp
        is cut to its date) is read by the temporal strategy.
    duplicates : DuplicateReport
        From :func:`~newsevents.corpus.dedupe.find_duplicates` over the same documents.
    existing : SplitAssignment, optional
        The current assignment (:func:`load_splits`); its documents keep their splits.
    strategy : {"hash", "temporal"}, optional
        How new groups are placed. Default: the strategy of ``existing``, else ``"hash"``.
    ratios : sequence of three float, optional
        Target shares of train, dev, test; non-negative, train positive, sum 1. Default: those of
        ``existing``, else ``(0.70, 0.15, 0.15)``.
    salt : str, optional
        Salt of the hash rule. Default: that of ``existing``, else ``"newsevents-v1"``.

    Returns
    -------
    SplitAssignment
        One entry per document of ``documents``, with the rules used (and the temporal cutoffs).

    Raises
    ------
    NewsEventsError
        Repeated document ids; bad ratios; a strategy, ratios or salt that differ from those
        recorded in ``existing``; a duplicate group whose members are in different splits of
        ``existing`` (a leak: the message names the ids); a ``meta["date"]`` that is not an ISO date.

    Notes
    -----
    - Ids of ``existing`` that are not among ``documents`` are left out of the result.
    - Temporal strategy: cutoffs are computed once per source, from its dated new groups, at distinct dates
      (a date never straddles two splits), choosing the dates whose cumulative document counts come
      closest to the ratios while leaving dev and test at least one date each when their ratios are
      positive and there are enough dates (one date: all train; two: train and test). When
      ``existing`` has cutoffs for a source they are reused, so new documents newer than that
      source's dev cutoff go to test; a source seen for the first time (a third source added to an
      assignment of two) gets its own cutoffs from its new groups, by the same ratios and rule, and
      ``notes`` names them. Add a new source's documents in one batch: its cutoffs are computed once,
      from the documents of its first split, and later documents of it follow them. A group without
      any dated member is placed by the hash rule and named in ``notes``.
    - Hash strategy: a group's split depends on its key and the salt only, so extending an
      assignment gives what assigning from scratch would, as long as the groups are unchanged.

    Example
    -------
    >>> from newsevents.document import Document
    >>> from newsevents.corpus.dedupe import find_duplicates
    >>> docs = [Document("a", "Troops crossed the border."), Document("b", "Troops crossed the border.")]
    >>> assignment = assign_splits(docs, find_duplicates(docs))
    >>> assignment.split_of("a") == assignment.split_of("b"), assignment.groups["b"]
    (True, 'a')
    """
    existing = existing if existing is not None else SplitAssignment()
    rules = _resolve_rules(existing, strategy, ratios, salt)
    members = _group_members(documents, duplicates)
    splits: dict[str, str] = {}
    new_groups: dict[str, list[Document]] = {}
    for key, docs in members.items():
        kept = _existing_split(key, docs, existing)
        if kept is None:
            new_groups[key] = docs
        else:
            splits.update((doc.id, kept) for doc in docs)
    cutoffs, notes = None, ()
    if rules.strategy == "temporal":
        placed, cutoffs, notes = _place_temporal(new_groups, rules, existing.cutoffs)
    else:
        placed = {key: hash_split(key, rules.salt, rules.ratios) for key in new_groups}
    for key, split in placed.items():
        splits.update((doc.id, split) for doc in new_groups[key])
    return SplitAssignment(
        splits=dict(sorted(splits.items())),
        groups={doc.id: key for key, docs in members.items() for doc in docs},
        strategy=rules.strategy,
        cutoffs=cutoffs,
        salt=rules.salt,
        ratios=rules.ratios,
        notes=notes,
    )


def hash_split(group: str, salt: str, ratios: Sequence[float]) -> str:
    """The split the hash rule gives a group: sha256 of ``salt``, NUL, ``group`` mapped to [0, 1).

    The first 8 bytes of the digest, as a big-endian integer over 2**64, are compared with the
    cumulative ratios: below ``ratios[0]`` is train, below ``ratios[0] + ratios[1]`` dev, else test.

    Example
    -------
    >>> hash_split("doc-1", "newsevents-v1", (0.7, 0.15, 0.15)) in SPLITS
    True
    """
    digest = hashlib.sha256(f"{salt}\x00{group}".encode("utf-8")).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    for split, share in zip(SPLITS, ratios):
        cumulative += share
        if point < cumulative:
            return split
    # Rounding left the sum of the ratios just below 1: the last split with a positive share.
    return next(split for split, share in zip(reversed(SPLITS), reversed(tuple(ratios))) if share > 0)


@dataclass(frozen=True)
class _Rules:
    strategy: str
    ratios: tuple[float, float, float]
    salt: str


def _resolve_rules(
    existing: SplitAssignment, strategy: str | None, ratios: Sequence[float] | None, salt: str | None
) -> _Rules:
    """The given rules, else those recorded in ``existing``, else the defaults; a conflict raises."""
    given = {
        "strategy": strategy,
        "ratios": None if ratios is None else tuple(float(r) for r in ratios),
        "salt": salt,
    }
    recorded = {"strategy": existing.strategy, "ratios": existing.ratios, "salt": existing.salt}
    defaults = {"strategy": DEFAULT_STRATEGY, "ratios": DEFAULT_RATIOS, "salt": DEFAULT_SALT}
    chosen: dict[str, Any] = {}
    for name, value in given.items():
        if value is not None and recorded[name] is not None and value != recorded[name]:
            raise NewsEventsError(
                f"the existing assignment was made with {name}={recorded[name]!r}, not {value!r}; "
                f"extend it with the same {name} (leave {name} unset) or assign from scratch without it"
            )
        chosen[name] = next(v for v in (value, recorded[name], defaults[name]) if v is not None)
    _check_strategy(chosen["strategy"])
    _check_ratios(chosen["ratios"])
    return _Rules(**chosen)


def _check_ratios(ratios: tuple[float, ...]) -> None:
    if len(ratios) != len(SPLITS) or any(r < 0 for r in ratios) or ratios[0] <= 0 or abs(sum(ratios) - 1) > 1e-6:
        raise NewsEventsError(
            f"ratios must be three non-negative shares of {', '.join(SPLITS)} summing to 1, "
            f"train positive, got {ratios!r}"
        )


def _group_members(documents: Iterable[Document], duplicates: DuplicateReport) -> dict[str, list[Document]]:
    """Group key to its documents, both sorted; a repeated id raises."""
    members: dict[str, list[Document]] = defaultdict(list)
    for doc in unique_by_id(documents):
        members[duplicates.group_of(doc.id)].append(doc)
    return {key: members[key] for key in sorted(members)}


def _existing_split(group: str, docs: Sequence[Document], existing: SplitAssignment) -> str | None:
    """The split the members of ``group`` already have in ``existing``; ``None`` for a new group."""
    kept = {doc.id: existing.splits[doc.id] for doc in docs if doc.id in existing.splits}
    if len(set(kept.values())) > 1:
        where = ", ".join(f"{doc_id} ({split})" for doc_id, split in kept.items())
        raise NewsEventsError(
            f"duplicate group {group!r} straddles splits in the existing assignment: {where}; "
            "move these documents to one split in the splits file, or assign from scratch"
        )
    return next(iter(kept.values()), None)


def _is_iso_date(value: object) -> bool:
    """Whether ``value`` is a string starting with a valid ``YYYY-MM-DD`` date."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _document_date(doc: Document) -> str | None:
    """``meta["date"]`` as ``YYYY-MM-DD``, ``None`` when absent; anything else raises."""
    value = doc.meta.get("date")
    if value is None:
        return None
    if not _is_iso_date(value):
        raise NewsEventsError(f"date must be an ISO date YYYY-MM-DD, got {value!r}", document=doc.id, field="meta.date")
    return value[:10]


#: The source key of documents without ``meta["source"]``.
NO_SOURCE = "(no source)"


def _document_source(doc: Document) -> str:
    return str(doc.meta.get("source") or NO_SOURCE)


def _place_temporal(
    groups: dict[str, list[Document]], rules: _Rules, cutoffs: dict[str, tuple[str, str]] | None
) -> tuple[dict[str, str], dict[str, tuple[str, str]] | None, tuple[str, ...]]:
    """Splits of new groups by date within their source, the cutoffs used, and notes on undated groups."""
    newest: dict[str, tuple[str, str]] = {}  # group -> (source, newest date)
    placed: dict[str, str] = {}
    notes: list[str] = []
    for key, docs in groups.items():
        dated = [(d, doc) for doc in docs if (d := _document_date(doc)) is not None]
        if dated:
            day, doc = max(dated, key=lambda pair: pair[0])
            newest[key] = (_document_source(doc), day)
        else:
            placed[key] = hash_split(key, rules.salt, rules.ratios)
            notes.append(f"group {key!r} ({len(docs)} documents) has no meta.date: placed by hash in {placed[key]!r}")
    used = dict(cutoffs or {})
    for source in sorted({source for source, _ in newest.values()} - set(used)):
        dated = [(day, len(groups[key])) for key, (s, day) in newest.items() if s == source]
        used[source] = temporal_cutoffs(dated, rules.ratios)
        if cutoffs:  # a source added to an assignment that already has cutoffs: say what it got
            n_docs, n_days = sum(n for _, n in dated), len({day for day, _ in dated})
            notes.append(
                f"new source {source!r}: its own cutoffs, train <= {used[source][0]}, dev <= {used[source][1]}, "
                f"from {n_docs} documents on {n_days} dates (recorded; its later documents follow them)")
    for key, (source, day) in newest.items():
        train_end, dev_end = used[source]
        placed[key] = "train" if day <= train_end else "dev" if day <= dev_end else "test"
    return placed, (used or None), tuple(notes)


def temporal_cutoffs(dated: Iterable[tuple[str, int]], ratios: Sequence[float]) -> tuple[str, str]:
    """The last dates of train and dev for ``(date, number of documents)`` items.

    Each cutoff is the distinct date whose cumulative document count comes closest to the target
    share (ties go to the earlier date); dev and test keep at least one date each when their ratio
    is positive and there are dates enough.

    Example
    -------
    >>> days = [(f"2024-01-{d:02d}", 1) for d in range(1, 11)]
    >>> temporal_cutoffs(days, (0.7, 0.15, 0.15))
    ('2024-01-07', '2024-01-08')
    """
    per_date = Counter[str]()
    for day, count in dated:
        per_date[day] += count
    days = sorted(per_date)
    if not days:
        raise NewsEventsError("temporal cutoffs need at least one dated document")
    cumulative, running = [], 0
    for day in days:
        running += per_date[day]
        cumulative.append(running)
    total = cumulative[-1]

    def closest(target: float, candidates: range) -> int:
        return min(candidates, key=lambda i: (abs(cumulative[i] - target), i))

    last_dev = len(days) - 2 if ratios[2] > 0 and len(days) >= 2 else len(days) - 1
    last_train = last_dev - 1 if ratios[1] > 0 and last_dev >= 1 else last_dev
    train_end = closest(ratios[0] * total, range(0, last_train + 1))
    first_dev = min(train_end + 1 if ratios[1] > 0 else train_end, last_dev)
    dev_end = closest((ratios[0] + ratios[1]) * total, range(first_dev, last_dev + 1))
    return days[train_end], days[dev_end]


# ---------------------------------------------------------------------------------------------
# Leaving test (the one exception to "nothing moves", recorded)


def move_out_of_test(assignment: SplitAssignment, ids: Iterable[str], to: str) -> tuple[SplitAssignment, list[str]]:
    """Move documents, and every member of their duplicate groups, from test to ``to``.

    The split file's promise is that an assignment never moves; the one exception is a document
    whose text drove a guideline decision: it has been read closely, so it may not stay a test
    document, and it leaves test once (:func:`leave_test` records it in the changelog).

    Parameters
    ----------
    assignment : SplitAssignment
        The stored assignment (:func:`load_splits`); its ``groups`` say which documents go together.
    ids : iterable of str
        Documents to move; each must be in test (a repeated id counts once).
    to : {"train", "dev"}
        Where they go.

    Returns
    -------
    (SplitAssignment, list of str)
        The assignment with the same rules and cutoffs and the documents moved; the sorted ids moved
        (those asked for and their duplicates).

    Raises
    ------
    NewsEventsError
        No ids; ``to`` is not train or dev; an id the assignment does not list, or not in test (every
        such id named, with its split): nothing is moved then.

    Example
    -------
    >>> a = SplitAssignment(splits={"x": "test", "y": "test", "z": "train"}, groups={"x": "x", "y": "x", "z": "z"})
    >>> moved, ids = move_out_of_test(a, ["x"], "dev")
    >>> ids, moved.counts()
    (['x', 'y'], {'train': 1, 'dev': 2, 'test': 0})
    """
    if to not in ("train", "dev"):
        raise NewsEventsError(f"documents leave test for 'train' or 'dev', not {to!r}", field="to")
    wanted = sorted(set(ids))
    if not wanted:
        raise NewsEventsError("no document ids given: list the test documents to move, one id per line")
    refused = [f"{doc_id} ({assignment.splits[doc_id]})" if doc_id in assignment.splits else f"{doc_id} (not in the split file)"
               for doc_id in wanted if assignment.splits.get(doc_id) != "test"]
    if refused:
        raise NewsEventsError(f"only test documents can leave test; {len(refused)} of the ids are not in test: "
                              f"{', '.join(refused[:10])}{' ...' if len(refused) > 10 else ''}; remove them from the list")
    keys = {assignment.groups.get(doc_id, doc_id) for doc_id in wanted}
    moved = sorted(doc_id for doc_id in assignment.splits if doc_id in wanted or assignment.groups.get(doc_id, doc_id) in keys)
    splits = {doc_id: (to if doc_id in moved else split) for doc_id, split in assignment.splits.items()}
    return SplitAssignment(splits=splits, groups=dict(assignment.groups), strategy=assignment.strategy,
                           cutoffs=assignment.cutoffs, salt=assignment.salt, ratios=assignment.ratios), moved


def read_id_list(path: str | Path) -> list[str]:
    """Document ids from a text file: one per line; blank lines and lines starting with ``#`` skipped.

    Raises
    ------
    FormatError
        A file that cannot be read, is not UTF-8, or has a line with a space inside an id (naming the line).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as err:
        raise FormatError(f"cannot read: {err.strerror}", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 ({err.reason})", file=str(path)) from None
    ids = []
    for number, line in enumerate(lines, start=1):
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        if any(char.isspace() for char in item):
            raise FormatError(f"expected one document id per line, got {item!r}", file=str(path), line=number)
        ids.append(item)
    return ids


#: The heading word of the changelog section that new entries go under (the first section).
UNRELEASED = "Unreleased"


def changelog_with_entry(text: str, entry: str) -> str:
    """``text`` (a CHANGELOG.md) with the list item ``- {entry}`` first in its first ``## `` section (newest first).

    The item is wrapped at 100 characters (continuation lines indented by two spaces; ids are never broken).

    Raises
    ------
    NewsEventsError
        When the first ``## `` section is not the Unreleased one (a released version is never edited).

    Example
    -------
    >>> print(changelog_with_entry("# Log\\n\\n## Unreleased\\n\\n- old\\n\\n## v0.1\\n\\n- first\\n", "new"), end="")
    # Log
    <BLANKLINE>
    ## Unreleased
    <BLANKLINE>
    - new
    - old
    <BLANKLINE>
    ## v0.1
    <BLANKLINE>
    - first
    """
    lines = text.splitlines()
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if not headings or UNRELEASED.casefold() not in lines[headings[0]].casefold():
        found = repr(lines[headings[0]]) if headings else "no '## ' section"
        raise NewsEventsError(f"the changelog's first section must be the {UNRELEASED} one, found {found}; "
                              f"add a '## {UNRELEASED}' section above the released ones")
    first = headings[0] + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    item = textwrap.wrap(entry, width=100, initial_indent="- ", subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)
    section_empty = first == len(lines) or first in headings
    head = lines[:headings[0] + 1] + [""]
    rest = lines[first:]
    return "\n".join(head + item + ([""] if section_empty and rest else []) + rest) + "\n"


def leave_test(
    splits_path: str | Path,
    changelog_path: str | Path,
    ids: Iterable[str],
    to: str,
    reason: str,
    *,
    today: date | None = None,
) -> list[str]:
    """Move test documents out of test in the split file and record it in the changelog.

    :func:`move_out_of_test` on the stored assignment, written back atomically (:func:`save_splits`),
    and a dated line appended to the changelog's Unreleased section (:func:`changelog_with_entry`)
    naming the documents, where they went and why::

        - 2026-12-01: 2 documents leave test for dev (they drove a guideline decision): a, b.

    Parameters
    ----------
    splits_path, changelog_path : path
        ``corpus/splits.jsonl`` (must exist) and ``corpus/CHANGELOG.md`` (created when missing).
    ids : iterable of str
        Test documents to move; their duplicates go with them (named in the line too).
    to : {"train", "dev"}
    reason : str
        Why, in a few words (one line).
    today : date, optional
        The date of the line; default today's UTC date.

    Returns
    -------
    list of str
        The sorted ids moved.

    Raises
    ------
    NewsEventsError
        Everything :func:`move_out_of_test` refuses; a missing split file; an empty or multi-line
        reason; a changelog without an Unreleased first section. Nothing is written then, and when
        the changelog cannot be written the split file is put back as it was.
    """
    splits_path, changelog_path = Path(splits_path), Path(changelog_path)
    reason = " ".join(reason.split())
    if not reason:
        raise NewsEventsError("give the reason the documents leave test (it goes into the changelog)", field="reason")
    if not splits_path.is_file():
        raise NewsEventsError("no split file: there is no test split to move documents out of", file=str(splits_path))
    wanted = sorted(set(ids))
    try:
        moved_assignment, moved = move_out_of_test(load_splits(splits_path), wanted, to)
    except NewsEventsError as err:
        raise err.located(file=str(splits_path)) from None
    day = (today or datetime.now(timezone.utc).date()).isoformat()
    duplicates = [doc_id for doc_id in moved if doc_id not in wanted]
    entry = (f"{day}: {len(moved)} {'documents leave' if len(moved) != 1 else 'document leaves'} test for {to} ({reason}): {', '.join(wanted)}"
             + (f"; with their duplicates {', '.join(duplicates)}" if duplicates else "") + ".")
    old_log = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else f"# Corpus changelog\n\n## {UNRELEASED}\n"
    try:
        new_log = changelog_with_entry(old_log, entry)
    except NewsEventsError as err:
        raise err.located(file=str(changelog_path)) from None
    old_splits = splits_path.read_bytes()
    save_splits(splits_path, moved_assignment)
    try:
        with atomic_write(changelog_path) as handle:
            handle.write(new_log)
    except BaseException:
        with atomic_write(splits_path, "wb") as handle:
            handle.write(old_splits)
        raise
    return moved


# ---------------------------------------------------------------------------------------------
# Storage


def save_splits(path: str | Path, assignment: SplitAssignment) -> int:
    """Write ``assignment`` to ``path`` atomically (format in the module docstring).

    Returns
    -------
    int
        The number of documents written (the ``_meta`` line not counted).
    """
    meta = {
        "format": FORMAT_VERSION,
        "strategy": assignment.strategy,
        "salt": assignment.salt,
        "ratios": None if assignment.ratios is None else list(assignment.ratios),
        "cutoffs": None if assignment.cutoffs is None else {k: list(v) for k, v in sorted(assignment.cutoffs.items())},
    }
    rows = [
        {"id": doc_id, "split": assignment.splits[doc_id], "group": assignment.groups.get(doc_id, doc_id)}
        for doc_id in sorted(assignment.splits)
    ]
    return write_records(path, [{"_meta": meta}, *rows]) - 1


def load_splits(path: str | Path) -> SplitAssignment:
    """Read an assignment written by :func:`save_splits`; a missing file is an empty assignment.

    Raises
    ------
    FormatError
        Naming the file and line: malformed JSON, a line without a string ``id`` or ``split``, an
        unknown split (listing the valid ones), a repeated id, a ``_meta`` line that is not the
        first or holds bad values.
    """
    path = Path(path)
    if not path.exists():
        return SplitAssignment()
    meta: dict[str, Any] = {}
    splits: dict[str, str] = {}
    groups: dict[str, str] = {}
    for line, obj in read_records(path):
        try:
            if "_meta" in obj:
                if splits or meta:
                    raise FormatError("a '_meta' line may only be the first line")
                meta = _parse_meta(obj["_meta"])
                continue
            doc_id, split, group = _parse_row(obj)
            if doc_id in splits:
                raise FormatError("document id occurs twice", document=doc_id, field="id")
            splits[doc_id], groups[doc_id] = split, group
        except NewsEventsError as err:
            raise FormatError(err.message, file=str(path), line=line, document=err.document, field=err.field) from None
    return SplitAssignment(splits=splits, groups=groups, **meta)


def _parse_row(obj: dict[str, Any]) -> tuple[str, str, str]:
    doc_id = obj.get("id")
    if not isinstance(doc_id, str):
        raise FormatError(f"'id' must be a string, got {doc_id!r}", field="id")
    split = obj.get("split")
    try:
        _check_split(split)
    except NewsEventsError as err:
        raise err.located(document=doc_id) from None
    group = obj.get("group", doc_id)
    if not isinstance(group, str):
        raise FormatError(f"'group' must be a string, got {group!r}", document=doc_id, field="group")
    return doc_id, split, group  # type: ignore[return-value]


def _parse_meta(meta: object) -> dict[str, Any]:
    """The ``SplitAssignment`` keyword arguments stored in a ``_meta`` object."""
    if not isinstance(meta, dict):
        raise FormatError(f"'_meta' must be an object, got {meta!r}", field="_meta")
    version = meta.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise FormatError(f"unsupported format {version!r}; this version reads {FORMAT_VERSION}", field="_meta.format")
    strategy, salt, ratios, cutoffs = (meta.get(key) for key in ("strategy", "salt", "ratios", "cutoffs"))
    _check_strategy(strategy, field="_meta.strategy")
    if salt is not None and not isinstance(salt, str):
        raise FormatError(f"salt must be a string, got {salt!r}", field="_meta.salt")
    if ratios is not None:
        if not isinstance(ratios, list) or not all(type(r) in (int, float) for r in ratios):
            raise FormatError(f"ratios must be a list of numbers, got {ratios!r}", field="_meta.ratios")
        ratios = tuple(float(r) for r in ratios)
        _check_ratios(ratios)
    if cutoffs is not None:
        if not isinstance(cutoffs, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(c, str) and _is_iso_date(c) and len(c) == 10 for c in v)
            for v in cutoffs.values()
        ):
            raise FormatError(f"cutoffs must map each source to two ISO dates [train_end, dev_end], got {cutoffs!r}", field="_meta.cutoffs")
        cutoffs = {str(k): tuple(v) for k, v in cutoffs.items()}
    return {"strategy": strategy, "salt": salt, "ratios": ratios, "cutoffs": cutoffs}
