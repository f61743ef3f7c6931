"""Run once after upgrading to decoded uploads: re-encodes every stored photo and drawing without its metadata."""

from django.core.management.base import BaseCommand

from carryover.homework.attachments import attachment_reclean
from carryover.homework.models import Attachment, AttachmentKind


class Command(BaseCommand):
    help = "Re-encode stored photos and drawings without EXIF/GPS (once, after upgrading)."

    def handle(self, *args, **options) -> None:
        images = Attachment.objects.exclude(kind=AttachmentKind.AUDIO).order_by("pk")
        done = skipped = 0
        for attachment in images.iterator():
            if attachment_reclean(attachment=attachment):
                done += 1
            else:
                skipped += 1
        self.stdout.write(f"Re-encoded: {done}. Left as they were (they do not decode): {skipped}.")
