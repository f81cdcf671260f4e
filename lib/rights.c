/* rights.c — text form of the add/edit/delete rights bitmasks. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <custrpc/rights.h>

static const struct {
    const char *word;
    int bit;
} right_words[] = {
    {"add", CUSTRPC_RIGHT_ADD},
    {"edit", CUSTRPC_RIGHT_EDIT},
    {"delete", CUSTRPC_RIGHT_DELETE},
};
#define N_RIGHT_WORDS (sizeof right_words / sizeof right_words[0])

/* Parses the decimal form; anything but digits 0..7 is an error (no sign, no hex). */
static int parse_number(const char *text, const char *field, int *out, struct custrpc_error *err)
{
    long value = 0;
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "rights \"%s\" are not add/edit/delete, all, none or 0..7", text);
        if (value <= 7)
            value = value * 10 + (*p - '0');
    }
    if (value > CUSTRPC_RIGHTS_ALL)
        return custrpc_fail(err, CUSTRPC_E_VALUE, field, "bitmask %s out of range 0..7", text);
    *out = (int)value;
    return 0;
}

int custrpc_rights_parse(const char *text, const char *field, int *out, struct custrpc_error *err)
{
    if (!text || !*text)
        return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                            "empty rights (use none, all or add,edit,delete)");
    if (isdigit((unsigned char)text[0]))
        return parse_number(text, field, out, err);
    if (strcmp(text, "all") == 0) {
        *out = CUSTRPC_RIGHTS_ALL;
        return 0;
    }
    if (strcmp(text, "none") == 0) {
        *out = CUSTRPC_RIGHTS_NONE;
        return 0;
    }
    int mask = 0;
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        const char *item = p;
        p += n;
        while (*p == ' ')
            p++;
        int bit = 0;
        for (size_t i = 0; i < N_RIGHT_WORDS; i++)
            if (strlen(right_words[i].word) == n && strncmp(item, right_words[i].word, n) == 0)
                bit = right_words[i].bit;
        if (!bit)
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "unknown right \"%.*s\" (expected add, edit, delete, all or none)",
                                (int)n, item);
        if (mask & bit)
            return custrpc_fail(err, CUSTRPC_E_VALUE, field, "right \"%.*s\" given twice", (int)n,
                                item);
        mask |= bit;
        if (*p == '\0')
            break;
        if (*p != ',')
            return custrpc_fail(err, CUSTRPC_E_VALUE, field,
                                "rights \"%s\": expected ',' between items", text);
        p++;
    }
    *out = mask;
    return 0;
}

int custrpc_rights_format(int mask, char *buf, size_t size, struct custrpc_error *err)
{
    if (mask < 0 || mask > CUSTRPC_RIGHTS_ALL)
        return custrpc_fail(err, CUSTRPC_E_VALUE, NULL, "bitmask %d out of range 0..7", mask);
    if (mask == CUSTRPC_RIGHTS_NONE)
        return snprintf(buf, size, "none");
    if (mask == CUSTRPC_RIGHTS_ALL)
        return snprintf(buf, size, "all");
    char text[32] = "";
    for (size_t i = 0; i < N_RIGHT_WORDS; i++)
        if (mask & right_words[i].bit) {
            if (text[0])
                strcat(text, ",");
            strcat(text, right_words[i].word);
        }
    return snprintf(buf, size, "%s", text);
}
