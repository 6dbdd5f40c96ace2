"""Searching statements, in layers that import only downward:

- `query.py`: the query language (a query read into clauses) and what a search asks and answers;
- `whoosh_internals.py`: every use of Whoosh's private internals, checked against its version;
- `whoosh_backend.py`, `whoosh_engine.py`, `haystack_engine.py`, `engine.py`: the engines;
- `snippets.py`: escaped windows of a statement's text with the matched words marked;
- `passages.py`: the paragraphs of a statement that hold what a query asks for;
- `forms.py` and `page.py`: the /search/ page's parameters and the page itself.

Keys of resolutions, symbols and forums come from `statements/keys.py`, below all of these.
"""
