"""Django's own strings that its Vietnamese catalogue lacks, listed so that makemessages keeps them
in ours (locale/vi is searched before Django's).

Django 5.2's vi catalogue still has the old "%d day" forms of timesince/timeuntil, so
`{{ closes_at|timeuntil }}` printed "2 days, 6 hours" on Vietnamese pages. Never imported:
makemessages reads the file, and the lazy strings below are only its markers.
"""

from django.utils.translation import ngettext_lazy

TIMESINCE_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
