"""二段階認証 (TOTP): after the password, the people ``settings.REQUIRE_TOTP_FOR`` names (the
事務局, the admin site's users) enter a 6-digit code from an authenticator app, or one of
their 10 one-time recovery codes. The devices are django-otp's (``otp_totp``, ``otp_static``);
this package says who must use one (``rules``), writes them (``services``), keeps an
unconfirmed session on the code's page (``middleware``) and draws the pages (``views``)."""
