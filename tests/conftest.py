"""Hypothesis runs derandomized by default, so a test run is reproducible (CI included);
``HYPOTHESIS_PROFILE=explore`` draws fresh random examples to hunt for new failures."""

import os

from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
