"""A throwaway JupyterLab or Notebook 7 server and headless Chromium for the browser tests.

Why these details (each was hit while probing, see ../shared/recipes/jupyter-testing.md):
``--allow-root`` because Jupyter refuses root; every Jupyter directory isolated in a temp dir so
the developer's settings and extensions do not leak in; the "Jupyter news" toast switched off
through user settings (``--LabApp.news_url=None`` is not enough; Notebook 7 reads the same
settings directory); readiness judged from the kernel's state in ``window.jupyterapp`` (the
toolbar's idle indicator shows "idle" before any kernel exists); "run all" fired without awaiting
its promise (``page.evaluate`` has no timeout); the server stopped through its REST API, then
SIGTERM, then SIGKILL, by our own PID.

Notebook 7 is built from JupyterLab's components, so one harness drives both: only the module,
the app's config class, the flags it knows and the URL of an open notebook differ.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "coffee_shop"
ARTIFACTS = REPO / "test-artifacts"

CHROMIUM_FLAGS = [  # Playwright adds --headless and a fresh --user-data-dir itself
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-dev-shm-usage",
]

#: True once the current notebook's kernel is connected and idle.
KERNEL_IDLE_JS = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected'; }"""

#: Fire "run all cells" without awaiting the promise (page.evaluate has no timeout).
RUN_ALL_JS = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"

#: "ename: evalue" of the first error output in the current notebook's model, else null. The
#: DOM cannot tell a traceback from plain stderr: both are ``application/vnd.jupyter.stderr``.
CELL_ERROR_JS = """() => { const w = window.jupyterapp.shell.currentWidget;
  const cells = w && w.content && w.content.model && w.content.model.cells;
  for (let i = 0; cells && i < cells.length; i++) {
    const outputs = cells.get(i).outputs;
    for (let k = 0; outputs && k < outputs.length; k++) {
      const out = outputs.get(k).toJSON();
      if (out.output_type === 'error') return `cell ${i + 1}: ${out.ename}: ${out.evalue}`;
    } }
  return null; }"""

#: The front end's own name, so a test can prove which app it is talking to.
#: Records the page's longest main-thread task from now on in ``window.__kipLongest`` (ms; the
#: browser reports tasks over 50 ms, so 0 means none that long).
LONG_TASKS_JS = """
window.__kipLongest = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__kipLongest = Math.max(window.__kipLongest, entry.duration);
  }
}).observe({ type: "longtask" });
"""

APP_NAME_JS = "() => window.jupyterapp.name"


@dataclass(frozen=True)
class App:
    """What differs between the two front ends when starting one and opening a notebook."""

    module: str  #: run as ``python -m <module>``
    config_class: str  #: the traitlets class owning ``expose_app_in_browser``
    extra_flags: tuple[str, ...]  #: flags only this app knows
    notebook_path: str  #: URL path of an open notebook, ``{name}`` filled in
    display_name: str  #: ``window.jupyterapp.name`` in the browser


