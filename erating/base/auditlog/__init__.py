"""Reading the audit log: turns stored entries (action codes, class names, field names, raw
values) into what people read, in the page language. Writing stays in auditlog/log.py."""
from erating.base.auditlog.display import ACTIONS, OBJECT_TYPES, action_label, describe_entries, type_label  # noqa: F401
