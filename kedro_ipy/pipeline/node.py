"""``Node``: one function of a pipeline, with the names of the datasets it reads and writes.

A node is immutable in everything that identifies it (name, inputs, outputs), so pipelines can
index it once and cache what they derive from it. Construction is on the hot path of building
large pipelines, so the expensive part (checking the inputs against the function's signature) is
cached per function and input shape.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import re
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from .transcoding import TRANSCODING_SEPARATOR, _strip_transcoding

if TYPE_CHECKING:
    from .preview_contract import PreviewPayload

__all__ = ["GroupedNodes", "Node", "node"]

_VALID_NAME = re.compile(r"[\w.-]+").fullmatch
# Set on ``Node`` once the dotted-name warning was given. Kedro keeps the flag under this
# attribute name and its test suites reset it with ``delattr(Node, ...)``, so we use the same.
_DOTTED_NAME_WARNED = "__dotted_dataset_name_warned__"
# function -> {input shape -> binding order}; weak, so that a cached function (and whatever
# its closure holds) is freed with its nodes
_BIND_CACHE: weakref.WeakKeyDictionary[Any, dict[Any, tuple[str, ...] | None]] = (
    weakref.WeakKeyDictionary()
)

NamesArg = str | list[str] | dict[str, str] | None


@dataclass
class GroupedNodes:
    """Nodes that a deployment runs together, for example every node of one namespace.

    ``type`` is ``"namespace"`` for a namespace group and ``"nodes"`` for a single node;
    ``dependencies`` names the other groups this one needs first.
    """

    name: str
    type: str
    nodes: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)


def _node_error_message(msg: str) -> str:
    return f"Invalid Node definition: {msg}\nFormat should be: node(function, inputs, outputs)"


def _to_list(element: str | Iterable[str] | dict[str, str] | None) -> list[str]:
    """Dataset names of an ``inputs``/``outputs``/``confirms``/``tags`` argument, as a list."""
    if element is None:
        return []
    if isinstance(element, str):
        return [element]
    if isinstance(element, dict):
        return list(element.values())
    return list(element)


def _get_readable_func_name(func: Callable) -> str:
    """The function's ``__name__``, or a readable stand-in for callables without one."""
    name = getattr(func, "__name__", None)
    if name is not None:
        return name
    text = repr(func)
    return "<partial>" if "functools.partial" in text else text


def _names_tuple(value: Any, what: str, namespace: str | None) -> tuple[str, ...]:
    """Validate an ``inputs``/``outputs`` argument and return its dataset names as a tuple."""
    cls = value.__class__
    if cls is str:
        names: tuple = (value,)
    elif value is None:
        return ()
    elif cls is list or isinstance(value, list):
        names = tuple(value)
    elif isinstance(value, str):
        names = (value,)
    elif isinstance(value, dict):
        names = tuple(value.values())
    elif not value:
        return ()
    else:
        raise ValueError(
            _node_error_message(
                f"'{what}' type must be one of [String, List, Dict, None], "
                f"not '{type(value).__name__}'."
            )
        )
    try:
        joined = "\0".join(names)  # one C call checks the types and finds '.' and '@'
    except TypeError:
        bad = next(n for n in names if not isinstance(n, str))
        role = "inputs to" if what == "inputs" else "outputs of"
        raise ValueError(
            _node_error_message(
                f"names of variables used as {role} the function must be of 'String' "
                f"type, but {bad!r} from {value!r} is '{type(bad)}'."
            )
        ) from None
    if "." in joined and not getattr(Node, _DOTTED_NAME_WARNED, False):
        for name in names:
            if "." in name:
                _warn_dotted_name(name, namespace)
    return names


