"""{{ rows|year_chart }}: lay out [(year, count, url)] as a bar chart for includes/_chart_bars.html."""

from django import template

from .. import charts

register = template.Library()


@register.filter
def year_chart(rows, title=""):
    return charts.year_chart(rows or [], title=title or "Statements per year", chart_id="years")
