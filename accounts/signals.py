"""What accounts announces to the rest of the project, without knowing it.

``profile_changed`` is sent inside the transaction that saved a person's
profile (their display name); the couples app listens, because the partner
bar shows each partner the other's name. A narrow interface instead of an
import: accounts knows nothing of couples or of live sync.
"""

from django.dispatch import Signal

# sender: the user model; user: the person whose profile changed.
profile_changed = Signal()
