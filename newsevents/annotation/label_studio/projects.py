"""Push documents to a Label Studio project and pull annotations back, through ``label-studio-sdk``.

* :func:`push` creates the project (or finds it by title, updating its labeling config to the one
  generated from the schema), turns each document into one task, or one per paragraph chunk for long
  documents (:func:`~newsevents.annotation.label_studio.tasks.document_to_tasks`), with
  pre-annotations as predictions (one per source: an extractor, or each annotator's version for a
  review project), and imports only tasks the project does not have yet: re-pushing the same
  documents creates no duplicate.
* :func:`pull` reads the project's full JSON export (the compact formats drop relations), converts
  every annotation into our documents, one list per annotator, reassembles chunks, and returns the
  problems found (task id, region id, what is wrong) without writing anything: the caller writes
  only when there is none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsevents.annotation.label_config import label_config
from newsevents.annotation.label_studio.results import document_from_results, merge_chunks
from newsevents.annotation.label_studio.tasks import document_to_tasks, task_dedupe_key
from newsevents.ontology import Schema
from newsevents.document import Document
from newsevents.errors import FormatError, NewsEventsError, ValidationError
from newsevents.validation import Problem, validate_all


def connect(url: str, token: str):  # type: ignore[no-untyped-def]
    """A ``label_studio_sdk`` client for the server at ``url`` (legacy API token)."""
    from label_studio_sdk.client import LabelStudio

    return LabelStudio(base_url=url.rstrip("/"), api_key=token)


def project_id(client, title: str, schema: Schema, *, create: bool = True) -> int:  # type: ignore[no-untyped-def]
    """The id of the project called ``title`` (its config brought up to date), created if missing."""
    config = label_config(schema)
    for project in client.projects.list(title=title):
        if project.title == title:
            if (getattr(project, "label_config", None) or "").strip() != config.strip():
                client.projects.update(id=project.id, label_config=config)
            return int(project.id)
    if not create:
        raise NewsEventsError(f"no Label Studio project called {title!r}")
    return int(client.projects.create(title=title, label_config=config).id)


@dataclass
class PushReport:
    project: int
    imported: int = 0
    already_there: int = 0
    notes: list[str] = field(default_factory=list)


def _existing_keys(client, project: int) -> set[str]:  # type: ignore[no-untyped-def]
    keys = set()
    for task in client.tasks.list(project=project, fields="all"):
        data = task.data if isinstance(task.data, dict) else {}
        if "document_id" in data:
            keys.add(task_dedupe_key({"data": data}))
    return keys


def build_tasks(documents: Sequence[Document], predictions: Mapping[str, Sequence[Document]] | None = None,
                *, max_chars: int = 10_000) -> tuple[list[dict[str, Any]], list[str]]:
    """Tasks for ``documents`` with one prediction per source in ``predictions`` (source name -> documents)."""
    tasks: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for document in documents:
        for task in _tasks(Document(document.id, document.text, document.meta, document.paragraphs,
                                    document.sentences, document.tokens), max_chars, None, notes):
            tasks[task_dedupe_key(task)] = task
    for source, docs in sorted((predictions or {}).items()):
        texts = {d.id: d for d in documents}
        for predicted in docs:
            base = texts.get(predicted.id)
            if base is None:
                notes.append(f"prediction for {predicted.id!r} from {source!r} has no document to push; skipped")
                continue
            merged = Document(base.id, base.text, base.meta, base.paragraphs, base.sentences, base.tokens,
                              predicted.entities, predicted.events)
            for task in _tasks(merged, max_chars, source, notes):
                tasks[task_dedupe_key(task)].setdefault("predictions", []).extend(task.get("predictions", []))
    return list(tasks.values()), notes


def _tasks(document: Document, max_chars: int, source: str | None, notes: list[str]) -> list[dict[str, Any]]:
    produced = document_to_tasks(document, max_chars=max_chars, model_version=source or "newsevents")
    tasks, report = produced if isinstance(produced, tuple) else (produced, None)
    for item in getattr(report, "dropped", ()) or ():
        notes.append(f"{document.id}: {item}")
    return tasks


def check_predictions(tasks: Sequence[Mapping[str, Any]], schema: Schema) -> None:
    """Label Studio's own check (``LabelInterface.validate_prediction``) of every prediction, before import.

    Raises
    ------
    NewsEventsError
        Naming the document, chunk and prediction source of the first prediction it refuses, with its errors.
    """
    from label_studio_sdk.label_interface import LabelInterface

    interface = LabelInterface(label_config(schema))
    for task in tasks:
        for prediction in task.get("predictions", []):
            errors = interface.validate_prediction(prediction, return_errors=True)
            if errors:
                data = task["data"]
                raise NewsEventsError(f"Label Studio refuses the prediction from {prediction.get('model_version')!r} for chunk "
                                      f"{data.get('chunk')}: {'; '.join(map(str, errors[:5]))}", document=data.get("document_id"))


def push(client, title: str, schema: Schema, documents: Sequence[Document],  # type: ignore[no-untyped-def]
         predictions: Mapping[str, Sequence[Document]] | None = None, *, max_chars: int = 10_000,
         batch_size: int = 500) -> PushReport:
    """Create or update the project and import the tasks it does not have yet.

    Documents and predictions are validated against the schema first: the server accepts anything.
    """
    problems = validate_all(documents, schema) + [
        p for source in (predictions or {}).values() for p in validate_all(source, schema)
    ]
    if problems:
        raise ValidationError(problems)
    pid = project_id(client, title, schema)
    tasks, notes = build_tasks(documents, predictions, max_chars=max_chars)
    check_predictions(tasks, schema)
    existing = _existing_keys(client, pid)
    new = [t for t in tasks if task_dedupe_key(t) not in existing]
    for start in range(0, len(new), batch_size):
        client.projects.import_tasks(id=pid, request=new[start:start + batch_size])
    return PushReport(pid, len(new), len(tasks) - len(new), notes)


def _annotator(annotation: Mapping[str, Any], emails: Mapping[int, str]) -> str:
    """The annotator's email (the export gives a user id, or a user object)."""
    who = annotation.get("completed_by")
    if isinstance(who, Mapping):
        return str(who.get("email") or emails.get(who.get("id"), who.get("id")))
    return emails.get(who, str(who)) if isinstance(who, int) else str(who)


