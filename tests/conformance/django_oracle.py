#!/usr/bin/python3
"""Django oracle for dorm's conformance tests.

Runs queries through real Django (3.2, SQLite backend) against an existing
SQLite file and prints normalized results as one JSON object on stdout.

Usage:
    /usr/bin/python3 django_oracle.py SPEC.json [--create] [--schema-sql] [--pretty]
    /usr/bin/python3 django_oracle.py - < SPEC.json

Spec (JSON object):
    db            absolute path of the SQLite file (required)
    models        list of {name, table, ordering?, get_latest_by?, parent?, proxy?,
                  fields: [...]} (see FIELD_TYPES). With "parent" (a model listed
                  earlier) the class subclasses the parent's: multi-table
                  inheritance (Django adds "<parent>_ptr"; fields are the child's
                  own), or with "proxy": true a proxy model (no fields, no table)
    queries       list of {id, exec?, expr?}; evaluated in order, writes allowed
    dump          true -> "dump": {table: [[row...], ...]} ordered by pk, read raw
                  with the sqlite3 module after all queries (plus "dump_columns")
    create_tables true -> create the models' tables with Django's schema editor
                  before running queries (existing tables are skipped and listed
                  in "schema_existing"); the DDL is reported in "schema_sql"
    schema_sql    true -> only collect the DDL into "schema_sql" (nothing executed)

Query namespace: the models by name, Q, F, Count, Sum, Avg, Min, Max, StdDev,
Variance, Value, ExpressionWrapper, Case, When, Exists, OuterRef, Subquery,
Prefetch, every name of django.db.models.functions, the `models` module,
`datetime` (class), `date`, `time`, `timedelta`, `Decimal`, `connection`,
`transaction`, and `fields_of(obj)` (dict attname -> value of an instance).
The namespace is shared across queries, so an `exec` may bind names
(e.g. "a = Article.objects.get(pk=1)") that later queries use.

Output:
    {"results": {id: value}, "sql": {id: last SQL or null},
     "sql_all": {id: [every SQL run for that query]}, "django": "3.2.x",
     ["dump": ..., "dump_columns": ..., "schema_sql": [...], ...]}

Normalization: model instance -> pk; QuerySet / iterable -> list of
normalized items (instances -> pks, values() dicts -> dicts, values_list
tuples -> lists, flat -> scalars); dict -> dict (keys as str); tuple/list ->
list; set -> list sorted by JSON text; date -> 'YYYY-MM-DD'; datetime ->
'YYYY-MM-DD HH:MM:SS[.ffffff]' (fraction only when non-zero, Django's SQLite
storage format); time -> 'HH:MM:SS[.ffffff]'; timedelta -> total seconds
(float); Decimal -> float; float stays float (NaN/inf -> "nan"/"inf"/"-inf");
bytes/memoryview -> hex string; UUID -> str; int/str/bool/None as is.
An exception -> {"error": ClassName, "message": str(exc)} for that query.

Exit status: 0 whenever the spec could be read and the models built; 2 for an
unreadable/invalid spec (message on stderr, plus {"fatal": ...} on stdout).
"""

import contextlib
import datetime as _dt
import decimal
import json
import math
import os
import sqlite3
import sys
import traceback
import types
import uuid

APP_LABEL = 'dormoracle'


class SpecError(Exception):
    pass


# --------------------------------------------------------------------------
# Django bootstrap
# --------------------------------------------------------------------------

def setup_django(db_path):
    import django
    from django.apps import AppConfig
    from django.conf import settings

    # An in-memory app package: INSTALLED_APPS points at the AppConfig class,
    # which carries an explicit filesystem path (the module has none).
    mod = types.ModuleType(APP_LABEL)

    class DormOracleConfig(AppConfig):
        name = APP_LABEL
        label = APP_LABEL
        path = os.path.dirname(os.path.abspath(__file__))
        default_auto_field = 'django.db.models.AutoField'

    DormOracleConfig.__module__ = APP_LABEL
    mod.DormOracleConfig = DormOracleConfig
    sys.modules[APP_LABEL] = mod

    settings.configure(
        DEBUG=True,  # connection.queries is recorded only with DEBUG
        DATABASES={'default': {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': db_path,
        }},
        USE_TZ=False,
        TIME_ZONE='UTC',
        INSTALLED_APPS=[APP_LABEL + '.DormOracleConfig'],
        DEFAULT_AUTO_FIELD='django.db.models.AutoField',
        SECRET_KEY='dorm-oracle',
    )
    django.setup()


# --------------------------------------------------------------------------
# Field construction: one table, type name -> builder(spec, common_kwargs)
# --------------------------------------------------------------------------

def _simple(cls_name):
    def build(spec, kw):
        from django.db import models
        return getattr(models, cls_name)(**kw)
    return build


