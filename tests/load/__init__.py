"""The load test (``make loadtest``): gunicorn on PostgreSQL with the bench data under wrk."""
