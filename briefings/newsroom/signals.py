from django.dispatch import Signal

# Sent once per publication, after the transaction that published it commits.
# Receivers get `briefing` (a Briefing); digests listen for it to send instant alerts.
briefing_published = Signal()
