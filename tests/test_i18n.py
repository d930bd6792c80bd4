"""Languages (issue 15, item 9): the Spanish catalogue is complete, and each
person reads what is made for them in their own language — pages, live
frames, mails, notifications — whoever's request made it.

The catalogue test extracts the strings from the code as it is now (Django's
makemessages, with the options scripts/messages uses) and compares them with
the committed catalogue: a string marked but missing, untranslated or fuzzy in
locale/es/LC_MESSAGES/django.po fails it (run scripts/messages, translate what
it lists). Needs GNU gettext (scripts/bootstrap installs Debian's `gettext`).
"""

import gettext as gnu_gettext
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import dateformat, timezone, translation

from accounts.languages import as_person, language_from_headers
from couples.domain.overlap import LEVELS
from couples.parts import render_for_members
from couples.services import therapy
from tests.factories import PASSWORD, space_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The same as scripts/messages (what is scanned, and what is not).
EXTENSIONS = ["html", "txt", "py", "js"]
IGNORED = ["tests", "bench", "docs", ".venv", "var", "node_modules", "static/vendor/*"]

needs_gettext = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgcmp", "msgattrib", "msgfmt")),
    reason="GNU gettext is not installed (scripts/bootstrap installs it)",
)


def _spanish(person):
    person.language = "es"
    person.save(update_fields=["language"])
    return person


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the catalogue -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The template of every string marked in the code now (a .pot). Extracted
    from a copy of the sources: makemessages writes next to the nearest
    locale/ folder, and the committed catalogue must stay as it is."""
    copy = tmp_path_factory.mktemp("sources") / "src"
    skipped = shutil.ignore_patterns(".*", "__pycache__", "node_modules", "vendor")
    for name in ("accounts", "config", "couples", "realtime", "templates", "static"):
        shutil.copytree(ROOT / name, copy / name, ignore=skipped)
    (copy / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        patch.setattr(settings, "LOCALE_PATHS", [str(copy / "locale")])
        call_command(
            "makemessages",
            locale=["es"],
            extensions=EXTENSIONS,
            ignore_patterns=IGNORED,
            keep_pot=True,
            no_location=True,
            no_wrap=True,
            verbosity=0,
        )
    pot = copy / "locale" / "django.pot"
    assert pot.exists()
    return pot


@needs_gettext
def test_every_marked_string_has_a_spanish_translation(extracted):
    """Missing, untranslated or fuzzy: msgcmp names each one."""
    assert CATALOGUE.exists(), "no catalogue: run scripts/messages"
    result = subprocess.run(
        ["msgcmp", str(CATALOGUE), str(extracted)], capture_output=True, text=True
    )
    assert result.returncode == 0, (
        "Spanish is incomplete: run scripts/messages, then translate what it lists "
        "(locale/es/fragments/ or the catalogue).\n" + result.stderr[-4000:]
    )


@needs_gettext
def test_the_catalogue_has_nothing_fuzzy_or_untranslated():
    for flag in ("--only-fuzzy", "--untranslated"):
        leftover = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(CATALOGUE)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        msgids = [line for line in leftover.splitlines() if line.startswith("msgid ")]
        assert msgids[1:] == [], f"{flag}: {msgids[1:20]}"  # the first is the header


@needs_gettext
def test_the_compiled_catalogue_is_the_committed_one(tmp_path):
    """Django reads the .mo: it must say what the .po says (scripts/messages compiles it)."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(CATALOGUE)], check=True)
    with open(COMPILED, "rb") as committed, open(fresh, "rb") as compiled:
        committed_catalog = gnu_gettext.GNUTranslations(committed)._catalog
        compiled_catalog = gnu_gettext.GNUTranslations(compiled)._catalog
    assert committed_catalog == compiled_catalog, "run scripts/messages and commit the .mo"


def test_english_is_the_source_and_each_language_is_named_in_itself():
    assert settings.LANGUAGE_CODE == "en"
    assert dict(settings.LANGUAGES) == {"en": "English", "es": "Español"}


# --- the person's choice -----------------------------------------------------------------


