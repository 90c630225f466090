"""Notices as signed PDFs: fonts, rendering (WeasyPrint), signing and verification (pyHanko).

Pure of Flask and the database; heavy libraries are imported on first use so that a web worker
that never prints stays small.
"""
