"""The public surface is typed: every function, method and property reachable through a public module's `__all__`
has annotations on each parameter and on its return, and every public module lists its names in `__all__`."""

import importlib
import inspect
import pathlib
import pkgutil
import types

import pytest

PACKAGES = ("autograd_core", "nn", "viz")


def public_modules():
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                yield importlib.import_module(info.name)


MODULES = {m.__name__: m for m in public_modules()}


def missing_annotations(fn, skip_first):
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())[1 if skip_first else 0 :]
    missing = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
        missing.append("return")
    return missing


def members(cls):
    """(name, function, is it bound to self/cls) of what the class itself defines and a user may call."""
    for name, attr in vars(cls).items():
        if name.startswith("_") and name not in ("__init__", "__call__"):
            continue
        if isinstance(attr, staticmethod):
            yield name, attr.__func__, False
        elif isinstance(attr, classmethod):
            yield name, attr.__func__, True
        elif isinstance(attr, property) and isinstance(attr.fget, types.FunctionType):
            yield name, attr.fget, True
        elif isinstance(attr, types.FunctionType):
            yield name, attr, True


def untyped(module):
    found = []
    for name in module.__all__:
        obj = getattr(module, name)
        if getattr(obj, "__module__", None) != module.__name__:
            continue  # checked where it is defined
        if isinstance(obj, types.FunctionType):
            found += [f"{name}({m})" for m in missing_annotations(obj, skip_first=False)]
        elif isinstance(obj, type):
            for attr, fn, bound in members(obj):
                if fn.__module__ == module.__name__:
                    found += [f"{name}.{attr}({m})" for m in missing_annotations(fn, skip_first=bound)]
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_public_module_lists_its_names(name):
    module = MODULES[name]
    assert isinstance(getattr(module, "__all__", None), list), f"{name} has no __all__"
    absent = [n for n in module.__all__ if not hasattr(module, n)]
    assert not absent, f"{name}.__all__ names what it does not have: {absent}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_public_function_and_method_is_annotated(name):
    found = untyped(MODULES[name])
    assert not found, f"{name}: not annotated: {', '.join(found)}"


def test_the_packages_say_they_are_typed():
    for package in PACKAGES:
        path = importlib.import_module(package).__path__[0]
        assert (pathlib.Path(path) / "py.typed").is_file(), f"{package} has no py.typed marker"
