/*
 * registry_int.h - what the registry and discovery share.  Private to
 * src/core/.
 *
 * Once the registry is built the device array never moves (it was sized
 * for everything discovery may add), so a struct device pointer a
 * session holds stays valid while discovery appends behind it.  Slots
 * below ndevs never change but for the busy fields; a new slot is filled
 * and then counted, both under the registry's lock.
 */
#ifndef SCSANED_REGISTRY_INT_H
#define SCSANED_REGISTRY_INT_H

#include "scsaned/device.h"

struct config;
struct discovery;

/* The registry's lock held: is NAME or a device reaching URI served? */
int devreg_name_taken(const struct devreg *reg, const char *name);
int devreg_uri_taken(const struct devreg *reg, const char *uri);

/*
 * The registry's lock held: serve DEV (probed, its driver set) in the
 * next slot and log it.  -1 when the registry is full.
 */
int devreg_append(struct devreg *reg, const struct device *dev, int discovered);

/*
 * The device and discover lines of CONF, to be found by discovery_pass:
 * NULL on memory exhaustion.  TEMPLATES are the device lines as the
 * registry made them (CHAP folded into the URI).
 */
struct discovery *discovery_new(const struct config *conf,
    const struct device *templates, int ntemplates);

/*
 * Probe every device line not yet served and run every discover line,
 * all at once, and serve what a driver claims.  FIRST (at start-up):
 * devices are added in the config's order once all have answered, so
 * names are the same on every start, and every failure is logged.
 */
void discovery_pass(struct discovery *d, struct devreg *reg, int first);

/* How many devices passes after the first may add, at most. */
int discovery_room(const struct discovery *d);

/* Stop the re-discovery thread if it runs, and free D. */
void discovery_free(struct discovery *d);

#endif
