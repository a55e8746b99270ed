"""Fingerprints of a node's code: its function and, transitively, the project code it reaches.

A node's result depends on more than its own function body: on the helpers it calls (in any
module of the project), the module constants they read, the values its closures captured, its
default arguments, the ``functools.partial`` arguments it was built with, and the methods of
project classes it uses. Keying on the function's own source alone misses an edit in ``scale()``
two modules away; this module follows all of them.

Code is compared as its syntax tree with docstrings removed, so comments, docstrings and
formatting never count as a change. The tree is taken from the source file only after checking
that the file still compiles to the code that is running (a file edited but not re-imported
would otherwise be fingerprinted for code that is not what runs); otherwise, and for lambdas and
nested functions, the running bytecode itself is used, without line numbers or docstrings.

Project code is anything in the given project packages or defined in a notebook
(``__main__``). Code of installed libraries counts by its name and its package's version.
Anything that cannot be fingerprinted is reported as a ``problem``: the caller must treat the
node as changed.
"""

from __future__ import annotations
import __future__

import ast
import functools
import hashlib
import inspect
import linecache
import operator
import sys
import textwrap
import types
import weakref
from dataclasses import dataclass, field
from typing import Any, Final

from kedro_ipy.runner._content_hash import UnhashableValueError, content_hash

__all__ = ["CodeFingerprint", "CodeFingerprinter"]

_FUTURE_FLAGS: Final = functools.reduce(
    operator.or_, (getattr(__future__, f).compiler_flag for f in __future__.all_feature_names))
_CO_HAS_DOCSTRING: Final = 0x4000000  # Python 3.14+ marks code objects that carry a docstring
_SKIPPED_CLASS_ATTRIBUTES: Final = frozenset({
    "__dict__", "__weakref__", "__doc__", "__module__", "__qualname__", "__firstlineno__",
    "__static_attributes__", "__annotations__", "__orig_bases__", "__parameters__",
    "__slots__", "__match_args__", "__dataclass_fields__", "__dataclass_params__",
    "__hash__", "__abstractmethods__", "_abc_impl",
})


@dataclass
class CodeFingerprint:
    """What a node's code depends on.

    Attributes:
        parts: Qualified name -> digest, for the node's function and everything of the project
            it reaches (helpers ``pkg.mod.scale``, constants ``pkg.mod.FACTOR``, closures
            ``pkg.mod.make.<closure alpha>``, ...). Comparing two ``parts`` says what changed.
        kinds: Part name -> ``"function"``, ``"class"``, ``"value"`` or ``"library"``.
        problems: Why some part could not be fingerprinted; any problem means "changed".
    """

    parts: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str | None:
        """One digest of every part, or ``None`` when something could not be fingerprinted."""
        if self.problems:
            return None
        text = "\n".join(f"{name}={digest}" for name, digest in sorted(self.parts.items()))
        return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _digest(text: str | bytes) -> str:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', None)}.{getattr(obj, '__qualname__', repr(obj))}"


class CodeFingerprinter:
    """Fingerprints functions, keeping the costly per-code-object work between calls.

    Args:
        project_packages: Top-level package names whose code is the project's own (followed
            into); ``__main__`` (a notebook) always is.
    """

    def __init__(self, project_packages: set[str] | frozenset[str] | tuple[str, ...] = ()) -> None:
        self.project_packages = frozenset(project_packages) | {"__main__"}
        # code object -> (digest, global names it reads); code objects are immutable, so a
        # digest computed once stays right for as long as that code runs.
        self._code_memo: dict[types.CodeType, tuple[str, tuple[str, ...]]] = {}
        self._class_memo: weakref.WeakKeyDictionary[type, str] = weakref.WeakKeyDictionary()

    def is_project(self, obj: Any) -> bool:
        """Whether ``obj`` (a function, class or module) is user code to follow: code of the
        project packages, of a notebook, or from any file that is not part of an installed
        library (the standard library, site-packages, kedro_ipy itself)."""
        filename: str | None
        module: Any
        if isinstance(obj, types.ModuleType):
            module, filename = obj.__name__, getattr(obj, "__file__", None)
        else:
            module = getattr(obj, "__module__", None)
            code = getattr(obj, "__code__", None)
            filename = code.co_filename if code is not None else getattr(
                sys.modules.get(module or ""), "__file__", None)
        if not isinstance(module, str):
            return False
        root = module.partition(".")[0]
        if root in self.project_packages:
            return True
        if root in _LIBRARY_ROOTS or not filename:
            return False
        return not _is_library_file(filename)

    def fingerprint(self, func: Any) -> CodeFingerprint:
        """The fingerprint of a node's callable and all the project code it reaches."""
        result = CodeFingerprint()
        try:
            _Walk(self, result).callable(func)
        except Exception as exc:  # odd objects on the way: unknown, so never "unchanged"
            result.problems.append(
                f"the code of `{_qualname(func)}` could not be read: {type(exc).__name__}: {exc}")
        return result

    # -- one code object ------------------------------------------------------------------
    def code_digest(self, code: types.CodeType) -> tuple[str, tuple[str, ...]]:
        """A digest of ``code`` ignoring comments, docstrings and layout, and the global (or
        attribute) names it and its nested code read."""
        memo = self._code_memo.get(code)
        if memo is None:
            digest = _source_digest(code) or _bytecode_digest(code)
            memo = (digest, _names(code))
            if len(self._code_memo) > 50_000:  # a very long session re-importing a lot
                self._code_memo.clear()
            self._code_memo[code] = memo
        return memo


