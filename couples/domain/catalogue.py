"""The built-in alternative activities' names, in the viewer's language.

The catalogue rows live in the database (couples/migrations/0006_alternatives.py,
``STARTER_CATALOGUE``) with their English ``name``, which stays the data (export,
duplicate checks). What a person reads is chosen at display time:
``AlternativeActivity.display_name`` gives the translated name of a catalogue row
(by its ``catalogue_key``) and a couple's own proposal exactly as they wrote it;
``catalogue_key_named`` finds the row a person named in their own language (a
Spanish reader proposing "Besarnos" already has "Kissing").
The English msgids here are the names in that migration, word for word.
"""

from django.utils.translation import gettext_lazy as _

CATALOGUE_NAMES = {
    "cuddling": _("Cuddling"),
    "massage": _("A massage"),
    "holding-hands": _("Holding hands"),
    "showering-together": _("Showering or bathing together"),
    "kissing": _("Kissing"),
    "talking-likes": _("Talking about what each of us likes"),
    "self-pleasure-present": _("One of us pleasuring themself with the other present"),
    "skin-to-skin": _("Lying together skin to skin"),
    "stroking-hair": _("Stroking each other's hair"),
    "slow-dance": _("A slow dance at home"),
    "reading-in-bed": _("Reading to each other in bed"),
    "falling-asleep": _("Falling asleep holding each other"),
}


def activity_name(catalogue_key: str | None, name: str):
    """A catalogue activity's translated name; anything else as written."""
    return CATALOGUE_NAMES.get(catalogue_key, name) if catalogue_key else name


def catalogue_key_named(name: str, key_of) -> str | None:
    """The catalogue activity whose name, in the active language, ``name`` is
    (compared by ``key_of``, the duplicate check's own key); ``None`` if none."""
    wanted = key_of(name)
    return next((key for key, text in CATALOGUE_NAMES.items() if key_of(str(text)) == wanted), None)
