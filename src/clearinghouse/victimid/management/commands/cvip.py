"""``clearinghouse cvip status [ID...]`` and ``clearinghouse cvip resume``: how far the
processing of submissions has come, and restarting it for every unfinished one (say,
after restoring a backup, or losing the task queue with its scheduled runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.victimid import processing
from clearinghouse.victimid.models import CvipItem, CvipSubmission


class Command(BaseCommand):
    help = "Victim identification submissions: processing status, and resuming it."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        status = actions.add_parser("status", help="done/total per submission")
        status.add_argument("ids", nargs="*", type=int, help="submission ids (default: open)")
        actions.add_parser("resume", help="enqueue processing of every unfinished submission")

    def handle(self, *args, action: str, **options):
        if action == "resume":
            count = processing.enqueue_unfinished()
            self.stdout.write(f"resumed {count} unfinished submission{'s' * (count != 1)}")
            return
        submissions = CvipSubmission.objects.exclude(kind="").select_related("agency")
        if options["ids"]:
            submissions = submissions.filter(pk__in=options["ids"])
            if len(submissions) != len(set(options["ids"])):
                raise CommandError("no such submission among the ids given")
        else:
            unfinished = CvipItem.objects.exclude(state=CvipItem.State.DONE)
            submissions = submissions.filter(pk__in=unfinished.values("submission_id"))
        for submission in submissions.order_by("pk"):
            counts = processing.progress(submission)
            state = "processed" if submission.processed_at else "processing"
            self.stdout.write(
                f"{submission.pk}\t{submission.external_id}\t{submission.agency.name}\t"
                f"{counts.done}/{counts.total}\t{counts.matched} matched\t{state}"
            )
