from enum import StrEnum


class EventsEnum(StrEnum):
    CONSENT_WITHDRAWN = "consent.withdrawn"
    ERASURE_REQUEST_COMPLETED = "erasure_request.completed"
    ERASURE_REQUEST_PENDING_OBJECTION = "erasure_request.pending_objection"
    ORDER_IN_FORCE = "order.in_force"
    ORDER_LIFTED = "order.lifted"
    SUBJECT_ERASED = "subject.erased"
    TEMPLATES_EXPIRED = "templates.expired"

    def __str__(self) -> str:
        return str(self.value)
