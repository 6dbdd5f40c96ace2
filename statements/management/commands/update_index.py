"""python manage.py update_index: refused here, with the command to use instead.

haystack's update_index writes the index without the archive's lock handling and leaves entries of deleted statements behind.
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refused in this archive (not safe here); says which command to use instead."

    def add_arguments(self, parser):
        # Accept haystack's options, so a script written for it gets this message, not a usage error.
        parser.add_argument("args", nargs="*")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--remove", "-r", action="store_true")
        parser.add_argument("--using", "-u", action="append")
        parser.add_argument("--age", "-a", "--start", "-s", "--end", "-e", "--batch-size", "-b", "--workers", "-k")
        parser.add_argument("--commit", "--nocommit", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(
            "update_index is not safe in this archive: haystack's update_index writes the index without the archive's lock handling and leaves entries of deleted statements behind. Use instead: python manage.py sync_index"
        )
