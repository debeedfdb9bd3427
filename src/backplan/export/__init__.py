"""Schedules in the formats people use: terminal tables and CSV (more behind extras)."""

from backplan.export.csv import CSV_COLUMNS, to_csv
from backplan.export.table import format_table

__all__ = ["CSV_COLUMNS", "format_table", "to_csv"]
