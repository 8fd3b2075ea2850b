// The entities of dorm's remote tests. Element names are the "remote names" the C++ test
// models map their fields to (dorm::remote("name"), dorm::remote_key("ID"), ...).
// Strings are @cds.collate: false: they sort as SQLite compares them (BINARY), as with CAP 9,
// where CAP 8 (the pinned stack: it runs on Node.js 18) would sort them case-insensitively.
namespace dorm.test;

@cds.query.limit: { default: 50, max: 1000 }
entity Accounts {
  key ID         : UUID;
      name       : String(160) @cds.collate: false;
      employees  : Integer;
      rating     : Double;
      active     : Boolean;
      founded    : Date;
      modifiedOn : Timestamp;
      parent     : Association to Accounts; // managed: the column and property parent_ID
}

// A second entity with an ETag (the server's write stamp): a write must carry If-Match
// (428 without), and a stale one is refused with 412.
@cds.query.limit: { default: 50, max: 1000 }
entity Contacts {
  key ID         : UUID;
      name       : String(160) @cds.collate: false;
      email      : String(160) @cds.collate: false;
      account    : Association to Accounts; // the column and property account_ID
      modifiedOn : Timestamp @cds.on.insert: $now  @cds.on.update: $now  @odata.etag;
}

// The sync benchmark's entity (bench/sync_bench.cpp): no seed rows (the benchmark creates
// 10,000), served in pages of 1,000. Stamped and ETagged by the server like Contacts.
@cds.query.limit: { default: 1000, max: 1000 }
entity Rows {
  key ID         : UUID;
      name       : String(64) @cds.collate: false;
      qty        : Integer;
      price      : Double;
      modifiedOn : Timestamp @cds.on.insert: $now  @cds.on.update: $now  @odata.etag;
}

// The field kinds of CRM data (tests/sync/test_sync_field_kinds.cpp): a UUID key, Edm.Decimal
// (V2 sends it as a string, V4 as a number) and Edm.Binary (base64). Stamped by the server.
@cds.query.limit: { default: 50, max: 1000 }
entity Products {
  key ID         : UUID;
      name       : String(64) @cds.collate: false;
      price      : Decimal(15, 2);
      data       : Binary(64);
      modifiedOn : Timestamp @cds.on.insert: $now  @cds.on.update: $now;
}

// TimeField (Edm.TimeOfDay on V4, Edm.Time on V2) and a JSONField as the text of a
// LargeString: tests/sync/test_sync_time_json.cpp.
@cds.query.limit: { default: 50, max: 1000 }
entity Events {
  key ID     : UUID;
      name   : String(80) @cds.collate: false;
      starts : Time;
      ends   : Time;
      payload : LargeString;
}
