"""HTTP only: each view resolves the person (and their couple) once, checks
access, validates a form, calls a service and renders a part or a page."""
