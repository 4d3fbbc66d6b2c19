"""Runs localstripe (the fake Stripe server from PyPI) for the tests: on 127.0.0.1 only, with
its state in memory (its own command line binds every interface and pickles state to /tmp), and
with ``GET /v1/account``, which dj-stripe asks for and localstripe lacks.

Usage: python tests/billing/localstripe_server.py PORT
"""

import sys

from aiohttp import web
from localstripe import server
from localstripe.resources import store


async def account(request):
    return web.json_response(
        {
            "id": "acct_localstripe",
            "object": "account",
            "livemode": False,
            "metadata": {},
            "settings": {"dashboard": {"display_name": "localstripe"}},
        }
    )


if __name__ == "__main__":
    store.dump_to_disk = lambda: None
    server.app.router.add_get("/v1/account", account)
    web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
