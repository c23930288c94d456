"""Demo portal content so `make run` shows a complete portal: texts, news with pictures, the FAQ,
gallery pictures and a download. Pictures are drawn here (no stock images are shipped)."""
import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.models import Agency, Download, FaqEntry, GalleryItem, NewsArticle, PortalText
from erating.base.portal_content.demo_faq import FAQ

TEXT = dict(
    tagline_ms="Suara anda menambah baik perkhidmatan Kerajaan",
    tagline_en="Your voice makes government services better",
    about_ms="<p>eRating ialah sistem penilaian kepuasan pelanggan bagi agensi Kerajaan Malaysia. Selepas urusan "
             "di kaunter, nilai perkhidmatan yang anda terima dengan satu sentuhan, pada tablet di kaunter atau "
             "dengan mengimbas kod QR menggunakan telefon anda sendiri.</p>",
    about_en="<p>eRating is the customer-satisfaction rating system for Malaysian government agencies. After your "
             "business at the counter, rate the service you received with one touch, on the tablet at the "
             "counter or by scanning a QR code with your own phone.</p>",
    join_ms="<p>eRating ditawarkan tanpa kos kepada kementerian, jabatan dan agensi Kerajaan. Permohonan dibuat "
            "dalam talian oleh pegawai yang akan bertanggungjawab sebagai pentadbir eRating agensi.</p>",
    join_en="<p>eRating is offered free of charge to government ministries, departments and agencies. The officer "
            "who will act as the agency's eRating administrator applies online.</p>",
    contact_unit_ms="Pasukan eRating, Bahagian Perkhidmatan Digital", contact_unit_en="The eRating team, Digital Services Division",
    contact_address="Aras 5, Blok C, Kompleks Kerajaan Digital\nPersiaran Teknologi 3\n63000 Cyberjaya\nSelangor Darul Ehsan",
    contact_phone="03-8000 8000 / 03-8888 3100", contact_email="erating@digital.gov.my",
    contact_hours_ms="Isnin hingga Jumaat, 8.30 pagi hingga 5.30 petang (kecuali cuti umum)",
    contact_hours_en="Monday to Friday, 8.30 am to 5.30 pm (except public holidays)",
)

NEWS = [
    ("kod-qr-untuk-semua-kaunter", 5, "qr",
     "Kod QR kini untuk setiap kaunter, perkhidmatan dan petugas", "QR codes now for every counter, service and officer",
     "Agensi boleh mencetak poster kod QR bagi setiap kaunter, perkhidmatan, fasiliti dan petugas terus daripada sistem.",
     "Agencies can print QR posters for every counter, service, facility and officer straight from the system.",
     "<p>Pelanggan kini boleh menilai menggunakan telefon sendiri dengan mengimbas kod QR yang dipaparkan di "
     "kaunter. Tiada aplikasi perlu dipasang dan tiada akaun diperlukan.</p><ul><li>Poster A4 dan A5 dengan logo "
     "agensi.</li><li>Kod baharu boleh dijana jika poster disalah guna.</li><li>Penilaian boleh dibuat dalam bahasa "
     "Melayu atau Inggeris.</li></ul>",
     "<p>Customers can now rate with their own phones by scanning the QR code shown at the counter. No app to "
     "install, no account needed.</p><ul><li>A4 and A5 posters with the agency's logo.</li><li>A new code can be "
     "issued if a poster is misused.</li><li>Rating in Malay or English.</li></ul>"),
    ("taklimat-jabatan-kebajikan", 19, "briefing",
     "Taklimat dan demonstrasi eRating kepada Jabatan Kebajikan Masyarakat",
     "eRating briefing and demonstration for the Social Welfare Department",
     "Pegawai dari 14 pejabat kebajikan daerah mengikuti taklimat pelaksanaan eRating di Putrajaya.",
     "Officers from 14 district welfare offices attended a briefing on rolling out eRating in Putrajaya.",
     "<p>Pasukan eRating menerangkan langkah pelaksanaan, daripada pendaftaran premis hingga pencetakan poster "
     "kod QR, diikuti sesi amali bagi pentadbir agensi dan penyelia.</p>",
     "<p>The eRating team walked through the rollout, from registering premises to printing QR posters, followed "
     "by a hands-on session for agency administrators and supervisors.</p>"),
    ("kajian-impak-erating", 41, "study",
     "Kajian impak pelaksanaan eRating: pelanggan lebih cepat didengar",
     "eRating impact study: customers are heard sooner",
     "Kajian mendapati agensi yang memantau penilaian setiap minggu bertindak lebih cepat ke atas aduan kaunter.",
     "The study found that agencies that follow ratings weekly act faster on counter complaints.",
     "<p>Kajian ini meninjau pengalaman pentadbir agensi dan penyelia premis serta hala tuju sistem bagi tempoh "
     "akan datang, termasuk keputusan awam dan laporan yang lebih terperinci.</p>",
     "<p>The study surveyed agency administrators and premise supervisors and set the system's direction for the "
     "coming years, including public results and more detailed reports.</p>"),
    ("tablet-sendiri-agensi", 63, "tablet",
     "Agensi kini boleh memasangkan tablet sendiri", "Agencies can now pair their own tablets",
     "Sebarang tablet dengan pelayar web moden boleh dijadikan kios eRating menggunakan kod pasangan.",
     "Any tablet with a modern web browser can become an eRating kiosk with a pairing code.",
     "<p>Memandangkan waranti tablet yang dibekalkan secara pusat telah tamat, agensi boleh menggunakan tablet "
     "sendiri. Kios terus berfungsi semasa rangkaian terputus dan menghantar penilaian apabila talian pulih.</p>",
     "<p>With the warranty on centrally supplied tablets over, agencies may use their own. The kiosk keeps "
     "working when the network drops and sends ratings when the line returns.</p>"),
    ("laporan-bulanan-baharu", 90, "report",
     "Laporan bulanan dalam format PDF dan Excel", "Monthly reports as PDF and Excel",
     "Pentadbir agensi dan penyelia boleh menjana laporan mengikut premis, kaunter atau petugas.",
     "Agency administrators and supervisors can produce reports by premise, counter or officer.",
     "<p>Laporan baharu memaparkan tahap kepuasan, taburan skor dan komen pelanggan, sedia untuk mesyuarat "
     "pengurusan.</p>",
     "<p>The new reports show satisfaction, the score distribution and customers' comments, ready for management "
     "meetings.</p>"),
]

