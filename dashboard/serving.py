"""What every response of the dashboard's server gets, whatever serves it (``kpi serve``, gunicorn, a test client).

``install(app)`` adds, in one place:

- **compression** (Flask-Compress): brotli when the browser accepts it, else gzip, for HTML, CSS, JS and JSON.
  The compressed bytes of versioned static files (Dash's fingerprinted ``/_dash-component-suites/`` bundles — the
  plotly bundle alone is 4.6 MB — and ``/assets/`` with its ``?m=`` cache-buster) are kept per process
  (``AssetCache``), so a bundle is compressed once per worker, not once per request.
- **cache headers**: a year, ``immutable``, for those versioned files; ``no-cache`` (revalidate) for static files
  without a version, HTML pages, Dash's layout, dependencies and callbacks, and the JSON routes (they change with
  every published warehouse generation).
- **plotly.js**: the URL dcc.Graph loads plotly.js from serves the dashboard's partial bundle
  (``dashboard/static/plotly-kpi.min.js``, 1.2 MB: the trace types the figures draw, built by ``make plotly-bundle``
  from ``tools/plotly_bundle``) instead of plotly's full 4.8 MB one; revalidated by ETag, compressed once.
- **security headers** on every response: a Content-Security-Policy that lets Dash run (its inline scripts by
  hash, ``app.csp_hashes()``; no ``unsafe-eval``), ``X-Content-Type-Options: nosniff``, a ``Referrer-Policy``,
  and ``frame-ancestors 'none'`` (with ``X-Frame-Options: DENY``) everywhere except the wall screen ``/wall``,
  which a same-origin page may frame (``'self'``, ``SAMEORIGIN``).

The JSON routes (``/health``, ``/api/report/<year>``) are in ``dashboard.web_api``; the guard that answers
malformed callback requests with 400 is ``dashboard.callback_guard``.
"""

from __future__ import annotations

import atexit
import gc
import threading
from collections import OrderedDict
from pathlib import Path

import dash
import flask
import flask_compress

LONG_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
KIOSK_PATHS = ("/wall",)  # may be framed by a same-origin page (a splice of several wall screens)
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
WHOLE_PREFIXES = ("/assets/", "/_kpi/")  # the app's own stylesheets and scripts: read whole, then compressed
PLOTLY_JS = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # what dcc.Graph asks for (serve_locally)
PLOTLY_BUNDLE = Path(__file__).parent / "static" / "plotly-kpi.min.js"
ASSET_CACHE_ENTRIES = 64  # (file, algorithm) pairs: the app's bundles and assets are a few dozen files

# 'unsafe-inline' for styles only: React and plotly set style attributes and inject <style> elements.
# data: and blob: images are plotly's (downloaded PNGs, pattern fills); workers: none are used.
CSP_BASE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


class AssetCache:
    """Flask-Compress's cache backend: keeps the compressed bytes of versioned static files only.

    Flask-Compress asks one cache for every response it compresses; ``cache_key`` gives other responses an empty
    key, which this cache neither stores nor finds, so a callback's answer is never served to another request.
    """

    def __init__(self, size: int = ASSET_CACHE_ENTRIES) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: str) -> bytes | None:
        if key.endswith(";"):
            return None
        with self._lock:
            return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def settle_heap() -> None:
    """Freeze every object alive now (the modules, the app, its layout) out of the garbage collector's sight.

    Call once in a serving process, after its app is built. A full collection walked the 200,000 objects the imports
    and the app had made, 0.1 s at a time in the middle of a page (two per 30 renders at 5 M cases); frozen, it
    walks only what the pages create. Not for a process that builds many apps (the tests): frozen objects are
    never collected. At exit they are handed back, so the interpreter's last collection closes them (DuckDB's
    bindings report what is left open then).
    """
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)


def versioned(request: flask.Request) -> bool:
    """A static file whose URL changes when its content does (fingerprint or ``?m=`` cache-buster)."""
    path = request.path
    if path.startswith("/_dash-component-suites/"):
        return ".v" in path.rsplit("/", 1)[-1] and "m" in path.rsplit(".", 2)[-2]  # e.g. plotly.v4_4_1m1712.min.js
    return path.startswith("/assets/") and bool(request.args.get("m"))


def cache_key(request: flask.Request) -> str:
    """The compression cache's key: the URL of a versioned static GET or of the plotly bundle (its bytes are fixed
    while the process runs), else '' (never cached)."""
    fixed = versioned(request) or request.path == PLOTLY_JS
    return request.full_path if request.method == "GET" and fixed else ""


def csp(path: str, hashes: list[str]) -> str:
    """The Content-Security-Policy of a response to ``path``."""
    policy = dict(CSP_BASE)
    policy["script-src"] = " ".join(["'self'", *hashes])
    policy["frame-ancestors"] = "'self'" if path.rstrip("/") in KIOSK_PATHS else "'none'"
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def install(app: dash.Dash) -> None:
    """Compression, cache headers and security headers for every response of ``app``'s server."""
    server = app.server
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_STREAMS=False,  # other files sent in chunks (downloads) go as they are: compressing the chunks
        # leaves their files open until the garbage collector finds them
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_CACHE_BACKEND=AssetCache,
        COMPRESS_CACHE_KEY=cache_key,
    )
    hashes: list[str] = []
    plotly_js = PLOTLY_BUNDLE.read_bytes()

    @server.route(PLOTLY_JS)  # a rule without variables: it wins over Dash's /_dash-component-suites/<package>/<path>
    def _plotly_bundle() -> flask.Response:
        response = flask.Response(plotly_js, mimetype="text/javascript")
        response.add_etag()
        return response.make_conditional(flask.request)

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        request = flask.request
        if not hashes:  # computed once, after every clientside callback has been registered
            hashes.extend(dict.fromkeys(app.csp_hashes()))
        if request.path.startswith(STATIC_PREFIXES):
            long = versioned(request) and response.status_code == 200
            response.headers["Cache-Control"] = LONG_CACHE if long else NO_CACHE  # else revalidate (ETag)
        elif response.mimetype in ("text/html", "application/json"):
            response.headers["Cache-Control"] = NO_CACHE
        framed = request.path.rstrip("/") in KIOSK_PATHS
        response.headers["Content-Security-Policy"] = csp(request.path, hashes)
        response.headers["X-Frame-Options"] = "SAMEORIGIN" if framed else "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    # Flask runs after_request hooks in reverse order of registration: _whole, then compression, then _headers
    flask_compress.Compress(server)

    @server.after_request
    def _whole(response: flask.Response) -> flask.Response:
        """A file sent in chunks (``/assets/``, the vendor CSS) is read whole here, so that it is compressed (and,
        when versioned, cached) like any other response, and its file is closed when the response is: Flask-Compress
        compressing the chunks itself leaves the file open until the garbage collector finds it."""
        small_file = flask.request.path.startswith(WHOLE_PREFIXES)  # not a download of unknown size
        if small_file and response.is_streamed and response.direct_passthrough and response.status_code == 200:
            response.direct_passthrough = False
            response.get_data()  # reads the file; Werkzeug closes it with the response
        return response
