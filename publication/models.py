"""Editions: a published year as a document.

When a year moves to 確定 the app builds its edition (``publication.editions``): every
public page and file of the year rendered once, stored with its SHA-256, and a JSON
snapshot of what they show. Once the year is 公開 the public is served those bytes and
nothing live. A change after publication is a 訂正, which ends in a new edition (第2版, …)
with a 正誤表; earlier editions stay downloadable.

An edition never changes after it is built: ``save()`` of an existing row and deleting a
published one are refused here, whoever calls them (views, services, the admin, a shell).
Publishing is the one write an edition takes later, and only once (``publish``).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import CorrectionState, Cycle, Phase
from policies.fiscal_years import wareki


class EditionChangeRefused(Exception):
    """An edition is a published document: it is never edited or removed."""


class EditionQuerySet(models.QuerySet["Edition"]):
    def published(self):
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def delete(self):
        if self.published().exists():
            raise EditionChangeRefused(_("公開した版は削除できません。"))
        return super().delete()

    def update(self, **kwargs):
        raise EditionChangeRefused(_("版の内容は変更できません。"))


class Edition(models.Model):
    """第n版 of a year: built at 確定 (a draft until 公開), immutable."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="editions", verbose_name=_("年度")
    )
    number = models.PositiveSmallIntegerField(_("版"))
    # The labels it was built for, kept on the edition itself: what a URL of the year finds
    # is decided by these, not by the cycle's current fields.
    plan_code = models.SlugField(_("計画コード"), max_length=50)
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    built_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作成した人"),
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    snapshot = models.JSONField(_("掲載内容"))
    errata = models.JSONField(_("正誤表"), default=list, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("版")
        verbose_name_plural = _("版")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="one_edition_number")
        ]

    def __str__(self) -> str:
        return f"{wareki(self.fiscal_year)} 第{self.number}版"

    @property
    def label(self) -> str:
        return f"第{self.number}版"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EditionChangeRefused(_("版の内容は変更できません。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise EditionChangeRefused(_("公開した版は削除できません。"))
        return super().delete(*args, **kwargs)

    def publish(self, when=None) -> None:
        """The one later write: the draft becomes public, once (a published edition keeps
        its date)."""
        when = when or timezone.now()
        models.QuerySet(Edition).filter(pk=self.pk, published_at__isnull=True).update(
            published_at=when
        )
        self.refresh_from_db(fields=["published_at"])


class EditionFileQuerySet(models.QuerySet["EditionFile"]):
    def served(self):
        """Files of the edition the public is served: the newest published one of a year
        that is 公開 now (a year moved back from 公開 serves nothing)."""
        newest = (
            Edition.objects.published()
            .filter(cycle=models.OuterRef("edition__cycle"))
            .order_by("-number")
            .values("number")[:1]
        )
        return self.filter(
            edition__published_at__isnull=False,
            edition__cycle__phase=Phase.PUBLISHED,
            edition__number=models.Subquery(newest),
        )

    def update(self, **kwargs):
        raise EditionChangeRefused(_("版のファイルは変更できません。"))


class EditionFile(models.Model):
    """One rendered page or file of an edition, as bytes, with its SHA-256."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="files", verbose_name=_("版")
    )
    name = models.CharField(_("ファイル名"), max_length=200)
    # The public URL (path, and ``?previous=1`` where it matters) this file answers.
    path = models.CharField(_("URL"), max_length=300, db_index=True)
    content_type = models.CharField(_("種類"), max_length=100)
    disposition = models.CharField(_("Content-Disposition"), max_length=300, blank=True)
    content = models.BinaryField(_("内容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大きさ（バイト）"))
    public = models.BooleanField(_("だれでも読める"), default=True)

    objects = EditionFileQuerySet.as_manager()
    edition_number: int  # of its edition, annotated or set where a file is served

    class Meta:
        verbose_name = _("版のファイル")
        verbose_name_plural = _("版のファイル")
        ordering = ["edition", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="one_file_name_per_edition"),
            models.UniqueConstraint(fields=["edition", "path"], name="one_file_per_url"),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.name}"

    @classmethod
    def of(
        cls,
        *,
        name: str,
        path: str,
        content_type: str,
        content: bytes,
        disposition: str = "",
        public: bool = True,
    ):
        return cls(
            name=name,
            path=path,
            content_type=content_type,
            disposition=disposition,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            public=public,
        )

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise EditionChangeRefused(_("版のファイルは変更できません。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.edition.is_published:
            raise EditionChangeRefused(_("公開した版のファイルは削除できません。"))
        return super().delete(*args, **kwargs)


class CorrectionQuerySet(models.QuerySet["Correction"]):
    def pending(self):
        """訂正中 or 承認待ち: the year's one 訂正 not yet closed."""
        return self.filter(state__in=[CorrectionState.OPEN, CorrectionState.SUBMITTED])


class Correction(models.Model):
    """訂正 of a published year: the 事務局 opens it with a reason and corrects the year's
    records (the records' lock lets only them, ``Cycle.correctable_by``), submits it, and
    the 委員長 approves it — a new edition with its 正誤表 is then published at once — or
    sends it back with a comment. The public is served the current edition meanwhile."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("年度")
    )
    reason = models.TextField(_("訂正の理由"))
    state = models.CharField(
        _("状態"), max_length=20, choices=CorrectionState.choices, default=CorrectionState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("訂正を始めた人"),
    )
    opened_at = models.DateTimeField(_("訂正を始めた日時"), default=timezone.now)
    submitted_at = models.DateTimeField(_("承認を求めた日時"), null=True, blank=True)
    comment = models.TextField(_("委員長のコメント"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承認した人"),
    )
    approved_at = models.DateTimeField(_("承認した日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("取り下げた日時"), null=True, blank=True)
    edition = models.OneToOneField(
        Edition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("訂正でできた版"),
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("訂正")
        verbose_name_plural = _("訂正")
        ordering = ["cycle", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(state__in=["open", "submitted"]),
                name="one_pending_correction_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} 訂正（{self.get_state_display()}）"
