"""The `Allow` header of a 405 answer, listing every method the path serves.

Starlette answers 405 from the first route whose path matches, so `Allow` named only that route's methods (GET for
the dashboard's sign-in page, though its form is POSTed to the same path); found by schemathesis."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path


def allow_every_method(request: Request, response: Response) -> Response:
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.path and route.methods and compile_path(route.path)[0].match(request.url.path):
            methods |= route.methods
    if methods:
        response.headers["Allow"] = ", ".join(sorted(methods))
    return response
