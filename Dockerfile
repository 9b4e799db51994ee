# The production image: gunicorn serves the portal, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production

# WeasyPrint needs Pango; gettext compiles the translations; curl serves the health check.
# pg_dump and pg_restore (manage.py backup and restore) must be of the PostgreSQL server's
# major version or newer (pg_dump refuses a newer server): docker-compose.yml runs PostgreSQL
# 16, Debian bookworm ships 15, so the client comes from the PostgreSQL project's repository,
# set up by the script and signing key that Debian's postgresql-common ships.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext curl \
       postgresql-common ca-certificates \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY lsa_portal ./lsa_portal
COPY accounts ./accounts
COPY enterprises ./enterprises
COPY pioneers ./pioneers
COPY knowledge ./knowledge
COPY municipalities ./municipalities
COPY monitor ./monitor
COPY staff ./staff
COPY api ./api
RUN pip install .
COPY . .
# collectstatic needs settings that load; the real key comes from the environment at run time.
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only ALLOWED_HOSTS=localhost \
      DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py compilemessages --ignore=.venv -v 0 \
    && SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only ALLOWED_HOSTS=localhost \
      DATABASE_URL=sqlite:////tmp/build.sqlite3 \
      python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 portal && mkdir -p /app/var/media /app/var/backups \
    && chown -R portal /app/var

USER portal
EXPOSE 8000
# No gunicorn access log: the portal logs one line per request itself, with its request id.
CMD ["gunicorn", "lsa_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
