"""Find every write service (a function of csapp.services decorated @writes) and what it calls."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil

from csapp import services


def write_services() -> dict[str, set[str]]:
    """Every function of csapp.services decorated @writes, by 'module.function' (relative to services)."""
    found = {}
    for info in pkgutil.walk_packages(services.__path__, "csapp.services."):
        module = importlib.import_module(info.name)
        tree = ast.parse(inspect.getsource(module))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "writes" for d in node.decorator_list
            ):
                calls = {
                    call.func.id if isinstance(call.func, ast.Name) else call.func.attr
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name | ast.Attribute)
                }
                found[f"{info.name.removeprefix('csapp.services.')}.{node.name}"] = calls
    return found
