"""Calls released at the same moment, for the race tests (PostgreSQL, transactional_db)."""

import threading

from django.db import connection

from schools.errors import ApplicationError


def at_once(call, arguments) -> tuple[list, list[str]]:
    """``call(argument)`` for every argument in its own thread (and database connection), all
    waiting at one barrier first. Returns what the calls returned, and the messages of the
    ApplicationErrors they raised, each in the order the calls finished."""
    returned, refused = [], []
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait()
            returned.append(call(argument))
        except ApplicationError as error:
            refused.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return returned, refused
