"""Throttles that hold at window edges and against Unicode look-alikes, and errors logged in one line."""

import logging

import pytest

from archive import middleware

PASSWORD = "a-long-good-password"


@pytest.fixture
def throttling(settings, tmp_path):
    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path
    return settings


@pytest.fixture
def editor(db, django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 60 sign-ins, not 60 s
    return django_user_model.objects.create_superuser("ed", "ed@example.org", PASSWORD)


def login(client, username, password, address):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_locked_name_stays_locked_when_typed_in_full_width_letters(throttling, client, editor):
    for _ in range(10):
        assert login(client, "ed", "wrong", "10.0.0.1").status_code == 200
    for look_alike in ("ｅｄ", "eｄ", "ED"):
        assert login(client, look_alike, PASSWORD, "10.0.0.1").status_code == 429, look_alike
    # Spread over many addresses and spellings, the failures still add up to one name's ceiling.
    for number in range(throttling.RATELIMIT_LOGIN_PER_NAME - 10):
        spelling = "ed" if number % 2 else "ｅｄ"
        assert login(client, spelling, "wrong", f"198.51.100.{number}").status_code == 200
    for look_alike in ("eｄ", "ＥＤ", "ed"):
        assert login(client, look_alike, PASSWORD, "192.0.2.1").status_code == 429, look_alike
    assert "_auth_user_id" not in client.session


def test_failures_from_elsewhere_do_not_lock_the_editor_out_of_their_own_address(throttling, client, editor):
    for _ in range(10):
        assert login(client, "ed", "wrong", "203.0.113.9").status_code == 200
    assert login(client, "ed", PASSWORD, "203.0.113.9").status_code == 429
    signed_in = login(client, "ed", PASSWORD, "10.0.0.1")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_guessing_one_name_from_many_addresses_meets_a_ceiling(throttling, client, editor):
    for number in range(throttling.RATELIMIT_LOGIN_PER_NAME):
        assert login(client, "ed", "wrong", f"198.51.100.{number}").status_code == 200
    assert login(client, "ed", PASSWORD, "192.0.2.1").status_code == 429


def test_an_editor_whose_next_page_is_refused_lands_on_the_admin_not_a_404(client, editor):
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "ed", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_searches_cannot_double_up_across_a_minute_boundary(throttling, client, monkeypatch):
    throttling.RATELIMIT_SEARCH = (120, 60)
    now = [6000.0 - 0.5]  # half a second before a minute starts
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    statuses = [client.get("/api/", REMOTE_ADDR="10.0.0.2").status_code for _ in range(120)]
    assert statuses == [200] * 120
    now[0] = 6000.5  # a second later, in the next minute
    assert client.get("/api/", REMOTE_ADDR="10.0.0.2").status_code == 429
    now[0] = 6000.0 - 0.5 + 60 + 6.5  # a minute and a slice later the budget is back
    assert client.get("/api/", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_an_unknown_host_is_logged_in_one_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.security.DisallowedHost"):
        assert client.get("/", HTTP_HOST="evil.example.com").status_code == 400
    (record,) = [record for record in caplog.records if record.name == "django.security.DisallowedHost"]
    line = logging.Formatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert "\n" not in line and "'evil.example.com'" in line
