"""What a port did and what it left for the user: one record per changed line or problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Change", "PortReport", "Problem"]


@dataclass(frozen=True)
class Change:
    """One line rewritten: ``path:line: before -> after`` (both stripped of indentation)."""

    path: Path
    line: int
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.before}  ->  {self.after}"


@dataclass(frozen=True)
class Problem:
    """Something the port saw but could not (or must not) change by itself."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass
class PortReport:
    """Everything one ``kedro-ipy port`` did, in file order."""

    root: Path
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_changed: list[Path] = field(default_factory=list)

    def add(self, changes: list[Change], problems: list[Problem]) -> None:
        self.changes.extend(changes)
        self.problems.extend(problems)
        if changes and changes[0].path not in self.files_changed:
            self.files_changed.append(changes[0].path)

    def lines(self) -> list[str]:
        """The report as printed by the command."""
        out = [str(change) for change in self.changes]
        out.append(
            f"{len(self.changes)} line(s) changed in {len(self.files_changed)} file(s) under "
            f"{self.root}."
            if self.changes
            else f"Nothing to change under {self.root}: it is already a kedro_ipy project."
        )
        if self.problems:
            out.append(f"Not done ({len(self.problems)}): check these by hand:")
            out.extend(f"  {problem}" for problem in self.problems)
        return out
