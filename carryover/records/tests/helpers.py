"""A built export of Bob's with a link token known to the test, made by the same services the worker runs."""

from carryover.records.models import Audience
from carryover.records.services import export_build, export_new_token, export_request


def ready_export(personas) -> dict:
    export = export_request(client=personas.bob.membership, actor=personas.bob, audience=Audience.CLIENT)
    export_build(export_id=export.pk)
    return {"pk": export.pk, "token": export_new_token(export=export)}


def ready_archive(personas) -> dict:
    from carryover.records.archive import archive_build, archive_request

    archive = archive_request(practice=personas.practice, actor=personas.admin)
    archive_build(archive_id=archive.pk)
    return {"pk": archive.pk}
