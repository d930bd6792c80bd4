"""Homework between sessions: the built-in staged exercises, in our own words.

A staged exercise moves through its stages one at a time, and only when both
partners have said they are ready for the next (couples/services/homework.py).
The descriptions are short and neutral on purpose: the therapist explains the
exercise; these words only remind the couple where they are.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    title: str
    description: str


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    stages: tuple

    @property
    def last_stage(self) -> int:
        return len(self.stages)

    def stage(self, number: int) -> Stage | None:
        """Stage ``number`` (from 1), or ``None`` past the last one."""
        if 1 <= number <= len(self.stages):
            return self.stages[number - 1]
        return None


SENSATE_FOCUS = Exercise(
    key="sensate_focus",
    title=_("Sensate focus"),
    stages=(
        Stage(
            _("Touch without a goal"),
            _(
                "Take turns touching each other for your own interest, leaving out breasts "
                "and genitals. No sex. Notice what you feel; there is nothing to achieve."
            ),
        ),
        Stage(
            _("The whole body, still without a goal"),
            _(
                "Take turns as before; breasts and genitals may be included, without aiming "
                "for arousal or orgasm. Still no sex."
            ),
        ),
        Stage(
            _("Touching together"),
            _(
                "Touch each other at the same time, the whole body included, still with "
                "nothing to achieve and no sex."
            ),
        ),
        Stage(
            _("Closeness you both choose"),
            _(
                "Add the closeness you have both agreed to, at an easy pace. Either of you "
                "can go back to an earlier stage whenever you like."
            ),
        ),
    ),
)

EXERCISES = {exercise.key: exercise for exercise in (SENSATE_FOCUS,)}


def exercise_choices() -> list:
    return [(key, exercise.title) for key, exercise in EXERCISES.items()]


def exercise_for(key: str) -> Exercise | None:
    return EXERCISES.get(key or "")
