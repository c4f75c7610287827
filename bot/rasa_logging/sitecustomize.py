"""Loaded by every Python of the Rasa environment that consult starts (this folder is on its PYTHONPATH).

Rasa checks each action server response with `jsonschema.validate`, which first validates the schema itself against
the JSON Schema metaschema, on every call: about two thirds of Rasa's CPU per turn (cProfile of `rasa run`, 40 turns).
The schema is the same every time, so here it is checked once and its validator kept; instances are validated exactly
as before, with the same errors.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import jsonschema  # type: ignore[import-untyped]
    from jsonschema import exceptions, validators
except ImportError:  # the environment is being installed
    jsonschema = None

_checked: dict[str, Any] = {}


def validate_with_checked_schema(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    if cls is not None or args or kwargs:
        _original(instance, schema, cls, *args, **kwargs)
        return None
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _checked.get(key)
    if validator is None:
        kind = validators.validator_for(schema)
        kind.check_schema(schema)
        validator = _checked[key] = kind(schema)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    return None


if jsonschema is not None:
    _original = jsonschema.validate
    jsonschema.validate = validate_with_checked_schema
