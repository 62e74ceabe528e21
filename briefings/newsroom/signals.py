from django.dispatch import Signal

# Sent once per publication by the outbox dispatcher (`Outbox.perform`), INSIDE the transaction
# that marks the publication's outbox entry done, with `send`: a receiver that raises rolls
# back every receiver's work and the entry is retried later. So a receiver must
#   - record its durable work in that transaction (rows, not an on_commit `.delay`: a row is
#     there when the entry is done, a broker message may not be), and
#   - be idempotent: it runs again whenever a later receiver fails.
# Receivers get `briefing` (a Briefing); digests listen for it to send instant alerts.
briefing_published = Signal()

# Sent once per scheduling (rescheduling too), after the transaction that scheduled it
# commits. Receivers get `briefing` and `publish_at`, the time it is scheduled for; the
# newsroom's own receiver enqueues the publication task if that time is near.
briefing_scheduled = Signal()
