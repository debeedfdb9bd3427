"""Schedules in the formats people use: terminal tables, CSV, DataFrames, Gantt charts,
iCalendar, Mermaid, MS Project XML, JSON Schema and the HTML report.

Heavy libraries (pandas, matplotlib, plotly, icalendar) are imported only inside the functions
that need them; a missing one raises :class:`~backplan.MissingExtraError` naming the extra. Each
format's module is imported on first use.
"""

from typing import TYPE_CHECKING

from backplan._lazy import lazy_exports

if TYPE_CHECKING:
    from backplan.export._series import KeyResultSeries, key_result_series
    from backplan.export.csv import CSV_COLUMNS, to_csv
    from backplan.export.dataframe import to_dataframe
    from backplan.export.gantt import gantt_figure, gantt_plotly, write_gantt
    from backplan.export.ical import to_ical
    from backplan.export.mermaid import to_mermaid
    from backplan.export.mspdi import to_mspdi
    from backplan.export.report import report_html, write_report
    from backplan.export.schema import plan_schema, schedule_schema
    from backplan.export.table import format_table

__all__ = [
    "CSV_COLUMNS",
    "KeyResultSeries",
    "format_table",
    "gantt_figure",
    "gantt_plotly",
    "key_result_series",
    "plan_schema",
    "report_html",
    "schedule_schema",
    "to_csv",
    "to_dataframe",
    "to_ical",
    "to_mermaid",
    "to_mspdi",
    "write_gantt",
    "write_report",
]

_EXPORTS = {
    "KeyResultSeries": "backplan.export._series",
    "key_result_series": "backplan.export._series",
    "CSV_COLUMNS": "backplan.export.csv",
    "to_csv": "backplan.export.csv",
    "to_dataframe": "backplan.export.dataframe",
    "gantt_figure": "backplan.export.gantt",
    "gantt_plotly": "backplan.export.gantt",
    "write_gantt": "backplan.export.gantt",
    "to_ical": "backplan.export.ical",
    "to_mermaid": "backplan.export.mermaid",
    "to_mspdi": "backplan.export.mspdi",
    "report_html": "backplan.export.report",
    "write_report": "backplan.export.report",
    "plan_schema": "backplan.export.schema",
    "schedule_schema": "backplan.export.schema",
    "format_table": "backplan.export.table",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
