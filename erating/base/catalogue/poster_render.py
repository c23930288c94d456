"""One part of a poster PDF, HTML to PDF with WeasyPrint. Free of Django: a bulk run lays out its
parts side by side in fresh interpreters (`python -m erating.base.catalogue.poster_render JOB PDF`),
which import only this (no fork of a threaded app server, no re-import of its main module)."""
import pickle
import sys


def render(document, resources, target):
    """Write `document` (HTML) as PDF to `target` (a path or a binary file); `resources` maps the
    "erating:…" URLs the pages show (logo, faces) to (bytes, mime type)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):
        # Only what the page builder put in `resources`: nothing in a name or a line can make the
        # renderer read a file or call a server.
        def fetch(self, url, headers=None):
            if url in resources:
                data, mime = resources[url]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            raise ValueError("posters fetch no external resources")

    HTML(string=document, url_fetcher=Fetcher()).write_pdf(target)


def main(job, target):
    """Render a part written by poster_pdf.PageWriter (a pickle of (document, resources) in its own
    temporary directory) to `target`."""
    with open(job, "rb") as fh:
        document, resources = pickle.load(fh)
    render(document, resources, target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
