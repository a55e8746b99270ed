"""``DaskRunner``: each node is one task on a ``dask.distributed`` cluster.

The whole pipeline is submitted at once, one task per node, named after the node (the Dask
dashboard shows node names) and depending on the tasks of the nodes it reads from:

- In-memory data (``MemoryDataset``, including the intermediate datasets nobody registered)
  stays on the workers as Dask futures: it is never written to disk nor sent to the driver,
  except the pipeline's own outputs, which are gathered into the returned outputs.
- Persisted datasets are loaded and saved on the worker, by the same dataset objects the
  catalog holds (shipped with the task), so a save on a worker is the catalog's save.
- Node functions travel by value (cloudpickle): functions defined in the notebook, and the
  modules of a project that is not installed from an index (see ``_local_packages``). A node
  edited in the notebook or in the project's source is therefore the one the next run uses,
  with no worker restart.
- A node's data is released on the cluster when the last node reading it has finished.

Hooks fire in the driver (the process of the session and of the notebook panel), as the tasks
complete, with the same order and arguments as under ``SequentialRunner``: the dataset hooks
of each input, ``before_node_run``, ``after_node_run``, then the dataset hooks of each output.
Values are fetched for a hook only when one of its implementations asks for them (``data``,
``inputs``, ``outputs``); inputs are then read in the driver. Since the hooks follow the
tasks, replacement inputs returned by ``before_node_run`` cannot reach the node: the run
stops with an error saying so.

A failure, Ctrl-C or the run's ``CancelToken`` (the panel's Stop) cancels every task of the run
that has not finished. Python cannot interrupt a node already running on a worker: it ends
there, and a per-run Dask ``Event`` makes its persisted saves refuse, so a stopped run saves
nothing more.
"""

from __future__ import annotations

import atexit
import functools
import logging
import sys
import threading
from typing import TYPE_CHECKING, Any, Final

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.runner._cancel import RunCancelledError, stop_reason
from kedro_ipy.runner._hooks import _RunHooks
from kedro_ipy.runner.node_logs import captured
from kedro_ipy.runner.parallel_runner import (
    _memory_input_problems,
    _sendable,
    _unpicklable_error,
)
from kedro_ipy.runner.runner import (
    AbstractRunner,
    RunnerError,
    _cancelled_error,
    _log_abandoned,
)
from kedro_ipy.runner.task import _run_node, _run_node_async

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node
    from kedro_ipy.runner._plan import _Plan
    from kedro_ipy.runner.runner import _RunContext

__all__ = ["DaskNotInstalledError", "DaskRunner"]

logger = logging.getLogger("kedro_ipy.runner")

INSTALL_LINE: Final = "pip install 'kedro_ipy[dask]'"

_ADVICE = (
    "DaskRunner sends node functions, in-memory pipeline inputs and the datasets nodes load "
    "and save to Dask workers with cloudpickle (lambdas, closures and notebook functions are "
    "fine). Keep unpicklable objects (connections, locks, open files, generators) out of "
    "node functions' globals, in-memory inputs and dataset objects, or use SequentialRunner "
    "or ThreadRunner."
)

#: Set on a node's exception in the worker when the node's function raised it (as opposed to
#: a load or a save), so the driver calls ``on_node_error`` exactly when SequentialRunner does.
_NODE_RAISED: Final = "_kedro_ipy_node_raised"


class DaskNotInstalledError(RunnerError, ImportError):
    """``DaskRunner`` was asked for but ``distributed`` (or ``cloudpickle``) is not installed."""


def _require_distributed() -> Any:
    """The ``distributed`` module, or a clear error with the line that installs it."""
    try:
        import cloudpickle  # noqa: F401
        import distributed
    except ImportError as exc:
        raise DaskNotInstalledError(
            f"DaskRunner needs the '{exc.name or 'distributed'}' package, which is not "
            f"installed. Install it with: {INSTALL_LINE}"
        ) from None
    return distributed


# -- the default local cluster: started on first use, shared by runs, closed at exit ----------

_LOCAL_LOCK = threading.Lock()
_LOCAL: dict[str, Any] = {}


