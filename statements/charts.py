"""Citation analytics: numbers counted in the database, drawn as small SVG charts by the server.

Every count here is one aggregate query (GROUP BY year, COUNT DISTINCT statement); Python only
fills the years nobody spoke in with zeros and works out where the bars go, so a chart reads
the same on SQLite and PostgreSQL and costs one query however large the archive grows.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import Country, Resolution

TOP = 10

# Geometry of the year chart, in SVG user units (pixels at natural size).
PLOT_HEIGHT = 120
TOP_ROOM = 18  # room for the count above the tallest bar
BOTTOM_ROOM = 22  # room for the year under each bar
SIDE_ROOM = 6
SLOT_MIN, SLOT_MAX, PREFERRED_WIDTH = 30, 48, 330  # about 11 years fit a phone unscaled
WIDE_CHART = 420  # wider than this scrolls sideways on a phone instead of shrinking its text


def statements_per_year(statements):
    """[(year, number of statements)] for a queryset of statements, oldest first; those of no known year left out."""
    rows = (
        statements.exclude(year=None)
        .order_by()
        .values("year")
        .annotate(count=Count("pk", distinct=True))
        .order_by("year")
    )
    return [(row["year"], row["count"]) for row in rows]


def citing_delegations(resolution, limit=TOP):
    """The delegations whose speakers cited the resolution in most statements, with that count."""
    return (
        Country.objects.filter(statements__citations__resolution=resolution)
        .annotate(statement_count=Count("statements", distinct=True))
        .order_by("-statement_count", "name")[:limit]
    )


def cited_together(resolution, limit=TOP):
    """Other resolutions cited in the same statements, most often first; `citation_count` is the
    number of statements citing both (the filter restricts the counted citations to those)."""
    return (
        Resolution.objects.filter(citations__statement__citations__resolution=resolution)
        .exclude(pk=resolution.pk)
        .most_cited()[:limit]
    )


def search_url(**params):
    """/search/ narrowed by facet keys, e.g. search_url(speaker=12, year=2017)."""
    return reverse("statements:search") + "?" + urlencode(params)


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    url: str | None
    x: float
    y: float
    width: float
    height: float
    labelled: bool

    @property
    def centre(self):
        return round(self.x + self.width / 2, 1)

    @property
    def count_y(self):
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class YearChart:
    """A bar per year from the first to the last, each bar a link when it has statements."""

    id: str
    title: str
    description: str
    bars: tuple
    width: int
    height: int
    baseline: int
    show_counts: bool
    total: int

    @property
    def year_y(self):
        return self.height - 6

    @property
    def wide(self):
        return self.width > WIDE_CHART

    @property
    def peak(self):
        return max((bar.count for bar in self.bars), default=0)

    # A search over the General Debate years draws 79 bars: written by the template language,
    # their dozen values each were about a third of a search page's time (issue 11, as the
    # trends page's points); built here with format_html, every value escaped, the same markup.
    def bars_html(self):
        """The bars as SVG: a link to its year when it has statements, a count above it when there is room."""
        return format_html_join("\n", "{}", ((self._bar_html(bar),) for bar in self.bars))

    def _bar_html(self, bar):
        count = f"{bar.count:,}"
        inner = format_html(
            '<title>{}: {}</title><rect class="chart__hit" x="{}" y="0" width="{}" height="{}"/>',
            bar.year,
            count,
            bar.x,
            bar.width,
            self.height,
        )
        if bar.count:
            inner += format_html(
                '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}" rx="2"/>',
                bar.x,
                bar.y,
                bar.width,
                bar.height,
            )
        if bar.labelled:
            inner += format_html(
                '<text class="chart__year" x="{}" y="{}" text-anchor="middle">{}</text>',
                bar.centre,
                self.year_y,
                bar.year,
            )
        if bar.url:
            them = "it" if bar.count == 1 else "them"
            html = format_html(
                '<a class="chart__link" href="{}" aria-label="{}: {} — show {}">{}</a>',
                bar.url,
                bar.year,
                count,
                them,
                inner,
            )
        else:
            html = format_html('<g class="chart__empty">{}</g>', inner)
        if self.show_counts and bar.count:
            # The count stands outside the link, hidden from screen readers: the link's label says
            # it, and its visible text (the year) begins that label.
            html += format_html(
                '<text class="chart__count" aria-hidden="true" x="{}" y="{}" text-anchor="middle">{}</text>',
                bar.centre,
                bar.count_y,
                count,
            )
        return html

    def table_rows_html(self):
        """The numbers below the chart: a row per year with statements, the year a link when it narrows."""
        return format_html_join(
            "",
            '<tr><th scope="row">{}</th><td class="num">{}</td></tr>',
            (
                (format_html('<a href="{}">{}</a>', bar.url, bar.year) if bar.url else bar.year, f"{bar.count:,}")
                for bar in self.bars
                if bar.count
            ),
        )


def year_chart(rows, title="Statements per year", chart_id="years", noun="statement", undated=0):
    """Lay out [(year, count, url)] as a YearChart; missing years between get empty bars.

    `undated` counts what the chart cannot place: its summary says so, so that two statements,
    one undated, never read as "1 statement, all in 2017"."""
    counts = {int(year): (int(count), url) for year, count, url in rows}
    if not counts:
        return None
    first, last = min(counts), max(counts)
    years = range(first, last + 1)
    slot = max(SLOT_MIN, min(SLOT_MAX, PREFERRED_WIDTH / len(years)))
    peak = max(count for count, _url in counts.values()) or 1
    every = 1 if slot >= 40 else 2 if slot >= 30 and len(years) <= 24 else 5
    bars = []
    for index, year in enumerate(years):
        count, url = counts.get(year, (0, None))
        height = round(PLOT_HEIGHT * count / peak, 1)
        if count and height < 2:
            height = 2.0  # a bar for one statement among thousands is still visible
        bars.append(
            Bar(
                year=year,
                count=count,
                url=url if count else None,
                x=round(SIDE_ROOM + index * slot + slot * 0.15, 1),
                y=round(TOP_ROOM + PLOT_HEIGHT - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                labelled=len(years) <= 12 or year % every == 0 or year in (first, last),
            )
        )
    total = sum(count for count, _url in counts.values())
    plural = noun if total == 1 else f"{noun}s"
    busiest = max(bars, key=lambda bar: bar.count)
    description = (
        f"{total:,} {plural} from {first} to {last}; the most, {busiest.count:,}, in {busiest.year}."
        if first != last
        else f"{total:,} {plural}, all in {first}."
    )
    if undated:
        span = (
            f"from {first} to {last}, the most, {busiest.count:,}, in {busiest.year}"
            if first != last
            else f"in {first}"
        )
        dated = "The dated one is" if total == 1 else "The dated ones are"
        description = f"{total:,} dated {plural}; {undated:,} undated. {dated} {span}."
    return YearChart(
        id=chart_id,
        title=title,
        description=description,
        bars=tuple(bars),
        width=round(SIDE_ROOM * 2 + slot * len(years)),
        height=TOP_ROOM + PLOT_HEIGHT + BOTTOM_ROOM,
        baseline=TOP_ROOM + PLOT_HEIGHT,
        show_counts=slot >= 34,
        total=total,
    )


# Geometry of the trend chart (lines of shares per year), in SVG user units.
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 46, 14, 14, 28
TREND_PLOT_WIDTH, TREND_PLOT_HEIGHT = 700, 220
NICE_STEPS = (1, 2, 2.5, 5)


@dataclass(frozen=True)
class TrendMark:
    year: int
    count: int
    total: int
    percent: float
    url: str
    x: float
    y: float


@dataclass(frozen=True)
class TrendLine:
    number: int  # 1..5: the series' colour and dash in the style sheet
    label: str
    url: str
    segments: tuple  # "x,y x,y ..." for each run of consecutive years
    marks: tuple


@dataclass(frozen=True)
class TrendChart:
    lines: tuple
    width: int
    height: int
    baseline: int
    left: int
    right_edge: int
    y_ticks: tuple  # (y, label)
    x_ticks: tuple  # (x, year)
    first: int
    last: int


def nice_ceiling(value):
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above value."""
    scale = 0.01
    while True:
        for step in NICE_STEPS:
            if step * scale >= value:
                return step * scale
        scale *= 10


