"""The quick script that bench_files.py compares backplan with: a plan file to CPM dates.

What someone would write in an afternoon: ``json.load`` (or PyYAML's C loader), a networkx
``DiGraph``, its topological sort, a forward pass (max over predecessors) and a backward pass
(min over successors) in working days, then the minimum slack and the earliest completion
printed as one JSON line. No validation, no messages, no result per action.

    python bench/quick_schedule.py PLAN TODAY
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import networkx as nx

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def main(path: str, today: dt.date) -> dict[str, object]:
    with open(path, encoding="utf-8") as file:
        if path.endswith(".json"):
            data = json.load(file)
        else:
            import yaml

            data = yaml.load(file, Loader=yaml.CSafeLoader)
    calendar = data.get("calendar", {})
    workdays = {WEEKDAYS.index(day) for day in calendar.get("workdays", WEEKDAYS[:5])}
    holidays = {dt.date.fromisoformat(str(day)) for day in calendar.get("holidays", [])}
    due = dt.date.fromisoformat(str(data["goal"]["due"]))

    graph = nx.DiGraph()
    for action in data["actions"]:
        graph.add_node(action["id"], duration=action["duration"])
    for action in data["actions"]:
        for before in action.get("after", []):
            graph.add_edge(before, action["id"], offset=1 + action.get("lag", 0))
    order = list(nx.topological_sort(graph))

    earliest_finish: dict[str, int] = {}
    earliest_start: dict[str, int] = {}
    for node in order:
        start = 0
        for pred in graph.predecessors(node):
            start = max(start, earliest_finish[pred] + graph.edges[pred, node]["offset"])
        earliest_start[node] = start
        earliest_finish[node] = start + graph.nodes[node]["duration"] - 1

    days: list[dt.date] = []  # working days from today: day number -> date
    day = today
    while day <= due or len(days) <= max(earliest_finish.values()):
        if day.weekday() in workdays and day not in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    due_number = max(n for n, d in enumerate(days) if d <= due)

    latest_start: dict[str, int] = {}
    for node in reversed(order):
        finish = due_number
        for succ in graph.successors(node):
            finish = min(finish, latest_start[succ] - graph.edges[node, succ]["offset"])
        latest_start[node] = finish - graph.nodes[node]["duration"] + 1
    slack = [latest_start[node] - earliest_start[node] for node in order]
    return {"min_slack": min(slack),
            "earliest_completion": days[max(earliest_finish.values())].isoformat()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], dt.date.fromisoformat(sys.argv[2]))))
