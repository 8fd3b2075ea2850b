#pragma once
// The Contacts of the OData test server (tests/remote/server), mapped, with a ForeignKey to
// the Accounts. A header of its own: a model registers its reverse relations in every
// program that includes it, and only the tests that create the contact table should have
// Account rows that cascade to it.
#include "odata_accounts.hpp"

namespace odata_accounts {

// Mirrors entity dorm.test.Contacts: the server stamps modifiedOn on every write and gives
// it as the ETag. `notes` stays local.
struct Contact : dorm::Model<Contact> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::optional<std::string> name;
    std::optional<std::string> email;
    dorm::ForeignKey<Account> account;
    std::optional<DateTime> modified_on;
    std::string notes;
    static void define(dorm::ModelDef<Contact>& m) {
        m.table("contact").remote("Contacts");
        m.field("id", &Contact::id, dorm::auto_pk);
        m.field("cdms_pk", &Contact::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Contact::name, dorm::max_length(160), dorm::remote("name"));
        m.field("email", &Contact::email, dorm::max_length(160), dorm::remote("email"));
        m.field("account", &Contact::account, dorm::null, dorm::remote("account_ID"));
        m.field("modified_on", &Contact::modified_on, dorm::remote_modified("modifiedOn"));
        m.field("notes", &Contact::notes);
    }
};

} // namespace odata_accounts