def trend_chart(trends):
    """Lay out trends (statements/trends.py) as lines of percentages over the years."""
    years = sorted({point.year for trend in trends for point in trend.points})
    if not years:
        return None
    first, last = years[0], years[-1]
    peak = max((point.percent or 0 for trend in trends for point in trend.points), default=0)
    step = nice_ceiling(max(peak, 0.05) / 5)
    ticks = max(1, math.ceil(peak / step - 1e-9))
    top = step * ticks

    def x_of(year):
        if first == last:
            return TREND_LEFT + TREND_PLOT_WIDTH / 2
        return round(TREND_LEFT + (year - first) * TREND_PLOT_WIDTH / (last - first), 1)

    def y_of(percent):
        return round(TREND_TOP + TREND_PLOT_HEIGHT * (1 - percent / top), 1)

    lines = []
    for number, trend in enumerate(trends, start=1):
        marks = tuple(
            TrendMark(p.year, p.count, p.total, p.percent, p.url, x_of(p.year), y_of(p.percent))
            for p in trend.points
            if p.total
        )
        segments, run, previous = [], [], None
        for mark in marks:
            if previous is not None and mark.year != previous + 1:
                segments.append(run)
                run = []
            run.append(f"{mark.x},{mark.y}")
            previous = mark.year
        if run:
            segments.append(run)
        lines.append(TrendLine(number, trend.query.text, trend.url, tuple(" ".join(s) for s in segments), marks))
    span = last - first
    every = 1 if span <= 12 else 2 if span <= 24 else 5 if span <= 60 else 10
    x_ticks = tuple((x_of(year), year) for year in range(first, last + 1) if year % every == 0 or year in (first, last))
    if len(x_ticks) > 2 and x_ticks[-1][1] - x_ticks[-2][1] < every / 2:
        x_ticks = x_ticks[:-2] + x_ticks[-1:]  # the last year's label would overlap the tick before
    y_ticks = tuple((y_of(step * i), f"{round(step * i, 6):g} %") for i in range(ticks + 1))
    return TrendChart(
        lines=tuple(lines),
        width=TREND_LEFT + TREND_PLOT_WIDTH + TREND_RIGHT,
        height=TREND_TOP + TREND_PLOT_HEIGHT + TREND_BOTTOM,
        baseline=TREND_TOP + TREND_PLOT_HEIGHT,
        left=TREND_LEFT,
        right_edge=TREND_LEFT + TREND_PLOT_WIDTH,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        first=first,
        last=last,
    )
