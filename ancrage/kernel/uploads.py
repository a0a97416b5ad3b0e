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
