"""Channel-layer group names are built here and nowhere else.

``couple.<id>`` carries shared things to both partners; ``user.<id>`` carries a
person's own things (private reflections included) to their own devices only.
"""


def couple_group(couple_id):
    return f"couple.{int(couple_id)}"


def user_group(user_id):
    return f"user.{int(user_id)}"
