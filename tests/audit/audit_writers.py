"""Run by ``test_audit_concurrency.py`` as a process of its own on a deployment's
database (the environment of ``cli``):

- ``write THREADS EVENTS``: THREADS threads each record EVENTS audit events, each in a
  transaction held open a few random milliseconds (so that commits come out of insert
  order), while one more thread seals in a loop; prints ``recorded=N sealed_during=M``.
- ``tamper ID``: changes event ID's detail with the triggers dropped, as a database
  administrator could.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from clearinghouse.audit import chain, events, triggers  # noqa: E402
from clearinghouse.audit.models import AuditEvent  # noqa: E402


def writer(number: int, count: int, errors: list) -> None:
    try:
        for n in range(count):
            with transaction.atomic():
                events.record("tipline:report:viewed", writer=number, number=n)
                time.sleep(random.random() * 0.003)  # noqa: S311 (timing, not secrets)
    except Exception as error:  # reported by the main thread
        errors.append(error)
    finally:
        connection.close()


def sealer(stop: threading.Event, sealed: list, errors: list) -> None:
    try:
        while not stop.is_set():
            sealed.append(chain.seal())
            time.sleep(0.01)
    except Exception as error:
        errors.append(error)
    finally:
        connection.close()


def write(threads: int, count: int) -> None:
    errors, sealed, stop = [], [], threading.Event()
    writers = [
        threading.Thread(target=writer, args=(number, count, errors)) for number in range(threads)
    ]
    sealing = threading.Thread(target=sealer, args=(stop, sealed, errors))
    sealing.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    sealing.join()
    if errors:
        raise SystemExit(f"failed: {errors!r}")
    print(f"recorded={AuditEvent.objects.count()} sealed_during={sum(sealed)}")


def tamper(event_id: int) -> None:
    with transaction.atomic():
        triggers.drop(connection)
        AuditEvent.objects.filter(pk=event_id).update(detail={"number": -1})
    print("tampered")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(int(sys.argv[2]), int(sys.argv[3]))
    else:
        tamper(int(sys.argv[2]))
