/*
 * announce.c - the daemon's one Avahi client: every service either front
 * publishes, each in an entry group of its own so that a name collision
 * renames that service alone.  Avahi's threaded poll runs the client; the
 * table is touched under its lock, from the fronts' threads and from
 * Avahi's callbacks alike.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>
#include <avahi-common/thread-watch.h>

#include "scsaned/announce.h"
#include "scsaned/log.h"

#define SERVICES_MAX	260	/* the SANE port and one per eSCL port (256 at most) */

struct service {
	char *name;
	char type[32];
	unsigned port;
	announce_txt_fn fn;
	void *arg;
	AvahiEntryGroup *group;
};

static struct {
	pthread_mutex_t start_lock;	/* adds and the stop, one at a time */
	AvahiThreadedPoll *poll;
	AvahiClient *client;
	int running, failed;
	struct service svc[SERVICES_MAX];
	int n;
} an = { .start_lock = PTHREAD_MUTEX_INITIALIZER };

void
announce_txt(struct announce_txt *t, const char *fmt, ...)
{
	va_list ap;

	if (t->n >= ANNOUNCE_TXT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(t->item[t->n], ANNOUNCE_TXT_LEN, fmt, ap);
	va_end(ap);
	t->n++;
}

static void publish(struct service *s);

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct service *s = arg;
	char *alt;

	(void)g;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		log_info("DNS-SD: published %s as %s, port %u", s->name, s->type, s->port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		/* Another host has the name: take the next one, "NAME #2". */
		alt = avahi_alternative_service_name(s->name);
		avahi_free(s->name);
		s->name = alt;
		publish(s);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warn("DNS-SD: %s: %s", s->name, avahi_strerror(avahi_client_errno(an.client)));
		break;
	default:
		break;
	}
}

static AvahiStringList *
txt_list(struct service *s)
{
	const char *host = avahi_client_get_host_name_fqdn(an.client);
	struct announce_txt t = { .n = 0 };
	AvahiStringList *l = NULL;
	int i;

	s->fn(s->arg, host != NULL ? host : "localhost", &t);
	/* Avahi prepends, so add from the last to keep the caller's order. */
	for (i = t.n - 1; i >= 0; i--)
		l = avahi_string_list_add(l, t.item[i]);
	return l;
}

static void
publish(struct service *s)
{
	AvahiStringList *t;

	if (s->group == NULL &&
	    (s->group = avahi_entry_group_new(an.client, group_cb, s)) == NULL) {
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(an.client)));
		return;
	}
	avahi_entry_group_reset(s->group);
	t = txt_list(s);
	if (avahi_entry_group_add_service_strlst(s->group, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, 0, s->name, s->type, NULL, NULL, (uint16_t)s->port, t) < 0 ||
	    avahi_entry_group_commit(s->group) < 0)
		log_warn("DNS-SD: %s: %s", s->name, avahi_strerror(avahi_client_errno(an.client)));
	avahi_string_list_free(t);
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	int i;

	(void)arg;
	an.client = c;		/* the first call comes before avahi_client_new returns */
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		an.running = 1;
		for (i = 0; i < an.n; i++)
			publish(&an.svc[i]);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		/* The host name changes: publish again once it is running. */
		an.running = 0;
		for (i = 0; i < an.n; i++)
			if (an.svc[i].group != NULL)
				avahi_entry_group_reset(an.svc[i].group);
		break;
	case AVAHI_CLIENT_FAILURE:
		an.running = 0;
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(c)));
		break;
	default:
		break;
	}
}

/*
 * Start the client once; 0, or -1 for good if Avahi cannot be reached.
 * start_lock held.
 */
static int
start(void)
{
	int err = 0, rc = 0;

	if (an.failed) {
		rc = -1;
	} else if (an.poll == NULL) {
		if ((an.poll = avahi_threaded_poll_new()) != NULL)
			an.client = avahi_client_new(avahi_threaded_poll_get(an.poll), 0,
			    client_cb, NULL, &err);
		if (an.client == NULL || avahi_threaded_poll_start(an.poll) < 0) {
			log_info("DNS-SD: nothing announced (%s)", an.client == NULL ?
			    avahi_strerror(err) : "no thread for Avahi");
			if (an.client != NULL)
				avahi_client_free(an.client);
			if (an.poll != NULL)
				avahi_threaded_poll_free(an.poll);
			an.poll = NULL;
			an.client = NULL;
			an.failed = 1;
			rc = -1;
		}
	}
	return rc;
}

int
announce_add(const char *name, const char *type, unsigned port,
    announce_txt_fn fn, void *arg)
{
	struct service *s;
	int rc = 0;

	/* Held throughout, so that a front's stop cannot free the client under us. */
	pthread_mutex_lock(&an.start_lock);
	if (start() < 0) {
		pthread_mutex_unlock(&an.start_lock);
		return -1;
	}
	avahi_threaded_poll_lock(an.poll);
	if (an.n == SERVICES_MAX) {
		log_warn("DNS-SD: %s not announced: %d services already", name, SERVICES_MAX);
		rc = -1;
	} else {
		s = &an.svc[an.n++];
		s->name = avahi_strdup(name);
		snprintf(s->type, sizeof(s->type), "%s", type);
		s->port = port;
		s->fn = fn;
		s->arg = arg;
		if (an.running)
			publish(s);
	}
	avahi_threaded_poll_unlock(an.poll);
	pthread_mutex_unlock(&an.start_lock);
	return rc;
}

void
announce_stop(void)
{
	int i;

	pthread_mutex_lock(&an.start_lock);
	if (an.poll != NULL)
		avahi_threaded_poll_stop(an.poll);
	if (an.client != NULL)
		avahi_client_free(an.client);	/* frees the groups too */
	if (an.poll != NULL)
		avahi_threaded_poll_free(an.poll);
	for (i = 0; i < an.n; i++)
		avahi_free(an.svc[i].name);
	memset(an.svc, 0, sizeof(an.svc));
	an.n = 0;
	an.poll = NULL;
	an.client = NULL;
	an.running = 0;
	pthread_mutex_unlock(&an.start_lock);
}
