"""Dask: cleaning bags and files on a real cluster of worker processes.

One `distributed.LocalCluster` (two worker processes, one thread each) is
started for the module; every result must equal what a Cleaner gives in
this process, and each worker must build a given Cleaner once.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
from pathlib import Path

import dask.bag as db
import pytest
from distributed import Client, LocalCluster

import cleaner
import cleaner.contrib.dask as cdask
from cleaner.contrib import clean_document
from cleaner.contrib.dask import clean_bag, clean_files

ROOT = Path(__file__).parent.parent
TEXTS = sorted((ROOT / "fixtures" / "text").glob("*.txt"))
PAGES = sorted((ROOT / "fixtures" / "html").glob("*.html"))
PACK = '''
[pack]
description = "A site's own rules, for the tests"

[[rules]]
id = "test.dask.promo"
category = "ad"
scope = "block"
action = "drop_block"
note = "A promo line of the test site."
pattern = 'special offer for readers\\b'
match = ["Special offer for readers: 50% off"]
no_match = ["The council met."]
'''


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
        dashboard_address=None, silence_logs=logging.WARNING,
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def local() -> cleaner.Cleaner:
    return cleaner.Cleaner()


def _texts() -> list[str]:
    return [p.read_bytes().decode("utf-8") for p in TEXTS]


# --- pickling -------------------------------------------------------------------------


def test_cleaner_pickles_small_and_cleans_identically(tmp_path, local):
    rules = tmp_path / "site.toml"
    rules.write_text(PACK, encoding="utf-8")
    custom = cleaner.Cleaner([rules], options=cleaner.Options(language="en"))
    doc = "Special offer for readers: 50% off\n\n" + _texts()[0]
    custom.clean(doc)  # compile and fill the memo: neither may travel
    for c in (local, custom):
        blob = pickle.dumps(c)
        assert len(blob) < 10_000, f"a pickled Cleaner is {len(blob)} bytes"
    rules.unlink()  # the user's pack travels as data: the worker needs no file
    clone = pickle.loads(pickle.dumps(custom))
    assert clone.options == custom.options and [p.path for p in clone.packs] == [p.path for p in custom.packs]
    assert clone.clean(doc) == custom.clean(doc)
    assert any(r.rule == "test.dask.promo" for r in clone.clean(doc).removed)
    plain = pickle.loads(pickle.dumps(local))
    for page in PAGES[:5]:
        assert plain.clean_html(page.read_bytes()) == local.clean_html(page.read_bytes())
    assert not pickle.loads(pickle.dumps(cleaner.Cleaner(builtin=False))).packs


# --- on the cluster ---------------------------------------------------------------------


def test_workers_are_other_processes(client):
    pids = client.run(os.getpid)
    assert len(pids) == 2 and os.getpid() not in pids.values()


def test_clean_bag_of_texts_equals_single_process(client, local):
    texts = _texts()
    bag = db.from_sequence(texts, npartitions=6)
    got = clean_bag(bag).compute()
    assert got == [local.clean(t).to_dict() for t in texts]


def test_clean_bag_results_are_results(client, local):
    texts = _texts()[:8]
    got = clean_bag(db.from_sequence(texts, npartitions=2), as_dict=False).compute()
    assert got == [local.clean(t) for t in texts]


def test_clean_bag_of_html_records_keeps_other_keys(client, local):
    records = [{"id": i, "url": f"https://example.org/{p.stem}", "html": p.read_bytes()} for i, p in enumerate(PAGES)]
    got = clean_bag(db.from_sequence(records, npartitions=5), html=True, field="html").compute()
    assert [g["id"] for g in got] == list(range(len(PAGES)))
    for record, out in zip(records, got):
        assert {k: out[k] for k in record} == record
        assert out["cleaned"] == clean_document(local, record["html"], html=True, url=record["url"]).to_dict()


def test_clean_files_by_suffix_with_a_bad_file(client, local, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 society\n".encode("latin-1"))
    paths = TEXTS[:10] + PAGES[:10] + [bad]
    got = clean_files(paths, files_per_partition=4).compute()
    assert [g["file"] for g in got] == [str(p) for p in paths]
    for path, out in zip(paths[:-1], got):
        # Bytes decoded as they are: read_text() would turn CRLF into LF and shift offsets.
        want = local.clean_html(path.read_bytes()) if path.suffix == ".html" else local.clean(path.read_bytes().decode("utf-8"))
        assert out == {"file": str(path), **want.to_dict()}
    assert "UnicodeDecodeError" in got[-1]["error"] and set(got[-1]) == {"file", "error"}


def test_clean_files_glob_and_directory(client, local, tmp_path):
    tree = tmp_path / "crawl"
    (tree / "a" / "b").mkdir(parents=True)
    for i, page in enumerate(PAGES[:6]):
        shutil.copy(page, tree / ("a" if i % 2 else "a/b") / page.name)
    by_glob = clean_files(str(tree / "**" / "*.html")).compute()
    by_dir = clean_files(tree).compute()
    assert by_glob == by_dir and len(by_glob) == 6
    assert [g["file"] for g in by_glob] == sorted(g["file"] for g in by_glob)
    for out in by_glob:
        assert out == {"file": out["file"], **local.clean_html(Path(out["file"]).read_bytes()).to_dict()}


def test_a_cleaner_is_built_once_per_worker(client, tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text(PACK, encoding="utf-8")
    custom = cleaner.Cleaner([rules])
    doc = "Special offer for readers: 50% off\n\n" + _texts()[1]
    bag = db.from_sequence([doc] * 24, npartitions=12)
    got = clean_bag(bag, cleaner=custom).compute()
    assert all(any(r["rule"] == "test.dask.promo" for r in g["removed"]) for g in got)
    blob = pickle.dumps(custom, protocol=pickle.HIGHEST_PROTOCOL)
    builds = client.run(lambda: cdask.builds[blob])
    # Twelve tasks, two workers: each worker built this Cleaner at most once.
    assert sum(builds.values()) >= 1 and max(builds.values()) == 1, builds