APPS = {
    "lab": App(
        module="jupyterlab", config_class="LabApp",
        extra_flags=("--LabApp.news_url=None",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"),
        notebook_path="/lab/tree/{name}", display_name="JupyterLab",
    ),
    "notebook": App(
        module="notebook", config_class="JupyterNotebookApp", extra_flags=(),
        notebook_path="/notebooks/{name}", display_name="Jupyter Notebook",
    ),
}


def find_chromium() -> str | None:
    """The system Chromium (Debian's ``chromium``), or None when it is not installed."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def need(reason: str) -> None:
    """Skip on a developer machine, fail on CI (``CI`` set), where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


def require_browser() -> str:
    """Chromium's path, after checking that Playwright imports; skips or fails otherwise."""
    chromium = find_chromium()
    if chromium is None:
        need("no chromium binary (bash scripts/ensure-chromium.sh installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        need("playwright is not installed")
    return chromium  # type: ignore[return-value]  # need() never returns


def copy_example(root: Path) -> Path:
    """A private copy of the coffee_shop example in ``root`` (its runs must not touch the repo)."""
    target = root / "coffee_shop"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("sessions", "__pycache__"))
    return target


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells on the stock ``python3`` kernel."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, str(path))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """``python -m jupyterlab`` or ``python -m notebook`` on 127.0.0.1 serving ``root``.

    A random port and token each time, so parallel or leftover servers never get in the way.
    """

    def __init__(self, root: Path, app: str = "lab") -> None:
        if app not in APPS:
            raise ValueError(f"unknown Jupyter app {app!r}; valid: {sorted(APPS)}")
        self.app = APPS[app]
        self.root, self.port, self.token = root, _free_port(), secrets.token_hex(16)
        self.home = Path(tempfile.mkdtemp(prefix="kip-e2e-jupyter-"))
        settings = self.home / "lab-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(json.dumps(
            {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}))
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTERLAB_SETTINGS_DIR=str(self.home / "lab-settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "lab-workspaces"),
            IPYTHONDIR=str(self.home / "ipython"),
        )
        cmd = [
            sys.executable, "-m", self.app.module, "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.password=", f"--ServerApp.root_dir={root}",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            f"--{self.app.config_class}.expose_app_in_browser=True",
            *self.app.extra_flags,
        ]
        self._log_path = self.home / "server.log"
        self._log = open(self._log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=root)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}?token={self.token}"

    def notebook_url(self, name: str) -> str:
        """Where this app shows the notebook ``name`` (relative to ``root``)."""
        return self.url(self.app.notebook_path.format(name=name))

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until ``/api/status`` answers; fails fast if the server exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.app.module} exited ({self.proc.returncode}):\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise TimeoutError(f"{self.app.module} did not answer in {timeout} s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, n: int = 4000) -> str:
        self._log.flush()
        return self._log_path.read_text(errors="replace")[-n:]

    def stop(self) -> str:
        """Stop the server (and its kernels); returns how it was stopped."""
        how = "api/shutdown"
        try:
            request = urllib.request.Request(self.url("/api/shutdown"), method="POST")
            urllib.request.urlopen(request, timeout=5).read()
            self.proc.wait(timeout=15)
        except Exception:
            how = "SIGTERM"
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                how = "SIGKILL"
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)
        return how


@contextmanager
def notebook_running(root: Path, name: str, *, app: str, chromium: str,
                     fail_shot: Path, viewport: dict[str, int] | None = None) -> Iterator[Page]:
    """Serve ``root`` with ``app``, open notebook ``name`` in headless Chromium, run all cells.

    Yields the page once "run all" has been fired on a connected, idle kernel. If the body
    raises, a full-page screenshot goes to ``fail_shot`` and the server log is printed. The
    server is always stopped; a server that needed SIGKILL fails an otherwise passing test.
    """
    from playwright.sync_api import expect, sync_playwright

    server = JupyterServer(root, app)
    try:
        server.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport=viewport or {"width": 1280, "height": 1500})
            page.set_default_timeout(60_000)
            expect.set_options(timeout=45_000)
            try:
                page.goto(server.notebook_url(name))
                page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for()
                page.wait_for_function(KERNEL_IDLE_JS, timeout=90_000)
                page.evaluate(RUN_ALL_JS)
                yield page
            except (Exception, pytest.fail.Exception):
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(fail_shot), full_page=True)
                print(server.log_tail())
                raise
            finally:
                browser.close()
    finally:
        started = time.monotonic()
        how = server.stop()
        print(f"{server.app.module} server stopped via {how} in "
              f"{time.monotonic() - started:.1f} s")
    assert how in ("api/shutdown", "SIGTERM")


def first_panel(page: Page, timeout: float = 45.0) -> Locator:
    """The first ``.kedro-ipy-panel`` once shown; fails at once, naming it, if a cell raised."""
    panel = page.locator(".kedro-ipy-panel").first
    deadline = time.monotonic() + timeout
    while True:
        error = page.evaluate(CELL_ERROR_JS)
        if error:  # say why now rather than time out later
            pytest.fail(f"a notebook cell failed: {error}")
        if panel.is_visible():
            return panel
        if time.monotonic() > deadline:
            pytest.fail(f"no panel shown within {timeout} s and no cell failed")
        page.wait_for_timeout(250)
