"""The learner's file, read and compiled once per check.

A check may run the program several times, serve it, explore it and look
for functions in it; a file that does not compile must give the same
located error every time, and the check should pay for compiling once.
:class:`CheckContext` holds one :class:`LearnerSource` for the whole check and
hands it to every run; callers outside a check call :func:`compile_learner_file`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error, located: the learner needs the file and the line, not a traceback."""

    file: str
    line: int
    column: int
    message: str
    text: str


@dataclass(frozen=True)
class LearnerSource:
    """The parsed tree of a learner's file, or why it does not compile (``problem``)."""

    path: Path
    tree: ast.Module | None
    problem: SyntaxProblem | None

    def top_level_functions(self) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        """The functions the file defines at the top level, by name (empty if it does not compile)."""
        if self.tree is None:
            return {}
        return {node.name: node for node in self.tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def compile_learner_file(path: Path) -> LearnerSource:
    """Read and compile the file here, in a millisecond, instead of starting an interpreter.

    Parsing alone misses errors the compiler finds later (``return`` outside a
    function, a misplaced ``nonlocal``), so the tree is compiled too. Raises
    ``OSError`` only when the file cannot be read.
    """
    source = path.read_bytes()
    name = str(path)
    try:
        tree = ast.parse(source, filename=name)
        compile(tree, name, "exec", dont_inherit=True)
    except SyntaxError as error:
        return LearnerSource(path, None, SyntaxProblem(
            file=name, line=error.lineno or 0, column=error.offset or 0, message=error.msg,
            text=(error.text or "").rstrip("\n")))
    except ValueError as error:  # e.g. null bytes in the source
        return LearnerSource(path, None, SyntaxProblem(file=name, line=0, column=0, message=str(error),
                                                       text=""))
    return LearnerSource(path, tree, None)
