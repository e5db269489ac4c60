"""Clean many documents on a Dask cluster: helpers for ``dask.bag``.

The recipe::

    from dask.distributed import Client
    import cleaner
    from cleaner.contrib.dask import clean_bag, clean_files

    client = Client()                                      # or Client("scheduler:8786")

    # Files: one JSON-ready dict per file ({"file": path, **Result.to_dict()}).
    out = clean_files("crawl/**/*.html")                   # HTML by suffix, text otherwise
    out.map(json.dumps).to_textfiles("clean/*.jsonl")

    # A bag of records: the result goes under "cleaned", other keys pass through.
    records = dask.bag.read_text("pages-*.jsonl").map(json.loads)
    out = clean_bag(records, html=True, field="html",
                    cleaner=cleaner.Cleaner(rules=["site_rules.toml"]))

    # A bag of strings: one Result.to_dict() per string (as_dict=False: Results).
    texts = clean_bag(dask.bag.from_sequence(strings, npartitions=8)).pluck("text")

How the Cleaner travels: it is pickled once on the client (a Cleaner
pickles as its constructor arguments, a few hundred bytes) and the bytes
go into the task graph.  Each worker process unpickles and compiles a given
Cleaner once and keeps it in a per-process cache keyed by those bytes, so a
thousand partitions cost one rule compilation per worker, not one per task.
With ``cleaner=None`` workers use cleaner's default Cleaner, also built
once per process.
"""

from __future__ import annotations

import glob
import os
import pickle
import threading
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any, Iterable

import dask.bag as db

from .. import Cleaner, default_cleaner
from ..model import Result
from . import clean_document

__all__ = ["clean_bag", "clean_files", "worker_cleaner"]

# Suffixes read as HTML by clean_files when html=None.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})

# Distinct Cleaners kept per worker process: a job uses one or two; the
# bound keeps a long-lived worker that served many jobs from growing.
_CACHE_SIZE = 8
_cache: "OrderedDict[bytes | None, Cleaner]" = OrderedDict()
_cache_lock = threading.Lock()
# How many times this process has built each Cleaner (keyed like the
# cache): the tests read it on every worker to check "once per worker".
builds: "Counter[bytes | None]" = Counter()


def worker_cleaner(blob: bytes | None) -> Cleaner:
    """The Cleaner pickled as `blob` (None: the default one), built once per process.

    >>> c = Cleaner(builtin=False)
    >>> worker_cleaner(pickle.dumps(c)) is worker_cleaner(pickle.dumps(c))
    True
    """
    with _cache_lock:  # a worker with several threads builds each Cleaner once
        if blob in _cache:
            _cache.move_to_end(blob)
            return _cache[blob]
        cleaner = default_cleaner() if blob is None else pickle.loads(blob)
        builds[blob] += 1
        _cache[blob] = cleaner
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return cleaner


def _blob(cleaner: Cleaner | None) -> bytes | None:
    return None if cleaner is None else pickle.dumps(cleaner, protocol=pickle.HIGHEST_PROTOCOL)


def _output(result: Result, as_dict: bool) -> Result | dict[str, Any]:
    return result.to_dict() if as_dict else result


def _clean_partition(
    docs: Iterable[Any], *, blob: bytes | None, html: bool, field: str | None, into: str,
    url_field: str | None, language: str | None, as_dict: bool,
) -> list[Any]:
    cleaner = worker_cleaner(blob)
    out: list[Any] = []
    for doc in docs:
        if field is None:
            out.append(_output(clean_document(cleaner, doc, html=html, language=language), as_dict))
            continue
        if not isinstance(doc, dict):
            raise TypeError(f"clean_bag(field={field!r}) takes dict records, got {type(doc).__name__}")
        url = doc.get(url_field) if url_field else None
        result = clean_document(cleaner, doc[field], html=html, language=language,
                                url=url if isinstance(url, str) else None)
        out.append({**doc, into: _output(result, as_dict)})
    return out


def clean_bag(
    bag: db.Bag,
    *,
    html: bool = False,
    field: str | None = None,
    cleaner: Cleaner | None = None,
    into: str = "cleaned",
    url_field: str | None = "url",
    language: str | None = None,
    as_dict: bool = True,
) -> db.Bag:
    """Clean every document of `bag`, lazily; returns a Bag of the same length and order.

    Documents are strings (bytes are HTML), or with `field` dict records
    whose `field` holds the document: each record comes back as a new dict
    with the result under `into` and every other key untouched; the record's
    `url_field` is passed as ``url=`` when the Cleaner takes it.  Results are
    JSON-ready dicts (`Result.to_dict()`), or `Result` objects with
    ``as_dict=False``.
    """
    return bag.map_partitions(
        _clean_partition, blob=_blob(cleaner), html=html, field=field, into=into,
        url_field=url_field, language=language, as_dict=as_dict,
    )


def _paths(paths_or_glob: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    """Files named, found by a glob (``**`` recursive), or under a directory, sorted."""
    if isinstance(paths_or_glob, (str, os.PathLike)):
        pattern = os.fspath(paths_or_glob)
        if os.path.isdir(pattern):
            return sorted(str(p) for p in Path(pattern).rglob("*") if p.is_file())
        if glob.has_magic(pattern):
            return sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
        return [pattern]
    return [os.fspath(p) for p in paths_or_glob]


def _clean_file_partition(
    paths: Iterable[str], *, blob: bytes | None, html: bool | None, encoding: str,
    language: str | None, as_dict: bool, errors: str,
) -> list[Any]:
    cleaner = worker_cleaner(blob)
    out: list[Any] = []
    for path in paths:
        is_html = html if html is not None else Path(path).suffix.lower() in HTML_SUFFIXES
        try:
            data = Path(path).read_bytes()
            # HTML bytes go in as bytes: the page's own <meta charset> and
            # BOM decide the encoding, as in `clean_html`.
            doc = data if is_html else data.decode(encoding)
            result = clean_document(cleaner, doc, html=is_html, language=language)
        except (OSError, UnicodeDecodeError) as exc:
            if errors == "raise":
                raise
            # One unreadable file must not kill a job of millions.
            out.append({"file": path, "error": f"{type(exc).__name__}: {exc}"})
            continue
        out.append({"file": path, **result.to_dict()} if as_dict else result)
    return out


def clean_files(
    paths_or_glob: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    html: bool | None = None,
    cleaner: Cleaner | None = None,
    encoding: str = "utf-8",
    language: str | None = None,
    as_dict: bool = True,
    errors: str = "record",
    files_per_partition: int = 64,
) -> db.Bag:
    """Clean files on the workers: a path list, a glob (``**`` recursive) or a directory.

    Files are read where the task runs (a shared filesystem, or a local
    cluster).  `html=None` decides by suffix (.html, .htm...); HTML is read
    as bytes and its encoding detected, text is decoded with `encoding`.
    Each file gives ``{"file": path, **Result.to_dict()}`` (a `Result` with
    ``as_dict=False``); with ``errors="record"`` a file that cannot be read
    or decoded gives ``{"file": path, "error": "..."}`` and the job goes on,
    with ``errors="raise"`` the exception fails the job.
    """
    if errors not in ("record", "raise"):
        raise ValueError(f"errors must be 'record' or 'raise', not {errors!r}")
    paths = _paths(paths_or_glob)
    npartitions = max(1, -(-len(paths) // files_per_partition))
    bag = db.from_sequence(paths, npartitions=npartitions)
    return bag.map_partitions(
        _clean_file_partition, blob=_blob(cleaner), html=html, encoding=encoding,
        language=language, as_dict=as_dict, errors=errors,
    )
