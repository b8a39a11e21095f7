from django.core.management.base import BaseCommand

from consent.services import tenant_create
from core.audit import Actor


class Command(BaseCommand):
    help = "Create a tenant (client organisation). An existing slug is reported, not an error."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")

    def handle(self, *args, slug, name, **options):
        tenant, created = tenant_create(slug=slug, name=name, actor=Actor.system("create_tenant"))
        state = "created" if created else "exists"
        self.stdout.write(f"tenant {tenant.slug} {state} id={tenant.id}")
