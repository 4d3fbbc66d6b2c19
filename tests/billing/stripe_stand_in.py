"""A stand-in for the Stripe API at the HTTP edge, for what localstripe cannot do: Prices,
Checkout Sessions, the billing portal, and subscriptions in the shape of the API version
dj-stripe pins (2026-05-27.dahlia), which dj-stripe can sync.

It is a real HTTP server on 127.0.0.1 that stripe-python talks to through ``stripe.api_base``;
it keeps objects in memory, logs every request, and can be told to fail calls to a path or to do
something (as Stripe sends a webhook) before it answers a POST.
"""

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from billing.packages import Package

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_standin{next(_ids):06d}"


def parse_form(body: str) -> dict:
    """Stripe's form encoding (``a[b][0][c]=1``) into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        *path, last = re.findall(r"[^\[\]]+", key)
        node = root
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_lists(v) for v in node]
    return node


class StripeStandIn:
    def __init__(self):
        self.objects: dict[str, dict[str, dict]] = {}
        self.requests: list[tuple[str, str]] = []
        self.failing: dict[str, int] = {}  # path prefix -> HTTP status every call there gets
        self.before_post: dict[str, Callable] = {}  # path prefix -> run before answering a POST
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what tests set up -------------------------------------------------------------------

    def store(self, kind: str, obj: dict) -> dict:
        self.objects.setdefault(kind, {})[obj["id"]] = obj
        return obj

    def price_id(self, package: Package) -> str:
        return next(
            p["id"]
            for p in self.objects.get("prices", {}).values()
            if p.get("lookup_key") == package.lookup_key
        )

    def subscribe(self, customer_id: str, package: Package, status="active", created=None) -> dict:
        """Stripe's side of a finished Checkout: a subscription on the package's price."""
        now = int(time.time())
        subscription_id = new_id("sub")
        return self.store(
            "subscriptions",
            {
                "id": subscription_id,
                "object": "subscription",
                "customer": customer_id,
                "status": status,
                "created": created or now,
                "livemode": False,
                "metadata": {},
                "cancel_at_period_end": False,
                "items": {
                    "object": "list",
                    "has_more": False,
                    "data": [
                        {
                            "id": new_id("si"),
                            "object": "subscription_item",
                            "subscription": subscription_id,
                            "current_period_start": now,
                            "current_period_end": now + 30 * 86400,
                            "quantity": 1,
                            "price": self.objects["prices"][self.price_id(package)],
                        }
                    ],
                },
            },
        )

    def set_status(self, subscription_id: str, status: str):
        self.objects["subscriptions"][subscription_id]["status"] = status

    def add_invoice(self, customer_id: str, total: int, number: str) -> dict:
        return self.store(
            "invoices",
            {
                "id": new_id("in"),
                "object": "invoice",
                "customer": customer_id,
                "number": number,
                "total": total,
                "currency": "eur",
                "status": "paid",
                "created": int(time.time()),
                "livemode": False,
                "metadata": {},
                "discounts": [],
                "lines": {"object": "list", "data": [], "has_more": False},
                "invoice_pdf": f"https://pay.stripe.com/invoice/{number}/pdf",
            },
        )

    def posts(self) -> list[str]:
        return [path for method, path in self.requests if method == "POST"]

    # --- the API -------------------------------------------------------------------------------

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = parse_form(body if method == "POST" else url.query)
                stand_in.requests.append((method, url.path))
                for prefix, status in stand_in.failing.items():
                    if url.path.startswith(prefix):
                        return self._answer(
                            status, {"error": {"type": "api_error", "message": "stand-in failure"}}
                        )
                for prefix, hook in stand_in.before_post.items():
                    if method == "POST" and url.path.startswith(prefix):
                        hook()
                status, answer = stand_in.respond(method, url.path, params)
                self._answer(status, answer)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler

    def respond(self, method: str, path: str, params: dict):
        parts = path.strip("/").split("/")[1:]  # without "v1"
        if parts == ["account"]:
            return 200, {
                "id": "acct_standin",
                "object": "account",
                "settings": {"dashboard": {"display_name": "Stand-in"}},
                "livemode": False,
                "metadata": {},
            }
        if parts[:2] == ["checkout", "sessions"] and method == "POST":
            session = {
                "id": new_id("cs"),
                "object": "checkout.session",
                "url": "https://checkout.stripe.com/c/pay/stand-in",
                **params,
            }
            return 200, self.store("checkout_sessions", session)
        if parts[:2] == ["billing_portal", "sessions"] and method == "POST":
            return 200, {
                "id": new_id("bps"),
                "object": "billing_portal.session",
                "url": "https://billing.stripe.com/p/session/stand-in",
                **params,
            }
        kind = parts[0]
        table = self.objects.setdefault(kind, {})
        if len(parts) == 3 and method == "GET":  # a sub-collection (a product's features …): empty
            return 200, {"object": "list", "url": path, "has_more": False, "data": []}
        if len(parts) == 1 and method == "GET":
            return 200, {
                "object": "list",
                "url": path,
                "has_more": False,
                "data": self._filter(kind, table.values(), params),
            }
        if len(parts) == 1 and method == "POST":
            return 200, self.store(kind, self._create(kind, params))
        obj = table.get(parts[1])
        if obj is None:
            return 404, {
                "error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "message": f"No such {kind}: '{parts[1]}'",
                    "param": "id",
                }
            }
        if method == "POST":
            self._update(kind, obj, params)
        return 200, obj

    def _filter(self, kind, objects, params):
        objects = list(objects)
        if "lookup_keys" in params:
            objects = [o for o in objects if o.get("lookup_key") in params["lookup_keys"]]
        if params.get("active") == "true":
            objects = [o for o in objects if o.get("active")]
        if "customer" in params:
            objects = [o for o in objects if o.get("customer") == params["customer"]]
        if kind == "subscriptions" and params.get("status") != "all":
            objects = [o for o in objects if o["status"] not in ("canceled", "incomplete_expired")]
        return sorted(objects, key=lambda o: o.get("created", 0), reverse=True)

    def _create(self, kind, params):
        singular = {"products": "product", "prices": "price", "customers": "customer"}[kind]
        obj = {
            "object": singular,
            "livemode": False,
            "created": int(time.time()),
            "metadata": {},
            "active": True,
            **params,
        }
        obj["id"] = params.get("id") or new_id(
            {"products": "prod", "prices": "price", "customers": "cus"}[kind]
        )
        if kind == "prices":
            obj["unit_amount"] = int(params["unit_amount"])
            obj["type"] = "recurring"
            if params.pop("transfer_lookup_key", None):
                for other in self.objects.get("prices", {}).values():
                    if other.get("lookup_key") == params["lookup_key"]:
                        other["lookup_key"] = None
            obj.pop("transfer_lookup_key", None)
        if kind == "customers":
            obj.update(
                {
                    "email": None,
                    "default_source": None,
                    "sources": {"object": "list", "data": [], "has_more": False},
                    "invoice_settings": {"default_payment_method": None},
                }
            )
        return obj

    def _update(self, kind, obj, params):
        if kind == "subscriptions" and "items" in params:
            item = obj["items"]["data"][0]
            item["price"] = self.objects["prices"][params["items"][0]["price"]]
        else:
            obj.update({k: v for k, v in params.items() if k != "expand"})
        if "active" in obj and isinstance(obj["active"], str):
            obj["active"] = obj["active"] == "true"