def _char(spec, kw):
    from django.db import models
    if 'max_length' not in kw:
        raise SpecError('CharField %r needs max_length' % spec.get('name'))
    return models.CharField(**kw)


def _decimal(spec, kw):
    from django.db import models
    for key in ('max_digits', 'decimal_places'):
        if spec.get(key) is None:
            raise SpecError('DecimalField %r needs %s' % (spec.get('name'), key))
        kw[key] = spec[key]
    return models.DecimalField(**kw)


_ON_DELETE = ('CASCADE', 'PROTECT', 'RESTRICT', 'SET_NULL', 'SET_DEFAULT', 'DO_NOTHING')


def _target(spec):
    to = spec.get('to')
    if not to:
        raise SpecError('relation field %r needs "to"' % spec.get('name'))
    if to == 'self' or '.' in to:
        return to
    return '%s.%s' % (APP_LABEL, to)


def _relation_kwargs(spec, kw):
    from django.db import models
    kw = dict(kw)
    for key in ('related_name', 'related_query_name', 'to_field', 'db_constraint'):
        if key in spec:
            kw[key] = spec[key]
    on_delete = spec.get('on_delete', 'CASCADE')
    if on_delete not in _ON_DELETE:
        raise SpecError('unknown on_delete %r' % on_delete)
    kw['on_delete'] = getattr(models, on_delete)
    return kw


def _foreign_key(spec, kw):
    from django.db import models
    return models.ForeignKey(_target(spec), **_relation_kwargs(spec, kw))


def _one_to_one(spec, kw):
    from django.db import models
    return models.OneToOneField(_target(spec), **_relation_kwargs(spec, kw))


def _many_to_many(spec, kw):
    from django.db import models
    kw = {k: v for k, v in kw.items() if k in ('blank',)}
    for key in ('related_name', 'related_query_name', 'db_table', 'symmetrical',
                'db_constraint'):
        if key in spec:
            kw[key] = spec[key]
    if 'through' in spec:
        kw['through'] = _target({'to': spec['through'], 'name': spec.get('name')})
    if 'through_fields' in spec:
        kw['through_fields'] = tuple(spec['through_fields'])
    return models.ManyToManyField(_target(spec), **kw)


FIELD_TYPES = {
    'AutoField': _simple('AutoField'),
    'BigAutoField': _simple('BigAutoField'),
    'SmallAutoField': _simple('SmallAutoField'),
    'IntegerField': _simple('IntegerField'),
    'BigIntegerField': _simple('BigIntegerField'),
    'SmallIntegerField': _simple('SmallIntegerField'),
    'PositiveIntegerField': _simple('PositiveIntegerField'),
    'PositiveSmallIntegerField': _simple('PositiveSmallIntegerField'),
    'PositiveBigIntegerField': _simple('PositiveBigIntegerField'),
    'EmailField': _simple('EmailField'),
    'URLField': _simple('URLField'),
    'SlugField': _simple('SlugField'),
    'FloatField': _simple('FloatField'),
    'BooleanField': _simple('BooleanField'),
    'CharField': _char,
    'TextField': _simple('TextField'),
    'DateField': _simple('DateField'),
    'DateTimeField': _simple('DateTimeField'),
    'TimeField': _simple('TimeField'),
    'DurationField': _simple('DurationField'),
    'JSONField': _simple('JSONField'),
    'DecimalField': _decimal,
    'UUIDField': _simple('UUIDField'),
    'BinaryField': _simple('BinaryField'),
    'ForeignKey': _foreign_key,
    'OneToOneField': _one_to_one,
    'ManyToManyField': _many_to_many,
}

# spec key -> Django keyword (values passed through unchanged)
_COMMON_OPTIONS = {
    'primary_key': 'primary_key',
    'null': 'null',
    'blank': 'blank',
    'unique': 'unique',
    'db_index': 'db_index',
    'max_length': 'max_length',
    'column': 'db_column',
    'default': 'default',
}


def _validator(spec):
    from django.core import validators
    classes = {
        'min_value': validators.MinValueValidator,
        'max_value': validators.MaxValueValidator,
        'min_length': validators.MinLengthValidator,
        'max_length': validators.MaxLengthValidator,
    }
    if spec.get('kind') not in classes:
        raise SpecError('unknown validator %r' % spec)
    return classes[spec['kind']](spec['limit'])


