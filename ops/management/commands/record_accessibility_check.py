import json

from django.core.management import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from ops.models import AccessibilityCheck


class Command(BaseCommand):
    help = (
        "アクセシビリティの自動検査（axe-core）の結果を、利用者の種類ごとにデータベースに記録します"
        "（アクセシビリティ方針のページに表示）。--json で、記録を公開用の形"
        "（publication/accessibility_check.json）で表示します。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("who", nargs="?", help="利用者の種類（anonymous, secretariat …）")
        parser.add_argument("pages", nargs="?", type=int, help="検査したページ数")
        parser.add_argument("violations", nargs="?", type=int, help="違反の数")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="記録を JSON で表示する"
        )

    def handle(self, *args, who, pages, violations, as_json: bool, **options) -> None:
        try:
            if as_json:
                self.stdout.write(release_json())
                return
            if who is None or pages is None or violations is None:
                raise CommandError("利用者の種類・ページ数・違反の数を指定してください。")
            AccessibilityCheck.objects.update_or_create(
                who=who,
                defaults={
                    "checked_on": timezone.localdate(),
                    "pages": pages,
                    "violations": violations,
                },
            )
        except DatabaseError as error:
            raise CommandError(
                f"記録するデータベースが使えません（manage.py migrate を実行しましたか）: {error}"
            ) from None


def release_json() -> str:
    """The records in the form of the release's publication/accessibility_check.json."""
    checks = list(AccessibilityCheck.objects.order_by("pk"))
    if not checks:
        raise CommandError("検査の記録がありません。")
    return json.dumps(
        {
            "users": {c.who: {"pages": c.pages, "violations": c.violations} for c in checks},
            "date": max(c.checked_on for c in checks).isoformat(),
        },
        ensure_ascii=False,
        indent=1,
    )
