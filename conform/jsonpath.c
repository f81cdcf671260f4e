/* jsonpath.c — see jsonpath.h. Paths are short and written by hand in case files: a plain
 * walk, no query language. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <custrpc/json.h>

#include "jsonpath.h"

static const char *const kinds[] = {"object", "array",   "string", "integer",
                                    "number", "boolean", "null"};

char *jsonpath_text(const json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

bool jsonpath_is_kind(const json_t *v, const char *kind)
{
    return strcmp(custrpc_json_kind(v), kind) == 0 ||
           (strcmp(kind, "number") == 0 && json_is_integer(v));
}

bool jsonpath_kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i], kind) == 0)
            return true;
    return false;
}

/* Why a selector (the text between [ and ]) is malformed, or NULL. */
static const char *selector_syntax(const char *sel, size_t len)
{
    const char *eq = memchr(sel, '=', len);
    if (eq == sel)
        return "a selector [Key=VALUE] needs a Key";
    if (!eq && (len == 0 || strspn(sel, "0123456789") < len))
        return "a selector is [N] or [Key=VALUE]";
    return NULL;
}

/* The element of array a a well-formed selector picks, or NULL. */
static json_t *select_item(json_t *a, const char *sel, size_t len)
{
    const char *eq = memchr(sel, '=', len);
    if (!eq)
        return json_array_get(a, (size_t)strtoul(sel, NULL, 10));
    char key[256];
    snprintf(key, sizeof key, "%.*s", (int)(eq - sel), sel);
    size_t want_len = len - (size_t)(eq + 1 - sel);
    size_t i;
    json_t *item;
    json_array_foreach(a, i, item)
    {
        json_t *member = json_object_get(item, key);
        if (!member)
            continue;
        char *text = jsonpath_text(member);
        bool hit = text && strlen(text) == want_len && memcmp(text, eq + 1, want_len) == 0;
        free(text);
        if (hit)
            return item;
    }
    return NULL;
}

json_t *jsonpath_get(json_t *root, const char *path, const char **bad)
{
    *bad = NULL;
    if (!path || !*path) {
        *bad = "an empty path";
        return NULL;
    }
    json_t *at = root;
    const char *p = path;
    while (*p) {
        size_t len = strcspn(p, ".[");
        if (len == 0) {
            *bad = "an empty member name";
            return NULL;
        }
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        at = at ? json_object_get(at, name) : NULL;
        p += len;
        while (*p == '[') {
            const char *close = strchr(p, ']');
            if (!close) {
                *bad = "a '[' without its ']'";
                return NULL;
            }
            size_t len_sel = (size_t)(close - p - 1);
            if ((*bad = selector_syntax(p + 1, len_sel)))
                return NULL;
            at = json_is_array(at) ? select_item(at, p + 1, len_sel) : NULL;
            p = close + 1;
        }
        if (*p == '.' && !*++p) {
            *bad = "a path ending in '.'";
            return NULL;
        } else if (*p && p[-1] != '.') {
            *bad = "a selector must be followed by '.', '[' or the end";
            return NULL;
        }
    }
    return at;
}

const char *jsonpath_syntax(const char *path)
{
    json_t *empty = json_object();
    const char *bad;
    jsonpath_get(empty, path, &bad);
    json_decref(empty);
    return bad;
}
