"""Hypothesis profiles: `ci` is derandomized so every run checks the same examples; `fuzz` searches;
`mutate`, for mutation testing, checks fewer examples.

Choose one with HYPOTHESIS_PROFILE (default `ci`); `make fuzz` runs the `fuzz` profile and `make
mutate` the `mutate` one.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    max_examples=5000,
    derandomize=False,  # explicitly: where the CI variable is set, Hypothesis's own default derandomizes
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# `make mutate` runs the tests once per mutant: fewer examples, the same on every run.
settings.register_profile("mutate", derandomize=True, deadline=None, max_examples=20, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
