"""inventory: a FastAPI service whose callers are authenticated by meshauth.

    make python-develop                     # builds the meshauth package into .venv
    make issuer                             # the development issuer on http://127.0.0.1:8400
    MESHAUTH_ISSUER=http://127.0.0.1:8400 PORT=8401 .venv/bin/python examples/python/inventory.py

Callers are services with their own client-credentials token (`orders` registered for
`inventory`) and users whose token a first-party service forwards.
"""

import os
import socket
import sys

import uvicorn
from fastapi import Depends, FastAPI

import meshauth
from meshauth import Principal
from meshauth.integrations.asgi import MeshAuthMiddleware
from meshauth.integrations.fastapi import install_error_handler, require_principal

issuer = os.environ.get("MESHAUTH_ISSUER")
if not issuer:
    sys.exit("set MESHAUTH_ISSUER to the issuer URL, e.g. http://127.0.0.1:8400")

# Tokens must come from `issuer` and name `inventory` in their `aud`; keys are found by discovery.
validator = meshauth.Validator(issuer=issuer, audience="inventory", discovery=True)

app = FastAPI()
# Every route needs a valid token; a refused call gets the catalogue's status, WWW-Authenticate
# header and {"error": code, "error_description": ...}.
app.add_middleware(MeshAuthMiddleware, validator=validator)
install_error_handler(app)


@app.get("/items")
def items(principal: Principal = Depends(require_principal())) -> dict:
    return {
        "service": "inventory",
        "caller": {
            "subject": principal.subject,
            "client_id": principal.client_id,
            "is_client": principal.is_client,
            "scopes": principal.scopes,
        },
        "items": [{"sku": "mesh-001", "stock": 12}],
    }


def main() -> None:
    try:
        validator.refresh()  # fetch the issuer's keys before taking traffic
    except meshauth.KeySourceUnavailable as error:
        print(f"inventory: keys not fetched yet: {error}", file=sys.stderr)
    sock = socket.socket()
    sock.bind(("127.0.0.1", int(os.environ.get("PORT", "8401"))))
    print(f"inventory listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
