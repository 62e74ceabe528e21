"""The production settings plus one URL: the benchmark's floor.

Only the benchmark's gunicorn loads this module, so the floor view never exists in a deployed
site, and config/urls.py carries no benchmark code.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
