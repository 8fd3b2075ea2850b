#pragma once
// Bodies of dorm/orm/collector.hpp (dorm/detail/config.hpp).
#include "dorm/orm/collector.hpp"

#include <algorithm>
#include <deque>
#include <set>

#include "dorm/core/reverse_relations.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE bool has_dependents(const ModelMeta& m) {
    if (!m.many_to_many.empty() || m.concrete().parent) // a child's row takes its parents'
        return true;
    if (!m.many_to_many.empty())
        return true;
    return !detail::reverse_relations(m).empty();
}

struct Collector::Impl {
    explicit Impl(Database& db) : db_(db) {}

    void collect(const ModelMeta& proxy_or_model, const Values& pks) {
        const ModelMeta& m = proxy_or_model.concrete();
        // A child's rows are deleted before its parents' (batches run last to first): its
        // ancestors' batches come first, the topmost first.
        std::vector<const ModelMeta*> ancestors;
        for (const ModelMeta* p = m.parent; p; p = p->parent)
            ancestors.push_back(p);
        for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it)
            batch_for(**it);
        Batch& batch = batch_for(m);
        Values fresh;
        for (const auto& pk : pks)
            if (batch.seen.insert(pk).second)
                fresh.push_back(pk);
        if (fresh.empty())
            return;
        batch.pks.insert(batch.pks.end(), fresh.begin(), fresh.end());
        for (const auto& r : detail::reverse_relations(m)) {
            if (r.field->kind == FieldKind::ManyToMany) {
                // The links to these rows from the declaring model's side; a declared join
                // model is an ordinary model whose ForeignKeys are followed below.
                if (r.field->auto_through)
                    collect_links(*r.field, detail::through_fields(*r.field).second, fresh);
                continue;
            }
            if (r.field->on_delete == OnDelete::DoNothing)
                continue;
            Values rows = select_pks(*r.model, *r.field, fresh);
            if (rows.empty())
                continue;
            switch (r.field->on_delete) {
            case OnDelete::Cascade:
                collect(*r.model, rows);
                break;
            case OnDelete::Protect:
                protected_.push_back({r, rows});
                break;
            case OnDelete::Restrict:
                restricted_.push_back({r, rows});
                break;
            case OnDelete::SetNull:
                updates_.push_back({r.model, r.field, Value(), rows});
                break;
            case OnDelete::SetDefault:
                updates_.push_back({r.model, r.field, *r.field->default_value, rows});
                break;
            case OnDelete::DoNothing:
                break;
            }
        }
        for (const auto& f : m.many_to_many)
            if (f.auto_through && m.owns(f))
                collect_links(f, detail::through_fields(f).first, fresh);
        // As Django: deleting a child deletes its parents' rows (same keys), and what they
        // take with them.
        if (m.parent)
            collect(*m.parent, fresh);
    }

    // Applies what was collected, in one transaction; refuses it all when a protected or
    // restricted row would be left pointing at a deleted one.
    DeleteResult run(const ModelMeta& first) {
        check_protected();
        DeleteResult result;
        try {
            apply(first, result);
        } catch (const IntegrityError& e) {
            Collector::refused_by_database(first, e);
        }
        return result;
    }

    void apply(const ModelMeta& first, DeleteResult& result) {
        atomic(db_, [&] {
            for (const auto& u : updates_)
                for_chunks(u.pks, [&](const Values& chunk, const std::string& marks) {
                    Values params{u.value};
                    params.insert(params.end(), chunk.begin(), chunk.end());
                    Cursor c(db_,
                             "UPDATE " + quote(u.model->table) + " SET " + quote(u.field->column) +
                                 " = ? WHERE " + quote(u.model->pk().column) + " IN (" + marks +
                                 ")",
                             std::move(params));
                    c.run();
                });
            // The referring rows first: the key checks are deferred to COMMIT anyway.
            for (auto it = batches_.rbegin(); it != batches_.rend(); ++it) {
                std::int64_t n = 0;
                for_chunks(it->pks, [&](const Values& chunk, const std::string& marks) {
                    Cursor c(db_,
                             "DELETE FROM " + quote(it->model->table) + " WHERE " +
                                 quote(it->model->pk().column) + " IN (" + marks + ")",
                             chunk);
                    n += c.run();
                });
                result.total += n;
                if (n) // as Django: models with nothing deleted are not listed
                    add_count(result, it->model->name, n, it->model == &first);
            }
        });
    }

    struct Batch {
        const ModelMeta* model;
        Values pks;
        std::set<Value> seen;
    };
    struct Update {
        const ModelMeta* model;
        const FieldMeta* field;
        Value value;
        Values pks;
    };
    struct Refusal {
        detail::ReverseRelation relation;
        Values pks;
    };

    static constexpr std::size_t chunk_size = 500;

    template <class Fn>
    static void for_chunks(const Values& all, Fn&& fn) {
        for (std::size_t i = 0; i < all.size(); i += chunk_size) {
            const std::size_t n = std::min(chunk_size, all.size() - i);
            Values chunk(all.begin() + static_cast<std::ptrdiff_t>(i),
                         all.begin() + static_cast<std::ptrdiff_t>(i + n));
            std::string marks;
            for (std::size_t k = 0; k < n; ++k)
                marks += k ? ", ?" : "?";
            fn(chunk, marks);
        }
    }

    Batch& batch_for(const ModelMeta& m) {
        for (auto& b : batches_)
            if (b.model == &m)
                return b;
        batches_.push_back({&m, {}, {}});
        return batches_.back();
    }

    // The primary keys of m's rows whose `column` holds one of `keys`.
    Values select_pks(const ModelMeta& m, const FieldMeta& column, const Values& keys) {
        Values out;
        for_chunks(keys, [&](const Values& chunk, const std::string& marks) {
            Cursor c(db_,
                     "SELECT " + quote(m.pk().column) + " FROM " + quote(m.table) + " WHERE " +
                         quote(column.column) + " IN (" + marks + ")",
                     chunk);
            while (c.next())
                out.push_back(c.stmt().column_as(0, m.pk().value_type()));
        });
        return out;
    }

    void collect_links(const FieldMeta& m2m, const FieldMeta* side, const Values& keys) {
        const ModelMeta& through = m2m.through_model();
        Values rows = select_pks(through, *side, keys);
        if (!rows.empty())
            collect(through, rows);
    }

    bool deleted(const ModelMeta& m, const Value& pk) const {
        for (const auto& b : batches_)
            if (b.model == &m)
                return b.seen.count(pk) > 0;
        return false;
    }

    void check_protected() const {
        auto describe = [](const Refusal& r) {
            std::string ids;
            for (std::size_t i = 0; i < r.pks.size() && i < 10; ++i)
                ids += (i ? ", " : "") + r.pks[i].repr();
            if (r.pks.size() > 10)
                ids += ", ...";
            return "'" + r.relation.model->name + "." + r.relation.field->name + "' (" +
                   r.relation.model->name + " " + ids + ")";
        };
        // protect refuses always; restrict only when the referring rows stay (they are not
        // deleted through another cascade).
        for (const auto& r : protected_)
            throw ProtectedError("Cannot delete some instances of model '" +
                                 r.relation.field->related_model().name +
                                 "' because they are referenced through protected foreign "
                                 "keys: " +
                                 describe(r));
        for (const auto& r : restricted_) {
            Values left;
            for (const auto& pk : r.pks)
                if (!deleted(*r.relation.model, pk))
                    left.push_back(pk);
            if (!left.empty())
                throw RestrictedError("Cannot delete some instances of model '" +
                                      r.relation.field->related_model().name +
                                      "' because they are referenced through restricted foreign "
                                      "keys: " +
                                      describe(Refusal{r.relation, left}));
        }
    }

    static void add_count(DeleteResult& r, const std::string& name, std::int64_t n, bool first) {
        for (auto& [model, count] : r.per_model)
            if (model == name) {
                count += n;
                return;
            }
        if (first) // the model asked for comes first
            r.per_model.emplace(r.per_model.begin(), name, n);
        else
            r.per_model.emplace_back(name, n);
    }

    Database& db_;
    std::deque<Batch> batches_; // a deque: collect() recurses while holding a Batch&
    std::vector<Update> updates_;
    std::vector<Refusal> protected_;
    std::vector<Refusal> restricted_;
};

DORM_INLINE Collector::Collector(Database& db) : impl_(std::make_unique<Impl>(db)) {}
DORM_INLINE Collector::~Collector() = default;

DORM_INLINE void Collector::collect(const ModelMeta& m, const Values& pks) {
    impl_->collect(m, pks);
}

DORM_INLINE DeleteResult Collector::run(const ModelMeta& first) {
    return impl_->run(first);
}

DORM_INLINE void Collector::refused_by_database(const ModelMeta& m, const IntegrityError& e) {
    throw IntegrityError("deleting " + m.name +
                             " refused by the database (a do_nothing relation, or a table "
                             "dorm does not know, still refers to the rows; nothing was "
                             "deleted): " +
                             e.what(),
                         e.code);
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
