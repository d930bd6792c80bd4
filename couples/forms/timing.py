from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.i18n import lazy_format, lower_lazy
from ..domain.overlap import DAYS, EMPTY_GRID, LEVELS, NOT_SAID, PARTS, cell_name, index
from ..models.timing import NOTES_MAX_LENGTH
from .lean import LeanForm

# "Not said" first: a fresh grid says nothing, and nothing is ever preselected as open.
LEVEL_CHOICES = [(NOT_SAID, LEVELS[NOT_SAID])] + [
    (key, label) for key, label in LEVELS.items() if key != NOT_SAID
]
BAD_CHOICE = _("Choose usually open, sometimes, rarely or not said.")


__all__ = ["BAD_CHOICE", "LEVEL_CHOICES", "TimingGridForm", "cell_name"]


class TimingGridForm(LeanForm, forms.Form):
    """One select per cell (day by part of day), keyboard- and phone-friendly."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy_format(
            _(
                "Anything the grid cannot say, e.g. “a morning person” or “never on "
                "work nights”. Up to %(limit)s characters."
            ),
            limit=NOTES_MAX_LENGTH,
        ),
        error_messages={
            "max_length": _(
                "Notes can be at most %(limit_value)d characters "
                "(now %(show_value)d). Shorten them and save again."
            )
        },
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        cells = cells or EMPTY_GRID
        for d, (day_key, day_label, _s) in enumerate(DAYS):
            for p, (part_key, part_label, _ps) in enumerate(PARTS):
                self.fields[cell_name(day_key, part_key)] = forms.ChoiceField(
                    label=lazy_format(
                        pgettext_lazy(
                            "a cell of the week: day, part of the day", "%(day)s, %(part)s"
                        ),
                        day=day_label,
                        part=lower_lazy(part_label),
                    ),
                    choices=LEVEL_CHOICES,
                    initial=cells[index(d, p)],
                    error_messages={"required": BAD_CHOICE, "invalid_choice": BAD_CHOICE},
                )

    def week(self):
        """Day by day, for the template: ``[(day_label, [(part_label, bound_field)])]``."""
        return [
            (
                day_label,
                [
                    (part_label, self[cell_name(day_key, part_key)])
                    for part_key, part_label, _ in PARTS
                ],
            )
            for day_key, day_label, _ in DAYS
        ]

    def cells(self):
        """The 35-character grid from cleaned data (valid forms only)."""
        return "".join(
            self.cleaned_data[cell_name(day_key, part_key)]
            for day_key, _dl, _ds in DAYS
            for part_key, _pl, _ps in PARTS
        )
