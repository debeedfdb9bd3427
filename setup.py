"""The optional compiled parts (see pyproject.toml for the rest): the levelled scheduler's
decoder, the numbering of a plan's ``after`` ids, a large plan's network and passes, and the
writer of a schedule's action rows (among others).

``optional=True``: where no C compiler is found the install goes on without them, and backplan
runs the same code in Python (same results, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("backplan.scheduling._sgs", ["src/backplan/scheduling/_sgs.c"], optional=True),
        Extension("backplan.graph._ref_numbers", ["src/backplan/graph/_ref_numbers.c"],
                  optional=True),
        Extension("backplan._field_columns", ["src/backplan/_field_columns.c"], optional=True),
        Extension("backplan._json_rows", ["src/backplan/_json_rows.c"], optional=True),
        Extension("backplan.models._plain_actions", ["src/backplan/models/_plain_actions.c"],
                  optional=True),
        Extension("backplan.scheduling._precedence", ["src/backplan/scheduling/_precedence.c"],
                  optional=True),
    ]
)
