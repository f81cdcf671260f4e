/* partner_client.h — the client of the partner API (JSON-RPC 2.0 at /jsonapi): a session per
 * user over libcurl that handles the visa invisibly. The first call logs in (Login {partner,
 * username, password}); every request carries the newest visa as the top-level member "visa"
 * (never in params); the visa of every answer, errors included, replaces it; a call answered
 * with error 1701 (visa inconsistent or expired) logs in again and is sent once more, never
 * twice (a second 1701 is the caller's); and a visa older than the refresh age (default 840 s:
 * visas live 15 minutes, public clients refresh at 13-14) is renewed by a Login before the call.
 *
 * Errors follow error.h: a JSON-RPC error is kind CUSTRPC_KIND_FAULT with code = its integer
 * data (1701, 2100, 13501, ...) or else its code, message = its message; an HTTP status other
 * than 200 is CUSTRPC_E_HTTP (401 CUSTRPC_E_AUTH), kind HTTP; an answer that is not JSON-RPC 2.0
 * (or not the method's result) CUSTRPC_E_PROTOCOL; CUSTRPC_E_CONNECT when nothing was sent;
 * CUSTRPC_E_TIMEOUT / CUSTRPC_E_TRANSPORT when the server may or may not have acted; arguments
 * that break the model's rules are CUSTRPC_KIND_LOCAL and nothing is sent. The password and the
 * visas never appear in an error message or in the trace.
 *
 * Thread safety: a session is used by one thread at a time; use one session per thread. */
#ifndef CUSTRPC_PARTNER_CLIENT_H
#define CUSTRPC_PARTNER_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <custrpc/error.h>
#include <custrpc/message.h>
#include <custrpc/partner.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTRPC_PARTNER_VISA_REFRESH_S 840

/* The partner API's method names (case-sensitive on the wire). */
#define CUSTRPC_PARTNER_LOGIN "Login"
#define CUSTRPC_PARTNER_ADD "AddPartner"
#define CUSTRPC_PARTNER_GET "GetPartnerInfo"
#define CUSTRPC_PARTNER_GET_BY_ID "GetPartnerInfoById"
#define CUSTRPC_PARTNER_ENUMERATE "EnumeratePartners"
#define CUSTRPC_PARTNER_MODIFY "ModifyPartner"
#define CUSTRPC_PARTNER_REMOVE "RemovePartner"
#define CUSTRPC_PARTNER_LOCATIONS "EnumerateLocations"
#define CUSTRPC_PARTNER_STATE "GetPartnerState"

struct custrpc_partner_options {
    const char *url;         /* e.g. https://api.example.com/jsonapi */
    const char *partner;     /* Login's partner: the Name of the user's partner */
    const char *username;    /* Login's username */
    const char *password;    /* Login's password: copied, never logged or echoed */
    const char *cacert;      /* PEM file of CAs to trust instead of the system's */
    bool insecure;           /* skip TLS certificate and host checks */
    unsigned timeout_ms;     /* each HTTP exchange, connecting included; 0: 30000 */
    unsigned visa_refresh_s; /* log in again before a call when the visa is older; 0: 840 */
    FILE *trace; /* when set, the JSON of each exchange goes here, password and visas masked */
};

struct custrpc_partner_session;

/* Creates a session; nothing is sent yet (the first call logs in). The options' strings are
 * copied. *out is NULL on failure, so custrpc_partner_session_free(*out) is always safe. */
int custrpc_partner_session_new(struct custrpc_partner_session **out,
                                const struct custrpc_partner_options *o, struct custrpc_error *err);
/* Frees the session, clearing the password and the visa from memory. */
void custrpc_partner_session_free(struct custrpc_partner_session *s);

