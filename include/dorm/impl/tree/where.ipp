#pragma once
// Bodies of dorm/tree/where.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <memory>
#include <utility>

#include "dorm/tree/where.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE WhereNode WhereNode::leaf(Condition c) {
    WhereNode n;
    n.kind = Kind::Leaf;
    n.cond = std::make_shared<const Condition>(std::move(c));
    return n;
}

} // namespace DORM_ABI
} // namespace dorm
