/* fuzz_visa.c — libFuzzer target for the partner API's visa check (server/visa.c). Arbitrary
 * text must never be accepted (nobody can sign without the key) and must never crash; a visa the
 * server issues for the partner, user and time the input names is accepted as those, and the
 * same visa with any one byte changed as the input says is refused. Build and run with
 * tests/fuzz/run.sh. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/visa.h"

static struct visa_keys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    uint8_t key[SECRETS_KEY_LEN];
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 37 + 11);
    if (visa_init(&keys, key, 900, NULL) < 0)
        abort();
    return 0;
}

static uint64_t take(const uint8_t **p, size_t *left)
{
    uint64_t v = 0;
    for (int i = 0; i < 8 && *left; i++, (*left)--)
        v = v << 8 | *(*p)++;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const time_t now = 1800000000;
    struct custrpc_error err;
    int64_t partner, user;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    for (time_t t = now - 1000; t <= now + 1000; t += 1000)
        if (visa_check(&keys, text, t, &partner, &user, &err) == 0)
            abort(); /* forged: accepted without the key */
        else if (err.code != CUSTRPC_E_VISA)
            abort();
    free(text);

    /* A visa issued for what the input names, then changed in one byte. */
    const uint8_t *p = data;
    size_t left = size;
    int64_t want_partner = (int64_t)(take(&p, &left) >> 1), want_user = (int64_t)(take(&p, &left) >> 1);
    time_t issued = now - (time_t)(take(&p, &left) % 2000);
    char visa[VISA_MAX];
    if (visa_issue(&keys, want_partner, want_user, issued, visa, &err) < 0)
        abort();
    int rc = visa_check(&keys, visa, now, &partner, &user, &err);
    if (now - issued < 900 ? rc != 0 || partner != want_partner || user != want_user : rc == 0)
        abort(); /* its own visa, judged by its age alone */
    if (left >= 2) {
        size_t at = p[0] % strlen(visa);
        char changed = (char)p[1];
        if (changed != visa[at] && changed != '\0') {
            visa[at] = changed;
            if (visa_check(&keys, visa, now, &partner, &user, &err) == 0)
                abort(); /* one byte changed and still accepted */
        }
    }
    return 0;
}
