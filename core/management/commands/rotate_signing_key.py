import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.audit import Actor
from core.key_rotation import signing_key_rotate
from core.keys import KeyRingError, key_ring, public_jwk
from core.transparency import audit_integrate


class Command(BaseCommand):
    help = (
        "Make a new Ed25519 signing key active and retire the current one (kept, public half only, in the key"
        " history); prints both kids and the JWK Set to publish."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rotated = signing_key_rotate(actor=Actor.system("rotate_signing_key"))
        except KeyRingError as exc:
            raise CommandError(str(exc)) from exc
        audit_integrate()  # the rotation's own event is the first the new key signs a head over
        jwks = {"keys": [public_jwk(k) for k in key_ring().history]}
        self.stdout.write(json.dumps({**rotated, "jwks": jwks}, indent=2))
