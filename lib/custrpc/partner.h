/* partner.h — the backup platform's partner API (JSON-RPC 2.0 at /jsonapi), described once as
 * messages (message.h): PartnerInfo and its nested messages with the schema's enums and flag
 * sets, and the params and results of Login, AddPartner and the related methods. The client
 * builds and checks its calls with them, the server reads its requests into them, the JSON
 * codec (json.h) writes and reads them, and the store's partner table comes from them.
 *
 * Wire names are the API's (PascalCase in PartnerInfo, camelCase in params): exact and
 * case-sensitive. A result is a message with one member, "result", because the API nests every
 * answer once more: {"result": {"result": 55806}}. */
#ifndef CUSTRPC_PARTNER_H
#define CUSTRPC_PARTNER_H

#include <stdbool.h>
#include <stdint.h>

#include <custrpc/message.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema's enums, in the schema's order (the value is the index of the name). */
enum custrpc_partner_level {
    CUSTRPC_LEVEL_UNDEFINED,
    CUSTRPC_LEVEL_ROOT,
    CUSTRPC_LEVEL_SUBROOT,
    CUSTRPC_LEVEL_DISTRIBUTOR,
    CUSTRPC_LEVEL_SUBDISTRIBUTOR,
    CUSTRPC_LEVEL_RESELLER,
    CUSTRPC_LEVEL_ENDCUSTOMER,
    CUSTRPC_LEVEL_SITE
};
extern const struct custrpc_enum custrpc_partner_level_names;
extern const struct custrpc_enum custrpc_service_type_names; /* Undefined AllInclusive SoftwareOnly */
extern const struct custrpc_enum custrpc_partner_state_names;
extern const struct custrpc_enum custrpc_partner_flag_names;

/* The rank of a Level in the tree (higher is nearer the root); 0 for Undefined. A child's rank
 * must be strictly lower than its parent's (the API's rule). Site, which the AddPartner page
 * does not list, ranks below EndCustomer (ours). */
int custrpc_partner_level_rank(int level);

struct custrpc_post_address {
    char *country; /* ISO 3166 alpha-2 (recommended) or the English name */
    char *state;
    char *district;
    char *city;
    char *zip_code;
    char *address;
    unsigned char presence[6];
};
extern const struct custrpc_message custrpc_post_address_message; /* PostAddressInfo */

struct custrpc_partner_company {
    struct custrpc_post_address post_address;
    char *phone_number;
    char *fax_number;
    char *website_address;
    char *legal_company_name;
    char *chamber_of_commerce_number;
    char *vat_number;
    char *bank_account_number;
    char *billing_contact_person_id;
    unsigned char presence[9];
};
extern const struct custrpc_message custrpc_partner_company_message; /* PartnerCompanyInfo */

