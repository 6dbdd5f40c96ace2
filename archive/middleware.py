"""Site-wide protections: security headers, request throttling, and a clear page when search is down."""

import logging
import sqlite3
import threading
import time
import unicodedata

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from statements.search.query import SearchUnavailable

logger = logging.getLogger("statements.site")


class SecurityHeadersMiddleware:
    """A Content Security Policy with no inline scripts, and the headers Django does not set."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(f"{name} {value}" for name, value in settings.CONTENT_SECURITY_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


class CounterStore:
    """Sliding-window counters in a small SQLite file, shared by every worker process on the host.

    A window is counted in BUCKETS slices, and a count covers the current slice and the BUCKETS
    before it: every stretch of `window` seconds lies inside what is counted, so no more than
    the limit gets through in any window, however the requests fall around a slice's edge (with
    fixed windows, twice the limit got through in a moment across a boundary).
    """

    BUCKETS = 10

    def __init__(self, path):
        self.path = str(path)
        self.local = threading.local()

    def connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            self.local.connection = connection
        return connection

    def _keys(self, key, window, now):
        """The current slice's key first, then the BUCKETS slices before it."""
        current = int(now // (window / self.BUCKETS))
        return [f"{key}:{window}:{current - back}" for back in range(self.BUCKETS + 1)]

    def hit(self, key, window) -> int:
        """Count one more event and return the count over the sliding window, this one included."""
        now = time.time()
        keys = self._keys(key, window, now)
        connection = self.connection()
        (count,) = connection.execute(
            "INSERT INTO counter (key, count, expires) VALUES (?, 1, ?) "
            "ON CONFLICT(key) DO UPDATE SET count = count + 1 RETURNING count",
            (keys[0], now + 2 * window),
        ).fetchone()
        if count == 1:
            connection.execute("DELETE FROM counter WHERE expires < ?", (now,))
        return count + self._sum(keys[1:])

    def count(self, key, window) -> int:
        return self._sum(self._keys(key, window, time.time()))

    def _sum(self, keys):
        placeholders = ", ".join("?" * len(keys))
        (total,) = (
            self.connection().execute(
                f"SELECT COALESCE(SUM(count), 0) FROM counter WHERE key IN ({placeholders})", keys
            )
        ).fetchone()
        return total


def login_name(name: str) -> str:
    """A user name as Django signs it in (NFKC, so "ｅｄ" is "ed"), casefolded: one counter per person."""
    return unicodedata.normalize("NFKC", name).casefold().strip()[:150]


def client_address(request):
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "unknown")


class RateLimitMiddleware:
    """Throttle searches per client address, and failed admin logins per address and per user name."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.store = CounterStore(settings.DATA_DIR / "ratelimit.sqlite3")

    def __call__(self, request):
        if not settings.RATELIMIT_ENABLED:
            return self.get_response(request)
        address = client_address(request)
        if request.path.startswith(settings.RATELIMIT_SEARCH_PATHS):
            limit, window = settings.RATELIMIT_SEARCH
            if self.store.hit(f"search:{address}", window) > limit:
                return self.refuse(request, window, "Too many searches from your address. Please wait a minute.")
        is_login = request.method == "POST" and request.path == settings.RATELIMIT_LOGIN_PATH
        if is_login:
            window = settings.RATELIMIT_LOGIN_WINDOW
            name = login_name(request.POST.get("username", ""))
            # The tight limit is per person and address: failures elsewhere cannot lock an editor
            # out of their own address; the looser ones stop guessing spread over many addresses
            # and one address trying many names.
            limits = {
                f"login:{address}:{name}": settings.RATELIMIT_LOGIN,
                f"login-user:{name}": settings.RATELIMIT_LOGIN_PER_NAME,
                f"login-ip:{address}": settings.RATELIMIT_LOGIN_PER_ADDRESS,
            }
            if any(self.store.count(key, window) >= limit for key, limit in limits.items()):
                return self.refuse(request, window, "Too many failed sign-in attempts. Please try again later.")
        response = self.get_response(request)
        # The admin re-renders its form (200) on a failed login and redirects (302) on success.
        if is_login and response.status_code == 200:
            for key in limits:
                self.store.hit(key, window)
        return response

    def refuse(self, request, window, message):
        response = render(request, "429.html", {"message": message}, status=429)
        response["Retry-After"] = str(window)
        return response


class SearchUnavailableMiddleware:
    """The one place a search engine that cannot answer (a damaged or missing Whoosh index, an
    unreachable Elasticsearch or Solr) becomes a 503, with one log line and no traceback: JSON
    under /api/, the 503 page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SearchUnavailable):
            return None
        logger.error("search unavailable: %s; restore the index with: python manage.py rebuild_search_index", exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"error": "The search index cannot be read just now."}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "120"
        response._has_been_logged = True  # the line above says it; Django's "Service Unavailable" would repeat it
        return response
