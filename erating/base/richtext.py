"""Rich text written in the back office, cleaned by nh3 (ammonia, maintained) before it is stored.

Only the structure a news article or an FAQ answer needs survives; scripts, styles, event
handlers and foreign attributes are dropped so the portal stays CSP-clean."""
import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "abbr"}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}}
SCHEMES = {"https", "http", "mailto", "tel"}


def sanitise(html):
    if not html:
        return ""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer").strip()
