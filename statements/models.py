"""The archive's data: who spoke, what they said, where, and which resolutions they cited."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import slugify

from .keys import parse_resolution_key, resolution_key
from .parsing.countries import former_names, name_in_year
from .parsing.header import REGNAL_NUMBER


class CountryQuerySet(models.QuerySet):
    def with_counts(self):
        """Each delegation with how many speakers and statements it has."""
        return self.annotate(
            speaker_count=Count("statements__speaker", distinct=True),
            statement_count=Count("statements", distinct=True),
        )

    def spoken_for_by_each(self, speakers):
        """{speaker pk: [delegations]}: for each of these speakers, the delegations their statements
        were delivered for, most statements first (one person may speak for several)."""
        rows = (
            Statement.objects.filter(speaker__in=speakers, delegation__isnull=False)
            .values("speaker_id", "delegation_id")
            .annotate(statement_count=Count("pk"))
            .order_by("speaker_id", "-statement_count", "delegation__name")
        )
        delegations = self.in_bulk({row["delegation_id"] for row in rows})
        spoken_for = {}
        for row in rows:
            spoken_for.setdefault(row["speaker_id"], []).append(delegations[row["delegation_id"]])
        return spoken_for

    def spoken_for_by(self, speaker):
        """The delegations a person spoke for, with how many statements each, most first."""
        return (
            self.filter(statements__speaker=speaker)
            .annotate(statement_count=Count("statements"))
            .order_by("-statement_count", "name")
        )


COUNTRY_KINDS = ["member_state", "observer", "un_body", "regional", "civil_society", "group", "other"]


class Country(models.Model):
    """A delegation: a UN member state, an observer, a UN body, an organisation, a civil-society group.

    Named by its present UN short form; the names it bore before (Siam, Ceylon) come from the
    table of renamings in parsing.countries, and a statement shows the name of its year.
    """

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", "Member state"
        OBSERVER = "observer", "Observer"
        UN_BODY = "un_body", "UN body"
        REGIONAL = "regional", "Regional organisation"
        CIVIL_SOCIETY = "civil_society", "Civil society"
        GROUP = "group", "Group of states"
        OTHER = "other", "Other participant"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMBER_STATE)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=COUNTRY_KINDS), name="country_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="country_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unused_slug()
        super().save(*args, **kwargs)

    def unused_slug(self):
        """The name as a slug; names that slug alike ("Guinea Bissau", "Guinea-Bissau") get -2, -3."""
        base = slugify(self.name)[:190] or "country"
        slug, number = base, 1
        while Country.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def get_absolute_url(self):
        return reverse("statements:country-detail", args=[self.slug])

    def name_in(self, year):
        """The name it bore in that year (Siam in 1947); its present name when the year is unknown."""
        return name_in_year(self.name, year)

    @property
    def former_names(self):
        """[(name, first year or None, last year)], oldest first."""
        return former_names(self.name)

    @property
    def name_and_former_names(self):
        """ "Thailand (formerly Siam)": how a facet names a state whose statements bear several names."""
        former = ", ".join(name for name, _first, _last in self.former_names)
        return f"{self.name} (formerly {former})" if former else self.name


class SpeakerQuerySet(models.QuerySet):
    def speaking_for(self, country):
        """The people who spoke for a delegation, with how many statements they made for it."""
        return self.filter(statements__delegation=country).annotate(
            statement_count=Count("statements", filter=Q(statements__delegation=country))
        )

    def with_statement_counts(self):
        return self.annotate(statement_count=Count("statements"))

    def by_surname(self):
        return self.order_by("sort_name", "pk")

    def matching(self, text):
        """Speakers whose name or delegation contains every word of `text` ("bessho japan")."""
        speakers = self
        for word in text.split():
            spoke_for = Statement.objects.filter(speaker=OuterRef("pk"), delegation__name__icontains=word)
            speakers = speakers.filter(Q(name__icontains=word) | Q(country__name__icontains=word) | Exists(spoke_for))
        return speakers


# Words that belong to the surname after them (Herman Van Rompuy, Hamad bin Jassim).
NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "dos", "das", "du", "la", "le"}
NAME_PARTICLES |= {"bin", "ibn", "ben", "al", "el", "abu", "ter", "ten", "zu"}


def split_surname(name):
    """(surname, the rest) as a directory reads a name: the last word, with the particles before
    it (Van Rompuy) and any regnal number after it (Mswati III). A guess for sorting and for
    warnings: family-name-first names (Xi Jinping) sort under their given name."""
    words = name.split()
    ordinal = []
    while len(words) > 1 and REGNAL_NUMBER.fullmatch(words[-1]):
        ordinal.insert(0, words.pop())
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:] + ordinal), " ".join(words[:start])


def surname_first(name):
    """The key a directory sorts people by: surname, then the rest ("bessho koro")."""
    surname, rest = split_surname(name)
    return f"{surname} {rest}".strip().casefold()


class Speaker(models.Model):
    """A person who spoke for a delegation. One record per person; editors merge duplicates."""

    name = models.CharField(max_length=200)
    honorific = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=300, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="speakers",
        null=True,
        blank=True,
        help_text="The delegation the person was first recorded with; each statement carries its own.",
    )
    sort_name = models.CharField(max_length=200, editable=False, default="", help_text="Surname first, from name.")

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["sort_name"], name="speaker_sort_name_idx")]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="speaker_unique_name_per_country"),
            models.CheckConstraint(condition=~Q(name=""), name="speaker_name_not_empty"),
            # "Mr. Pham Binh Minh/Mr. Dang" is a source's uncertainty, not a person: such a value
            # stays on the statement (Statement.speaker_as_written), never a speaker record.
            models.CheckConstraint(condition=~Q(name__contains="/"), name="speaker_name_one_person"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})" if self.country_id else self.name

    def save(self, *args, **kwargs):
        self.sort_name = surname_first(self.name)
        if kwargs.get("update_fields") and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("statements:speaker-detail", args=[self.pk, slugify(self.name) or "speaker"])


class MeetingQuerySet(models.QuerySet):
    def with_statement_counts(self):
        return self.annotate(statement_count=Count("statements"))


class Meeting(models.Model):
    """A meeting record (S/PV.8699) or the letter that published a videoconference's statements."""

    symbol = models.CharField(max_length=100, unique=True)
    date = models.DateField(null=True, blank=True)
    topic = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=100, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "symbol"]

    def __str__(self):
        return self.symbol

    def get_absolute_url(self):
        return reverse("statements:meeting-detail", args=[self.symbol])


