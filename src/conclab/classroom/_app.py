"""The class server as an ASGI app (Starlette): learners' API, the instructor's page and its live feed.

Learners join with the join code and then write only their own results, with
their own token. Everything about the room (the page, its JSON, the live feed,
the CSV, rotating the join code) needs the instructor: the token in a login
form, then an HttpOnly cookie, or the token as a Bearer header for scripts.
Every refused request gets a 4xx with one clear sentence and a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from conclab.classroom._dashboard import CSP, HEADERS, dashboard_page, login_page, page_lang
from conclab.classroom._protocol import MAX_BODY_BYTES, ProtocolError, Result, learner_name
from conclab.classroom._room import DEFAULT_RULE, Room, StuckRule
from conclab.classroom._store import ClassStore, Learner

log = logging.getLogger("conclab.classroom")
COOKIE = "conclab_session"
#: How often the live feed may send the room (a busy room sends at most this often) and re-sends it anyway.
FEED_MIN_INTERVAL_S = 0.25
FEED_REFRESH_S = 15.0


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Changes:
    """A version number the live feeds wait on; bumped on the event loop after each stored result."""

    def __init__(self) -> None:
        self.version = 0
        self._event: asyncio.Event | None = None

    def _current(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def bump(self) -> None:
        self.version += 1
        event, self._event = self._current(), asyncio.Event()
        event.set()

    async def wait(self, seen: int, timeout: float) -> None:
        event = self._current()
        if self.version != seen:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


class ClassServer:
    """The routes over one :class:`ClassStore` and the exercise ids this conclab knows."""

    def __init__(self, store: ClassStore, exercises: Sequence[str], *, lang: str = "en",
                 rule: StuckRule = DEFAULT_RULE, clock: Callable[[], float] = time.time,
                 join_url: str | None = None) -> None:
        self.store = store
        self.join_url = join_url  # the address learners use (the page may be opened at 127.0.0.1)
        self.exercises = list(exercises)
        self.lang = lang
        self.rule = rule
        self.clock = clock
        self.changes = Changes()
        self._room_cache: tuple[int, float, str] | None = None

    # -- the door --------------------------------------------------------------------

    async def body_json(self, request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
            raise Refused(413, f"request body over {MAX_BODY_BYTES} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise Refused(413, f"request body over {MAX_BODY_BYTES} bytes")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refused(400, f"the body is not JSON: {exc}") from exc

    def learner(self, request: Request) -> Learner:
        token = _bearer(request)
        learner = self.store.learner_for(token) if token else None
        if learner is None:
            raise Refused(401, "unknown or missing learner token; run 'conclab class join' again")
        return learner

    def require_instructor(self, request: Request) -> None:
        session = request.cookies.get(COOKIE)
        if session and self.store.is_session(session):
            if request.method == "POST" and request.headers.get("x-conclab") != "1":
                raise Refused(403, "missing X-Conclab header (the dashboard sends it)")
            return
        token = _bearer(request)
        if token and self.store.is_instructor(token):
            return
        raise Refused(401, "the instructor token is needed: log in at /login")

    # -- learners ----------------------------------------------------------------------

    async def join(self, request: Request) -> Response:
        data = await self.body_json(request)
        if not isinstance(data, dict) or not isinstance(data.get("code"), str):
            raise Refused(400, "send {\"code\": ..., \"name\": ...}")
        if not self.store.is_join_code(data["code"]):
            raise Refused(403, "wrong join code; ask the instructor for the current one")
        try:
            name = learner_name(data.get("name"))
        except ProtocolError as exc:
            raise Refused(400, str(exc)) from exc
        learner, token = await anyio.to_thread.run_sync(self.store.join, name)
        log.info("joined: %s", learner.name)
        return JSONResponse({"learner": learner.id, "name": learner.name, "token": token}, status_code=201)

    async def add_result(self, request: Request) -> Response:
        learner = self.learner(request)
        data = await self.body_json(request)
        try:
            result = Result.from_json(data, self.exercises)
        except ProtocolError as exc:
            raise Refused(422, str(exc)) from exc
        stored = await anyio.to_thread.run_sync(self.store.add_result, learner, result)
        if stored:
            self.changes.bump()
        return JSONResponse({"id": result.id, "stored": stored}, status_code=201 if stored else 200)

    async def me(self, request: Request) -> Response:
        learner = self.learner(request)
        return JSONResponse({"learner": learner.id, "name": learner.name})

    # -- the instructor ------------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        return _html(login_page(page_lang(request, self.lang)))

    async def login(self, request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > 4096:
                raise Refused(413, "login form too large")
        token = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
        lang = page_lang(request, self.lang)
        if not token or not self.store.is_instructor(token):
            log.warning("%s: wrong instructor token at /login", _client(request))
            return _html(login_page(lang, failed=True), status=401)
        response = RedirectResponse(f"/?lang={lang}", status_code=303)
        response.set_cookie(COOKIE, self.store.new_session(), httponly=True, samesite="strict",
                            max_age=7 * 24 * 3600)
        return response

    async def logout(self, request: Request) -> Response:
        session = request.cookies.get(COOKIE)
        if session:
            self.store.end_session(session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    async def page(self, request: Request) -> Response:
        session = request.cookies.get(COOKIE)
        if not (session and self.store.is_session(session)):
            return RedirectResponse(f"/login?lang={page_lang(request, self.lang)}", status_code=303)
        return _html(dashboard_page(page_lang(request, self.lang)))

    def room(self) -> Room:
        return Room(self.exercises, self.store.learners(), self.store.results(), now=self.clock(),
                    rule=self.rule)

    async def room_text(self) -> str:
        """The room as JSON text, computed once per change (and again when it is a few seconds old)."""
        cached = self._room_cache
        if cached and cached[0] == self.changes.version and self.clock() - cached[1] < 5:
            return cached[2]
        version = self.changes.version
        room = await anyio.to_thread.run_sync(self.room)
        text = json.dumps({**room.to_json(), "join_code": self.store.join_code(),
                           "join_url": self.join_url, "version": version},
                          ensure_ascii=False)
        self._room_cache = (version, self.clock(), text)
        return text

    async def room_json(self, request: Request) -> Response:
        self.require_instructor(request)
        return Response(await self.room_text(), media_type="application/json")

    async def feed(self, request: Request) -> Response:
        self.require_instructor(request)
        return StreamingResponse(self._events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def _events(self) -> AsyncIterator[str]:
        while True:
            seen = self.changes.version
            yield f"event: room\ndata: {await self.room_text()}\n\n"
            await asyncio.sleep(FEED_MIN_INTERVAL_S)
            await self.changes.wait(seen, FEED_REFRESH_S)

    async def export_csv(self, request: Request) -> Response:
        self.require_instructor(request)
        room = await anyio.to_thread.run_sync(self.room)
        return Response(room.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="conclab-class.csv"'})

    async def rotate_code(self, request: Request) -> Response:
        self.require_instructor(request)
        code = await anyio.to_thread.run_sync(self.store.rotate_join_code)
        self.changes.bump()
        log.info("join code rotated")
        return JSONResponse({"join_code": code})

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})


def _html(text: str, status: int = 200) -> Response:
    return HTMLResponse(text, status_code=status, headers={**HEADERS, "Content-Security-Policy": CSP})


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _guarded(server: ClassServer, handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(request)
            return response
        except Refused as exc:
            log.warning("%s %s %s -> %d: %s", _client(request), request.method, request.url.path,
                        exc.status, exc)
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
    return endpoint


def create_app(server: ClassServer) -> Starlette:
    """The ASGI app of ``server``; hand it to uvicorn, or to Starlette's TestClient in tests."""
    routes = [
        ("/healthz", server.health, ["GET"]),
        ("/api/join", server.join, ["POST"]),
        ("/api/results", server.add_result, ["POST"]),
        ("/api/me", server.me, ["GET"]),
        ("/api/room", server.room_json, ["GET"]),
        ("/api/events", server.feed, ["GET"]),
        ("/api/rotate-code", server.rotate_code, ["POST"]),
        ("/export.csv", server.export_csv, ["GET"]),
        ("/login", server.login_form, ["GET"]),
        ("/login", server.login, ["POST"]),
        ("/logout", server.logout, ["POST"]),
        ("/", server.page, ["GET"]),
    ]
    return Starlette(routes=[Route(path, _guarded(server, handler), methods=methods)
                             for path, handler, methods in routes])
