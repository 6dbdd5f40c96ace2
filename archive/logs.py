"""Logging filters named in settings.LOGGING."""

import logging


class WithoutTraceback(logging.Filter):
    """Keeps a record's message and drops its traceback: for errors that are the client's, not ours."""

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
