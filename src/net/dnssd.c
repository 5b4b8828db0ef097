/*
 * dnssd.c - announce the daemon as _sane-port._tcp through Avahi, as saned
 * does in standalone mode, with saned's TXT record (protovers=VERSION).
 * Avahi runs in a thread of its own; if avahi-daemon cannot be reached,
 * that is one log line and nothing else.
 */
#include <stdio.h>
#include <string.h>
#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>

#include "scsaned/log.h"
#include "scsaned/server.h"

static struct {
	AvahiThreadedPoll *poll;
	AvahiClient *client;
	AvahiEntryGroup *group;
	char *name;
	int port;
	char txt[32];
} dn;

static void publish(AvahiClient *c);

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	char *alt;

	(void)arg;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		log_info("DNS-SD: published %s as _sane-port._tcp, port %d", dn.name, dn.port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* Another host has the name: take the next one, "scsaned #2". */
		alt = avahi_alternative_service_name(dn.name);
		avahi_free(dn.name);
		dn.name = alt;
		publish(avahi_entry_group_get_client(g));
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(
		    avahi_entry_group_get_client(g))));
		break;
	default:
		break;
	}
}

static void
publish(AvahiClient *c)
{
	if (dn.group == NULL && (dn.group = avahi_entry_group_new(c, group_cb, NULL)) == NULL) {
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(c)));
		return;
	}
	avahi_entry_group_reset(dn.group);
	if (avahi_entry_group_add_service(dn.group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
	    0, dn.name, "_sane-port._tcp", NULL, NULL, (uint16_t)dn.port, dn.txt,
	    NULL) < 0 || avahi_entry_group_commit(dn.group) < 0)
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(c)));
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	(void)arg;
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		publish(c);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		if (dn.group != NULL)
			avahi_entry_group_reset(dn.group);
		break;
	case AVAHI_CLIENT_FAILURE:
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(c)));
		break;
	default:
		break;
	}
}

int
dnssd_publish(const char *name, int port, unsigned version)
{
	int err;

	dn.port = port;
	snprintf(dn.txt, sizeof(dn.txt), "protovers=%x", version);
	if ((dn.poll = avahi_threaded_poll_new()) == NULL)
		return -1;
	dn.name = avahi_strdup(name);
	dn.client = avahi_client_new(avahi_threaded_poll_get(dn.poll), 0, client_cb,
	    NULL, &err);
	if (dn.client == NULL) {
		log_info("DNS-SD: not published (%s)", avahi_strerror(err));
		dnssd_stop();
		return -1;
	}
	if (avahi_threaded_poll_start(dn.poll) < 0) {
		dnssd_stop();
		return -1;
	}
	return 0;
}

void
dnssd_stop(void)
{
	if (dn.poll != NULL)
		avahi_threaded_poll_stop(dn.poll);
	if (dn.client != NULL)
		avahi_client_free(dn.client);	/* frees the group too */
	if (dn.poll != NULL)
		avahi_threaded_poll_free(dn.poll);
	avahi_free(dn.name);
	memset(&dn, 0, sizeof(dn));
}
