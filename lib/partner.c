/* partner.c — the descriptors of partner.h: PartnerInfo and its nested messages, and the params
 * and results of the partner API's methods. Member names, types and enum spellings are the
 * vendor schema's (basis api); length limits are ours (basis custrpc: the schema states none,
 * but a store and a log need a bound). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <custrpc/partner.h>

/* --- enums ------------------------------------------------------------------------------ */

static const char *const level_names[] = {"Undefined",      "Root",     "SubRoot",
                                          "Distributor",    "SubDistributor", "Reseller",
                                          "EndCustomer",    "Site"};
const struct custrpc_enum custrpc_partner_level_names = {"Level", 8, level_names};

static const char *const service_names[] = {"Undefined", "AllInclusive", "SoftwareOnly"};
const struct custrpc_enum custrpc_service_type_names = {"ServiceType", 3, service_names};

static const char *const state_names[] = {"Undefined", "Registered", "InProduction",
                                          "Rejected",  "InTrial",    "NotActive",
                                          "WaitingForProduction",    "Expired"};
const struct custrpc_enum custrpc_partner_state_names = {"State", 8, state_names};

static const char *const flag_names[] = {"HasCustomBranding", "HasCustomUpdatePackages",
                                         "UnsubscribedFromTrialNotifications", "CanInvoiceOthers"};
const struct custrpc_enum custrpc_partner_flag_names = {"PartnerFlags", 4, flag_names};

static const char *const user_flag_names[] = {"AllowApiAuthentication"};
static const struct custrpc_enum user_flags = {"UserFlags", 1, user_flag_names};

int custrpc_partner_level_rank(int level)
{
    /* Root and SubRoot sit above the levels the AddPartner page lists. */
    static const int rank[] = {
        [CUSTRPC_LEVEL_UNDEFINED] = 0,      [CUSTRPC_LEVEL_ROOT] = 7,
        [CUSTRPC_LEVEL_SUBROOT] = 6,        [CUSTRPC_LEVEL_DISTRIBUTOR] = 5,
        [CUSTRPC_LEVEL_SUBDISTRIBUTOR] = 4, [CUSTRPC_LEVEL_RESELLER] = 3,
        [CUSTRPC_LEVEL_ENDCUSTOMER] = 2,    [CUSTRPC_LEVEL_SITE] = 1,
    };
    return level >= 0 && level < (int)(sizeof rank / sizeof rank[0]) ? rank[level] : 0;
}

/* --- field shapes ----------------------------------------------------------------------- */

#define TEXT(T, wire, member, maxlen, what)                                                        \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_STRING,                              \
        .flags = CUSTRPC_FLAG_FULL_UNICODE, .max = maxlen, .offset = offsetof(T, member),          \
        .help = what                                                                               \
    }
#define ID(T, wire, member, what)                                                                  \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_INT, .min = 1, .max = INT32_MAX,     \
        .offset = offsetof(T, member), .help = what                                                \
    }
/* Unix seconds, 64 bits: years up to 9999. */
#define TIME(T, wire, member, what)                                                                \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_INT, .min = 0,                       \
        .max = 253402300799.0, .basis = CUSTRPC_BASIS_API, .offset = offsetof(T, member),          \
        .help = what                                                                               \
    }
#define CHOICE(T, wire, member, table, what)                                                       \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_ENUM, .values = &(table),            \
        .basis = CUSTRPC_BASIS_API, .offset = offsetof(T, member), .help = what                    \
    }
#define SET_OF(T, wire, member, table, what)                                                       \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_FLAGS, .values = &(table),           \
        .basis = CUSTRPC_BASIS_API, .offset = offsetof(T, member), .help = what                    \
    }
#define NESTED(T, wire, member, msg, what)                                                         \
    {                                                                                              \
        .name = wire, .c_name = #member, .type = CUSTRPC_TYPE_MESSAGE, .message = &(msg),          \
        .offset = offsetof(T, member), .help = what                                                \
    }

/* --- PartnerInfo ------------------------------------------------------------------------ */

#define A struct custrpc_post_address
static const struct custrpc_field address_fields[] = {
    TEXT(A, "Country", country, 64, "ISO 3166 alpha-2 code (recommended) or English name"),
    TEXT(A, "State", state, 128, "state"),
    TEXT(A, "District", district, 128, "district"),
    TEXT(A, "City", city, 128, "city"),
    TEXT(A, "ZipCode", zip_code, 32, "postal code"),
    TEXT(A, "Address", address, 256, "street address"),
};
#undef A
const struct custrpc_message custrpc_post_address_message =
    CUSTRPC_MESSAGE(custrpc_post_address, "PostAddressInfo", address_fields);

