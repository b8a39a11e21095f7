"""python manage.py partition_tenants [--tenant <slug>] [--at-least N]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from consent.models import Tenant
from matching import partitions


class Command(BaseCommand):
    help = (
        "Move tenants from the shared template partition to their own partition with their own HNSW index, "
        "online: every tenant above --at-least templates, or the one --tenant."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="promote this tenant (slug) whatever its size")
        parser.add_argument("--at-least", type=int, default=partitions.PROMOTE_AT)

    def handle(self, *args, tenant: str | None, at_least: int, **options):
        if tenant:
            found = Tenant.objects.filter(slug=tenant).first()
            if found is None:
                raise CommandError(f"No tenant {tenant!r}.")
            done = {str(found.pk): partitions.partition_promote(tenant_id=found.pk)}
        else:
            done = partitions.partitions_check(at_least=at_least)
        for tenant_id, timings in done.items():
            figures = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) or "already its own partition"
            self.stdout.write(f"{tenant_id}: {figures}")
        if not done:
            self.stdout.write("no tenant to promote")
