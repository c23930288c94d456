"""Benchmark: bulk QR posters for 1,000 targets (target: <= 30 s and <= 300 MB peak memory, in this
process and in the layout process).

run() starts a child process on a throw-away SQLite database so the peak memory (ru_maxrss)
measured is the poster run's own, not the bench runner's; the child builds one agency with a logo,
50 premises and 1,000 targets, then renders the agency's bulk A4 PDF the way the view does
(targets streamed from the database into a temporary file) and checks a page decodes."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = 1000
PREMISES = 50
ROOT = Path(__file__).resolve().parent.parent


def run(targets=TARGETS):
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="erating.test_settings",
                   DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3", MEDIA_ROOT=f"{tmp}/media", REDIS_URL="")
        proc = subprocess.run([sys.executable, "-m", "bench.posters", "--child", tmp, str(targets)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, file=sys.stderr)
            raise RuntimeError("poster benchmark child failed")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["within_budget"] = result["seconds"] <= 30 and max(result["peak_rss_mb"], result["workers_peak_rss_mb"]) <= 300
    print(f"bulk posters: {result['pages']} pages in {result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s CPU), "
          f"peak RSS {result['peak_rss_mb']:.0f} MB (before rendering {result['rss_before_mb']:.0f} MB), "
          f"Typst layout process {result['workers_peak_rss_mb']:.0f} MB, "
          f"PDF {result['pdf_mb']:.1f} MB; baseline (bare QR + one line per page, same run) "
          f"{result['baseline_seconds']:.1f} s ({result['baseline_cpu_seconds']:.1f} s CPU)", flush=True)
    return result


def child(tmp, count):
    import io
    import resource
    import time

    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django_scopes import scopes_disabled
    from PIL import Image

    from erating.base.catalogue import posters
    from erating.base.models import Agency, Ministry, Premise, Target
    from erating.base.scoping import agency_scope

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        ministry = Ministry.objects.create(code="bench", name_ms="Kementerian Penanda Aras")
        agency = Agency.objects.create(ministry=ministry, code="bench", name_ms="Jabatan Penanda Aras Negara",
                                       name_en="National Benchmark Department")
        logo = io.BytesIO()
        Image.new("RGB", (600, 300), (20, 80, 160)).save(logo, "PNG")
        agency.logo.save("logo.png", ContentFile(logo.getvalue()))
        premises = Premise.objects.bulk_create(
            Premise(agency=agency, code=f"p{i}", name=f"Pejabat Cawangan {i}", state="SGR") for i in range(PREMISES))
        Target.objects.bulk_create(
            Target(agency=agency, premise=premises[i % PREMISES], kind=Target.COUNTER, name=f"Kaunter {i}",
                   name_en=f"Counter {i}") for i in range(count))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pdf = Path(tmp) / "posters.pdf"
    started, cpu = time.perf_counter(), _cpu_seconds()
    with agency_scope(agency.pk), open(pdf, "wb") as out:
        pages = posters.write_posters(posters.poster_targets(Target.objects.filter(agency=agency)), out, "A4")
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The pages are laid out in a child process (typst_child): its peak, the largest of the children.
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    decoded = _decode_page(pdf, pages // 2 or 1, tmp)
    with scopes_disabled():
        codes = set(Target.objects.values_list("code", flat=True))
    started, baseline_cpu = time.perf_counter(), _cpu_seconds()
    _baseline(Path(tmp) / "baseline.pdf", sorted(codes)[:pages])
    baseline_seconds, baseline_cpu = time.perf_counter() - started, _cpu_seconds() - baseline_cpu
    print(json.dumps({"targets": count, "pages": pages, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                      "baseline_seconds": round(baseline_seconds, 2), "baseline_cpu_seconds": round(baseline_cpu, 2),
                      "peak_rss_mb": round(peak, 1), "workers_peak_rss_mb": round(workers_peak, 1),
                      "rss_before_mb": round(rss_before, 1),
                      "pdf_mb": round(pdf.stat().st_size / 1e6, 2),
                      "page_decodes": decoded.rsplit("/", 1)[-1] in codes}))


def _cpu_seconds():
    """CPU time of this process and its finished workers (the machine is shared: wall time alone
    says more about the neighbours than about the posters)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _baseline(path, codes):
    """The least any poster run must do: one QR image and one line of text per page, no layout."""
    import io

    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for code in codes:
        png = io.BytesIO()
        segno.make(f"https://erating.gov.my/r/{code}", error="m").save(png, kind="png", scale=8)
        png.seek(0)
        pdf.drawImage(ImageReader(png), 150, 300, 300, 300)
        pdf.drawString(150, 280, code)
        pdf.showPage()
    pdf.save()


def _decode_page(pdf, page, tmp):
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), str(pdf), f"{tmp}/pg"],
                   check=True)
    png = sorted(Path(tmp).glob("pg*.png"))[0]
    results = zxingcpp.read_barcodes(Image.open(png))
    return results[0].text if results else ""


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else TARGETS)
    else:
        print(json.dumps(run()))
