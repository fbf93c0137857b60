"""Agreement of corpus v0.2's blind second pass with the first pass, per source (run from the repository root).

    python annotation/batches/v0.2/agreement.py --texts ../shared/sources --out /tmp/v0.2-agreement
    newsevents annotate agreement /tmp/v0.2-agreement/archive/first-pass.jsonl /tmp/v0.2-agreement/archive/second-pass.jsonl --json

Resolves the first pass as it stood before adjudication (annotation/agreement/v0.2-first/first-pass.yaml:
the sampled documents' records from annotation/authoring/v0.2/ before their disagreements were settled there) and the second pass
(annotation/agreement/v0.2-second/*.yaml) on the documents both annotated, and writes, for each source
(archive, wikinews, items) and for all of them, the two passes as documents with their text into --out
(outside the repository: the texts are third-party).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsevents.annotation.authoring import author
from newsevents.jsonl import write_documents
from newsevents.ontology import load_schema

SOURCES = {"Wikinews archive": "archive", "Wikinews": "wikinews", "Wikipedia Current events portal": "items"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/sources")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    schema = load_schema()
    second = author(sorted(Path("annotation/agreement/v0.2-second").glob("*.yaml")), [args.texts], schema)
    both = {a.entry.id for a in second}
    first = [a for a in author([Path("annotation/agreement/v0.2-first/first-pass.yaml")], [args.texts], schema) if a.entry.id in both]
    for group in (*dict.fromkeys(SOURCES.values()), "all"):
        def pick(passes):
            return sorted((a.document for a in passes if group == "all" or SOURCES.get(a.entry.source) == group), key=lambda d: d.id)
        folder = Path(args.out) / group
        folder.mkdir(parents=True, exist_ok=True)
        write_documents(folder / "first-pass.jsonl", pick(first))
        write_documents(folder / "second-pass.jsonl", pick(second))
        print(f"{group}: {len(pick(first))} documents in both passes -> {folder}")


if __name__ == "__main__":
    main()
