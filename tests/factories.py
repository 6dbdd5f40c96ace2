"""Small helpers that make archive rows through the real write path."""

from statements.ingest import ingest_text


def make_statement(source, text, **kwargs):
    """Ingest `text` under `source` and return the Statement."""
    from statements.models import Statement

    outcome = ingest_text(source, text, **kwargs)
    assert outcome.status != "failed", outcome.error
    return Statement.objects.get(pk=outcome.statement_id)
