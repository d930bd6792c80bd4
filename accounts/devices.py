"""A device as a person recognises it ("Firefox on Linux"), from its user agent:
a browser and a system name, never the raw string. Used by the sessions page,
the new-browser mail and the notifications page's list of devices."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Browser and system names, most specific first (Edge and Opera say "Chrome" too).
_BROWSERS = [
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chromium", "Chromium"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
]
_SYSTEMS = [
    ("iPhone", pgettext_lazy("device", "an iPhone")),
    ("iPad", pgettext_lazy("device", "an iPad")),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", pgettext_lazy("device", "a Mac")),
    ("Macintosh", pgettext_lazy("device", "a Mac")),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def device_name(user_agent):
    """ "Firefox on Linux": a browser and a system name, never the raw string."""
    user_agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if re.search(token, user_agent)), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        # Translators: a browser and a system, e.g. "Safari on an iPhone".
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s") % {"system": system}
    return _("An unknown browser")