def _warn_dotted_name(name: str, namespace: str | None) -> None:
    """Warn once per process about dataset names with dots: dots are how namespaces prefix."""
    if getattr(Node, _DOTTED_NAME_WARNED, False) or name.startswith("params:"):
        return
    prefix = name.rpartition(".")[0]
    if namespace and prefix.startswith(namespace.split(".")[0]):
        return
    setattr(Node, _DOTTED_NAME_WARNED, True)
    # Kedro's wording first (code filters warnings on it), then the name we found.
    warnings.warn(
        "One or more dataset names contain '.' characters, which is not recommended as the "
        "dot notation is reserved for automatic namespacing in Kedro. Consider using a "
        f"different naming convention. First dotted name found: '{name}'.",
        UserWarning,
        stacklevel=4,
    )


def _bind_order(func: Callable, inputs: NamesArg) -> tuple[str, ...] | None:
    """Check that ``inputs`` fit ``func``'s signature; for dict inputs return the keys in the
    order the function binds them (``None`` otherwise).

    The answer depends only on the function and the shape of ``inputs`` (how many positional
    names, or which keyword names), so it is cached per function: pipelines often reuse a few
    functions for thousands of nodes.

    Raises:
        TypeError: the function cannot be called with these inputs.
    """
    if isinstance(inputs, dict):
        shape: Any = tuple(inputs)
    elif isinstance(inputs, str):
        shape = 1
    else:
        shape = len(inputs) if inputs else 0
    try:
        known = _BIND_CACHE.get(func)
    except TypeError:  # not weak-referenceable or not hashable: validate without caching
        return _bind_uncached(func, inputs, shape)
    if known is None:
        known = {}
        try:
            _BIND_CACHE[func] = known
        except TypeError:
            return _bind_uncached(func, inputs, shape)
    try:
        return known[shape]
    except KeyError:
        order = known[shape] = _bind_uncached(func, inputs, shape)
        return order


def _bind_uncached(func: Callable, inputs: NamesArg, shape: Any) -> tuple[str, ...] | None:
    if inspect.isbuiltin(func):
        return tuple(shape) if isinstance(shape, tuple) else None
    try:
        signature = inspect.signature(func, follow_wrapped=False)
    except (TypeError, ValueError):  # no introspectable signature: nothing to check against
        return tuple(shape) if isinstance(shape, tuple) else None
    try:
        if isinstance(shape, tuple):
            bound = signature.bind(**{key: key for key in shape})
            return (*bound.args, *bound.kwargs.values())
        signature.bind(*range(shape))
    except TypeError as exc:
        raise TypeError(
            f"Inputs of '{_get_readable_func_name(func)}' function expected "
            f"{list(signature.parameters)}, but got {inputs}"
        ) from exc
    return None


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


