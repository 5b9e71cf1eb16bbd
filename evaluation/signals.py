"""What the records announce to the layers above them (publication), which subscribe
instead of being imported from here."""

from django.dispatch import Signal

# A cycle moved one phase (``services.cycle_move``), sent once the move has committed:
# keyword arguments ``cycle``, ``from_phase``, ``to_phase`` and ``user``.
phase_moved = Signal()

# A record was sent back for correction (``evaluation.send_back``), sent once the send-back
# has committed (a rolled-back one tells nobody): keyword arguments as ``notice_of`` builds
# them, ``cycle``, ``users``, ``what``, ``url``, ``comment``, ``by`` and ``key``.
sent_back = Signal()
