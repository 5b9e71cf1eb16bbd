"""The one-time link of an invitation, made by Django's token machinery.

A link is signed with the user's password hash and last login, so it stops working the
moment it is used (a password is set) and after ``PASSWORD_RESET_TIMEOUT`` (3 days; the
事務局 sends a new one from the people page). Its own salt keeps an invitation's link and a
forgotten password's link from standing in for each other.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "people.tokens.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()
