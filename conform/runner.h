/* runner.h — running conformance cases against a server and judging the answers. */
#ifndef CUSTRPC_CONFORM_RUNNER_H
#define CUSTRPC_CONFORM_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "case.h"
#include "http.h"

struct runner_options {
    struct http_target target; /* user set: authenticated requests */
    int64_t wholesaler;        /* > 0: trusted mode, i_wholesaler added to creates */
    int64_t tariff;            /* {{i_tariff}} */
    const char *name_prefix;   /* every name the run creates starts with it */
    enum case_basis profile; /* BASIS_API: api cases only, faults by presence; BASIS_CUSTRPC: all */
    enum case_api api;       /* the API under test: only its cases run */
    /* The partner API's Login ({{partner}}, {{login}}, {{password}}); the HTTP requests there
     * carry no credentials. */
    const char *partner, *login, *password;
    bool any_fault_code; /* custrpc profile: only require a fault, not its code */
    const char *only;    /* fnmatch pattern on case names, or NULL */
    FILE *trace;         /* -v: request and answer bodies (passwords masked), or NULL */
    FILE *lines;         /* one line per case */
};

/* The reason of a case skipped because its method is not in the server's system.listMethods. */
#define RUNNER_NOT_OFFERED "the server does not offer "

/* CASE_ERROR: no answer at all (transport), as opposed to a wrong answer (CASE_FAIL). */
enum case_status { CASE_PASS, CASE_FAIL, CASE_ERROR, CASE_SKIP, CASE_NOT_RUN };

struct case_result {
    enum case_status status;
    char reason[600];
    double seconds;
    char *request;  /* as sent, passwords masked; NULL when nothing was sent */
    char *response; /* as received, passwords masked; NULL when nothing came */
};

/* A customer (or, partner API, a partner) the run created: a run against a real switch
 * leaves them behind. */
struct created_customer {
    char *name;
    char *i_customer; /* a partner's Id */
    const char *case_name;
    bool partner;
};

struct created_list {
    struct created_customer *items;
    size_t n, cap;
};

/* Runs the cases of o->api in order, printing one line each; results has n entries. Customers
 * or partners the run created are added to created (partners a case removed are taken off). */
void runner_run(const struct conform_case *cases, size_t n, const struct runner_options *o,
                struct case_result *results, struct created_list *created);
void case_result_free(struct case_result *r);
/* Whether a run with o runs case c: its API, its profile, --only. */
bool runner_selects(const struct runner_options *o, const struct conform_case *c);
void created_list_free(struct created_list *l);

/* A copy of an XML-RPC body (well-formed or not) with the values of web_password and
 * api_password members replaced by "***". */
char *mask_passwords(const char *body);

#endif
