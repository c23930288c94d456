"""Follow-up of low ratings: cases with service-level deadlines, alerts and kiosk health.

calendar  working days of a Malaysian state (state weekends and public holidays)
cases     opening, working and closing cases; the inbox query; deadline figures for dashboards
alerts    alert rules evaluated over recent ratings; kiosk health
mail      the e-mails (reply to the customer, alerts, daily digest) in the reader's language
tasks     the background jobs (django.tasks)
"""