def _local_client() -> Any:
    """The client of the ``LocalCluster`` this module started (one per process), started now
    if needed. Starting worker processes takes seconds, so runs share it; it closes at exit
    or with ``DaskRunner.close_local_cluster()``."""
    with _LOCAL_LOCK:
        client = _LOCAL.get("client")
        if client is not None and client.status == "running":
            return client
        from distributed import Client, LocalCluster

        # Sized by Dask from this machine's CPUs and memory; port 0: never clash with a
        # dashboard someone else started.
        quiet = logging.getLogger("distributed")
        if quiet.level < logging.WARNING:
            # Dask's start/stop chatter (workers, nannies, comms) would drown the run's log
            quiet.setLevel(logging.WARNING)
        cluster = LocalCluster(dashboard_address=":0")
        client = Client(cluster, set_as_default=False)
        _LOCAL.update(cluster=cluster, client=client)
        logger.info("DaskRunner started a local Dask cluster: %s", cluster.dashboard_link)
        if not _LOCAL.get("atexit"):
            atexit.register(_close_local)
            _LOCAL["atexit"] = True
        return client


def _close_local() -> None:
    with _LOCAL_LOCK:
        client, cluster = _LOCAL.pop("client", None), _LOCAL.pop("cluster", None)
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()


# -- shipping code by value ---------------------------------------------------------------

_INSTALLED_ROOTS: list[str] = []


def _installed_roots() -> list[str]:
    """Directories that hold installed code (the standard library and site-packages)."""
    if not _INSTALLED_ROOTS:
        import site
        import sysconfig

        paths = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib",
                                                        "platlib")}
        paths.update(site.getsitepackages())
        paths.add(site.getusersitepackages())
        _INSTALLED_ROOTS.extend(sorted(p for p in paths if p))
    return _INSTALLED_ROOTS


def _local_packages(nodes: Iterable[Node]) -> dict[str, str]:
    """Top-level packages of the node functions that are not installed code (the project's
    own package, even installed in editable mode; modules next to the notebook), each with
    the folder it is imported from. Workers may lack them, or hold an older copy: they are
    sent by value."""
    import os

    roots = [os.path.realpath(root) + os.sep for root in _installed_roots()]
    found: dict[str, str] = {}
    for node in nodes:
        func = node.func
        func = getattr(func, "func", func)  # functools.partial
        module_name = getattr(func, "__module__", None)
        if not module_name or module_name == "__main__":
            continue  # cloudpickle sends __main__ by value already
        top = module_name.partition(".")[0]
        if top in found or top in {"kedro_ipy", "dask", "distributed"}:
            continue
        module = sys.modules.get(top)
        path = getattr(module, "__file__", None) or next(
            iter(getattr(module, "__path__", []) or []), None
        )
        if path is None:
            continue
        path = os.path.realpath(path)
        if not any(path.startswith(root) for root in roots):
            if os.path.basename(path) == "__init__.py":  # a package: the folder above it
                path = os.path.dirname(path)
            found[top] = os.path.dirname(path)  # a module's folder, or a package's parent
    return found


def _register_by_value(packages: Iterable[str]) -> None:
    import cloudpickle

    registered = cloudpickle.list_registry_pickle_by_value()
    for name in packages:
        module = sys.modules.get(name)
        if module is not None and name not in registered:
            cloudpickle.register_pickle_by_value(module)


def _prepare_worker(folders: Iterable[str]) -> None:
    """On a worker: let it import the project's modules where their folder exists (same
    machine or shared file system), so data of project classes can travel by reference."""
    import os

    for folder in folders:
        if folder not in sys.path and os.path.isdir(folder):
            sys.path.append(folder)


def _expose_classes(func: Any, packages: frozenset[str]) -> None:
    """On a worker: make the project classes a shipped node function uses findable under
    their module's name, as plain ``pickle`` (``PickleDataset``, Dask's transfers) needs.

    A class sent by value is a new class object on the worker; ``pickle`` refuses an instance
    whose class is not the one its module holds. The shipped class, being the latest edit,
    replaces the module's attribute (a module that cannot be imported here gets a stand-in).
    """
    import types

    seen: set[int] = set()
    todo = [func]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        for value in getattr(obj, "__globals__", {}).values():
            module_name = getattr(value, "__module__", None)
            if not isinstance(module_name, str) or module_name.partition(".")[0] not in packages:
                continue
            if isinstance(value, types.FunctionType):
                todo.append(value)
            elif isinstance(value, type) and "." not in value.__qualname__:
                module = sys.modules.get(module_name)
                if module is None:
                    try:
                        __import__(module_name)
                        module = sys.modules[module_name]
                    except Exception:
                        module = sys.modules.setdefault(
                            module_name, types.ModuleType(module_name)
                        )
                if getattr(module, value.__qualname__, None) is not value:
                    setattr(module, value.__qualname__, value)


# -- what runs on a worker -------------------------------------------------------------------


