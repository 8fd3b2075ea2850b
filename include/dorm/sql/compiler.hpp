#pragma once
// The SQL compiler: reads a resolved Query (never a lookup string) and writes SQL text with
// every value as a bound parameter. Identifiers come only from model metadata. What differs
// between databases comes from the backend's Operations (dorm/sql/operations.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/operations.hpp"
#include "dorm/tree/query.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

struct Compiled {
    std::string text;
    Values params;
};

// Appends ident as a quoted identifier ("a""b" for a"b), with no temporary string.
void quote_into(std::string& out, std::string_view ident);

std::string quote(std::string_view ident);

// LIKE pattern text: '\' escapes itself, '%' and '_'.
std::string like_escape(std::string_view s);

std::vector<std::string> split_words(std::string_view s);

Compiled compile_select(const Query& q, const Operations& ops);

// A model's table and columns as quoted SQL, built once per model (and thread) instead of on
// every query. The raw names (and the quoting backend) are kept to notice a different model
// at a reused address.
struct QuotedNames {
    bool built = false;
    const Operations* ops = nullptr;
    std::string raw_table;
    std::vector<std::string> raw_columns;
    std::string table;                // "article"
    std::vector<std::string> columns; // "article"."id", ... by field index
    std::string all_columns;          // every column, ", "-separated, in field order
};

QuotedNames& quoted_names_slot(const ModelMeta& m);

const QuotedNames& quoted_names(const ModelMeta& m, const Operations& ops);

class Compiler {
public:
    Compiler(const Query& q, const Operations& ops)
        : q_(q), ops_(ops), names_(quoted_names(*q.model, ops)), table_(names_.table) {}

    const Operations& ops() const noexcept { return ops_; }

    std::string column(const FieldMeta& f) const;
    // "alias"."column" of a joined table.
    void append_column(std::string& out, std::uint16_t alias, const FieldMeta& f) const;
    // "table"."column", appended in place (the compiler's most frequent output).
    void append_column(std::string& out, const FieldMeta& f) const;
    // A quoted identifier, through the backend.
    void quote_into(std::string& out, std::string_view ident) const { ops_.quote_into(out, ident); }
    std::string quote(std::string_view ident) const;
    // A bound parameter: its placeholder, and v among the parameters.
    void param(std::string& out, Values& params, const Value& v) const;

    // alias_refs: an annotation is named by its alias (a column of a subquery, or ORDER BY)
    // rather than written out.
    void expr(const Expr& e, std::string& out, Values& params, bool alias_refs = false) const;

    void lhs(const Condition& c, std::string& out, Values& params) const;

    void condition(const Condition& c, std::string& out, Values& params) const;

    // The members [begin, end) of a group, joined by sep; returns how many parts were written.
    // SQLite refuses an expression more than 1000 deep and `a OR b OR ...` is as deep as it
    // is long, so more than q_chunk_size members are written as parenthesised chunks of at
    // most q_chunk_size (chunks of chunks when wider): chunk_levels() more levels of nesting.
    std::size_t members(const std::vector<WhereNode>& children, std::size_t begin, std::size_t end,
                        std::string_view sep, std::string& out, Values& params) const;

    // Returns false when the node says nothing (an empty AND): the caller leaves it out.
    bool where(const WhereNode& n, std::string& out, Values& params) const;

    // The ordering that applies: order_by(), else Meta.ordering (not for GROUP BY queries,
    // as Django 3.1+), reversed by reverse().
    std::vector<OrderTerm> ordering() const;

    void order_by(std::string& out, Values& params) const;

    void limit(std::string& out) const;

    // The joins that follow relations, in the order they were made (a join's parent first).
    void joins(std::string& out) const;

    // FROM, WHERE, GROUP BY and HAVING of a SELECT.
    void from_where(std::string& out, Values& params) const;

    // The columns of a model row: loaded fields, then extra(select), then annotations.
    std::vector<const FieldMeta*> loaded_fields() const;

    // Is the field among the values() of the query?
    bool selects_field(const FieldMeta* f) const;

    Compiled select() const;

    void extra_select(const ExtraSelect& e, Compiled& c) const;

    const std::string& table() const noexcept { return table_; }

private:
    // The lookup families of condition(); l is the left side, written already.
    // exact, gt, gte, lt, lte: cmp indexes " = ", " > ", " >= ", " < ", " <= ".
    void compare(const Condition& c, int cmp, std::string& out, Values& params) const;
    void iexact(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    // contains, startswith, endswith and their i... forms.
    void pattern(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    void in(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    void range(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    void is_null(const Condition& c, const std::string& l, std::string& out) const;
    void regex(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    void search(const Condition& c, const std::string& l, std::string& out, Values& params) const;
    void json_condition(const Condition& c, std::string& out, Values& params) const;

    // An aggregate's filter (Django's filter=Q(...)): its condition, with annotations named
    // by alias when the aggregate's are (alias_refs_ is set while it is written).
    void aggregate_filter(const WhereNode& n, std::string& out, Values& params,
                          bool alias_refs) const;

    const Query& q_;
    const Operations& ops_;
    mutable bool alias_refs_ = false;
    const QuotedNames& names_;
    const std::string& table_;
};

// Does Meta.ordering follow a relation ("blog__name", or a ForeignKey's own name)?
bool ordering_follows_relations(const ModelMeta& m);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sql/compiler.ipp"
#endif
