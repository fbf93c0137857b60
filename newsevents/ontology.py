"""The ontology (``annotation/schema.yaml``) as typed, immutable objects.

Everything that depends on the event types, roles or entity types reads them from a :class:`Schema`:
validation, the dataset features, the BIO label sets, the Label Studio config. Load it with
:func:`load_schema`; a malformed file raises :class:`~newsevents.errors.SchemaError` naming the key.

Example
-------
>>> schema = load_schema()
>>> schema.event_type("Justice.Arrest").role("Detainee").entity_types
('PER', 'ORG')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from newsevents.errors import SchemaError, suggest
from newsevents.paths import project_path

@dataclass(frozen=True)
class Role:
    """An argument role of one event type.

    ``entity_types`` lists the entity and value types that may fill it; ``event_types`` lists the
    event types whose mentions may fill it (non-empty only for event-valued roles).
    """

    name: str
    definition: str
    entity_types: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()

    @property
    def event_valued(self) -> bool:
        return bool(self.event_types)


@dataclass(frozen=True)
class EventType:
    name: str
    definition: str
    triggers: tuple[str, ...]
    roles: tuple[Role, ...]
    mappings: dict[str, str | None]
    note: str | None = None

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles)

    def role(self, name: str) -> Role:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(f"role {name!r} is not a role of {self.name}; {suggest(name, self.role_names)}")


@dataclass(frozen=True)
class MentionType:
    """An entity type (``kind='entity'``) or a value type (``kind='value'``)."""

    name: str
    definition: str
    kind: str
    ace2005: str | None = None


@dataclass(frozen=True)
class Schema:
    name: str
    version: str
    realis: dict[str, str]
    mention_types: tuple[MentionType, ...]
    event_types: tuple[EventType, ...]
    path: str | None = None

    @property
    def event_type_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.event_types)

    @property
    def mention_type_names(self) -> tuple[str, ...]:
        """Entity types then value types, in file order: the entity label set."""
        return tuple(m.name for m in self.mention_types)

    @property
    def role_names(self) -> tuple[str, ...]:
        """Every role name used by any event type, sorted."""
        return tuple(sorted({r.name for e in self.event_types for r in e.roles}))

    def event_type(self, name: str) -> EventType:
        for event_type in self.event_types:
            if event_type.name == name:
                return event_type
        raise KeyError(f"unknown event type {name!r}; {suggest(name, self.event_type_names)}")


def _mapping(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SchemaError(f"expected a mapping, got {type(value).__name__}", field=key)
    return value


def _text(obj: dict[str, Any], name: str, key: str) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SchemaError(f"needs a non-empty string {name!r}", field=f"{key}.{name}")
    return value.strip()


def _names(obj: dict[str, Any], name: str, key: str) -> tuple[str, ...]:
    value = obj.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SchemaError(f"{name!r} must be a list of strings, got {value!r}", field=f"{key}.{name}")
    return tuple(value)


def _parse_role(name: str, value: Any, common: dict[str, Any], key: str) -> Role:
    if value == "common":
        if name not in common:
            raise SchemaError(f"role {name!r} says 'common' but common_roles has no {name!r}; common roles: {', '.join(common)}", field=key)
        value, key = common[name], f"common_roles.{name}"
    obj = _mapping(value, key)
    role = Role(
        name=name,
        definition=_text(obj, "definition", key),
        entity_types=_names(obj, "entity_types", key),
        event_types=_names(obj, "event_types", key),
    )
    if not role.entity_types and not role.event_types:
        raise SchemaError("a role must admit at least one entity type or event type", field=key)
    return role


def parse_schema(data: Any, path: str | None = None) -> Schema:
    """Build a :class:`Schema` from the parsed YAML mapping, checking every cross-reference."""
    root = _mapping(data, "<root>")
    for required in ("name", "version", "realis", "entity_types", "value_types", "event_types"):
        if required not in root:
            raise SchemaError(f"missing top-level key {required!r}", field=required, file=path)
    try:
        mention_types = tuple(
            MentionType(name=n, definition=_text(_mapping(v, f"{section}.{n}"), "definition", f"{section}.{n}"),
                        kind=kind, ace2005=v.get("ace2005"))
            for section, kind in (("entity_types", "entity"), ("value_types", "value"))
            for n, v in _mapping(root[section], section).items()
        )
        realis = {str(k): str(v) for k, v in _mapping(root["realis"], "realis").items()}
        common = _mapping(root.get("common_roles", {}), "common_roles")
        event_types = []
        for name, value in _mapping(root["event_types"], "event_types").items():
            key = f"event_types.{name}"
            obj = _mapping(value, key)
            roles = _mapping(obj.get("roles"), f"{key}.roles")
            event_types.append(EventType(
                name=name,
                definition=_text(obj, "definition", key),
                triggers=_names(obj, "triggers", key),
                roles=tuple(_parse_role(r, v, common, f"{key}.roles.{r}") for r, v in roles.items()),
                mappings={m: obj.get(m) for m in ("ace2005", "kairos", "plover")},
                note=obj.get("note"),
            ))
    except SchemaError as err:
        raise err.located(file=path) from None
    schema = Schema(
        name=str(root["name"]), version=str(root["version"]), realis=realis,
        mention_types=mention_types, event_types=tuple(event_types), path=path,
    )
    _check_references(schema)
    return schema


def _check_references(schema: Schema) -> None:
    names = schema.mention_type_names
    if len(set(names)) != len(names):
        raise SchemaError(f"entity and value type names must be unique, got {names}", file=schema.path)
    for event_type in schema.event_types:
        for role in event_type.roles:
            key = f"event_types.{event_type.name}.roles.{role.name}"
            for t in role.entity_types:
                if t not in names:
                    raise SchemaError(f"unknown entity type {t!r}; {suggest(t, names)}", field=f"{key}.entity_types", file=schema.path)
            for t in role.event_types:
                if t not in schema.event_type_names:
                    raise SchemaError(f"unknown event type {t!r}; {suggest(t, schema.event_type_names)}", field=f"{key}.event_types", file=schema.path)
    if not schema.realis:
        raise SchemaError("realis needs at least one value", field="realis", file=schema.path)


def default_schema_path() -> Path:
    """``$NEWSEVENTS_SCHEMA``, else the checkout's ``annotation/schema.yaml``, else the copy in the wheel."""
    if os.environ.get("NEWSEVENTS_SCHEMA"):
        return Path(os.environ["NEWSEVENTS_SCHEMA"])
    return project_path("annotation/schema.yaml")


def load_schema(path: str | Path | None = None) -> Schema:
    """Load and check the ontology; ``path=None`` loads :func:`default_schema_path`."""
    path = Path(path) if path is not None else default_schema_path()
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Schema:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SchemaError(f"cannot read the schema: {err.strerror}", file=path) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise SchemaError(f"not valid YAML: {err}", file=path) from None
    return parse_schema(data, path)