class _Walk:
    """One fingerprint computation: follows references, each object once."""

    def __init__(self, owner: CodeFingerprinter, result: CodeFingerprint) -> None:
        self.owner = owner
        self.result = result
        self.seen: set[int] = set()
        self.attributes_seen: set[tuple[int, str]] = set()
        self.keep: list[Any] = []

    def _first_visit(self, obj: Any) -> bool:
        if id(obj) in self.seen:
            return False
        self.seen.add(id(obj))
        self.keep.append(obj)
        return True

    def _value(self, name: str, value: Any) -> None:
        kind = type(value)
        if kind.__module__ != "builtins" and self.owner.is_project(kind):
            self.klass(kind)  # an instance of a project class: its methods count too
        self.callables_inside(value)
        self.result.kinds[name] = "value"
        try:
            self.result.parts[name] = content_hash(value)
        except UnhashableValueError as exc:
            self.result.problems.append(f"`{name}` cannot be fingerprinted: {exc}")

    def callable(self, func: Any) -> None:
        if not self._first_visit(func):
            return
        if isinstance(func, types.MethodType):
            owner = func.__self__
            if isinstance(owner, type):
                self.klass(owner)
            else:
                self.instance(owner, f"{_qualname(func.__func__)}.<self>")
            self.callable(func.__func__)
            return
        partial_func = getattr(func, "func", None)
        if type(func).__name__ == "partial" and partial_func is not None:
            self._value(f"{_qualname(partial_func)}.<partial arguments>",
                        (func.args, func.keywords))
            self.callable(partial_func)
            return
        if isinstance(func, (staticmethod, classmethod)):
            self.callable(func.__func__)
            return
        if isinstance(func, types.FunctionType):
            self.function(func)
            return
        if isinstance(func, type):
            self.klass(func)
            return
        if isinstance(func, (types.BuiltinFunctionType, types.MethodDescriptorType)):
            self.external(func)
            return
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is not None and callable(func):  # @functools.cache and other wrappers
            self.external(type(func))
            self.callable(wrapped)
            return
        if callable(func):  # an instance with __call__
            kind = type(func)
            self.klass(kind)
            self.instance(func, f"{_qualname(kind)}.<instance>")
            return
        self.result.problems.append(f"`{func!r}` is not a function")

    def callables_inside(self, value: Any, depth: int = 2) -> None:
        """Functions kept in a value (a dispatch table ``{"a": handle_a}``, a default
        argument) are followed like called ones: their helpers count too. The content hash
        of the value covers the rest."""
        if isinstance(value, types.FunctionType) or (
                callable(value) and getattr(value, "__wrapped__", None) is not None):
            self.callable(value)
            return
        if depth <= 0:
            return
        items: Any
        if isinstance(value, dict):
            items = value.values()
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = value
        else:
            return
        for item in items:
            if isinstance(item, (types.FunctionType, dict, list, tuple, set, frozenset)) or (
                    callable(item) and getattr(item, "__wrapped__", None) is not None):
                self.callables_inside(item, depth - 1)

    def external(self, obj: Any) -> None:
        """Library code counts by its name and the version of its package."""
        module = getattr(obj, "__module__", None) or ""
        top = module.partition(".")[0]
        version = getattr(sys.modules.get(top), "__version__", "")
        self.result.parts[_qualname(obj)] = _digest(f"{module}:{version}")
        self.result.kinds[_qualname(obj)] = "library"

    def instance(self, obj: Any, name: str) -> None:
        self._value(name, obj)

    def function(self, func: types.FunctionType) -> None:
        if not self.owner.is_project(func):
            self.external(func)
            return
        name = _qualname(func)
        digest, names = self.owner.code_digest(func.__code__)
        self.result.parts[name] = digest
        self.result.kinds[name] = "function"
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is not None:  # a decorated function: the code inside counts too
            self.callable(wrapped)
        if func.__defaults__ or func.__kwdefaults__:
            self._value(f"{name}.<defaults>", (func.__defaults__, func.__kwdefaults__))
            for default in (*(func.__defaults__ or ()), *(func.__kwdefaults__ or {}).values()):
                self.callables_inside(default)
        for var, cell in zip(func.__code__.co_freevars, func.__closure__ or (), strict=False):
            try:
                contents = cell.cell_contents
            except ValueError:  # not bound yet
                continue
            self.reference(f"{name}.<closure {var}>", contents)
        self.globals(func.__globals__, names, func.__module__)
        self.methods_called(func.__globals__, names)

    def methods_called(self, namespace: dict[str, Any], names: tuple[str, ...]) -> None:
        """``model.predict(x)`` on an argument names no class; follow the project classes
        this module knows (imported, or defined here) that define a ``predict``, so that
        editing that method is seen even when the model comes from a file."""
        attributes = {var for var in names if var not in namespace}
        if not attributes:
            return
        for value in list(namespace.values()):
            if (isinstance(value, type) and id(value) not in self.seen
                    and self.owner.is_project(value)
                    and any(var in vars(value) for var in attributes)):
                self.klass(value)

    def globals(self, namespace: dict[str, Any], names: tuple[str, ...], module: str) -> None:
        """Follow the global names a piece of code reads, and attribute names through project
        modules: ``pkg.sub.helpers.scale(x)`` reads ``pkg``, ``sub``, ``helpers`` and
        ``scale``; each is looked up in the project modules reached so far."""
        modules: list[types.ModuleType] = []
        for var in names:
            if var not in namespace:
                continue  # a builtin, an attribute name, or a name not defined yet
            value = namespace[var]
            if isinstance(value, types.ModuleType):
                if self.owner.is_project(value):
                    modules.append(value)
                continue
            self.reference(f"{module}.{var}", value)
        reached = {id(found) for found in modules}
        while modules:
            found = modules.pop()
            attributes = vars(found)
            for var in names:
                if var not in attributes:
                    continue
                value = attributes[var]
                if isinstance(value, types.ModuleType):
                    if self.owner.is_project(value) and id(value) not in reached:
                        reached.add(id(value))
                        modules.append(value)
                    continue
                key = (id(found), var)  # each module attribute once per fingerprint
                if key not in self.attributes_seen:
                    self.attributes_seen.add(key)
                    self.reference(f"{found.__name__}.{var}", value)

    def reference(self, name: str, value: Any) -> None:
        """Something a piece of project code refers to by name."""
        if isinstance(value, (types.FunctionType, types.MethodType, staticmethod, classmethod)):
            self.callable(value)
        elif callable(value) and getattr(value, "__wrapped__", None) is not None:
            self.callable(value)  # e.g. an @functools.cache helper: its code, not its name
        elif isinstance(value, type):
            if self.owner.is_project(value):
                self.klass(value)
        elif type(value).__name__ == "partial":
            self.callable(value)
        elif isinstance(value, (types.BuiltinFunctionType, types.ModuleType)):
            return
        elif _is_library_object(value, self.owner):
            return  # e.g. a logger, a typing construct: library state, not project data
        else:
            if id(value) in self.seen:
                return
            self._first_visit(value)
            self._value(name, value)

    def klass(self, cls: type) -> None:
        if not self.owner.is_project(cls):
            self.external(cls)
            return
        if id(cls) in self.seen and _qualname(cls) in self.result.parts:
            return
        self.seen.add(id(cls))
        self.keep.append(cls)
        name = _qualname(cls)
        self.result.parts[name] = self._class_digest(cls)
        self.result.kinds[name] = "class"
        for base in cls.__bases__:
            if self.owner.is_project(base):
                self.klass(base)
        for attr, value in sorted(vars(cls).items()):
            if attr in _SKIPPED_CLASS_ATTRIBUTES:
                continue
            if isinstance(value, property):
                for accessor in (value.fget, value.fset, value.fdel):
                    if accessor is not None:
                        self.callable(accessor)
            elif isinstance(value, (types.FunctionType, staticmethod, classmethod)):
                self.callable(value)
            elif isinstance(value, type):
                if self.owner.is_project(value):
                    self.klass(value)
            elif not callable(value) and not (attr.startswith("__") and attr.endswith("__")):
                # dunder values are Python's bookkeeping (``__slotnames__`` appears once an
                # instance was pickled), not the class's behaviour
                self._value(f"{name}.{attr}", value)

    def _class_digest(self, cls: type) -> str:
        """The class's name and bases; its methods and attributes are parts of their own."""
        memo = self.owner._class_memo.get(cls)
        if memo is None:
            bases = ",".join(_qualname(base) for base in cls.__bases__)
            memo = _digest(f"class {_qualname(cls)}({bases})")
            self.owner._class_memo[cls] = memo
        return memo


