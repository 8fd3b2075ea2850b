#pragma once
// dorm's sync engine: keeps models mapped to a remote OData service in step with the local
// store. Includes <dorm/dorm.hpp> and <dorm/remote.hpp>.
#include "dorm/remote.hpp"
#include "dorm/sync/engine.hpp"
