"""{{ statement|when }} and {{ statement|who }}: a statement's date and attribution in lists.

Every list of statements (search results, passages, directories, citing statements) shows
these, twenty to a hundred times a page: written here with format_html they cost less than
the two template includes they replace, and every list shows them one way (issue 11).
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def when(statement):
    """When it was delivered: its date, else the year its source gives (a General Debate
    session), else "Undated"."""
    if statement.date:
        return format_html(
            '<time datetime="{}">{}</time>', date_filter(statement.date, "Y-m-d"), date_filter(statement.date, "j M Y")
        )
    if statement.year:
        return statement.year
    return mark_safe('<span class="muted">Undated</span>')


@register.filter
def who(statement):
    """The speaker (or the source's words when they name no single person) and the delegation
    under the name of the statement's year, each in its own span."""
    parts = []
    if statement.speaker:
        parts.append(format_html("<span>{}</span>", statement.speaker.name))
    elif statement.speaker_as_written:
        parts.append(
            format_html(
                '<span>{} <span class="tag" title="The source names two people; the text does not say which spoke">'
                "unresolved</span></span>",
                statement.speaker_as_written,
            )
        )
    if statement.delegation:
        parts.append(format_html("<span>{}</span>", statement.delegation_name))
    return mark_safe("".join(parts))
