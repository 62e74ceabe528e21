from django.dispatch import Signal

# Sent once per publication, after the transaction that published it commits.
# Receivers get `briefing` (a Briefing); digests listen for it to send instant alerts.
briefing_published = Signal()

# Sent once per scheduling (rescheduling too), after the transaction that scheduled it
# commits. Receivers get `briefing` and `publish_at`, the time it is scheduled for; the
# newsroom's own receiver enqueues the publication task for that time.
briefing_scheduled = Signal()
