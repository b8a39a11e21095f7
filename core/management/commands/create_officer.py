from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.audit import Actor
from core.officers import officer_create


class Command(BaseCommand):
    help = "Create a compliance officer (or reset its password). Prints the password, then 'token: <token>' last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user, password, token = officer_create(username=username, actor=Actor.system("create_officer"))
        self.stdout.write(f"officer {user.username}")
        self.stdout.write(f"password: {password}")
        self.stdout.write(f"token: {token}")
