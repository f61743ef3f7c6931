"""Key rotation: re-encrypt every encrypted field, session and stored file under the newest key (the first in
FIELD_ENCRYPTION_KEYS), so that older keys can then be removed.

Resumable without keeping any state: a value that the newest key already opens is left alone, so a run that was
stopped part-way is simply run again. Each row is updated only if it still holds the token that was read (a
request saving the row meanwhile has already encrypted under the newest key). A value that no configured key
opens is counted and left exactly as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, models

from carryover.homework.models import Attachment
from carryover.lib.crypto import EncryptedJSONField, fernet
from carryover.lib.filestore import FileStoreError, store_delete, store_get, store_put

Progress = Callable[[str, int, int], None]


class RotationError(RuntimeError):
    pass


@dataclass
class Rotation:
    rotated: int = 0
    current: int = 0  # already under the newest key
    unreadable: dict[str, int] = field(default_factory=dict)  # "app.Model.field": how many no key opens


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    """Every model field stored as a Fernet token: the encrypted JSON fields of every app, and the sessions."""
    found: list[tuple[type[models.Model], str]] = [
        (model, item.column)
        for model in apps.get_models()
        for item in model._meta.concrete_fields
        if isinstance(item, EncryptedJSONField)
    ]
    return [*found, (Session, "session_data")]


def _newest() -> Fernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise RotationError("FIELD_ENCRYPTION_KEYS is not set: put the new key first, the old ones after it.")
    return Fernet(keys[0])


def _opens(key: Fernet, token: bytes) -> bool:
    try:
        key.decrypt(token)
    except InvalidToken:
        return False
    return True


def _batches(model: type[models.Model], column: str, size: int) -> Iterator[list[tuple]]:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    last = None
    while True:
        where, params = ("", [size]) if last is None else (f"WHERE {pk} > %s", [last, size])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table} {where} ORDER BY {pk} LIMIT %s", params)  # noqa: S608
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rotate_column(model: type[models.Model], column: str, *, size: int, result: Rotation, progress: Progress) -> None:
    label, newest, every = f"{model._meta.label}.{column}", _newest(), fernet()
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s AND {quote(column)} = %s"
    )
    done, total = 0, model._base_manager.count()
    for rows in _batches(model, column, size):
        for pk, value in rows:
            if value is None:
                continue
            token = value.encode() if isinstance(value, str) else bytes(value)
            if _opens(newest, token):
                result.current += 1
                continue
            try:
                fresh = every.rotate(token).decode()
            except InvalidToken:
                result.unreadable[label] = result.unreadable.get(label, 0) + 1
                continue
            with connection.cursor() as cursor:
                cursor.execute(update, [fresh, pk, value])
            result.rotated += 1
        done += len(rows)
        progress(label, done, total)


def _rotate_files(*, result: Rotation, progress: Progress) -> None:
    """Each file: a new object under the newest key, then the row, then the old object goes (as reclean does),
    so a stop at any point leaves every attachment readable."""
    newest, every = _newest(), fernet()
    attachments = list(Attachment.objects.order_by("pk").values_list("pk", "client_id", "path"))
    for done, (pk, client_id, path) in enumerate(attachments, start=1):
        try:
            token = store_get(path)
        except FileStoreError:
            result.unreadable["files"] = result.unreadable.get("files", 0) + 1
            continue
        if _opens(newest, token):
            result.current += 1
        else:
            try:
                fresh = every.rotate(token)
            except InvalidToken:
                result.unreadable["files"] = result.unreadable.get("files", 0) + 1
                continue
            name = store_put(f"attachments/{client_id}/{uuid.uuid4().hex}.bin", fresh)
            if Attachment.objects.filter(pk=pk, path=path).update(path=name):
                store_delete(path)
            else:
                store_delete(name)  # the row changed meanwhile (recleaned): its new file is already current
            result.rotated += 1
        progress("files", done, len(attachments))


def keys_rotate(*, batch_size: int = 500, progress: Progress = lambda label, done, total: None) -> Rotation:
    result = Rotation()
    for model, column in encrypted_columns():
        _rotate_column(model, column, size=batch_size, result=result, progress=progress)
    _rotate_files(result=result, progress=progress)
    return result
