"""What the learner's ``main.py`` does, read from its code: which mistake a failed check points at.

Also the copy of ``main.py`` the explorer runs: the module-level server start
(``with ThreadingHTTPServer(...)``, ``PORT = int(sys.argv[1]) ...``) is blanked
out, line numbers kept, so the explorer sees the handler class and nothing
that listens or reads the command line.
"""

from __future__ import annotations

import ast

_KEEP = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_LOCKS = {"Lock", "RLock", "Semaphore", "BoundedSemaphore"}


def explorable(text: str) -> str:
    """``text`` with every top-level statement but imports, classes and functions blanked."""
    lines = text.splitlines()
    for node in ast.parse(text).body:
        if isinstance(node, _KEEP):
            continue
        for index in range(node.lineno - 1, node.end_lineno or node.lineno):
            lines[index] = ""
    return "\n".join(lines) + "\n"


def _tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]


def _sleeps_inside_lock(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.With) and any(
                isinstance(inner, ast.Call) and _call_name(inner) == "sleep" for inner in ast.walk(node)):
            return True
    return False


def mistakes(text: str) -> set[str]:
    """Names of the realistic mistakes ``text`` shows (empty when it cannot be parsed).

    ``one-at-a-time`` (HTTPServer or TCPServer, not a threading server),
    ``lock-per-call`` (a Lock made inside a method), ``instance-attribute``
    (``self.request_total = ...``), ``no-release`` (``acquire()`` without
    ``release()``), ``lock-around-work`` (the work sleeps inside a ``with``),
    ``copy-before-work`` (the count copied into a local before the work),
    ``no-flag`` (neither a flag loop nor a lock), ``no-lock`` (no lock made anywhere).
    """
    tree = _tree(text)
    if tree is None:
        return set()
    found: set[str] = set()
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = {_call_name(call) for call in calls}
    if names & {"HTTPServer", "TCPServer"} and not names & {"ThreadingHTTPServer", "ThreadingTCPServer"}:
        found.add("one-at-a-time")
    if "acquire" in names and "release" not in names:
        found.add("no-release")
    for function in _functions(tree):
        if any(isinstance(n, ast.Call) and _call_name(n) in _LOCKS for n in ast.walk(function)):
            found.add("lock-per-call")
        if _sleeps_inside_lock(function):
            found.add("lock-around-work")
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
                    and t.attr == "request_total" for t in node.targets):
                found.add("instance-attribute")
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "request_total"):
                found.add("copy-before-work")
    if not names & _LOCKS:
        found.add("no-lock")
    if not any(isinstance(n, ast.While) for n in ast.walk(tree)) and not names & (_LOCKS | {"acquire"}) \
            and not any(isinstance(n, ast.With) for f in _functions(tree) for n in ast.walk(f)):
        found.add("no-flag")
    return found


def has_method(text: str, name: str) -> bool:
    tree = _tree(text)
    return tree is not None and any(f.name == name for f in _functions(tree))
