"""The portal's own texts (home page, contact details): one row, with built-in defaults until the
system administrator saves it, so a fresh installation's portal is never blank."""

from erating.base.models import PortalText


def defaults():
    return PortalText(
        tagline_ms="Suara anda menambah baik perkhidmatan Kerajaan",
        tagline_en="Your voice improves government services",
        about_ms="<p>eRating ialah sistem penilaian kepuasan pelanggan untuk agensi Kerajaan Malaysia.</p>",
        about_en="<p>eRating is the customer-satisfaction rating system for Malaysian government agencies.</p>",
        join_ms="<p>Agensi Kerajaan boleh memohon untuk menyertai eRating secara dalam talian.</p>",
        join_en="<p>Government agencies can apply to join eRating online.</p>",
        contact_unit_ms="Pasukan eRating", contact_unit_en="The eRating team",
        contact_address="", contact_phone="", contact_email="")


def portal_text():
    return PortalText.objects.filter(pk=1).first() or defaults()


