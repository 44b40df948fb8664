"""What ``x += 1`` really is: the bytecode of an increment, in the interpreter you are running.

One line of Python becomes several instructions of the virtual machine: one
reads the old value, one adds, one writes the new value back. Between them
the new value exists only inside the running thread, so the update is not
*atomic*: another thread could see (or overwrite) the old value halfway.
The instruction names differ between Python versions; ``dis`` shows yours.
Run it on its own:
    python -m conclab.curriculum.lessons.bytecode.example
"""

import dis
import itertools
import sys

counter = 0
ticket = itertools.count(1)  # hands out 1, 2, 3, ...


def bump():
    """The classic increment of a shared (global) counter."""
    global counter
    counter += 1


class Page:
    """A request counter kept in an attribute, as a web handler might keep it."""

    count = 0

    def bump(self):
        self.count += 1


def bump_page(hits):
    """An increment of one entry of a shared dict: the hits of the page "/"."""
    hits["/"] += 1


def take():
    """The next ticket number: read, add and write happen inside one call to C code."""
    return next(ticket)


def show(function):
    """Print the instructions of ``function`` as ``dis`` sees them."""
    print(f"--- {function.__qualname__}")
    dis.dis(function)


def _warm_up():
    pass


def watch(function, look):
    """Run ``function`` one instruction at a time; before each one, note ``look()``.

    ``sys.settrace`` with ``f_trace_opcodes`` calls us before every instruction
    of the traced frame: a way to stop in the moments *between* the steps of
    ``+=`` and look at the shared value. Returns (instruction, value) pairs.
    """
    seen = []
    instructions = {i.offset: i for i in dis.get_instructions(function)}

    def tracer(frame, event, arg):
        if frame.f_code not in (function.__code__, _warm_up.__code__):
            return None
        frame.f_trace_opcodes = True
        if event == "opcode" and frame.f_code is function.__code__:
            instruction = instructions.get(frame.f_lasti)
            seen.append((instruction.opname if instruction else "?", look()))
        return tracer

    previous = sys.gettrace()  # a debugger or coverage tool may be tracing: give it back
    sys.settrace(tracer)
    try:
        # Python 3.12.0-3.12.1 turn opcode events on only if some frame asked for them
        # before settrace was called: ask once in a throwaway frame, then set it again.
        _warm_up()
        sys.settrace(tracer)
        function()
    finally:
        sys.settrace(previous)
    return seen


if __name__ == "__main__":
    print(sys.version)
    for function in (bump, Page.bump, bump_page, take):
        show(function)
    print("--- bump(), one instruction at a time: (next instruction, counter in memory)")
    for name, value in watch(bump, lambda: counter):
        print(f"{name:<20} counter = {value}")
