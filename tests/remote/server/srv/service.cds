using { dorm.test as db } from '../db/schema';

// Served at /odata/v4/crm and (through the V2 adapter) /odata/v2/crm.
@path: 'crm'
service CrmService {
  entity Accounts as projection on db.Accounts;
  entity Contacts as projection on db.Contacts;
  entity Rows     as projection on db.Rows; // bench/sync_bench.cpp only
  entity Products as projection on db.Products; // tests/sync/test_sync_field_kinds.cpp
  entity Events   as projection on db.Events; // tests/sync/test_sync_time_json.cpp
}