_LIBRARY_ROOTS: Final = frozenset({"kedro_ipy", "builtins"}) | frozenset(sys.stdlib_module_names)


def _library_prefixes() -> tuple[str, ...]:
    import sysconfig

    paths = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(sorted(p for p in paths if p))


_LIBRARY_PREFIXES: Final = _library_prefixes()


def _is_library_file(filename: str) -> bool:
    """Whether code from ``filename`` belongs to an installed library rather than the user."""
    if filename.startswith(_LIBRARY_PREFIXES):
        return True
    return "site-packages" in filename or "dist-packages" in filename


def _is_library_object(value: Any, owner: CodeFingerprinter) -> bool:
    """An instance of a library class whose state is not data a result depends on (loggers,
    locks, typing constructs). Anything else (an open file, a connection) must be hashed,
    and fails to: its node then always runs."""
    module = type(value).__module__.partition(".")[0]
    return module in ("logging", "typing", "_thread", "threading")


def _names(code: types.CodeType) -> tuple[str, ...]:
    """Every global or attribute name ``code`` and its nested code objects read."""
    found: dict[str, None] = dict.fromkeys(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found.update(dict.fromkeys(_names(const)))
    return tuple(found)


def _source_digest(code: types.CodeType) -> str | None:
    """The digest of the function's syntax tree without docstrings, if its source file still
    compiles to exactly the code that is running; ``None`` otherwise."""
    if code.co_name.startswith("<"):  # lambdas, comprehensions: no statement of their own
        return None
    source = _function_source(code)
    if source is None:
        return None
    try:
        tree = ast.parse(textwrap.dedent(source))
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    definition = tree.body[0]
    if definition.name != code.co_name:
        return None
    try:
        compiled = compile(tree, code.co_filename, "exec", flags=code.co_flags & _FUTURE_FLAGS,
                           dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    candidates = [c for c in compiled.co_consts
                  if isinstance(c, types.CodeType) and c.co_name == code.co_name]
    if len(candidates) != 1 or _shape(candidates[0]) != _shape(code):
        return None  # the file changed since it was imported, or the code is a closure/method
    _strip_docstrings(definition)
    definition.decorator_list = []  # decorators run once, at import; __wrapped__ is followed
    return _digest(ast.dump(definition, annotate_fields=False, include_attributes=False))


def _function_source(code: types.CodeType) -> str | None:
    """The lines of the ``def`` statement (decorators included) as the file holds them now.

    ``inspect.getsource`` does the same after looking for the module among all the imported
    ones, which costs tens of milliseconds; the code object already names its file and line.
    Notebook cells are in ``linecache`` too (IPython puts them there).
    """
    filename = code.co_filename
    linecache.checkcache(filename)
    lines = linecache.getlines(filename)
    start = code.co_firstlineno - 1
    if not lines or not 0 <= start < len(lines):
        return None
    try:
        return "".join(inspect.getblock(lines[start:]))
    except (SyntaxError, IndexError, ValueError):  # tokenize errors on a broken file
        return None


def _shape(code: types.CodeType) -> tuple[Any, ...]:
    """What must be equal for two code objects to run the same way (no line numbers)."""
    consts = tuple(_shape(c) if isinstance(c, types.CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    return (code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
            code.co_argcount, code.co_kwonlyargcount, consts)


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]


def _has_docstring(code: types.CodeType) -> bool:
    if sys.version_info >= (3, 14):
        return bool(code.co_flags & _CO_HAS_DOCSTRING)
    return (not code.co_name.startswith("<") and bool(code.co_consts)
            and isinstance(code.co_consts[0], str))


def _bytecode_digest(code: types.CodeType) -> str:
    """The running bytecode, without line numbers, file names or docstrings."""
    hasher = hashlib.blake2b(digest_size=20)

    def feed(current: types.CodeType) -> None:
        consts = list(current.co_consts)
        if _has_docstring(current):
            consts[0] = None
        hasher.update(current.co_code)
        hasher.update(repr((current.co_names, current.co_varnames, current.co_freevars,
                            current.co_cellvars, current.co_argcount,
                            current.co_kwonlyargcount)).encode())
        for const in consts:
            if isinstance(const, types.CodeType):
                feed(const)
            else:
                hasher.update(f"{type(const).__name__}:{const!r};".encode())

    hasher.update(f"bytecode {sys.version_info[:2]}".encode())
    feed(code)
    return hasher.hexdigest()
