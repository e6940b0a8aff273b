#!/usr/bin/env python3
"""A partner app's whole path with Maillage's API, in one short script (standard library only).

1. `sync`: follow a change feed (RPDE) into a local SQLite file, from where the last run
   stopped: new and changed items are written, deleted ones removed.
2. `book`: a person consents (OAuth 2 authorisation code with PKCE, RFC 7636), then the app
   books the first slot with room left from the local copy, at the price the API gives.

    python examples/partner_client.py sync --base https://maillage.example --feed creneaux
    python examples/partner_client.py book --base https://maillage.example \\
        --client-id <client_id> --redirect-uri https://app.example/retour

`book` prints the address where the person logs in and clicks «Autoriser», then reads the
address they land on (the app's redirect URI with `code` and `state`) from standard input.
A partner key (X-Api-Key) raises the app's rate limit: pass it with --key.
"""

import argparse
import base64
import hashlib
import json
import secrets
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

FEEDS = ("lieux", "espaces", "creneaux", "evenements")
RETRIES = 6  # a request refused for the rate limit (429) waits its Retry-After, then again
SCHEMA = """
CREATE TABLE IF NOT EXISTS item (
    feed TEXT NOT NULL, id TEXT NOT NULL, modified INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (feed, id)
);
CREATE TABLE IF NOT EXISTS position (feed TEXT PRIMARY KEY, next_url TEXT NOT NULL);
"""


def call(method, url, *, key=None, token=None, body=None, form=None, headers=None):
    """(status, JSON answer) of an HTTP request; an error status is returned, not raised,
    except 429, waited out (Retry-After) up to RETRIES times."""
    sent = dict(headers or {}, Accept="application/json")
    data = None
    if body is not None:
        data, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    if key:
        sent["X-Api-Key"] = key
    if token:
        sent["Authorization"] = f"Bearer {token}"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise SystemExit(f"Adresse http(s) attendue : {url}")
    request = urllib.request.Request(url, data=data, headers=sent, method=method)  # noqa: S310
    for _ in range(RETRIES):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — checked
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            answer = _json_or_text(error.read())
            if error.code != 429:
                return error.code, answer
            wait = min(int(error.headers.get("Retry-After", "5")), 60)
            print(f"Limite de requêtes atteinte : nouvel essai dans {wait} s", file=sys.stderr)
            time.sleep(wait)
        except urllib.error.URLError as error:
            raise SystemExit(f"{url} : injoignable ({error.reason})") from error
    return 429, answer


def _json_or_text(body):
    """An error's body: its JSON (problem details), or its text (a proxy's HTML page)."""
    try:
        return json.loads(body or b"null")
    except ValueError:
        return {"detail": body[:200].decode("utf-8", "replace")}


def sync(base, feed, db, key=None):
    """Follow `feed` from where the last sync stopped to its last page; counts."""
    store = sqlite3.connect(db)
    store.executescript(SCHEMA)
    row = store.execute("SELECT next_url FROM position WHERE feed = ?", (feed,)).fetchone()
    url = row[0] if row else f"{base}/api/v1/flux/{feed}"
    counts = {"pages": 0, "updated": 0, "deleted": 0}
    while True:
        status, page = call("GET", url, key=key)
        if status != 200:
            raise SystemExit(f"{url}: HTTP {status} {page}")
        counts["pages"] += 1
        with store:  # one transaction per page: the position moves with what it read
            for item in page["items"]:
                if item["state"] == "deleted":
                    store.execute("DELETE FROM item WHERE feed = ? AND id = ?", (feed, item["id"]))
                    counts["deleted"] += 1
                else:
                    store.execute(
                        "INSERT OR REPLACE INTO item VALUES (?, ?, ?, ?)",
                        (feed, item["id"], item["modified"], json.dumps(item["data"])),
                    )
                    counts["updated"] += 1
            store.execute("INSERT OR REPLACE INTO position VALUES (?, ?)", (feed, page["next"]))
        if not page["items"]:  # the last page points to itself: read it again later
            break
        url = page["next"]
    counts["stored"] = store.execute(
        "SELECT count(*) FROM item WHERE feed = ?", (feed,)
    ).fetchone()[0]
    store.close()
    return counts


