"""Every write on inspections: templates and versions, the template editor, plans and assignments,
filling and offline sync, review and amendments, findings and corrective actions, evidence photos.
Keyword-only, atomic, validated; nothing half-written. Each authorises its actor with
staff.access.require() (commands and jobs pass staff.access.system_actor()) and the team rules of
inspections.selectors (can_fill, can_review, ...). `from inspections import services;
services.x(...)` reaches any of them."""

from core.concurrency import StaleVersion
from inspections.services.actions import (
    ALLOWED_PROGRESS,
    action_create,
    action_update,
    action_update_progress,
    action_verify,
    findings_sync,
)
from inspections.services.editor import (
    item_delete,
    item_move,
    item_save,
    item_update,
    section_delete,
    section_move,
    section_save,
    version_update_settings,
)
from inspections.services.evidence import (
    EVIDENCE_PERMS,
    Upload,
    UploadRefused,
    evidence_store,
    upload_chunk,
    upload_state,
)
from inspections.services.filling import CLIENT_ONLY_FIELDS, AnswerInput, canonical_hash, inspection_save
from inspections.services.planning import assignment_create, campaign_create, plan_create, plan_update
from inspections.services.review import inspection_amend, inspection_approve, inspection_return, inspection_snapshot
from inspections.services.sync import SyncForbidden, SyncResult, inspection_sync, inspection_sync_body
from inspections.services.templates import (
    ITEM_FIELDS,
    ItemSpec,
    Problem,
    SectionSpec,
    content_problems,
    template_create,
    template_update,
    validate_content,
    version_content,
    version_new_draft,
    version_publish,
    version_retire,
    version_set_content,
)

__all__ = [
    "ALLOWED_PROGRESS",
    "CLIENT_ONLY_FIELDS",
    "EVIDENCE_PERMS",
    "ITEM_FIELDS",
    "AnswerInput",
    "ItemSpec",
    "Problem",
    "SectionSpec",
    "StaleVersion",
    "SyncForbidden",
    "SyncResult",
    "Upload",
    "UploadRefused",
    "action_create",
    "action_update",
    "action_update_progress",
    "action_verify",
    "assignment_create",
    "campaign_create",
    "canonical_hash",
    "content_problems",
    "evidence_store",
    "findings_sync",
    "inspection_amend",
    "inspection_approve",
    "inspection_return",
    "inspection_save",
    "inspection_snapshot",
    "inspection_sync",
    "inspection_sync_body",
    "item_delete",
    "item_move",
    "item_save",
    "item_update",
    "plan_create",
    "plan_update",
    "section_delete",
    "section_move",
    "section_save",
    "template_create",
    "template_update",
    "upload_chunk",
    "upload_state",
    "validate_content",
    "version_content",
    "version_new_draft",
    "version_publish",
    "version_retire",
    "version_set_content",
    "version_update_settings",
]
