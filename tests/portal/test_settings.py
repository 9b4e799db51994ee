"""Configuration: production hardening, roles, demo data, the production shape."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import MUNICIPAL_GROUP, STAFF_GROUP

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_in_production():
    env = os.environ | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-9f8e7d6c5b4a3",
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/1",  # not connected to by the checks
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_shared_cache_is_warned_about():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-9f8e7d6c5b4a3",
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "lsa_portal.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "portal.example.org"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_roles_exist_with_permissions_after_migrate():
    staff = Group.objects.get(name=STAFF_GROUP)
    assert Group.objects.filter(name=MUNICIPAL_GROUP).exists()
    assert staff.permissions.filter(
        content_type__app_label="accounts", codename="view_user"
    ).exists()
    assert not staff.permissions.filter(codename="delete_user").exists()


@pytest.mark.django_db
def test_setup_roles_is_idempotent():
    call_command("setup_roles")
    call_command("setup_roles")
    assert Group.objects.filter(name__in=[STAFF_GROUP, MUNICIPAL_GROUP]).count() == 2


def _every_row() -> dict[str, list[tuple]]:
    """Every row of every table, with all its columns, in primary-key order (the many-to-many
    tables and the history included): a run that changes, adds, deletes or re-creates anything
    changes this."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*columns))
    return rows


