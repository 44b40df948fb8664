"""The class server's public names: the ASGI app, its routes and the runner behind ``conclab class serve``.

Kept apart from :mod:`conclab.classroom` so that a learner's ``conclab check``,
which only writes to the outbox and sends, never imports Starlette or uvicorn.
"""

from conclab.classroom._app import COOKIE, ClassServer, create_app
from conclab.classroom._dashboard import dashboard_page, login_page
from conclab.classroom._serve import DEFAULT_PORT, Ready, bind, default_db, serve_class

__all__ = ["COOKIE", "DEFAULT_PORT", "ClassServer", "Ready", "bind", "create_app", "dashboard_page",
           "default_db", "login_page", "serve_class"]
