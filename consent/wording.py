"""How purposes are named to the people whose faces they concern (portal pages and emails), in the language active
when shown (the portal's visitor's; English elsewhere)."""

from django.utils.translation import gettext_lazy as _

# purpose: (short title, one plain sentence)
PURPOSES = {
    "identity_verification": (
        _("Identity check"),
        _("Checking that you are who you say you are, by comparing a new photo of you with the face you enrolled."),
    ),
    "fraud_prevention": (
        _("Fraud prevention"),
        _("Searching for your face among the faces the organisation holds, to prevent fraud."),
    ),
    "access_control": (_("Access control"), _("Recognising your face to let you into a building, a room or a system.")),
}


def purpose_title(purpose: str) -> str:
    return str(PURPOSES.get(purpose, (purpose.replace("_", " ").capitalize(), ""))[0])


def purpose_sentence(purpose: str) -> str:
    return str(PURPOSES.get(purpose, ("", ""))[1])
