"""Production mode from the environment alone, security headers, throttling shared across workers."""

import multiprocessing
import os
import secrets
import subprocess
import sys

import pytest

from archive.middleware import CounterStore

from .conftest import REPO, manage

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}


def test_production_settings_pass_djangos_deployment_checks():
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_key_fails_the_deployment_checks():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_SECRET_KEY", None)
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0 and "security.W009" in result.stderr


def test_production_without_a_secret_key_refuses_to_serve_saying_which_variable():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_SECRET_KEY", None)
    serve = [sys.executable, "-c", "import archive.wsgi"]
    result = subprocess.run(serve, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set and DJANGO_DEBUG is off" in result.stderr
    debug = subprocess.run(serve, cwd=REPO, env={**env, "DJANGO_DEBUG": "1"}, capture_output=True, check=False)
    assert debug.returncode == 0, debug.stderr
    keyed = {**env, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    assert subprocess.run(serve, cwd=REPO, env=keyed, capture_output=True, check=False).returncode == 0


@pytest.mark.django_db
def test_unknown_host_gets_400_without_a_traceback(client):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"Traceback" not in response.content and b"DisallowedHost" not in response.content


@pytest.mark.django_db
def test_pages_carry_security_headers_and_a_policy_without_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_admin_login_form_requires_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "editor", "password": "x"})
    assert response.status_code == 403


@pytest.fixture
def throttling(settings, tmp_path):
    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path
    return settings


@pytest.mark.django_db
def test_failed_admin_logins_are_throttled_even_with_the_right_password_afterwards(
    throttling, client, django_user_model
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-good-password")
    for _ in range(10):
        assert client.post("/admin/login/", {"username": "editor", "password": "wrong"}).status_code == 200
    refused = client.post("/admin/login/", {"username": "editor", "password": "a-long-good-password"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert b"Too many failed sign-in attempts" in refused.content


@pytest.mark.django_db
def test_a_successful_login_is_not_counted_as_a_failure(throttling, client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-good-password")
    for _ in range(12):
        response = client.post("/admin/login/", {"username": "editor", "password": "a-long-good-password"})
        assert response.status_code == 302
        client.logout()


def _hit_many(path, count):
    store = CounterStore(path)
    for _ in range(count):
        store.hit("search:10.0.0.1", 60)


def test_throttle_counters_are_shared_exactly_by_concurrent_worker_processes(tmp_path):
    path = tmp_path / "ratelimit.sqlite3"
    workers = [multiprocessing.Process(target=_hit_many, args=(path, 200)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert CounterStore(path).count("search:10.0.0.1", 60) == 800
