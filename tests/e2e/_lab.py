"""A throwaway JupyterLab server and headless Chromium for the browser tests.

Why these details (each was hit while probing, see ../shared/recipes/jupyter-testing.md):
``--allow-root`` because Lab refuses root; every Jupyter directory isolated in a temp dir so the
developer's settings and extensions do not leak in; the "Jupyter news" toast switched off through
user settings (``--LabApp.news_url=None`` is not enough); readiness judged from the kernel's
state in ``window.jupyterapp`` (the toolbar's idle indicator shows "idle" before any kernel
exists); the server stopped through its REST API, then SIGTERM, then SIGKILL, by our own PID.
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
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``python -m jupyterlab`` on 127.0.0.1 with a random port and token, serving ``root``."""

    def __init__(self, root: Path) -> None:
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
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.password=", f"--ServerApp.root_dir={root}",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        self._log_path = self.home / "lab.log"
        self._log = open(self._log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=root)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}?token={self.token}"

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until ``/api/status`` answers; fails fast if the server exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited ({self.proc.returncode}):\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise TimeoutError(f"jupyter lab did not answer in {timeout} s:\n{self.log_tail()}")

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