def _demo_data() -> dict[str, object]:
    """What each app's demo.py creates, by natural key and the fields its pages show."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from enterprises.models import Enterprise, YearFigures
    from knowledge.models import FAQ, Article, CaseDescription, PdfJob, Report
    from monitor.models import MonitorEdition, ReportingRound
    from municipalities.models import OfficerLink
    from pioneers.models import Application, Cohort, Expert, Lesson, Milestone, Pioneer, Reading

    return {
        "users": set(User.objects.values_list("email", "first_name", "last_name", "groups__name")),
        "verified": set(EmailAddress.objects.filter(verified=True).values_list("email")),
        "enterprises": set(
            Enterprise.objects.values_list(
                "slug", "name", "status", "municipality__cbs_code", "contact_name"
            )
        ),
        "members": set(Enterprise.objects.values_list("slug", "memberships__user__email")),
        "year_figures": set(
            YearFigures.objects.values_list("enterprise__slug", "year", "income_sales")
        ),
        "cohorts": set(Cohort.objects.values_list("slug", "places")),
        "pioneers": set(Pioneer.objects.values_list("slug", "cohort__slug", "flywheel_type")),
        "applications": set(
            Application.objects.values_list("cohort__slug", "enterprise__slug", "status")
        ),
        "experts": set(Expert.objects.values_list("name", "availability")),
        "milestones": set(Milestone.objects.values_list("pioneer__slug", "title", "status")),
        "readings": set(Reading.objects.values_list("pioneer__slug", "taken_on")),
        "lessons": set(Lesson.objects.values_list("pioneer__slug", "title", "published")),
        "reports": set(Report.objects.values_list("slug", "pdf")),
        "faqs": set(FAQ.objects.values_list("slug", "category__slug")),
        "articles": set(Article.objects.values_list("slug", "kind")),
        "cases": set(CaseDescription.objects.values_list("slug", "enterprise__slug")),
        "case_pdfs": set(PdfJob.objects.values_list("case__slug", "version")),
        "officer_links": set(
            OfficerLink.objects.values_list("user__email", "municipality__cbs_code", "status")
        ),
        "rounds": set(ReportingRound.objects.values_list("year", "deadline", "closed_at")),
        "editions": set(MonitorEdition.objects.values_list("year")),
    }


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    from importlib.util import find_spec

    from django.apps import apps

    from enterprises import demo as enterprises_demo
    from knowledge import demo as knowledge_demo
    from pioneers import demo as pioneers_demo

    # The apps that bring demo data; staff (no tables) and api (no tables) bring none.
    seeded = {config.label for config in apps.get_app_configs() if find_spec(f"{config.name}.demo")}
    assert seeded == {
        "accounts", "enterprises", "pioneers", "knowledge", "municipalities", "monitor"
    }  # fmt: skip

    call_command("seed_demo", stdout=StringIO())
    first_rows, first = _every_row(), _demo_data()
    # Each app's demo is there (so that the second run has something to leave alone).
    assert {(email, group) for email, _first, _last, group in first["users"]} == {
        ("medewerker@example.org", STAFF_GROUP),
        ("ambtenaar@example.org", MUNICIPAL_GROUP),
        ("bewoner@example.org", None),
    }
    assert first["verified"] == {
        ("medewerker@example.org",), ("ambtenaar@example.org",), ("bewoner@example.org",)
    }  # fmt: skip
    assert len(first["enterprises"]) == len(enterprises_demo.NAMES) == 40
    statuses = [status for _slug, _name, status, _code, _contact in first["enterprises"]]
    assert (statuses.count("concept"), statuses.count("ingediend")) == (1, 2)
    assert {contact for *_rest, contact in first["enterprises"]} == {
        "",
        "Noor Bakker",
        "Joris Smit",
    }
    # the demo resident owns the first two (one of them the concept)
    assert (
        sorted(email for _slug, email in first["members"] if email) == ["bewoner@example.org"] * 2
    )
    # 39 enterprises (the concept has none) over 2021-2024, and most of them over 2025.
    years = [year for _slug, year, _sales in first["year_figures"]]
    assert [years.count(year) for year in range(2021, 2025)] == [39] * 4
    assert 0 < years.count(2025) < 37
    assert {slug for slug, _places in first["cohorts"]} == {
        pioneers_demo.COHORT_SLUG, pioneers_demo.NEXT_COHORT_SLUG
    }  # fmt: skip
    assert {slug for slug, _cohort, _kind in first["pioneers"]} == {
        row[0] for row in pioneers_demo.PIONEERS
    }
    assert len(first["applications"]) == 5 + 2  # the selected five, two for the next cohort
    assert {name for name, _availability in first["experts"]} == {
        row[0] for row in pioneers_demo.EXPERTS
    }
    assert first["milestones"] and first["readings"] and first["lessons"]
    assert {slug for slug, _pdf in first["reports"]} == {r["slug"] for r in knowledge_demo.REPORTS}
    assert all(pdf for _slug, pdf in first["reports"])
    assert {slug for slug, _category in first["faqs"]} == {row[1] for row in knowledge_demo.FAQS}
    assert {slug for slug, _kind in first["articles"]} == {
        a["slug"] for a in knowledge_demo.ARTICLES
    }
    cases = {c["slug"] for c in knowledge_demo.CASES}
    assert {slug for slug, _enterprise in first["cases"]} == cases
    assert first["case_pdfs"] == {(slug, 1) for slug in cases}
    ((email, _code, status),) = first["officer_links"]
    assert (email, status) == ("ambtenaar@example.org", "goedgekeurd")
    assert {(year, closed is None) for year, _deadline, closed in first["rounds"]} == {
        (2023, False), (2024, False), (2025, True)
    }  # fmt: skip
    assert first["editions"] == {(2023,), (2024,)}

    second_run = StringIO()
    call_command("seed_demo", stdout=second_run)
    assert second_run.getvalue() == "Demo data is in place.\n"  # nothing new to report
    assert _demo_data() == first
    second_rows = _every_row()
    changed = [label for label in first_rows if second_rows[label] != first_rows[label]]
    assert changed == [], changed
    assert second_rows == first_rows


def test_docker_compose_runs_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert "beat" in services["beat"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    assert services["web"]["environment"]["DJANGO_ENV"] == "production"
    assert compose.get("volumes"), "named volumes keep the data"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_docker_compose_puts_nginx_with_the_tested_configuration_in_front():
    """Visitors reach nginx only; it runs the file tests/integration/test_proxy.py runs, serves
    the static volume web fills and the uploads read-only, and the app believes its address."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    web, nginx = services["web"], services["nginx"]
    assert "ports" not in web, "gunicorn must not be reachable around the proxy"
    assert nginx["image"].startswith("nginx:")
    assert "80:80" in nginx["ports"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    assert "healthcheck" in nginx
    mounts = {volume.split(":")[1]: volume for volume in nginx["volumes"]}
    template = mounts["/etc/nginx/templates/default.conf.template"].split(":")[0]
    assert (ROOT / template).resolve() == ROOT / "deploy" / "nginx" / "portal.conf.template"
    environment = nginx["environment"]
    for name in ("PORTAL_STATIC_ROOT", "PORTAL_MEDIA_ROOT"):
        assert mounts[environment[name]].endswith(":ro"), name
    static_volume = mounts[environment["PORTAL_STATIC_ROOT"]].split(":")[0]
    assert f"{static_volume}:/app/var/staticfiles" in web["volumes"]
    assert "collectstatic" in web["command"]
    assert environment["PORTAL_UPSTREAM"] == "web:8000"
    assert environment["NGINX_ENVSUBST_FILTER"] == "^PORTAL_"
    # Every variable of the template has its value in compose (envsubst would leave it empty).
    from tests.proxy import render

    assert "${" not in render({k: v for k, v in environment.items() if k.startswith("PORTAL_")})
    assert web["environment"]["TRUSTED_PROXY_COUNT"].startswith("${TRUSTED_PROXY_COUNT:-1}")


def test_without_a_mail_server_mails_are_written_to_the_mail_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    env.update(
        {"EMAIL_FILE_PATH": str(tmp_path), "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3"}
    )
    code = (
        "from django.core.mail import send_mail; "
        "send_mail('Bevestig', 'Open de link', None, ['a@example.org'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.iterdir()
    assert "Open de link" in written.read_text()


def test_every_app_of_the_portal_is_packaged_and_in_the_image():
    import tomllib

    from django.conf import settings

    own_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert {"accounts", "enterprises", "pioneers", "knowledge"} <= set(own_apps)
    packaged = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]
    dockerfile = (ROOT / "Dockerfile").read_text()
    for app in own_apps:
        assert f"{app}*" in packaged["find"]["include"], app
        assert f"COPY {app} ./{app}" in dockerfile, app
    # `COPY . .` brings no secrets, virtualenv, local database or node_modules into the image.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var", "node_modules", ".git"} <= set(ignored)
