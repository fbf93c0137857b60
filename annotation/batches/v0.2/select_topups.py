"""Select corpus v0.2's keyword top-ups: documents for the event types that the temporal split leaves short.

    git show 0000000:corpus/manifest.jsonl > /tmp/manifest-before-topups.jsonl   # the commit named in DATASHEET.md
    python annotation/batches/v0.2/select_topups.py --texts ../shared/sources --manifest /tmp/manifest-before-topups.jsonl

After the v0.2 first pass was split, some event types had fewer than 15 mentions in dev or test
(`newsevents corpus stats --json`; the shortfalls are in ``SHORT`` below). For each short (split, type),
every not yet annotated document of any source whose date falls in that split's window (the cutoffs
recorded in corpus/splits.jsonl) and whose text matches the type's keyword pattern (case-insensitive
regular expression) is selected: all of them, not a sample, because the pools are small. A document
matching several types is selected once. Documents over ``MAX_WORDS`` words are left out (in these pools
they are Wikinews interviews and features, all guessed off-topic by the source's manifest). The selection is biased toward those types by construction;
DATASHEET.md states it.

Writes ``topups.txt`` beside this file (one id per line, ordered by sha256("newsevents-v0.2-topup:" + id),
so a prefix is a random sample for the second pass) and prints the counts per (split, type, source).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (split, event type) -> mentions in that split after the first pass was split (2026-12-02).
SHORT = {
    ("dev", "Contact.ClaimResponsibility"): 1,
    ("dev", "Justice.TrialHearing"): 3,
    ("dev", "Justice.Charge"): 10,
    ("dev", "Justice.Designate"): 12,
    ("dev", "Justice.Sentence"): 14,
    ("dev", "Justice.Convict"): 14,
    ("test", "Justice.Release"): 4,
    ("test", "Contact.ClaimResponsibility"): 5,
    ("test", "Justice.Designate"): 6,
    ("test", "Conflict.Kidnap"): 8,
    ("test", "Justice.TrialHearing"): 11,
}

KEYWORDS = {
    "Conflict.Kidnap": r"kidnap|abduct|hostage|captive",
    "Contact.ClaimResponsibility": r"responsib|\bclaimed\b",
    "Justice.Designate": r"designat|blacklist|proscri|sanction|\bbanned\b|outlaw",
    "Justice.Release": r"\breleas|\bfreed\b|set free|pardon|acquit",
    "Justice.TrialHearing": r"\btrial\b|\bhearings?\b|testif",
    "Justice.Charge": r"\bcharged\b|\bcharges\b|indict",
    "Justice.Sentence": r"\bsentenced\b|\bjailed\b|imprisonment|death penalty",
    "Justice.Convict": r"\bconvicted\b|found guilty|pleaded guilty",
}


MAX_WORDS = 1500


def key(doc_id: str) -> str:
    return hashlib.sha256(f"newsevents-v0.2-topup:{doc_id}".encode()).hexdigest()


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def candidates(texts: Path) -> list[tuple[str, str, str, str]]:
    """Every source document as (id, source name, date, text)."""
    docs = [(item["id"], "Wikipedia Current events portal", item["date"], item["text"])
            for item in read(texts / "current-events" / "items.jsonl")]
    for source, folder in (("Wikinews", "wikinews"), ("Wikinews archive", "wikinews-archive")):
        for entry in read(texts / folder / "manifest.jsonl"):
            docs.append((entry["id"], source, entry["date"], (texts / entry["file"]).read_text(encoding="utf-8")))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", default="../shared/sources")
    parser.add_argument("--manifest", default="corpus/manifest.jsonl")
    parser.add_argument("--splits", default="corpus/splits.jsonl")
    args = parser.parse_args()
    have = {record["id"] for record in read(Path(args.manifest))}
    cutoffs = read(Path(args.splits))[0]["_meta"]["cutoffs"]

    def window(source: str, date: str) -> str:
        train_end, dev_end = cutoffs[source]
        return "test" if date > dev_end else "dev" if date > train_end else "train"

    chosen: set[str] = set()
    counts: Counter[tuple[str, str, str]] = Counter()
    for doc_id, source, date, text in candidates(Path(args.texts)):
        if doc_id in have or len(text.split()) > MAX_WORDS:
            continue
        split = window(source, date)
        for (short_split, event_type) in SHORT:
            if short_split == split and re.search(KEYWORDS[event_type], text, re.IGNORECASE):
                chosen.add(doc_id)
                counts[split, event_type, source] += 1
    (HERE / "topups.txt").write_text("".join(f"{i}\n" for i in sorted(chosen, key=key)), encoding="utf-8")
    for (split, event_type, source), n in sorted(counts.items()):
        print(f"{split}\t{event_type}\t{source}\t{n}")
    print(f"{len(chosen)} documents -> {HERE / 'topups.txt'}")


if __name__ == "__main__":
    main()
