"""A shell for testing code that uses the magics: cell errors fail the test.

``InteractiveShell.run_cell`` reports an exception by printing it and returning a result, so a
test that forgets to check the result passes while the cell failed. ``TestingShell`` wraps a
real shell (IPython's global test shell by default) and raises instead. It also gives the
completions of a line as plain strings.

    shell = TestingShell.start()          # the extension is loaded
    shell.run_cell("%session_create examples/coffee_shop")
    assert "catalog" in shell.user_ns
"""

from __future__ import annotations

from typing import Any

__all__ = ["TestingShell"]


class TestingShell:
    """A real ``InteractiveShell`` whose ``run_cell`` raises the cell's exception.

    Every other attribute is the wrapped shell's (``run_line_magic``, ``push``, ...).
    """

    __test__ = False  # not a test class, despite its name

    def __init__(self, shell: Any = None) -> None:
        if shell is None:
            from IPython.core.getipython import get_ipython as current
            from IPython.testing.globalipapp import get_ipython

            # globalipapp starts its shell once per process, returning None on later calls.
            shell = get_ipython() or current()
        self.shell = shell

    @classmethod
    def start(cls, shell: Any = None) -> TestingShell:
        """A testing shell with the kedro_ipy extension loaded."""
        testing = cls(shell)
        testing.shell.run_line_magic("load_ext", "kedro_ipy")
        return testing

    def __getattr__(self, name: str) -> Any:
        return getattr(self.shell, name)

    @property
    def user_ns(self) -> dict[str, Any]:
        return self.shell.user_ns

    def run_cell(self, code: str) -> Any:
        """Run ``code`` like a notebook cell and return the result's value.

        Raises:
            BaseException: whatever the cell raised (``UsageError`` included).
        """
        result = self.shell.run_cell(code, store_history=False, silent=False)
        result.raise_error()
        return result.result

    def complete(self, line: str, cursor: int | None = None) -> list[str]:
        """The texts IPython would offer for Tab at ``cursor`` (default: end of ``line``)."""
        from IPython.core.completer import provisionalcompleter

        cursor = len(line) if cursor is None else cursor
        with provisionalcompleter():
            completions = list(self.shell.Completer.completions(line, cursor))
        return [completion.text for completion in completions]
