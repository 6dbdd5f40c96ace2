"""gunicorn's gthread worker, with a connection's closing handshake moved off its event loop.

Since gunicorn 26 (benoitc/gunicorn#3590) the gthread worker closes a connection that is not
kept alive by half-closing it and then waiting, up to 2 s, for the client to close its side
(RFC 9112 section 9.6). It waits in the worker's one event-loop thread, which also accepts new
connections and tells the arbiter the worker is alive. A client still reading the end of a large
export is such a client: each finished slow download froze the whole worker for up to 2 s, and
under a short timeout the arbiter killed it mid-service. Here the wait runs on a thread of its
own.

And a worker due for recycling (`max_requests`) restarts once the files it is sending have been
sent: gunicorn stopped it at once, gave its downloads `graceful_timeout` (20 s), then the arbiter
killed it mid-file, while a busy site reaches `max_requests` every few minutes and a full export
read at 500 KB/s takes minutes. A download older than DOWNLOADS_HOLD_RECYCLING no longer holds
it back (a client that stopped reading). Everything else is gunicorn's.

This reads gunicorn internals (`finish_request`, `TConn.close(graceful=...)`, `max_requests`
read at each request), so it checks the version it was written for, as
`statements/search/whoosh_internals.py` does for Whoosh.
"""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import gunicorn
from gunicorn.workers import gthread

WRITTEN_FOR = (27, 0)

if tuple(gunicorn.version_info[:2]) != WRITTEN_FOR:
    raise ImportError(
        f"archive.workers was written for gunicorn {'.'.join(map(str, WRITTEN_FOR))}, "
        f"this is {gunicorn.__version__}: check gthread.ThreadWorker.finish_request, its use of max_requests and "
        "TConn.close, then update WRITTEN_FOR (or use worker_class = 'gthread')"
    )

DOWNLOADS_HOLD_RECYCLING = 3600  # seconds: 1.8 GB at 500 KB/s


class ThreadWorker(gthread.ThreadWorker):
    """The gthread worker; a connection's lingering close waits on a closing thread, and recycling
    waits for the files being sent."""

    def init_process(self):
        # As many closers as request threads: closes never wait on requests, nor requests on closes.
        self.closers = ThreadPoolExecutor(max_workers=self.cfg.threads, thread_name_prefix="close")
        self.sending = {}  # id of each file response being sent -> when it started
        self.sending_lock = threading.Lock()
        super().init_process()

    @property
    def max_requests(self):
        """The request count that recycles this worker: out of reach while a download is sent."""
        now = time.monotonic()
        with self.sending_lock:
            if any(now - started < DOWNLOADS_HOLD_RECYCLING for started in self.sending.values()):
                return sys.maxsize
        return self._max_requests

    @max_requests.setter
    def max_requests(self, value):
        self._max_requests = value

    def load_wsgi(self):
        super().load_wsgi()
        application = self.wsgi

        def watch_downloads(environ, start_response):
            response = application(environ, start_response)
            if isinstance(response, environ["wsgi.file_wrapper"]):  # a file, sent with sendfile
                self.count_download(response)
            return response

        self.wsgi = watch_downloads

    def count_download(self, response):
        key = id(response)
        with self.sending_lock:
            self.sending[key] = time.monotonic()
        close = getattr(response, "close", None)

        def closed():
            try:
                if close is not None:
                    close()
            finally:
                with self.sending_lock:
                    self.sending.pop(key, None)

        response.close = closed

    def finish_request(self, conn, fs):
        conn.close = partial(self.close_connection, conn)
        super().finish_request(conn, fs)

    def close_connection(self, conn, graceful=False):
        if graceful:
            self.closers.submit(gthread.TConn.close, conn, graceful=True)
        else:
            gthread.TConn.close(conn)
