"""Malay date and time formats: the 24-hour clock Malaysian government pages use ("15:53"), not
Django's 12-hour "3:53 ptg." (read "3:53 malam"). Other formats fall through to Django's."""
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
