"""Document information and XMP metadata of a written PDF: what is read from an input, the dates, the XMP packet.

The merger (and so the splitter) writes the title, language and dates of
its output here, in the document information dictionary and in an XMP packet
marked PDF/UA-1 (``pdfuaid:part``), taking author, subject, keywords,
creator and producer from the first input.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pikepdf import Pdf, String

__all__ = ["DOCINFO_KEYS", "docinfo_text", "document_metadata", "read_docinfo"]

#: What the output's document information takes over from the first input.
DOCINFO_KEYS = ("/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate")

_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def docinfo_text(info: Any, key: str) -> str | None:
    """Entry ``key`` of a document information dictionary as text (None if absent)."""
    if info is None or key not in info:
        return None
    try:
        return str(info[key])
    except Exception:  # pragma: no cover - undecodable string
        return None


def read_docinfo(pdf: Pdf) -> dict[str, str | None]:
    """The entries of ``DOCINFO_KEYS`` in ``pdf``'s document information."""
    info = pdf.trailer.get("/Info")
    return {key: docinfo_text(info, key) for key in DOCINFO_KEYS}


def document_metadata(
    first_info: dict[str, str | None], *, title: str, lang: str, creation_date: datetime | None
) -> tuple[dict[bytes, bytes], bytes]:
    """(document information entries, unparsed; XMP packet) of an output.

    ``creation_date`` (SOURCE_DATE_EPOCH) becomes both dates; without it the
    first input's dates (``first_info``, from :func:`read_docinfo`) are kept.
    """
    author = first_info.get("/Author")
    subject = first_info.get("/Subject")
    keywords = first_info.get("/Keywords")
    creator = first_info.get("/Creator")
    producer = first_info.get("/Producer")
    created: datetime | None
    modified: datetime | None
    if creation_date is not None:
        created = modified = creation_date
    else:
        created = _parse_pdf_date(first_info.get("/CreationDate"))
        modified = _parse_pdf_date(first_info.get("/ModDate"))
    info = {b"/Title": String(title).unparse()}
    for key, value in (
        (b"/Author", author),
        (b"/Subject", subject),
        (b"/Keywords", keywords),
        (b"/Creator", creator),
        (b"/Producer", producer),
    ):
        if value:
            info[key] = String(value).unparse()
    if created is not None:
        info[b"/CreationDate"] = String(_pdf_date(created)).unparse()
    if modified is not None:
        info[b"/ModDate"] = String(_pdf_date(modified)).unparse()
    xmp = _build_xmp(
        title=title,
        lang=lang,
        producer=producer,
        creator_tool=creator,
        author=author,
        subject=subject,
        keywords=keywords,
        created=created,
        modified=modified,
    )
    return info, xmp


def _utc_if_naive(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _pdf_date(dt: datetime) -> str:
    dt = _utc_if_naive(dt)
    offset = dt.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return dt.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _xmp_date(dt: datetime) -> str:
    return _utc_if_naive(dt).replace(microsecond=0).isoformat()


def _parse_pdf_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        from pikepdf.models.metadata import decode_pdf_date

        return decode_pdf_date(value)
    except Exception:
        return None


def _xml_text(value: str) -> str:
    # Drop characters XML 1.0 cannot carry.
    cleaned = "".join(
        ch
        for ch in value
        if ch in "\t\n\r"
        or 0x20 <= ord(ch) <= 0xD7FF
        or 0xE000 <= ord(ch) <= 0xFFFD
        or 0x10000 <= ord(ch) <= 0x10FFFF
    )
    return escape(cleaned)


def _build_xmp(
    *,
    title: str,
    lang: str,
    producer: str | None,
    creator_tool: str | None,
    author: str | None,
    subject: str | None,
    keywords: str | None,
    created: datetime | None,
    modified: datetime | None,
) -> bytes:
    ns = " ".join(f"xmlns:{k}={quoteattr(v)}" for k, v in _XMP_NS.items() if k != "rdf")
    props = [
        "<pdfuaid:part>1</pdfuaid:part>",
        "<dc:format>application/pdf</dc:format>",
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml_text(title)}</rdf:li></rdf:Alt></dc:title>',
    ]
    if lang:
        props.append(f"<dc:language><rdf:Bag><rdf:li>{_xml_text(lang)}</rdf:li></rdf:Bag></dc:language>")
    if author:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(author)}</rdf:li></rdf:Seq></dc:creator>")
    if subject:
        props.append(
            "<dc:description><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{_xml_text(subject)}</rdf:li>'
            "</rdf:Alt></dc:description>"
        )
    if keywords:
        props.append(f"<pdf:Keywords>{_xml_text(keywords)}</pdf:Keywords>")
    if producer:
        props.append(f"<pdf:Producer>{_xml_text(producer)}</pdf:Producer>")
    if creator_tool:
        props.append(f"<xmp:CreatorTool>{_xml_text(creator_tool)}</xmp:CreatorTool>")
    if created is not None:
        props.append(f"<xmp:CreateDate>{_xmp_date(created)}</xmp:CreateDate>")
    if modified is not None:
        props.append(f"<xmp:ModifyDate>{_xmp_date(modified)}</xmp:ModifyDate>")
        props.append(f"<xmp:MetadataDate>{_xmp_date(modified)}</xmp:MetadataDate>")
    body = "\n   ".join(props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{_XMP_NS["rdf"]}">\n'
        f'  <rdf:Description rdf:about="" {ns}>\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")
