"""Every uploaded file passes here before anything is stored: its size as declared, its type as its
content says, no second type hidden in it (a polyglot), no active content in a PDF, and images
re-encoded (which drops their metadata, a photo's GPS position among them). What comes out is
a `CheckedUpload`: the bytes to store, their type and extension; the name the browser sent is
never kept (`display_name` builds one from the document's kind and date)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import puremagic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The types an uploaded document may have, as its content shows, and the extension it is stored
# and offered back under.
ACCEPTED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
# The videos a person's file may keep (`check_media_upload`, never a general document), as their
# container shows, and the extensions a file of that type may be named with (the first is the
# one it is stored and offered under).
VIDEO_TYPES = {
    "video/mp4": (".mp4", ".m4v"),
    "video/webm": (".webm",),
}
IMAGE_EXTENSIONS = {"image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
# The ISO base media file brands of a video (MPEG-4, its DASH and 3GPP profiles): a QuickTime
# movie, an audio-only M4A or a still HEIF image are refused.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9", b"mp41", b"mp42"}
    | {b"avc1", b"M4V ", b"dash", b"mmp4", b"3gp4", b"3gp5", b"3gp6"}
)
# The boxes an MP4 may have at its top level (ISO/IEC 14496-12); anything else is refused.
MP4_TOP_BOXES = frozenset(
    {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"moof", b"mfra", b"meta"}
    | {b"pdin", b"styp", b"sidx", b"ssix", b"emsg", b"prft", b"udta"}
)
# EBML element ids (Matroska / WebM): the header, its DocType, the segment and what a segment
# holds at its first level. Attachments (files carried inside the video) are refused.
EBML_HEADER = 0x1A45DFA3
EBML_DOCTYPE = 0x4282
WEBM_SEGMENT = 0x18538067
WEBM_INFO = 0x1549A966
WEBM_TRACKS = 0x1654AE6B
WEBM_ATTACHMENTS = 0x1941A469
WEBM_SEGMENT_CHILDREN = frozenset(
    {0x114D9B74, WEBM_INFO, WEBM_TRACKS, 0x1F43B675, 0x1C53BB6B, 0x1043A770, 0x1254C367}
    | {0xEC, 0xBF}
)
# Other names puremagic gives the same first bytes: an FDF form also starts with "%PDF".
SAME_SIGNATURE = {"application/vnd.fdf": "application/pdf"}

# Markup a browser would render if it were ever handed the file as a page: looked for in the first
# kilobyte, where browsers sniff (and where a PDF reader looks for "%PDF").
HTML_MARKERS = re.compile(
    rb"<\s*(?:script|html|body|head|iframe|object|embed|svg|meta|!doctype)\b",
    re.IGNORECASE,
)
# The end of a ZIP archive (its central directory), found from the end of the file up to the
# longest archive comment: an archive appended to an image or a PDF still opens as a ZIP (or as a
# Java archive, an Office file...).
ZIP_END = b"PK\x05\x06"
ZIP_TAIL = 22 + 65_535

# PDF names that make a reader act by itself or carry another file: JavaScript, actions run on
# opening, closing, printing or on a page or a field (/AA), launching a program, submitting or
# importing form data, embedded files and rich media, XFA forms (scripted).
ACTIVE_PDF_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/XFA",
        "/RichMedia",
        "/SubmitForm",
        "/ImportData",
    }
)
# The same, as the action type or object type a dictionary declares (/S /JavaScript, ...).
ACTIVE_PDF_VALUES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/EmbeddedFile",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
# How deep the walk into one object goes before it gives up (and refuses the file).
PDF_MAX_DEPTH = 64


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed every check: the bytes to store (re-encoded for an image), their type
    and the extension they are stored and offered under."""

    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        if self.content_type in VIDEO_TYPES:
            return VIDEO_TYPES[self.content_type][0]
        return ACCEPTED_TYPES[self.content_type]

    @property
    def size(self) -> int:
        return len(self.content)


def _refuse(message: str):
    raise ValidationError(message, code="unsafe_upload")


