#pragma once
// Expressions: F() references to fields, arithmetic on them, and the aggregates
// (Count, Sum, Avg, Min, Max). Users build them with names; resolving against a model fills
// in the field pointers, after which both compilers read them.
#include <memory>
#include <string>
#include <vector>

#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Q;          // dorm/tree/q.hpp
struct WhereNode; // dorm/tree/where.hpp

// How deeply expressions may nest: F("a") + 1 is 1 level, (F("a") + 1) * 2 is 2. SQLite's
// parser overflows its stack on about 29 nested parenthesised operands, and a deep
// expression may stand inside a deep Q (see max_q_depth), so dorm stops at 12; building a
// deeper expression throws ValueError. Wide expressions are not the issue: depth is.
inline constexpr std::uint32_t max_expr_depth = 12;

struct Expr {
    enum class Op : std::uint8_t {
        Field,      // a model field (name -> field once resolved)
        Annotation, // an annotate() alias, by name
        Extra,      // an extra(select=...) alias, by name
        Literal,    // a bound value
        Add,
        Sub,
        Mul,
        Div,
        Mod,
        Neg,
        Count,
        Sum,
        Avg,
        Min,
        Max,
    };
    Op op = Op::Literal;
    std::string name;                 // Field / Annotation / Extra: the name; "*" for Count("*")
    const FieldMeta* field = nullptr; // Field, once resolved
    std::uint16_t alias = 0;          // Field: the table it is read from (0: the model's)
    Value value;                      // Literal
    std::vector<Expr> args;           // operands, or the aggregate's argument
    bool distinct = false;            // Count(..., distinct)
    // An aggregate's filter (Django's filter=Q(...)): the rows it reads. As given, then
    // resolved against the query (resolve_expr), which adds the joins it needs.
    std::shared_ptr<const Q> filter;
    std::shared_ptr<const WhereNode> filter_where;
    ValueType type = ValueType::Integer; // result type, once resolved
    std::uint32_t depth = 0;             // operator levels below and at this one

    // Defined in dorm/impl/tree/expressions.ipp (no std::variant machinery in a user's
    // translation unit of dorm's compiled mode).
    Expr() noexcept;
    Expr(const Expr&);
    Expr(Expr&&) noexcept;
    Expr& operator=(const Expr&);
    Expr& operator=(Expr&&) noexcept;
    ~Expr();

    // Recomputes depth from the operands, refusing one past max_expr_depth.
    void set_depth();

    bool is_aggregate() const noexcept { return op >= Op::Count; }
    bool contains_aggregate() const;
    // Django's default alias of an aggregate: Sum("rating") -> "rating__sum".
    std::string default_alias() const;

    static Expr literal(Value v);
    // A resolved column: a field read from the table joined as `alias` (0: the query's own).
    static Expr column(const FieldMeta& f, std::uint16_t alias = 0);
};

// F("rating"): the value of another field of the same row.
Expr F(std::string name);

namespace detail {
Expr binary(Expr::Op op, Expr a, Expr b);
Expr aggregate(Expr::Op op, std::string field, bool distinct = false);
} // namespace detail

Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator%(Expr a, Expr b);
Expr operator-(Expr a);
Expr operator+(Expr a, Value b);
Expr operator-(Expr a, Value b);
Expr operator*(Expr a, Value b);
Expr operator/(Expr a, Value b);
Expr operator%(Expr a, Value b);
Expr operator+(Value a, Expr b);
Expr operator-(Value a, Expr b);
Expr operator*(Value a, Expr b);
Expr operator/(Value a, Expr b);

// distinct: Django's distinct=True, which Count, Sum and Avg allow (Min and Max do not).
// Each also takes a filter, Django's filter=Q(...) (declared in dorm/tree/q.hpp):
// Count("entry", Q("entry__rating__gt", 3)), Count("entry", true, Q(...)).
Expr Count(std::string field = "*", bool distinct = false);
Expr Sum(std::string field, bool distinct = false);
Expr Avg(std::string field, bool distinct = false);
Expr Min(std::string field);
Expr Max(std::string field);

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/expressions.ipp"
#endif
