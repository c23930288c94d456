"""Reading the audit log: turns stored entries (action codes, class names, field names, raw
values) into what people read, in the page language. Writing stays in services/audit.py."""
from .display import ACTIONS, OBJECT_TYPES, action_label, describe_entries, type_label  # noqa: F401
