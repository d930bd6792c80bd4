"""The few words the page's scripts say themselves (static/js/*.js), in the
reader's language: rendered into every page as one JSON data block
(``{{ js_text|json_script:"js-text" }}`` in base.html), read by
static/js/text.js. No JavaScript catalogue to serve and cache: the words
arrive with the page, in the page's language, and the CSP stays as it is.
Placeholders are ``%(name)s``, filled by ``cgText(key, values)``."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy

from couples.domain.overlap import LEVEL_SHORT, LEVELS

JS_TEXT = {
    # static/js/live.js
    "live_paused_elsewhere": _(
        "Live updates are paused here: this dashboard is open on many other devices or "
        "tabs. Reload the page to make this one live again. What you save is kept."
    ),
    # static/js/week.js
    "try_again": _("Please try again."),
    "signed_out": _("You are signed out. Sign in again, then try once more."),
    "connection_dropped": _("The connection dropped. Tap the time again to try once more."),
    "not_saved": _("Not saved: %(problem)s"),
    "saved_cell": _("Saved: %(where)s, %(level)s."),
    # static/js/starters.js
    "added_to": _("Added to “%(label)s”"),
    # static/js/push.js
    "push_unsupported": _("This browser cannot show notifications from a web app."),
    "push_on": _("Notifications are on for this device."),
    "push_off": _("Notifications are off for this device."),
    "push_not_allowed": _(
        "This browser is not allowed to show notifications; you can allow it in its site settings."
    ),
    "push_not_saved": _("The server could not save this device."),
    "push_on_failed": _("Notifications could not be turned on."),
    "push_off_failed": _("Notifications could not be turned off; please try again."),
}


# The week's level words are the domain's own (couples/domain/overlap.py), so
# the grid and its script never say two different things.
for _key, _label in LEVELS.items():
    JS_TEXT[f"level_{_key}"] = lazy(lambda label=_label: str(label).lower(), str)()
for _key, _short in LEVEL_SHORT.items():
    JS_TEXT[f"short_{_key}"] = _short


# allauth's and Django's words that our signup and login pages show: marked here
# so the catalogue carries them in our voice ("tú", like the rest; their own
# Spanish says "usted"). LOCALE_PATHS is read before any app's catalogue.
OUR_VOICE = (
    gettext_noop("Forgot your password?"),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is too common."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
)


def js_text(request) -> dict:
    """Context processor: the scripts' words (lazy: only pages that render them
    pay), and the languages as the footer's switch names them: each in itself
    ("English", "Español"), never translated into the page's language."""
    return {"js_text": JS_TEXT, "site_languages": settings.LANGUAGES}
