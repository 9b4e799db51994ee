"""The read-only open-data API (``/api/v1/``): schemas and thin endpoints over the apps'
selectors, and the middleware that gives every answer the same headers."""