struct custrpc_partner_advanced {
    int64_t region_id;
    int64_t responsible_user_id;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_partner_advanced_message;

/* PartnerInfo. country is not a schema member: the vendor's own samples and scripts put
 * Country directly in partnerInfo, and the service evidently accepts it; it is read on input
 * and stands for Company.PostAddress.Country (custrpc_partner_normalize), never answered. */
struct custrpc_partner_info {
    int64_t id;
    int64_t parent_id;
    char *name;
    int level;                    /* enum custrpc_partner_level */
    int service_type;             /* index in custrpc_service_type_names */
    int64_t child_service_types;  /* set of service types (bit i: name i) */
    int state;                    /* index in custrpc_partner_state_names */
    char *device_country;
    int64_t location_id;
    int64_t flags; /* set of custrpc_partner_flag_names */
    struct custrpc_partner_company company;
    int64_t trial_registration_time; /* Unix seconds */
    int64_t trial_expiration_time;
    struct custrpc_partner_advanced advanced;
    int64_t creation_time; /* Unix seconds; answered by the server, refused in requests */
    char *country;         /* input only; see above */
    unsigned char presence[16];
};
extern const struct custrpc_message custrpc_partner_info_message; /* PartnerInfo */

/* Moves a top-level Country into Company.PostAddress.Country (which wins when both are given:
 * it is the schema's member) and clears Country. */
void custrpc_partner_normalize(struct custrpc_partner_info *p);

/* --- params ----------------------------------------------------------------------------- */

/* Login {partner, username, password}: partner is the partner's Name. */
struct custrpc_login_params {
    char *partner;
    char *username;
    char *password; /* secret: never logged or echoed */
    unsigned char presence[3];
};
extern const struct custrpc_message custrpc_login_params_message;
extern const char *const custrpc_login_params_required[];

/* AddPartner {partnerInfo, createDefaultAccount} and ModifyPartner {partnerInfo}. The schema
 * lists createDefaultAccount as required; the vendor's samples omit it, so it is optional here
 * (false when absent). */
struct custrpc_partner_params {
    struct custrpc_partner_info partner_info;
    bool create_default_account;
    unsigned char presence[2];
};
extern const struct custrpc_message custrpc_add_partner_params_message;
extern const char *const custrpc_add_partner_params_required[]; /* partnerInfo, its Name */
extern const struct custrpc_message custrpc_modify_partner_params_message;
extern const char *const custrpc_modify_partner_params_required[]; /* partnerInfo, its Id */

/* GetPartnerInfo {name}. */
struct custrpc_partner_name_params {
    char *name;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_partner_name_params_message;
extern const char *const custrpc_partner_name_params_required[];

/* GetPartnerInfoById, RemovePartner, GetPartnerState {partnerId}. */
struct custrpc_partner_id_params {
    int64_t partner_id;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_partner_id_params_message;
extern const char *const custrpc_partner_id_params_required[];

/* EnumeratePartners {parentPartnerId, fetchRecursively, fields?}: fields are the schema's
 * column numbers (0 Name, 1 Level, 3 ChildServiceTypes, 4 ServiceType, 5 State, 8 LocationId,
 * 9 Flags, 10 Company, 20 CreationTime); absent, every member is answered. Id and ParentId are
 * always answered. */
struct custrpc_enumerate_params {
    int64_t parent_partner_id;
    bool fetch_recursively;
    struct custrpc_array fields; /* of int64_t */
    unsigned char presence[3];
};
extern const struct custrpc_message custrpc_enumerate_params_message;
extern const char *const custrpc_enumerate_params_required[]; /* parentPartnerId */

/* EnumerateLocations {}. */
struct custrpc_no_params {
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_no_params_message;

/* --- results: {"result": X} --------------------------------------------------------------- */

/* Login's user. Password is always null (the API answers it so). */
struct custrpc_partner_user {
    int64_t id;
    char *name; /* the username */
    int64_t partner_id;
    char *email_address;
    char *first_name;
    char *full_name;
    char *phone_number;
    char *title;
    int64_t role_id;
    int64_t flags; /* AllowApiAuthentication, ... */
    int64_t first_login_time;
    int64_t last_login_time;
    char *password; /* nil */
    char *two_factor_authentication_status;
    unsigned char presence[14];
};
extern const struct custrpc_message custrpc_partner_user_message;

struct custrpc_login_result {
    struct custrpc_partner_user result;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_login_result_message;

/* AddPartner: the new partner's Id. */
struct custrpc_id_result {
    int64_t result;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_id_result_message;

/* ModifyPartner, RemovePartner: null. */
struct custrpc_null_result {
    int64_t result; /* always nil */
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_null_result_message;

struct custrpc_partner_result {
    struct custrpc_partner_info result;
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_partner_result_message;

struct custrpc_partner_list_result {
    struct custrpc_array result; /* of struct custrpc_partner_info */
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_partner_list_result_message;

struct custrpc_partner_state_result {
    int result; /* index in custrpc_partner_state_names */
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_partner_state_result_message;

/* EnumerateLocations: [{Id, Name, Flags}]. */
struct custrpc_location {
    int64_t id;
    char *name;
    struct custrpc_array flags; /* of char *: the API names none; answered empty */
    unsigned char presence[3];
};
extern const struct custrpc_message custrpc_location_message;

struct custrpc_location_list_result {
    struct custrpc_array result; /* of struct custrpc_location */
    unsigned char presence[1];
};
extern const struct custrpc_message custrpc_location_list_result_message;

#ifdef __cplusplus
}
#endif
#endif
