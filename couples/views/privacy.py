from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy(request):
    """The plain-language privacy page: public, no sign-in needed."""
    return render(request, "privacy.html")
