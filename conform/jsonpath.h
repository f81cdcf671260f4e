/* jsonpath.h — the JSON paths of conformance cases ("result.result", "error.data",
 * "result.result[0].Id", "result.result[Id=42].Name") over jansson values, and the text a
 * value is compared as. */
#ifndef CUSTRPC_CONFORM_JSONPATH_H
#define CUSTRPC_CONFORM_JSONPATH_H

#include <stdbool.h>

#include <jansson.h>

/* A path is members separated by '.', each optionally followed by selectors: [N] (the Nth
 * element of an array, from 0) or [Key=VALUE] (the first element of an array that is an object
 * whose Key has the text VALUE). NULL and *bad set when the path is malformed; NULL and *bad
 * NULL when it is well-formed but leads nowhere. */
json_t *jsonpath_get(json_t *root, const char *path, const char **bad);

/* Whether path is well-formed (placeholders inside selectors count as text); the reason if not. */
const char *jsonpath_syntax(const char *path);

/* A value as a case compares it (malloc'd): a string as itself, true, false, null, numbers as
 * JSON writes them, objects and arrays as compact JSON with sorted keys. */
char *jsonpath_text(const json_t *v);

/* Whether v is of kind ("number" takes integers too); whether kind is one of the names. */
bool jsonpath_is_kind(const json_t *v, const char *kind);
bool jsonpath_kind_known(const char *kind);

#endif
