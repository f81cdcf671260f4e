/* runner_internal.h — what runner.c (the run, XML-RPC answers) shares with runner_json.c (the
 * partner API's JSON-RPC answers) and fill.c (request text): the run's variables, placeholders,
 * verdicts and secrets. */
#ifndef CUSTRPC_CONFORM_RUNNER_INTERNAL_H
#define CUSTRPC_CONFORM_RUNNER_INTERNAL_H

#include "runner.h"

#define MAX_VARS 128

/* What a run carries from case to case: captured and given variables, and the visas it has
 * seen, so that traces and reports name a visa ("<visa 3>") without showing it: a visa is a
 * credential for 15 minutes. */
struct run_state {
    char *name[MAX_VARS];
    char *value[MAX_VARS];
    size_t n;
    char **visas;
    size_t n_visas, cap_visas;
};

/* fill.c */
void var_set(struct run_state *v, const char *name, const char *value);
const char *var_get(const struct run_state *v, const char *name);

/* How a placeholder's value is written: as XML text, inside a JSON string, or as it is. */
enum fill_mode { FILL_XML, FILL_JSON, FILL_RAW };

/* Replaces {{var}}, {{name:KEY}} and {{repeat:N:TEXT}}. Returns NULL and names the variable in
 * missing when one is unknown. */
char *fill(const char *text, const struct run_state *v, const struct runner_options *o,
           enum fill_mode mode, char *missing, size_t missing_size);

enum case_status runner_fail(struct case_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum case_status runner_skip(struct case_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The first bytes of an answer, for a failure message. */
void excerpt(const char *body, char *out, size_t size);

void created_add(struct created_list *l, const char *name, const char *id, const char *case_name,
                 bool partner);

/* --- runner_json.c: the partner API --------------------------------------------------------- */

/* A copy of a JSON body (valid or not) with the strings of members named password shown as
 * "***" and those of members named visa as "<visa N>", N the same for the same visa in a run
 * (names compared without case). */
char *mask_json(const char *body, struct run_state *st);

/* Judges a 200 answer to a partner case: a JSON-RPC 2.0 answer, result or error as expected,
 * the error's code and data in the custrpc profile, the case's <json> checks; then captures. */
enum case_status judge_json(const struct conform_case *c, const struct runner_options *o,
                            struct run_state *st, const char *request,
                            const struct http_reply *reply, struct case_result *r);

/* Notes the partners an AddPartner answer says were created, and drops from the list those a
 * RemovePartner answer says were removed. */
void note_partners(const char *request, const struct http_reply *reply,
                   const struct conform_case *c, struct created_list *out);

#endif
