"""robots.txt rules, read with protego: RFC 9309, wildcards included (`Disallow: /*?replytocom=`,
`Allow: /*.html$`), longest match wins, Allow over Disallow on a tie. The standard library's
parser ignores `*` and `$` inside paths, so a rule like `/*?replytocom=` matched nothing there."""

from __future__ import annotations

from protego import Protego


class Robots:
    """The rules of one host's robots.txt."""

    def __init__(self, text: str) -> None:
        self._rules = Protego.parse(text)

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether `user_agent` (its product token is what groups are matched on) may fetch `url`."""
        return bool(self._rules.can_fetch(url, _token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self._rules.crawl_delay(_token(user_agent))
        return float(delay) if delay else None


def _token(user_agent: str) -> str:
    """The product token of a User-Agent ("threadkeep/0.1.0 (+https://…)" -> "threadkeep")."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"