class _WorkerCatalog:
    """The catalog a node sees on a worker: in-memory inputs from the tasks it depends on,
    persisted datasets through a ``DataCatalog`` of the shipped dataset objects (their errors
    are named and redacted as in the driver).

    Before each persisted save it asks the scheduler whether the run was stopped (a Dask
    ``Event`` the driver sets on a failure, a cancellation or Ctrl-C): a node still running
    when its run stopped cannot be interrupted, but it saves nothing.
    """

    __slots__ = ("_catalog", "_memory", "_memory_outputs", "_node", "_stop", "saved")

    def __init__(
        self,
        memory: dict[str, Any],
        memory_outputs: frozenset[str],
        catalog: DataCatalog | None,
        node: str,
        stop: str,
    ) -> None:
        self._memory = memory
        self._memory_outputs = memory_outputs
        self._catalog = catalog
        self._node = node
        self._stop = stop
        self.saved: dict[str, Any] = {}

    def load(self, name: str) -> Any:
        if name in self._memory:
            data = self._memory[name]
            from kedro_ipy.io.memory_dataset import _copy_with_mode, _infer_copy_mode

            mode = _infer_copy_mode(data)  # as the MemoryDataset of a sequential run copies
            return data if mode == "assign" else _copy_with_mode(data, mode)
        assert self._catalog is not None
        return self._catalog.load(name)

    def save(self, name: str, data: Any) -> None:
        if name in self._memory_outputs:
            self.saved[name] = data
            return
        assert self._catalog is not None
        if _run_stopped(self._stop):
            raise RunCancelledError(
                f"Not saving '{name}' of node '{self._node}': its run was stopped, so the "
                "node's results are discarded."
            )
        self._catalog.save(name, data)
        self.saved[name] = data


def _run_stopped(stop: str) -> bool:
    """On a worker: whether the driver has stopped the run (one question to the scheduler)."""
    from distributed import Event, get_client

    return bool(Event(stop, client=get_client()).is_set())


@functools.lru_cache(maxsize=4096)
def _node_from(node_bytes: bytes, shipping: tuple[tuple[str, ...], frozenset[str]]) -> Any:
    """On a worker: the node these bytes describe, unpickled once per worker process for
    repeated runs of the same code (an edited node has other bytes, so it is loaded anew)."""
    import cloudpickle

    folders, packages = shipping
    _prepare_worker(folders)
    node = cloudpickle.loads(node_bytes)
    if packages:
        _expose_classes(getattr(node.func, "func", node.func), packages)
    return node


def _given(value: Any) -> Any:
    """The task of an in-memory pipeline input: its value, kept in the task itself."""
    return value


def _mark_node_error(error: Exception, **_: Any) -> None:
    setattr(error, _NODE_RAISED, True)


#: Pipeline inputs up to this size (pickled) travel inside each task that reads them.
_INLINE_BYTES = 64 * 1024


class _Inline:
    """A free input small enough to go inside the tasks that read it (see
    ``_place_free_inputs``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _run_on_worker(
    payload: tuple[Any, ...],
    shipping: tuple[tuple[str, ...], frozenset[str]],
    sources: dict[str, tuple[Any, str | None]],
    _after: list[Any],
) -> dict[str, Any]:
    """A node's task: load, run and save on this worker; return its in-memory outputs (all of
    them when the driver's hooks asked for outputs).

    ``shipping`` holds the folders and names of the packages sent by value. ``sources``
    maps each in-memory input to ``(value, None)`` or ``(producer outputs, name)``; Dask has
    already replaced the futures in it (and in ``_after``, the tasks this node must wait
    for) by their results.
    """
    import cloudpickle

    (node_bytes, input_names, memory_outputs, catalog_bytes, is_async, run_id, all_outputs,
     stop) = payload
    node = _node_from(node_bytes, shipping)
    catalog = None if catalog_bytes is None else cloudpickle.loads(catalog_bytes)
    memory = {
        name: value if key is None else value[key] for name, (value, key) in sources.items()
    }
    local = _WorkerCatalog(memory, memory_outputs, catalog, node.name, stop)
    stand_in: Exception | None = None
    log: list[str] = []
    try:
        with captured() as log:
            _run_node_here(node, input_names, local, is_async, run_id)
    except Exception as exc:
        sendable = _sendable(exc)
        if sendable is exc:
            raise
        setattr(sendable, _NODE_RAISED, getattr(exc, _NODE_RAISED, False))
        stand_in = sendable
    finally:
        if log and log[0]:  # what the node printed and logged, for the driver's node logs
            _publish_log(stop, node.name, log[0])
    if stand_in is not None:  # outside the except block: no context that cannot travel
        raise stand_in
    if all_outputs:
        return local.saved
    return {name: local.saved[name] for name in memory_outputs if name in local.saved}


def _run_node_here(
    node: Node, input_names: list[str], local: _WorkerCatalog, is_async: bool, run_id: Any
) -> None:
    hooks = _RunHooks(None)
    hooks.on_node_error = _mark_node_error
    if is_async:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(thread_name_prefix="kedro_ipy-io") as pool:
            _run_node_async(node, input_names, local, hooks, run_id, pool)  # type: ignore[arg-type]
    else:
        _run_node(node, input_names, local, hooks, False, run_id)  # type: ignore[arg-type]


def _publish_log(topic: str, node_name: str, text: str) -> None:
    """On a worker: send a node's output to the driver, as a Dask event of the run."""
    try:
        from distributed import get_worker

        get_worker().log_event(topic, (node_name, text))
    except Exception:  # logs must never fail a node
        logger.debug("Could not send the log of node '%s'", node_name, exc_info=True)


