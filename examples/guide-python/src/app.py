"""The guide's handler, done right.

The guide answers every request with a fixed header dict:

    "headers": {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": "*",
        "Access-Control-Allow-Methods": "*",
    },

This one names the origin it allows: the request's Origin, echoed only when it is on the allow-list
(ALLOWED_ORIGINS, from the template's AppOrigin), with Vary: Origin so no cache hands one origin's answer to
another. The preflight is API Gateway's (the template's Cors), so Allow-Headers and Allow-Methods belong
there, not here. And every path answers with the same headers, errors included: a 500 without
Access-Control-Allow-Origin reaches the page as a CORS error, not as the error it is.
"""

import json
import os

ALLOWED_ORIGINS = {origin.strip() for origin in os.environ.get("ALLOWED_ORIGINS", "").split(",") if origin.strip()}

ITEMS = {"1": {"id": "1", "name": "first item"}}


def cors_headers(event):
    """Access-Control-Allow-Origin for an allowed Origin only, and Vary: Origin always."""
    headers = {"Content-Type": "application/json", "Vary": "Origin"}
    request_headers = event.get("headers") or {}
    origin = next((value for name, value in request_headers.items() if name.lower() == "origin"), None)
    if origin in ALLOWED_ORIGINS:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def respond(event, status_code, body):
    return {"statusCode": status_code, "headers": cors_headers(event), "body": json.dumps(body)}


def lambda_handler(event, context):
    try:
        method = event["httpMethod"]
        item_id = (event.get("pathParameters") or {}).get("id")
        if method == "GET" and item_id is None:
            return respond(event, 200, list(ITEMS.values()))
        if method == "GET":
            item = ITEMS.get(item_id)
            if item is None:
                return respond(event, 404, {"message": "no item " + item_id})
            return respond(event, 200, item)
        if method == "POST":
            data = json.loads(event.get("body") or "{}")
            item = {"id": str(len(ITEMS) + 1), "name": str(data.get("name", ""))}
            ITEMS[item["id"]] = item
            return respond(event, 201, item)
        return respond(event, 405, {"message": "method not allowed"})
    except json.JSONDecodeError:
        return respond(event, 400, {"message": "the body is not JSON"})
    except Exception as error:  # noqa: BLE001 - the page must see the 500, not a CORS error
        print("[ERROR]", repr(error))
        return respond(event, 500, {"message": "internal error"})
