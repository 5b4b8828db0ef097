/*
 * uscan_dnssd.c - announce each device's eSCL port as _uscan._tcp through
 * Avahi, with the TXT keys AirScan clients read (escl.md section 2): ty,
 * uuid and rs (sane-airscan), adminurl (iOS apps derive the host from it),
 * pdl, cs, is, representation.  Published through the daemon's one Avahi
 * client (core/announce.c) on every interface, IPv4 and IPv6: macOS's
 * client wants the IPv6 address.
 */
#include <stdio.h>
#include <string.h>

#include "scsaned/announce.h"
#include "http_int.h"

static void
uscan_txt(void *arg, const char *host, struct announce_txt *t)
{
	struct eport *ep = arg;
	char cs[40] = "";
	unsigned m = ep->have_caps ? ep->caps.modes : ESCL_MODE_RGB24;

	if (m & (ESCL_MODE_RGB24 | ESCL_MODE_RGB48))
		strcat(cs, "color,");
	if (m & (ESCL_MODE_GRAY8 | ESCL_MODE_GRAY16))
		strcat(cs, "grayscale,");
	if (m & ESCL_MODE_BW1)
		strcat(cs, "binary,");
	if (cs[0] != '\0')
		cs[strlen(cs) - 1] = '\0';
	announce_txt(t, "txtvers=1");
	announce_txt(t, "vers=2.0");
	announce_txt(t, "rs=eSCL");
	announce_txt(t, "ty=%s", ep->have_caps ? ep->caps_text.make_and_model :
	    ep->dev->model);
	announce_txt(t, "uuid=%s", ep->uuid);
	announce_txt(t, "adminurl=http://%s:%u/#%s", host, ep->fr->env->conf->http_port,
	    ep->dev->name);
	announce_txt(t, "representation=http://%s:%u/icon.png", host,
	    ep->fr->env->conf->http_port);
	announce_txt(t, "pdl=application/pdf,image/jpeg,image/png%s",
	    ep->have_caps && ep->caps.sixteen_bit_formats ? ",image/tiff" : "");
	announce_txt(t, "cs=%s", cs);
	announce_txt(t, "is=platen");
	announce_txt(t, "duplex=F");
	announce_txt(t, "note=%s", ep->dev->name);
}

void
uscan_add(struct eport *ep)
{
	char name[96];

	escl_load_caps(ep);	/* cs, ty and pdl come from them */
	snprintf(name, sizeof(name), "%s (scsaned)", ep->dev->name);
	announce_add(name, "_uscan._tcp", ep->port, uscan_txt, ep);
}

void
uscan_stop(void)
{
	announce_stop();
}
