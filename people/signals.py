"""What the people app announces, once a change has committed, to whoever subscribes."""

from django.dispatch import Signal

# A person's role or 実施主体 changed, or a role was given (an invitation, the admin's add):
# keyword arguments ``participant_id``, ``old_role`` ("" when new), ``old_body_id`` and ``by``
# (the user who made the change, or None for a script).
role_changed = Signal()
