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
enum check_op { CHECK_EQUALS, CHECK_NOT_EQUALS, CHECK_MATCHES_INT };

/* Why a rule holds: the API's published text requires it (the vendor's description of the
 * method, or a documented vendor fact), or it is this project's own contract (fault codes,
 * limits, choices the text leaves open). The api profile runs only the former. */
enum case_basis { BASIS_API, BASIS_CUSTRPC };

struct case_check {
    char *expr; /* XPath over the response document */
    enum check_op op;
    char *value;           /* placeholders allowed */
    enum case_basis basis; /* the case's unless the <xpath> narrows it to custrpc */
    bool fault_code;       /* kind="fault-code": judges a code, so custrpc and not with
                              --any-fault-code */
};

struct case_capture {
    char *var;
    char *expr;
};

struct conform_case {
    char *file;
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
    bool has_fault_code;
    int fault_code;
    struct case_check checks[CASE_MAX_CHECKS];
    size_t n_checks;
    struct case_capture captures[CASE_MAX_CAPTURES];
    size_t n_captures;
};

const char *case_basis_name(enum case_basis b);

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
