"""The installable app in real Chromium: the service worker registers, the
manifest is valid and installable, a push shows a discreet notification and
its tap opens the right part of the dashboard; offline shows the static page,
and nothing private is ever in the cache.

Headless Chromium cannot reach a real push service, so the push is delivered
to the registered worker through the DevTools protocol
(ServiceWorker.deliverPushMessage): the worker's own push handler runs."""

import json

from playwright.sync_api import expect

from couples.demo import furnish

NOTIFICATION = {
    "title": "Common Ground",
    "body": "Something new from your partner",
    "tag": "cg-0123456789abcdef",
    "url": "/#moment",
}


def _registration_id(cdp, page):
    found = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for _ in range(50):
        if found:
            return found[-1]
        page.wait_for_timeout(50)  # CDP events arrive on this loop
    raise AssertionError("no service worker registration reported")


SHOWN = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(ns => ns.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"""


def _notifications_shown(page, timeout_ms=10_000):
    """The notifications the worker shows, once there are any (polled: the push
    handler runs on its own time, and wait_for_function would take the promise
    itself for an answer)."""
    for _ in range(timeout_ms // 50):
        shown = page.evaluate(SHOWN)
        if shown:
            return shown
        page.wait_for_timeout(50)
    raise AssertionError("no notification was shown")


def test_push_service_worker_manifest_notification_and_tap(
    people, server, log_in, couple, alice, bob
):
    furnish(alice, bob)
    context = people.new_context("bob", viewport="phone")
    context.grant_permissions(["notifications"], origin=server.base_url)
    page = context.new_page()
    log_in(page, bob, path="/privacy/")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)")

    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    data = json.loads(manifest["data"])
    assert data["name"] == "Common Ground" and data["display"] == "standalone"
    # Playwright's contexts are incognito-like, which Chromium never installs from;
    # every other installability check must pass.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

    registration = _registration_id(cdp, page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.base_url,
            "registrationId": registration,
            "data": json.dumps(NOTIFICATION),
        },
    )
    shown = _notifications_shown(page)
    assert shown == [NOTIFICATION]

    # A tap: the worker's own notificationclick handler, given that notification.
    worker = context.service_workers[0]
    worker.evaluate(
        """async () => {
             const [notification] = await self.registration.getNotifications();
             self.dispatchEvent(new NotificationEvent("notificationclick", {notification}));
           }"""
    )
    expect(page).to_have_url(f"{server.base_url}/#moment")
    expect(page.locator("#moment")).to_be_visible()
    assert (
        page.evaluate(
            "() => navigator.serviceWorker.ready"
            ".then(r => r.getNotifications()).then(ns => ns.length)"
        )
        == 0
    )

    # Offline: the static page, and nothing private was ever kept.
    page.goto("/statements/new/")
    page.goto("/")
    context.set_offline(True)
    context.cg_watch.allow(r"ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR")
    page.goto("/")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    cached = page.evaluate(
        """async () => {
             const urls = [];
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
             }
             return urls;
           }"""
    )
    assert cached, "the offline page and static files are cached"
    assert all(url.startswith("/static/") or url == "/offline/" for url in cached), cached
    offline_html = page.content()
    assert bob.display_name not in offline_html and alice.display_name not in offline_html
    context.set_offline(False)


def test_notif_page_explains_this_device_and_passes_axe(people, log_in, couple, bob):
    from tests.browser import harness

    for viewport in ("phone", "desktop"):
        context = people.new_context(f"bob-{viewport}", viewport=viewport)
        page = log_in(context.new_page(), bob, path="/notifications/")
        expect(
            page.get_by_role("status").filter(has_text="Notifications are off for this device.")
        ).to_be_visible()
        expect(page.get_by_role("button", name="Turn on for this device")).to_be_visible()
        expect(page.get_by_role("button", name="Turn off for this device")).to_be_hidden()
        harness.assert_no_axe_violations(page, f"notifications, {viewport}")
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
