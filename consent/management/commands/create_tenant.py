from django.core.management.base import BaseCommand

from consent.services import CONTROLLER_FIELDS, tenant_create
from core.audit import Actor


class Command(BaseCommand):
    help = (
        "Create a tenant (client organisation). An existing slug is reported, not an error; its privacy contact "
        "(--contact, --address, --email, --phone, --url, named by its consent receipts) is updated when given."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        for field in CONTROLLER_FIELDS:
            parser.add_argument(f"--{field}", default=None)

    def handle(self, *args, slug, name, **options):
        controller = {field: options[field] for field in CONTROLLER_FIELDS}
        tenant, created = tenant_create(
            slug=slug, name=name, controller=controller, actor=Actor.system("create_tenant")
        )
        state = "created" if created else "exists"
        self.stdout.write(f"tenant {tenant.slug} {state} id={tenant.id}")
