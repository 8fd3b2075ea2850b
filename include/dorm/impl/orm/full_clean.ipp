#pragma once
// Bodies of dorm/orm/full_clean.hpp (dorm/detail/config.hpp).
#include "dorm/orm/full_clean.hpp"

#include <algorithm>

#include "dorm/sql/compiler.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE void clean_fields(Database& db, const ModelMeta& m, const void* obj,
                              const std::vector<std::string>& exclude,
                              ValidationError::MessageDict& errors) {
    clean_fields(m, obj, exclude, errors, [&](const FieldMeta& f, const Value& v) {
        const ModelMeta& target = f.related_model().concrete();
        sql::Cursor c(db,
                      "SELECT 1 FROM " + sql::quote(target.table) + " WHERE " +
                          sql::quote(target.pk().column) + " = ? LIMIT 1",
                      Values{v});
        return c.next();
    });
}

DORM_INLINE void validate_unique(Database& db, const ModelMeta& m, const void* obj, bool adding,
                                 const std::vector<std::string>& exclude,
                                 ValidationError::MessageDict& errors) {
    const Value pk = m.pk().get(obj);
    for (const FieldMeta& f : m.fields) {
        if (!(f.unique || f.primary_key) ||
            std::find(exclude.begin(), exclude.end(), f.name) != exclude.end())
            continue;
        if (f.primary_key && !adding)
            continue;
        const Value v = f.get(obj);
        if (v.is_null() ||
            (f.auto_created() && v.kind() == Value::Kind::Integer && v.as_int() == 0))
            continue; // Django's None: an unset auto key
        const ModelMeta& holder = f.model ? *f.model : m.concrete();
        std::string text =
            "SELECT 1 FROM " + sql::quote(holder.table) + " WHERE " + sql::quote(f.column) + " = ?";
        Values params{v};
        if (!adding && !pk.is_null()) {
            text += " AND " + sql::quote(holder.pk().column) + " <> ?";
            params.push_back(pk);
        }
        sql::Cursor c(db, text + " LIMIT 1", std::move(params));
        if (c.next())
            errors.emplace_back(f.name, std::vector<std::string>{
                                            capfirst(verbose_name(holder.name)) + " with this " +
                                            capfirst(field_label(f)) + " already exists."});
    }
}

DORM_INLINE void full_clean(Database& db, const ModelMeta& m, const void* obj, bool adding,
                            const std::vector<std::string>& exclude, bool unique,
                            FunctionRef<void()> model_clean) {
    ValidationError::MessageDict errors;
    clean_fields(db, m, obj, exclude, errors);
    try {
        model_clean();
    } catch (const ValidationError& e) {
        merge_errors(errors, e);
    }
    if (unique) {
        std::vector<std::string> skip = exclude;
        for (const auto& [name, messages] : errors)
            if (name != "__all__")
                skip.push_back(name);
        validate_unique(db, m, obj, adding, skip, errors);
    }
    if (!errors.empty())
        raise_validation(m, std::move(errors));
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
