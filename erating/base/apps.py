from django.apps import AppConfig


class BaseConfig(AppConfig):
    name = "erating.base"
    label = "base"
    verbose_name = "eRating"

    def ready(self):
        # The audit log names codes that packages above it own; it may not import them, so they
        # are handed to it here, read only when an entry is shown.
        from erating.base.auditlog.keys import register_choices

        def reports():
            from erating.base.reports.registry import REPORTS
            return {slug: report.title for slug, report in REPORTS.items()}

        def periods():
            from erating.base.analysis.criteria import PRESETS, preset_label
            return {preset: preset_label(preset) for preset in PRESETS}

        def calls():
            from erating.base.followup.cases import CALL_OUTCOMES
            return dict(CALL_OUTCOMES)

        register_choices("report", reports)
        register_choices("period", periods)
        register_choices("call", calls)
