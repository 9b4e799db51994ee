"""The portal's own settings plus the bench's bare 25-row page at ``/bench/bare/``: the yardstick
exists only here, never in the production URLs."""

from lsa_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.common"
# Its own cache keys, so that the run can empty them without touching anything else in Redis.
CACHES["default"]["KEY_PREFIX"] = "lsa-loadtest"  # noqa: F405
