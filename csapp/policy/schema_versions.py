"""Rewrite a stored policy version written under an older schema into the current one.

Each step takes the raw document of schema version N and returns that of N + 1, filling every new field
with the value that reproduces the old behaviour: a published version never changes meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .parameters import SCHEMA_VERSION, PolicyError

Raw = dict[str, Any]

STEPS: dict[int, Callable[[Raw], Raw]] = {}
"""From schema version N (the key) to N + 1. Schema 1 is the first stored one: no step yet."""


def upgrade_raw(raw: Raw, from_version: int, to_version: int = SCHEMA_VERSION, steps: dict | None = None) -> Raw:
    """Return *raw* (of schema *from_version*) rewritten step by step into schema *to_version*."""
    steps = STEPS if steps is None else steps
    if from_version > to_version:
        raise PolicyError(f"policy schema {from_version} is newer than this release ({to_version})")
    for version in range(from_version, to_version):
        if version not in steps:
            raise PolicyError(f"no step rewrites policy schema {version} into {version + 1}")
        raw = steps[version](raw)
    return raw
