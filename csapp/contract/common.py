"""Shared field types, JSON parsing and path-naming error messages for the contract."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..policy.numbers import round2


class InputError(ValueError):
    """Bad input, with the path of the offending value."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError("must be a number")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _half_step(value: Decimal) -> Decimal:
    if (value * 2) % 1 != 0:
        raise ValueError("must be counted in half days (0.5 steps)")
    return value


Num = Annotated[Decimal, BeforeValidator(_number)]
NonNeg = Annotated[Decimal, BeforeValidator(_number), Field(ge=0)]
Percent = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=100)]
Count = Annotated[int, Field(strict=True, ge=0)]
HalfDays = Annotated[Decimal, BeforeValidator(_number), Field(ge=0), AfterValidator(_half_step)]


class Strict(BaseModel):
    """A document part that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid")


_MESSAGES = {
    "missing": lambda e: "is required",
    "extra_forbidden": lambda e: "unknown key",
    "int_type": lambda e: "must be an integer",
    "int_from_float": lambda e: "must be an integer",
    "string_type": lambda e: "must be a text",
    "bool_type": lambda e: "must be true or false",
    "list_type": lambda e: "must be a list",
    "dict_type": lambda e: "must be an object",
    "model_type": lambda e: "must be an object",
    "too_short": lambda e: f"must have at least {e['ctx'].get('min_length')} item(s)",
    "greater_than_equal": lambda e: f"must be >= {e['ctx']['ge']}",
    "greater_than": lambda e: f"must be > {e['ctx']['gt']}",
    "less_than_equal": lambda e: f"must be <= {e['ctx']['le']}",
    "literal_error": lambda e: f"must be one of {e['ctx']['expected']}",
    "enum": lambda e: f"must be one of {e['ctx']['expected']}",
}


def path_of(loc: tuple) -> str:
    """Format a pydantic location as ``agents[3].qa_scores[1]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not str(part).startswith("function-"):
            text += f".{part}" if text else str(part)
    return text


def first_error(exc: ValidationError) -> InputError:
    """Turn the first pydantic error into an InputError naming its path."""
    error = exc.errors()[0]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p and p.endswith("]")))
    if error["type"] in ("value_error", "assertion_error"):
        message = str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    else:
        message = _MESSAGES.get(error["type"], lambda e: e["msg"])(error)
    return InputError(path_of(loc), message)


def parse_json(text: str) -> Any:
    """Parse a JSON document, numbers with fractions as Decimal."""

    def no_constants(name: str) -> None:
        raise InputError("", f"not valid JSON: {name} is not a number")

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise InputError("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc


def validate(model: type[BaseModel], data: Any) -> Any:
    """Validate *data* against *model*, raising InputError on the first problem."""
    if not isinstance(data, dict):
        raise InputError("", "the document must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc) from exc


def out(value: Any) -> Any:
    """Convert a result value for JSON output: numbers rounded to 2 decimals."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, dict):
        return {k: out(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [out(v) for v in value]
    return float(round2(value))