# (screen, title BM/EN, caption BM/EN, text alternative BM/EN): real screens of the product, taken
# by `make manuals` (portal_content/screenshots.py). Where none was taken (a fresh checkout before
# `make manuals`, the tests), a drawn picture stands in and the text alternative says so.
GALLERY = [
    ("qr-rate", "Halaman penilaian kod QR", "The QR rating page", "Lima wajah pada telefon pelanggan.",
     "Five faces on the customer's phone.",
     "Tangkapan skrin telefon: nama kaunter, soalan kepuasan dan lima wajah berlabel dari Cemerlang hingga "
     "Tidak Memuaskan.",
     "Phone screenshot: the counter's name, the satisfaction question and five labelled faces from Excellent "
     "to Unsatisfactory."),
    ("kiosk", "Kios tablet di kaunter", "The tablet kiosk at the counter", "Tablet menghadap pelanggan.",
     "The tablet faces the customer.",
     "Tangkapan skrin tablet: soalan kepuasan dengan lima wajah besar berwarna dari hijau hingga merah.",
     "Tablet screenshot: the satisfaction question with five large faces coloured from green to red."),
    ("supervisor-analysis", "Papan pemuka Analisis", "The Analysis dashboard", "Kepuasan mengikut premis dan kaunter.",
     "Satisfaction by premise and counter.",
     "Tangkapan skrin papan pemuka: penapis tempoh dan premis, serta kad bilangan penilaian, indeks kepuasan "
     "dan skor purata.",
     "Dashboard screenshot: period and premise filters, and cards with the number of ratings, the satisfaction "
     "index and the mean score."),
    ("portal-results", "Keputusan awam", "Public results", "Kepuasan setiap kementerian dan agensi.",
     "Satisfaction of every ministry and agency.",
     "Tangkapan skrin portal: jadual peratus kepuasan kebangsaan, mengikut kementerian dan mengikut agensi.",
     "Portal screenshot: tables of national, ministry and agency satisfaction percentages."),
]
GALLERY_KIND = {"qr-rate": "qr", "kiosk": "tablet", "supervisor-analysis": "dashboard", "portal-results": "infographic"}

COLOURS = {"qr": "#1d4ed8", "briefing": "#0f766e", "study": "#7c3aed", "tablet": "#1e3a8a", "report": "#b45309",
           "dashboard": "#0e7490", "infographic": "#15803d"}


