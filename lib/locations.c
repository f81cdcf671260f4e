/* locations.c — the location table and the country rule of locations.h. The countries come
 * from lib/countries.def (generated from iso-codes and tzdata by scripts/gen-countries.py). */
#include <config.h>

#include <string.h>
#include <strings.h>

#include <custrpc/locations.h>

static const struct custrpc_location_def locations[] = {
    {1, "Europe"}, {2, "North America"}, {3, "South America"},
    {4, "Asia"},   {5, "Oceania"},       {6, "Africa"},
};

static const struct {
    const char *alpha2;
    const char *name;
    int64_t location;
} countries[] = {
#define CUSTRPC_COUNTRY(code, name, location) {code, name, location},
#include "countries.def"
#undef CUSTRPC_COUNTRY
};

const struct custrpc_location_def *custrpc_locations(size_t *n)
{
    *n = sizeof locations / sizeof locations[0];
    return locations;
}

bool custrpc_location_exists(int64_t id)
{
    return id >= 1 && id <= (int64_t)(sizeof locations / sizeof locations[0]);
}

int64_t custrpc_country_location(const char *country, char alpha2[3])
{
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        if (strcasecmp(country, countries[i].alpha2) == 0 ||
            strcasecmp(country, countries[i].name) == 0) {
            if (alpha2)
                memcpy(alpha2, countries[i].alpha2, 3);
            return countries[i].location;
        }
    return 0;
}
