"""drf-spectacular postprocessing hook: the Problem component, used as the error answer of every
operation, so the schema says what the exception handler does."""

from __future__ import annotations

from typing import Any

from apps.core.api.problems import CODES, PROBLEM_CONTENT_TYPE, SERVER_ERROR

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details (media type application/problem+json).",
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI naming the kind of problem: urn:control-tower:problem:<code>.",
        },
        "title": {"type": "string", "description": "The HTTP status's phrase."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What happened, for a person; says what to fix."},
        "code": {"type": "string", "enum": [*dict.fromkeys(CODES.values()), SERVER_ERROR]},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per invalid field (`non_field_errors` for the body as a whole); empty otherwise.",
        },
    },
    "required": ["type", "title", "status", "detail", "code", "errors"],
}

DESCRIPTIONS = {
    "400": "Invalid input: `errors` lists each field's problems.",
    "401": "An API token that is unknown, revoked or expired (code `not_authenticated`).",
    "403": "Not signed in (code `not_authenticated`), or your role or site does not allow this.",
    "404": "No such object at your sites, or no such page or cursor.",
    "405": "This method is not offered here.",
    "409": "The object's current state does not allow this (the detail says why).",
    "413": "The body is larger than accepted.",
    "429": "Too many requests; retry after the `Retry-After` header.",
    "500": "Our fault; logged.",
}


def _problem_response(code: str) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS[code],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: add the Problem answers to each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            codes = ["405", "429", "500"]
            if operation.get("security") != [{}]:  # an endpoint open to anyone cannot refuse a person
                codes += ["401", "403"]  # 401: a refused API token (revoked, expired, unknown)
            if "{" in path or names & {"page", "cursor"}:
                codes.append("404")
            has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
            if has_query or "requestBody" in operation:
                codes.append("400")
            if "requestBody" in operation:
                codes.append("413")
            if method in ("post", "put", "patch", "delete"):
                codes.append("409")
            for code in codes:
                operation["responses"][code] = _problem_response(code)
    return result
