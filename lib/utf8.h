/* utf8.h — private: strict UTF-8 checking for the strings of the customer model. */
#ifndef CUSTRPC_UTF8_H
#define CUSTRPC_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* NULL when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF) holding no character XML 1.0 cannot carry (NUL and the C0 controls other than tab,
 * LF and CR) and, unless beyond_bmp, no character beyond the Basic Multilingual Plane (xmlrpc-c
 * 1.33 cannot carry those; JSON can); otherwise a short description of the first problem.
 * *chars gets the number of code points when the text is valid (chars may be NULL). */
const char *lib_utf8_check(const char *s, size_t len, size_t *chars, bool beyond_bmp);

#endif
