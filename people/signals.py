"""What the people app announces, once a change has committed, to whoever subscribes."""

from django.dispatch import Signal

# Who may do what changed for one person — a role given (an invitation, the admin's add),
# changed or taken away (人事異動), an account stopped or restarted — sent once committed:
# keyword arguments ``user_id``, ``change`` (what happened, in Japanese), ``old`` and
# ``new`` (the role as read, 「なし」 for none) and ``by`` (the user who did it, None for a script).
role_changed = Signal()
