#!/usr/bin/env python3
"""Writes a synthetic OpenAPI 3.0.3 document with N operations, as JSON.

Every operation has a path parameter, a query parameter, a request body or
response with an inline example, and an error response; every ten operations
share a resource schema with constraints, a pattern, an enum and a nested
array, so every check has work proportional to N.

usage: synth_spec.py N OUT.json
"""
import json
import sys


def resource(i):
    return {
        "type": "object",
        "description": f"Resource {i}.",
        "required": ["id", "name", "state"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z][A-Za-z0-9_-]*$"},
            "state": {"type": "string", "enum": ["ACTIVE", "DELETED", "BUILDING"]},
            "size": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 1000},
            "tags": {"type": "array", "maxItems": 10, "items": {"type": "string"}},
            "created": {"type": "string", "format": "date-time"},
        },
    }


def example(i):
    return {
        "id": "2f4ddb93-b901-4b08-93d8-1d2e472f30fe",
        "name": f"item-{i}",
        "state": "ACTIVE",
        "size": i % 1000,
        "tags": ["a", "b"],
        "created": "2020-07-07T01:17:05+08:00",
    }


def build(n):
    paths = {}
    schemas = {"Error": {
        "type": "object", "description": "An error.", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    }}
    for i in range(n):
        r = i // 10
        schemas.setdefault(f"Resource{r}", resource(r))
        method = ["get", "put", "delete", "patch", "post"][i % 5]
        path = f"/v1/resources{r}/{{id}}/action{i // 5}"
        op = {
            "operationId": f"op{i}",
            "summary": f"Operation {i}",
            "description": f"Does thing {i}.",
            "tags": ["resources"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "description": "Resource ID.",
                 "schema": {"type": "string", "minLength": 3}, "example": "abc"},
                {"name": "limit", "in": "query", "description": "Page size.",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
            ],
            "responses": {
                "200": {"description": "OK.", "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/Resource{r}"},
                    "example": example(i)}}},
                "404": {"description": "Not found.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"},
                    "example": {"code": "NOT_FOUND", "message": "No such resource."}}}},
            },
        }
        if method in ("put", "patch", "post"):
            body = dict(example(i))
            del body["id"]
            op["requestBody"] = {"required": True, "description": "The resource.", "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/Resource{r}"}, "example": body}}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic {n}", "version": "1.0", "description": f"{n} operations."},
        "servers": [{"url": "https://api.example.com"}],
        "tags": [{"name": "resources", "description": "Resources."}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


if __name__ == "__main__":
    n = int(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        json.dump(build(n), f, indent=1)