# -- the runner ------------------------------------------------------------------------------


class DaskRunner(AbstractRunner):
    """Runs each node as a task on a Dask ``distributed`` cluster.

    Use it when a pipeline outgrows one process or one machine. Install it with
    ``pip install 'kedro_ipy[dask]'``. Which cluster:

    - ``client``: an existing ``distributed.Client``, used as is (never closed here);
    - ``address``: a scheduler's address (``tcp://host:8786``); the runner connects a client
      for each run and closes that client, never the scheduler;
    - neither: the process's default client if there is one, else the scheduler Dask's
      configuration names (``DASK_SCHEDULER_ADDRESS``), else a ``LocalCluster`` sized to
      this machine, started on first use, shared by later runs and closed when Python exits
      (or by ``DaskRunner.close_local_cluster()``).

    Args:
        client: A ``distributed.Client``.
        address: A scheduler address; ``dask://host:port`` is accepted too.
        is_async: On the worker, load a node's inputs and save its outputs concurrently.
        by_value: More top-level packages to send to the workers by value (the project's own
            package and notebook code are found without being named).

    Raises:
        DaskNotInstalledError: ``distributed`` is not installed (the message says how).
        ValueError: both ``client`` and ``address`` were given.

    Example:
        >>> session.run(runner=DaskRunner(address="tcp://scheduler:8786"))
    """

    def __init__(
        self,
        client: Any = None,
        address: str | None = None,
        is_async: bool = False,
        by_value: Iterable[str] = (),
    ) -> None:
        super().__init__(is_async=is_async)
        _require_distributed()
        if client is not None and address is not None:
            raise ValueError(
                "DaskRunner takes a client or an address, not both: got client="
                f"{client!r} and address={address!r}."
            )
        if address is not None:
            address = address.strip()
            if address.startswith("dask://"):
                address = "tcp://" + address.removeprefix("dask://")
            if not address or address == "tcp://":
                raise ValueError(
                    "DaskRunner's address is empty: expected a scheduler address such as "
                    "tcp://127.0.0.1:8786 (or dask://127.0.0.1:8786)."
                )
        self._client = client
        self._address = address
        self._by_value = tuple(by_value)
        self._shipping: tuple[tuple[str, ...], frozenset[str]] = ((), frozenset())
        self._node_bytes: list[bytes] = []

    def __repr__(self) -> str:
        if self._address:
            return f"DaskRunner(address={self._address!r})"
        return "DaskRunner()" if self._client is None else f"DaskRunner(client={self._client!r})"

    @property
    def _runner_option(self) -> str:
        """What ``--runner`` says to get this runner again."""
        if self._address:
            return "dask://" + self._address.removeprefix("tcp://")
        return "Dask"

    @staticmethod
    def close_local_cluster() -> None:
        """Close the ``LocalCluster`` DaskRunner started, if any (the next run starts another)."""
        _close_local()

    def _get_executor(self, max_workers: int) -> None:
        return None  # Kedro's hook; Dask schedules the tasks itself

    def _workers(self, plan: _Plan) -> int:
        return max(1, plan.width)

    def _validate(self, plan: _Plan, catalog: DataCatalog) -> None:
        """Name, before anything runs, what cannot be sent to a worker."""
        import cloudpickle

        local = _local_packages(plan.nodes)
        _register_by_value({*self._by_value, *local})
        self._shipping = (tuple(dict.fromkeys(local.values())),
                          frozenset({*self._by_value, *local}))
        bad_nodes = []
        shipped: list[bytes] = []  # pickled once: checked here, sent as is by the run
        for node in plan.nodes:
            try:
                shipped.append(cloudpickle.dumps(node))
            except Exception as exc:
                bad_nodes.append((node, f"{type(exc).__name__}: {exc}"))
        self._node_bytes = shipped
        bad_memory = _memory_input_problems(plan, catalog, cloudpickle.dumps)
        bad_persisted = []
        for name in plan.datasets:
            dataset = catalog.get(name)
            if dataset is None or isinstance(dataset, MemoryDataset):
                continue
            try:
                cloudpickle.dumps(dataset)
            except Exception as exc:
                bad_persisted.append((name, f"{type(exc).__name__}: {exc}"))
        if bad_nodes or bad_memory:
            raise _unpicklable_error(
                "DaskRunner", "sent to Dask workers", bad_nodes, bad_memory + bad_persisted,
                _ADVICE,
            )
        if bad_persisted:
            raise _unpicklable_error(
                "DaskRunner", "sent to Dask workers", [], bad_persisted, _ADVICE,
                dataset_kind="the dataset object",
            )

    def _connect(self) -> tuple[Any, bool]:
        """The client to run on, and whether this run opened it (and so must close it)."""
        if self._client is not None:
            return self._client, False
        if self._address is not None:
            return self._open(self._address), True
        try:
            from distributed import default_client

            return default_client(), False
        except ValueError:  # no client in this process
            pass
        import dask

        configured = dask.config.get("scheduler-address", None)  # DASK_SCHEDULER_ADDRESS
        if configured:
            return self._open(configured), True
        return _local_client(), False

    def _open(self, address: str) -> Any:
        from distributed import Client

        try:
            return Client(address, set_as_default=False, timeout="10s")
        except OSError as exc:
            raise RunnerError(
                f"DaskRunner could not reach the Dask scheduler at '{address}': {exc}. Check "
                "that the scheduler runs and the address is right."
            ) from exc

    def _execute(self, pipeline: Pipeline, context: _RunContext) -> None:
        client, opened = self._connect()
        try:
            _DaskRun(self, pipeline, context, client).run()
        finally:
            if opened:
                client.close()


