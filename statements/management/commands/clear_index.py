"""python manage.py clear_index: refused here, with the command to use instead.

haystack's clear_index empties the index: every search then answers 'nothing matches' until it is rebuilt.
"""

from statements.management.refused import RefusedHaystackCommand


class Command(RefusedHaystackCommand):
    name = "clear_index"
    why = "haystack's clear_index empties the index: every search then answers 'nothing matches' until it is rebuilt."
    instead = "python manage.py rebuild_search_index  (it replaces the index in one atomic step)"
