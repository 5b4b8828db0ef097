/*
 * uscan_dnssd.c - announce each device's eSCL port as _uscan._tcp through
 * Avahi, with the TXT keys AirScan clients read (escl.md section 2): ty,
 * uuid and rs (sane-airscan), adminurl (iOS apps derive the host from it),
 * pdl, cs, is, representation.  Published on every interface, IPv4 and
 * IPv6: macOS's client wants the IPv6 address.  No avahi-daemon is one log
 * line, never an error.
 */
#include <stdio.h>
#include <string.h>
#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>
#include <avahi-common/thread-watch.h>

#include "scsaned/log.h"
#include "http_int.h"

struct svc {
	struct eport *ep;
	AvahiEntryGroup *group;
	char *name;
};

static struct {
	AvahiThreadedPoll *poll;
	AvahiClient *client;
	int running;
	int failed;
	struct svc svc[FRONT_PORTS_MAX];
	int n;
} us;

static void publish(struct svc *s);

static void
group_cb(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct svc *s = arg;
	char *alt;

	(void)g;
	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		log_info("DNS-SD: published %s as _uscan._tcp, port %u", s->name, s->ep->port);
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:
		alt = avahi_alternative_service_name(s->name);
		avahi_free(s->name);
		s->name = alt;
		publish(s);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warn("DNS-SD: %s: %s", s->name, avahi_strerror(avahi_client_errno(us.client)));
		break;
	default:
		break;
	}
}

static AvahiStringList *
txt(struct svc *s)
{
	struct eport *ep = s->ep;
	const char *host = avahi_client_get_host_name_fqdn(us.client);
	char admin[256], icon[256], cs[40] = "", ty[128];
	AvahiStringList *t;
	unsigned m = ep->have_caps ? ep->caps.modes : ESCL_MODE_RGB24;

	snprintf(admin, sizeof(admin), "http://%s:%u/#%s", host ? host : "localhost",
	    ep->fr->env->conf->http_port, ep->dev->name);
	snprintf(icon, sizeof(icon), "http://%s:%u/icon.png", host ? host : "localhost",
	    ep->fr->env->conf->http_port);
	if (m & (ESCL_MODE_RGB24 | ESCL_MODE_RGB48))
		strcat(cs, "color,");
	if (m & (ESCL_MODE_GRAY8 | ESCL_MODE_GRAY16))
		strcat(cs, "grayscale,");
	if (m & ESCL_MODE_BW1)
		strcat(cs, "binary,");
	if (cs[0] != '\0')
		cs[strlen(cs) - 1] = '\0';
	snprintf(ty, sizeof(ty), "%s", ep->have_caps ? ep->caps_text.make_and_model :
	    ep->dev->model);
	t = avahi_string_list_new("txtvers=1", "vers=2.0", "rs=eSCL", "is=platen",
	    "duplex=F", NULL);
	t = avahi_string_list_add_printf(t, "ty=%s", ty);
	t = avahi_string_list_add_printf(t, "uuid=%s", ep->uuid);
	t = avahi_string_list_add_printf(t, "adminurl=%s", admin);
	t = avahi_string_list_add_printf(t, "representation=%s", icon);
	t = avahi_string_list_add_printf(t, "pdl=application/pdf,image/jpeg,image/png%s",
	    ep->have_caps && ep->caps.sixteen_bit_formats ? ",image/tiff" : "");
	t = avahi_string_list_add_printf(t, "cs=%s", cs);
	return avahi_string_list_add_printf(t, "note=%s", ep->dev->name);
}

static void
publish(struct svc *s)
{
	AvahiStringList *t;

	if (s->group == NULL &&
	    (s->group = avahi_entry_group_new(us.client, group_cb, s)) == NULL) {
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(us.client)));
		return;
	}
	avahi_entry_group_reset(s->group);
	t = txt(s);
	if (t == NULL || avahi_entry_group_add_service_strlst(s->group, AVAHI_IF_UNSPEC,
	    AVAHI_PROTO_UNSPEC, 0, s->name, "_uscan._tcp", NULL, NULL,
	    (uint16_t)s->ep->port, t) < 0 || avahi_entry_group_commit(s->group) < 0)
		log_warn("DNS-SD: %s: %s", s->name, avahi_strerror(avahi_client_errno(us.client)));
	avahi_string_list_free(t);
}

static void
client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	int i;

	(void)arg;
	us.client = c;
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		us.running = 1;
		for (i = 0; i < us.n; i++)
			publish(&us.svc[i]);
		break;
	case AVAHI_CLIENT_S_COLLISION:
	case AVAHI_CLIENT_S_REGISTERING:
		for (i = 0; i < us.n; i++)
			if (us.svc[i].group != NULL)
				avahi_entry_group_reset(us.svc[i].group);
		break;
	case AVAHI_CLIENT_FAILURE:
		log_warn("DNS-SD: %s", avahi_strerror(avahi_client_errno(c)));
		break;
	default:
		break;
	}
}

static int
start(void)
{
	int err;

	if (us.poll != NULL || us.failed)
		return us.failed ? -1 : 0;
	if ((us.poll = avahi_threaded_poll_new()) == NULL) {
		us.failed = 1;
		return -1;
	}
	us.client = avahi_client_new(avahi_threaded_poll_get(us.poll), 0, client_cb,
	    NULL, &err);
	if (us.client == NULL || avahi_threaded_poll_start(us.poll) < 0) {
		log_info("DNS-SD: eSCL not announced (%s)", avahi_strerror(err));
		if (us.client != NULL)
			avahi_client_free(us.client);
		avahi_threaded_poll_free(us.poll);
		us.poll = NULL;
		us.client = NULL;
		us.failed = 1;
		return -1;
	}
	return 0;
}

void
uscan_add(struct eport *ep)
{
	struct svc *s;
	char name[96];

	if (start() < 0)
		return;
	escl_load_caps(ep);	/* cs, ty and pdl come from them */
	avahi_threaded_poll_lock(us.poll);
	if (us.n < FRONT_PORTS_MAX) {
		s = &us.svc[us.n++];
		s->ep = ep;
		snprintf(name, sizeof(name), "%s (scsaned)", ep->dev->name);
		s->name = avahi_strdup(name);
		if (us.running)
			publish(s);
	}
	avahi_threaded_poll_unlock(us.poll);
}

void
uscan_stop(void)
{
	int i;

	if (us.poll != NULL)
		avahi_threaded_poll_stop(us.poll);
	if (us.client != NULL)
		avahi_client_free(us.client);	/* frees the groups too */
	if (us.poll != NULL)
		avahi_threaded_poll_free(us.poll);
	for (i = 0; i < us.n; i++)
		avahi_free(us.svc[i].name);
	memset(&us, 0, sizeof(us));
}