def build_field(spec):
    ftype = spec.get('type')
    builder = FIELD_TYPES.get(ftype)
    if builder is None:
        raise SpecError('unsupported field type %r (field %r)' % (ftype, spec.get('name')))
    kw = {}
    for key, django_key in _COMMON_OPTIONS.items():
        if key in spec and spec[key] is not None:
            if key == 'max_length' and not spec[key]:
                continue
            if key == 'column' and spec[key] == '':
                continue
            kw[django_key] = spec[key]
    if spec.get('choices'):
        kw['choices'] = [tuple(c) for c in spec['choices']]
    if spec.get('validators'):
        kw['validators'] = [_validator(v) for v in spec['validators']]
    # "extra" carries type-specific options straight to the field constructor
    # only for keys the builder does not interpret itself.
    extra = spec.get('extra') or {}
    merged = dict(spec)
    for key, value in extra.items():
        merged.setdefault(key, value)
    return builder(merged, kw)


def build_models(model_specs):
    from django.db import models
    built = {}
    for mspec in model_specs:
        name = mspec.get('name')
        if not name:
            raise SpecError('model without a name')
        meta_attrs = {
            'managed': False,
            'app_label': APP_LABEL,
        }
        bases = (models.Model,)
        parent = mspec.get('parent')
        if parent:
            if parent not in built:
                raise SpecError('model %r: parent %r must be listed before it' % (name, parent))
            bases = (built[parent],)
        if mspec.get('proxy'):
            if not parent:
                raise SpecError('proxy model %r needs "parent"' % name)
            if mspec.get('fields'):
                raise SpecError('proxy model %r cannot have fields' % name)
            meta_attrs['proxy'] = True
        elif mspec.get('table'):
            meta_attrs['db_table'] = mspec['table']
        if mspec.get('ordering'):
            meta_attrs['ordering'] = list(mspec['ordering'])
        for key in ('unique_together', 'verbose_name', 'get_latest_by'):
            if key in mspec:
                meta_attrs[key] = mspec[key]
        attrs = {
            '__module__': APP_LABEL + '.models',
            'Meta': type('Meta', (), meta_attrs),
        }
        for fspec in mspec.get('fields', []):
            fname = fspec.get('name')
            if not fname:
                raise SpecError('field without a name in model %r' % name)
            attrs[fname] = build_field(fspec)
        built[name] = type(name, bases, attrs)
    return built


def all_tables(model_classes):
    """(table, pk column) for every model and auto-created M2M table."""
    out = []
    seen = set()
    for model in model_classes.values():
        candidates = [model] + [f.remote_field.through for f in model._meta.local_many_to_many
                                if f.remote_field.through._meta.auto_created]
        for m in candidates:
            table = m._meta.db_table
            if table not in seen:
                seen.add(table)
                out.append((table, m._meta.pk.column))
    return out


# --------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------

