def clean_text(value):
    """PostgreSQL refuses NUL bytes and lone surrogates (valid in JSON strings): drop them so
    hostile input is a validation matter, never a database error. Used for every free-text value
    that arrives as JSON (forms get Django's own null-character validator)."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
