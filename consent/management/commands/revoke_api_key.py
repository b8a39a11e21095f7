from django.core.management.base import BaseCommand, CommandError

from consent.models import ApiKey
from consent.services import api_key_revoke
from core.audit import Actor


class Command(BaseCommand):
    help = "Revoke an API key by its prefix (the 8 hex digits after 'fg_'). It stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        key = ApiKey.objects.select_related("tenant").filter(prefix=prefix).first()
        if key is None:
            raise CommandError(f"no API key with prefix {prefix!r}")
        key = api_key_revoke(key=key, actor=Actor.system("revoke_api_key"))
        assert key.revoked_at is not None  # a revoked key's
        self.stdout.write(f"api key {key.prefix} of {key.tenant.slug} revoked at {key.revoked_at.isoformat()}")
