/*
 * settings.c - a client's eSCL ScanSettings ticket, read with libxml2.
 *
 * The ticket comes from anyone on the network, so: a size cap before
 * libxml2 sees a byte; no network access, no entity substitution and any
 * DTD refused (no external entities, no "billion laughs"); elements
 * matched by namespace URI and local name, never by prefix, since clients
 * choose their own prefixes; every number a plain decimal within range;
 * an element that may appear once and appears twice is an error rather
 * than "the last one wins".  Elements this front does not use are ignored,
 * as eSCL asks of a server.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "scsaned/escl.h"

#define NS_PWG	"http://www.pwg.org/schemas/2010/12/sm"
#define NS_SCAN	"http://schemas.hp.com/imaging/escl/2011/05/03"

/* Elements seen once at most: a bit each. */
enum {
	SEEN_VERSION = 1 << 0, SEEN_INTENT = 1 << 1, SEEN_REGION = 1 << 2,
	SEEN_SOURCE = 1 << 3, SEEN_MODE = 1 << 4, SEEN_XRES = 1 << 5,
	SEEN_YRES = 1 << 6, SEEN_FMT = 1 << 7, SEEN_FMTEXT = 1 << 8,
};

struct ctx {
	struct escl_settings *s;
	unsigned seen;
	char *err;
	size_t errlen;
};

static int
fail(struct ctx *c, const char *what, const xmlChar *name)
{
	snprintf(c->err, c->errlen, "ScanSettings: %s%s%s", what,
	    name != NULL ? ": " : "", name != NULL ? (const char *)name : "");
	return -1;
}

static int
is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Once only: 0 the first time, -1 after. */
static int
once(struct ctx *c, unsigned bit, const xmlNode *n)
{
	if (c->seen & bit)
		return fail(c, "element given twice", n->name);
	c->seen |= bit;
	return 0;
}

/* The element's text, spaces around it dropped, into BUF (LEN with NUL). */
static int
text(struct ctx *c, const xmlNode *n, char *buf, size_t len)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *p = t != NULL ? (const char *)t : "";
	size_t k;

	p += strspn(p, " \t\r\n");
	k = strlen(p);
	while (k > 0 && strchr(" \t\r\n", p[k - 1]) != NULL)
		k--;
	if (k >= len) {
		xmlFree(t);
		return fail(c, "value too long in", n->name);
	}
	memcpy(buf, p, k);
	buf[k] = '\0';
	xmlFree(t);
	return 0;
}

static int
number(struct ctx *c, const xmlNode *n, uint32_t max, uint32_t *out)
{
	char buf[16];
	uint64_t v = 0;
	size_t i;

	if (text(c, n, buf, sizeof(buf)) < 0)
		return -1;
	if (buf[0] == '\0')
		return fail(c, "empty number in", n->name);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return fail(c, "not a plain decimal in", n->name);
		if ((v = v * 10 + (uint64_t)(buf[i] - '0')) > max)
			return fail(c, "number out of range in", n->name);
	}
	*out = (uint32_t)v;
	return 0;
}

static int
color_mode(struct ctx *c, const xmlNode *n)
{
	static const struct { const char *name; unsigned ch, depth; } modes[] = {
		{ "BlackAndWhite1", 1, 1 }, { "Grayscale8", 1, 8 },
		{ "Grayscale16", 1, 16 }, { "RGB24", 3, 8 }, { "RGB48", 3, 16 },
	};
	char buf[32];
	size_t i;

	if (once(c, SEEN_MODE, n) < 0 || text(c, n, buf, sizeof(buf)) < 0)
		return -1;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(buf, modes[i].name) == 0) {
			c->s->have_mode = 1;
			c->s->channels = modes[i].ch;
			c->s->depth = modes[i].depth;
			return 0;
		}
	return fail(c, "unknown ColorMode", (const xmlChar *)buf);
}

static int
source(struct ctx *c, const xmlNode *n)
{
	char buf[16];

	if (once(c, SEEN_SOURCE, n) < 0 || text(c, n, buf, sizeof(buf)) < 0)
		return -1;
	if (strcmp(buf, "Platen") == 0)
		c->s->source = ESCL_SRC_PLATEN;
	else if (strcmp(buf, "Feeder") == 0)
		c->s->source = ESCL_SRC_FEEDER;
	else if (strcmp(buf, "Camera") == 0)
		c->s->source = ESCL_SRC_CAMERA;
	else
		return fail(c, "unknown InputSource", (const xmlChar *)buf);
	return 0;
}