def check_upload(uploaded_file, *, max_bytes: int | None = None) -> CheckedUpload:
    """Check an uploaded file and return what may be stored, or raise a `ValidationError` with a
    French message (nothing is stored either way: the caller stores the result).

    The declared size is checked before a byte is read; then only `max_bytes` + 1 bytes are read,
    in case the declared size lied."""
    if isinstance(uploaded_file, CheckedUpload):
        return uploaded_file
    limit = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    too_big = _("Ce fichier fait %(size)s : une pièce ne peut pas dépasser %(limit)s.")
    if uploaded_file.size is not None and uploaded_file.size > limit:
        _refuse(
            too_big % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
        )
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if len(content) > limit:
        _refuse(too_big % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)})
    content_type = detect_type(content)
    if content_type is None:
        _refuse(
            _(
                "Ce fichier n'est ni un PDF ni une image PNG ou JPEG (son contenu a été "
                "vérifié, pas seulement son nom). Enregistrez ou numérisez la pièce dans l'un "
                "de ces formats."
            )
        )
    if _is_polyglot(content, content_type):
        _refuse(
            _(
                "Ce fichier contient aussi un autre type de contenu (page web ou archive) : "
                "il est refusé. Enregistrez ou numérisez de nouveau la pièce."
            )
        )
    if content_type == "application/pdf":
        _check_pdf(content)
        return CheckedUpload(content, content_type)
    return CheckedUpload(_reencode_image(content, content_type), content_type)


def check_media_upload(uploaded_file, *, max_bytes: int | None = None) -> CheckedUpload:
    """Check a photo or a video of a person's file: an image passes `check_upload` (PNG or JPEG,
    re-encoded, within `DOCUMENT_MAX_BYTES`); a video (MP4 or WebM, within `MEDIA_MAX_BYTES`) has
    its container parsed (every box or element in place, the declared type a video's, nothing
    carried inside it) and is kept as it is. Either way the name's extension must say what the
    content is; nothing else passes."""
    limit = settings.MEDIA_MAX_BYTES if max_bytes is None else max_bytes
    content = _read_within(uploaded_file, limit)
    extension = "." + (getattr(uploaded_file, "name", "") or "").rsplit(".", 1)[-1].lower()
    content_type = video_type(content)
    if content_type is None:
        if content[4:8] == b"ftyp" or content[:4] == EBML_HEADER.to_bytes(4, "big"):
            _refuse(
                _(
                    "Cette vidéo est illisible, endommagée ou d'un format refusé : seules les "
                    "vidéos MP4 et WebM sont acceptées. Enregistrez-la de nouveau."
                )
            )
        checked = check_upload(uploaded_file, max_bytes=min(limit, settings.DOCUMENT_MAX_BYTES))
        if checked.content_type not in IMAGE_EXTENSIONS:
            _refuse(_("Une photo est une image PNG ou JPEG, une vidéo un fichier MP4 ou WebM."))
        names = IMAGE_EXTENSIONS[checked.content_type]
    else:
        if _is_polyglot(content, content_type):
            _refuse(
                _(
                    "Ce fichier contient aussi un autre type de contenu (page web, archive ou "
                    "PDF) : il est refusé."
                )
            )
        checked = CheckedUpload(content, content_type)
        names = VIDEO_TYPES[content_type]
    if extension not in names:
        _refuse(
            _(
                "Le contenu de ce fichier (%(type)s) ne correspond pas à son extension "
                "(%(extension)s) : il est refusé."
            )
            % {"type": checked.content_type, "extension": extension}
        )
    return checked


def _read_within(uploaded_file, limit: int) -> bytes:
    """The file's bytes, refused over `limit` (its declared size first, then what was read)."""
    too_big = _("Ce fichier fait %(size)s : il ne peut pas dépasser %(limit)s.")
    if uploaded_file.size is not None and uploaded_file.size > limit:
        _refuse(
            too_big % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
        )
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    uploaded_file.seek(0)
    if len(content) > limit:
        _refuse(too_big % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)})
    return content


class _Malformed(Exception):
    pass


def video_type(content: bytes) -> str | None:
    """ "video/mp4" or "video/webm" when the whole container parses as one, else None."""
    try:
        if content[4:8] == b"ftyp":
            _check_mp4(content)
            return "video/mp4"
        if content[:4] == EBML_HEADER.to_bytes(4, "big"):
            _check_webm(content)
            return "video/webm"
    except _Malformed:
        return None
    return None


