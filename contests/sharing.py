"""Share links for a contest: plain links to Zalo's and Facebook's share pages carrying the
contest's address. No third-party script: nothing is loaded from either until the person taps."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

# Facebook documents its sharer address. Zalo documents only a script button; this address, the
# one that button opens, is the plain link in wide use. One place to change either.
SHARE_PAGES = (
    ("Zalo", "https://sp.zalo.me/share_inline?url={url}"),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
)


@dataclass(frozen=True)
class ShareLink:
    name: str
    href: str


def share_links(url: str) -> list[ShareLink]:
    return [ShareLink(name=name, href=template.format(url=quote(url, safe=""))) for name, template in SHARE_PAGES]
