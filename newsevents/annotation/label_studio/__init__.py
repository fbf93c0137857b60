"""Label Studio: the local server, projects, and the converters between our documents and its tasks and results.

Modules: :mod:`.server` (the server in its own virtual environment), :mod:`.projects` (push and pull through
the SDK), and the converters :mod:`.offsets`, :mod:`.chunking`, :mod:`.tasks` (documents out) and
:mod:`.results` (annotations in).

Push side
    :func:`document_to_tasks` turns one :class:`~newsevents.document.Document` into one task, or one
    task per chunk of whole paragraphs when the text is longer than ``max_chars``, with the document's
    annotations as one prediction. :func:`task_dedupe_key` names a task so re-pushing is idempotent.

Pull side
    :func:`document_from_results` reads the ``result`` list of one annotation (or prediction) of one
    task back into a document and collects every problem as a :class:`ResultProblem` naming the task
    and the region; :func:`merge_chunks` reassembles the chunks of one document.

Offsets
    Our offsets are code points (Python string indexing), and so are Label Studio 1.23.2's: its
    frontend counts code points when an annotator selects text and reads imported results as code
    points, and its server stores whatever it is given unchanged (measured in
    ``annotation/notes/label-studio-offsets.md``). Frontends before 2022 and JavaScript tools counted
    UTF-16 code units, which differ after every character outside the Basic Multilingual Plane (most
    emoji). So :func:`document_to_tasks` writes code points unchanged with ``text = text[start:end]``,
    and :func:`document_from_results` decides the unit of each region with :func:`match_unit`: the
    task text sliced both ways is compared with the region's stored ``text``, exactly first, then
    with white space normalised (the frontend stores the browser's selection string, in which a line
    break is the two characters ``\\n`` and runs of white space are one space).

The result shapes follow Label Studio's (``labels`` regions with ``value.start/end/text/labels``;
per-region ``choices`` and ``textarea`` results sharing the region's ``id``; ``relation`` results with
``from_id``, ``to_id``, ``direction`` and ``labels``); the control names come from
:mod:`newsevents.annotation.label_config`.

Example
-------
>>> from newsevents.document import Argument, Document, EntityMention, EventMention, Span
>>> doc = Document("d1", "🚨 Police arrested Azzam.",
...                entities=(EntityMention("T1", "PER", 18, 23, "Azzam"),),
...                events=(EventMention("E1", "Justice.Arrest", Span(9, 17, "arrested"),
...                                     (Argument("Detainee", entity="T1"),), realis="actual"),))
>>> from newsevents.annotation.label_studio.results import document_from_results
>>> from newsevents.annotation.label_studio.tasks import document_to_tasks
>>> tasks, report = document_to_tasks(doc)
>>> [r["type"] for r in tasks[0]["predictions"][0]["result"]]
['labels', 'choices', 'labels', 'relation']
>>> back, problems = document_from_results(tasks[0]["data"], tasks[0]["predictions"][0]["result"],
...                                        task_id=1, annotator="a@example.org")
>>> (back.events[0].trigger.text, back.events[0].arguments, problems)
('arrested', (Argument(role='Detainee', entity='T1', event=None),), [])
"""

