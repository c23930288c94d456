from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "erating.base"
    label = "base"
    verbose_name = "eRating"

    def ready(self):
        # Every rating the one writer inserts is added to the analysis aggregates in the same
        # transaction (bulk loads rebuild them instead: aggregates.rebuild).
        from erating.base.analysis import aggregates
        from erating.base.services import rating_writer

        if aggregates.after_insert not in rating_writer.AFTER_INSERT:
            rating_writer.AFTER_INSERT.append(aggregates.after_insert)
