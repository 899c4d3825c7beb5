"""Model fields whose values are encrypted at rest (see ``clearinghouse.core.crypto``).

They cannot be filtered or ordered on in the database: the ciphertext of the same value
differs each time it is written.
"""

from __future__ import annotations

import datetime

from django.db import models

from clearinghouse.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        # An empty value is stored as is (see get_prep_value): there is nothing to hide.
        return value if value is None or value == "" else crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    """A date, encrypted at rest; read back as ``datetime.date``."""

    description = "Date encrypted at rest"

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return datetime.date.fromisoformat(text) if text else None

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)

    def get_prep_value(self, value):
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return super().get_prep_value(value)
