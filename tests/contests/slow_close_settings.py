"""Settings for the workers of tests/contests/test_close_worker.py: the project's, with a pause
after each step of a round's close, so the test can kill a worker in the middle of one."""

from config.settings import *  # noqa: F403

ROUND_CLOSE_STEP_PAUSE_SECONDS = 1.5