#define C struct custrpc_partner_company
static const struct custrpc_field company_fields[] = {
    NESTED(C, "PostAddress", post_address, custrpc_post_address_message, "postal address"),
    TEXT(C, "PhoneNumber", phone_number, 64, "phone number"),
    TEXT(C, "FaxNumber", fax_number, 64, "fax number"),
    TEXT(C, "WebsiteAddress", website_address, 256, "website address"),
    TEXT(C, "LegalCompanyName", legal_company_name, 256, "legal company name"),
    TEXT(C, "ChamberOfCommerceNumber", chamber_of_commerce_number, 64,
         "chamber of commerce number"),
    TEXT(C, "VatNumber", vat_number, 64, "VAT number"),
    TEXT(C, "BankAccountNumber", bank_account_number, 64, "bank account number"),
    TEXT(C, "BillingContactPersonId", billing_contact_person_id, 64,
         "billing contact person's id"),
};
#undef C
const struct custrpc_message custrpc_partner_company_message =
    CUSTRPC_MESSAGE(custrpc_partner_company, "PartnerCompanyInfo", company_fields);

#define V struct custrpc_partner_advanced
static const struct custrpc_field advanced_fields[] = {
    ID(V, "RegionId", region_id, "region id"),
    ID(V, "ResponsibleUserId", responsible_user_id, "responsible user's id"),
};
#undef V
const struct custrpc_message custrpc_partner_advanced_message =
    CUSTRPC_MESSAGE(custrpc_partner_advanced, "AdvancedPartnerPropertiesInfo", advanced_fields);

#define P struct custrpc_partner_info
static const struct custrpc_field partner_fields[] = {
    ID(P, "Id", id, "the partner's id (ModifyPartner: which partner)"),
    ID(P, "ParentId", parent_id, "the parent partner's id (default: the caller's partner)"),
    {.name = "Name",
     .c_name = "name",
     .type = CUSTRPC_TYPE_STRING,
     .check = CUSTRPC_CHECK_NAME,
     .min = 1,
     .max = 256,
     .flags = CUSTRPC_FLAG_UNIQUE | CUSTRPC_FLAG_FULL_UNICODE,
     .offset = offsetof(P, name),
     .help = "the partner's name, non-empty and unique (Login names a partner by it)"},
    CHOICE(P, "Level", level, custrpc_partner_level_names,
           "level in the tree, strictly lower than the parent's"),
    CHOICE(P, "ServiceType", service_type, custrpc_service_type_names, "service provided to it"),
    SET_OF(P, "ChildServiceTypes", child_service_types, custrpc_service_type_names,
           "services it may provide to its own partners"),
    CHOICE(P, "State", state, custrpc_partner_state_names, "state"),
    TEXT(P, "DeviceCountry", device_country, 64, "the country its devices are in"),
    ID(P, "LocationId", location_id,
       "location (EnumerateLocations); default: from the country, else the parent's"),
    SET_OF(P, "Flags", flags, custrpc_partner_flag_names, "properties"),
    NESTED(P, "Company", company, custrpc_partner_company_message, "company details"),
    TIME(P, "TrialRegistrationTime", trial_registration_time, "trial registered (Unix seconds)"),
    TIME(P, "TrialExpirationTime", trial_expiration_time, "trial expires (Unix seconds)"),
    NESTED(P, "AdvancedPartnerProperties", advanced, custrpc_partner_advanced_message,
           "advanced properties"),
    /* Not in the AddPartner page's list, but EnumeratePartners' column 20 and in the vendor's
     * answers: the server sets it. */
    TIME(P, "CreationTime", creation_time, "when the partner was created (Unix seconds)"),
    {.name = "Country",
     .c_name = "country",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_INPUT_ONLY | CUSTRPC_FLAG_FULL_UNICODE,
     .max = 64,
     .offset = offsetof(P, country),
     .help = "as the vendor's samples send it: stands for Company.PostAddress.Country"},
};
#undef P
const struct custrpc_message custrpc_partner_info_message =
    CUSTRPC_MESSAGE(custrpc_partner_info, "PartnerInfo", partner_fields);

