"""XML helpers of the feed and API parsers: safe parsing, element text, shared namespaces."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from paperfeed.errors import InputError
from paperfeed.sources.fields import clean

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_ATOM = "{http://arxiv.org/schemas/atom}"  # arXiv's extensions inside Atom and RSS
DC = "{http://purl.org/dc/elements/1.1/}"
_POSITION_SUFFIX = re.compile(r": line \d+, column \d+$")


def parse_xml(text: str, origin: str) -> ET.Element:
    """Parse XML safely (defusedxml); InputError with line and column when it is broken."""
    if not text.strip():
        raise InputError(origin, "empty response where XML was expected", line=1)
    try:
        return SafeET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = _POSITION_SUFFIX.sub("", str(exc))
        raise InputError(
            origin, f"malformed or truncated XML at column {column}: {reason}", line=line
        ) from exc
    except DefusedXmlException as exc:
        raise InputError(origin, f"refused unsafe XML ({type(exc).__name__})") from exc
    except (ValueError, LookupError) as exc:
        raise InputError(origin, f"unreadable XML: {exc}") from exc


def element_text(element: ET.Element) -> str:
    """All the text inside ``element`` (its children's too), whitespace collapsed."""
    return clean("".join(element.itertext()))


def child_text(element: ET.Element, path: str) -> str:
    """The collapsed text of the first element at ``path`` under ``element``, or ''."""
    found = element.find(path)
    return element_text(found) if found is not None else ""


def texts(elements: list[ET.Element]) -> tuple[str, ...]:
    """The non-empty texts of ``elements``, in order."""
    return tuple(text for element in elements if (text := element_text(element)))


def local_name(tag: str) -> str:
    """A tag without its ``{namespace}``."""
    return tag.rsplit("}", 1)[-1]
