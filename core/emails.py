"""E-mail addresses compared as mailboxes, never as text folded by the database.

A data subject proves an address by clicking a link mailed to it, and that proof opens every subject held under the
address. So two addresses may compare equal only when mail to both lands in one mailbox. Folding case in
PostgreSQL (`UPPER('ı') = 'I'`, `UPPER('ſ') = 'S'`) or normalising with NFKC broke that: `victim@gmaıl.com` is
the mailbox of whoever registers `xn--gmal-nza.com`. The rule, in this one place:

- the domain is its IDNA A-label, by UTS-46 (non-transitional, IDNA 2008) with the `idna` package, which is also
  the form Facegate mails to (`email_address`), so the confirmed mailbox and the compared one are the same: a
  fullwidth `ｇｍａｉｌ.com` is mailed as `gmail.com`, `straße.de` as `xn--strae-oqa.de` (not `strasse.de`, as
  Python's IDNA 2003 codec would); one trailing dot (the DNS root) is dropped;
- the local part is kept exactly, except that ASCII letters are lower-cased: RFC 5321 lets a server tell
  `Ann` from `ann`, the common mail services do not, and requesters type either (the one risk this accepts,
  docs/security.md). No other character is folded or normalised (no NFKC, no Unicode case fold): `ſam`, `Kim`
  with the Kelvin sign or a Cyrillic `а` stay different addresses.
"""

from __future__ import annotations

import string

import idna

from core.errors import DomainError

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


class EmailUndeliverable(DomainError):
    code = "email_undeliverable"
    default_message = "This e-mail address cannot receive mail (its domain is not a valid internet name)."


def email_address(address: str) -> str:
    """The address Facegate mails: the local part as given, the domain as its A-label ("" for no address)."""
    if not address.strip():
        return ""
    local, at, domain = address.strip().rpartition("@")
    domain = domain.removesuffix(".")
    if not at or not local or not domain:
        raise EmailUndeliverable()
    try:
        ascii_domain = idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except UnicodeError:  # idna.IDNAError and the codec's own
        raise EmailUndeliverable() from None
    return f"{local}@{ascii_domain}"


def email_canonical(address: str) -> str:
    """The form addresses are compared in (stored beside each subject's address): "" for no address."""
    local, _, domain = email_address(address).rpartition("@")
    return f"{local.translate(_ASCII_LOWER)}@{domain}" if local else ""