/* One pwg:ScanRegion: offsets, size, and units that must be 1/300 inch. */
static int
region(struct ctx *c, const xmlNode *r)
{
	const xmlNode *n;
	char units[48];
	unsigned got = 0;

	if (once(c, SEEN_REGION, r) < 0)
		return -1;
	for (n = r->children; n != NULL; n = n->next) {
		if (is(n, NS_PWG, "XOffset")) {
			if (number(c, n, ESCL_REGION_MAX, &c->s->x) < 0)
				return -1;
		} else if (is(n, NS_PWG, "YOffset")) {
			if (number(c, n, ESCL_REGION_MAX, &c->s->y) < 0)
				return -1;
		} else if (is(n, NS_PWG, "Width")) {
			if (number(c, n, ESCL_REGION_MAX, &c->s->w) < 0)
				return -1;
			got |= 1;
		} else if (is(n, NS_PWG, "Height")) {
			if (number(c, n, ESCL_REGION_MAX, &c->s->h) < 0)
				return -1;
			got |= 2;
		} else if (is(n, NS_PWG, "ContentRegionUnits")) {
			if (text(c, n, units, sizeof(units)) < 0)
				return -1;
			if (strcmp(units, "escl:ThreeHundredthsOfInches") != 0)
				return fail(c, "ContentRegionUnits not 1/300 inch", NULL);
		}
	}
	if (got != 3 || c->s->w == 0 || c->s->h == 0)
		return fail(c, "a ScanRegion needs a Width and a Height above 0", NULL);
	c->s->have_region = 1;
	return 0;
}

static int
element(struct ctx *c, const xmlNode *n)
{
	const xmlNode *r;

	if (is(n, NS_PWG, "Version"))
		return once(c, SEEN_VERSION, n) < 0 ? -1 :
		    text(c, n, c->s->version, sizeof(c->s->version));
	if (is(n, NS_SCAN, "Intent"))
		return once(c, SEEN_INTENT, n) < 0 ? -1 :
		    text(c, n, c->s->intent, sizeof(c->s->intent));
	if (is(n, NS_PWG, "ScanRegions")) {
		for (r = n->children; r != NULL; r = r->next)
			if (is(r, NS_PWG, "ScanRegion") && region(c, r) < 0)
				return -1;
		return 0;
	}
	if (is(n, NS_PWG, "InputSource"))
		return source(c, n);
	if (is(n, NS_SCAN, "ColorMode"))
		return color_mode(c, n);
	if (is(n, NS_SCAN, "XResolution"))
		return once(c, SEEN_XRES, n) < 0 ? -1 : number(c, n, ESCL_RES_MAX, &c->s->xres);
	if (is(n, NS_SCAN, "YResolution"))
		return once(c, SEEN_YRES, n) < 0 ? -1 : number(c, n, ESCL_RES_MAX, &c->s->yres);
	if (is(n, NS_SCAN, "DocumentFormatExt"))
		return once(c, SEEN_FMTEXT, n) < 0 ? -1 :
		    text(c, n, c->s->format, sizeof(c->s->format));
	if (is(n, NS_PWG, "DocumentFormat")) {
		char buf[64];

		if (once(c, SEEN_FMT, n) < 0 || text(c, n, buf, sizeof(buf)) < 0)
			return -1;
		/* DocumentFormatExt, where both came, is the one meant. */
		if (!(c->seen & SEEN_FMTEXT) || c->s->format[0] == '\0')
			snprintf(c->s->format, sizeof(c->s->format), "%s", buf);
		return 0;
	}
	return 0;
}

/* libxml2 must be set up once before threads use it. */
static void
xml_init(void)
{
	xmlInitParser();
}

int
escl_settings_parse(const char *xml, size_t len, struct escl_settings *s,
    char *err, size_t errlen)
{
	static pthread_once_t once_init = PTHREAD_ONCE_INIT;
	struct ctx c = { s, 0, err, errlen };
	const xmlNode *root, *n;
	xmlDoc *doc;
	int rc = 0;

	pthread_once(&once_init, xml_init);
	memset(s, 0, sizeof(*s));
	s->source = ESCL_SRC_PLATEN;
	if (len == 0 || len > ESCL_SETTINGS_MAX)
		return fail(&c, len == 0 ? "empty" : "larger than 64 KiB", NULL);
	doc = xmlReadMemory(xml, (int)len, "ScanSettings", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (doc == NULL)
		return fail(&c, "not well-formed XML", NULL);
	/* A DTD could define entities; no eSCL client sends one. */
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		return fail(&c, "a DTD is not accepted", NULL);
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is(root, NS_SCAN, "ScanSettings"))
		rc = fail(&c, "the root is not scan:ScanSettings", NULL);
	for (n = root != NULL ? root->children : NULL; rc == 0 && n != NULL; n = n->next)
		if (n->type == XML_ENTITY_REF_NODE)
			rc = fail(&c, "an entity reference", n->name);
		else
			rc = element(&c, n);
	xmlFreeDoc(doc);
	return rc;
}
