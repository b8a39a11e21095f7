from django.core.management.base import BaseCommand, CommandError

from consent.models import Tenant
from consent.services import api_key_create
from core.audit import Actor
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API key for a tenant. Prints the key alone on the last line, once; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--purposes", required=True, help="comma-separated, e.g. fraud_prevention,access_control")
        parser.add_argument("--name", default="")

    def handle(self, *args, tenant, purposes, name, **options):
        try:
            tenant_obj = Tenant.objects.get(slug=tenant)
        except Tenant.DoesNotExist:
            raise CommandError(f"unknown tenant {tenant!r}; create it with create_tenant") from None
        try:
            key, raw = api_key_create(
                tenant=tenant_obj,
                purposes=[p.strip() for p in purposes.split(",") if p.strip()],
                name=name,
                actor=Actor.system("create_api_key"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"api key for {tenant_obj.slug} (prefix {key.prefix}, purposes {','.join(key.purposes)}):")
        self.stdout.write(raw)
