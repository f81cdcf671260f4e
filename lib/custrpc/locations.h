/* locations.h — the partner API's locations and the country rule: "the location follows the
 * country (ISO 3166 alpha-2 or English name)". The vendor's location table is not public; this
 * one (six continents, countries placed by their time zones) is ours, documented in the README
 * and answered by EnumerateLocations. */
#ifndef CUSTRPC_LOCATIONS_H
#define CUSTRPC_LOCATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct custrpc_location_def {
    int64_t id;
    const char *name;
};

/* The locations, in id order; *n receives their number. */
const struct custrpc_location_def *custrpc_locations(size_t *n);
bool custrpc_location_exists(int64_t id);

/* The location of a country given as an ISO 3166 alpha-2 code or an English name (ISO short,
 * official or common name), either compared without regard to ASCII case; 0 when the country
 * is not known. alpha2 (may be NULL) receives the country's code. */
int64_t custrpc_country_location(const char *country, char alpha2[3]);

#ifdef __cplusplus
}
#endif
#endif