def test_a_spanish_speaker_sees_their_pages_in_spanish_and_their_partner_in_english(
    make_client, alice, bob, couple
):
    _spanish(alice)
    hers = make_client(alice).get("/")
    his = make_client(bob).get("/")
    assert hers.status_code == his.status_code == 200
    page = hers.content.decode()
    assert '<html lang="es">' in page and "Mi diario" in page and "Cerrar sesión" in page
    assert hers["Content-Language"] == "es"
    # The scripts' words come with the page, in its language (config/i18n.py).
    words = json.loads(
        re.search(r'<script id="js-text" type="application/json">(.*?)</script>', page).group(1)
    )
    assert words["try_again"] == "Inténtalo de nuevo."
    with translation.override("es"):
        assert words["level_u"] == str(LEVELS["u"]).lower() != "usually open"
    page = his.content.decode()
    assert '<html lang="en">' in page and "My journal" in page and "Mi diario" not in page
    profile = make_client(alice).get("/accounts/profile/").content.decode()
    assert "<h1>Tu perfil</h1>" in profile and "Tu zona horaria" in profile


def test_the_answer_varies_on_the_language_sources(make_client, alice):
    for client in (make_client(), make_client(alice)):
        response = client.get("/privacy/")
        vary = {part.strip().lower() for part in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary


def test_signed_out_the_browser_chooses_and_the_switch_remembers(make_client):
    browser = make_client()
    page = browser.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").content.decode()
    assert "Inicia sesión en Common Ground" in page and 'lang="es"' in page
    assert "¿Olvidaste tu contraseña?" in page  # allauth's words, in our voice (config/i18n.py)
    assert 'action="/i18n/setlang/"' in page  # the footer's switch, a plain form
    assert ">English</option>" in page and ">Español</option>" in page  # each in itself
    page = browser.get("/accounts/login/").content.decode()
    assert "Log in to Common Ground" in page
    response = browser.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Inicia sesión en Common Ground" in browser.get("/accounts/login/").content.decode()
    assert browser.get("/i18n/setlang/").status_code == 405


def test_the_account_wins_over_the_browser_and_is_remembered_across_logins(make_client, alice):
    client = make_client(alice)
    page = client.get("/accounts/profile/").content.decode()
    assert '<select name="language"' in page and ">Español</option>" in page
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Alice", "time_zone": alice.time_zone, "language": "es"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "es"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"  # also for after logout
    assert (
        "Guardado. Ahora las páginas hablan tu idioma."
        in client.get(response["Location"]).content.decode()
    )

    # Another browser, asking for English, no cookie: the account decides after login.
    elsewhere = make_client()
    login = elsewhere.post(
        "/accounts/login/",
        {"login": alice.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert login.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in elsewhere.cookies
    said = [str(m) for m in list(login.wsgi_request._messages)]
    assert said == ["Has iniciado sesión como Alice."], said  # the login's own message too
    page = elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page and "Mi diario" in page


def test_following_the_browser_is_a_choice_too(make_client, alice):
    _spanish(alice)
    client = make_client(alice)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "Alice", "time_zone": alice.time_zone, "language": ""},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == ""
    assert "Mi diario" in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "My journal" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_profile_save_without_the_field_keeps_the_language(make_client, alice):
    _spanish(alice)
    make_client(alice).post("/accounts/profile/", {"display_name": "Alicia"})
    alice.refresh_from_db()
    assert (alice.display_name, alice.language) == ("Alicia", "es")


def test_an_unknown_language_is_refused(make_client, alice):
    response = make_client(alice).post(
        "/accounts/profile/", {"display_name": "Alice", "language": "xx"}
    )
    assert response.status_code == 422
    alice.refresh_from_db()
    assert alice.language == ""


def test_signup_offers_the_browsers_language_and_keeps_the_choice(make_client):
    browser = make_client()
    page = browser.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert re.search(r'<option value="es"[^>]*selected', page), "pre-filled from Accept-Language"
    assert "Crea tu cuenta de Common Ground" in page
    assert "Tu contraseña debe tener al menos 10 caracteres." in page
    response = browser.post(
        "/accounts/signup/",
        {
            "email": "nueva@example.com",
            "display_name": "Nueva",
            "language": "es",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(email="nueva@example.com").language == "es"


# --- made for someone else: frames, mails, notifications ---------------------------------


def test_live_frames_are_rendered_in_each_members_own_language(alice, bob, couple):
    """The writer renders once per member: her words and dates in Spanish, his in English."""
    _spanish(alice)
    day = timezone.localdate() + timezone.timedelta(days=3)
    therapy.plan_session(space=space_of(alice), planned_for=day)
    frames = render_for_members(["therapy"], space_of(bob), csrf_placeholder="csrf-x")
    with translation.override("es"):
        hers = dateformat.format(day, "l j F Y")
    his = dateformat.format(day, "l j F Y")
    assert hers != his
    assert hers in frames[alice.pk] and his not in frames[alice.pk]
    assert his in frames[bob.pk] and hers not in frames[bob.pk]


def test_as_person_follows_their_browser_only_when_it_is_known(alice, bob):
    _spanish(alice)
    with as_person(bob):
        assert translation.get_language() == settings.LANGUAGE_CODE
    with as_person(bob, browser="es"):
        assert translation.get_language() == "es"
        with as_person(bob):  # a part rendered inside keeps his browser's language
            assert translation.get_language() == "es"
    with as_person(alice, browser="en"):
        assert translation.get_language() == "es"  # her account's choice wins


def test_the_socket_reads_the_browsers_language_like_a_request_does():
    cookie = f"{settings.LANGUAGE_COOKIE_NAME}=es; other=1".encode()
    assert language_from_headers([(b"cookie", cookie)]) == "es"
    assert language_from_headers([(b"accept-language", b"fr-FR,es;q=0.8,en;q=0.5")]) == "es"
    assert language_from_headers([(b"accept-language", b"en-GB")]) == "en"
    assert language_from_headers([(b"accept-language", b"fr")]) is None


def test_a_mail_to_a_spanish_speaker_is_in_spanish_whoever_asked(make_client, alice):
    _spanish(alice)
    mail.outbox.clear()
    response = make_client().post(
        "/accounts/password/reset/", {"email": alice.email}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Hola:" in message.body
    assert "Alguien, seguramente tú, ha pedido restablecer la contraseña" in message.body
    assert "Someone" not in message.body


def test_a_notification_is_in_the_recipients_language(alice, bob, couple):
    from couples.models import Notice, NoticeKind, NotificationChoice
    from couples.tasks import message_for

    _spanish(alice)
    for person in (alice, bob):
        choice = NotificationChoice(person=person, detail=True)
        notice = Notice(person=person, kind=NoticeKind.ANSWER, key="k", about_id=1)
        choice_plain = NotificationChoice(person=person, detail=False)
        space = space_of(person)
        detailed = message_for(notice, choice, space).body
        discreet = message_for(notice, choice_plain, space).body
        if person == alice:
            assert detailed == "Bob ha respondido a tu invitación"
            assert discreet == "Algo nuevo de tu pareja"
        else:
            assert detailed == "Alice answered your ask"
            assert discreet == "Something new from your partner"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_partners_socket_speaks_their_own_language(make_client, alice, bob, couple):
    """Over the real socket: her account says Spanish; he follows a browser
    that asks for English, then one that asks for Spanish."""
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.test import override_settings

    from config.asgi import application
    from tests.realtime_support import ORIGIN, close_quietly, cookie_header, frames_until

    await sync_to_async(_spanish)(alice)

    async def socket_of(person, accept_language):
        client = await sync_to_async(make_client)(person)
        await sync_to_async(client.get)("/")
        headers = [
            (b"host", b"127.0.0.1"),
            (b"origin", ORIGIN),
            (b"cookie", cookie_header(client)),
            (b"accept-language", accept_language),
        ]
        socket = WebsocketCommunicator(application, "/ws/space/", headers=headers)
        connected, _ = await socket.connect(timeout=5)
        assert connected
        await socket.receive_from(timeout=5)  # hello
        return socket

    with override_settings(REALTIME_PRESENCE_INTERVAL=0.2):
        hers = await socket_of(alice, b"en")
        his = await socket_of(bob, b"en")
        assert ">aquí ahora<" in (await frames_until(hers, 'id="partner-presence"'))[-1]
        assert ">here now<" in (await frames_until(his, 'id="partner-presence"'))[-1]
        await close_quietly(his)
        his = await socket_of(bob, b"es-MX,es;q=0.9")
        assert ">aquí ahora<" in (await frames_until(his, 'id="partner-presence"'))[-1]
        await close_quietly(hers, his)


def test_the_switch_used_while_logged_in_saves_the_account_too(make_client, alice):
    client = make_client(alice)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    alice.refresh_from_db()
    assert alice.language == "es"
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "es"  # an unknown language changes nothing
