"""The ontology written out in the forms that prompts and code-style prompting use.

* :func:`to_markdown`: event types with definitions and roles (with the types each role admits), entity
  and value types, realis values: the text of a prompt, or a page for a person;
* :func:`to_python`: one class per event type, GoLLIE-style (the definition as docstring, one attribute
  per role with what fills it), for code-style prompting;
* :func:`answer_json_schema`: the JSON Schema of an answer that quotes events (what an LLM extractor asks
  for with ``response_format``); types, roles, entity types and realis values are enumerations.

All three are derived from :class:`~newsevents.ontology.Schema` alone, so they follow ``schema.yaml``.
``newsevents annotate schema --as markdown|python|json-schema`` prints them.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from newsevents.ontology import Schema

FORMS = ("markdown", "python", "json-schema")


def _fillers(role: Any) -> str:
    kinds = [*role.entity_types, *(f"event {t}" for t in role.event_types)]
    return ", ".join(kinds)


def to_markdown(schema: Schema, *, guidelines: dict[str, str] | None = None) -> str:
    """The ontology as Markdown; ``guidelines`` maps an event type to an excerpt printed under it."""
    lines = [f"# Ontology {schema.name} {schema.version}", "", "## Event types", ""]
    for event_type in schema.event_types:
        lines += [f"### {event_type.name}", "", event_type.definition, ""]
        if event_type.triggers:
            lines += ["Typical triggers: " + ", ".join(event_type.triggers) + ".", ""]
        lines += ["| role | filled by | definition |", "| --- | --- | --- |"]
        lines += [f"| {r.name} | {_fillers(r)} | {r.definition} |" for r in event_type.roles]
        excerpt = (guidelines or {}).get(event_type.name)
        if excerpt:
            lines += ["", excerpt.strip()]
        lines.append("")
    lines += ["## Entity and value types", "", "| type | kind | definition |", "| --- | --- | --- |"]
    lines += [f"| {m.name} | {m.kind} | {m.definition} |" for m in schema.mention_types]
    lines += ["", "## Realis", "", "| value | meaning |", "| --- | --- |"]
    lines += [f"| {name} | {meaning} |" for name, meaning in schema.realis.items()]
    return "\n".join(lines) + "\n"


def _identifier(name: str) -> str:
    ident = re.sub(r"\W", "_", name)
    return f"{ident}_" if keyword.iskeyword(ident) else ident


def to_python(schema: Schema) -> str:
    """The ontology as Python dataclasses, one per event type and one per entity type (GoLLIE-style)."""
    out = [f'"""The {schema.name} ontology {schema.version} as guideline classes (generated from schema.yaml)."""',
           "", "from dataclasses import dataclass, field", "", ""]
    for mention in schema.mention_types:
        out += ["@dataclass", f"class {_identifier(mention.name)}:", f'    """{mention.definition}"""', "",
                "    span: str  # the exact words of the text", "", ""]
    out += ["@dataclass", "class Event:", '    """An event mention: the trigger is the word(s) of the text that report it."""', "",
            "    trigger: str", f"    realis: str = \"actual\"  # one of: {', '.join(schema.realis)}", "", ""]
    for event_type in schema.event_types:
        out += ["@dataclass", f"class {_identifier(event_type.name.replace('.', ''))}(Event):", f'    """{event_type.definition}"""', ""]
        for role in event_type.roles:
            out.append(f"    {_identifier(role.name)}: list = field(default_factory=list)  # {_fillers(role)}: {role.definition}")
        out += ["", ""]
    return "\n".join(out).rstrip() + "\n"


def answer_json_schema(schema: Schema) -> dict[str, Any]:
    """The JSON Schema of an answer: ``{"events": [{type, trigger, context, realis, arguments: [...]}]}``."""
    argument = {
        "type": "object",
        "properties": {
            "role": {"type": "string", "enum": list(schema.role_names)},
            "text": {"type": "string", "description": "The exact words of the text that fill the role."},
            "entity_type": {"type": "string", "enum": list(schema.mention_type_names)},
        },
        "required": ["role", "text"],
        "additionalProperties": False,
    }
    event = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": list(schema.event_type_names)},
            "trigger": {"type": "string", "description": "The exact word(s) of the text that report the event."},
            "context": {"type": "string", "description": "A few words of the text around the trigger."},
            "realis": {"type": "string", "enum": list(schema.realis)},
            "arguments": {"type": "array", "items": argument},
        },
        "required": ["type", "trigger", "arguments"],
        "additionalProperties": False,
    }
    return {"type": "object", "properties": {"events": {"type": "array", "items": event}},
            "required": ["events"], "additionalProperties": False}


def render(schema: Schema, form: str) -> str:
    """The ontology in ``form`` (one of :data:`FORMS`) as text."""
    if form == "markdown":
        return to_markdown(schema)
    if form == "python":
        return to_python(schema)
    if form == "json-schema":
        return json.dumps(answer_json_schema(schema), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown form {form!r}; valid: {', '.join(FORMS)}")
