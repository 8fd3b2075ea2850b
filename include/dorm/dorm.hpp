#pragma once
// dorm: Django's database API for C++20, over SQLite. The one header users include for
// local use; <dorm/remote.hpp> adds the OData client and <dorm/sync.hpp> the sync engine.
#include "dorm/core/errors.hpp"
#include "dorm/core/fields.hpp"
#include "dorm/core/model.hpp"
#include "dorm/core/relations.hpp"
#include "dorm/core/value.hpp"
#include "dorm/odata/compile.hpp"
#include "dorm/orm/queryset.hpp"
#include "dorm/orm/related.hpp"
#include "dorm/orm/shortcuts.hpp"
#include "dorm/orm/specialized.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/sqlite/schema.hpp"
#include "dorm/sqlite/transaction.hpp"
#include "dorm/tree/expressions.hpp"
#include "dorm/tree/q.hpp"
#include "dorm/version.hpp"