def normalize(value):
    from django.db import models
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return 'nan'
        if math.isinf(value):
            return 'inf' if value > 0 else '-inf'
        return value
    if isinstance(value, decimal.Decimal):
        return normalize(float(value))
    if isinstance(value, _dt.datetime):  # before date: datetime is a date
        return value.isoformat(sep=' ')
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.time):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, models.Model):
        return normalize(value.pk)
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        items = [normalize(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    # QuerySet, RawQuerySet, generators, any other iterable
    if hasattr(value, '__iter__'):
        return [normalize(v) for v in value]
    raise TypeError('cannot normalize value of type %s' % type(value).__name__)


def fields_of(obj):
    """{attname: value} for every concrete field of a model instance."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------

def make_namespace(model_classes):
    from django.db import connection, models, transaction
    from django.db.models import functions
    ns = {}
    ns.update({n: getattr(functions, n) for n in functions.__all__})
    for n in ('Q', 'F', 'Count', 'Sum', 'Avg', 'Min', 'Max', 'StdDev', 'Variance',
              'Value', 'ExpressionWrapper', 'Case', 'When', 'Exists', 'OuterRef',
              'Subquery', 'Prefetch', 'Func', 'Aggregate'):
        ns[n] = getattr(models, n)
    ns.update({
        'models': models,
        'datetime': _dt.datetime,
        'date': _dt.date,
        'time': _dt.time,
        'timedelta': _dt.timedelta,
        'Decimal': decimal.Decimal,
        'UUID': uuid.UUID,
        'connection': connection,
        'transaction': transaction,
        'fields_of': fields_of,
    })
    ns.update(model_classes)
    return ns


def error_result(exc):
    return {'error': type(exc).__name__, 'message': str(exc)}


def run_query(q, ns):
    from django.db import connection, reset_queries
    reset_queries()
    result = None
    try:
        # Anything a statement prints must not corrupt the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            if q.get('exec'):
                exec(compile(q['exec'], '<exec %s>' % q.get('id'), 'exec'), ns)
            if q.get('expr'):
                value = eval(compile(q['expr'], '<expr %s>' % q.get('id'), 'eval'), ns)
                result = normalize(value)
    except Exception as exc:  # noqa: BLE001 - every failure is a result
        result = error_result(exc)
    sqls = [entry['sql'] for entry in connection.queries]
    return result, sqls


@contextlib.contextmanager
def temporarily_managed(model_classes):
    """The schema editor emits no indexes (db_index, ForeignKey) for
    unmanaged models, so models are marked managed while DDL is built."""
    every = list(model_classes.values())
    for m in model_classes.values():
        every.extend(f.remote_field.through for f in m._meta.local_many_to_many
                     if f.remote_field.through._meta.auto_created)
    saved = [(m, m._meta.managed) for m in every]
    try:
        for m in every:
            m._meta.managed = True
        yield
    finally:
        for m, managed in saved:
            m._meta.managed = managed


def collect_schema_sql(model_classes):
    from django.db import connection
    with temporarily_managed(model_classes):
        with connection.schema_editor(collect_sql=True) as editor:
            for model in model_classes.values():
                if not model._meta.proxy:  # a proxy has its concrete model's table
                    editor.create_model(model)
    return list(editor.collected_sql)


def create_tables(model_classes):
    from django.db import connection
    existing = set(connection.introspection.table_names())
    skipped = []
    with temporarily_managed(model_classes):
        with connection.schema_editor() as editor:
            for model in model_classes.values():
                if model._meta.proxy:
                    continue
                if model._meta.db_table in existing:
                    skipped.append(model._meta.db_table)
                    continue
                editor.create_model(model)
    return skipped


def raw_dump(db_path, tables):
    dump, columns = {}, {}
    conn = sqlite3.connect(db_path)  # no detect_types: raw storage values
    try:
        for table, pk in tables:
            quoted = '"%s"' % table.replace('"', '""')
            try:
                cur = conn.execute('SELECT * FROM %s ORDER BY "%s"' % (quoted, pk.replace('"', '""')))
                columns[table] = [d[0] for d in cur.description]
                dump[table] = [normalize(list(row)) for row in cur.fetchall()]
            except sqlite3.Error as exc:
                dump[table] = error_result(exc)
    finally:
        conn.close()
    return dump, columns


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def load_spec(arg):
    if arg == '-':
        text = sys.stdin.read()
    else:
        with open(arg, encoding='utf-8') as fh:
            text = fh.read()
    spec = json.loads(text)
    if not isinstance(spec, dict):
        raise SpecError('spec must be a JSON object')
    if not spec.get('db'):
        raise SpecError('spec needs "db"')
    if not isinstance(spec.get('models', []), list) or not isinstance(spec.get('queries', []), list):
        raise SpecError('"models" and "queries" must be lists')
    return spec


def emit(obj, pretty):
    text = json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None,
                      allow_nan=False)
    sys.stdout.buffer.write(text.encode('utf-8') + b'\n')
    sys.stdout.flush()


def fatal(message, pretty):
    sys.stderr.write('django_oracle: %s\n' % message)
    emit({'fatal': message}, pretty)
    return 2


def main(argv):
    args = [a for a in argv[1:] if not a.startswith('--')]
    flags = {a for a in argv[1:] if a.startswith('--')}
    pretty = '--pretty' in flags
    unknown = flags - {'--create', '--schema-sql', '--pretty', '--dump'}
    if len(args) != 1 or unknown:
        sys.stderr.write(__doc__)
        return 2
    try:
        spec = load_spec(args[0])
    except (OSError, ValueError, SpecError) as exc:
        return fatal('cannot read spec: %s' % exc, pretty)

    db_path = spec['db']
    try:
        setup_django(db_path)
        import django
        model_classes = build_models(spec.get('models', []))
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        return fatal('invalid models: %s: %s' % (type(exc).__name__, exc), pretty)

    out = {'django': django.get_version()}
    want_create = bool(spec.get('create_tables')) or '--create' in flags
    want_schema = bool(spec.get('schema_sql')) or '--schema-sql' in flags
    if want_create or want_schema:
        try:
            out['schema_sql'] = collect_schema_sql(model_classes)
        except Exception as exc:  # noqa: BLE001
            out['schema_error'] = error_result(exc)
    if want_create:
        try:
            out['schema_existing'] = create_tables(model_classes)
        except Exception as exc:  # noqa: BLE001
            out['schema_error'] = error_result(exc)

    ns = make_namespace(model_classes)
    results, sql, sql_all = {}, {}, {}
    for index, q in enumerate(spec.get('queries', [])):
        qid = str(q.get('id', index))
        res, sqls = run_query(q, ns)
        results[qid] = res
        sql[qid] = sqls[-1] if sqls else None
        sql_all[qid] = sqls
    out['results'] = results
    out['sql'] = sql
    out['sql_all'] = sql_all

    if spec.get('dump') or '--dump' in flags:
        from django.db import connection
        connection.close()
        out['dump'], out['dump_columns'] = raw_dump(db_path, all_tables(model_classes))

    emit(out, pretty)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
