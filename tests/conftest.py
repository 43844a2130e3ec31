"""Hypothesis profiles: `ci` is derandomized so every run checks the same examples; `fuzz` searches.

Choose one with HYPOTHESIS_PROFILE (default `ci`); `make fuzz` runs the `fuzz` profile.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    max_examples=5000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
