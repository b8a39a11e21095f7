"""How purposes are named to the people whose faces they concern (portal pages and emails)."""

# purpose: (short title, one plain sentence)
PURPOSES = {
    "identity_verification": (
        "Identity check",
        "Checking that you are who you say you are, by comparing a new photo of you with the face you enrolled.",
    ),
    "fraud_prevention": (
        "Fraud prevention",
        "Searching for your face among the faces the organisation holds, to prevent fraud.",
    ),
    "access_control": ("Access control", "Recognising your face to let you into a building, a room or a system."),
}


def purpose_title(purpose: str) -> str:
    return PURPOSES.get(purpose, (purpose.replace("_", " ").capitalize(), ""))[0]


def purpose_sentence(purpose: str) -> str:
    return PURPOSES.get(purpose, ("", ""))[1]
