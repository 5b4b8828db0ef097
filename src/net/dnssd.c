/*
 * dnssd.c - announce the daemon as _sane-port._tcp, as saned does in
 * standalone mode, with saned's TXT record (protovers=VERSION), through
 * the daemon's one Avahi client (core/announce.c).
 */
#include "scsaned/announce.h"
#include "scsaned/server.h"

static unsigned sane_version;

static void
sane_txt(void *arg, const char *host, struct announce_txt *t)
{
	(void)arg;
	(void)host;
	announce_txt(t, "protovers=%x", sane_version);
}

int
dnssd_publish(const char *name, int port, unsigned version)
{
	sane_version = version;
	return announce_add(name, "_sane-port._tcp", (unsigned)port, sane_txt, NULL);
}

void
dnssd_stop(void)
{
	announce_stop();
}
