#pragma once
// Bodies of dorm/orm/execute.hpp (dorm/detail/config.hpp).
#include "dorm/orm/execute.hpp"

#include "dorm/core/coerce.hpp"

#include <algorithm>

#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE const Value& Row::operator[](std::string_view name) const {
    for (std::size_t i = 0; i < names_->size(); ++i)
        if ((*names_)[i] == name)
            return values_[i];
    throw FieldError("values() row has no '" + std::string(name) + "'; it has " +
                     detail::join(*names_));
}

namespace sql {

// Where each selected column of a model row goes.
struct RowLayout {
    std::vector<const FieldMeta*> fields;
    std::vector<MemberPlan> reads; // how each of fields is read, in the same order
    std::vector<std::pair<std::string, std::optional<ValueType>>> extras; // extra + annotations
};

DORM_INLINE RowLayout layout_of(const Query& q) {
    RowLayout l; // the fields in the order Compiler::select() writes them
    l.fields.reserve(q.model->fields.size());
    l.reads.reserve(q.model->fields.size());
    for (const auto& f : q.model->fields)
        if (!q.is_deferred(f.index)) {
            l.fields.push_back(&f);
            l.reads.push_back(member_plan(f));
        }
    for (const auto& e : q.extra_select)
        l.extras.emplace_back(e.alias, std::nullopt);
    for (const auto& a : q.annotations)
        l.extras.emplace_back(a.name, a.expr.type);
    return l;
}

// select_related(): the related objects of one row, read after the model's own columns and
// given to the ForeignKey members that point at them. A related row that is absent (a NULL
// or dangling key) leaves the member as it is.
DORM_INLINE void read_related(Statement& st, int col, void* obj, Database& db, const Query& q) {
    std::vector<std::shared_ptr<void>> made(q.select_related.size());
    for (std::size_t i = 0; i < q.select_related.size(); ++i) {
        const RelatedSelection& r = q.select_related[i];
        const ModelMeta& m = *q.joins[r.alias - 1].model;
        const int first = col;
        col += static_cast<int>(m.fields.size());
        void* parent = r.parent < 0 ? obj : made[static_cast<std::size_t>(r.parent)].get();
        if (!parent || st.is_null(first + static_cast<int>(m.pk_index)))
            continue;
        std::shared_ptr<void> related = m.new_instance();
        for (std::size_t k = 0; k < m.fields.size(); ++k)
            st.read_member(first + static_cast<int>(k), m.fields[k], related.get(), &db);
        detail::InstanceState* state = m.state_of(related.get());
        state->adding = false;
        state->db = &db;
        detail::RelatedAccess::set_cache(detail::RelatedAccess::of(r.field->member(parent)),
                                         related);
        made[i] = std::move(related);
    }
}

DORM_INLINE void read_object(Statement& st, const RowLayout& l, void* obj,
                             detail::InstanceState& state, Database& db, const Query& q,
                             bool local_only) {
    st.read_row(l.reads.data(), l.reads.size(), obj, &db);
    int col = static_cast<int>(l.reads.size());
    for (const auto& [name, type] : l.extras)
        state.extra().annotations.emplace_back(name, type ? st.column_as(col++, *type)
                                                          : st.column(col++));
    state.adding = false;
    state.db = &db;
    state.set_deferred(q.deferred);
    if (local_only) // a skip_cdms() object: following its ForeignKeys stays local too
        for (const FieldMeta* f : l.fields)
            if (f->ctype == CType::Related)
                detail::RelatedAccess::set_local_only(*static_cast<RelatedObject*>(f->member(obj)));
    if (!q.select_related.empty())
        read_related(st, col, obj, db, q);
}

// Runs the query and reads each row into the object next(ctx) gives: {object, state}.
DORM_INLINE void read_objects(const Query& q, const Evaluation& how, NextObject next, void* ctx) {
    if (q.empty)
        return;
    Compiled c = compile_select(q);
    Database& db = db_of(how);
    const RowLayout l = layout_of(q);
    Cursor cur(db, c.text, std::move(c.params));
    Statement& st = cur.stmt();
    if (l.extras.empty() && !how.skip_remote && q.select_related.empty()) {
        // The model's own columns only: read_object's work, without what this query lacks.
        while (cur.next()) {
            auto [obj, state] = next(ctx);
            st.read_row(l.reads.data(), l.reads.size(), obj, &db);
            state->adding = false;
            state->db = &db;
            state->set_deferred(q.deferred);
        }
        return;
    }
    while (cur.next()) {
        auto [obj, state] = next(ctx);
        read_object(st, l, obj, *state, db, q, how.skip_remote);
    }
}

DORM_INLINE std::vector<Row> fetch_rows(const Query& q, const Evaluation& how) {
    std::vector<Row> out;
    if (q.empty)
        return out;
    Compiled c = compile_select(q);
    auto names = std::make_shared<std::vector<std::string>>();
    for (const auto& v : q.values)
        names->push_back(v.name);
    Cursor cur(db_of(how), c.text, std::move(c.params));
    while (cur.next()) {
        Values vals;
        vals.reserve(q.values.size());
        for (std::size_t i = 0; i < q.values.size(); ++i) {
            const Expr& e = q.values[i].expr;
            if (e.op == Expr::Op::Field && e.field && e.field->kind == FieldKind::Decimal) {
                // As Django's converter: 15 digits, quantized to the field's places.
                const Value stored = cur.stmt().column(static_cast<int>(i));
                vals.push_back(stored.is_null()
                                   ? stored
                                   : Value(detail::decimal_from_store(stored, *e.field)));
                continue;
            }
            vals.push_back(e.op == Expr::Op::Extra
                               ? cur.stmt().column(static_cast<int>(i))
                               : cur.stmt().column_as(static_cast<int>(i), e.type));
        }
        out.emplace_back(names, std::move(vals));
    }
    return out;
}

DORM_INLINE std::int64_t count(const Query& q, const Evaluation& how) {
    if (q.empty)
        return 0;
    Compiled c = compile_count(q);
    Cursor cur(db_of(how), c.text, std::move(c.params));
    cur.next();
    return cur.stmt().int64(0);
}

DORM_INLINE bool exists(const Query& q, const Evaluation& how) {
    if (q.empty)
        return false;
    Compiled c = compile_exists(q);
    Cursor cur(db_of(how), c.text, std::move(c.params));
    return cur.next();
}

DORM_INLINE std::map<std::string, Value> aggregate(const Query& query, const Evaluation& how,
                                                   std::span<const NamedExpr> in) {
    Query q = query; // aggregates over related rows add joins
    detail::JoinScope scope;
    scope.reuse_all = true;
    std::vector<SelectItem> items;
    for (const auto& [alias, e] : in) {
        Expr r = detail::resolve_expr(e, q, scope);
        if (!r.contains_aggregate())
            throw ValueError("aggregate(): '" + alias + "' is not an aggregate expression");
        std::string name = alias.empty() ? e.default_alias() : alias;
        if (name.empty())
            throw ValueError("complex aggregates require an alias");
        detail::check_alias(name, *q.model);
        items.push_back({std::move(name), std::move(r)});
    }
    std::map<std::string, Value> out;
    if (items.empty())
        return out;
    if (q.empty) {
        for (const auto& i : items)
            out[i.name] = i.expr.op == Expr::Op::Count ? Value(0) : Value();
        return out;
    }
    Compiled c = compile_aggregate(q, items);
    Cursor cur(db_of(how), c.text, std::move(c.params));
    cur.next();
    for (std::size_t i = 0; i < items.size(); ++i)
        out[items[i].name] = cur.stmt().column_as(static_cast<int>(i), items[i].expr.type);
    return out;
}

// Literals inside an update() expression reach SQL as they are: text must be UTF-8 and
// dates real ones.
DORM_INLINE void check_update_literals(const Expr& e, const FieldMeta& f) {
    if (e.op == Expr::Op::Literal) {
        const std::string p = e.value.kind() == Value::Kind::Text
                                  ? detail::utf8_problem(e.value.as_text())
                                  : detail::calendar_problem(e.value);
        if (!p.empty())
            throw ValueError(f.qualified_name() + ": update() expression: " + p);
    }
    for (const auto& a : e.args)
        check_update_literals(a, f);
}

// A date or time column takes a column or value of its own type, and a number column no
// text: SQLite would store whatever the expression gives (arithmetic on a date's text is a
// number), and every later read of the row would fail. Django refuses mixed types too.
DORM_INLINE void check_update_expr_type(const Expr& e, const FieldMeta& f) {
    const ValueType want = f.value_type();
    const bool temporal =
        want == ValueType::Date || want == ValueType::DateTime || want == ValueType::Time;
    const bool plain = e.op == Expr::Op::Field || e.op == Expr::Op::Literal;
    const bool number =
        want == ValueType::Integer || want == ValueType::Real || want == ValueType::Bool;
    if ((temporal && (!plain || e.type != want)) || (number && e.type == ValueType::Text))
        throw FieldError(f.described_name() + ": update() cannot store an expression of type " +
                         std::string(value_type_name(e.type)) +
                         (temporal ? "; it takes a field or value of its own type" : ""));
}

// The value a field is set to by update(): a prepared literal or a resolved expression.
// An UPDATE reads the row of its own table only: a field of another table (a relation's, or
// a parent's) is refused as Django refuses it, but a parent's key is the row's own key.
DORM_INLINE void own_table_only(Expr& e, const Query& q) {
    for (auto& a : e.args)
        own_table_only(a, q);
    if (e.op != Expr::Op::Field || (!e.alias && q.model->owns(*e.field)))
        return;
    const FieldMeta& f = *e.field;
    if (f.primary_key && f.model && q.model->extends(*f.model)) {
        e = Expr::column(q.model->pk());
        return;
    }
    throw FieldError("Joined field references are not permitted in this query: '" + e.name + "' (" +
                     f.qualified_name() + ") is not in " + q.model->concrete().table);
}

DORM_INLINE Expr update_value(const Query& q, const FieldMeta& f, const Arg& arg) {
    if (const Expr* e = arg.expr()) {
        Expr resolved = detail::resolve_expr(*e, q);
        own_table_only(resolved, q);
        if (resolved.op == Expr::Op::Literal) // a value given as an expression, coerced as one
            return update_value(q, f, Arg(resolved.value));
        detail::reject_extra_alias(resolved, q);
        check_update_literals(resolved, f);
        check_update_expr_type(resolved, f);
        return resolved;
    }
    const Value* v = arg.value();
    if (!v)
        throw ValueError(f.qualified_name() + ": update() takes a value or an expression");
    // As Django's get_prep_value: update(rank="3") writes 3 (dorm/core/coerce.hpp).
    Value prepared = v->is_null() ? Value() : detail::coerce_for_field(*v, f);
    if (prepared.is_null()) {
        if (!f.null())
            throw IntegrityError(f.qualified_name() + " may not be NULL");
        return Expr::literal(Value());
    }
    // As create(): an int16, int32 or float member refuses what it cannot hold (SQLite would
    // store it, and every later read of the row would fail).
    const CType ct = f.value_ctype();
    if ((prepared.kind() == Value::Kind::Integer && (ct == CType::I32 || ct == CType::I16)) ||
        ct == CType::F32) {
        try {
            if (ct == CType::F32)
                detail::checked_float(prepared);
            else
                detail::checked_int(prepared, ct);
        } catch (const ValueError& e) {
            throw ValueError(f.described_name() + ": " + e.what());
        }
    }
    if (f.kind == FieldKind::Decimal) // stored as save() stores it: rounded, as text
        return Expr::literal(Value(detail::decimal_for_save(prepared.as_decimal(), f)));
    if (f.max_length && // text fields only
        detail::utf8_length(prepared.as_text()) > static_cast<std::size_t>(f.max_length))
        throw ValidationError(f.qualified_name() + ": ensure this value has at most " +
                              std::to_string(f.max_length) + " characters");
    return Expr::literal(std::move(prepared));
}

DORM_INLINE std::int64_t run_update(const Query& q, const Evaluation& how, Compiled c) {
    if (q.empty)
        return 0;
    try {
        Cursor cur(db_of(how), c.text, std::move(c.params));
        return cur.run();
    } catch (const IntegrityError& e) {
        throw IntegrityError(q.model->name + ": " + e.what(), e.code);
    }
}

DORM_INLINE std::int64_t update(const Query& q, const Evaluation& how, const Kwargs& values) {
    if (values.empty())
        throw ValueError("update() needs at least one field");
    const ModelMeta& own = q.model->concrete();
    std::vector<const ModelMeta*> tables{&own}; // the query's own first
    for (const auto& kv : values)
        if (const ModelMeta* t = q.model->field(kv.first).model;
            std::find(tables.begin(), tables.end(), t) == tables.end())
            tables.push_back(t);
    if (tables.size() == 1) {
        std::vector<std::pair<const FieldMeta*, Expr>> sets;
        for (const auto& [name, arg] : values) {
            const FieldMeta& f = q.model->field(name);
            sets.emplace_back(&f, update_value(q, f, arg));
        }
        return run_update(q, how, compile_update(q, sets));
    }
    // Multi-table inheritance (Django's related updates): the keys of the rows first (an
    // UPDATE may change what the query selects), then an UPDATE of each table that holds
    // some of the fields, of those rows. Its count is the query's own table's when that holds
    // one of the fields, else the first other table's that has one (Django's).
    check_writable(q, "update");
    return atomic(db_of(how), [&] {
        Query select_keys = q;
        detail::select_primary_keys(select_keys);
        Values keys;
        for (const Row& r : fetch_rows(select_keys, how))
            keys.push_back(r[std::size_t{0}]);
        std::int64_t rows = 0;
        bool counted = false;
        for (const ModelMeta* t : tables) {
            // The table's fields, resolved once against a query of the table.
            Query table;
            detail::init_query(table, *t);
            std::vector<std::pair<const FieldMeta*, Expr>> sets;
            for (const auto& [name, arg] : values)
                if (q.model->field(name).model == t) {
                    const FieldMeta& f = t->field(name);
                    sets.emplace_back(&f, update_value(table, f, arg));
                }
            if (sets.empty())
                continue; // the query's own table may hold none of the fields
            std::int64_t n = 0;
            for (std::size_t at = 0; at < keys.size(); at += 500) {
                const auto end = std::min(keys.size(), at + 500);
                Values some(keys.begin() + static_cast<std::ptrdiff_t>(at),
                            keys.begin() + static_cast<std::ptrdiff_t>(end));
                Query target = table;
                detail::add_filter(target, Q("pk__in", std::move(some)), false);
                n += run_update(target, how, compile_update(target, sets));
            }
            if (!counted && (t == &own || n)) {
                rows = n;
                counted = true;
            }
        }
        return rows;
    });
}

DORM_INLINE DeleteResult delete_rows(const Query& q, const Evaluation& how) {
    if (has_dependents(*q.model)) {
        check_writable(q, "delete");
        Query pks = q;
        detail::select_primary_keys(pks);
        Values keys;
        for (const Row& r : fetch_rows(pks, how))
            keys.push_back(r[std::size_t{0}]);
        Collector collector(db_of(how));
        collector.collect(*q.model, keys);
        return collector.run(*q.model);
    }
    Compiled c = compile_delete(q);
    DeleteResult r;
    if (!q.empty) {
        Cursor cur(db_of(how), c.text, std::move(c.params));
        r.total = cur.run();
    }
    if (r.total) // as Django: a model with nothing deleted is not listed
        r.per_model.emplace_back(q.model->name, r.total);
    return r;
}

DORM_INLINE std::vector<Value> dates(const Query& q, const Evaluation& how,
                                     const std::string& field, const std::string& kind,
                                     const std::string& order, bool datetimes) {
    const FieldMeta& f = q.model->field(field);
    static const std::vector<std::string> date_kinds = {"year", "quarter", "month", "week", "day"};
    static const std::vector<std::string> datetime_kinds = {"year", "quarter", "month",  "week",
                                                            "day",  "hour",    "minute", "second"};
    const auto& kinds = datetimes ? datetime_kinds : date_kinds;
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
        throw ValueError("'kind' must be one of " + detail::join(kinds) + ", not '" + kind + "'");
    if (order != "ASC" && order != "DESC")
        throw ValueError("'order' must be either 'ASC' or 'DESC'");
    const ValueType want = datetimes ? ValueType::DateTime : ValueType::Date;
    if (datetimes ? f.kind != FieldKind::DateTime
                  : (f.kind != FieldKind::Date && f.kind != FieldKind::DateTime))
        throw ValueError(f.qualified_name() + " is not a " +
                         (datetimes ? "DateTimeField" : "DateField or DateTimeField"));
    std::vector<Value> out;
    if (q.empty)
        return out;
    Compiled c = compile_dates(q, f, kind, order == "DESC");
    Cursor cur(db_of(how), c.text, std::move(c.params));
    while (cur.next())
        out.push_back(cur.stmt().column_as(0, want));
    return out;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
