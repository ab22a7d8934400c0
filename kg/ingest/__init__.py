"""Ingest: input paths in, :class:`~kg.records.Article` records out.

Reads ``.txt`` files, folders, globs, JSON Lines and Parquet files; cleans each text (boilerplate,
repeated lines, dates in the header), reads the metadata file beside it, and reports every input it
skips with the reason.
"""
