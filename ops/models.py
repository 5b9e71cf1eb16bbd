from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityCheck(models.Model):
    """The last axe-core check (tests/e2e/test_accessibility.py) of the pages one kind of
    user can reach, shown on the アクセシビリティ方針 page. In the database, not in a file of
    the machine that ran it, so that every node shows the same figures."""

    who = models.CharField(_("利用者の種類"), max_length=40, unique=True)
    checked_on = models.DateField(_("検査した日"))
    pages = models.PositiveIntegerField(_("検査したページ数"))
    violations = models.PositiveIntegerField(_("違反の数"))

    class Meta:
        verbose_name = _("アクセシビリティの検査結果")
        verbose_name_plural = _("アクセシビリティの検査結果")

    def __str__(self) -> str:
        return f"{self.who} {self.checked_on}: {self.pages} ページ, 違反 {self.violations}"