def pull(client, title: str, schema: Schema) -> tuple[dict[str, list[Document]], list[Problem]]:  # type: ignore[no-untyped-def]
    """Every annotator's documents from the project's full JSON export, and every problem found."""
    pid = project_id(client, title, schema, create=False)
    export = client.projects.exports.as_json(pid)
    emails = {int(user.id): str(user.email) for user in client.users.list() if getattr(user, "email", None)}
    parts: dict[str, dict[str, list[tuple[dict[str, Any], Document]]]] = defaultdict(lambda: defaultdict(list))
    problems: list[Problem] = []
    for task in export:
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            annotator = _annotator(annotation, emails)
            document, found = document_from_results(task["data"], annotation.get("result") or [],
                                                    task_id=task.get("id"), annotator=annotator, schema=schema)
            problems.extend(found)
            parts[annotator][task["data"]["document_id"]].append((task["data"], document))
    documents = {
        annotator: [merge_chunks(chunks) for _, chunks in sorted(by_document.items())]
        for annotator, by_document in sorted(parts.items())
    }
    return documents, problems


def annotator_file_name(annotator: str) -> str:
    """The file an annotator's pulled documents go to: the name (an e-mail) with every character but
    letters, digits and ``-_.@`` replaced by ``_``, plus ``.jsonl``; the file name is the annotator in
    ``annotate agreement`` and ``annotate adjudicate``."""
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in annotator) + ".jsonl"


def write_pulled(documents: Mapping[str, Sequence[Document]], out: str | Path) -> list[Path]:
    """Write each annotator's documents to ``out/<annotator_file_name>``; two annotators whose names give
    one file name are refused before anything is written (one would silently replace the other)."""
    from newsevents.jsonl import write_documents

    out = Path(out)
    names: dict[str, str] = {}
    for annotator in documents:
        name = annotator_file_name(annotator)
        if name in names:
            raise FormatError(f"annotators {names[name]!r} and {annotator!r} would both be written to {name}; "
                              "rename one in Label Studio", file=str(out))
        names[name] = annotator
    written = []
    for annotator, docs in documents.items():
        write_documents(out / annotator_file_name(annotator), docs)
        written.append(out / annotator_file_name(annotator))
    return written

