"""Shared test set-up: makes ``strategies`` and ``helpers`` importable, and hypothesis profiles."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=100, deadline=None)
# CI (``.ci/run``) draws the same examples every run, so that its verdict is the code's, not
# the draw's; runs by hand draw new ones and find what CI's draw would miss.
settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
