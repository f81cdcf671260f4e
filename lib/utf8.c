/* utf8.c — strict UTF-8 decoding (RFC 3629) restricted to what XML 1.0 documents may carry. */
#include <config.h>

#include <stdint.h>

#include "utf8.h"

const char *lib_utf8_check(const char *s, size_t len, size_t *chars, bool beyond_bmp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, count = 0;
    while (i < len) {
        unsigned char b = p[i];
        uint32_t cp;
        size_t n;
        if (b < 0x80) {
            if (b == 0)
                return "contains a NUL character";
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
                return "contains a control character";
            i++;
            count++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            n = 2;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4;
            cp = b & 0x07;
        } else {
            return "is not valid UTF-8";
        }
        if (len - i < n)
            return "is not valid UTF-8 (truncated sequence)";
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return "is not valid UTF-8";
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        /* Shortest form only, no UTF-16 surrogates, nothing past U+10FFFF. */
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000))
            return "is not valid UTF-8 (overlong form)";
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return "is not valid UTF-8 (surrogate code point)";
        if (cp > 0x10FFFF)
            return "is not valid UTF-8 (beyond U+10FFFF)";
        /* xmlrpc-c 1.33 refuses such strings when it builds or parses a value, so neither side
         * could carry them; say so here, naming the field, instead of failing deep inside. */
        if (cp > 0xFFFF && !beyond_bmp)
            return "contains a character beyond U+FFFF, which XML-RPC here cannot carry";
        if (cp == 0xFFFE || cp == 0xFFFF)
            return "contains a character XML does not allow";
        i += n;
        count++;
    }
    if (chars)
        *chars = count;
    return NULL;
}
