"""The deployment baseline: production settings, headers, CSP-safe templates."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="commonground.example",
        CSRF_TRUSTED_ORIGINS="https://commonground.example",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VAPID_PRIVATE_KEY="pGvFOg35uetAj3IL49KIA1HdrK3FMHi2xkYRDjCNFe4",
    )
    env.update(extra)
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_refuses_the_development_secret_key_and_short_keys():
    for key in (settings.DEV_SECRET_KEY, "short"):
        result = run_manage("check", env=production_env(SECRET_KEY=key))
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_production_settings_have_every_transport_and_cookie_protection():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT',"
        "'SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE',"
        "'CSRF_COOKIE_SECURE','CSRF_COOKIE_HTTPONLY','CSRF_COOKIE_SAMESITE',"
        "'SECURE_CONTENT_TYPE_NOSNIFF','SECURE_REFERRER_POLICY','X_FRAME_OPTIONS','DEBUG',"
        "'SESSION_COOKIE_NAME','CSRF_COOKIE_NAME','PASSWORD_HASHERS']}))"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    prod = json.loads(result.stdout)
    assert prod["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["DEBUG"] is False
    for cookie in ("SESSION", "CSRF"):
        assert prod[f"{cookie}_COOKIE_SECURE"] is True
        assert prod[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert prod[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict")
        # __Host- cookies: Secure, no Domain, Path=/ (browsers enforce it).
        assert prod[f"{cookie}_COOKIE_NAME"].startswith("__Host-")
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def _csp(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return header, directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/", "/accounts/profile/", "/unlink/"]
)
def test_pages_send_a_strict_content_security_policy(path, alice_client, anon_client, couple):
    client = (
        anon_client if path.startswith(("/accounts/login", "/accounts/signup")) else alice_client
    )
    response = client.get(path)
    assert response.status_code == 200
    header, csp = _csp(response)
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "unsafe-hashes" not in header
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_signed_in_answers_are_never_stored_even_redirects_and_errors(alice_client, couple):
    for path in ("/", "/join/", "/nowhere-at-all/", "/accounts/login/"):
        response = alice_client.get(path)
        assert "no-store" in response["Cache-Control"], (path, response.status_code)


@pytest.mark.django_db
def test_after_logout_pages_are_still_not_cached_on_the_logout_answer(alice_client, couple):
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


HTMX_CONFIG = re.compile(r'<meta name="htmx-config" content=\'([^\']*)\'>')


def test_htmx_is_configured_for_the_strict_policy():
    base = (ROOT / "templates" / "base.html").read_text()
    config = json.loads(HTMX_CONFIG.search(base).group(1))
    assert config["allowEval"] is False
    assert config["selfRequestsOnly"] is True
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False


# What a strict CSP would block (so the page would silently break) or what
# would need 'unsafe-inline'/'unsafe-eval' to work.
FORBIDDEN_IN_TEMPLATES = {
    "hx-on (inline handler: needs eval)": re.compile(r"\bhx-on", re.I),
    "data-hx-on": re.compile(r"data-hx-on", re.I),
    "inline style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "inline <script> without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "js: in hx-vals/hx-headers": re.compile(r"hx-(?:vals|headers)\s*=\s*['\"]\s*js:", re.I),
    "inline event handler (onclick=...)": re.compile(r"\son[a-z]+\s*=", re.I),
    "eval'd trigger filter": re.compile(r"hx-trigger\s*=\s*['\"][^'\"]*\[", re.I),
}


def test_templates_use_nothing_a_strict_csp_forbids():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert templates, "no templates found"
    found = []
    for template in templates:
        text = template.read_text()
        for what, pattern in FORBIDDEN_IN_TEMPLATES.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_the_template_scan_would_catch_each_forbidden_thing():
    samples = [
        '<button hx-on:click="x()">',
        '<p style="color:red">',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">',
        "<div hx-vals='js:{a: 1}'>",
        '<img onerror="x()">',
        '<div hx-trigger="click[ctrlKey]">',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in FORBIDDEN_IN_TEMPLATES.values()), sample
    assert not any(
        p.search('<script src="/static/x.js" defer></script>')
        for p in FORBIDDEN_IN_TEMPLATES.values()
    )
