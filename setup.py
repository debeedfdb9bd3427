"""The optional compiled part: the levelled scheduler's decoder (see pyproject.toml for the rest).

``optional=True``: where no C compiler is found the install goes on without it, and the
levelled scheduler runs the same placement in Python (same schedules, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "backplan.scheduling._sgs",
            ["src/backplan/scheduling/_sgs.c"],
            optional=True,
        )
    ]
)
