from enum import StrEnum


class EventsEnum(StrEnum):
    CONSENT_WITHDRAWN = "consent.withdrawn"
    ENROLLMENT_FINISHED = "enrollment.finished"
    ERASURE_REQUEST_COMPLETED = "erasure_request.completed"
    ERASURE_REQUEST_PENDING_OBJECTION = "erasure_request.pending_objection"
    MATCH_FINISHED = "match.finished"
    ORDER_IN_FORCE = "order.in_force"
    ORDER_LIFTED = "order.lifted"
    SUBJECT_ERASED = "subject.erased"
    TEMPLATES_EXPIRED = "templates.expired"
    VERIFICATION_FINISHED = "verification.finished"

    def __str__(self) -> str:
        return str(self.value)
