#pragma once
// dorm's OData client (libcurl + nlohmann/json): what a program that talks to a remote
// service includes besides <dorm/dorm.hpp>.
#include "dorm/dorm.hpp"
#include "dorm/remote/batch.hpp"
#include "dorm/remote/client.hpp"
#include "dorm/remote/parse.hpp"
#include "dorm/remote/transport.hpp"
