"""Run the benchmarks: ``python -m tests.bench [name ...]`` (``make bench``)."""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsa_portal.settings")
    import django

    django.setup()
    # One log line per request would stand among the figures; the load test runs its gunicorn
    # with LOG_LEVEL=WARNING for the same reason.
    logging.getLogger("lsa_portal.requests").setLevel(logging.WARNING)
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    import tests.bench as package

    names = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("bench_")
    )
    if argv:
        names = [name for name in names if any(arg in name for arg in argv)]
    setup_test_environment(debug=False)  # measure as production runs: DEBUG off
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        for name in names:
            print(f"\n== {name.removeprefix('bench_')} ==")
            importlib.import_module(f"tests.bench.{name}").run(print)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