void custrpc_partner_normalize(struct custrpc_partner_info *p)
{
    const struct custrpc_message *d = &custrpc_partner_info_message;
    const struct custrpc_field *country = custrpc_msg_field(d, "Country");
    if (custrpc_msg_presence(d, p, country) == CUSTRPC_ABSENT)
        return;
    const struct custrpc_field *company = custrpc_msg_field(d, "Company");
    const struct custrpc_message *cd = &custrpc_partner_company_message;
    const struct custrpc_field *post = custrpc_msg_field(cd, "PostAddress");
    const struct custrpc_message *ad = &custrpc_post_address_message;
    const struct custrpc_field *inner = custrpc_msg_field(ad, "Country");
    struct custrpc_post_address *a = &p->company.post_address;
    if (custrpc_msg_presence(ad, a, inner) == CUSTRPC_ABSENT &&
        custrpc_msg_presence(d, p, country) == CUSTRPC_SET) {
        a->country = p->country; /* moved, not copied */
        p->country = NULL;
        custrpc_msg_set_presence(ad, a, inner, CUSTRPC_SET);
        custrpc_msg_set_presence(cd, &p->company, post, CUSTRPC_SET);
        custrpc_msg_set_presence(d, p, company, CUSTRPC_SET);
    }
    custrpc_msg_unset(d, p, country);
}

/* --- params ----------------------------------------------------------------------------- */

static const struct custrpc_field login_fields[] = {
    {.name = "partner",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_FULL_UNICODE,
     .min = 1,
     .max = 256,
     .offset = offsetof(struct custrpc_login_params, partner),
     .help = "the partner's Name"},
    {.name = "username",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_FULL_UNICODE,
     .min = 1,
     .max = 256,
     .offset = offsetof(struct custrpc_login_params, username),
     .help = "the user's login"},
    {.name = "password",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_SECRET | CUSTRPC_FLAG_FULL_UNICODE,
     .max = 1024,
     .offset = offsetof(struct custrpc_login_params, password),
     .help = "the user's password"},
};
const struct custrpc_message custrpc_login_params_message =
    CUSTRPC_MESSAGE(custrpc_login_params, "Login", login_fields);
const char *const custrpc_login_params_required[] = {"partner", "username", "password", NULL};

#define PP struct custrpc_partner_params
static const struct custrpc_field add_fields[] = {
    NESTED(PP, "partnerInfo", partner_info, custrpc_partner_info_message, "the new partner"),
    {.name = "createDefaultAccount",
     .c_name = "create_default_account",
     .type = CUSTRPC_TYPE_BOOL,
     .offset = offsetof(PP, create_default_account),
     .help = "whether to create the partner's default account (default false)"},
};
static const struct custrpc_field modify_fields[] = {
    NESTED(PP, "partnerInfo", partner_info, custrpc_partner_info_message,
           "the members to change, with the partner's Id"),
};
#undef PP
const struct custrpc_message custrpc_add_partner_params_message =
    CUSTRPC_MESSAGE(custrpc_partner_params, "AddPartner", add_fields);
const char *const custrpc_add_partner_params_required[] = {"partnerInfo", "partnerInfo.Name",
                                                           NULL};
/* ModifyPartner takes the same struct; its descriptor has no createDefaultAccount (presence[1]
 * is then unused). */
const struct custrpc_message custrpc_modify_partner_params_message = {
    "ModifyPartner",
    sizeof(struct custrpc_partner_params),
    offsetof(struct custrpc_partner_params, presence),
    sizeof modify_fields / sizeof modify_fields[0],
    modify_fields,
    &(struct custrpc_name_index){0, NULL}};
const char *const custrpc_modify_partner_params_required[] = {"partnerInfo", "partnerInfo.Id",
                                                              NULL};

static const struct custrpc_field name_fields[] = {
    {.name = "name",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_FULL_UNICODE,
     .min = 1,
     .max = 256,
     .offset = offsetof(struct custrpc_partner_name_params, name),
     .help = "the partner's exact Name"},
};
const struct custrpc_message custrpc_partner_name_params_message =
    CUSTRPC_MESSAGE(custrpc_partner_name_params, "GetPartnerInfo", name_fields);
const char *const custrpc_partner_name_params_required[] = {"name", NULL};

static const struct custrpc_field id_fields[] = {
    ID(struct custrpc_partner_id_params, "partnerId", partner_id, "the partner's Id"),
};
const struct custrpc_message custrpc_partner_id_params_message =
    CUSTRPC_MESSAGE(custrpc_partner_id_params, "partnerId", id_fields);
const char *const custrpc_partner_id_params_required[] = {"partnerId", NULL};

#define E struct custrpc_enumerate_params
static const struct custrpc_field enumerate_fields[] = {
    ID(E, "parentPartnerId", parent_partner_id, "whose children"),
    {.name = "fetchRecursively",
     .c_name = "fetch_recursively",
     .type = CUSTRPC_TYPE_BOOL,
     .offset = offsetof(E, fetch_recursively),
     .help = "the whole subtree, not only the direct children"},
    {.name = "fields",
     .type = CUSTRPC_TYPE_INT,
     .repeated = true,
     .min = 0,
     .max = 1000,
     .offset = offsetof(E, fields),
     .help = "column numbers to answer (0 Name, 1 Level, 3 ChildServiceTypes, 4 ServiceType, "
             "5 State, 8 LocationId, 9 Flags, 10 Company); absent: all"},
};
#undef E
const struct custrpc_message custrpc_enumerate_params_message =
    CUSTRPC_MESSAGE(custrpc_enumerate_params, "EnumeratePartners", enumerate_fields);