/* Calls method with params (a message of params_d, validated first: nothing is sent when it
 * breaks a field rule) and reads the answer's result into result (a message of result_d,
 * initialised here and the caller's to free with custrpc_msg_free, also after a failure).
 * Members of the answer that result_d does not describe are skipped (see
 * custrpc_partner_session_skipped); a member of the wrong type or value is CUSTRPC_E_PROTOCOL
 * naming it. params_d NULL sends {}; result_d NULL ignores the result. method "Login" logs in
 * with params' credentials and makes the answer's visa the session's. */
int custrpc_partner_call(struct custrpc_partner_session *s, const char *method,
                         const struct custrpc_message *params_d, const void *params,
                         const struct custrpc_message *result_d, void *result,
                         struct custrpc_error *err);

/* --- typed wrappers: each checks its required members locally (CUSTRPC_E_MISSING naming the
 * member, nothing sent) --------------------------------------------------------------------- */

/* Logs in now (again, if the session had a visa). user (may be NULL) is initialised and
 * receives the user's record (Id, Name, PartnerId, ...); free it with custrpc_msg_free. */
int custrpc_partner_login(struct custrpc_partner_session *s, struct custrpc_partner_user *user,
                          struct custrpc_error *err);

/* AddPartner {partnerInfo, createDefaultAccount}: p needs Name; createDefaultAccount is always
 * sent (the schema requires it; the vendor's samples leave it out). *id: the new partner. */
int custrpc_partner_add(struct custrpc_partner_session *s, const struct custrpc_partner_info *p,
                        bool create_default_account, int64_t *id, struct custrpc_error *err);

/* GetPartnerInfo {name} / GetPartnerInfoById {partnerId}: out is initialised here and the
 * caller's to free (custrpc_msg_free(&custrpc_partner_info_message, out)). */
int custrpc_partner_get_by_name(struct custrpc_partner_session *s, const char *name,
                                struct custrpc_partner_info *out, struct custrpc_error *err);
int custrpc_partner_get_by_id(struct custrpc_partner_session *s, int64_t id,
                              struct custrpc_partner_info *out, struct custrpc_error *err);

/* EnumeratePartners {parentPartnerId, fetchRecursively}: out->result holds the partners
 * (struct custrpc_partner_info items); free with custrpc_msg_free. */
int custrpc_partner_enumerate(struct custrpc_partner_session *s, int64_t parent_id, bool recursive,
                              struct custrpc_partner_list_result *out, struct custrpc_error *err);

/* ModifyPartner {partnerInfo}: p needs Id; only the members present are sent. */
int custrpc_partner_modify(struct custrpc_partner_session *s, const struct custrpc_partner_info *p,
                           struct custrpc_error *err);

/* RemovePartner {partnerId}. */
int custrpc_partner_remove(struct custrpc_partner_session *s, int64_t id,
                           struct custrpc_error *err);

/* EnumerateLocations {}: out->result holds struct custrpc_location items. */
int custrpc_partner_locations(struct custrpc_partner_session *s,
                              struct custrpc_location_list_result *out, struct custrpc_error *err);

/* GetPartnerState {partnerId}: *state is an index in custrpc_partner_state_names. */
int custrpc_partner_state(struct custrpc_partner_session *s, int64_t id, int *state,
                          struct custrpc_error *err);

/* --- what the session did ------------------------------------------------------------------ */

struct custrpc_partner_stats {
    unsigned requests;       /* HTTP requests sent, Logins included */
    unsigned logins;         /* Logins sent: the first, refreshes, and after 1701 */
    unsigned visa_relogins;  /* of those, after a 1701 answer */
    unsigned refresh_logins; /* of those, because the visa reached the refresh age */
};
void custrpc_partner_session_stats(const struct custrpc_partner_session *s,
                                   struct custrpc_partner_stats *out);

/* The members of the last answer that the result's descriptor does not describe, as a
 * comma-separated list of paths ("result.CreationTime"); "" when none. Valid until the next
 * call. */
const char *custrpc_partner_session_skipped(const struct custrpc_partner_session *s);

#ifdef __cplusplus
}
#endif
#endif
