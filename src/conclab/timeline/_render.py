"""The renderer protocol: one object, written to a terminal, a string or a file.

Every view conclab draws is a :class:`Renderer`: the terminal timeline, the
HTML pages and the Perfetto trace (text renderers), and the lab report and the
explorer's step table (:class:`RichRenderer`, drawn with rich renderables). So
the same object goes to the screen (``console.print``), to a golden test
(:meth:`Renderer.to_string`) and to a file (:meth:`Renderer.save`).
"""

from __future__ import annotations

import os
from typing import IO, Any

from conclab.errors import ConclabError


class Renderer:
    """Base class: subclasses implement :meth:`render_text` (and may add colour)."""

    def render_text(self) -> str:
        raise NotImplementedError

    def to_string(self) -> str:
        return self.render_text()

    def write(self, out: IO[str]) -> None:
        out.write(self.render_text())

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write to ``path``; an unwritable path is a :class:`ConclabError`, not a traceback."""
        try:
            with open(path, "w", encoding="utf-8") as handle:
                self.write(handle)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConclabError(
                f"cannot write {os.fspath(path)!r}: {reason}; choose a writable path",
                ja=f"{os.fspath(path)!r} に書き込めません: {reason}。書き込める場所を指定してください"
            ) from None

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        yield Text(self.render_text())


class RichRenderer(Renderer):
    """A renderer made of rich renderables: subclasses implement ``__rich_console__``.

    :meth:`render_text` prints it on a plain console ``width`` columns wide (no
    colour), which is what a file and a golden test get.
    """

    width: int = 80

    def __rich_console__(self, console: Any, options: Any) -> Any:
        raise NotImplementedError

    def render_text(self) -> str:
        import io

        from conclab.text import make_console

        buffer = io.StringIO()
        make_console(self.width, file=buffer, plain=True).print(self)
        return buffer.getvalue()


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail early, before any work runs, when ``path`` cannot be written."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise ConclabError(f"cannot write {path!r}: it is a directory; give a file name",
                           ja=f"{path!r} に書き込めません: フォルダーです。ファイル名を指定してください")
    if not os.path.isdir(folder):
        raise ConclabError(f"cannot write {path!r}: folder {folder!r} does not exist",
                           ja=f"{path!r} に書き込めません: フォルダー {folder!r} がありません")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise ConclabError(f"cannot write {path!r}: permission denied; choose a writable path",
                           ja=f"{path!r} に書き込めません: 権限がありません。書き込める場所を指定してください")
