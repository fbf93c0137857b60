"""Select the documents of corpus v0.2's annotation wave (run from the repository root).

    python annotation/batches/v0.2/select_documents.py --texts ../shared/sources

Deterministic: candidates are ordered by sha256("newsevents-v0.2:" + id), so any prefix of a list
is a uniform random sample of it. Writes one list per batch (one document id per line) beside this file.

* ``wikinews``: every Wikinews 2019-2020 article with ``on_topic_guess`` true not yet in the manifest.
* ``archive``: 165 of the 423 Wikinews archive articles (2004-2009), a random sample.
* ``items``: 50 Current events items per month (16 months), split between the two portal sections
  in proportion to each section's share of that month, none already in the manifest.
* ``negatives``: 22 Wikinews 2019-2020 articles with ``on_topic_guess`` false (off-topic negatives).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def key(doc_id: str) -> str:
    return hashlib.sha256(f"newsevents-v0.2:{doc_id}".encode()).hexdigest()


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/sources")
    parser.add_argument("--manifest", default="corpus/manifest.jsonl")
    args = parser.parse_args()
    texts = Path(args.texts)
    have = {record["id"] for record in read(Path(args.manifest))}

    wikinews = read(texts / "wikinews" / "manifest.jsonl")
    archive = read(texts / "wikinews-archive" / "manifest.jsonl")
    items = read(texts / "current-events" / "items.jsonl")

    lists: dict[str, list[str]] = {}
    lists["wikinews"] = sorted((w["id"] for w in wikinews if w.get("on_topic_guess") and w["id"] not in have), key=key)
    lists["negatives"] = sorted((w["id"] for w in wikinews if not w.get("on_topic_guess") and w["id"] not in have), key=key)[:22]
    lists["archive"] = sorted((a["id"] for a in archive if a["id"] not in have), key=key)[:165]

    by_month: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        by_month[item["date"][:7]][item["section"]].append(item["id"])
    chosen: list[str] = []
    for month, sections in sorted(by_month.items()):
        total = sum(len(ids) for ids in sections.values())
        names = sorted(sections)
        quotas = {name: round(50 * len(sections[name]) / total) for name in names}
        quotas[names[0]] += 50 - sum(quotas.values())
        for name in names:
            fresh = sorted((i for i in sections[name] if i not in have), key=key)
            chosen.extend(fresh[: quotas[name]])
    lists["items"] = sorted(chosen, key=key)

    for name, ids in lists.items():
        (HERE / f"{name}.txt").write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
        print(f"{name}: {len(ids)}")


if __name__ == "__main__":
    main()
