"""Shared test settings: Hypothesis profiles ('dev': few examples, the default; 'long': HYPOTHESIS_PROFILE=long)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# The tests multiply small matrices; BLAS threads waiting for a busy core make them many times slower.
try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:
    pass
