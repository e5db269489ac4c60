"""Benchmarks for cleaner: quality and speed on the ScrapingHub benchmark, and scaling.

See bench/README.md; run ``python -m bench.scrapinghub`` or ``python -m bench.scaling``
from the repository root.
"""