class StatementQuerySet(models.QuerySet):
    def newest_first(self):
        """By year, then date: a General Debate speech known only by its year sorts within its year."""
        return self.order_by(models.F("year").desc(nulls_last=True), models.F("date").desc(nulls_last=True), "-pk")

    def with_people(self):
        return self.select_related("speaker", "speaker__country", "delegation", "meeting")

    def of_delegation(self, country):
        """Delivered on behalf of this delegation, under any of its names."""
        return self.filter(delegation=country)

    def citing(self, resolution):
        return self.filter(citations__resolution=resolution)

    def undated(self):
        """Statements of no known year: what a chart by year leaves out."""
        return self.filter(year=None)

    def in_meeting_order(self):
        """In the order they were made at their meeting (the list of speakers)."""
        return self.order_by(models.F("position").asc(nulls_last=True), "pk")

    def with_citations(self, *ordering):
        """With their people and their citations' resolutions, fetched in a fixed number of queries;
        each statement's citations in `ordering` (by resolution unless given)."""
        citations = Citation.objects.select_related("resolution").order_by(*(ordering or ["resolution"]))
        return self.with_people().prefetch_related(models.Prefetch("citations", queryset=citations))


class Statement(models.Model):
    """What one speaker said on one occasion, as cleaned paragraphs of text."""

    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="statements", null=True, blank=True)
    speaker_as_written = models.CharField(
        max_length=300,
        blank=True,
        help_text="The speaker as the source writes it when it names no single known person "
        "(Mr. Pham Binh Minh/Mr. Dang); shown as written.",
    )
    delegation = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="statements",
        null=True,
        blank=True,
        help_text="On whose behalf it was delivered; shown under the name of its year.",
    )
    role = models.CharField(
        max_length=300,
        blank=True,
        help_text="The speaker's role when delivering it (Minister for Foreign Affairs); a person's role changes.",
    )
    date = models.DateField(null=True, blank=True, help_text="Empty when the text does not say.")
    year = models.PositiveIntegerField(
        null=True, blank=True, help_text="The date's year; set alone when only the year is known (General Debates)."
    )
    place = models.CharField(max_length=200, blank=True)
    forum = models.CharField(max_length=300, blank=True, help_text="The body or conference.")
    occasion = models.CharField(max_length=500, blank=True, help_text="The debate or meeting.")
    title = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=50, blank=True, help_text="The language spoken, when not English.")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="statements", null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True, help_text="Order of the speech in its meeting.")
    body = models.TextField(help_text="The cleaned text; paragraphs are separated by a blank line.")
    source = models.CharField(max_length=300, unique=True, help_text="The file or record it was imported from.")
    content_hash = models.CharField(max_length=64)
    editor_fields = models.JSONField(
        default=list, blank=True, help_text="Fields an editor set in the admin; a re-import keeps them."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["date"], name="statement_date_idx"),
            models.Index(fields=["year", "date"], name="statement_year_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1945, year__lte=2100), name="statement_year_plausible"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="statement_body_not_empty"),
            models.CheckConstraint(condition=~Q(source=""), name="statement_source_not_empty"),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        if self.date:  # an editor who corrects the date corrects the year with it
            self.year = self.date.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("statements:statement-detail", args=[self.pk, slugify(self.display_title)[:60] or "statement"])

    @property
    def paragraphs(self):
        return self.body.split("\n\n")

    @property
    def who(self):
        """The speaker's name, or the source's words when they name no single person; None if neither."""
        if self.speaker_id:
            return self.speaker.name
        return self.speaker_as_written or None

    @property
    def delegation_name(self):
        """The delegation under the name of the statement's year (Siam in 1947), or ''."""
        return self.delegation.name_in(self.year) if self.delegation_id else ""

    @property
    def subject(self):
        """What it was about: the meeting's agenda item or the occasion; '' when unknown."""
        where = self.meeting.topic if self.meeting_id and self.meeting.topic else self.occasion
        return "" if where.strip().casefold() in UNKNOWN else where

    @property
    def display_title(self):
        """The title, or what a reader would call it: speaker and occasion."""
        if self.title:
            return self.title
        who, where = self.who, self.subject
        if who and where:
            return f"{who}: {where}"
        if where:
            return where
        if who:
            return f"Statement by {who}"
        return f"Statement by {self.delegation_name}" if self.delegation_id else f"Statement {self.source}"

    @property
    def work_title(self):
        """The title a citation gives after naming the author: never the author's name again."""
        return self.title or self.subject or "Statement"

    @property
    def provenance(self):
        """Where the text comes from, in words a reader understands, with the source's identifier."""
        meeting = self.meeting
        if meeting and meeting.symbol.startswith("S/"):
            if meeting.symbol.startswith("S/PV."):
                what = f"Security Council verbatim record {meeting.symbol}"
            else:
                what = f"Security Council document {meeting.symbol} (statements of a videoconference meeting)"
        elif meeting:
            what = f"Record {meeting.symbol}"
        elif "general debate" in self.occasion.casefold():
            what = f"General Assembly {self.occasion}"
        else:
            what = ""
        if what and self.position:
            what += f", speech {self.position}"
        return f"{what} (source: {self.source})" if what else f"Imported from {self.source}"


UNKNOWN = {"unknown", "n/a", "na", "none", "null"}


class ResolutionQuerySet(models.QuerySet):
    def with_citation_counts(self):
        return self.annotate(citation_count=Count("citations", distinct=True))

    def cited(self):
        return self.filter(models.Exists(Citation.objects.filter(resolution=models.OuterRef("pk"))))

    def for_keys(self, keys):
        """The resolutions with these keys (sc-2341, ga-46-182); malformed keys match nothing."""
        condition = Q(pk__in=[])
        for body, session, number in filter(None, map(parse_resolution_key, keys)):
            condition |= Q(body=body, session=session, number=number)
        return self.filter(condition)

    def most_cited(self):
        """Cited resolutions, most cited first. Filter on citations before it to count only those."""
        return (
            self.with_citation_counts()
            .filter(citation_count__gt=0)
            .order_by("-citation_count", "body", "session", "number")
        )


class Resolution(models.Model):
    """A Security Council or General Assembly resolution. Its symbol is derived from body and number."""

    class Body(models.TextChoices):
        SECURITY_COUNCIL = "SC", "Security Council"
        GENERAL_ASSEMBLY = "GA", "General Assembly"

    body = models.CharField(max_length=2, choices=Body.choices)
    session = models.PositiveIntegerField(null=True, blank=True, help_text="General Assembly session (46 in 46/182).")
    number = models.PositiveIntegerField()
    year = models.PositiveIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["body", "session", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(body__in=["SC", "GA"]), name="resolution_body_valid"),
            models.CheckConstraint(
                condition=(Q(body="SC", session__isnull=True) | Q(body="GA", session__isnull=False)),
                name="resolution_session_only_for_ga",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="resolution_number_positive"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1945, year__lte=2100), name="resolution_year_plausible"
            ),
            models.UniqueConstraint(fields=["number"], condition=Q(body="SC"), name="resolution_unique_sc_number"),
            models.UniqueConstraint(
                fields=["session", "number"], condition=Q(body="GA"), name="resolution_unique_ga_number"
            ),
        ]

    def __str__(self):
        return self.symbol

    def get_absolute_url(self):
        if self.body == self.Body.SECURITY_COUNCIL:
            return reverse("statements:resolution-detail", args=[self.number])
        return reverse("statements:ga-resolution-detail", args=[self.session, self.number])

    @property
    def key(self):
        """Its key in the index, facets and URLs of the API: sc-2341, ga-46-182."""
        return resolution_key(self.body, self.session, self.number)

    @property
    def symbol(self):
        if self.body == self.Body.GENERAL_ASSEMBLY:
            return f"A/RES/{self.session}/{self.number}"
        return f"S/RES/{self.number} ({self.year})" if self.year else f"S/RES/{self.number}"

    @property
    def short_label(self):
        """How people write it in prose: 2341 (2017), or 46/182."""
        if self.body == self.Body.GENERAL_ASSEMBLY:
            return f"{self.session}/{self.number}"
        return f"{self.number} ({self.year})" if self.year else str(self.number)


