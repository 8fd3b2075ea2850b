#pragma once
// The resolved where-tree: every name checked against the model, every value converted to
// the type it is compared with. Both compilers (sql/ and remote/) read only this.
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/tree/expressions.hpp"
#include "dorm/tree/lookups.hpp"
#include "dorm/tree/q.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct Condition {
    Expr lhs; // a Field (or an Annotation / Extra alias), before transforms
    std::vector<TransformKind> transforms;
    // A JSONField's key transforms ("owner", "tags", "0"): the condition is on the value at
    // that path (lhs_type is Json). Empty: on the whole document.
    std::vector<std::string> json_keys;
    ValueType lhs_type = ValueType::Text; // after the transforms
    LookupKind lookup = LookupKind::Exact;
    // Value (Single, Pattern, Flag as Bool), Values (List, Pair), Expr, or Subquery.
    std::variant<Value, Values, Expr, Subquery> rhs;

    const FieldMeta* field() const noexcept {
        return lhs.op == Expr::Op::Field ? lhs.field : nullptr;
    }
    const Value& value() const { return std::get<Value>(rhs); }
    const Values& values() const { return std::get<Values>(rhs); }
};

struct WhereNode {
    enum class Kind : std::uint8_t { And, Or, Leaf, Raw };
    Kind kind = Kind::And;
    bool negated = false;
    std::vector<WhereNode> children;       // And / Or
    std::shared_ptr<const Condition> cond; // Leaf
    std::string raw_sql;                   // Raw: an extra(where=...) clause, SQL only
    Values raw_params;

    bool empty() const noexcept { return kind == Kind::And && children.empty(); }
    static WhereNode leaf(Condition c);
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/where.ipp"
#endif
