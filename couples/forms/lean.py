"""Fields that templates/includes/_field.html draws from one template.

Django draws a field group (``{{ field.as_field_group }}``) through four or five
nested templates: field.html, label.html and its attrs.html, the error list and
the widget's own template. Every live push renders the dashboard's parts once
per recipient, and most of a part's time went there.

``LeanBoundField.lean`` works out, once and in Python, the values those
templates would compute (the label's text and attributes, the help text's id,
the errors, the widget's context with the attributes ``as_widget`` gives it),
and ``_field.html`` writes the same markup from them. No markup is built here:
only the values the template puts into its own markup. A field whose group
Django would draw differently (a fieldset, no label, its own template, a widget
other than a textarea or a plain input) gets ``lean["widget"] is None`` or
``lean is None`` and is drawn by Django as before.
"""

from django.forms import BoundField
from django.forms.forms import BaseForm
from django.forms.renderers import BaseRenderer
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

TEXTAREA = "django/forms/widgets/textarea.html"
# Widget templates that are only {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "date", "email", "password", "number", "url")
)


def _attrs(attrs):
    """The attributes django/forms/attrs.html writes, in order (False is left out,
    True is written as a bare name by the template)."""
    return [(name, value) for name, value in attrs.items() if value is not False]


class LeanBoundField(BoundField):
    @cached_property
    def lean(self):
        field, form = self.field, self.form
        if (
            self.use_fieldset
            or not self.label
            or field.template_name
            or self.renderer.field_template_name != BaseRenderer.field_template_name
            or form.template_name_label != BaseForm.template_name_label
        ):
            return None
        widget = field.widget
        # BoundField.label_tag
        label_suffix = field.label_suffix if field.label_suffix is not None else form.label_suffix
        suffix = label_suffix if label_suffix and self.label[-1] not in _(":?.!") else ""
        id_ = widget.attrs.get("id") or self.auto_id
        label_attrs = {}
        if id_:
            id_for_label = widget.id_for_label(id_)
            if id_for_label:
                label_attrs["for"] = id_for_label
            if field.required and hasattr(form, "required_css_class"):
                label_attrs["class"] = form.required_css_class
        return {
            "label": self.label,
            "suffix": suffix,
            "label_tag": bool(id_),
            "label_attrs": _attrs(label_attrs),
            "help_id": f"{self.auto_id}_helptext" if self.auto_id else "",
            "errors": self.errors,
            "widget": self._widget(),
        }

    def _widget(self):
        """The widget's context as BoundField.as_widget renders it, for a textarea
        or a plain input; None for anything else (drawn by its own template)."""
        field = self.field
        widget = field.widget
        template = widget.template_name
        if field.show_hidden_initial or (template != TEXTAREA and template not in INPUTS):
            return None
        if field.localize:
            widget.is_localized = True
        attrs = self.build_widget_attrs({}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        context = widget.get_context(self.html_name, self.value(), attrs)["widget"]
        context["textarea"] = template == TEXTAREA
        context["attr_list"] = _attrs(context["attrs"])
        return context


class LeanForm:
    """Mixin for a form whose fields _field.html draws from one template."""

    bound_field_class = LeanBoundField
