"""Checks docs/openapi.yaml, and real answers of a live server against it.

    openapi_check.py validate SPEC
        Validates SPEC as an OpenAPI 3.1 document (openapi-spec-validator).
    openapi_check.py responses SPEC EXCHANGES
        EXCHANGES is a JSON list of {"method", "path" (the documented template), "status", "contentType", "body"}.
        Each answer's status must be documented for the operation (explicitly: `default` does not count), its content
        type must be one the response declares, and a JSON body must be valid against the declared schema, with
        formats checked (openapi-schema-validator's OAS 3.1 dialect).

Prints one line per problem and exits 1 if there is any.
"""
import json
import sys

import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def media_match(declared, actual):
    """The declared media type (a key of `content`) that covers `actual` (without parameters), if any."""
    if actual in declared:
        return actual
    major = actual.split("/")[0]
    if f"{major}/*" in declared:
        return f"{major}/*"
    if "*/*" in declared:
        return "*/*"
    return None


def check_responses(spec, exchanges):
    problems = []
    for x in exchanges:
        where = f"{x['method']} {x['path']} → {x['status']}"
        item = spec["paths"].get(x["path"])
        operation = item.get(x["method"].lower()) if item else None
        if operation is None:
            problems.append(f"{where}: the operation is not documented")
            continue
        status = str(x["status"])
        response = operation["responses"].get(status)
        base = ["paths", x["path"], x["method"].lower(), "responses", status]
        if response is None:
            problems.append(f"{where}: status {status} is not documented (documented: {', '.join(operation['responses'])})")
            continue
        if "$ref" in response:
            name = response["$ref"].split("/")[-1]
            response = spec["components"]["responses"][name]
            base = ["components", "responses", name]
        content = response.get("content")
        body = x.get("body") or ""
        if not content:
            if body:
                problems.append(f"{where}: no content is documented, but the answer has a body: {body[:200]}")
            continue
        actual = (x.get("contentType") or "").split(";")[0].strip().lower()
        declared = media_match(content, actual)
        if declared is None:
            problems.append(f"{where}: content type {actual!r} is not documented ({', '.join(content)})")
            continue
        if actual != "application/json":
            continue
        try:
            instance = json.loads(body)
        except ValueError as e:
            problems.append(f"{where}: the body is not JSON ({e}): {body[:200]}")
            continue
        root = dict(spec)
        root["$ref"] = pointer(*base, "content", declared, "schema")
        validator = OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            at = "/".join(str(p) for p in error.absolute_path) or "(body)"
            problems.append(f"{where}: {at}: {error.message[:300]}")
    return problems


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "validate":
        validate(load(sys.argv[2]))
        print("valid OpenAPI")
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "responses":
        spec = load(sys.argv[2])
        with open(sys.argv[3], encoding="utf-8") as f:
            exchanges = json.load(f)
        problems = check_responses(spec, exchanges)
        for problem in problems:
            print(problem)
        print(f"checked {len(exchanges)} answers, {len(problems)} problem(s)")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
