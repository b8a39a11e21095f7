"""First run on an empty database: demo tenant, officer and API key, printed once."""

from django.conf import settings
from django.core.management.base import BaseCommand

from consent.models import Purpose, Tenant
from consent.services import api_key_create, tenant_create
from core.audit import Actor
from core.officers import officer_create


class Command(BaseCommand):
    help = "Create the demo tenant, an officer login and a demo API key when the database has no tenant yet."

    def handle(self, *args, **options):
        if Tenant.objects.exists():
            self.stdout.write("facegate: existing data found; no demo data created")
            return
        actor = Actor.system("bootstrap")
        tenant, _ = tenant_create(slug="demo", name="Demo tenant", actor=actor)
        _, raw = api_key_create(tenant=tenant, purposes=Purpose.values, name="demo", actor=actor)
        user, password, token = officer_create(username="officer", actor=actor)
        self.stdout.write(self.style.SUCCESS("facegate: first run, demo data created (shown once, keep it):"))
        self.stdout.write(f"  demo tenant:      {tenant.slug}")
        self.stdout.write(f"  demo API key:     {raw}")
        self.stdout.write(
            f"  officer login:    {user.username} / {password}  ({settings.PUBLIC_BASE_URL.rstrip('/')}/officer/)"
        )
        self.stdout.write(f"  officer token:    {token}")
