"""``make bench``: speed and query-count figures at realistic size, printed, never asserted in CI.

Each ``bench_*.py`` module here has ``run(out)``; the runner gives them a fresh throwaway database
(the configured engine: PostgreSQL when DATABASE_URL points there) and removes it afterwards.
"""
