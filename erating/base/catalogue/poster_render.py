"""One part of a poster PDF, HTML to PDF with WeasyPrint. Free of Django so that a worker process
started afresh (multiprocessing "spawn": safe under a threaded app server) imports only this."""


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
