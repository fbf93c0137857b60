"""The Label Studio labeling config, derived from the ontology (``annotation/schema.yaml``).

What annotators get, one control per layer of the data model:

* ``trigger``: a ``Labels`` control with one label per event type (trigger spans);
* ``mention``: a ``Labels`` control with one label per entity and value type (entity mentions);
* ``Relations``: one relation per argument role, drawn from a trigger to the mention (or, for
  event-valued roles such as ``ClaimedEvent``, to the other trigger) that fills it;
* ``realis``: per-region ``Choices`` shown when a trigger is selected;
* ``hopper`` and ``cluster``: per-region ``TextArea`` s (one line) shown when a trigger or a
  mention is selected: mentions sharing a value are one event (hopper) or one entity (cluster).
  Free text rather than relations, because a hopper or a cluster can have many members and relations
  between every pair would clutter the text.

Colours come from a hash of each type's name, so they never change when types are added or
reordered; hotkeys follow the order of the schema (event types ``1``-``9``, ``0``, then letters;
entity types their own letters), documented in the generated file.

The checked-in copy is ``annotation/label_config.xml``; ``newsevents annotate config`` rewrites it
and a test fails when it is stale.
"""

from __future__ import annotations

import colorsys
import hashlib
from xml.sax.saxutils import quoteattr

from newsevents.ontology import Schema

#: Control names, shared by the config and the converters.
TEXT, TRIGGER, MENTION, REALIS, HOPPER, CLUSTER = "text", "trigger", "mention", "realis", "hopper", "cluster"

_EVENT_HOTKEYS = "1234567890qwertyuiop"
_MENTION_HOTKEYS = "asdfghjklzxcvbnm"


def colour(name: str) -> str:
    """A stable, readable background colour for a label: its hue comes from a hash of the name."""
    hue = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:2], "big") / 65535
    red, green, blue = colorsys.hls_to_rgb(hue, 0.62, 0.75)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _labels(name: str, names: tuple[str, ...], hotkeys: str) -> list[str]:
    lines = [f'  <Labels name="{name}" toName="{TEXT}" showInline="true">']
    for i, label in enumerate(names):
        hotkey = f" hotkey={quoteattr(hotkeys[i])}" if i < len(hotkeys) else ""
        lines.append(f"    <Label value={quoteattr(label)} background={quoteattr(colour(label))}{hotkey}/>")
    lines.append("  </Labels>")
    return lines


def label_config(schema: Schema) -> str:
    """The labeling config XML for ``schema`` (deterministic: the same schema gives the same bytes)."""
    lines = [
        f"<!-- Generated from annotation/schema.yaml ({schema.name} {schema.version}) by `newsevents annotate config`; do not edit. -->",
        "<View>",
        f'  <Header value="Event triggers (hotkeys {_EVENT_HOTKEYS[:min(len(_EVENT_HOTKEYS), len(schema.event_types))]})"/>',
        *_labels(TRIGGER, schema.event_type_names, _EVENT_HOTKEYS),
        '  <Header value="Entity and value mentions"/>',
        *_labels(MENTION, schema.mention_type_names, _MENTION_HOTKEYS),
        f'  <Text name="{TEXT}" value="$text" granularity="word"/>',
        '  <Header value="Argument roles: draw a relation from the trigger to the mention (or trigger) that fills the role"/>',
        '  <Relations choice="multiple">',  # one relation carries every role a filler plays for a trigger
        *[f"    <Relation value={quoteattr(role)}/>" for role in schema.role_names],
        "  </Relations>",
        f'  <Choices name="{REALIS}" toName="{TEXT}" perRegion="true" visibleWhen="region-selected" whenTagName="{TRIGGER}" '
        'choice="single" showInline="true" required="false">',
        *[f"    <Choice value={quoteattr(value)}/>" for value in schema.realis],
        "  </Choices>",
        f'  <TextArea name="{HOPPER}" toName="{TEXT}" perRegion="true" visibleWhen="region-selected" whenTagName="{TRIGGER}" '
        'maxSubmissions="1" rows="1" placeholder="hopper id (same id = same real-world event)"/>',
        f'  <TextArea name="{CLUSTER}" toName="{TEXT}" perRegion="true" visibleWhen="region-selected" whenTagName="{MENTION}" '
        'maxSubmissions="1" rows="1" placeholder="cluster id (same id = same entity)"/>',
        "</View>",
    ]
    return "\n".join(lines) + "\n"
