"""What the learner sees: each thread's code with its next line marked, the shared state, the goal.

:class:`Screen` holds what is not the game itself (the hint shown, a message,
the explorer's verdict on a correct level) and turns keys into moves; its
:meth:`Screen.render` is a rich renderable, so the same screen goes to the
terminal and, as text at 80 columns, to a golden test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from conclab import explore
from conclab.play._game import Game, Proof
from conclab.play._messages import MESSAGES

QUIT, NEXT = "quit", "next"


def _is_op(text: str) -> bool:
    """An explorer operation text ("read counter -> 0"), not a bare opcode name ("LOAD_CONST")."""
    return bool(text) and text != text.upper()


def _reads_code(op: str, shared: dict[str, str]) -> bool:
    """"read lock_b" before ``with lock_b:``: a read of a lock or a function, not of shared data."""
    return op.startswith("read ") and op[5:].split(" ", 1)[0] not in shared


def _localised(op: str, lang: str) -> str:
    """The explorer says "write counter" (kind and target) when it cannot know the value yet."""
    kind, _, target = op.partition(" ")
    if kind in ("read", "write", "delete", "check") and " " not in target:
        return MESSAGES.get(f"plan-{kind}", lang, target=target)
    return op


@dataclass
class Screen:
    """One level on screen, driven by single keys."""

    game: Game
    number: int = 1
    total: int = 1
    lang: str = "en"
    message: str = ""
    hints_shown: int = 0
    show_help: bool = False
    proof: Proof | None = None
    cleared: bool = field(default=False)

    # ------------------------------------------------------------------ keys
    def press(self, key: str) -> str | None:
        """Apply one key; QUIT or NEXT when the loop should end."""
        self.message = ""
        self.show_help = False
        game = self.game
        if key in ("q", "\x1b", "\x04"):
            return QUIT
        if key == "n" and self.cleared:
            return NEXT
        if key == "?":
            self.show_help = True
        elif key == "h":
            self._hint()
        elif key == "u":
            if not game.undo():
                self.message = MESSAGES.get("nothing-to-undo", self.lang)
        elif key == "r":
            game.restart()
        elif key.isdigit():
            self._move(int(key))
        self._after_move()
        return None

    def _hint(self) -> None:
        hints = self.game.level.hint_list(self.lang)
        if self.hints_shown < len(hints):
            self.hints_shown += 1
        self.message = MESSAGES.get("hint", self.lang, n=self.hints_shown, total=len(hints),
                                    text=hints[self.hints_shown - 1])

    def _move(self, thread: int) -> None:
        point = self.game.position.point
        if point is None:
            return
        if thread >= len(point.threads):
            return
        if not self.game.step(thread):
            view = point.threads[thread]
            self.message = MESSAGES.get("cannot-run", self.lang, thread=view.name,
                                        status=MESSAGES.get(f"status-{view.status}", self.lang))

    def _after_move(self) -> None:
        game = self.game
        if game.won:
            self.cleared = True
        elif game.position.finished and game.level.correct:
            if self.proof is None:
                self.proof = game.prove()
            self.cleared = self.proof.winning is None

    # ---------------------------------------------------------------- render
    def render(self) -> RenderableType:
        game, lang = self.game, self.lang
        level = game.level
        parts: list[RenderableType] = [
            Text(MESSAGES.get("header", lang, number=self.number, total=self.total,
                              title=level.text("title", lang)), style="bold"),
            Text(MESSAGES.get("goal", lang, goal=level.text("goal", lang))),
        ]
        if level.correct:
            parts.append(Text(MESSAGES.get("goal-correct", lang), style="yellow"))
        position = game.position
        if position.point is not None:
            parts.append(self._threads(position.point))
            parts.append(Text(MESSAGES.get("shared", lang, state=self._shared(position.point.shared))))
        elif position.result is not None:
            parts.extend(self._finished(position.result))
        parts.append(Rule(style="dim"))
        if self.show_help:
            parts.append(Text(MESSAGES.get("help", lang)))
        if self.message:
            parts.append(Text(self.message, style="cyan"))
        parts.append(Text(self._footer(), style="dim"))
        return Group(*parts)

    def _footer(self) -> str:
        lang = self.lang
        moves = MESSAGES.get("moves", lang, n=len(self.game.moves))
        if self.cleared:
            return f"{moves} · {MESSAGES.get('after-win', lang)}"
        point = self.game.position.point
        count = len(point.threads) if point is not None else 0
        numbers = "/".join(str(i) for i in range(count)) or "0"
        key = "keys-tasks" if self.game.level.tasks else "keys"
        return f"{moves} · " + MESSAGES.get(key, lang, threads=numbers)

    def _shared(self, shared: dict[str, str]) -> str:
        items = [f"{key} = {value}" for key, value in shared.items() if not key.isupper()]
        return "  ".join(items) or MESSAGES.get("nothing-shared", self.lang)

    def _threads(self, point: explore.ChoicePoint) -> Table:
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold", expand=True,
                      padding=(0, 1))
        for view in point.threads:
            status = MESSAGES.get(f"status-{view.status}", self.lang)
            table.add_column(f"{view.index} {view.label}() · {status}", ratio=1)
        table.add_row(*(self._code(view, point) for view in point.threads))
        return table

    def _code(self, view: explore.ThreadView, point: explore.ChoicePoint) -> Group:
        level = self.game.level
        lang = self.lang
        current = 0
        function = view.label
        if view.location:
            current = int(view.location.rsplit(":", 1)[1])
            function = level.function_at(current) or function
        elif view.status == explore.ThreadState.NOT_STARTED:
            current = level.body_start.get(function, 0)
        first, last = level.functions.get(function, (0, -1))
        lines = level.source_lines
        body = level.body_start.get(function, first + 1)
        text = Text(no_wrap=True, overflow="ellipsis")
        for number in range(body, last + 1):
            source = lines[number - 1]
            stripped = source.strip()
            if not stripped or stripped.startswith(("global ", "nonlocal ")) and number != current:
                continue
            marked = number == current and view.status != explore.ThreadState.DONE
            style = "reverse" if marked and view.index in point.enabled else ("bold" if marked else "")
            text.append(("▶" if marked else " ") + f"{number:>2} ", style="bold" if marked else "dim")
            text.append(source[4:] if source.startswith("    ") else source, style=style)
            text.append("\n")
        notes = []
        if _is_op(view.next_op) and view.status == explore.ThreadState.RUNNABLE and not _reads_code(
                view.next_op, point.shared):
            notes.append(MESSAGES.get("next", lang, op=_localised(view.next_op, lang)))
        if view.holds:
            names = ", ".join(name.removesuffix("._lock") for name in view.holds)
            notes.append(MESSAGES.get("holds", lang, names=names))
        if view.waits:
            notes.append(MESSAGES.get("waits", lang, what=view.waits.replace("._lock", "")))
        text.rstrip()
        return Group(text, *(Text(note, style="cyan") for note in notes))

    def _finished(self, result: explore.Result) -> list[RenderableType]:
        lang = self.lang
        game = self.game
        parts: list[RenderableType] = []
        finding = result.finding
        if game.won and finding is not None:
            parts.append(Text(MESSAGES.get("won", lang, n=len(game.moves), finding=finding.message),
                              style="bold green"))
        elif finding is not None:
            parts.append(Text(MESSAGES.get("other-finding", lang, kind=finding.kind_text(lang),
                                           finding=finding.message), style="yellow"))
        elif not (game.level.correct and self.cleared):
            parts.append(Text(MESSAGES.get("lost", lang), style="yellow"))
        if self.proof is not None:
            parts.append(Text(self._proof_text(self.proof), style="bold"))
        if game.won or (self.proof is not None and self.cleared):
            table = explore.render_step_table(result, lang, max_rows=24)
            if table is not None:
                parts.append(Text(MESSAGES.get("schedule", lang), style="bold"))
                parts.append(table)
            parts.append(Text(MESSAGES.get("teaches", lang), style="bold"))
            parts.append(Text(game.level.text("teaches", lang)))
        parts.append(Text(MESSAGES.get("shared", lang, state=self._shared(result.final_state))))
        return parts

    def _proof_text(self, proof: Proof) -> str:
        lang = self.lang
        if proof.winning is not None:
            return MESSAGES.get("proof-found", lang, schedule=proof.winning)
        bound = (MESSAGES.get("proof-bound-exhausted", lang, k=self.game.level.preemptions)
                 if proof.exhausted else MESSAGES.get("proof-bound-partial", lang))
        return MESSAGES.get("proof-none", lang, n=proof.schedules, bound=bound)
