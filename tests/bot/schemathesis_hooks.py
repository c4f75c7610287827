"""schemathesis hooks for tests/bot/test_openapi.py (loaded through SCHEMATHESIS_HOOKS): generated chat messages carry
a valid session token, so fuzzing reaches the assistant instead of stopping at the session check."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import schemathesis

TOKENS = [token for token in os.environ.get("CONSULT_TEST_TOKENS", "").split(",") if token]


@schemathesis.hook
def map_body(context: schemathesis.HookContext, body: Any) -> Any:
    operation = context.operation
    if operation is None or operation.path != "/api/chat/message" or not isinstance(body, dict) or not TOKENS:
        return body
    token = body.get("token")
    if not isinstance(token, str) or not 1 <= len(token) <= 500:
        return body  # a deliberately invalid token (negative testing) must stay invalid
    # Spread over several sessions (the per-session rate limit), chosen from the body so a run is reproducible.
    pick = int(hashlib.sha256(repr(sorted(body.items(), key=str)).encode()).hexdigest(), 16) % len(TOKENS)
    return {**body, "token": TOKENS[pick]}