class Node:
    """A function plus the names of the datasets it reads (``inputs``) and writes (``outputs``).

    Create nodes with :func:`node`. Inputs and outputs may be ``None``, one name, a list of names
    (positional arguments; the function returns a list or tuple) or a dict (inputs map argument
    names to datasets; outputs map keys of the returned dict to datasets).
    """

    def __init__(
        self,
        func: Callable,
        inputs: NamesArg,
        outputs: NamesArg,
        *,
        name: str | None = None,
        tags: str | Iterable[str] | None = None,
        confirms: str | list[str] | None = None,
        namespace: str | None = None,
        preview_fn: Callable[..., Any] | None = None,
    ) -> None:
        """Validate and build a node; see :func:`node` for the arguments.

        Raises:
            ValueError: ``func`` is not callable, ``inputs``/``outputs`` have a bad type, the node
                has neither inputs nor outputs, its name or a tag has invalid characters, an
                output appears twice, or a dataset is both an input and an output.
            TypeError: the function's signature cannot take these inputs.
        """
        if not callable(func):
            raise ValueError(
                _node_error_message(
                    f"first argument must be a function, not '{type(func).__name__}'."
                )
            )
        in_names = _names_tuple(inputs, "inputs", namespace)
        out_names = _names_tuple(outputs, "outputs", namespace)
        if not in_names and not out_names:
            raise ValueError(_node_error_message("it must have some 'inputs' or 'outputs'."))
        order = _bind_order(func, inputs)
        if order is not None and isinstance(inputs, dict):  # keyword inputs, in binding order
            in_names = tuple(inputs[key] for key in order)
        if name:
            if not _VALID_NAME(name):
                raise ValueError(
                    f"'{name}' is not a valid node name. It must contain only letters, "
                    "digits, hyphens, underscores and/or fullstops."
                )
            self._full_name: str | None = f"{namespace}.{name}" if namespace else name
        else:  # None or "": the node is named after its function, as in Kedro
            self._full_name = None

        self._func = func
        # private copies: a caller mutating its list later must not change the node
        self._inputs = inputs.copy() if isinstance(inputs, list | dict) else inputs
        self._outputs = outputs.copy() if isinstance(outputs, list | dict) else outputs
        self._name = name
        self._namespace = namespace
        self._tags = _tag_set(tags) if tags else set()
        self._confirms = confirms
        self._in = in_names
        self._out = out_names
        self._in_base = _bases(in_names)
        self._out_base = _bases(out_names)
        self._key: tuple | None = None
        self._hash: int | None = None
        if len(out_names) > 1 or (in_names and out_names):
            self._validate_outputs()
        if preview_fn:
            _check_preview_fn(preview_fn)
        self._preview_fn = preview_fn

    def _validate_outputs(self) -> None:
        out = self._out
        if len(set(out)) != len(out):
            seen: set[str] = set()
            dupes = {n for n in out if n in seen or seen.add(n)}  # type: ignore[func-returns-value]
            raise ValueError(
                f"Failed to create node {self} due to duplicate output(s) {dupes}.\n"
                "Node outputs must be unique."
            )
        if not set(self._in_base).isdisjoint(self._out_base):
            common = set(self._in_base).intersection(self._out_base)
            raise ValueError(
                f"Failed to create node {self}.\nA node cannot have the same inputs and outputs "
                f"even if they are transcoded: {common}"
            )

    def __getstate__(self) -> dict[str, Any]:
        # String hashes differ between processes, so a cached hash must not travel with a
        # node pickled to a worker process.
        state = dict(self.__dict__)
        state["_hash"] = None
        return state

    def _clone(self, tags: set[str]) -> Node:
        """A copy with other tags: everything else was validated already, so skip it."""
        new = object.__new__(Node)
        new.__dict__.update(self.__dict__)
        new._tags = tags
        return new

    def _copy(self, **overwrite_params: Any) -> Node:
        """A validated copy of this node with some constructor arguments replaced."""
        params: dict[str, Any] = {
            "func": self._func,
            "inputs": self._inputs,
            "outputs": self._outputs,
            "name": self._name,
            "namespace": self._namespace,
            "tags": self._tags,
            "confirms": self._confirms,
            "preview_fn": self._preview_fn,
        }
        params.update(overwrite_params)
        return Node(**params)

    # identity -----------------------------------------------------------------------------

    @property
    def _unique_key(self) -> tuple:
        key = self._key
        if key is None:
            key = self._key = (self.name, _hashable(self._inputs), _hashable(self._outputs))
        return key

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Node):
            return NotImplemented
        return self.__hash__() == other.__hash__() and self._unique_key == other._unique_key

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._unique_key < other._unique_key

    def __hash__(self) -> int:
        value = self._hash
        if value is None:
            value = self._hash = hash(self._unique_key)
        return value

    def __str__(self) -> str:
        out_str = f"[{';'.join(self._out)}]" if self._outputs else "None"
        in_str = f"[{';'.join(self._in)}]" if self._inputs else "None"
        prefix = f"{self._name}: " if self._name else ""
        return f"{prefix}{self._func_name}({in_str}) -> {out_str}"

    def __repr__(self) -> str:
        return f"Node({self._func_name}, {self._inputs!r}, {self._outputs!r}, {self._name!r})"

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        return self.run(inputs=kwargs)

    # public attributes ----------------------------------------------------------------------

    @property
    def _func_name(self) -> str:
        return _get_readable_func_name(self._func)

    @property
    def func(self) -> Callable:
        """The function the node runs."""
        return self._func

    @func.setter
    def func(self, func: Callable) -> None:
        """Swap the function, e.g. for a decorated one in a hook; the node keeps its name."""
        self.name  # noqa: B018 - fix the name before the function changes
        self._func = func
        if isinstance(self._inputs, dict):
            try:
                order = _bind_order(func, self._inputs)
            except TypeError:
                return
            if order is not None:
                self._in = tuple(self._inputs[key] for key in order)
                self._in_base = _bases(self._in)

    @property
    def name(self) -> str:
        """The node's name, prefixed by its namespace.

        Without an explicit name, it is the function's name plus a short hash of the function's
        module and the dataset names, so two nodes of one function on different data differ.
        """
        full = self._full_name
        if full is None:
            base = self._name or self._default_name()
            full = self._full_name = f"{self._namespace}.{base}" if self._namespace else base
        return full

    def _default_name(self) -> str:
        func = self._func
        inputs, outputs = list(self._in), list(self._out)
        if isinstance(func, partial):
            base = f"partial({_get_readable_func_name(func.func)})"
            key = f"{base}|{inputs}|{outputs}"
        else:
            base = getattr(func, "__name__", None) or type(func).__name__
            module = getattr(func, "__module__", None)
            key = f"{module}.{base}|{inputs}|{outputs}"
        return f"{base}__{hashlib.sha256(key.encode()).hexdigest()[:8]}"

    @property
    def short_name(self) -> str:
        """A readable name without namespace, not guaranteed to be unique."""
        if self._name:
            return self._name
        return self._func_name.replace("_", " ").title()

    def preview(self) -> PreviewPayload | None:
        """Call the node's ``preview_fn`` and return its payload (``None`` without one).

        Raises:
            ValueError: ``preview_fn`` returned something other than a ``TextPreview``,
                ``MermaidPreview``, ``ImagePreview`` or ``CustomPreview``.
        """
        if not self._preview_fn:
            return None
        from .preview_contract import _PAYLOAD_TYPES

        result = self._preview_fn()
        if not isinstance(result, _PAYLOAD_TYPES):
            raise ValueError(
                "preview_fn must return one of the valid preview types (TextPreview, "
                "MermaidPreview, ImagePreview, or CustomPreview), but got "
                f"'{type(result).__name__}' instead."
            )
        return result

    @property
    def namespace(self) -> str | None:
        """The node's namespace (outer to inner scopes, dot-separated), or ``None``."""
        return self._namespace

    @property
    def namespace_prefixes(self) -> list[str]:
        """Every enclosing namespace, shortest first: ``"a.b.c"`` gives ``a, a.b, a.b.c``."""
        parts = (self._namespace or "").split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]

    @property
    def inputs(self) -> list[str]:
        """Input dataset names, in the order they bind to the function's parameters."""
        return list(self._in)

    @property
    def outputs(self) -> list[str]:
        """Output dataset names, in declaration order."""
        return list(self._out)

    @property
    def confirms(self) -> list[str]:
        """Names of the datasets whose ``confirm()`` the runner calls after this node."""
        return _to_list(self._confirms)

    @property
    def tags(self) -> set[str]:
        """The node's tags (a copy)."""
        return set(self._tags)

    def tag(self, tags: str | Iterable[str]) -> Node:
        """A copy of this node with ``tags`` added to its tags."""
        return self._clone(self._tags | _tag_set(tags))

    # running --------------------------------------------------------------------------------

    def run(self, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call the function with the loaded ``inputs`` (keyed by dataset name).

        Returns:
            The function's results keyed by output dataset name.

        Raises:
            ValueError: ``inputs`` do not match the node's inputs, or the function's return
                value does not match its outputs.
        """
        if inputs is None:
            inputs = {}
        elif not isinstance(inputs, dict):
            raise ValueError(
                f"Node.run() expects a dictionary or None, but got {type(inputs)} instead"
            )
        spec = self._inputs
        if not spec:
            if inputs:
                raise ValueError(
                    f"Node {self} expected no inputs, but got the following {len(inputs)} "
                    f"input(s) instead: {sorted(inputs)}."
                )
            result = self._func()
        elif isinstance(spec, str):
            if len(inputs) != 1 or spec not in inputs:
                raise ValueError(
                    f"Node {self} expected one input named '{spec}', but got the following "
                    f"{len(inputs)} input(s) instead: {sorted(inputs)}."
                )
            result = self._func(inputs[spec])
        elif isinstance(spec, list):
            if len(inputs) != len(set(spec)) or not all(n in inputs for n in spec):
                raise ValueError(
                    f"Node {self} expected {len(spec)} input(s) {spec}, but got the following "
                    f"{len(inputs)} input(s) instead: {sorted(inputs)}."
                )
            result = self._func(*[inputs[n] for n in spec])
        else:
            wanted = set(spec.values())
            if wanted != inputs.keys():
                raise ValueError(
                    f"Node {self} expected {len(wanted)} input(s) {sorted(wanted)}, but got "
                    f"the following {len(inputs)} input(s) instead: {sorted(inputs)}."
                )
            result = self._func(**{arg: inputs[ds] for arg, ds in spec.items()})
        return self._outputs_to_dictionary(result)

    def _outputs_to_dictionary(self, result: Any) -> dict[str, Any]:
        spec = self._outputs
        if spec is None:
            if result is not None:
                # Kedro's sentence first (users filter warnings on it), then ours.
                warnings.warn(
                    f"Node '{self._name or self._func_name}' returned a value of type "
                    f"'{type(result).__name__}', but the node is defined with outputs=None. "
                    "The value is dropped: declare an output to keep it.",
                    UserWarning,
                    stacklevel=3,
                )
            return {}
        if isinstance(spec, str):
            return {spec: result}
        if isinstance(spec, dict):
            return self._from_dict(result, spec)
        return self._from_list(result, spec)

    def _from_dict(self, result: Any, spec: dict[str, str]) -> dict[str, Any]:
        first, rest = _peek(result)
        if not isinstance(first, dict):
            raise ValueError(
                f"Failed to save outputs of node {self}.\nThe node output is a dictionary, "
                f"whereas the function output is {type(first)}."
            )
        keys = list(spec)
        if set(keys) != first.keys():
            # Kedro's sentence (which names the returned keys first) verbatim, so code
            # matching on it keeps working; then which keys are missing or unexpected.
            missing = [k for k in keys if k not in first]
            extra = [k for k in first if k not in spec]
            raise ValueError(
                f"Failed to save outputs of node {self}.\nThe node's output keys "
                f"{_set_repr(first)} do not match with the returned output's keys "
                f"{_set_repr(keys)}. Declared but not returned: {missing}; returned but not "
                f"declared: {extra}."
            )
        if rest is None:
            return {spec[k]: first[k] for k in keys}
        rows = (tuple(item[k] for k in keys) for item in itertools.chain([first], rest))
        return dict(zip(spec.values(), _unzip(rows, len(keys)), strict=True))

    def _from_list(self, result: Any, spec: list[str]) -> dict[str, Any]:
        first, rest = _peek(result)
        if not isinstance(first, list | tuple):
            raise ValueError(
                f"Failed to save outputs of node {self}.\nThe node definition contains a list "
                f"of outputs {spec}, whereas the node function returned a "
                f"'{type(first).__name__}'."
            )
        if len(first) != len(spec):
            raise ValueError(
                f"Failed to save outputs of node {self}.\nThe node function returned "
                f"{len(first)} output(s), whereas the node definition contains {len(spec)} "
                "output(s)."
            )
        if rest is None:
            return dict(zip(spec, first, strict=True))
        rows = itertools.chain([first], rest)
        return dict(zip(spec, _unzip(rows, len(spec)), strict=True))


def _set_repr(keys: Iterable[Any]) -> str:
    """``{'a', 'b'}`` like a set's repr, but in a stable order."""
    return "{" + ", ".join(sorted(map(repr, keys))) + "}"


class KedroExperimentalWarning(UserWarning):
    """Warns that a feature is experimental and may change (Kedro's class of that name)."""


def _check_preview_fn(preview_fn: Any) -> None:
    if not callable(preview_fn):
        raise ValueError(
            _node_error_message(
                f"preview_fn must be a function, not '{type(preview_fn).__name__}'."
            )
        )
    # once per process, like Kedro (which also keeps the flag on Node under this name)
    if not getattr(Node, "__preview_fn_warned__", False):
        Node.__preview_fn_warned__ = True  # type: ignore[attr-defined]
        warnings.warn(
            "The 'preview_fn' feature is experimental and may change in future versions.",
            KedroExperimentalWarning,
            stacklevel=4,
        )


def _peek(result: Any) -> tuple[Any, Any]:
    """For a generator, its first item and the generator; otherwise ``(result, None)``."""
    if inspect.isgenerator(result):
        return next(result), result
    return result, None


def _unzip(rows: Iterable[tuple], width: int) -> list[Iterable[Any]]:
    """Turn a lazy stream of rows into ``width`` lazy streams of columns."""
    return [_column(copy, i) for i, copy in enumerate(itertools.tee(rows, width))]


def _column(rows: Iterable[tuple], index: int) -> Iterator[Any]:
    for row in rows:
        yield row[index]


def _bases(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names without transcoding suffixes (the same tuple when there are none)."""
    if len(names) == 1:
        return names if TRANSCODING_SEPARATOR not in names[0] else (_strip_transcoding(names[0]),)
    if not names or TRANSCODING_SEPARATOR not in "\0".join(names):
        return names
    return tuple(_strip_transcoding(n) for n in names)


_KNOWN_TAGS: set[str] = set()


def _tag_set(tags: str | Iterable[str] | None) -> set[str]:
    if not tags:
        return set()
    result = {tags} if isinstance(tags, str) else set(tags)
    if result <= _KNOWN_TAGS:  # tags repeat across nodes: validate each one once
        return result
    for tag in result:
        if not (isinstance(tag, str) and _VALID_NAME(tag)):
            raise ValueError(
                f"'{tag}' is not a valid node tag. It must contain only letters, digits, "
                "hyphens, underscores and/or fullstops."
            )
    if len(_KNOWN_TAGS) < 10_000:
        _KNOWN_TAGS.update(result)
    return result


def node(
    func: Callable,
    inputs: NamesArg,
    outputs: NamesArg,
    *,
    name: str | None = None,
    tags: str | Iterable[str] | None = None,
    confirms: str | list[str] | None = None,
    namespace: str | None = None,
    preview_fn: Callable[..., PreviewPayload] | None = None,
) -> Node:
    """Wrap ``func`` as a pipeline node reading ``inputs`` and writing ``outputs``.

    Args:
        func: The function to run.
        inputs: ``None``, a dataset name, a list of names (passed positionally) or a dict
            mapping the function's argument names to dataset names. ``params:<key>`` names a
            parameter; ``"parameters"`` all of them.
        outputs: ``None``, a dataset name, a list of names (the function returns a list or
            tuple of that length) or a dict mapping keys of the returned dict to dataset names.
        name: A readable, unique name (letters, digits, ``_``, ``-``, ``.``); by default one is
            derived from the function and the dataset names.
        tags: Tags for selecting nodes with ``Pipeline.only_nodes_with_tags``.
        confirms: Datasets whose ``confirm()`` is called once the node has run.
        namespace: Dot-separated namespace, prefixed to the node's name.
        preview_fn: Experimental, as in Kedro 1.7: a no-argument function returning a
            :mod:`~kedro_ipy.pipeline.preview_contract` payload that viewers show for the
            node; see :meth:`Node.preview`.

    Returns:
        The new node.

    Example:
        >>> def add(a, b):
        ...     return a + b
        >>> n = node(add, ["x", "y"], "total", name="add")
        >>> n.run({"x": 1, "y": 2})
        {'total': 3}
    """
    return Node(
        func,
        inputs,
        outputs,
        name=name,
        tags=tags,
        confirms=confirms,
        namespace=namespace,
        preview_fn=preview_fn,
    )
