#!/usr/bin/env python3
"""Writes docs/support.md: one row per API call, each naming the Catch2 TEST_CASE that backs it.

Run from anywhere: `/usr/bin/python3 tools/gen_support_table.py` rewrites the table;
`--check` (run by CTest) fails when a row names no existing test or the file is stale.
A reference (file stem, name prefix) that matches no test case or several is an error in
both modes, naming the row and the reference: it is never dropped from its row.
`--root DIR` reads the tests of, and writes the table into, another tree (the self-test,
tools/test_gen_support_table.py, runs it on a copy).
"""
import glob
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--root" in sys.argv:
    REPO = os.path.abspath(sys.argv[sys.argv.index("--root") + 1])

# Parse TEST_CASE / TEST_CASE_METHOD names (with adjacent string literal concatenation).
def test_names(root=os.path.join(REPO, "tests")):
    out = {}
    for path in sorted(glob.glob(root + "/unit/*.cpp") + glob.glob(root + "/conformance/*.cpp") +
                       glob.glob(root + "/remote/*.cpp") + glob.glob(root + "/sync/*.cpp")):
        src = open(path).read()
        rel = os.path.relpath(path, REPO)
        for m in re.finditer(r"\bTEST_CASE(?:_METHOD)?\s*\(", src):
            i = m.end()
            # skip fixture arg for TEST_CASE_METHOD
            if "METHOD" in m.group(0):
                i = src.index(",", i) + 1
            lits = []
            while True:
                mm = re.compile(r'\s*"((?:[^"\\]|\\.)*)"').match(src, i)
                if not mm: break
                lits.append(mm.group(1)); i = mm.end()
            out.setdefault(rel, []).append("".join(lits))
    return out


NAMES = test_names()
PENDING = []
BAD_REFS = []  # "row: reference: why", each a hard error
STEMS = {"queryset": "tests/unit/test_queryset.cpp", "lookups": "tests/unit/test_lookups.cpp",
         "model": "tests/unit/test_model.cpp", "errors": "tests/unit/test_errors.cpp",
         "database": "tests/unit/test_database.cpp", "threads": "tests/unit/test_threads.cpp",
         "processes": "tests/unit/test_processes.cpp",
         "limits": "tests/unit/test_query_limits.cpp", "input": "tests/unit/test_input_checks.cpp",
         "sqlgen": "tests/unit/test_sql_generation.cpp", "values": "tests/unit/test_values.cpp",
         "fold": "tests/unit/test_unicode_fold.cpp",
         "conf_lookups": "tests/conformance/django_lookups.cpp",
         "conf_any": "tests/conformance/django_lookups_any_field.cpp",
         "conf_qs": "tests/conformance/django_querysets.cpp",
         "conf_w": "tests/conformance/django_writes.cpp",
         "conf_kinds": "tests/conformance/django_field_kinds.cpp",
         "skinds": "tests/sync/test_sync_field_kinds.cpp",
         "rel": "tests/unit/test_relations.cpp", "load": "tests/unit/test_related_loading.cpp",
         "cascade": "tests/unit/test_delete_cascade.cpp",
         "relschema": "tests/unit/test_relation_schema.cpp",
         "conf_rel": "tests/conformance/django_relations.cpp",
         "condagg": "tests/unit/test_conditional_aggregates.cpp",
         "conf_condagg": "tests/conformance/django_conditional_aggregates.cpp",
         "conf_del": "tests/conformance/django_deletes.cpp",
         "odata": "tests/unit/test_odata_compile.cpp", "oparse": "tests/unit/test_odata_parse.cpp",
         "server": "tests/remote/test_odata_server.cpp",
         "generated": "tests/remote/test_odata_generated.cpp",
         "client": "tests/remote/test_odata_client.cpp",
         "batch": "tests/remote/test_odata_batch.cpp",
         "bformat": "tests/unit/test_odata_batch_format.cpp",
         "sreads": "tests/sync/test_sync_reads.cpp", "swrites": "tests/sync/test_sync_writes.cpp",
         "sjournal": "tests/sync/test_sync_journal.cpp",
         "satomic": "tests/sync/test_sync_atomic.cpp",
         "sfaults": "tests/sync/test_sync_faults.cpp",
         "inherit": "tests/unit/test_inheritance.cpp",
         "spec": "tests/unit/test_specializations.cpp",
         "rtargs": "tests/unit/test_runtime_args.cpp",
         "valid": "tests/unit/test_validation.cpp",
         "conf_valid": "tests/conformance/django_validation.cpp",
         "duration": "tests/unit/test_duration.cpp",
         "conf_duration": "tests/conformance/django_duration.cpp",
         "demo": "examples/crm_sync.cpp"}

def ref(stem, prefix, api):
    if stem not in STEMS:
        BAD_REFS.append(f'{api}: ({stem!r}, {prefix!r}): no such file stem')
        return None
    path = STEMS[stem]
    hits = [n for n in NAMES.get(path, []) if n.startswith(prefix)]
    if len(hits) != 1:
        why = (f"matches no test case in {path}" if not hits else
               f"matches {len(hits)} test cases in {path}: " + "; ".join(f'"{h}"' for h in hits))
        BAD_REFS.append(f'{api}: ({stem!r}, "{prefix}") {why}')
        return None
    name = hits[0].replace("|", "\\|")
    return f'`{path.split("/")[-1]}`: "{name}"'

def row(api, refs, note=""):
    got = [r for r in (ref(s, p, api) for s, p in refs) if r]
    if got:
        cell = "✔"
        tests = "<br>".join(got)
    else:
        cell = "✔ (test pending)"
        tests = ""
        PENDING.append(api)
    return f"| {api} | {cell} | {tests} | {note} |"

def cell(refs, api):
    got = [r for r in (ref(s, p, api) for s, p in refs) if r]
    return ("✔" if got else "✔ (test pending)"), got

# The CDMS-style table: each call with the remote (synced) and without it (skip_cdms).
SYNC_ROWS = []
def sync_row(api, synced, skipped, note=""):
    SYNC_ROWS.append((api, synced, skipped, note))

SECTIONS = []
def section(title, intro, rows):
    SECTIONS.append((title, intro, rows))