class CitationQuerySet(models.QuerySet):
    def by_statement_year(self):
        """Oldest first by the citing statement's year, then date; undated statements last."""
        return self.order_by(
            models.F("statement__year").asc(nulls_last=True),
            models.F("statement__date").asc(nulls_last=True),
            "statement_id",
        )

    def per_statement_year(self):
        """[(year or None, citations)] in by_statement_year's order, in one query."""
        rows = (
            self.order_by()
            .values("statement__year")
            .annotate(count=Count("pk"))
            .order_by(models.F("statement__year").asc(nulls_last=True))
        )
        return [(row["statement__year"], row["count"]) for row in rows]

    def in_text_order(self):
        return self.select_related("resolution").order_by("paragraph", "resolution")

    def year_conflicts(self):
        """Citations whose written year contradicts the resolution's recorded year: for an editor."""
        return self.filter(cited_year__isnull=False, resolution__year__isnull=False).exclude(
            cited_year=models.F("resolution__year")
        )


class Citation(models.Model):
    """A statement citing a resolution, with the sentence that cites it."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="citations")
    sentence = models.TextField(blank=True)
    paragraph = models.PositiveIntegerField(default=0, help_text="Index of the paragraph, from 0.")
    cited_year = models.PositiveIntegerField(
        null=True, blank=True, help_text="The year written beside the number in the text, if any."
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["statement", "paragraph"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "resolution"], name="citation_unique_per_statement"),
        ]

    def __str__(self):
        return f"{self.statement_id} cites {self.resolution}"

    @property
    def year_conflicts(self):
        """True when the year in the text contradicts the registry: an editor should look."""
        return bool(self.cited_year and self.resolution.year and self.cited_year != self.resolution.year)


class DocumentReferenceQuerySet(models.QuerySet):
    def in_text_order(self):
        return self.order_by("paragraph", "symbol")


class DocumentReference(models.Model):
    """Another UN document a statement cites (S/2015/446, S/PV.7750), by its normalised symbol."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="document_references")
    symbol = models.CharField(max_length=100)
    sentence = models.TextField(blank=True)
    paragraph = models.PositiveIntegerField(default=0)

    objects = DocumentReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "symbol"], name="document_reference_unique_per_statement"),
            models.CheckConstraint(condition=~Q(symbol=""), name="document_reference_symbol_not_empty"),
        ]

    def __str__(self):
        return self.symbol


class IndexTask(models.Model):
    """A statement whose search index entry must be brought up to date: written in the same
    transaction as the change, deleted once the index has committed it.

    Not a foreign key: a deletion's task outlives its statement. Several tasks for one
    statement coalesce into one index write.
    """

    class Action(models.TextChoices):
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"

    statement_id = models.PositiveIntegerField(db_index=True)
    action = models.CharField(max_length=6, choices=Action.choices, default=Action.UPDATE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=["update", "delete"]), name="index_task_action_valid"),
        ]

    def __str__(self):
        return f"{self.action} statement {self.statement_id}"
