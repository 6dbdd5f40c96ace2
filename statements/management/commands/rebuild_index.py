"""python manage.py rebuild_index: refused here, with the command to use instead.

haystack's rebuild_index clears the index and then refills it: readers see half the archive meanwhile, and a killed run leaves it half-built.
"""

from statements.management.refused import RefusedHaystackCommand


class Command(RefusedHaystackCommand):
    name = "rebuild_index"
    why = "haystack's rebuild_index clears the index and then refills it: readers see half the archive meanwhile, and a killed run leaves it half-built."
    instead = "python manage.py rebuild_search_index"
