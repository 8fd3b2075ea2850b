#pragma once
// Bodies of dorm/sqlite/operations.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/operations.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/sql/compiler.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sqlite {

DORM_INLINE std::string glob_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[') {
            out += '[';
            out += c;
            out += ']';
        } else {
            out += c;
        }
    }
    return out;
}

namespace impl {

DORM_INLINE void limit_offset(std::string& out, std::optional<std::int64_t> limit,
                              std::int64_t offset) {
    if (limit) {
        out += " LIMIT ";
        out += std::to_string(*limit);
    } else if (offset) {
        out += " LIMIT -1"; // SQLite has no OFFSET without a LIMIT
    }
    if (offset) {
        out += " OFFSET ";
        out += std::to_string(offset);
    }
}

DORM_INLINE void fold(std::string& out, std::string_view operand) {
    out += "dorm_fold(";
    out += operand;
    out += ')';
}

// contains/startswith/endswith of a value holding NUL: LIKE and GLOB stop at a NUL in
// the pattern (matching rows they should not), so the bytes are compared whole, as
// blobs: instr for contains, substr for the ends. value: folded already when fold.
DORM_INLINE void pattern_bytes(std::string& out, std::string_view l, const std::string& value,
                               sql::PatternMatch m, Values& params) {
    std::string L = "CAST(";
    if (m.fold)
        fold(L, l);
    else
        L += l;
    L += " AS BLOB)";
    if (m.head && m.tail) {
        out += "instr(" + L + ", ?) > 0";
    } else {
        out += m.head ? "substr(" + L + ", 1, ?) = ?" : "substr(" + L + ", -?) = ?";
        params.emplace_back(static_cast<std::int64_t>(value.size()));
    }
    params.emplace_back(Blob(value.begin(), value.end()));
}

// Case-folded: dorm_fold(lhs) LIKE '%value%' ESCAPE '\'; case-sensitive: lhs GLOB '*value*'
// (SQLite's LIKE ignores ASCII case).
DORM_INLINE void pattern_value(std::string& out, std::string_view l, const std::string& value,
                               sql::PatternMatch m, Values& params) {
    if (value.find('\0') != std::string::npos)
        return pattern_bytes(out, l, value, m, params);
    if (m.fold) {
        fold(out, l);
        out += " LIKE ?";
        params.emplace_back((m.tail ? "%" : "") + sql::like_escape(value) + (m.head ? "%" : ""));
        out += " ESCAPE '\\'";
    } else {
        out += l;
        out += " GLOB ?";
        params.emplace_back((m.tail ? "*" : "") + glob_escape(value) + (m.head ? "*" : ""));
    }
}

// Against another column: instr and substr, no patterns.
DORM_INLINE int pattern_expr(std::string& out, std::string_view l, std::string_view r,
                             sql::PatternMatch m) {
    std::string L, R;
    if (m.fold) {
        fold(L, l);
        fold(R, r);
    } else {
        L = l;
        R = r;
    }
    if (m.head && m.tail) {
        out += "instr(" + L + ", " + R + ") > 0";
        return 1;
    }
    if (m.head) {
        out += "substr(" + L + ", 1, length(" + R + ")) = " + R;
        return 2;
    }
    out += "(substr(" + L + ", -length(" + R + ")) = " + R + " OR length(" + R + ") = 0)";
    return 3;
}

DORM_INLINE void regex(std::string& out, std::string_view l, bool fold_case) {
    out += "dorm_regexp(";
    out += l;
    out += fold_case ? ", ?, 1)" : ", ?, 0)";
}

DORM_INLINE void transform(std::string& operand, TransformKind t) {
    const std::string k = std::to_string(static_cast<int>(t));
    if (t == TransformKind::Date || t == TransformKind::Time)
        operand = "dorm_cast(" + k + ", " + operand + ")";
    else
        operand = "dorm_extract(" + k + ", " + operand + ")";
}

DORM_INLINE void truncate_date(std::string& out, std::string_view operand, const std::string& kind,
                               Values& params) {
    out += "dorm_trunc(?, ";
    out += operand;
    out += ')';
    params.emplace_back(kind);
}

// An expression on an integer or boolean member (or an integer foreign key) is computed by
// SQLite, which neither wraps nor refuses what the member cannot hold: dorm_fit_int /
// dorm_fit_float fail the statement instead.
DORM_INLINE void assign_expression(std::string& out, std::string_view expr, const FieldMeta& f,
                                   Values& params) {
    const CType ct = f.value_ctype();
    const bool fit = ct == CType::I32 || ct == CType::I64 || ct == CType::Bool;
    const bool fit_float = ct == CType::F32;
    if (fit)
        out += "dorm_fit_int(";
    if (fit_float)
        out += "dorm_fit_float(";
    out += expr;
    if (fit) {
        std::int64_t low = 0, high = 1; // Bool
        if (ct == CType::I32) {
            low = std::numeric_limits<std::int32_t>::min();
            high = std::numeric_limits<std::int32_t>::max();
        } else if (ct == CType::I64) {
            low = std::numeric_limits<std::int64_t>::min();
            high = std::numeric_limits<std::int64_t>::max();
        }
        out += ", ?, ?, ?)";
        params.emplace_back(low);
        params.emplace_back(high);
    } else if (fit_float) {
        out += ", ?)";
    }
    if (fit || fit_float)
        params.emplace_back(f.described_name());
}

} // namespace impl

DORM_INLINE const sql::Operations& operations() {
    static const sql::Operations ops{
        .vendor = "sqlite",
        .placeholder = "?",
        .false_literal = "0",
        .random_order = "RANDOM()",
        .quote_into = &sql::quote_into,
        .limit_offset = &impl::limit_offset,
        // As Django 3.2: SQLite has FILTER on aggregates since 3.30.0, trusted from 3.30.1.
        .aggregate_filter_clause = sqlite3_libversion_number() >= 3030001,
        .fold = &impl::fold,
        .pattern_value = &impl::pattern_value,
        .pattern_expr = &impl::pattern_expr,
        .regex = &impl::regex,
        .transform = &impl::transform,
        .truncate_date = &impl::truncate_date,
        .assign_expression = &impl::assign_expression,
        .json_extract = "JSON_EXTRACT",
        .json_type = "JSON_TYPE",
        .auto_key = "AUTOINCREMENT",
    };
    return ops;
}

} // namespace sqlite
} // namespace DORM_ABI
} // namespace dorm
