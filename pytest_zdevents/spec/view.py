"""Two views of one spec: the emulator's full description and what Zendesk's docs promise.

``openapi.yaml`` describes the emulator completely, choices included: it is the *full* view.
Where the docs are silent the spec marks the emulator's choice ``x-zdevents-defined-by:
emulator``. A conforming server may choose otherwise, so against any other target the schema
contract validates against the *documented* view, derived here from the full one by three rules:

1. A schema marked ``emulator`` loses every keyword that narrows its values (``pattern``,
   ``format``, ``enum``, ``maximum``, ...): the emulator's cursor shape, id alphabet and page-size
   maximum are not promises. Its ``type``, ``required`` and sub-schemas stay; they carry their own
   markers.
2. A response marked ``emulator`` (a status and body the docs do not give, such as 409 or the
   body of a 401) is removed, and every operation answers any other ``4XX`` with any body: which
   status and body a server uses for a request the docs do not cover is its own choice.
3. Under a path marked ``x-zdevents-error-bodies: support-or-envelope`` (the routes under
   ``/api/v2/users/{user_id}``, which Zendesk Support serves), a 4xx body may also take the
   Support API's shapes, as the docs show there.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Literal

View = Literal["full", "documented"]
VIEWS: tuple[View, ...] = ("full", "documented")

MARKER = "x-zdevents-defined-by"
ERROR_BODIES = "x-zdevents-error-bodies"
SUPPORT_OR_ENVELOPE = "support-or-envelope"
#: The body schema every 4xx under a Support-served path may take in the documented view.
USER_ROUTE_ERROR = "#/components/schemas/UserRouteError"
METHODS = frozenset({"get", "put", "post", "patch", "delete", "head", "options", "trace"})

#: JSON Schema keywords that narrow the values a schema admits without naming a sub-schema.
NARROWING = frozenset(
    {
        "pattern",
        "format",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "not",
        "dependentRequired",
        "propertyNames",
        "default",
        "if",
        "then",
        "else",
    }
)

OTHER_CLIENT_ERROR: dict[str, Any] = {
    "description": (
        "Any other client error. The docs do not say which 4xx status or body a server uses for a "
        "request they do not cover, so the documented view accepts any."
    ),
    MARKER: "docs",
}


def documented_view(spec: dict[str, Any]) -> dict[str, Any]:
    """The documented view of ``spec`` (the full view): a new dict, ``spec`` is not changed."""
    view = copy.deepcopy(spec)
    for pointer, node in walk(view):
        if node.get(MARKER) == "emulator" and is_schema(pointer):
            for keyword in NARROWING & node.keys():
                del node[keyword]
    responses = view.get("components", {}).get("responses", {})
    for path_item in view.get("paths", {}).values():
        support = path_item.get(ERROR_BODIES) == SUPPORT_OR_ENVELOPE
        for method, operation in path_item.items():
            if method in METHODS:
                operation["responses"] = _documented_responses(operation["responses"], responses, support)
    info = view.setdefault("info", {})
    info["x-zdevents-view"] = "documented"
    info["description"] = (
        "The documented view of the pytest-zdevents spec: only what Zendesk's docs promise is "
        "enforced (pytest_zdevents/spec_view.py says how it is derived).\n\n" + info.get("description", "")
    )
    return view


def _documented_responses(
    declared: dict[str, Any], components: dict[str, Any], support: bool
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for status, response in declared.items():
        target = _resolve(response, components)
        if target.get(MARKER) == "emulator":
            continue
        if support and str(status).startswith("4") and "content" in target:
            response = copy.deepcopy(target)
            for media in response["content"].values():
                media["schema"] = {"$ref": USER_ROUTE_ERROR}
        kept[status] = response
    kept["4XX"] = copy.deepcopy(OTHER_CLIENT_ERROR)
    return kept


def _resolve(response: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    reference = response.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/components/responses/"):
        return components[reference.rsplit("/", 1)[1]]
    return response


def is_schema(pointer: tuple[str, ...]) -> bool:
    """Whether the node at ``pointer`` is a JSON Schema: below a ``schema`` or ``schemas`` key,
    and not an example value."""
    return any(part in ("schema", "schemas") for part in pointer) and "examples" not in pointer[:-1]


def walk(node: Any, pointer: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping in ``node`` with its path of keys, parents before children."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from walk(value, (*pointer, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*pointer, str(index)))


def view_for(*, embedded: bool, variations: tuple[str, ...] | list[str] | frozenset[str]) -> View:
    """The view a run's schema contract validates against: the full one only for the embedded
    emulator as it ships, which openapi.yaml describes; the documented one for every other
    target, including the emulator with a legal variation on."""
    return "full" if embedded and not variations else "documented"