const char *const custrpc_enumerate_params_required[] = {"parentPartnerId", NULL};

/* A message without members: sizeof an empty array is not C, so it is spelled out. */
const struct custrpc_message custrpc_no_params_message = {
    "no params", sizeof(struct custrpc_no_params), offsetof(struct custrpc_no_params, presence),
    0,           NULL,                             NULL};

/* --- results ---------------------------------------------------------------------------- */

#define U struct custrpc_partner_user
static const struct custrpc_field user_fields[] = {
    ID(U, "Id", id, "the user's id"),
    TEXT(U, "Name", name, 256, "the username"),
    ID(U, "PartnerId", partner_id, "the user's partner"),
    TEXT(U, "EmailAddress", email_address, 256, "e-mail address"),
    TEXT(U, "FirstName", first_name, 256, "first name"),
    TEXT(U, "FullName", full_name, 256, "full name"),
    TEXT(U, "PhoneNumber", phone_number, 64, "phone number"),
    TEXT(U, "Title", title, 256, "title"),
    ID(U, "RoleId", role_id, "role"),
    SET_OF(U, "Flags", flags, user_flags, "the user's flags"),
    TIME(U, "FirstLoginTime", first_login_time, "first login (Unix seconds)"),
    TIME(U, "LastLoginTime", last_login_time, "latest login (Unix seconds)"),
    {.name = "Password",
     .c_name = "password",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_NIL_NULL | CUSTRPC_FLAG_SECRET | CUSTRPC_FLAG_FULL_UNICODE,
     .max = 1024,
     .offset = offsetof(U, password),
     .help = "always null"},
    TEXT(U, "TwoFactorAuthenticationStatus", two_factor_authentication_status, 64,
         "two-factor authentication status"),
};
#undef U
const struct custrpc_message custrpc_partner_user_message =
    CUSTRPC_MESSAGE(custrpc_partner_user, "UserInfo", user_fields);

/* The one member of every result. */
#define RESULT(T, kind, ...)                                                                       \
    static const struct custrpc_field T##_fields[] = {                                             \
        {.name = "result", .offset = offsetof(struct custrpc_##T, result), __VA_ARGS__}};          \
    const struct custrpc_message custrpc_##T##_message =                                           \
        CUSTRPC_MESSAGE(custrpc_##T, kind, T##_fields)

RESULT(login_result, "Login result", .type = CUSTRPC_TYPE_MESSAGE,
       .message = &custrpc_partner_user_message, .help = "the user logged in");
RESULT(id_result, "id result", .type = CUSTRPC_TYPE_INT, .min = 1, .max = INT32_MAX,
       .help = "the new partner's Id");
RESULT(null_result, "null result", .type = CUSTRPC_TYPE_INT, .flags = CUSTRPC_FLAG_NIL_NULL,
       .help = "always null");
RESULT(partner_result, "PartnerInfo result", .type = CUSTRPC_TYPE_MESSAGE,
       .message = &custrpc_partner_info_message, .help = "the partner");
RESULT(partner_list_result, "PartnerInfo list", .type = CUSTRPC_TYPE_MESSAGE,
       .message = &custrpc_partner_info_message, .repeated = true, .help = "the partners");
RESULT(partner_state_result, "State result", .type = CUSTRPC_TYPE_ENUM,
       .values = &custrpc_partner_state_names, .help = "the partner's State");

#define L struct custrpc_location
static const struct custrpc_field location_fields[] = {
    ID(L, "Id", id, "the location's id"),
    TEXT(L, "Name", name, 256, "the location's name"),
    {.name = "Flags",
     .c_name = "flags",
     .type = CUSTRPC_TYPE_STRING,
     .flags = CUSTRPC_FLAG_FULL_UNICODE,
     .repeated = true,
     .max = 256,
     .offset = offsetof(L, flags),
     .help = "the location's flags"},
};
#undef L
const struct custrpc_message custrpc_location_message =
    CUSTRPC_MESSAGE(custrpc_location, "LocationInfo", location_fields);

RESULT(location_list_result, "LocationInfo list", .type = CUSTRPC_TYPE_MESSAGE,
       .message = &custrpc_location_message, .repeated = true, .help = "the locations");
