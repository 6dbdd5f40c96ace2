"""gunicorn's gthread worker, with a connection's closing handshake moved off its event loop.

Since gunicorn 26 (benoitc/gunicorn#3590) the gthread worker closes a connection that is not
kept alive by half-closing it and then waiting, up to 2 s, for the client to close its side
(RFC 9112 section 9.6). It waits in the worker's one event-loop thread, which also accepts new
connections and tells the arbiter the worker is alive. A client still reading the end of a large
export is such a client: each finished slow download froze the whole worker for up to 2 s, and
under a short timeout the arbiter killed it mid-service. Here the wait runs on a thread of its
own; everything else is gunicorn's.

This reads gunicorn internals (`finish_request`, `TConn.close(graceful=...)`), so it checks the
version it was written for, as `statements/search/whoosh_internals.py` does for Whoosh.
"""

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import gunicorn
from gunicorn.workers import gthread

WRITTEN_FOR = (27, 0)

if tuple(gunicorn.version_info[:2]) != WRITTEN_FOR:
    raise ImportError(
        f"archive.workers was written for gunicorn {'.'.join(map(str, WRITTEN_FOR))}, "
        f"this is {gunicorn.__version__}: check gthread.ThreadWorker.finish_request and "
        "TConn.close, then update WRITTEN_FOR (or use worker_class = 'gthread')"
    )


class ThreadWorker(gthread.ThreadWorker):
    """The gthread worker; a connection's lingering close waits on a closing thread."""

    def init_process(self):
        # As many closers as request threads: closes never wait on requests, nor requests on closes.
        self.closers = ThreadPoolExecutor(max_workers=self.cfg.threads, thread_name_prefix="close")
        super().init_process()

    def finish_request(self, conn, fs):
        conn.close = partial(self.close_connection, conn)
        super().finish_request(conn, fs)

    def close_connection(self, conn, graceful=False):
        if graceful:
            self.closers.submit(gthread.TConn.close, conn, graceful=True)
        else:
            gthread.TConn.close(conn)
