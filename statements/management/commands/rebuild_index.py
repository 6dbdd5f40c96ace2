"""python manage.py rebuild_index: refused here, with the command to use instead.

haystack's rebuild_index clears the index and then refills it: readers see half the archive meanwhile, and a killed run leaves it half-built.
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
            "rebuild_index is not safe in this archive: haystack's rebuild_index clears the index and then refills it: readers see half the archive meanwhile, and a killed run leaves it half-built. Use instead: python manage.py rebuild_search_index"
        )
