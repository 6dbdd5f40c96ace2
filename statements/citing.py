"""Citing a statement: plain text, BibTeX and CSL-JSON, all pointing to its stable address.

The stable address is /statements/<id>/ (without the title slug), which keeps working when an
editor corrects a title; the page redirects it to the current slugged address.
"""

import re

from django.urls import reverse
from django.utils.dateformat import format as format_date

ARCHIVE_NAME = "Statements Archive"
BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def stable_url(request, statement):
    """The statement's permanent absolute address."""
    return request.build_absolute_uri(reverse("statements:statement-detail-short", args=[statement.pk]))


def _author(statement):
    """The speaker (as the source writes it when it names no single person); None when unnamed."""
    return statement.who


def _delegation(statement):
    """The delegation under the name of the statement's year (Ceylon in 1960)."""
    return statement.delegation_name


def _venue(statement):
    """Where it was said, as a reader would name it: the meeting or forum and occasion."""
    occasion = statement.occasion if statement.occasion != statement.display_title else ""
    # Occasions often repeat the forum ("Plenary Meeting of the Global Initiative ..."): say it once.
    parts = [statement.forum] if statement.forum and statement.forum not in occasion else []
    if statement.meeting_id:
        parts.append(statement.meeting.symbol)
    elif occasion:
        parts.append(occasion)
    return ", ".join(parts)


def plain_citation(statement, url):
    """Author (Delegation), “Title,” statement at Venue, Date. Statements Archive, URL."""
    author = _author(statement)
    delegation = _delegation(statement)
    who = f"{author} ({delegation})" if author and delegation else author or delegation
    title = statement.work_title if who else statement.display_title  # never the speaker's name twice
    parts = [f"{who}, “{title},”" if who else f"“{title},”"]
    venue = _venue(statement)
    said = f"statement at {venue}" if venue else "statement"
    if statement.date:
        said += f", {format_date(statement.date, 'j F Y')}"
    parts.append(said + ".")
    parts.append(f"{ARCHIVE_NAME}, {url}.")
    return " ".join(parts)


def _bibtex_escape(text):
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_REPLACEMENTS.get(m[1], "\\" + m[1]), text)


def bibtex_key(statement):
    author = _author(statement) or _delegation(statement) or "statement"
    surname = re.sub(r"[^a-z]", "", author.split()[-1].casefold()) or "statement"
    year = statement.date.year if statement.date else "nd"
    return f"{surname}{year}-{statement.pk}"


def bibtex(statement, url):
    """A @misc entry; the author's name is braced whole, since names are not always given-family."""
    author = _author(statement)
    title = statement.work_title if author or _delegation(statement) else statement.display_title
    fields = [("title", "{" + _bibtex_escape(title) + "}")]
    delegation = _delegation(statement)
    if author:
        fields.append(("author", "{" + _bibtex_escape(author) + "}"))
    elif delegation:
        fields.append(("author", "{" + _bibtex_escape(delegation) + "}"))
    if statement.date:
        fields += [
            ("year", str(statement.date.year)),
            ("month", format_date(statement.date, "b")),
            ("date", statement.date.isoformat()),
        ]
    how = ["Statement"]
    if author and delegation:
        how.append(f"on behalf of {delegation}")
    if venue := _venue(statement):
        how.append(f"at {venue}")
    fields += [
        ("howpublished", _bibtex_escape(" ".join(how))),
        ("organization", _bibtex_escape(ARCHIVE_NAME)),
        ("url", url),
    ]
    body = ",\n".join(
        f"  {name} = {value if value.isdigit() or name == 'month' else '{' + value + '}'}" for name, value in fields
    )
    return f"@misc{{{bibtex_key(statement)},\n{body}\n}}\n"


def csl_item(statement, url):
    """One CSL-JSON item of type speech, as Zotero, Pandoc and citeproc read it."""
    item = {
        "id": f"statement-{statement.pk}",
        "type": "speech",
        "title": statement.work_title if _author(statement) or _delegation(statement) else statement.display_title,
        "genre": "Statement",
        "URL": url,
        "publisher": ARCHIVE_NAME,
    }
    author = _author(statement) or _delegation(statement)
    if author:
        item["author"] = [{"literal": author}]
    if statement.date:
        item["issued"] = {"date-parts": [[statement.date.year, statement.date.month, statement.date.day]]}
    if venue := _venue(statement):
        item["event-title"] = venue
    if statement.place:
        item["event-place"] = statement.place
    if statement.meeting_id:
        item["number"] = statement.meeting.symbol
    if statement.language:
        item["language"] = statement.language
    return item
