"""What accounts lets the apps above it add, all in one place. Receivers are connected in the
other apps' `AppConfig.ready()` (imports run upwards never: accounts cannot ask them)."""

from __future__ import annotations

from django.dispatch import Signal

# The unit manager's member table asks for its extra columns.  No kwargs.
# A receiver returns a list of accounts.members.MemberColumn; their `annotate` keeps the page at a
# fixed number of queries however many rows it shows.
member_columns = Signal()

# The person's "My data" download (accounts.personal_data.personal_data_export).  kwargs: user.
# A receiver returns {section name: plain JSON values} for what its app keeps about the person
# (dates as ISO strings), so that a new app cannot leave its data out of the download.
personal_data = Signal()
