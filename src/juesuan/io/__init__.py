"""Readers (files and live workbooks → grids) and writers (template, annotated copies)."""
