"""Keeping the search index in step with the database.

Changes reach the index after the database transaction commits, never for a rolled-back save
(haystack's RealtimeSignalProcessor updates inside the transaction: haystack #1033, #1883).
A speaker, country or resolution edit reindexes every statement that shows it. Bulk imports
defer all of it to one batched update at the end.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from haystack import connections
from haystack.signals import BaseSignalProcessor

from .models import Citation, Country, DocumentReference, Meeting, Resolution, Speaker, Statement

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
_state = threading.local()


def affected_statement_ids(instance) -> set[int]:
    if isinstance(instance, Statement):
        return {instance.pk}
    if isinstance(instance, (Citation, DocumentReference)):
        return {instance.statement_id}
    if isinstance(instance, Speaker):
        return set(instance.statements.values_list("pk", flat=True))
    if isinstance(instance, Country):
        return set(Statement.objects.filter(speaker__country=instance).values_list("pk", flat=True))
    if isinstance(instance, Resolution):
        return set(Statement.objects.filter(citations__resolution=instance).values_list("pk", flat=True))
    if isinstance(instance, Meeting):
        return set(instance.statements.values_list("pk", flat=True))
    return set()


def update_statements(ids, using="default"):
    """Bring these statements' index entries up to date: reindex those that exist, drop the rest."""
    ids = set(ids)
    if not ids:
        return
    index = connections[using].get_unified_index().get_index(Statement)
    backend = connections[using].get_backend()
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH_SIZE):
        batch = ordered[start : start + BATCH_SIZE]
        queryset = index.index_queryset(using=using).filter(pk__in=batch)
        found = {statement.pk for statement in queryset}
        if found:
            backend.update(index, queryset)
        for missing in set(batch) - found:
            backend.remove(f"statements.statement.{missing}")


@contextmanager
def deferred_index_updates():
    """Collect index changes made inside and apply them in batches on the way out."""
    outer = getattr(_state, "deferred", None)
    if outer is not None:
        yield outer
        return
    _state.deferred = set()
    try:
        yield _state.deferred
    finally:
        ids, _state.deferred = _state.deferred, None
        update_statements(ids)


def _update_after_commit(ids):
    def update():
        try:
            update_statements(ids)
        except Exception:
            logger.exception("search index update failed for statements %s", sorted(ids))

    transaction.on_commit(update)


class StatementSignalProcessor(BaseSignalProcessor):
    """Queue index updates for statements touched by a save or delete, run them on commit."""

    models = (Statement, Citation, DocumentReference, Speaker, Country, Resolution, Meeting)

    def setup(self):
        for model in self.models:
            post_save.connect(self.handle_change, sender=model)
            post_delete.connect(self.handle_change, sender=model)

    def teardown(self):
        for model in self.models:
            post_save.disconnect(self.handle_change, sender=model)
            post_delete.disconnect(self.handle_change, sender=model)

    def handle_change(self, sender, instance, **kwargs):
        ids = affected_statement_ids(instance)
        if not ids:
            return
        deferred = getattr(_state, "deferred", None)
        if deferred is not None:
            deferred.update(ids)
        else:
            _update_after_commit(ids)