def pkce():
    """(code_verifier, S256 code_challenge), RFC 7636 §4.1–4.2."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def consent(base, client_id, redirect_uri, ask=input, say=print):
    """An access token (scopes read and book) the person grants through their browser."""
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(16)
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "read book",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    say("Ouvrez cette adresse, connectez-vous et cliquez « Autoriser » :")
    say(f"{base}/oauth/authorize/?{query}")
    landed = urllib.parse.urlsplit(ask("Adresse de retour : ").strip())
    answer = dict(urllib.parse.parse_qsl(landed.query))
    if answer.get("state") != state or "code" not in answer:
        raise SystemExit(f"Consentement refusé ou réponse inattendue : {answer}")
    status, token = call(
        "POST",
        f"{base}/oauth/token/",
        form={
            "grant_type": "authorization_code",
            "code": answer["code"],
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    if status != 200:
        raise SystemExit(f"Jeton refusé : HTTP {status} {token}")
    return token["access_token"]


def free_slots(db, after):
    """The slots of the local copy with room left, starting after `after`, soonest first."""
    store = sqlite3.connect(db)
    rows = store.execute("SELECT data FROM item WHERE feed = 'creneaux'").fetchall()
    store.close()
    slots = [json.loads(data) for (data,) in rows]
    slots = [
        s
        for s in slots
        if s["remainingUses"] > 0 and datetime.fromisoformat(s["startDate"]) > after
    ]
    return sorted(slots, key=lambda s: (s["startDate"], s["identifier"]))


def book(base, db, token, key=None, say=print):
    """Book the first free slot of the local copy for the consenting person; the booking."""
    for slot in free_slots(db, datetime.now(UTC) + timedelta(hours=1)):
        if not slot["price_url"].startswith(f"{base}/"):
            continue  # the token goes to the platform only, whatever a feed item says
        status, price = call("GET", slot["price_url"], key=key, token=token)
        if status != 200:
            continue  # too soon, too far ahead or not for this person: the next one
        status, booking = call(
            "POST",
            f"{base}/api/v1/reservations",
            key=key,
            token=token,
            headers={"Idempotency-Key": str(uuid.uuid4())},
            body={
                "space": slot["facilityUse"],
                "start": slot["startDate"],
                "end": slot["endDate"],
                "seats": 1,
                "person_price_cents": price["person_cents"],
            },
        )
        if status == 201:
            say(
                f"Réservé : {booking['start']} → {booking['end']}, {price['person_cents']} centimes"
            )
            return booking
        say(f"Créneau {slot['identifier']} refusé : HTTP {status} {booking.get('detail')}")
    raise SystemExit("Aucun créneau réservable dans la copie locale : relancez `sync`.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "book"])
    parser.add_argument("--base", required=True, help="https://… sans / final")
    parser.add_argument("--db", default="partenaire.sqlite3")
    parser.add_argument("--key", help="clé de partenaire (mlgp_…)")
    parser.add_argument("--feed", choices=FEEDS, default="creneaux")
    parser.add_argument("--client-id")
    parser.add_argument("--redirect-uri")
    args = parser.parse_args(argv)
    base = args.base.rstrip("/")
    if args.command == "sync":
        print(json.dumps({args.feed: sync(base, args.feed, args.db, args.key)}))
        return
    if not (args.client_id and args.redirect_uri):
        parser.error("book : --client-id et --redirect-uri sont requis")
    sync(base, "creneaux", args.db, args.key)
    token = consent(base, args.client_id, args.redirect_uri)
    booking = book(base, args.db, token, args.key)
    print(json.dumps({"booking": booking["id"], "status": booking["status"]}))


if __name__ == "__main__":
    sys.exit(main())
