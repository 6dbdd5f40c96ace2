"""haystack's index commands, refused in this archive with the command to use instead."""

from django.core.management.base import BaseCommand, CommandError


class RefusedHaystackCommand(BaseCommand):
    """A haystack command this archive refuses: `name`, why it is unsafe, and what to run instead."""

    help = "Refused in this archive (not safe here); says which command to use instead."
    name = ""
    why = ""
    instead = ""

    def add_arguments(self, parser):
        # Accept haystack's options, so a script written for it gets this message, not a usage error.
        parser.add_argument("args", nargs="*")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--remove", "-r", action="store_true")
        parser.add_argument("--using", "-u", action="append")
        parser.add_argument("--age", "-a", "--start", "-s", "--end", "-e", "--batch-size", "-b", "--workers", "-k")
        parser.add_argument("--commit", "--nocommit", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(f"{self.name} is not safe in this archive: {self.why} Use instead: {self.instead}")
