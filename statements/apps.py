from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Statements archive"

    def ready(self):
        from .search.whoosh_internals import check_version

        # Refuse to start with a Whoosh the direct search's use of its internals was not written for.
        check_version()
