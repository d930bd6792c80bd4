"""A second real PostgreSQL transaction for the concurrency tests: ``target`` runs
in its own thread (its own connection, closed after), and what it raised is kept
for the test thread to look at."""

import threading

from django.db import close_old_connections, connection


def in_thread(target):
    """Start ``target`` in a thread: ``(thread, errors)``."""
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # surfaced in the test thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors
