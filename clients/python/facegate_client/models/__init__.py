"""Contains all the data models used in inputs/outputs"""

from .access_request_create_input_request import AccessRequestCreateInputRequest
from .access_request_output import AccessRequestOutput
from .access_request_output_status_enum import AccessRequestOutputStatusEnum
from .access_request_page import AccessRequestPage
from .action_enum import ActionEnum
from .action_preview import ActionPreview
from .anchor_enum import AnchorEnum
from .audit_consistency_proof import AuditConsistencyProof
from .audit_event_output import AuditEventOutput
from .audit_inclusion_proof import AuditInclusionProof
from .audit_page import AuditPage
from .audit_signed_tree_head import AuditSignedTreeHead
from .audit_verify import AuditVerify
from .blank_enum import BlankEnum
from .clock_action_input_request import ClockActionInputRequest
from .consent_create_input_request import ConsentCreateInputRequest
from .consent_create_input_request_evidence import ConsentCreateInputRequestEvidence
from .consent_output import ConsentOutput
from .consent_with_receipt import ConsentWithReceipt
from .consent_with_receipt_receipt import ConsentWithReceiptReceipt
from .enrollment_create_input_request import EnrollmentCreateInputRequest
from .enrollment_output import EnrollmentOutput
from .enrollment_output_error_type_0 import EnrollmentOutputErrorType0
from .enrollment_output_photos_per_person import EnrollmentOutputPhotosPerPerson
from .enrollment_output_possible_duplicates_item import EnrollmentOutputPossibleDuplicatesItem
from .enrollment_output_quality_type_0 import EnrollmentOutputQualityType0
from .enrollment_page import EnrollmentPage
from .erasure_accepted import ErasureAccepted
from .erasure_request_create_input_request import ErasureRequestCreateInputRequest
from .erasure_request_objection import ErasureRequestObjection
from .erasure_request_objection_input_request import ErasureRequestObjectionInputRequest
from .erasure_request_output import ErasureRequestOutput
from .erasure_request_output_status_enum import ErasureRequestOutputStatusEnum
from .erasure_request_page import ErasureRequestPage
from .erasure_request_refuse_input_request import ErasureRequestRefuseInputRequest
from .error_400 import Error400
from .error_400_error import Error400Error
from .error_400_error_code import Error400ErrorCode
from .error_400_error_details import Error400ErrorDetails
from .error_401 import Error401
from .error_401_error import Error401Error
from .error_401_error_code import Error401ErrorCode
from .error_401_error_details import Error401ErrorDetails
from .error_403 import Error403
from .error_403_error import Error403Error
from .error_403_error_code import Error403ErrorCode
from .error_403_error_details import Error403ErrorDetails
from .error_404 import Error404
from .error_404_error import Error404Error
from .error_404_error_code import Error404ErrorCode
from .error_404_error_details import Error404ErrorDetails
from .error_409 import Error409
from .error_409_error import Error409Error
from .error_409_error_code import Error409ErrorCode
from .error_409_error_details import Error409ErrorDetails
from .error_413 import Error413
from .error_413_error import Error413Error
from .error_413_error_code import Error413ErrorCode
from .error_413_error_details import Error413ErrorDetails
from .error_414 import Error414
from .error_414_error import Error414Error
from .error_414_error_code import Error414ErrorCode
from .error_414_error_details import Error414ErrorDetails
from .error_415 import Error415
from .error_415_error import Error415Error
from .error_415_error_code import Error415ErrorCode
from .error_415_error_details import Error415ErrorDetails
from .error_422 import Error422
from .error_422_error import Error422Error
from .error_422_error_code import Error422ErrorCode
from .error_422_error_details import Error422ErrorDetails
from .error_429 import Error429
from .error_429_error import Error429Error
from .error_429_error_code import Error429ErrorCode
from .error_429_error_details import Error429ErrorDetails
from .error_431 import Error431
from .error_431_error import Error431Error
from .error_431_error_code import Error431ErrorCode
from .error_431_error_details import Error431ErrorDetails
from .error_503 import Error503
from .error_503_error import Error503Error
from .error_503_error_code import Error503ErrorCode
from .error_503_error_details import Error503ErrorDetails
from .events_enum import EventsEnum
from .legal_hold_create_input_request import LegalHoldCreateInputRequest
from .legal_hold_output import LegalHoldOutput
from .legal_hold_page import LegalHoldPage
from .lookup_status_enum import LookupStatusEnum
from .match_create_input_request import MatchCreateInputRequest
from .match_enum import MatchEnum
from .match_job_output import MatchJobOutput
from .match_job_output_error_type_0 import MatchJobOutputErrorType0
from .match_job_output_timings import MatchJobOutputTimings
from .match_result import MatchResult
from .method_enum import MethodEnum
from .notice_create_input_request import NoticeCreateInputRequest
from .notice_output import NoticeOutput
from .notice_page import NoticePage
from .order_create_input_request import OrderCreateInputRequest
from .order_exception_input_request import OrderExceptionInputRequest
from .order_output import OrderOutput
from .order_output_status_enum import OrderOutputStatusEnum
from .order_page import OrderPage
from .portal_link import PortalLink
from .preview_deadline import PreviewDeadline
from .preview_hold import PreviewHold
from .preview_reach import PreviewReach
from .preview_resumed import PreviewResumed
from .preview_scope import PreviewScope
from .preview_subject import PreviewSubject
from .preview_tenant import PreviewTenant
from .purpose_enum import PurposeEnum
from .queued import Queued
from .receipt_status import ReceiptStatus
from .receipt_status_status_enum import ReceiptStatusStatusEnum
from .retention_rule_create_input_request import RetentionRuleCreateInputRequest
from .retention_rule_output import RetentionRuleOutput
from .retention_rule_page import RetentionRulePage
from .schema_list_format import SchemaListFormat
from .schema_list_lang import SchemaListLang
from .schema_list_response_200 import SchemaListResponse200
from .scope_output import ScopeOutput
from .scope_request import ScopeRequest
from .subject_create_input_request import SubjectCreateInputRequest
from .subject_detail import SubjectDetail
from .subject_detail_consents_item import SubjectDetailConsentsItem
from .subject_output import SubjectOutput
from .subject_page import SubjectPage
from .v1_certificates_retrieve_response_200 import V1CertificatesRetrieveResponse200
from .v1_consents_receipt_jsonld_list_response_200 import V1ConsentsReceiptJsonldListResponse200
from .v1_consents_receipt_list_response_200 import V1ConsentsReceiptListResponse200
from .verification_create_input_request import VerificationCreateInputRequest
from .verification_output import VerificationOutput
from .verification_output_error_type_0 import VerificationOutputErrorType0
from .verification_output_timings import VerificationOutputTimings
from .webhook_create_input_request import WebhookCreateInputRequest
from .webhook_created import WebhookCreated
from .webhook_delivery_output import WebhookDeliveryOutput
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_output import WebhookOutput
from .webhook_page import WebhookPage
from .webhook_rotated import WebhookRotated
from .webhook_secret_rotate_input_request import WebhookSecretRotateInputRequest

