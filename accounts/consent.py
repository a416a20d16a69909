"""Consent: which purposes exist, which are required, and which text the person agreed to."""

from accounts.models import ConsentPurpose

# The version of the purpose statement in templates/accounts/_consent_statement.html.
# Change it whenever that text changes in substance: every ConsentRecord names the text it answers.
CONSENT_TEXT_VERSION = "2026-01"

REQUIRED_PURPOSES: frozenset[str] = frozenset({ConsentPurpose.CONTESTS.value})
OPTIONAL_PURPOSES: tuple[str, ...] = (ConsentPurpose.LEADERBOARD.value, ConsentPurpose.NOTIFICATIONS.value)

# Consent given in person (assisted mode, accounts.services.resident_register_in_person): the
# officer reads templates/accounts/_consent_statement.html to the person, ticks what the person
# agrees to, and the ConsentRecord names the officer (`recorded_by`, `recorded_by_name`) beside
# `given_at`. It is the same consent, under the same text version, as one given on the form.
