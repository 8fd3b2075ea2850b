#pragma once
// Bodies of dorm/core/model.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/core/model.hpp"

#include <cctype>

namespace dorm {
inline namespace DORM_ABI {

namespace detail {

DORM_INLINE InstanceExtra* InstanceState::new_extra() {
    return new InstanceExtra;
}

DORM_INLINE InstanceExtra* InstanceState::copy_extra(const InstanceExtra& from) {
    return new InstanceExtra(from);
}

DORM_INLINE void InstanceState::delete_extra(InstanceExtra* p) noexcept {
    delete p;
}

DORM_INLINE const InstanceExtra& InstanceState::empty() noexcept {
    static const InstanceExtra none;
    return none;
}

} // namespace detail

DORM_INLINE ModelMeta::ModelMeta() noexcept = default;
DORM_INLINE ModelMeta::ModelMeta(const ModelMeta&) = default;
DORM_INLINE ModelMeta::ModelMeta(ModelMeta&&) noexcept = default;
DORM_INLINE ModelMeta& ModelMeta::operator=(const ModelMeta&) = default;
DORM_INLINE ModelMeta& ModelMeta::operator=(ModelMeta&&) noexcept = default;
DORM_INLINE ModelMeta::~ModelMeta() = default;

DORM_INLINE bool ModelMeta::extends(const ModelMeta& other) const noexcept {
    for (const ModelMeta* m = &concrete(); m; m = m->parent)
        if (m == &other.concrete())
            return true;
    return false;
}

DORM_INLINE const FieldMeta* ModelMeta::remote_key() const noexcept {
    for (const auto& f : fields)
        if (f.remote_role == RemoteRole::Key)
            return &f;
    return nullptr;
}

DORM_INLINE const FieldMeta* ModelMeta::find(std::string_view field_name) const noexcept {
    if (field_name == "pk")
        return &pk();
    for (const auto& f : fields)
        if (f.name == field_name)
            return &f;
    // A ForeignKey's id: "<name>_id", whatever its column is called.
    if (field_name.ends_with("_id"))
        for (const auto& f : fields)
            if (f.is_foreign_key() && field_name.size() == f.name.size() + 3 &&
                field_name.starts_with(f.name))
                return &f;
    return nullptr;
}

DORM_INLINE const FieldMeta*
ModelMeta::find_many_to_many(std::string_view field_name) const noexcept {
    for (const auto& f : many_to_many)
        if (f.name == field_name)
            return &f;
    return nullptr;
}

DORM_INLINE std::string ModelMeta::query_name() const {
    std::string out = name;
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

DORM_INLINE std::vector<std::string> ModelMeta::field_names() const {
    std::vector<std::string> out;
    for (const auto& f : fields)
        out.push_back(f.name);
    for (const auto& f : many_to_many)
        out.push_back(f.name);
    return out;
}

DORM_INLINE void ModelMeta::no_such_field(std::string_view field_name) const {
    throw FieldError(name + " has no field '" + std::string(field_name) + "'" +
                     detail::suggestion(field_name, field_names()) +
                     ". Fields: " + detail::join(field_names()) + " (and pk)");
}

DORM_INLINE const FieldMeta& ModelMeta::field(std::string_view field_name) const {
    if (auto f = find(field_name))
        return *f;
    no_such_field(field_name);
}

namespace detail {
DORM_INLINE const ModelMeta& topmost_part(const ModelMeta& m, std::size_t& offset) noexcept {
    offset = m.concrete_offset;
    const ModelMeta* top = &m.concrete();
    for (; top->parent; top = top->parent)
        offset += top == &m.concrete() ? m.parent_offset - m.concrete_offset : top->parent_offset;
    return *top;
}

DORM_INLINE const ModelMeta* remote_part(const ModelMeta& m, std::size_t& offset) noexcept {
    const ModelMeta& top = topmost_part(m, offset);
    return top.remote() ? &top : nullptr;
}

DORM_INLINE void model_definition_error(const ModelMeta& m, const std::string& what) {
    throw FieldError("model " + m.name + ": " + what);
}
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm
