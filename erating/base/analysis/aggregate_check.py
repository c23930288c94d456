"""check_aggregates: every aggregate table compared with the raw ratings, in the database.

Per table, the raw GROUP BY (a coarser table: summed from the raw GROUP BY of its finer one) is
FULL OUTER JOINed to the stored rows and only the rows that differ come back, read in batches, so
memory stays flat whatever the number of ratings (holding both sides in dicts took 1.87 GB at 10M)."""
from datetime import date

from django.db import connection

from erating.base.analysis.aggregates import (
    DERIVED,
    ORDER,
    TABLES,
    _date_field,
    _id,
    _months,
    _param,
    _params,
    _raw_selects,
)


def check(start, end, agency=None):
    """-> a list of (table, key, stored counts, raw counts) for every difference in the period,
    once the pending ratings are folded."""
    from erating.base.analysis import pending

    pending.fold_all(wait=True)
    start, end = _months(start, end)
    agency = _id(agency)
    differences = []
    with connection.cursor() as cursor:
        for model in ORDER:
            sql, params = _check_sql(model, start, end, agency)
            keys, values = TABLES[model]
            cursor.execute(sql, params)
            width = len(keys) + len(values)
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    stored, raw = row[:width], row[width:]
                    present_s, present_r = stored[0] is not None, raw[0] is not None
                    key = _norm((stored if present_s else raw)[:len(keys)])
                    differences.append((model.__name__, key, list(stored[len(keys):]) if present_s else None,
                                        list(raw[len(keys):]) if present_r else None))
    differences.sort(key=lambda d: (ORDER.index(_MODELS[d[0]]), repr(d[1])))
    return differences


_MODELS = {model.__name__: model for model in TABLES}


def _check_sql(model, start, end, agency):
    """(sql, params) of the rows of `model` in [start, end] that differ from the raw ratings."""
    keys, values = TABLES[model]
    selects = _raw_selects(agency)
    ctes, params = [], []
    if model in DERIVED:
        source = DERIVED[model][0]
        s_keys, s_values = TABLES[source]
        ctes.append(f"src ({', '.join(s_keys + s_values)}) AS ({selects[source]})")
        params += _params(source, start, end, agency)
        derived = selects[model].replace(f"FROM {source._meta.db_table} d", "FROM src d")
        ctes.append(f"x ({', '.join(keys + values)}) AS ({derived})")
    else:
        ctes.append(f"x ({', '.join(keys + values)}) AS ({selects[model]})")
    params += _params(model, start, end, agency)
    field = _date_field(model)
    vendor = connection.vendor
    stored_where = f"{field} >= %s AND {field} <= %s" + (" AND agency_id = %s" if agency else "")
    ctes.append(f"s AS (SELECT {', '.join(keys + values)} FROM {model._meta.db_table} WHERE {stored_where} "
                f"AND {' + '.join(values)} > 0)")
    params += [_param(start, vendor), _param(end, vendor)] + ([agency] if agency else [])
    if vendor == "postgresql":
        # A FULL JOIN needs plain equalities (hash or merge join): ids that may be NULL
        # (premise) are compared through COALESCE, not IS NOT DISTINCT FROM.
        on = " AND ".join(f"COALESCE(s.{k}, -1) = COALESCE(x.{k}, -1)" if k.endswith("_id") else f"s.{k} = x.{k}"
                          for k in keys)
    else:
        on = " AND ".join(f"s.{k} IS x.{k}" for k in keys)
    differ = " OR ".join(f"s.{v} <> x.{v}" for v in values)
    columns = ", ".join([f"s.{c}" for c in keys + values] + [f"x.{c}" for c in keys + values])
    sql = (f"WITH {', '.join(ctes)} SELECT {columns} FROM s FULL OUTER JOIN x ON {on} "
           f"WHERE s.{keys[0]} IS NULL OR x.{keys[0]} IS NULL OR {differ}")
    return sql, params


def _norm(key):
    # SQLite answers dates as text and booleans as 0/1.
    return tuple(date.fromisoformat(v) if isinstance(v, str) and len(v) == 10 and v[4] == "-" else
                 int(v) if isinstance(v, (bool, float)) else v for v in key)