L = "Klass.objects().filter"
section("Lookups", "Each lookup works in `filter`, `exclude`, `get`, `Q` and after transforms.", [
    (f'{L}("f", v), ("f__exact", v)', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f", nullptr)', [("lookups", "NULL: exact=NULL"), ("conf_lookups", "lookups and transforms agree")], "IS NULL"),
    (f'{L}("f__iexact", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], "Unicode simple case folding"),
    (f'{L}("f__contains", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], "case-sensitive (see [django-differences.md](django-differences.md))"),
    (f'{L}("f__icontains", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__in", {{...}})', [("lookups", "integer lookups"), ("lookups", "NULL: exact=NULL"), ("conf_lookups", "lookups and transforms agree")], "NULLs in the list ignored; empty list matches nothing"),
    (f'{L}("f__in", queryset / values_list)', [("lookups", "in with a subquery"), ("sqlgen", "subqueries")], "one SQL statement"),
    (f'{L}("f__gt", v)', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__gte", v)', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__lt", v)', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__lte", v)', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__startswith", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], "case-sensitive"),
    (f'{L}("f__istartswith", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__endswith", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], "case-sensitive"),
    (f'{L}("f__iendswith", v)', [("lookups", "contains/startswith/endswith are case-sensitive"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__range", {{a, b}})', [("lookups", "integer lookups"), ("conf_lookups", "lookups and transforms agree")], "inclusive"),
    (f'{L}("f__isnull", b)', [("lookups", "NULL: exact=NULL"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__regex", v)', [("lookups", "regex and iregex"), ("conf_lookups", "lookups and transforms agree")], "Python re syntax (PCRE2); a search over its limits is an OperationalError"),
    (f'{L}("f__iregex", v)', [("lookups", "regex and iregex"), ("conf_lookups", "lookups and transforms agree")], "ignores case as re.IGNORECASE (Unicode)"),
    (f'{L}("f__search", v)', [("lookups", "search matches rows"), ("conf_lookups", "lookups and transforms agree")], "every word contained, ignoring case"),
    ("wildcards and quotes in values are literal", [("lookups", "% and _ are literal"), ("lookups", "star, question mark and bracket are literal"), ("lookups", "every hostile string"), ("sqlgen", "hostile values never reach")], ""),
    ("a pattern lookup (iexact, contains, ..., regex) on a number, boolean, date or datetime", [("sqlgen", "pattern lookups on numbers, booleans and dates"), ("conf_any", "every lookup on every field"), ("odata", "pattern lookups on numbers, booleans and dates"), ("sreads", "a lookup on a field's text")], "the value's text (Python's str()) against the column's, as Django on SQLite; remote: narrowed locally"),
    ("gt, gte, lt, lte, range on a boolean", [("sqlgen", "pattern lookups on numbers, booleans and dates"), ("conf_any", "every lookup on every field")], "false < true"),
    ("a lookup that does not apply to the field's type", [("errors", "a lookup or transform that does not apply")], "FieldError (search on a non-text field, a transform of another type)"),
])
section("Transforms", "Each transform is followed by a lookup (default `exact`) and can be chained.", [
    (f'{L}("f__date", d)', [("lookups", "datetime transforms: date and time"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__time", t)', [("lookups", "datetime transforms: date and time"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__year", n)', [("lookups", "date transforms: year, month"), ("lookups", "datetime transforms: parts"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__iso_year", n)', [("lookups", "date transforms: week_day"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__month", n)', [("lookups", "date transforms: year, month"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__day", n)', [("lookups", "date transforms: year, month"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__week", n)', [("lookups", "date transforms: week_day"), ("conf_lookups", "lookups and transforms agree")], "ISO week"),
    (f'{L}("f__week_day", n)', [("lookups", "date transforms: week_day"), ("conf_lookups", "lookups and transforms agree")], "1 = Sunday"),
    (f'{L}("f__iso_week_day", n)', [("lookups", "date transforms: week_day"), ("conf_lookups", "lookups and transforms agree")], "1 = Monday"),
    (f'{L}("f__quarter", n)', [("lookups", "date transforms: year, month"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__hour", n)', [("lookups", "datetime transforms: parts"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__minute", n)', [("lookups", "datetime transforms: parts"), ("conf_lookups", "lookups and transforms agree")], ""),
    (f'{L}("f__second", n)', [("lookups", "datetime transforms: parts"), ("conf_lookups", "lookups and transforms agree")], ""),
    ("exclude on a transform keeps NULL rows", [("lookups", "exclude on transforms keeps NULL rows")], ""),
])
O = "Klass.objects()"
section("Conditions and expressions", "", [
    (f"{O}.filter(...) / .exclude(...): one pair, brace list, Q", [("queryset", "filter and exclude: Q objects"), ("sqlgen", "AND/OR nesting")], ""),
    ("Q(...) & | ~, nested", [("lookups", "Q trees"), ("sqlgen", "AND/OR nesting")], ""),
    ("exclude(a, b) is NOT (a AND b); chained filters AND", [("lookups", "chained filters AND")], ""),
    ("NULL under negation (Django's IS NOT NULL guard)", [("lookups", "NULL: exact=NULL"), ("sqlgen", "negation")], ""),
    ('"pk" as a name', [("lookups", "pk is an alias")], ""),
    ('F("f") in conditions, with arithmetic', [("lookups", "F() compares two columns"), ("queryset", "F(): comparing columns"), ("sqlgen", "F(): another column")], ""),
    ('F("f") in pattern lookups', [("lookups", "pattern lookups against another column")], ""),
    ('F("f") in update()', [("queryset", "update: values, F() arithmetic")], ""),
    ("Count, Sum, Avg, Min, Max (distinct Count)", [("queryset", "aggregate: Count, Sum"), ("conf_qs", "QuerySet methods agree")], ""),
    ("condition on an aggregate annotation (HAVING)", [("queryset", "annotate: per-object values"), ("conf_qs", "QuerySet methods agree")], ""),
    ('conditional aggregates: Count("entry", Q(...)), Sum(f, true, Q(...))', [("condagg", "an aggregate's filter: FILTER (WHERE"), ("condagg", "FILTER and CASE WHEN give"), ("conf_condagg", "Conditional aggregates agree")], "Django's filter=Q(...); FILTER (WHERE) or CASE WHEN"),
    ("aggregate() over an aggregate annotation", [("queryset", "aggregate: over an aggregate annotation")], "Avg of a Count annotation, over a subquery"),
    ("extra(select) alias in a condition is refused", [("queryset", "extra: a select alias in a condition")], "FieldError, as Django"),
])
section("QuerySet methods that return querysets", "", [
    (f"{O}.all()", [("queryset", "QuerySet: chained calls return new querysets")], ""),
    (f"{O}.filter(...)", [("queryset", "filter and exclude: Q objects")], ""),
    (f"{O}.exclude(...)", [("queryset", "filter and exclude: Q objects")], ""),
    (f"{O}.order_by(...)", [("queryset", "order_by: several fields"), ("sqlgen", "ordering: Meta default"), ("conf_qs", "QuerySet methods agree")], '"-f", "?", "pk", Meta.ordering, clearing'),
    (f"{O}.reverse()", [("queryset", "reverse: reverses the ordering"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.distinct()", [("queryset", "distinct: removes duplicate rows"), ("conf_qs", "QuerySet methods agree")], "no field names"),
    (f"{O}.slice(start, stop)", [("queryset", "slicing: offset and limit"), ("sqlgen", "slicing: LIMIT and OFFSET"), ("conf_qs", "QuerySet methods agree")], "Django's qs[a:b]"),
    (f"{O}.none()", [("queryset", "none: an empty queryset"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.using_(db)", [("database", "Database: using_() routes queries")], ""),
    (f"{O}.annotate(...)", [("queryset", "annotate: per-object values"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.values(...)", [("queryset", "values: all fields"), ("queryset", "values: results are cached"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.values_list(...), .flat()", [("queryset", "values_list: rows, flat"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.values_list(dorm::flat, ...)", [("rtargs", "values_list(flat)"), ("conf_qs", "QuerySet methods agree")], "Django's flat=True; kept by chained calls"),
    ("values() / values_list(): get, first, last, latest, earliest, qs[i], aggregate, dates, datetimes", [("rtargs", "querysets of rows"), ("conf_qs", "QuerySet methods agree")], "each row in the queryset's shape"),
    ("names, (name, value) pairs and named expressions as run-time containers", [("rtargs", "run-time args: filter"), ("rtargs", "run-time args: names"), ("rtargs", "run-time args: aggregate"), ("rtargs", "run-time args: get_or_create")], "std::vector, std::map, any range"),
    (f"{O}.defer(...), .only(...)", [("queryset", "defer and only: deferred members"), ("queryset", "defer and only: saving"), ("conf_qs", "QuerySet methods agree")], "deferred members keep their initial value"),
    (f"{O}.extra(dorm::Extra{{...}})", [("queryset", "extra: select, where"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.select_for_update()", [("queryset", "select_for_update: a no-op"), ("conf_qs", "QuerySet methods agree")], "a no-op on SQLite"),
    ("querysets are lazy, immutable, and cache their rows", [("queryset", "QuerySet: building and chaining"), ("queryset", "QuerySet: results are cached"), ("queryset", "QuerySet: chained calls"), ("queryset", "QuerySet: copies share")], ""),
])
section("QuerySet methods that run queries", "", [
    ("iteration, size(), qs[i], to_vector()", [("queryset", "QuerySet: range-for, size and indexing"), ("rtargs", "qs[i] past the end"), ("conf_qs", "QuerySet methods agree")], "past the end: dorm::IndexError (a dorm::Error)"),
    (f"{O}.count()", [("queryset", "QuerySet: count() and exists()"), ("sqlgen", "what count(), exists()"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.exists()", [("queryset", "QuerySet: count() and exists()"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.get(...)", [("queryset", "get: one object"), ("errors", "get() of nothing"), ("errors", "get() of several"), ("conf_qs", "QuerySet methods agree")], "Klass::DoesNotExist, Klass::MultipleObjectsReturned"),
    (f"{O}.first(), .last()", [("queryset", "first and last"), ("conf_qs", "QuerySet methods agree")], "std::optional"),
    (f"{O}.latest(...), .earliest(...)", [("queryset", "latest and earliest"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.create(...)", [("queryset", "create: from field values"), ("conf_w", "writes agree with Django")], ""),
    (f"{O}.get_or_create(lookup, defaults)", [("queryset", "get_or_create: created flag"), ("conf_w", "writes agree with Django")], ""),
    (f"{O}.update_or_create(lookup, defaults)", [("queryset", "update_or_create: updates"), ("conf_w", "writes agree with Django")], ""),
    (f"{O}.bulk_create(objs)", [("queryset", "bulk_create: sets primary keys"), ("queryset", "bulk_create: a unique violation"), ("conf_w", "writes agree with Django")], "one transaction"),
    (f"{O}.in_bulk(ids[, field])", [("queryset", "in_bulk: objects by primary key"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.update({{...}})", [("queryset", "update: values, F() arithmetic"), ("conf_w", "writes agree with Django")], ""),
    (f"{O}.delete_()", [("queryset", "delete_: returns the count per model"), ("conf_w", "writes agree with Django")], "DeleteResult"),
    (f"{O}.aggregate(...)", [("queryset", "aggregate: Count, Sum"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.dates(f, kind[, order])", [("queryset", "dates and datetimes"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.datetimes(f, kind[, order])", [("queryset", "dates and datetimes"), ("conf_qs", "QuerySet methods agree")], ""),
    (f"{O}.raw(sql, params)", [("queryset", "raw: models from SQL"), ("conf_qs", "QuerySet methods agree")], "on the manager"),
    (f"{O}.sql()", [("queryset", "sql(): the statement text")], ""),
    ("dorm::get_object_or_404, dorm::get_list_or_404", [("queryset", "get_object_or_404 and get_list_or_404")], "dorm::Http404"),
])
section("Models and instances", "", [
    ("dorm::auto_pk", [("model", "save: pk 0 INSERTs")], ""),
    ("dorm::big_auto_pk", [("model", "big_auto_pk")], ""),
    ("dorm::primary_key (not auto)", [("model", "a non-auto string primary key")], ""),
    ("dorm::max_length", [("model", "max_length counts characters"), ("errors", "max_length is checked on save")], ""),
    ("dorm::unique", [("errors", "a unique violation is an IntegrityError")], ""),
    ("dorm::db_index", [("database", "create_tables: idempotent, keeps data, creates indexes")], ""),
    ("dorm::db_column", [("model", "db_column")], ""),
    ("dorm::default_", [("model", "default_: applied")], ""),
    ("std::optional members (NULL)", [("model", "std::optional of every kind")], ""),
    ("float, double and bool members", [("model", "float and bool members")], ""),
    ("Date and DateTime members (Django's formats)", [("values", "Date and DateTime: stored in Django's text formats"), ("conf_w", "writes agree with Django")], ""),
    ("dorm::Decimal members: DecimalField (dorm::max_digits, dorm::decimal_places)", [("values", "Decimal: "), ("conf_kinds", "DecimalField, UUIDField and BinaryField agree")], "exact; stored and read as Django stores and reads it"),
    ("dorm::Uuid members: UUIDField", [("values", "Uuid: "), ("conf_kinds", "DecimalField, UUIDField and BinaryField agree")], "char(32) hex, as Django"),
    ("dorm::Blob members: BinaryField", [("conf_kinds", "DecimalField, UUIDField and BinaryField agree")], "exact, in, isnull"),
    ("Meta: table, ordering, get_latest_by", [("queryset", "order_by: several fields"), ("queryset", "latest and earliest")], ""),
    ("model definition errors", [("errors", "a wrong model definition")], "FieldError"),
    ("obj.save(): INSERT when pk unset, else UPDATE then INSERT", [("model", "save: pk 0 INSERTs"), ("model", "save: an existing primary key"), ("model", "save: an explicit primary key"), ("conf_w", "writes agree with Django")], ""),
    ("obj.save(db)", [("model", "save(db)")], ""),
    ("SaveOptions: force_insert, force_update", [("model", "save: force_insert")], ""),
    ("SaveOptions: update_fields", [("model", "save: update_fields")], ""),
    ("obj.delete_()", [("model", "delete_: removes the row")], "resets an auto pk to 0"),
    ("obj.refresh_from_db([fields])", [("model", "refresh_from_db")], ""),
    ("std::int16_t members (SmallIntegerField)", [("valid", "int16_t members are SmallIntegerFields")], ""),
    ("dorm::positive (Positive*IntegerField)", [("conf_valid", "validation: the tables are Django's"), ("valid", "int16_t members are SmallIntegerFields")], "CHECK (col >= 0)"),
    ("dorm::email_field, url_field, slug_field", [("conf_valid", "validation: full_clean() and display() agree with Django"), ("valid", "field kinds: Django's defaults")], "validated CharFields"),
    ("std::chrono::microseconds members (DurationField)", [("conf_duration", "duration fields: the rows Django writes"), ("conf_duration", "duration fields: lookups"), ("duration", "DurationField: stored as Django's integer microseconds")], "bigint microseconds; any std::chrono::duration as a value"),
    ("dorm::choices, obj.display(field)", [("conf_valid", "validation: full_clean() and display() agree with Django"), ("valid", "display: the label")], "get_FOO_display()"),
    ("dorm::blank, min_value, max_value, min_length, validator(fn)", [("conf_valid", "validation: full_clean() and display() agree with Django"), ("valid", "full_clean: one error with every field's messages")], ""),
    ("obj.full_clean(), clean_fields(), validate_unique()", [("conf_valid", "validation: full_clean() and display() agree with Django"), ("valid", "full_clean: the model's clean()"), ("valid", "full_clean: exclude skips fields")], "ValidationError::message_dict()"),
    ("Klass::DoesNotExist, Klass::MultipleObjectsReturned per model", [("model", "DoesNotExist and MultipleObjectsReturned are per model"), ("errors", "get() of nothing")], ""),
])
section("Database, transactions, schema", "", [
    ('dorm::Database("file") with WAL, foreign keys, busy timeout', [("database", "Database: a file database has WAL")], ""),
    ("DatabaseOptions", [("database", "Database: options change")], ""),
    ('dorm::Database(":memory:")', [("database", "Database: :memory: databases")], ""),
    ("OperationalError when the file cannot be opened", [("database", "Database: a file that cannot be opened")], ""),
    ("dorm::set_default_database / no default is a UsageError", [("database", "Database: no default database"), ("errors", "no database")], ""),
    ("dorm::atomic(db, fn): commit, return value", [("database", "atomic: commits")], ""),
    ("dorm::atomic: rollback and rethrow", [("database", "atomic: rolls back"), ("conf_w", "writes agree with Django")], ""),
    ("nested dorm::atomic: savepoints", [("database", "atomic: nested blocks")], ""),
    ("dorm::create_tables: Django's DDL", [("database", "create_tables: CREATE TABLE text"), ("database", "create_tables: the DDL matches")], ""),
    ("dorm::create_tables: idempotent, indexes", [("database", "create_tables: idempotent")], ""),
    ("dorm::create_tables: adds missing nullable columns", [("database", "create_tables: adds a missing")], ""),
    ("dorm::create_tables: SchemaError", [("database", "create_tables: SchemaError"), ("errors", "create_tables on an existing table")], ""),
    ("one Database shared between threads", [("threads", "threads: one Database shared")], ""),
    ("one Database per thread on the same file", [("threads", "threads: one Database per thread")], ""),
    ("several processes writing one file (WAL or rollback journal), one killed", [("processes", "processes: four processes of two threads write one file in rollback"), ("processes", "processes: four processes of two threads write one file in WAL")], "SIGKILL while holding the write lock"),
    ("busy timeout honoured where SQLite skips its busy handler", [("database", "Database: a statement waits for a lock even where")], ""),
    ("a lock upgrade that would deadlock: OperationalError saying so", [("database", "Database: a lock upgrade that would deadlock"), ("database", "Database: in WAL mode a stale read transaction")], ""),
    ("db.set_query_log(...)", [("queryset", "query log: every statement")], ""),
])
R = [("conf_rel", "Queries across relations agree")]
section("Relations", "See [relations.md](relations.md).", [
    ("dorm::ForeignKey<T> / OneToOne<T> / ManyToMany<T> fields, columns, join tables", [("rel", "declarations: relation fields"), ("relschema", "relation schema: CREATE TABLE text")], "Django's DDL, REFERENCES ... DEFERRABLE INITIALLY DEFERRED"),
    ("through<M>(), db_table(...), related_name, related_query_name", [("rel", "ManyToMany: through a declared join model"), ("rel", "related_name: the accessor")], ""),
    ("ManyToMany to its own model: symmetrical, symmetrical(false)", [("rel", "ManyToMany: a model related to itself is symmetrical"), ("rel", "ManyToMany: a model related to itself with symmetrical(false)")], ""),
    ("entry.blog->f / get() / ptr(): lazy, one query, cached", [("rel", "forward ForeignKey: the first access"), ("rel", "forward ForeignKey: get() on a NULL")], ""),
    ("entry.blog.id() / set_id() (Django's blog_id)", [("rel", "forward ForeignKey: the raw id")], ""),
    ("entry.blog = obj (unsaved: ValueError), = nullptr", [("rel", "forward ForeignKey: assigning an unsaved"), ("rel", "forward ForeignKey: nullptr")], "another model's object does not compile"),
    ("blog.related(&Entry::blog): all, filter, exclude, count, create, add, remove, clear, set", [("rel", "reverse ForeignKey manager: all"), ("rel", "reverse ForeignKey manager: create"), ("rel", "reverse ForeignKey manager: remove"), ("rel", "reverse ForeignKey manager: set()")], "remove/clear need a nullable ForeignKey"),
    ("place.related(&Restaurant::place) (OneToOne reverse)", [("rel", "OneToOne: the reverse side")], ""),
    ("entry.related(&Entry::authors), author.related(&Entry::authors)", [("rel", "ManyToMany: add, remove"), ("rel", "ManyToMany: the same links from the target side")], "adding an existing link is a no-op"),
    (f'{L}("blog__name", v), several levels, reverse, many-to-many', [("rel", "lookups across relations: forward"), *R], ""),
    (f'{L}("blog", obj), ("blog_id", 3), ("blog__id", 3), ("blog__in", qs)', [("rel", "lookups across relations: blog=obj"), ("rel", "lookups across relations: __in"), *R], "no join for blog_id / blog__id"),
    (f'{L}("entry__isnull", b)', [("rel", "lookups across relations: __in"), *R], ""),
    ("one filter() call vs chained filter() on multi-valued relations", [("rel", "multi-valued relations: one filter()"), *R], "as Django documents"),
    ("exclude() across a multi-valued relation", [("rel", "multi-valued relations: exclude()"), *R], "NOT IN (subquery)"),
    ("distinct() over rows repeated by joins", [("rel", "multi-valued relations: distinct()"), *R], ""),
    ('order_by("blog__name"), order_by("blog") (its Meta.ordering)', [("rel", "order_by across relations"), *R], ""),
    ('values("blog__name"), values_list(...)', [("rel", "values() over related fields"), *R], ""),
    ('annotate(Count("entry")), aggregate(Avg("entry__rating"))', [("rel", "annotate() and aggregate() across relations"), *R], "row multiplication as Django documents"),
    ("select_related(), select_related(names), select_related_depth(n)", [("load", "select_related: one query"), ("load", "select_related: nested"), ("load", "select_related_depth(1)")], "one query"),
    ("prefetch_related(names)", [("load", "prefetch_related: a many-to-many"), ("load", "prefetch_related: a reverse ForeignKey"), ("load", "prefetch_related: two levels")], "one query per relation"),
    ("delete_(): cascade", [("cascade", "cascade: deleting a blog"), ("conf_del", "deletes: cascade agrees")], "in one transaction"),
    ("delete_(): protect / restrict (ProtectedError, RestrictedError)", [("cascade", "protect: ProtectedError names"), ("cascade", "restrict: Django's documented example"), ("conf_del", "deletes: protect, restrict")], "nothing deleted"),
    ("delete_(): set_null / set_default / do_nothing", [("cascade", "set_null:"), ("cascade", "set_default:"), ("cascade", "do_nothing:"), ("conf_del", "deletes: set_null and set_default")], ""),
    ("delete_(): many-to-many links; per-model counts", [("cascade", "through: the join model"), ("conf_del", "deletes: many-to-many links")], ""),
])
IT = "inheritance: "
SP = "specializations: "
SPQ = "WritingImplement::specializations()"
section("Inheritance and specializations", "See [inheritance.md](inheritance.md).", [
    ("dorm::Extends<T, Parent> (multi-table): tables, <parent>_ptr key", [("inherit", IT + "a child's table holds its own fields and the pointer to its parent")], "Django's DDL"),
    ("Extends: save() of every table", [("inherit", IT + "save() writes every table in one transaction, parents first")], "one transaction, parents first"),
    ("Extends: queries on the parents' fields", [("inherit", IT + "a child's query joins its parents and filters on their fields")], "INNER JOIN of each parent"),
    ("Extends: delete_() of a child or a parent", [("inherit", IT + "deleting a child deletes its parents' rows, and deleting a parent its children's")], "as Django"),
    ("Extends: update() of fields of several tables", [("inherit", IT + "update() writes each table that holds one of the fields")], "one UPDATE per table; expressions of another table's fields: see inheritance.md"),
    ("Extends: a parent's reverse relations from the child; relations to a child", [("inherit", IT + "relations to a child read its parents' fields, and a parent's reverse relations serve the child"), ("inherit", IT + "update() of a parent's fields counts the rows")], "`filter(\"review__...\")`, `related<Review>(\"review_set\")`, select_related"),
    ("Extends: update() of parents' fields; F() of another table", [("inherit", IT + "update() of a parent's fields counts the rows")], "FieldError for another table's field, as Django"),
    ("Extends: save(update_fields)", [("inherit", IT + "a child's update_fields of a parent's field writes the parent's table alone")], ""),
    ("parent.child<U>()", [("inherit", IT + "a child's query joins its parents and filters on their fields")], "Django's `place.restaurant`; `U::DoesNotExist`"),
    ("dorm::ProxyOf<T, Parent>", [("inherit", IT + "a proxy shares its parent's table with its own ordering")], "the parent's table; own ordering, name"),
    ("abstract bases (a plain struct's members in ModelDef<T>::field)", [("inherit", IT + "an abstract base's fields and options belong to each model")], ""),
    ("inheritance definition errors", [("inherit", IT + "wrong declarations say what is wrong")], "FieldError"),
    (f"{SPQ}.all()", [("spec", SP + "all() yields each row as its most specialized object"), ("spec", SP + "a 10,000-row hierarchy of 4 types loads in 5 queries")], "`std::shared_ptr<T>`; one query, then one per type present"),
    (f"{SPQ}.filter(...)", [("spec", SP + "filters chain and stay specialized and take the general model's fields")], "the general model's fields"),
    (f"{SPQ}.get(...)", [("spec", SP + "get() takes two queries, one when the type is given")], "2 queries, 1 with `specialization_type`"),
    (f"{SPQ}.final(), .direct()", [("spec", SP + "direct() gives the type one step down, final() the last")], ""),
    (f"{SPQ}.extra(...), .annotate(...), .values_list(...)", [("spec", SP + "extra(select) and annotate() are carried to the specialized objects, and raw() yields them")], "djeneralize: NotImplementedError for annotate"),
    (f"{SPQ}.raw(sql, params)", [("spec", SP + "extra(select) and annotate() are carried to the specialized objects, and raw() yields them")], "djeneralize: NotImplementedError"),
    ("specialization_type kept by save()", [("spec", SP + "save() keeps the row's type, and deleting through the general model takes the specialized rows")], ""),
    ("obj.get_as_specialization([final])", [("spec", SP + "get_as_specialization() on a general object")], ""),
    ("dorm::visit_as<Ts...>(obj, f)", [("spec", SP + "all() yields each row as its most specialized object"), ("spec", SP + "direct() gives the type one step down, final() the last")], ""),
])
D = [("server", "differential odata_v4"), ("server", "differential odata_v2"), ("server", "differential crm2011"),
     ("generated", "generated querysets: odata_v4"), ("generated", "generated querysets: odata_v2"), ("generated", "generated querysets: crm2011")]
section("Remote: OData compilation and client", "What `qs.odata(dialect)` produces and what `dorm::odata::Client` does, under the sync engine (next section) or on its own. See [remote.md](remote.md) for each lookup in each dialect.", [
    ('ModelDef::remote("Set"), remote("Attr"), remote_key, remote_modified', [("odata", "remote mapping errors"), ("odata", "select lists the mapped fields")], ""),
    ("qs.odata(crm2011() / odata_v2() / odata_v4() / dataverse())", [("odata", "text exact:"), ("odata", "url joins"), *D], "compared with a real CAP server, V4 and V2"),
    ("text lookups per server case sensitivity", [("odata", "contains, startswith"), ("odata", "icontains"), ("odata", "iexact"), *D], ""),
    ("in, range, comparisons, isnull", [("odata", "in: an in list"), ("odata", "gt, gte, lt"), ("odata", "isnull and exact None"), *D], ""),
    ("year / date as ranges, date parts on v4", [("odata", "year becomes a range"), ("odata", "month, day, hour"), ("odata", "date on a datetime field"), *D], ""),
    ("smallest superset where a dialect cannot say a condition", [("odata", "AND drops a condition"), ("odata", "OR with an unsayable"), ("odata", "NOT of an unsayable"), ("odata", "a translation that is not exact says why"), *D], "reports exact or superset, and why"),
    ("literals: quotes, booleans, UTC datetimes, GUIDs; percent-encoding", [("odata", "hostile values stay inside"), ("odata", "remote keys:"), ("odata", "the query string percent-encodes")], "through libcurl"),
    ("$orderby, $top/$skip, count", [("odata", "ordering: order_by"), ("odata", "slices go to the remote"), ("odata", "count requests")], ""),
    ("reading V2/V4 responses, /Date(ms)/, errors", [("oparse", "V2 /Date(ms)/"), ("oparse", "pages: V2 d.results"), ("oparse", "error bodies")], "fuzzed by scripts/fuzz"),
    ("odata::Client: list with paging, count", [("client", "list follows paging, stops at a row limit, filters and counts as local V4"), ("client", "list follows paging, stops at a row limit, filters and counts as local V2"), ("client", "count() refuses what the remote cannot count exactly and asks nothing for no rows V4"), ("client", "count() refuses what the remote cannot count exactly and asks nothing for no rows V2")], "against the CAP server; count() of a query not said exactly is NotSupported; none() and f__in=[] make no request"),
    ("odata::Client: get, create, update (PATCH / MERGE), delete_", [("client", "get create update delete_ by remote key V4"), ("client", "get create update delete_ by remote key V2")], ""),
    ("typed remote errors (404, 412, 401/403, 429, 5xx, timeout, malformed)", [("client", "401 and 403"), ("client", "a body that is not JSON"), ("client", "a server that never answers"), ("client", "503 beyond max_retries")], "faults injected by a transport wrapper"),
    ("retries of GETs with backoff, Retry-After", [("client", "429 with Retry-After 0"), ("client", "503 twice"), ("client", "writes that get 503"), ("client", "Retry-After beyond max_wait"), ("client", "backoff continues")], ""),
    ("request log without secrets", [("client", "the request log never shows")], ""),
    ("ETags: If-Match on update/delete, stale ETag is PreconditionFailed", [("batch", "ETags are sent as If-Match and a stale one is PreconditionFailed V4"), ("batch", "ETags are sent as If-Match and a stale one is PreconditionFailed V2")], "a real 412 from the server"),
    ("odata::Client::batch: one atomic changeset", [("batch", "a changeset is applied whole V4"), ("batch", "a changeset is applied whole V2"), ("batch", "a refused changeset applies nothing and names the operation V4"), ("batch", "a refused changeset applies nothing and names the operation V2"), ("bformat", "a changeset is written as multipart")], "not on crm2011"),
    ("$batch answers read strictly (MalformedResponse)", [("bformat", "answers that are not a whole multipart"), ("batch", "a batch answer that is not a whole multipart")], "fuzzed by scripts/fuzz"),
])
section("Hostile input", "What an application may pass through from its users: each is an answer or a typed error, never a crash, a hang or wrong rows. `tests/fuzz/fuzz_query.cpp` (run by scripts/fuzz) looks for more.", [
    ("a Q tree nested past dorm::max_q_depth (12)", [("limits", "Q depth: one level past max_q_depth"), ("limits", "Q depth: the deepest accepted tree of every shape")], "ValueError from the operator; the deepest accepted tree runs in SQLite"),
    ("q \\|= Q(...), q &= Q(...), 20,000-way groups", [("limits", "Q width: wide ORs, ANDs")], "wide groups written in chunks of 32"),
    ("an expression nested past dorm::max_expr_depth (12)", [("limits", "Expr depth: max_expr_depth levels"), ("limits", "Expr depth: the deepest expression runs")], "ValueError"),
    ("OData compilation of deep and wide trees", [("limits", "OData: a tree at the maximum depth")], "linear"),
    ("regex / iregex patterns that backtrack without end, huge rows", [("lookups", "regex searches are bounded")], "OperationalError past the limits; ValueError for patterns PCRE2 refuses"),
    ("slices whose offset would pass INT64_MAX", [("limits", "slices: offsets that would overflow")], "ValueError"),
    ("Sum/Avg/Min/Max(\"*\")", [("limits", "aggregates: only Count takes")], "FieldError"),
    ("extra(where) / raw() with the wrong number of values", [("limits", "extra(where) and raw(): the number of values")], "ValueError naming both numbers"),
    ("integers beyond the member (literals, F() updates, stored values)", [("input", "update(): an integer literal beyond int32"), ("input", "update(): F() arithmetic past"), ("input", "read: a stored value the member cannot hold")], "ValueError on write; DatabaseError on read"),
    ("dates and times off the calendar", [("input", "writes: a date or time that is not on the calendar"), ("input", "filters: a date or time that is not on the calendar")], "ValueError"),
    ("update() of a date column with arithmetic or another type", [("input", "update(): a date column takes a date")], "FieldError"),
    ("text that is not UTF-8 (writes, filters, remote writes)", [("input", "text that is not UTF-8 is a ValueError"), ("client", "create and update with text that is not UTF-8"), ("swrites", "text that is not UTF-8 is a ValueError before anything")], "ValueError before anything is written or sent"),
    ("a NUL inside a pattern lookup's value", [("input", "pattern lookups: a NUL in the value")], "matches exactly (Django on SQLite matches wrong rows)"),
    ("column aliases with quotes, whitespace, ;, comments, NUL", [("input", "column aliases: Django's forbidden characters")], "ValueError, as Django"),
])
section("Errors", "", [
    ("every exception derives from dorm::Error", [("errors", "every dorm exception derives")], ""),
    ("FieldError: unknown field, with suggestion", [("errors", "unknown field")], ""),
    ("FieldError: unknown lookup, with choices", [("errors", "unknown lookup")], ""),
    ("ValueError: wrong value type", [("errors", "a value of the wrong type")], ""),
    ("ValueError: NULL with other lookups, range bounds", [("errors", "NULL in a lookup other")], ""),
    ("UsageError: filter/order/update/delete after a slice", [("errors", "filtering, ordering, updating")], ""),
    ("IntegrityError: NOT NULL, UNIQUE", [("errors", "NULL for a field that is not nullable"), ("errors", "a unique violation")], ""),
    ("ValueError: invalid regular expression", [("errors", "an invalid regular expression")], ""),
])

R, W = "sreads", "swrites"
sync_row("Klass.objects().filter(...) (iterate, size)", [(R, "a filtered queryset gives the seed's answer from an empty local store V4"), (R, "a filtered queryset gives the seed's answer from an empty local store crm2011")], [(R, "skip_cdms reads the local store alone")], "the remote may over-match; the local query decides")
sync_row("Decimal, Guid and Binary attributes; a dorm::Uuid remote key", [("skinds", "Decimal, UUID and Binary attributes through the sync engine")], None, "12.50M and guid'...' on V2; exact both ways")
sync_row("count(), exists()", [(R, "all() reads every page once"), (R, "exists() asks the remote for one row"), (R, "count() of a filter the remote cannot say")], [(R, "skip_cdms reads the local store alone")], "")
sync_row("none(), filter(\"f__in\", {})", [(R, "none() and an empty __in list ask the remote nothing")], [(R, "skip_cdms reads the local store alone")], "no request")
sync_row("all() with sync_limit(n)", [(R, "sync_limit reads the most recently modified rows first"), (R, "sync_limit with an explicit order_by")], [(R, "skip_cdms reads the local store alone")], "most recently modified first")
sync_row("a read of many pages", [(R, "a parent on no page of a long read is read by key once"), (R, "all() reads every page once")], [(R, "skip_cdms reads the local store alone")], "each page written while the next is fetched; one transaction")
sync_row("rows changed or deleted remotely", [(R, "a row changed remotely is updated locally")], [(R, "skip_cdms reads the local store alone")], "deleted rows checked by key first")
sync_row("get(cdms_pk=...)", [(R, "get() by remote key creates the local row"), (W, "get() of a row with a known ETag is conditional")], [(R, "skip_cdms reads the local store alone")], "If-None-Match when an ETag is known (304: nothing read); 404 -> DoesNotExist, row removed")
sync_row("get() of a locally newer row", [(R, "get() of a row saved locally with skip_cdms after the remote is ObjectsNotInSync"), (R, "a model's conflict policy settles a locally newer row")], [(R, "get() of a row saved locally with skip_cdms after the remote is ObjectsNotInSync")], "ObjectsNotInSync, or on_conflict(remote_wins / local_wins)")
sync_row("obj.fk->field (following a ForeignKey)", [(R, "following a ForeignKey reads each parent once per evaluation")], [(R, "following a ForeignKey reads each parent once per evaluation")], "once per evaluation; an object from skip_cdms() follows locally")
sync_row("obj.save() of a new object", [(W, "save() of a new object creates it on both sides in one request"), (W, "a create whose answer was lost is found by its key")], [(W, "skip_cdms writes the local store only")], "client-made GUID; 1 request")
sync_row("obj.save() of a changed object", [(W, "save() of a changed object sends one PATCH"), (W, "a remote change since the read is ObjectsNotInSync")], [(W, "skip_cdms writes the local store only")], "changed mapped fields, If-Match; 412 -> ObjectsNotInSync")
sync_row("get_or_create(...), update_or_create(...)", [(W, "get_or_create and update_or_create sync through their get() and save()")], None, "through their get() and save()")
sync_row("obj.delete_()", [(W, "delete_() deletes on both sides")], [(W, "skip_cdms writes the local store only")], "")
sync_row("bulk_create(objs), qs.update(...), qs.delete_()", [(W, "bulk_create, update() and delete_() are one changeset each"), (W, "a refused changeset rolls back the whole bulk write"), (W, "a bulk_create whose answer was lost is found by its keys"), (W, "a queryset delete_() of rows some of which are gone remotely"), (W, "a changeset over the server's body limit is refused whole")], [(W, "bulk writes on skip_cdms() stay local")], "one $batch changeset; not on crm2011; not split (CAP: 413 over 100 kB)")
sync_row("a remote failure during a write", [(W, "a failed remote write leaves the local store and the object as they were")], [(W, "skip_cdms writes the local store only")], "local changes rolled back")
sync_row("obj.delete_() answered 404", [(W, "a 404 to a DELETE deletes locally only when the entity set answers without the row")], None, "gone only when a listing by key lacks the row; else RemoteNotFound, rolled back")
sync_row("dorm::atomic(db, ...) around synced writes", [("satomic", "the synced writes of an atomic block are one changeset"), ("satomic", "a changeset the remote refuses rolls the whole block back"), ("satomic", "a block that throws sends nothing"), ("satomic", "one synced write in an atomic block is its own request"), ("satomic", "without $batch the block's writes go one by one")], [(W, "skip_cdms writes the local store only")], "one $batch changeset just before COMMIT; reads of a model with queued writes are local")
sync_row("engine->pending(), engine->recover() (the write journal)", [("sjournal", "a COMMIT that fails after the remote applied the save is journalled"), ("sjournal", "a retried save whose lost PATCH the remote applied is adopted"), ("sjournal", "lost answers to a PATCH and a DELETE are resolved by recover()"), ("sjournal", "a process killed between the remote's answer and the local COMMIT converges"), ("sfaults", "every write the remote applied before its answer or its COMMIT failed")], None, "a write whose outcome is unknown is journalled and resolved from the remote")
sync_row("qs.sync_stats(stats), Options::progress", [(R, "sync_stats counts what the evaluations of one queryset cost"), (R, "a long read tells its progress page by page")], None, "requests, rows fetched, rows written")
sync_row("a remote failure during a read", [(R, "a remote failure during a read leaves the local store unchanged"), (R, "with Offline::serve_stale a failed read is answered locally")], [(R, "skip_cdms reads the local store alone")], "typed error, or Offline::serve_stale")

out = []
out.append("""# Support table

What dorm supports, API call by API call, and the test that shows it. ✔ Supported ✘ Not
supported. <!-- known limitation: the legend of ✘ --> Every ✔ names a Catch2 test case (file and `TEST_CASE` name; the CTest name is
`<file stem without test_>/<name>`, so `bash scripts/test -R 'queryset/get: '` runs one).
Tests in `tests/conformance/` run the same queries through Django 3.2 on the same SQLite
file and compare the results.

The local ORM over SQLite has one column, **local (SQLite)**. The remote's OData
compilation and client are listed in their own section, and the sync engine in a table
with the columns **synced** (the call also reaches the remote) and **skip_cdms** (the call
with the remote turned off).

Below, `Klass` is any model and `f` any field of a type the lookup applies to
([queries.md](queries.md) lists which).
""")
for title, intro, rows in SECTIONS:
    out.append(f"\n## {title}\n")
    if intro:
        out.append(intro + "\n")
    out.append("| API | local (SQLite) | test | notes |")
    out.append("|---|---|---|---|")
    for api, refs, note in rows:
        out.append(row(f"`{api}`" if not api.startswith("`") else api, refs, note))
out.append("""
## Sync: synced and skip_cdms

Models mapped to a remote with a sync engine attached ([sync.md](sync.md)). **synced**: the
call also reaches the remote (the CAP test server in every test named here); **skip_cdms**:
the same call on `objects().skip_cdms()` or with `dorm::skip_cdms`, the local store alone.
""")
out.append("| API | synced | skip_cdms | tests | notes |")
out.append("|---|---|---|---|---|")
for api, synced, skipped, note in SYNC_ROWS:
    a, ga = cell(synced, api)
    b, gb = cell(skipped, api) if skipped is not None else ("–", ["-"])
    if skipped is None:
        gb = []
    if not ga or (skipped is not None and not gb):
        PENDING.append(api)
    tests = "<br>".join(ga + [g for g in gb if g not in ga])
    out.append(f"| `{api}` | {a} | {b} | {tests} | {note} |")
out.append("""
## Not supported yet

| API | local (SQLite) | notes |
|---|---|---|
| `through_defaults=`, `prefetch_related(Prefetch(...))`, prefetching the reverse side of a OneToOne, generic relations | ✘ | |
| `bulk_update`, `iterator()`, `union` / `intersection` / `difference`, `alias()`, `explain()` | ✘ | |
| `distinct("f")` (field names) | ✘ | PostgreSQL only in Django too: `NotSupportedError` with Django's message |
| database functions (`Lower`, `Concat`, `Coalesce`, ...), `Case` / `When`, `Subquery` / `OuterRef` / `Exists` expressions | ✘ | |
| time zones (aware datetimes) | ✘ | |
| migrations | ✘ | `create_tables` creates tables and adds nullable columns only |
""")
text = "\n".join(out)
target = os.path.join(REPO, "docs", "support.md")
if BAD_REFS:
    sys.exit("support table: references that do not name exactly one test case "
             "(make the name prefix match one, or fix the test's name):\n" +
             "\n".join(BAD_REFS))
if "--check" in sys.argv:
    problems = []
    if PENDING:
        problems.append("rows with no test: " + "; ".join(PENDING))
    if open(target, encoding="utf-8").read() != text:
        problems.append("docs/support.md is not what tools/gen_support_table.py writes: run it")
    if problems:
        sys.exit("support table: " + "\n".join(problems))
    print("support table: every row names an existing test")
else:
    open(target, "w", encoding="utf-8").write(text)
    if PENDING:
        sys.stderr.write("rows with no test:\n" + "\n".join(PENDING) + "\n")
