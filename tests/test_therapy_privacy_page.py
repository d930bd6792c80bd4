"""The plain-language privacy page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_privacy_page_is_public_and_linked_from_every_page(anon_client, alice_client):
    response = anon_client.get(reverse("privacy"))
    assert response.status_code == 200
    footer_link = f'href="{reverse("privacy")}"'.encode()
    assert footer_link in response.content
    assert footer_link in alice_client.get("/").content
    assert footer_link in anon_client.get(reverse("account_login")).content


def test_privacy_page_explains_encryption_sharing_unlinking_deletion_and_operators(anon_client):
    html = anon_client.get(reverse("privacy")).content.decode()
    for section in ("stored", "encrypted", "who-sees", "unlinking", "deletion", "operator"):
        assert f'id="{section}"' in html
    assert "encrypted where it is stored" in html
    assert "only activities you <em>both</em> said yes to" in html
    assert "each of you keeps what you wrote" in html
    assert "being built now" not in html  # deletion exists now
    assert "Delete my account" in html and "logged out on every device" in html
    assert "<strong>can</strong> read account details" in html
    assert "<strong>cannot</strong> read the text of your private reflections" in html
    assert "No tracking, no analytics" in html


def test_privacy_page_loads_no_third_party_resources(anon_client):
    html = anon_client.get(reverse("privacy")).content.decode()
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html and 'style="' not in html


def test_privacy_page_refuses_post(anon_client):
    assert anon_client.post(reverse("privacy")).status_code == 405
