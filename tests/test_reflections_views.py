"""Views of the private journal: the owner, and a 404 for everyone else."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from couples.models import Reflection
from couples.services.reflections import update_reflection, write_reflection
from tests.conftest import CsrfClient
from tests.reflections_helpers import lapse_reauth

SECRET = "pq-alice-only-3b9d2e"


@pytest.fixture
def reflection(alice):
    return write_reflection(
        author=alice,
        need="closeness",
        what_i_heard=f"I heard {SECRET}",
        body=f"Body {SECRET}",
        tags="evening",
    )


def urls_for(reflection):
    pk = reflection.pk
    return {
        "journal": reverse("reflections"),
        "detail": reverse("reflection_detail", args=[pk]),
        "edit": reverse("reflection_edit", args=[pk]),
        "delete": reverse("reflection_delete", args=[pk]),
    }


def post_urls_for(reflection):
    pk = reflection.pk
    return {
        "create": reverse("reflection_create"),
        "edit": reverse("reflection_edit", args=[pk]),
        "delete": reverse("reflection_delete", args=[pk]),
        "therapy": reverse("reflection_therapy", args=[pk]),
    }


def valid_data(**overrides):
    data = {"need": "reassurance", "body": "a calm note", "tags": "", "version": "1"}
    data.update(overrides)
    return data


# --- anonymous ------------------------------------------------------------------


def test_anonymous_is_sent_to_login_from_every_page(anon_client, reflection):
    for url in urls_for(reflection).values():
        response = anon_client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        htmx = anon_client.get(url, htmx=True)
        assert htmx.status_code == 401
        assert reverse("account_login") in htmx["HX-Redirect"]
        assert SECRET not in htmx.content.decode()


def test_anonymous_posts_change_nothing(anon_client, reflection):
    for url in post_urls_for(reflection).values():
        response = anon_client.post(url, valid_data(body="anon"))
        assert response.status_code == 302
    fresh = Reflection.objects.get()
    assert fresh.body == f"Body {SECRET}"
    assert Reflection.objects.count() == 1


# --- owner ----------------------------------------------------------------------


def test_owner_sees_her_journal_and_entry(alice_client, reflection):
    page = alice_client.get(reverse("reflections"))
    assert page.status_code == 200
    assert SECRET in page.content.decode()
    assert page["Cache-Control"].count("no-store") == 1
    detail = alice_client.get(reverse("reflection_detail", args=[reflection.pk]))
    assert f"I heard {SECRET}" in detail.content.decode()
    assert "Closeness" in detail.content.decode()


def test_htmx_get_returns_only_the_named_partial(alice_client, reflection):
    response = alice_client.get(reverse("reflections"), htmx=True)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="journal"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_owner_writes_a_reflection_without_javascript(alice_client, alice):
    response = alice_client.post(reverse("reflection_create"), valid_data(body="new words"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reflections")
    assert Reflection.objects.get(author=alice).body == "new words"


def test_owner_writes_a_reflection_with_htmx(alice_client, alice):
    response = alice_client.post(
        reverse("reflection_create"), valid_data(body="htmx words"), htmx=True
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="journal"')
    assert "htmx words" in response.content.decode()
    assert Reflection.objects.filter(author=alice).count() == 1


def test_too_long_text_is_refused_with_a_clear_message(alice_client):
    response = alice_client.post(
        reverse("reflection_create"), valid_data(what_i_heard="x" * 2001), htmx=True
    )
    assert response.status_code == 422
    assert "Please keep this under 2000 characters" in response.content.decode()
    assert Reflection.objects.count() == 0


def test_bad_choice_is_refused(alice_client):
    response = alice_client.post(reverse("reflection_create"), valid_data(need="bogus"))
    assert response.status_code == 422
    assert Reflection.objects.count() == 0


def test_empty_reflection_is_refused_with_a_message(alice_client):
    response = alice_client.post(
        reverse("reflection_create"), {"need": "", "body": "  ", "tags": ""}
    )
    assert response.status_code == 422
    assert "Write at least a few words" in response.content.decode()
    assert Reflection.objects.count() == 0


def test_post_without_csrf_token_is_rejected_everywhere(alice_client, reflection):
    for url in post_urls_for(reflection).values():
        response = alice_client.post(url, valid_data(body="forged"), csrf=False)
        assert response.status_code == 403, url
    fresh = Reflection.objects.get()
    assert fresh.body == f"Body {SECRET}"
    assert fresh.bring_to_therapy is False


def test_owner_edits(alice_client, reflection):
    url = reverse("reflection_edit", args=[reflection.pk])
    form = alice_client.get(url)
    assert SECRET in form.content.decode()
    response = alice_client.post(url, valid_data(body="edited"))
    assert response.status_code == 302
    assert Reflection.objects.get().body == "edited"


def test_stale_edit_gets_409_with_both_texts(alice_client, alice, reflection):
    update_reflection(author=alice, reflection_id=reflection.pk, version=1, body="from the phone")
    response = alice_client.post(
        reverse("reflection_edit", args=[reflection.pk]),
        valid_data(body="from the laptop", version="1"),
        htmx=True,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "from the phone" in html
    assert "from the laptop" in html
    assert 'name="version" value="2"' in html
    assert Reflection.objects.get().body == "from the phone"


def test_owner_flags_for_therapy(alice_client, reflection):
    url = reverse("reflection_therapy", args=[reflection.pk])
    response = alice_client.post(url, {"bring": "1"}, htmx=True)
    assert response.status_code == 200
    assert "Keep out of therapy brief" in response.content.decode()
    assert Reflection.objects.get().bring_to_therapy is True
    alice_client.post(url, {"bring": "0", "back": "journal"})
    assert Reflection.objects.get().bring_to_therapy is False


def test_owner_deletes_after_confirming(alice_client, reflection):
    url = reverse("reflection_delete", args=[reflection.pk])
    confirm = alice_client.get(url)
    assert confirm.status_code == 200
    assert Reflection.objects.count() == 1  # GET changes nothing
    response = alice_client.post(url)
    assert response.status_code == 302
    assert Reflection.objects.count() == 0


def test_missing_id_is_404(alice_client):
    for name in ("reflection_detail", "reflection_edit", "reflection_delete"):
        assert alice_client.get(reverse(name, args=[999999])).status_code == 404


# --- partner and outsider -------------------------------------------------------


@pytest.mark.parametrize("who", ["bob_client", "carol_client"])
def test_others_get_404_for_alices_reflection_like_a_missing_id(request, couple, reflection, who):
    client = request.getfixturevalue(who)
    for name, url in urls_for(reflection).items():
        if name == "journal":
            continue
        response = client.get(url)
        missing = client.get(url.replace(str(reflection.pk), "999999"))
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
        assert SECRET not in client.get(url, htmx=True).content.decode()


@pytest.mark.parametrize("who", ["bob_client", "carol_client"])
def test_others_cannot_change_alices_reflection(request, couple, reflection, who):
    client = request.getfixturevalue(who)
    pk = reflection.pk
    assert client.post(reverse("reflection_edit", args=[pk]), valid_data()).status_code == 404
    therapy = client.post(reverse("reflection_therapy", args=[pk]), {"bring": "1"})
    assert therapy.status_code == 404
    assert client.post(reverse("reflection_delete", args=[pk])).status_code == 404
    fresh = Reflection.objects.get()
    assert (fresh.body, fresh.bring_to_therapy, fresh.version) == (f"Body {SECRET}", False, 1)


def test_partner_journal_is_his_own_and_shows_nothing_of_alices(bob_client, couple, reflection):
    html = bob_client.get(reverse("reflections")).content.decode()
    assert SECRET not in html
    assert reverse("reflection_detail", args=[reflection.pk]) not in html
    assert "Nothing here yet" in html


# --- dashboard part ---------------------------------------------------------------


def test_dashboard_part_shows_owner_recent_entries(alice_client, couple, reflection):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert 'id="reflections"' in html
    assert f"Body {SECRET}" in html  # a short excerpt, from the body first
    assert reverse("reflection_detail", args=[reflection.pk]) in html


def test_partner_dashboard_holds_nothing_of_alices_reflections(bob_client, couple, reflection):
    html = bob_client.get(reverse("dashboard")).content.decode()
    assert SECRET not in html
    assert "Body" not in html
    assert reverse("reflection_detail", args=[reflection.pk]) not in html


def test_dashboard_part_holds_no_text_once_reauth_lapsed(alice_client, couple, reflection):
    lapse_reauth(alice_client)
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert "Open your journal" in html
    assert SECRET not in html
    assert "Body" not in html
    assert reverse("reflection_detail", args=[reflection.pk]) not in html


def test_dashboard_queries_do_not_grow_with_reflections(
    alice_client, alice, couple, uncached_parts
):
    write_reflection(author=alice, body="one")
    with CaptureQueriesContext(connection) as one:
        alice_client.get(reverse("dashboard"))
    for i in range(199):
        write_reflection(author=alice, body=f"entry {i}")
    with CaptureQueriesContext(connection) as many:
        alice_client.get(reverse("dashboard"))
    assert len(one.captured_queries) == len(many.captured_queries)


def test_journal_queries_do_not_grow_with_reflections(alice_client, alice):
    write_reflection(author=alice, body="one")
    with CaptureQueriesContext(connection) as one:
        alice_client.get(reverse("reflections"))
    for i in range(30):
        write_reflection(author=alice, body=f"entry {i}")
    with CaptureQueriesContext(connection) as many:
        alice_client.get(reverse("reflections"))
    assert len(one.captured_queries) == len(many.captured_queries)


# --- admin and error pages ---------------------------------------------------------


def test_reflections_are_not_in_the_django_admin():
    assert Reflection not in admin.site._registry
    assert not admin.site.is_registered(Reflection)


def test_technical_error_page_never_shows_reflection_text(alice, settings, monkeypatch):
    from couples.views import reflections as views

    def explode(**values):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.services, "write_reflection", explode)
    settings.DEBUG = True  # the technical 500 page, with every frame's variables
    client = CsrfClient(raise_request_exception=False)
    client.force_login(alice)
    response = client.post(
        reverse("reflection_create"),
        valid_data(body=f"body {SECRET}", what_i_heard=f"heard {SECRET}", tags=f"t{SECRET}"),
    )
    assert response.status_code == 500
    html = response.content.decode()
    assert "RuntimeError" in html  # it is the technical page
    assert SECRET not in html


def test_error_page_for_an_undecryptable_row_shows_no_token(alice, settings, reflection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM couples_reflection WHERE id = %s", [reflection.pk])
        (token,) = cursor.fetchone()
        cursor.execute(
            "UPDATE couples_reflection SET body = %s WHERE id = %s",
            [token[:-4] + "AAAA", reflection.pk],
        )
    settings.DEBUG = True
    client = CsrfClient(raise_request_exception=False)
    client.force_login(alice)
    response = client.get(reverse("reflection_detail", args=[reflection.pk]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "UndecryptableValue" in html
    assert token[:40] not in html
    assert SECRET not in html
