"""Grids → typed tables: locate each table by title, map its header and rows, parse amounts."""
