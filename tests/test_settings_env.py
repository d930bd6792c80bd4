"""Configuration fails loudly (issue 13, item 9): a value the settings do not
understand stops the process with ImproperlyConfigured naming the variable,
and the Django admin is off in production unless the operator names its path."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="k" * 64,
        ALLOWED_HOSTS="commonground.example",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VAPID_PRIVATE_KEY="pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def run_python(script, env):
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )


# --- the helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "True", "YES", "on", " yes "])
def test_true_words_are_true(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "off"])
def test_false_words_are_false(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default=True) is False


def test_an_unset_or_empty_boolean_is_its_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", default=True) is True
    monkeypatch.setenv("SOME_FLAG", "")
    assert env_bool("SOME_FLAG", default=True) is True


@pytest.mark.parametrize("value", ["ture", "flase", "enabled", "yep", "10"])
def test_a_misspelt_boolean_is_an_error_naming_the_variable_not_its_value(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG") as error:
        env_bool("SOME_FLAG", default=True)
    assert value not in str(error.value)


@pytest.mark.parametrize("value", ["five", "1.5", "-1", "0x10"])
def test_a_number_that_is_not_a_whole_count_is_an_error(monkeypatch, value):
    monkeypatch.setenv("SOME_COUNT", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_COUNT"):
        env_int("SOME_COUNT", 3)


def test_a_choice_outside_the_list_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_MODE", "fast")
    with pytest.raises(ImproperlyConfigured, match="SOME_MODE must be one of a, b"):
        env_str("SOME_MODE", "a", choices={"a", "b"})
    monkeypatch.setenv("SOME_MODE", "b")
    assert env_str("SOME_MODE", "a", choices={"a", "b"}) == "b"


# --- the settings, read by a fresh process ----------------------------------------


def test_a_misspelt_ssl_redirect_stops_production_instead_of_turning_it_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(SECURE_SSL_REDIRECT="ture"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECURE_SSL_REDIRECT must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_ENV", "prod"),
        ("ACCOUNT_EMAIL_VERIFICATION", "mandatroy"),
        ("LOG_LEVEL", "verbose"),
        ("SECURE_HSTS_PRELOAD", "nope"),
        ("DEBUG", "fasle"),
        ("DATABASE_POOL", "pooled"),
        ("EMAIL_USE_TLS", "tls"),
        ("TRUSTED_PROXY_COUNT", "one"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("TRUSTED_PROXY_ADDRESSES", "the-proxy"),
        ("ADMIN_PATH", "/admin"),
        ("TIME_ZONE", "Europe/Madird"),
    ],
)
def test_every_setting_refuses_a_value_it_does_not_know(name, value):
    env = production_env(
        **{name: value},
        DATABASE_URL="postgres://user@db.invalid:5432/app",
        CHANNEL_LAYER_ENCRYPTION_KEYS="a-layer-secret",
    )
    result = run_python("import config.settings", env)
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_the_pool_cannot_be_smaller_than_its_minimum():
    env = production_env(
        DATABASE_URL="postgres://user@db.invalid:5432/app",
        DATABASE_POOL_MIN="4",
        DATABASE_POOL_MAX="2",
    )
    result = run_python("import config.settings", env)
    assert "DATABASE_POOL_MIN must not exceed DATABASE_POOL_MAX" in result.stderr


# --- the admin --------------------------------------------------------------------------

RESOLVE = """
import django
django.setup()
from django.urls import Resolver404, resolve
for path in ("/admin/", "/backstage-k7/"):
    try:
        print(path, resolve(path).namespace or "-")
    except Resolver404:
        print(path, "404")
"""


def test_production_has_no_admin_by_default():
    result = run_python(RESOLVE, production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/admin/", "404", "/backstage-k7/", "404"]


def test_production_serves_the_admin_only_at_the_path_the_operator_chose():
    result = run_python(RESOLVE, production_env(ADMIN_PATH="backstage-k7/"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/admin/", "404", "/backstage-k7/", "admin"]


def test_development_keeps_the_admin_at_its_usual_place():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "ADMIN_PATH"}}
    result = run_python(RESOLVE, {**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/admin/", "admin", "/backstage-k7/", "404"]


def test_production_refuses_to_start_without_a_vapid_key():
    refused = run_python("import config.settings", production_env(VAPID_PRIVATE_KEY=""))
    assert refused.returncode != 0
    assert "VAPID_PRIVATE_KEY" in refused.stderr
    assert "pGvFOg35" not in refused.stderr


def test_production_refuses_plain_http_push_endpoints():
    refused = run_python("import config.settings", production_env(PUSH_ALLOW_HTTP="true"))
    assert refused.returncode != 0
    assert "PUSH_ALLOW_HTTP" in refused.stderr


def test_a_vapid_subject_must_be_an_address():
    refused = run_python("import config.settings", production_env(VAPID_SUBJECT="operator"))
    assert refused.returncode != 0
    assert "VAPID_SUBJECT" in refused.stderr
