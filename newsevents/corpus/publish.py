"""Publish the corpus on the Hugging Face Hub: build, check, upload as one commit, tag it.

:func:`publish` runs, in order, and stops at the first refusal with one line saying why:

1. **Release checks** (:func:`release_problems`): the version is ``X.Y.Z``; ``corpus/CHANGELOG.md``
   has an entry for it (a level-2 heading naming ``X.Y.Z`` or ``vX.Y.Z``, not "Unreleased"); git
   reports no uncommitted change to the corpus folder nor to the ontology file.
2. **Build** into a staging folder (or the ``--dry-run`` folder): the same join, validation, split
   and leak checks as ``newsevents corpus build``, never ``--local-only``; the folder gets the card,
   ``ATTRIBUTION``, ``croissant.json`` and the publish record :data:`PUBLISH_RECORD`.
3. **Folder checks** (:func:`check_folder`): every config of the card loads with
   ``datasets.load_dataset`` (fresh cache, offline) with the splits ``train``, ``validation``,
   ``test``; the card is complete (:func:`newsevents.corpus.card.check_card`); every row of
   ``documents`` has ``redistributable`` true; the Croissant file and the attribution list exist.
4. **Hub checks**, unless dry run: ``create_repo(repo_type="dataset", exist_ok=True)``; the version
   must be newer than every ``vX.Y.Z`` tag of the repo; the repo's last commit must be one this
   command made (or the Hub's initial commit of an empty repo) unless ``force``.
5. **Upload**: one ``create_commit`` holding every file of the folder (and deleting remote files the
   folder no longer has), then the tag ``vX.Y.Z`` on that commit.

How a commit is recognised as ours: its message carries the line ``newsevents-publish: vX.Y.Z
build <sha256>`` (:data:`COMMIT_MARKER`), and the commit adds :data:`PUBLISH_RECORD`
(``.newsevents-publish.json``: version, build hash, newsevents version). The check reads the
commit message of the repo's last commit; the record is for people and tools reading the repo.

The token is the one ``huggingface_hub`` finds itself (``HF_TOKEN``, or the login saved by
``hf auth login``): this module never reads it into a message, a file or a log, and every error
text that passes through is scrubbed of it (:func:`_scrub`).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsevents import __version__
from newsevents.corpus.build import (
    ATTRIBUTION_FILE,
    BUILD_MARKER,
    CorpusLayout,
    check_output_dir,
    check_redistributable,
    load_corpus,
    resolve_splits,
    write_dataset,
)
from newsevents.corpus.card import card_docs, changelog_entry, check_card, split_card
from newsevents.corpus.croissant import CROISSANT_FILE
from newsevents.corpus.leaks import check_leaks
from newsevents.errors import NewsEventsError
from newsevents.ontology import Schema

#: The record of a publish inside the dataset folder (and the Hub repo).
PUBLISH_RECORD = ".newsevents-publish.json"
#: The line that marks a commit as made by :func:`publish` (followed by ``vX.Y.Z build <sha256>``).
COMMIT_MARKER = "newsevents-publish:"
#: The splits a published dataset has, in order.
PUBLISHED_SPLITS = ("train", "validation", "test")
#: The configs a published dataset has.
PUBLISHED_CONFIGS = ("documents", "sentences")

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


class PublishError(NewsEventsError):
    """A publish refused or failed; the message says why and what to do."""


@dataclass
class PublishReport:
    """What :func:`publish` did."""

    #: The folder written: the dry-run folder, or the temporary folder uploaded (deleted on return).
    folder: Path
    version: str
    repo_id: str
    dry_run: bool
    #: Release checks a real publish would refuse on (a dry run reports them instead of refusing).
    warnings: list[str] = field(default_factory=list)
    #: The files of the folder (relative POSIX paths), as uploaded or as they would be.
    files: list[str] = field(default_factory=list)
    commit: str | None = None
    commit_url: str | None = None
    tag: str | None = None


def parse_version(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3)``; anything else raises :class:`PublishError`."""
    match = _VERSION.match(version)
    if not match:
        raise PublishError(f"version {version!r} is not X.Y.Z (three numbers, no 'v'): for example --version 0.1.0")
    return int(match[1]), int(match[2]), int(match[3])