def _mp4_boxes(content: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """The boxes that tile `content[start:end]` exactly: (type, payload start, box end)."""
    boxes, pos = [], start
    while pos < end:
        if end - pos < 8:
            raise _Malformed
        size = int.from_bytes(content[pos : pos + 4], "big")
        kind = content[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            if end - pos < 16:
                raise _Malformed
            size, header = int.from_bytes(content[pos + 8 : pos + 16], "big"), 16
        elif size == 0:  # to the end of the file (only the last top-level box)
            size = end - pos
        if size < header or pos + size > end or not all(0x20 <= b <= 0x7E for b in kind):
            raise _Malformed
        boxes.append((kind, pos + header, pos + size))
        pos += size
    return boxes


def _check_mp4(content: bytes) -> None:
    boxes = _mp4_boxes(content, 0, len(content))
    kind, payload, box_end = boxes[0]
    if kind != b"ftyp" or box_end - payload < 8 or content[payload : payload + 4] not in MP4_BRANDS:
        raise _Malformed
    if any(kind not in MP4_TOP_BOXES for kind, _start, _end in boxes):
        raise _Malformed
    movies = [(start, end) for kind, start, end in boxes if kind == b"moov"]
    if len(movies) != 1:
        raise _Malformed
    inside = {kind for kind, _start, _end in _mp4_boxes(content, *movies[0])}
    if b"mvhd" not in inside or b"trak" not in inside:
        raise _Malformed


def _ebml_vint(content: bytes, pos: int, *, marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-size integer at `pos`: (value, length, all ones = unknown size)."""
    if pos >= len(content) or content[pos] == 0:
        raise _Malformed
    length = 9 - content[pos].bit_length()
    if pos + length > len(content):
        raise _Malformed
    value = int.from_bytes(content[pos : pos + length], "big")
    bits = (1 << (7 * length)) - 1
    return (value if marker else value & bits), length, (value & bits) == bits


def _ebml_elements(content: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """The elements that tile `content[start:end]`: (id, data start, data end); an element of
    unknown size runs to `end`."""
    elements, pos = [], start
    while pos < end:
        element_id, id_length, _ = _ebml_vint(content, pos, marker=True)
        size, size_length, unknown = _ebml_vint(content, pos + id_length, marker=False)
        data = pos + id_length + size_length
        data_end = end if unknown else data + size
        if data_end > end:
            raise _Malformed
        elements.append((element_id, data, data_end))
        pos = data_end
    return elements


def _check_webm(content: bytes) -> None:
    top = _ebml_elements(content, 0, len(content))
    if len(top) != 2 or top[0][0] != EBML_HEADER or top[1][0] != WEBM_SEGMENT:
        raise _Malformed
    header = {i: content[s:e] for i, s, e in _ebml_elements(content, top[0][1], top[0][2])}
    if header.get(EBML_DOCTYPE) != b"webm":
        raise _Malformed
    children = set()
    for element_id, _start, _end in _ebml_elements(content, top[1][1], top[1][2]):
        if element_id not in WEBM_SEGMENT_CHILDREN:
            raise _Malformed
        children.add(element_id)
    if not {WEBM_INFO, WEBM_TRACKS} <= children:
        raise _Malformed


def check_text_upload(uploaded_file, *, max_bytes: int | None = None) -> None:
    """Check an uploaded text file (an accounting export: tab- or bar-separated lines) read in
    chunks, never whole in memory (an FEC may weigh hundreds of megabytes), or raise a
    `ValidationError` in French: its size (declared, then read), no binary content (a NUL byte),
    no markup a browser would render, no archive. Its encoding and lines are the importer's
    business."""
    limit = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    too_big = _("Ce fichier fait %(size)s : il ne peut pas dépasser %(limit)s.")
    if uploaded_file.size is not None and uploaded_file.size > limit:
        _refuse(
            too_big % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
        )
    size, head, tail, blank, binary = 0, b"", b"", True, False
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            _refuse(too_big % {"size": filesizeformat(size), "limit": filesizeformat(limit)})
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
        tail = (tail + chunk)[-ZIP_TAIL:]
        blank = blank and not chunk.strip()
        binary = binary or b"\x00" in chunk
    uploaded_file.seek(0)
    if blank:
        _refuse(_("Ce fichier est vide."))
    if binary or HTML_MARKERS.search(head) or ZIP_END in tail:
        _refuse(
            _(
                "Ce fichier n'est pas un fichier texte (son contenu a été vérifié, pas seulement "
                "son nom) : exportez-le de nouveau en texte."
            )
        )


def detect_type(content: bytes) -> str | None:
    """The type the content says (PDF, PNG or JPEG), never the name's or the browser's; None for
    anything else, or when the first bytes match two different types."""
    try:
        matches = puremagic.magic_string(content)
    except (puremagic.PureError, ValueError):  # unknown content, or an empty file
        return None
    if not matches:
        return None
    best = matches[0].confidence
    types = {SAME_SIGNATURE.get(m.mime_type, m.mime_type) for m in matches if m.confidence == best}
    if len(types) != 1:
        return None
    (content_type,) = types
    return content_type if content_type in ACCEPTED_TYPES else None


def _is_polyglot(content: bytes, content_type: str) -> bool:
    """True when the file is also something else: markup a browser would render, an archive or a
    archive appended, or (for an image) a PDF a reader would find. Whatever else an image carries
    is dropped when it is re-encoded."""
    head = content[:1024]
    if HTML_MARKERS.search(head):
        return True
    if ZIP_END in content[-ZIP_TAIL:]:
        return True
    return content_type != "application/pdf" and b"%PDF-" in head


def _check_pdf(content: bytes) -> None:
    """Parse the PDF (pypdf) and refuse it if any of its objects carries active content."""
    from pypdf import PdfReader

    active = _(
        "Ce PDF contient du contenu actif (script, action automatique, lancement de programme, "
        "fichier joint ou formulaire scripté) : il est refusé. Imprimez-le de nouveau en PDF ou "
        "numérisez la pièce papier."
    )
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        # Protected against changes only (an empty password opens it): readable, so checked.
        if reader.is_encrypted and not reader.decrypt(""):
            _refuse(_("Ce PDF est protégé par un mot de passe : joignez une version non protégée."))
        objects = [reader.trailer]
        for generation, numbers in reader.xref.items():
            objects.extend(reader.get_object(n) for n in numbers if (n, generation) != (0, 65535))
        objects.extend(reader.get_object(n) for n in reader.xref_objStm)
        if any(_is_active(obj, 0) for obj in objects):
            _refuse(active)
    except ValidationError:
        raise
    except Exception:  # whatever the parser trips on, the file is refused
        _refuse(_("Ce PDF est illisible ou endommagé : enregistrez-le de nouveau en PDF."))


def _is_active(obj, depth: int) -> bool:
    """Whether this object (a dictionary, array or name, followed into direct sub-objects; every
    indirect object is checked on its own) carries active content."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if depth > PDF_MAX_DEPTH:
        return True
    if isinstance(obj, IndirectObject):
        return False
    if isinstance(obj, NameObject):
        return obj in ACTIVE_PDF_VALUES
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ACTIVE_PDF_KEYS:
                return True
            # An open action that is only a destination (the page to show) is no action; any
            # action dictionary run on opening is refused.
            if key == "/OpenAction" and not isinstance(value.get_object(), ArrayObject):
                return True
            if _is_active(value, depth + 1):
                return True
        return False
    if isinstance(obj, ArrayObject):
        return any(_is_active(item, depth + 1) for item in obj)
    return False


def _reencode_image(content: bytes, content_type: str) -> bytes:
    """The image drawn again by Pillow into a new file of the same type: only the pixels are kept
    (no EXIF, GPS, comments or trailing data); a camera's rotation is applied first."""
    from PIL import Image, ImageOps

    unreadable = _("Cette image est illisible ou endommagée : enregistrez-la de nouveau.")
    try:
        with Image.open(BytesIO(content)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = BytesIO()
            if content_type == "image/jpeg":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90)
            else:
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    image = image.convert("RGBA")
                image.save(out, "PNG")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        _refuse(unreadable)
    return out.getvalue()


def display_name(kind_label: str, day: date, extension: str) -> str:
    """The name a stored document is shown and offered under, built from what it is and when it
    came ("jugement-2026-12-05.pdf"), never from the name the browser sent."""
    stem = slugify(str(kind_label).replace("'", " ").replace("’", " ")) or "piece"
    return f"{stem}-{day.isoformat()}{extension}"


class DocumentFileField(forms.FileField):
    """The form field of every upload: checked by `check_upload`, it cleans to a
    `CheckedUpload` (the refusal shown at the field, in French)."""

    default_error_messages = {
        "required": gettext_lazy("Choisissez le fichier à joindre."),
    }

    def __init__(self, *, max_bytes: int | None = None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault(
            # A hint for the file picker only: the content itself is checked.
            "widget",
            forms.FileInput(attrs={"accept": ",".join(ACCEPTED_TYPES)}),
        )
        kwargs.setdefault("help_text", lazy(self._help_text, str)())
        super().__init__(**kwargs)

    def _help_text(self) -> str:
        limit = settings.DOCUMENT_MAX_BYTES if self.max_bytes is None else self.max_bytes
        return _("PDF, PNG ou JPEG, %(limit)s au plus.") % {"limit": filesizeformat(limit)}

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        return check_upload(uploaded, max_bytes=self.max_bytes)


class MediaFileField(DocumentFileField):
    """The upload of a photo or a video of a person (`check_media_upload`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.FileInput(attrs={"accept": ",".join([*IMAGE_EXTENSIONS, *VIDEO_TYPES])}),
        )
        super().__init__(**kwargs)

    def _help_text(self) -> str:
        return _(
            "Photo PNG ou JPEG (%(image)s au plus, ses métadonnées retirées) ou vidéo MP4 ou "
            "WebM (%(video)s au plus)."
        ) % {
            "image": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            "video": filesizeformat(self.max_bytes or settings.MEDIA_MAX_BYTES),
        }

    def clean(self, data, initial=None):
        uploaded = forms.FileField.clean(self, data, initial)
        if not uploaded:
            return uploaded
        return check_media_upload(uploaded, max_bytes=self.max_bytes)
