"""gunicorn settings for the archive; every value can be overridden from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Searches are CPU-bound in Python (Whoosh): one worker per core, plus one to cover I/O waits.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
# Threads, so that a slow client downloading an export (sent from a file) holds a thread, not a
# process; with sync workers it held the worker and was cut off at the timeout. Searches in one
# process still take turns on its searcher, so throughput comes from the processes. It is gthread
# with a connection's lingering close kept off the event loop (see archive/workers.py).
worker_class = "archive.workers.ThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so memory held by large result sets cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def post_worker_init(worker):
    """Open the search index and render the search page once before taking traffic, so the first
    search a new (or recycled) worker serves costs what later ones do."""
    import logging

    from statements.search.page import warm_up

    try:
        warm_up()
    except Exception:  # a worker that could not warm up still serves, and answers 503 if search is down
        logging.getLogger("statements.site").warning("search warm-up failed", exc_info=True)
