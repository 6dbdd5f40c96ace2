"""How long a reader's browser, a proxy or a notebook may keep a page, and conditional GET.

ConditionalGetMiddleware gives every successful GET an ETag computed from the bytes sent, so
an unchanged page answers If-None-Match with 304 and no body; these decorators add how long it
may be reused without asking. Lists and searches change with every import: a minute. A
statement changes only when an editor corrects it: an hour.
"""

from functools import wraps

from django.utils.cache import patch_cache_control

LIST_SECONDS = 60
DETAIL_SECONDS = 10 * 60
STATEMENT_SECONDS = 60 * 60


def cacheable(seconds):
    """Successful answers may be kept `seconds`; errors are not marked cacheable."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=seconds)
            return response

        return wrapped

    return decorator
