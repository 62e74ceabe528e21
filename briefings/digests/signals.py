from django.dispatch import Signal

# Sent once an edition is complete (its last chunk done), after the change commits. Receivers
# get `edition`; the public site listens to purge its archive of past editions.
edition_sent = Signal()