__all__ = (
    "AccessRequestCreateInputRequest",
    "AccessRequestOutput",
    "AccessRequestOutputStatusEnum",
    "AccessRequestPage",
    "ActionEnum",
    "ActionPreview",
    "AnchorEnum",
    "AuditConsistencyProof",
    "AuditEventOutput",
    "AuditInclusionProof",
    "AuditPage",
    "AuditSignedTreeHead",
    "AuditVerify",
    "BlankEnum",
    "ClockActionInputRequest",
    "ConsentCreateInputRequest",
    "ConsentCreateInputRequestEvidence",
    "ConsentOutput",
    "ConsentWithReceipt",
    "ConsentWithReceiptReceipt",
    "EnrollmentCreateInputRequest",
    "EnrollmentOutput",
    "EnrollmentOutputErrorType0",
    "EnrollmentOutputPhotosPerPerson",
    "EnrollmentOutputPossibleDuplicatesItem",
    "EnrollmentOutputQualityType0",
    "EnrollmentPage",
    "ErasureAccepted",
    "ErasureRequestCreateInputRequest",
    "ErasureRequestObjection",
    "ErasureRequestObjectionInputRequest",
    "ErasureRequestOutput",
    "ErasureRequestOutputStatusEnum",
    "ErasureRequestPage",
    "ErasureRequestRefuseInputRequest",
    "Error400",
    "Error400Error",
    "Error400ErrorCode",
    "Error400ErrorDetails",
    "Error401",
    "Error401Error",
    "Error401ErrorCode",
    "Error401ErrorDetails",
    "Error403",
    "Error403Error",
    "Error403ErrorCode",
    "Error403ErrorDetails",
    "Error404",
    "Error404Error",
    "Error404ErrorCode",
    "Error404ErrorDetails",
    "Error409",
    "Error409Error",
    "Error409ErrorCode",
    "Error409ErrorDetails",
    "Error413",
    "Error413Error",
    "Error413ErrorCode",
    "Error413ErrorDetails",
    "Error414",
    "Error414Error",
    "Error414ErrorCode",
    "Error414ErrorDetails",
    "Error415",
    "Error415Error",
    "Error415ErrorCode",
    "Error415ErrorDetails",
    "Error422",
    "Error422Error",
    "Error422ErrorCode",
    "Error422ErrorDetails",
    "Error429",
    "Error429Error",
    "Error429ErrorCode",
    "Error429ErrorDetails",
    "Error431",
    "Error431Error",
    "Error431ErrorCode",
    "Error431ErrorDetails",
    "Error503",
    "Error503Error",
    "Error503ErrorCode",
    "Error503ErrorDetails",
    "EventsEnum",
    "LegalHoldCreateInputRequest",
    "LegalHoldOutput",
    "LegalHoldPage",
    "LookupStatusEnum",
    "MatchCreateInputRequest",
    "MatchEnum",
    "MatchJobOutput",
    "MatchJobOutputErrorType0",
    "MatchJobOutputTimings",
    "MatchResult",
    "MethodEnum",
    "NoticeCreateInputRequest",
    "NoticeOutput",
    "NoticePage",
    "OrderCreateInputRequest",
    "OrderExceptionInputRequest",
    "OrderOutput",
    "OrderOutputStatusEnum",
    "OrderPage",
    "PortalLink",
    "PreviewDeadline",
    "PreviewHold",
    "PreviewReach",
    "PreviewResumed",
    "PreviewScope",
    "PreviewSubject",
    "PreviewTenant",
    "PurposeEnum",
    "Queued",
    "ReceiptStatus",
    "ReceiptStatusStatusEnum",
    "RetentionRuleCreateInputRequest",
    "RetentionRuleOutput",
    "RetentionRulePage",
    "SchemaListFormat",
    "SchemaListLang",
    "SchemaListResponse200",
    "ScopeOutput",
    "ScopeRequest",
    "SubjectCreateInputRequest",
    "SubjectDetail",
    "SubjectDetailConsentsItem",
    "SubjectOutput",
    "SubjectPage",
    "V1CertificatesRetrieveResponse200",
    "V1ConsentsReceiptJsonldListResponse200",
    "V1ConsentsReceiptListResponse200",
    "VerificationCreateInputRequest",
    "VerificationOutput",
    "VerificationOutputErrorType0",
    "VerificationOutputTimings",
    "WebhookCreated",
    "WebhookCreateInputRequest",
    "WebhookDeliveryOutput",
    "WebhookDeliveryPage",
    "WebhookOutput",
    "WebhookPage",
    "WebhookRotated",
    "WebhookSecretRotateInputRequest",
)
