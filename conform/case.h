/* case.h — one conformance case, read from its XML file: the raw request, how to
 * authenticate it, and what the answer must look like. */
#ifndef CUSTRPC_CONFORM_CASE_H
#define CUSTRPC_CONFORM_CASE_H

#include <stdbool.h>
#include <stddef.h>

#include <custrpc/error.h>

#define CASE_MAX_CHECKS 128
#define CASE_MAX_CAPTURES 4

enum case_auth { AUTH_DEFAULT, AUTH_NONE, AUTH_WRONG_PASSWORD };
enum case_outcome { OUTCOME_ANY, OUTCOME_SUCCESS, OUTCOME_FAULT };
/* What a check asks of the value it reads: its text equals, differs from or contains value;
 * (JSON) its kind is value, it exists or not (value "true"/"false"), it has value elements. */
enum check_op {
    CHECK_EQUALS,
    CHECK_NOT_EQUALS,
    CHECK_CONTAINS,
    CHECK_KIND,
    CHECK_EXISTS,
    CHECK_LENGTH
};

/* Which API a case speaks: XML-RPC (createCustomer and the lifecycle, the default) or the
 * partner API's JSON-RPC 2.0 (AddPartner and the related methods, files p0NN-*.xml). */
enum case_api { API_XMLRPC, API_PARTNER };

/* Why a rule holds: the API's published text requires it (the vendor's description of the
 * method, or a documented vendor fact), or it is this project's own contract (fault codes,
 * limits, choices the text leaves open). The api profile runs only the former. */
enum case_basis { BASIS_API, BASIS_CUSTRPC };

struct case_check {
    bool json;  /* <json>: expr is a JSON path (jsonpath.h); <xpath>: an XPath */
    char *expr; /* over the response document; placeholders allowed in JSON paths */
    enum check_op op;
    char *value;           /* placeholders allowed */
    enum case_basis basis; /* the case's unless the <xpath> narrows it to custrpc */
    bool fault_code;       /* kind="fault-code", or a JSON path error.code / error.data:
                              judges a code, so custrpc and not with --any-fault-code */
};

struct case_capture {
    char *var;
    char *expr;
    bool json; /* json="PATH" rather than xpath="EXPR" */
};

struct conform_case {
    char *file;
    enum case_api api;
    char *name;
    char *description;
    enum case_basis basis;
    char *basis_text; /* <basis>: the quoted API text (api), or the reason (custrpc, optional) */
    char *group;      /* the name up to its first ':' ("uniqueness", "field name", ...) */
    char *requires;   /* space-separated: auth, trusted, not-trusted */
    char *needs;      /* space-separated variables earlier cases must have captured */
    enum case_auth auth;
    char *path; /* NULL: the URL's own */
    char *user; /* credentials of this request only (placeholders allowed), or NULL */
    char *password;
    char *body; /* sent byte for byte after placeholders are filled */
    int status; /* expected HTTP status; 200 unless given */
    enum case_outcome outcome;
    bool has_fault_code; /* XML-RPC: faultCode; JSON-RPC: error.code */
    int fault_code;
    bool has_fault_data; /* JSON-RPC only: error.data (the API's own codes: 1701, 2100, ...) */
    int fault_data;
    struct case_check checks[CASE_MAX_CHECKS];
    size_t n_checks;
    struct case_capture captures[CASE_MAX_CAPTURES];
    size_t n_captures;
};

const char *case_basis_name(enum case_basis b);
const char *case_api_name(enum case_api a); /* "xmlrpc" or "partner" */

/* Reads one case file; errors name the file and line. A case without a basis, or an api case
 * without the quote it rests on, is an error. */
int case_load(const char *path, struct conform_case *c, struct custrpc_error *err);
void case_free(struct conform_case *c);

/* An api case may build only on what earlier api cases captured: the api profile runs no
 * other. Errors name the file. */
int case_check_basis(const struct conform_case *cases, size_t n, struct custrpc_error *err);

/* Loads every *.xml in dir, sorted by file name (the order cases run in). */
int case_load_dir(const char *dir, struct conform_case **cases, size_t *n,
                  struct custrpc_error *err);

#endif
