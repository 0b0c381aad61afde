"""Backward compatibility of an event's data schema, for the compatibility gate and the catalogue generator.

`breaking_changes(old, new)` compares two JSON Schemas as pydantic writes them (local `$ref`s into `$defs`, `anyOf`
for unions and optionals) and lists what breaks a reader of the old records or a consumer of the old fields: a
removed field, a field made required (or a new required field), a type changed or narrowed, an enum value removed,
a tighter bound, pattern or format. What it cannot prove compatible counts as breaking. A breaking change is a new
version with an upcaster (shared/topics.py); the old version's schema stays published."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
_LOWER = (("minimum", "exclusiveMinimum"),)
_UPPER = (("maximum", "exclusiveMaximum"),)
_AT_LEAST = ("minLength", "minItems", "minProperties")
_AT_MOST = ("maxLength", "maxItems", "maxProperties")
_EXACT = ("pattern", "format", "multipleOf")


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What in `new` breaks readers or consumers of data valid under `old` (empty: compatible)."""
    return _Comparison(old, new).node(old, new, "data", frozenset())


def _type_of(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), "object")


def _values(node: Schema) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    return list(node["enum"]) if "enum" in node else None


def _kind(node: Schema) -> frozenset[str] | None:
    """The JSON types a node accepts, or None when it accepts any value."""
    if "type" in node:
        kind = node["type"]
        return frozenset(kind if isinstance(kind, list) else [kind])
    values = _values(node)
    if values is not None:
        return frozenset(_type_of(v) for v in values)
    if "properties" in node or "additionalProperties" in node:
        return frozenset({"object"})
    if "items" in node or "prefixItems" in node:
        return frozenset({"array"})
    return None


def _accepts(new: frozenset[str], old: frozenset[str]) -> bool:
    return old <= (new | {"integer"} if "number" in new else new)


def _bound(node: Schema, keys: tuple[str, str], pick: Any) -> tuple[float, bool] | None:
    """The tightest (value, exclusive) bound among an inclusive and an exclusive keyword."""
    inclusive, exclusive = keys
    found = [(float(node[inclusive]), False)] if inclusive in node else []
    found += [(float(node[exclusive]), True)] if exclusive in node else []
    return pick(found) if found else None


def _describe(node: Schema) -> str:
    values = _values(node)
    if values is not None:
        return "one of " + ", ".join(map(repr, values))
    kind = _kind(node)
    return "any value" if kind is None else "/".join(sorted(kind))


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.roots = (old_root, new_root)

    def resolve(self, node: Schema, root: Schema) -> Schema:
        """The node with its local `$ref`s and `allOf` parts merged in (the node's own keywords win)."""
        merged = dict(node)
        for _ in range(64):
            if "$ref" in merged:
                target = root
                for part in str(merged.pop("$ref")).removeprefix("#/").split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                merged = {**target, **merged}
            elif "allOf" in merged:
                for part in merged.pop("allOf"):
                    merged = {**self.resolve(part, root), **merged}
            else:
                return merged
        raise ValueError("a $ref chain does not end")

    def alternatives(self, node: Schema, root: Schema) -> list[Schema]:
        node = self.resolve(node, root)
        for union in ("anyOf", "oneOf"):
            if union in node:
                return [alt for part in node[union] for alt in self.alternatives(part, root)]
        kind = node.get("type")
        if isinstance(kind, list) and len(kind) > 1:
            return [{**node, "type": one} for one in kind]
        return [node]

    def node(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> list[str]:
        refs = (str(old.get("$ref")), str(new.get("$ref")))
        if "$ref" in old and "$ref" in new:
            if refs in seen:  # a recursive model: this pair is already being compared further up
                return []
            seen = seen | {refs}
        old_root, new_root = self.roots
        olds, news = self.alternatives(old, old_root), self.alternatives(new, new_root)
        problems: list[str] = []
        for alt in olds:
            found = [self.single(alt, candidate, path, seen) for candidate in news]
            if all(found):
                kind = _kind(alt)
                near = [f for f, c in zip(found, news, strict=True) if kind is not None and (_kind(c) or set()) & kind]
                if near or len(olds) == len(news) == 1:
                    problems += (near or found)[0]
                else:
                    problems.append(f"{path}: {_describe(alt)} is no longer accepted")
        return problems

    def single(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> list[str]:
        old_kind, new_kind = _kind(old), _kind(new)
        if new_kind is None:
            return []
        if old_kind is None:
            return [f"{path}: narrowed from any value to {_describe(new)}"]
        if not _accepts(new_kind, old_kind):
            return [f"{path}: type changed from {_describe(old)} to {_describe(new)}"]
        problems = self.values(old, new, path) + self.bounds(old, new, path)
        if "object" in old_kind:
            problems += self.object(old, new, path, seen)
        if "array" in old_kind and "items" in new:
            problems += self.node(old.get("items", {}), new["items"], f"{path}[]", seen)
        return problems

    @staticmethod
    def values(old: Schema, new: Schema, path: str) -> list[str]:
        new_values = _values(new)
        if new_values is None:
            return []
        old_values = _values(old)
        if old_values is None:
            return [f"{path}: narrowed to {_describe(new)}"]
        removed = [v for v in old_values if v not in new_values]
        return [f"{path}: value(s) {', '.join(map(repr, removed))} removed"] if removed else []

    @staticmethod
    def bounds(old: Schema, new: Schema, path: str) -> list[str]:
        problems = []
        for keys in _LOWER:
            was, now = _bound(old, keys, max), _bound(new, keys, max)
            if now is not None and (was is None or now > was):
                problems.append(f"{path}: lower bound raised to {'>' if now[1] else '>='} {now[0]:g}")
        for keys in _UPPER:
            was, now = _bound(old, keys, min), _bound(new, keys, min)
            if now is not None and (was is None or (now[0], not now[1]) < (was[0], not was[1])):
                problems.append(f"{path}: upper bound lowered to {'<' if now[1] else '<='} {now[0]:g}")
        problems += [
            f"{path}: {key} raised to {new[key]}" for key in _AT_LEAST if key in new and new[key] > old.get(key, 0)
        ]
        problems += [
            f"{path}: {key} lowered to {new[key]}" for key in _AT_MOST
            if key in new and (key not in old or new[key] < old[key])
        ]
        problems += [
            f"{path}: {key} changed to {new[key]!r}" for key in _EXACT if key in new and new[key] != old.get(key)
        ]
        if new.get("uniqueItems") and not old.get("uniqueItems"):
            problems.append(f"{path}: items must now be unique")
        return problems

    def object(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> list[str]:
        problems = []
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        for name, schema in old_fields.items():
            if name not in new_fields:
                problems.append(f"{path}.{name}: field removed")
            else:
                problems += self.node(schema, new_fields[name], f"{path}.{name}", seen)
        was_required = set(old.get("required", ()))
        for name in new.get("required", ()):
            if name not in was_required:
                problems.append(f"{path}.{name}: " + ("made required" if name in old_fields else "new required field"))
        old_extra, new_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if new_extra is False and old_extra is not False:
            problems.append(f"{path}: other fields are no longer accepted")
        elif isinstance(new_extra, Mapping) and old_extra is not False:
            problems += self.node(old_extra if isinstance(old_extra, Mapping) else {}, new_extra, f"{path}.*", seen)
        return problems
