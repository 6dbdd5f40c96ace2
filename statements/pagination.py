"""Page links, built one way for every paged HTML list: directories, search results, passages.

The API pages differently on purpose (a cursor in its `next` links, issue 13): a program reads
on page after page, where a reader jumps to a page number.
"""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404


def page_links(number, url_for, *, paginator=None, more=False):
    """Previous, next and numbered links around page `number`, or None when there is one page.

    With a paginator the pages are counted and far ones elided (1 … 4 5 [6] 7 8 … 40); without
    one (passages, which are not counted) `more` says whether a next page exists, and the links
    reach back over the pages before this one. `url_for(n)` is the address of page n; a gap in
    `numbers` has no address.
    """
    if paginator is not None:
        if paginator.num_pages <= 1:
            return None
        elided = paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
        numbers = [n if n != paginator.ELLIPSIS else None for n in elided]
        more = number < paginator.num_pages
    else:
        if number == 1 and not more:
            return None
        numbers = list(range(max(1, number - 4), number + 1))
    return {
        "current": number,
        "previous": url_for(number - 1) if number > 1 else None,
        "next": url_for(number + 1) if more else None,
        "numbers": [(n, url_for(n) if n else None) for n in numbers],
    }


def paginate(request, object_list, per_page):
    """The page asked for by ?page=, with its links (`page.links`) keeping the rest of the query;
    a junk or out-of-range page is a 404, never a 500."""
    try:
        page = Paginator(object_list, per_page).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None
    query = request.GET.copy()
    query.pop("page", None)

    def url_for(number):
        query["page"] = number
        return "?" + query.urlencode()

    page.links = page_links(page.number, url_for, paginator=page.paginator)
    return page
