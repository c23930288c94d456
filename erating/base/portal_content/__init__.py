"""The public portal's content: sanitised rich text, validated uploads, live figures and public
results. Views in erating/control (editing) and erating/portal (reading) stay thin over these."""