def picture(kind, size=(960, 540)):
    """A simple illustration: a coloured backdrop, a white card and the five faces (JPEG, small).
    No words are drawn, so one picture serves both languages."""
    from PIL import Image, ImageDraw

    w, h = size
    image = Image.new("RGB", size, COLOURS.get(kind, "#1d4ed8"))
    draw = ImageDraw.Draw(image)
    for i in range(0, w + h, 48):  # a light diagonal pattern
        draw.line([(i, 0), (i - h, h)], fill=_shade(COLOURS.get(kind, "#1d4ed8")), width=14)
    card = [int(w * .12), int(h * .28), int(w * .88), int(h * .72)]
    draw.rounded_rectangle([card[0] + 8, card[1] + 10, card[2] + 8, card[3] + 10], radius=28, fill="#0f172a")
    draw.rounded_rectangle(card, radius=28, fill="#ffffff")
    faces = ["#22c55e", "#84cc16", "#fbbf24", "#fb923c", "#ef4444"]
    r = int(h * .085)
    gap = (card[2] - card[0]) / 5
    for i, colour in enumerate(faces):
        cx, cy = int(card[0] + gap * (i + .5)), int((card[1] + card[3]) / 2)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        e, stroke = max(r // 7, 3), max(r // 8, 3)
        for dx in (-r // 2.6, r // 2.6):
            draw.ellipse([cx + dx - e, cy - r // 4 - e, cx + dx + e, cy - r // 4 + e], fill="#1f2937")
        box = [cx - r // 2, cy - r // 6, cx + r // 2, cy + r // 2]
        if i < 2:
            draw.arc(box, 20, 160, fill="#1f2937", width=stroke)
        elif i == 2:
            draw.line([cx - r // 2.4, cy + r // 3, cx + r // 2.4, cy + r // 3], fill="#1f2937", width=stroke)
        else:
            draw.arc([box[0], box[1] + r // 2, box[2], box[3] + r // 2], 200, 340, fill="#1f2937", width=stroke)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=72, optimize=True, progressive=True)
    return out.getvalue()


def screen_picture(name, size=(960, 540), screens=None):
    """The BM screenshot `name` framed for the gallery's 16:9 tiles (a phone's tall screen stands on
    a coloured backdrop instead of being cropped), as a JPEG; None when it was not taken."""
    from PIL import Image

    from erating.base.portal_content.screenshots import screen_path

    path = screen_path(name, "ms", screens)
    if not path.exists():
        return None
    shot = Image.open(path).convert("RGB")
    w, h = size
    canvas = Image.new("RGB", size, "#1e3a8a")
    margin = 28
    shot.thumbnail((w - 2 * margin, h - 2 * margin), Image.LANCZOS)
    canvas.paste(shot, ((w - shot.width) // 2, (h - shot.height) // 2))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    return out.getvalue()


def _shade(hex_colour):
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return (min(r + 14, 255), min(g + 14, 255), min(b + 14, 255))


def application_info_pdf():
    import tempfile
    from pathlib import Path

    from erating.base.portal_content.manuals import render_pdf

    text = ("# Maklumat permohonan agensi eRating\n\n"
            "## Siapa boleh memohon\n\nKementerian, jabatan dan agensi Kerajaan Persekutuan dan Negeri.\n\n"
            "## Maklumat yang diperlukan\n\n- Nama agensi dan kementerian\n- Bilangan premis yang dirancang\n"
            "- Medium: kod QR, tablet atau kedua-duanya\n- Nama, jawatan, e-mel rasmi dan telefon pegawai\n\n"
            "## Selepas permohonan\n\n1. Pasukan eRating menyemak permohonan.\n"
            "2. Pentadbir agensi menerima jemputan log masuk.\n3. Agensi mendaftar premis dan mencetak poster.\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = render_pdf(text, Path(tmp) / "maklumat.pdf")
        return path.read_bytes()


def build_portal_demo(today=None, screens=None):
    """Adds the demo content once; a portal that already has news is left alone. screens: the
    folder of screenshots for the gallery (default: the one `make manuals` fills)."""
    if NewsArticle.objects.exists():
        return False
    today = today or timezone.localdate()
    PortalText(**TEXT).save()
    for slug, days_ago, kind, t_ms, t_en, s_ms, s_en, b_ms, b_en in NEWS:
        article = NewsArticle(slug=slug, date=today - datetime.timedelta(days=days_ago), title_ms=t_ms, title_en=t_en,
                              summary_ms=s_ms, summary_en=s_en, body_ms=b_ms, body_en=b_en, published=True,
                              image_alt_ms=f"Ilustrasi: {t_ms}", image_alt_en=f"Illustration: {t_en}")
        article.image.save(f"{slug}.jpg", ContentFile(picture(kind)), save=False)
        article.save()
    for i, (q_ms, q_en, a_ms, a_en) in enumerate(FAQ):
        FaqEntry(question_ms=q_ms, question_en=q_en, answer_ms=a_ms, answer_en=a_en, position=i, published=True).save()
    for i, (screen, t_ms, t_en, c_ms, c_en, alt_ms, alt_en) in enumerate(GALLERY):
        shot = screen_picture(screen, screens=screens)
        if shot is None:
            alt_ms, alt_en = f"Ilustrasi: {t_ms}", f"Illustration: {t_en}"
        item = GalleryItem(title_ms=t_ms, title_en=t_en, caption_ms=c_ms, caption_en=c_en, alt_ms=alt_ms,
                           alt_en=alt_en, position=i, published=True)
        item.file.save(f"{screen}.jpg", ContentFile(shot or picture(GALLERY_KIND[screen])), save=False)
        item.save()
    download = Download(title_ms="Maklumat permohonan agensi", title_en="Agency application information",
                        description_ms="Siapa boleh memohon, maklumat yang diperlukan dan langkah selepasnya.",
                        description_en="Who may apply, what is needed and what happens next.", published=True)
    download.file.save("maklumat-permohonan-erating.pdf", ContentFile(application_info_pdf()), save=False)
    download.save()
    # One agency prefers not to be named in the public results (its ratings still count).
    with scopes_disabled():
        shy = Agency.objects.order_by("-code").first()
        if shy is not None:
            Agency.objects.filter(pk=shy.pk).update(public_results_named=False)
    return True
