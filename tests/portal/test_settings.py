"""Configuration: production hardening, roles, demo data, the production shape."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import MUNICIPAL_GROUP, STAFF_GROUP

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_in_production():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
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
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
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


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    from django.apps import apps

    def snapshot():
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label
            in {"accounts", "account", "auth", "enterprises", "pioneers", "knowledge"}
        }

    call_command("seed_demo")
    first = snapshot()
    assert first["accounts.User"] >= 3
    call_command("seed_demo")
    assert snapshot() == first


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
    env = {
        k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
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