def _git_changes(paths: Sequence[Path]) -> list[str] | None:
    """``git status --porcelain`` lines for ``paths`` (``None`` when they are not in a git work tree)."""
    changes: list[str] = []
    for path in paths:
        where = path if path.is_dir() else path.parent
        try:
            result = subprocess.run(["git", "-C", str(where), "status", "--porcelain", "--untracked-files=all", "--", str(path.resolve())],
                                    capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if result.returncode != 0:
            return None
        changes += [line.strip() for line in result.stdout.splitlines() if line.strip()]
    return changes


def release_problems(corpus_dir: str | Path, schema_path: str | Path, version: str) -> list[str]:
    """Why ``version`` of the corpus may not be released yet (empty when it may).

    Checks the changelog entry (``corpus_dir/CHANGELOG.md``) and that git reports no uncommitted
    change to ``corpus_dir`` or ``schema_path`` (a folder that is not in a git work tree cannot be
    checked, which is a problem too).
    """
    parse_version(version)
    corpus_dir, schema_path = Path(corpus_dir), Path(schema_path)
    problems = []
    changelog = corpus_dir / "CHANGELOG.md"
    if not changelog.is_file():
        problems.append(f"{changelog} does not exist: add it with an entry '## v{version}' describing this release")
    elif changelog_entry(changelog.read_text(encoding="utf-8"), version) is None:
        problems.append(f"{changelog} has no entry for {version}: add a heading '## v{version} (date)' with the changes "
                        "(rename the 'Unreleased' heading)")
    changes = _git_changes([corpus_dir, schema_path])
    if changes is None:
        problems.append(f"cannot tell whether {corpus_dir} and {schema_path} are committed (not in a git work tree, or no git)")
    elif changes:
        listed = "; ".join(changes[:5]) + (f" and {len(changes) - 5} more" if len(changes) > 5 else "")
        problems.append(f"uncommitted changes to the corpus or the ontology: {listed}; commit them first, so the "
                        "published version is one the repository can rebuild")
    return problems


def _data_hash(folder: Path) -> str:
    """sha256 over the names and contents of every file of the folder but the records."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in (BUILD_MARKER, PUBLISH_RECORD)):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def check_folder(folder: str | Path) -> list[str]:
    """Problems of a dataset folder about to be published (empty when there are none).

    Every config of the card's ``configs`` loads with ``datasets.load_dataset`` (a fresh cache, no
    network) with exactly the splits :data:`PUBLISHED_SPLITS` (those that have documents); the card
    is complete; every document is redistributable; ``croissant.json`` parses and
    ``ATTRIBUTION`` exists.
    """
    import datasets

    folder = Path(folder)
    card = (folder / "README.md").read_text(encoding="utf-8") if (folder / "README.md").is_file() else ""
    problems = [f"card: {p}" for p in check_card(card)] if card else ["the folder has no README.md card"]
    header, _ = split_card(card)
    configs = [c.get("config_name") for c in header.get("configs") or []]
    if sorted(configs) != sorted(PUBLISHED_CONFIGS):
        problems.append(f"the card's configs are {configs}, expected {list(PUBLISHED_CONFIGS)}")
    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory(prefix="newsevents-publish-cache-") as cache:
        for config in configs:
            try:
                loaded = datasets.load_dataset(str(folder), config, cache_dir=cache)
            except Exception as err:  # anything load_dataset raises is a reason not to publish
                problems.append(f"config {config!r} does not load with datasets.load_dataset: {type(err).__name__}: {err}")
                continue
            unknown = [s for s in loaded if s not in PUBLISHED_SPLITS]
            if unknown:
                problems.append(f"config {config!r} has splits {unknown}; published splits are {', '.join(PUBLISHED_SPLITS)}")
            if config == "documents":
                refused = [row["id"] for split in loaded.values() for row in split if row.get("redistributable") is not True]
                if refused:
                    problems.append(f"{len(refused)} documents are not redistributable: {', '.join(refused[:5])}")
    try:
        json.loads((folder / CROISSANT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problems.append(f"{CROISSANT_FILE} is missing or not JSON: {err}")
    if not (folder / ATTRIBUTION_FILE).is_file():
        problems.append(f"{ATTRIBUTION_FILE} is missing")
    return problems


def folder_files(folder: str | Path) -> list[str]:
    """Every file of ``folder`` as a relative POSIX path, sorted: what an upload of it holds."""
    folder = Path(folder)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _scrub(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text


def _hub_error(err: BaseException, what: str, token: str | None) -> PublishError:
    return PublishError(_scrub(f"{what} failed: {type(err).__name__}: {err}".replace("\n", " "), token))


def _tag_versions(tags: Sequence[str]) -> list[tuple[int, int, int]]:
    versions = []
    for name in tags:
        match = _VERSION.match(name[1:] if name.startswith("v") else "")
        if match:
            versions.append((int(match[1]), int(match[2]), int(match[3])))
    return versions


def is_own_commit(message: str) -> bool:
    """Whether a commit message carries :data:`COMMIT_MARKER` on a line of its own."""
    return any(line.strip().startswith(COMMIT_MARKER) for line in message.splitlines())


def publish(
    corpus_dir: str | Path,
    text_dirs: Sequence[str | Path],
    schema: Schema,
    *,
    repo_id: str,
    version: str,
    private: bool = False,
    dry_run: str | Path | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PublishReport:
    """Build, check and upload the corpus as dataset ``repo_id`` version ``version`` (see the module docstring).

    Parameters
    ----------
    corpus_dir : path
        The corpus folder (``manifest.jsonl``, ``gold/``, ``splits.jsonl``, ``CHANGELOG.md``).
    text_dirs : sequence of path
        Text directories, as for ``newsevents corpus build --texts``.
    repo_id : str
        ``ORG/NAME`` on the Hub.
    version : str
        ``X.Y.Z``; the tag is ``vX.Y.Z``.
    private : bool, default False
        Create the repo private (an existing repo keeps its visibility).
    dry_run : path, optional
        Write the folder that would be uploaded there (new, empty, or an earlier build) and stop:
        no network; the release checks are reported in ``warnings`` instead of refusing.
    force : bool, default False
        Upload even when the repo's last commit was not made by this command.

    Raises
    ------
    PublishError
        A refusal (one line: what and the fix), or a Hub error (with the token scrubbed).
    FormatError, MismatchError, ValidationError
        From the build.
    """
    parse_version(version)
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", repo_id):
        raise PublishError(f"--repo-id {repo_id!r} is not ORG/NAME")
    corpus_dir = Path(corpus_dir)
    release = release_problems(corpus_dir, schema.path or "annotation/schema.yaml", version)
    if release and dry_run is None:
        raise PublishError(release[0] + (f" (and {len(release) - 1} more problems)" if len(release) > 1 else ""))
    if dry_run is not None:
        check_output_dir(dry_run, keep=[corpus_dir, *text_dirs])
    documents = load_corpus(corpus_dir, text_dirs, schema, progress=progress)
    assignment, duplicates = resolve_splits(documents, CorpusLayout(corpus_dir).splits)
    check_redistributable(documents)
    leaks = check_leaks(documents, assignment, duplicates=duplicates)
    if leaks:
        raise PublishError(f"{len(leaks)} leaks between splits, first: {leaks[0]}; run `newsevents corpus check-leaks`")
    docs = card_docs(corpus_dir, corpus_dir.resolve().parent, version=version, repo_id=repo_id)

    def record(staging: Path) -> dict[str, str]:
        payload = {"version": version, "build": _data_hash(staging), "newsevents": __version__, "repo_id": repo_id}
        return {PUBLISH_RECORD: json.dumps(payload, indent=2) + "\n"}

    with tempfile.TemporaryDirectory(prefix="newsevents-publish-") as scratch:
        folder = Path(dry_run) if dry_run is not None else Path(scratch) / "dataset"
        write_dataset(documents, assignment, folder, schema, duplicates=duplicates, docs=docs, extra_files=record)
        problems = check_folder(folder)
        if problems:
            raise PublishError(f"the built folder is not fit to publish: {problems[0]}"
                               + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""), file=str(folder))
        report = PublishReport(folder, version, repo_id, dry_run is not None, release, folder_files(folder))
        if dry_run is not None:
            return report
        build_hash = json.loads((folder / PUBLISH_RECORD).read_text(encoding="utf-8"))["build"]
        commit, url = upload(folder, repo_id=repo_id, version=version, build_hash=build_hash, private=private, force=force)
        report.commit, report.commit_url, report.tag = commit, url, f"v{version}"
        return report


def upload(folder: str | Path, *, repo_id: str, version: str, build_hash: str, private: bool = False,
           force: bool = False) -> tuple[str, str]:
    """Upload ``folder`` as one commit of dataset ``repo_id`` and tag it ``vX.Y.Z``; returns (commit id, URL).

    Refuses (:class:`PublishError`) a version not newer than the repo's newest ``vX.Y.Z`` tag, and a
    repo whose last commit is not ours (:func:`is_own_commit`) unless it only holds the Hub's
    initial commit, or ``force``.
    """
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, get_token

    token = get_token()
    if not token:
        raise PublishError("no Hugging Face token: set HF_TOKEN, or log in with `hf auth login`")
    api = HfApi()
    folder = Path(folder)
    wanted = parse_version(version)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    except Exception as err:
        raise _hub_error(err, f"creating dataset repo {repo_id}", token) from None
    try:
        tags = [t.name for t in api.list_repo_refs(repo_id, repo_type="dataset").tags]
        commits = api.list_repo_commits(repo_id, repo_type="dataset")
        remote = [s.rfilename for s in (api.repo_info(repo_id, repo_type="dataset").siblings or [])]
    except Exception as err:
        raise _hub_error(err, f"reading dataset repo {repo_id}", token) from None
    newest = max(_tag_versions(tags), default=None)
    if newest is not None and wanted <= newest:
        raise PublishError(f"version {version} is not newer than the repo's last release v{'.'.join(map(str, newest))}: "
                           "choose a higher --version")
    if commits and not force:
        last = commits[0]
        fresh = len(commits) == 1 and set(remote) <= {".gitattributes"}
        if not fresh and not is_own_commit(last.message or ""):
            raise PublishError(f"the last commit of {repo_id} ({last.commit_id[:12]}, {last.title!r}) was not made by "
                               "`newsevents publish`: someone changed the repo by hand; look at it, then run again "
                               "with --force to overwrite")
    files = folder_files(folder)
    operations: list[Any] = [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in files]
    operations += [CommitOperationDelete(path_in_repo=name) for name in remote if name not in files and name != ".gitattributes"]
    message = f"Publish newsevents dataset v{version}"
    description = f"{COMMIT_MARKER} v{version} build {build_hash}\n\nBuilt and uploaded by newsevents {__version__}."
    try:
        info = api.create_commit(repo_id, operations, commit_message=message, commit_description=description, repo_type="dataset")
        api.create_tag(repo_id, tag=f"v{version}", revision=info.oid, tag_message=message, repo_type="dataset")
    except Exception as err:
        raise _hub_error(err, f"uploading to {repo_id}", token) from None
    return info.oid, info.commit_url
