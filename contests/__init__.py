"""Public online contests: weekly rounds over the quiz engine, the prediction tie-break, standings
kept on submit, the final ranking at close, prizes and leaderboards. See README.md here."""
