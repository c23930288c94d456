"""What comments are about: a national taxonomy of service themes with phrases in Malay, English,
Chinese and Tamil (`taxonomy.py`), matched locally, without sending text anywhere (`matcher.py`)."""
