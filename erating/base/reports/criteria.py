"""What the user asked for, within their scope: the analysis module's one definition, used by
reports as it is (`parse`, `ratings`, `to_query`, `Criteria.previous`)."""
from erating.base.analysis.criteria import Criteria, parse, ratings, to_query  # noqa: F401

