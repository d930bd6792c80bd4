"""Starter phrasings for "what my no means", one set per reason.

Offered to a person writing a statement as something to start from: shown
before the form, put into a field only when the person taps "Use" (or, without
JavaScript, follows "Start from these words"), never filled in on their behalf.
What is saved is what is in the form when they save it.

Every phrasing is a lazy translation: it reaches the page (and a new form's
initial text) in the viewer's language, and once saved it is the person's own
words, never translated again.
"""

from django.utils.translation import gettext_lazy as _

from ..models import Reason

STARTERS = {
    Reason.TIRED: {
        "meaning": _(
            "When I say no late in the day, it usually means my body is done. "
            "I have nothing left, and I would rather rest than be half there with you."
        ),
        "not_meaning": _("It does not mean I don't want you, or that I want you less than before."),
        "reassurance": _("I love how you reach for me. I still want to be the one you reach for."),
        "rain_check": _("Ask me on a slow morning, or on a day I've had some rest."),
    },
    Reason.STRESSED: {
        "meaning": _(
            "When my head is full of work or worries, I can't arrive in my body. "
            "My no is about the noise in me, not about you."
        ),
        "not_meaning": _(
            "It does not mean you did something wrong, or that I'm pulling away from us."
        ),
        "reassurance": _("You are the person I feel safest with, even when I'm wound up."),
        "rain_check": _("Helping me put the day down first (a walk, a talk) makes a yes likelier."),
    },
    Reason.DISTRACTED: {
        "meaning": _("Sometimes my attention is somewhere else and I can't switch over quickly."),
        "not_meaning": _(
            "It does not mean I find you less attractive, or that you don't matter to me."
        ),
        "reassurance": _("When I'm fully with you, there is nowhere I'd rather be."),
        "rain_check": _(
            "Give me a little warning, or ask again once I've finished what I'm doing."
        ),
    },
    Reason.NOT_PRIVATE: {
        "meaning": _(
            "When I don't feel we're truly alone (kids awake, thin walls, guests), "
            "I can't relax enough to want it."
        ),
        "not_meaning": _(
            "It does not mean I don't desire you; it means I need to feel unobserved."
        ),
        "reassurance": _("I want a space that is only ours, as much as you do."),
        "rain_check": _("A locked door, a night away or an empty house changes a lot for me."),
    },
    Reason.UNWELL: {
        "meaning": _("When I'm unwell or in pain, my no is about my body needing care."),
        "not_meaning": _("It does not mean I'm avoiding you or using it as an excuse."),
        "reassurance": _("Being held by you is one of the things that helps me feel better."),
        "rain_check": _("Ask me how I'm feeling; on a better day I'll tell you if I'm up for it."),
    },
    Reason.BODY_IMAGE: {
        "meaning": _("Some days I feel bad in my own skin, and being seen is hard then."),
        "not_meaning": _(
            "It does not mean anything about how I see you. It's about how I see myself."
        ),
        "reassurance": _("I love that you want me. I'm working on believing what you see."),
        "rain_check": _("Softer light, going slowly, or hearing what you like about me helps."),
    },
    Reason.DIFFERENT_ACTIVITY: {
        "meaning": _("My no is often to that one thing, not to being close to you."),
        "not_meaning": _("It does not mean I don't want intimacy with you at all."),
        "reassurance": _(
            "I love being close to you, and I want us to find ways that suit us both."
        ),
        "rain_check": _("Ask me what I'd like instead; often there's a yes to something else."),
    },
    Reason.APPROACH: {
        "meaning": _(
            "Sometimes it's the way the question arrives (out of nowhere, or mid-task) "
            "that makes me say no."
        ),
        "not_meaning": _("It does not mean you are unwanted; it means I need a different way in."),
        "reassurance": _("I want you to keep asking. I want to help you know what works for me."),
        "rain_check": _(
            "Starting with touch, or asking earlier in the evening, works better for me."
        ),
    },
    Reason.CLOSENESS_FIRST: {
        "meaning": _(
            "I often need to feel connected before I can feel desire; "
            "if we've been apart or tense, my no is about that distance."
        ),
        "not_meaning": _("It does not mean I'm punishing you or keeping score."),
        "reassurance": _("Feeling close to you is what opens me up, and I want that with you."),
        "rain_check": _("Time together first (talking, a meal, lying close) makes a yes likelier."),
    },
    Reason.OTHER: {
        "meaning": _("When I say no, it usually means …"),
        "not_meaning": _("It does not mean …"),
        "reassurance": _("What I love about you is …"),
        "rain_check": _("What makes a yes likelier for me is …"),
    },
}


FIELDS = ("meaning", "not_meaning", "reassurance", "rain_check")
LABELS = {
    "meaning": _("What it means"),
    "not_meaning": _("What it does not mean"),
    "reassurance": _("Something to hold on to"),
    "rain_check": _("Rain check"),
}


def starters():
    """Starter phrasings in the order of the reasons list, for templates; each
    with its ``pieces``: (form field, label, words)."""
    return [
        {
            "reason": reason,
            "label": reason.label,
            **STARTERS[reason],
            "pieces": [(field, LABELS[field], STARTERS[reason][field]) for field in FIELDS],
        }
        for reason in Reason
    ]


def starter_initial(value) -> dict | None:
    """A new statement's form, started from one reason's phrasings (the person
    asked for it); ``None`` for a value that names no reason."""
    try:
        reason = Reason(value)
    except ValueError:
        return None
    return {"reason": reason.value, **{field: STARTERS[reason][field] for field in FIELDS}}
