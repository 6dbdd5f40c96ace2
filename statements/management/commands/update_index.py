"""python manage.py update_index: refused here, with the command to use instead.

haystack's update_index writes the index without the archive's lock handling and leaves entries of deleted statements behind.
"""

from statements.management.refused import RefusedHaystackCommand


class Command(RefusedHaystackCommand):
    name = "update_index"
    why = "haystack's update_index writes the index without the archive's lock handling and leaves entries of deleted statements behind."
    instead = "python manage.py sync_index"
