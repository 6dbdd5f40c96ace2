"""Every use of Whoosh's private internals, in one module, for the one version they were written for.

The direct search (whoosh_engine.py) opens segment readers itself, reads postings a block at a
time through the on-disk matcher's private arrays, and checks segment files against what the
index's table of contents and each compound file's header say they hold. These are not Whoosh's
public API: they were written for Whoosh-Reloaded 2.7.5, which requirements.txt pins, and
`check_version()` (run by the app's ready()) refuses to start with any other Whoosh, rather
than let a changed internal give wrong results. To move to another version, read each function
here against that version's source, then change WRITTEN_FOR.

Segment files are read, not memory-mapped: a segment truncated or rewritten under a mapping
kills the process with SIGBUS when a search touches the missing pages (issue 12), where a read
raises an error this module can report as damage.
"""

import importlib.metadata
import os
from itertools import accumulate

import whoosh
from django.core.exceptions import ImproperlyConfigured
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import MultiReader, SegmentReader
from whoosh.searching import Searcher

WRITTEN_FOR = ("Whoosh-Reloaded", "2.7.5")
# Other distributions that install a `whoosh` module over the same files.
OTHER_WHOOSHES = ("Whoosh", "whoosh-ng")
INDEX_NAME = "MAIN"  # haystack's, and Whoosh's default


class IndexDamaged(Exception):
    """A file of the index is missing, shorter or longer than the index says, or unreadable."""


def check_version():
    """Raise ImproperlyConfigured unless the installed Whoosh is the one this module was written for."""
    name, wanted = WRITTEN_FOR
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    others = []
    for other in OTHER_WHOOSHES:
        try:
            others.append(f"{other} {importlib.metadata.version(other)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    module_version = whoosh.versionstring()
    if installed != wanted or module_version != wanted or others:
        found = ", ".join(([f"{name} {installed}"] if installed else []) + others) or "no Whoosh distribution"
        raise ImproperlyConfigured(
            f"statements/search/whoosh_internals.py reads Whoosh's private internals and was written for "
            f"{name} {wanted}; installed: {found} (the whoosh module says {module_version}). "
            f"Install the pinned version (pip install -r requirements.txt) or port that module to this one."
        )


def open_storage(path):
    """The index folder, with segment files read rather than memory-mapped."""
    return FileStorage(path, supports_mmap=False)


def read_toc(ix):
    """The index's table of contents: its generation, schema and segments."""
    return ix._read_toc()


def toc_filename(generation):
    return TOC._filename(INDEX_NAME, generation)


def open_searcher(ix, toc, previous=None):
    """A searcher on the segments `toc` lists, reusing the previous searcher's readers of segments
    unchanged since, deletions included; None for an index without segments. Whoosh's own
    Searcher.refresh() reuses a segment whose deletions changed (a deleted statement stayed
    findable) and keeps segments merged away."""
    reused = {}
    if previous is not None:
        reused = {reader.segment().segment_id(): reader for reader, _ in previous.reader().leaf_readers()}
    readers = []
    for segment in toc.segments:
        reader = reused.pop(segment.segment_id(), None)
        if reader is None or reader.segment().deleted_count() != segment.deleted_count():
            if reader is not None:
                reused[segment.segment_id()] = reader
            reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
        readers.append(reader)
    for stale in reused.values():
        stale.close()
    if not readers:
        return None
    return Searcher(readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation), fromindex=ix)


class IndexFiles:
    """The sizes of the files one version of the index is made of, checked before each search.

    A compound segment file (.seg) records where its directory starts and how long it is, so its
    true size is known when it is opened; a file that changes size afterwards (truncated, or
    rewritten by hand) is damage. Costs one stat() a file a search (a few microseconds each).
    """

    def __init__(self, storage, toc):
        self.folder = storage.folder
        self.sizes = {toc_filename(toc.generation): self._size(toc_filename(toc.generation))}
        for segment in toc.segments:
            if segment.is_compound():
                name = segment.make_filename(segment.COMPOUND_EXT)
                self.sizes[name] = self._compound_size(name)
            else:
                for name in segment.list_files(storage):
                    self.sizes[name] = self._size(name)

    def _size(self, name):
        try:
            return os.stat(os.path.join(self.folder, name)).st_size
        except FileNotFoundError:
            raise IndexDamaged(f"{name} is missing") from None

    def _compound_size(self, name):
        size = self._size(name)
        with open(os.path.join(self.folder, name), "rb") as raw:
            header = StructFile(raw)
            directory_at, directory_length = header.read_long(), header.read_int()
        if directory_at + directory_length != size:
            raise IndexDamaged(f"{name} is {size:,} bytes; its header says {directory_at + directory_length:,}")
        return size

    def check(self):
        """Raise IndexDamaged when a file is missing or has changed size since the index was opened."""
        for name, size in self.sizes.items():
            now = self._size(name)
            if now != size:
                raise IndexDamaged(f"{name} is {now:,} bytes; the index holds {size:,}")


def read_postings(reader, field, term, offset, found):
    """Add {docnum + offset: frequency} for one segment. Whoosh 2.7's on-disk matcher is read a
    block at a time through its private block arrays: a posting at a time through the public
    Matcher API costs five times as much."""
    matcher = reader.postings(field, term)
    hides_deleted = isinstance(matcher, FilterMatcher)
    leaf = matcher.child if hides_deleted else matcher
    if not isinstance(leaf, W3LeafMatcher) or leaf._byteids:
        while matcher.is_active():
            found[matcher.id() + offset] = matcher.weight()
            matcher.next()
        return
    leaf.reset()
    while leaf.is_active():
        leaf._read_data()
        leaf._read_weights()
        # Document numbers are stored as steps from the one before; Whoosh adds them up in Python.
        docnums = accumulate(leaf._data[0], initial=offset)
        next(docnums)
        found.update(zip(docnums, leaf._weights))
        leaf._next_block()
    if hides_deleted:
        for docnum in reader.deleted_docs_set:
            found.pop(docnum + offset, None)