def _wants(caller: Any, argument: str) -> bool:
    """Whether some implementation of a hook takes ``argument`` (pluggy tells which
    arguments each one takes; any other hook manager is assumed to want everything)."""
    if caller is None:
        return False
    get_impls = getattr(caller, "get_hookimpls", None)
    if get_impls is None:
        return True
    return any(argument in getattr(impl, "argnames", (argument,)) for impl in get_impls())


def _one_by_one(completed: Any) -> Any:
    """Each future as it completes, taking all that completed together at once (one wake-up
    of this thread for many quick tasks)."""
    for batch in completed.batches():
        yield from batch


class _DaskRun:
    """One run on a cluster: submit every node, then follow the tasks as they complete."""

    def __init__(
        self, runner: DaskRunner, pipeline: Pipeline, context: _RunContext, client: Any
    ) -> None:
        self.runner = runner
        self.pipeline = pipeline
        self.context = context
        self.client = client
        plan = context.plan
        hooks = context.hooks
        self.want_inputs = (
            _wants(hooks.after_dataset_loaded, "data")
            or _wants(hooks.before_node_run, "inputs")
            or _wants(hooks.after_node_run, "inputs")
            or _wants(hooks.on_node_error, "inputs")
        )
        self.want_outputs = (
            _wants(hooks.after_node_run, "outputs")
            or _wants(hooks.before_dataset_saved, "data")
            or _wants(hooks.after_dataset_saved, "data")
        )
        catalog = context.catalog
        self.memory = frozenset(
            name for name in plan.datasets if isinstance(catalog.get(name), MemoryDataset)
        )
        self.producer: dict[str, int] = {}
        for index, names in enumerate(plan.outputs):
            for name in names:
                self.producer.setdefault(name, index)
        self.parents: list[list[int]] = [[] for _ in plan.nodes]
        for index, children in enumerate(plan.children):
            for child in children:
                self.parents[child].append(index)
        self.kept = {  # tasks holding the pipeline's in-memory outputs: gathered at the end
            self.producer[name] for name in plan.pipeline_outputs
            if name in self.memory and name in self.producer
        }
        self.futures: list[Any] = []
        self.free_values: dict[str, Any] = {}
        self.done: list[Node] = []  # reported, in the order their hooks fired
        self.stop = ""  # the Dask Event that tells workers the run stopped
        self.failed: set[int] = set()

    # -- submission ---------------------------------------------------------------------------

    def _place_free_inputs(self, token: str) -> dict[str, Any]:
        """Load the in-memory pipeline inputs (parameters, fed data) here and place each on
        the cluster once, however many nodes read it.

        Each is a task holding its value rather than scattered data: Dask can compute it
        again if the worker keeping it dies, where scattered data would be lost with it. A
        small value (a parameter, say) goes inside each task that reads it instead: a task
        that many nodes depend on would pull them all to the one worker holding it.
        """
        import cloudpickle

        catalog = self.context.catalog
        placed: dict[str, Any] = {}
        for name in self.context.plan.free_inputs:
            if name in self.memory:
                value = self.free_values[name] = catalog.load(name)
                try:
                    small = len(cloudpickle.dumps(value)) <= _INLINE_BYTES
                except Exception:  # the shipping check names it; let the task say why
                    small = False
                placed[name] = _Inline(value) if small else self.client.submit(
                    _given, value, key=f"{name}-{token}")
        return placed

    def _payload(self, index: int, from_memory: set[str]) -> tuple[Any, ...]:
        """What the node's task needs: the node and the dataset objects it loads and saves on
        the worker, both pickled by value (the node's function as edited last), and how to
        run it."""
        plan = self.context.plan
        catalog = self.context.catalog
        shipped = [name for name in plan.inputs[index] if name not in from_memory]
        shipped += [name for name in plan.outputs[index] if name not in self.memory]
        node_catalog = None
        if shipped:  # the run catalog's own dataset objects, under a catalog that names errors
            import cloudpickle

            node_catalog = DataCatalog(config_resolver=catalog.config_resolver)
            for name in dict.fromkeys(shipped):
                node_catalog._datasets[name] = catalog[name]
            node_catalog = cloudpickle.dumps(node_catalog)
        memory_outputs = frozenset(name for name in plan.outputs[index] if name in self.memory)
        return (
            self.runner._node_bytes[index], plan.inputs[index], memory_outputs, node_catalog,
            self.context.is_async, self.context.run_id, self.want_outputs, self.stop,
        )

    def _submit_all(self) -> None:
        plan = self.context.plan
        from uuid import uuid4

        token = uuid4().hex
        self.stop = f"kedro_ipy-stop-{token}"
        scattered = self._place_free_inputs(token)
        submit = self.client.submit
        futures = self.futures
        shipping = self.runner._shipping
        for index, node in enumerate(plan.nodes):
            sources: dict[str, tuple[Any, str | None]] = {}
            fed: set[int] = set()
            for name in plan.inputs[index]:
                if name in self.memory:
                    producer = self.producer.get(name)
                    if producer is not None and producer != index:
                        sources[name] = (futures[producer], name)
                        fed.add(producer)
                    elif name in scattered:
                        held = scattered[name]
                        sources[name] = (held.value if isinstance(held, _Inline) else held, None)
            after = [futures[parent] for parent in self.parents[index] if parent not in fed]
            futures.append(submit(
                _run_on_worker, self._payload(index, set(sources)), shipping, sources, after,
                key=f"{node.name}-{index}-{token}", pure=False,
            ))

    # -- following the tasks -------------------------------------------------------------------

    def _collect_logs(self) -> None:
        """Put what each node printed on its worker into the run's node logs (one question
        to the scheduler at the end of the run)."""
        logs = getattr(self.runner, "node_logs", None)
        if logs is None or not self.stop:
            return
        try:
            events = self.client.get_events(self.stop)
        except Exception:  # the cluster may be gone
            logger.debug("Could not fetch the node logs", exc_info=True)
            return
        for _, (node_name, text) in events:
            logs.add(node_name, text)

    def run(self) -> None:
        """Submit every node, follow them to the end, gather the outputs; or raise the
        failure, the cancellation or the interrupt once every task of the run is cancelled
        and no future is left referenced (a traceback the session keeps must not keep data
        on the cluster).

        The run's ``CancelToken`` stops it from any thread (the panel's Stop): its waker
        cancels the run's tasks, which ends the wait for them at once.
        """
        token = self.context.token
        token._add_waker(self.cancel)
        self._submit_all()
        try:
            self._run_all(token)
        finally:
            self._collect_logs()

    def _run_all(self, token: Any) -> None:
        try:
            error = self._follow()
        except BaseException as exc:  # Ctrl-C, a lost cluster: nothing may stay queued
            self.cancel()
            token._close(stop_reason(exc), self._done_names(), self._abandoned_names())
            self.futures.clear()
            _log_abandoned(token)
            raise
        if error is not None:
            self.cancel()
            if isinstance(error, RunCancelledError):
                token._close("cancelled", list(error.done), list(error.abandoned))
            else:
                token._close("failed", self._done_names(), self._abandoned_names())
            self.futures.clear()
            _log_abandoned(token)
            raise error
        try:
            self._collect_outputs()
        finally:
            self.futures.clear()

    def _done_names(self) -> list[str]:
        return [node.name for node in self.done]

    def _abandoned_names(self) -> list[str]:
        """Nodes whose task could be running when the run stopped (all their parents had
        finished, they had not): a task already running on a worker cannot be interrupted,
        so its results are discarded."""
        finished = {node.name for node in self.done}
        nodes = self.context.plan.nodes
        return [
            node.name for index, node in enumerate(nodes)
            if node.name not in finished
            and all(nodes[parent].name in finished for parent in self.parents[index])
            and index not in self.failed
        ]

    def _follow(self) -> BaseException | None:
        """Report each node as its task completes (after its parents), releasing data no
        node needs any more; the first failure stops it and is returned."""
        from distributed import as_completed

        plan = self.context.plan
        nodes = plan.nodes
        total = len(nodes)
        keys = {future.key: index for index, future in enumerate(self.futures)}
        kept = self.kept
        consumers = [len(children) for children in plan.children]
        waiting_parents = [len(parents) for parents in self.parents]
        held: dict[int, Any] = {}  # completed before a parent was reported: reported after it
        done = self.done
        token = self.context.token
        info = logger.isEnabledFor(logging.INFO)
        completed = as_completed(self.futures, loop=self.client.loop)
        try:
            for future in _one_by_one(completed):
                index = keys[future.key]
                if future.status != "finished":
                    if token.cancelled:  # our own cancellation of the run's tasks
                        return _cancelled_error(done, self._abandoned_names(), total)
                    self.failed.add(index)
                    return self._failure(index, future, done)
                ready = [index]
                held[index] = future
                while ready:
                    index = ready.pop()
                    if waiting_parents[index]:
                        continue
                    future = held.pop(index)
                    try:
                        self._report(index, future)
                    except Exception as exc:  # a hook failed: the node fails, as in order
                        self.runner._report_failure(self.pipeline, self.context, nodes[index],
                                                    exc, done)
                        return exc
                    done.append(nodes[index])
                    if info:
                        logger.info("Completed node: %s", nodes[index].name)
                        logger.info("Completed %d out of %d tasks", len(done), total)
                    if not consumers[index] and index not in kept:
                        future.release()
                    for parent in self.parents[index]:
                        consumers[parent] -= 1
                        if not consumers[parent] and parent not in kept:
                            self.futures[parent].release()  # its data leaves the cluster
                    for child in plan.children[index]:
                        waiting_parents[child] -= 1
                        if not waiting_parents[child] and child in held:
                            ready.append(child)
        finally:
            completed.clear()
            held.clear()
            future = None
        return None

    def cancel(self) -> None:
        """Cancel every task not finished yet (after a failure, an interrupt or a stop); a
        node already running finishes on its worker, but nothing waits for it. Safe from
        any thread."""
        pending = [future for future in list(self.futures) if not future.done()]
        if not pending:
            return
        try:
            from distributed import Event

            Event(self.stop, client=self.client).set()  # running nodes: no more saves
            self.client.cancel(pending)
        except Exception:  # the cluster may be gone; nothing is left to cancel then
            logger.debug("Could not cancel Dask tasks", exc_info=True)

    def _collect_outputs(self) -> None:
        """Gather the pipeline's in-memory outputs into the run's catalog (one round trip)."""
        if not self.kept:
            return
        order = sorted(self.kept)
        results = self.client.gather([self.futures[index] for index in order])
        catalog = self.context.catalog
        plan = self.context.plan
        outputs = set(plan.pipeline_outputs)
        for index, values in zip(order, results, strict=True):
            for name in plan.outputs[index]:
                if name in outputs and name in self.memory and name in values:
                    catalog.save(name, values[name])

    def _inputs_here(self, index: int) -> dict[str, Any]:
        """The node's input values in the driver, for hooks that asked for them."""
        plan = self.context.plan
        values: dict[str, Any] = {}
        wanted: dict[int, list[str]] = {}
        for name in plan.inputs[index]:
            if name in self.free_values:
                values[name] = self.free_values[name]
            elif name in self.memory and self.producer.get(name, index) != index:
                wanted.setdefault(self.producer[name], []).append(name)
            else:
                values[name] = self.context.catalog.load(name)
        if wanted:
            parents = list(wanted)
            results = self.client.gather([self.futures[parent] for parent in parents])
            for parent, result in zip(parents, results, strict=True):
                for name in wanted[parent]:
                    values[name] = result[name]
        return {name: values[name] for name in plan.inputs[index]}

    def _fire_input_hooks(self, index: int) -> dict[str, Any]:
        """The dataset hooks of each input and ``before_node_run``, as a sequential run
        calls them; returns the inputs given to the hooks."""
        context = self.context
        hooks = context.hooks
        node = context.plan.nodes[index]
        inputs = self._inputs_here(index) if self.want_inputs else dict.fromkeys(
            context.plan.inputs[index]
        )
        for name, data in inputs.items():
            if hooks.before_dataset_loaded is not None:
                hooks.before_dataset_loaded(dataset_name=name, node=node)
            if hooks.after_dataset_loaded is not None:
                hooks.after_dataset_loaded(dataset_name=name, data=data, node=node)
        if hooks.before_node_run is not None:
            results = hooks.before_node_run(
                node=node, catalog=context.catalog, inputs=dict(inputs),
                is_async=context.is_async, run_id=context.run_id,
            )
            if any(result is not None for result in results or ()):
                raise RunnerError(
                    f"A 'before_node_run' hook returned replacement inputs for node "
                    f"'{node.name}', but DaskRunner calls node hooks when a node's task has "
                    "completed, so they cannot reach the node. Run this pipeline with "
                    "SequentialRunner, ThreadRunner or ParallelRunner, which apply them."
                )
        return inputs

    def _report(self, index: int, future: Any) -> None:
        """Fire a completed node's hooks in the driver, in SequentialRunner's order."""
        context = self.context
        hooks = context.hooks
        node = context.plan.nodes[index]
        inputs = self._fire_input_hooks(index)
        outputs = future.result() if self.want_outputs else dict.fromkeys(
            context.plan.outputs[index]
        )
        if hooks.after_node_run is not None:
            hooks.after_node_run(
                node=node, catalog=context.catalog, inputs=inputs, outputs=outputs,
                is_async=context.is_async, run_id=context.run_id,
            )
        for name in context.plan.outputs[index]:
            data = outputs.get(name)
            if hooks.before_dataset_saved is not None:
                hooks.before_dataset_saved(dataset_name=name, data=data, node=node)
            if hooks.after_dataset_saved is not None:
                hooks.after_dataset_saved(dataset_name=name, data=data, node=node)
        for name in node.confirms:
            context.catalog.confirm(name)

    def _failure(self, index: int, future: Any, done: list[Node]) -> BaseException:
        """The error ending the run for a node whose task failed, after cancelling the rest
        and telling the hooks: the node's own exception, with the resume advice on it."""
        self.cancel()
        context = self.context
        node = context.plan.nodes[index]
        logger.debug("Task of node %s ended as %s", node.name, future.status)
        # Only an "error" future holds the node's exception; a cancelled or lost one (its
        # worker died with the data) holds none, and asking it would wait for ever.
        error: BaseException | None = future.exception() if future.status == "error" else None
        if error is None:
            why = getattr(getattr(future, "_state", None), "exception", None)
            error = RunnerError(
                f"The Dask task of node '{node.name}' was lost before it finished: a worker "
                "running it or holding data it needed died, the cluster restarted, or "
                "another client cancelled it"
                + (f" (Dask: {why})." if why else ".")
            )
        from distributed.scheduler import KilledWorker

        node_raised = bool(getattr(error, _NODE_RAISED, False))
        if isinstance(error, KilledWorker):
            error = RunnerError(
                f"Node '{node.name}' was running on a Dask worker that died, on every "
                f"attempt ({error}). A node that uses more memory than a worker may, or "
                "crashes the interpreter, does this; Dask's retries are set by "
                "distributed.scheduler.allowed-failures."
            )
            node_raised = True
        if node_raised and isinstance(error, Exception):
            from kedro_ipy.runner.task import _notify_node_error

            try:
                inputs = self._fire_input_hooks(index)
            except Exception:  # the hooks' own failure must not hide the node's error
                logger.debug("Could not replay the hooks of node '%s'", node.name, exc_info=True)
                inputs = {}
            _notify_node_error(
                context.hooks, error, node, context.catalog, inputs, context.is_async,
                context.run_id,
            )
        self.runner._report_failure(self.pipeline, context, node, error, done)
        return error
