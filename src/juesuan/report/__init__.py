"""Renderers of a Report: console text, JSON (and later CSV, JUnit, summary workbooks)."""
