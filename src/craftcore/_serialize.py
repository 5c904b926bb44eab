"""craftcore's cattrs converters: the strict one that reads pack files, and the one way from model objects to plain
data (and back) that saves, the compiled cache, ``--json`` output and the web app use.

Hooks are registered on private converters, never on cattrs' global one, so an embedder's own cattrs use is
unaffected. Primitive hooks are strict: TOML ``level = "3"`` is an error, not silently ``3``.
"""

from __future__ import annotations

import math
from typing import Any, Final, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import is_mapping, is_sequence, list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn
from cattrs.preconf.json import make_converter as _make_json_converter
from cattrs.preconf.tomllib import make_converter as _make_toml_converter

from craftcore._frozenmap import FrozenMap

__all__ = ["MAX_INT", "from_data", "make_converter", "strict_converter", "to_data"]

T = TypeVar("T")


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_type_name(value)}")
    return value


#: Integers beyond 64 bits are refused: no count, level or time needs more, and huge ones make every message huge.
MAX_INT: Final = 2**63 - 1


def _strict_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {_type_name(value)}")
    if not -MAX_INT <= value <= MAX_INT:
        raise ValueError("integer out of range (more than 64 bits)")
    return value


def _strict_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {_type_name(value)}")
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return float(value)


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_type_name(value)}")
    return value


def _property_value(value: Any, _: type) -> str | int | float | tuple[str, ...]:
    if isinstance(value, bool):
        raise TypeError("expected a string, a number or an array of strings, got a boolean")
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            raise ValueError("integer out of range (more than 64 bits)")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"expected a string, a number or an array of strings, got {_type_name(value)}")


def _type_name(value: Any) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
        type(None): "nothing",
    }
    return names.get(type(value), type(value).__name__)


#: The union type pack properties may hold (kept here so the hook and the document class agree).
PropertyValueType = str | int | float | tuple[str, ...]


def make_converter() -> cattrs.Converter:
    """A fresh strict converter: unknown keys are errors, primitives are not coerced.

    Leaf hooks are registered before any class is structured, so generated class hooks pick them up.
    """
    converter = _make_toml_converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(bool, _strict_bool)
    # a predicate hook, so it wins over the union passthrough the preconf converter installs (which let NaN and
    # booleans through)
    converter.register_structure_hook_func(lambda t: t == PropertyValueType, _property_value)
    converter.register_structure_hook_factory(is_sequence, _strict_container(list, "an array", converter))
    converter.register_structure_hook_factory(is_mapping, _strict_container(dict, "a table", converter))
    converter.register_structure_hook_factory(attrs.has, _strict_class(converter))
    return converter


def _strict_class(converter: cattrs.Converter) -> Any:
    """A hook factory for attrs classes that refuses a value that is not a table (cattrs would fail with an
    ``AttributeError`` about ``.keys`` that means nothing to a user)."""

    def factory(cl: Any) -> Any:
        inner = make_dict_structure_fn(cl, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True)

        def hook(value: Any, target: Any) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"expected a table, got {_type_name(value)}")
            return inner(value, target)

        return hook

    return factory


def _strict_container(kind: type, noun: str, converter: cattrs.Converter) -> Any:
    """A hook factory that refuses values of the wrong container type (a string is not an array of strings)."""
    make_inner = list_structure_factory if kind is list else mapping_structure_factory

    def factory(cl: Any) -> Any:
        inner = make_inner(cl, converter)

        def hook(value: Any, target: Any) -> Any:
            if not isinstance(value, kind):
                raise TypeError(f"expected {noun}, got {_type_name(value)}")
            return inner(value, target)  # type: ignore[arg-type]

        return hook

    return factory


#: The shared converter (it holds no per-call state, so one per process is safe).
strict_converter: Final = make_converter()


def _is_frozen_map(target: Any) -> bool:
    return bool(target is FrozenMap or get_origin(target) is FrozenMap)


def _make_data_converter() -> cattrs.Converter:
    """The converter between model objects and plain JSON-safe data: attrs fields by name, tuples as lists,
    :class:`FrozenMap` as an object. Derived fields (``init=False``) are left out and rebuilt on the way back."""
    converter = _make_json_converter()
    converter.register_unstructure_hook_func(
        _is_frozen_map,
        lambda value: {k: converter.unstructure(v) for k, v in value.items()},
    )

    def structure_map(value: Any, target: Any) -> FrozenMap[Any, Any]:
        args = get_args(target)
        item = args[1] if len(args) == 2 else Any
        return FrozenMap({k: converter.structure(v, item) for k, v in value.items()})

    converter.register_structure_hook_func(_is_frozen_map, structure_map)
    converter.register_structure_hook(PropertyValueType, _property_value)
    return converter


_data_converter: Final = _make_data_converter()


def to_data(value: Any) -> Any:
    """A model or result object (or a collection of them) as plain JSON-safe data."""
    return _data_converter.unstructure(value)


def from_data(data: Any, cls: type[T]) -> T:
    """The inverse of :func:`to_data` for ``cls``.

    :raises cattrs.BaseValidationError: (or ``TypeError``/``ValueError``) when ``data`` does not fit ``cls``.
    """
    return _data_converter.structure(data, cls)
