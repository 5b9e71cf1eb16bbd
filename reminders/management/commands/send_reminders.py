from datetime import datetime

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from reminders.run_lock import run_lock
from reminders.send_back import unsent_send_backs
from reminders.sending import RunResult, due_reminders, send

# Said when another run (this machine or another node's timer) holds the lock: not a
# failure, so the command ends with status 0.
ANOTHER_RUN = (
    "別の send_reminders が送信中のため、今回は何もせずに終わります（二重には送りません）。"
)


class Command(BaseCommand):
    help = (
        "期限が近い・過ぎた・段階が始まった評価サイクルについて、未入力のある人にメールを送ります。"
        "差し戻しのお知らせで送れなかったものも送ります。"
        "送信済みのものは送りません（1時間ごとに実行して構いません）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="送らずに、送るはずのメールを表示する"
        )
        parser.add_argument(
            "--now",
            help="この日時として判定する（例: 2021-06-24T09:00+09:00。確認用）",
        )

    def handle(self, *args, dry_run: bool, now: str | None, **options) -> None:
        moment = self._parse(now)
        with run_lock() as taken:
            if not taken:
                self.stdout.write(ANOTHER_RUN)
                return
            result = RunResult()
            outgoing = due_reminders(moment, result) + unsent_send_backs(result, moment)
            if dry_run:
                for item in outgoing:
                    self.stdout.write(f"{item.message.to[0]}\t{item.message.subject}")
                self.stdout.write(f"送信予定 {len(outgoing)}通（--dry-run のため送っていません）")
                return
            send(outgoing, result)
        self._report(result)

    def _parse(self, now: str | None) -> datetime | None:
        if now is None:
            return None
        moment = parse_datetime(now)
        if moment is None or moment.tzinfo is None:
            raise CommandError(
                "--now はタイムゾーン付きの日時で指定してください（例: 2021-06-24T09:00+09:00）。"
            )
        return moment

    def _report(self, result: RunResult) -> None:
        for record in result.sent:
            self.stdout.write(f"送信: {record.recipient}\t{record.subject}")
        for username in result.no_address:
            self.stderr.write(f"メールアドレスがないため送れません: {username}")
        for address, error in result.failed:
            self.stderr.write(f"送信できませんでした: {address}: {error}")
        self.stdout.write(f"送信 {len(result.sent)}通")
        for address in result.uncertain:
            self.stderr.write(
                f"送信の途中で接続が切れ、届いたか分かりません: {address}"
                f"（{settings.REMINDER_CLAIM_STALE_MINUTES}分たってからの実行で送り直します）"
            )
        if result.aborted:
            raise CommandError(
                f"メールサーバーに送れませんでした（{result.aborted}）。"
                "送れなかったものは次の実行で送り直します。"
            )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)}通を送れませんでした（次の実行で送り直します）。"
            )
