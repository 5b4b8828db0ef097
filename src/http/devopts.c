/*
 * devopts.c - a device's SANE options seen from the HTTP front: set from
 * text by name, read into eSCL capabilities, written as JSON for the page.
 *
 * Everything goes through the option descriptors the driver publishes, so
 * a new driver or a hosted Debian backend needs no code here.  Values from
 * a client are checked against the descriptor (type, list, range) before
 * the driver sees them, so a bad request gets a reason rather than
 * whatever the driver makes of it.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sane/saneopts.h>

#include "scsaned/log.h"
#include "http_int.h"

#define VALUE_MAX	4096	/* the largest option value we read or write */
#define MM_PER_300	(25.4 / 300.0)

const SANE_Option_Descriptor *
opt_find(struct devh *d, const char *name, SANE_Int *n)
{
	const SANE_Option_Descriptor *o;
	SANE_Int i;

	for (i = 1; (o = d->dev->ops->option(d->h, i)) != NULL; i++) {
		if (o->name == NULL || strcmp(o->name, name) != 0)
			continue;
		if (!SANE_OPTION_IS_ACTIVE(o->cap))
			return NULL;
		*n = i;
		return o;
	}
	return NULL;
}

SANE_Status
devh_borrow(struct devreg *reg, struct device *dev, const char *who, struct devh *d)
{
	SANE_Status st;

	if ((st = devreg_acquire_by(reg, dev, who)) != SANE_STATUS_GOOD)
		return st;
	d->dev = dev;
	d->h = NULL;
	if ((st = dev->ops->open(dev, &d->h)) != SANE_STATUS_GOOD)
		devreg_release(reg, dev);
	return st;
}

void
devh_return(struct devreg *reg, struct devh *d)
{
	d->dev->ops->close(d->h);
	devreg_release(reg, d->dev);
}

/*
 * Fixed-point values go out to the page with five decimals and come back
 * rounded to the nearest word: 1/65536 is 0.0000153, so five decimals are
 * within half a step and every value the page read is the word it was.
 * SANE_FIX truncates; with it and fewer digits a range's maximum read back
 * lands outside the range.
 */
static SANE_Word
fixed_word(double v)
{
	return (SANE_Word)lround(v * 65536.0);
}

static double
word_value(const SANE_Option_Descriptor *o, SANE_Word w)
{
	return o->type == SANE_TYPE_FIXED ? SANE_UNFIX(w) : (double)w;
}

/* Parse TEXT as one word of O's type; 0 or -1. */
static int
parse_word(const SANE_Option_Descriptor *o, const char *text, SANE_Word *w)
{
	char *end;
	double v;
	long l;

	errno = 0;
	switch (o->type) {
	case SANE_TYPE_BOOL:
		if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0 ||
		    strcmp(text, "1") == 0)
			*w = SANE_TRUE;
		else if (strcmp(text, "no") == 0 || strcmp(text, "false") == 0 ||
		    strcmp(text, "0") == 0)
			*w = SANE_FALSE;
		else
			return -1;
		return 0;
	case SANE_TYPE_INT:
		l = strtol(text, &end, 10);
		if (end == text || *end != '\0' || errno != 0 || l < -2147483647L ||
		    l > 2147483647L)
			return -1;
		*w = (SANE_Word)l;
		return 0;
	case SANE_TYPE_FIXED:
		v = strtod(text, &end);
		if (end == text || *end != '\0' || errno != 0 || !isfinite(v) ||
		    v < -32767.0 || v > 32767.0)
			return -1;
		*w = fixed_word(v);
		return 0;
	default:
		return -1;
	}
}

/* 0 if W is allowed by O's constraint, else -1 with why. */
static int
word_allowed(const SANE_Option_Descriptor *o, SANE_Word w, char *err, size_t errlen)
{
	const SANE_Range *r;
	SANE_Int i;

	if (o->constraint_type == SANE_CONSTRAINT_RANGE && (r = o->constraint.range) != NULL) {
		if (w < r->min || w > r->max) {
			snprintf(err, errlen, "%s: %g is outside %g..%g", o->name,
			    word_value(o, w), word_value(o, r->min), word_value(o, r->max));
			return -1;
		}
	} else if (o->constraint_type == SANE_CONSTRAINT_WORD_LIST &&
	    o->constraint.word_list != NULL) {
		for (i = 1; i <= o->constraint.word_list[0]; i++)
			if (o->constraint.word_list[i] == w)
				return 0;
		snprintf(err, errlen, "%s: %g is not one of its values", o->name,
		    word_value(o, w));
		return -1;
	}
	return 0;
}

static int
string_allowed(const SANE_Option_Descriptor *o, const char *s, char *err, size_t errlen)
{
	SANE_Int i;

	if (strlen(s) + 1 > (size_t)o->size) {
		snprintf(err, errlen, "%s: longer than %d bytes", o->name, (int)o->size - 1);
		return -1;
	}
	if (o->constraint_type != SANE_CONSTRAINT_STRING_LIST ||
	    o->constraint.string_list == NULL)
		return 0;
	for (i = 0; o->constraint.string_list[i] != NULL; i++)
		if (strcmp(o->constraint.string_list[i], s) == 0)
			return 0;
	snprintf(err, errlen, "%s: '%.40s' is not one of its values", o->name, s);
	return -1;
}

static SANE_Status
set_index(struct devh *d, SANE_Int n, const SANE_Option_Descriptor *o,
    const char *text, char *err, size_t errlen)
{
	union { SANE_Word w; char s[VALUE_MAX]; } v;
	SANE_Status st;
	SANE_Int info = 0;

	if (!SANE_OPTION_IS_SETTABLE(o->cap)) {
		snprintf(err, errlen, "%s: cannot be set", o->name);
		return SANE_STATUS_INVAL;
	}
	memset(&v, 0, sizeof(v));
	switch (o->type) {
	case SANE_TYPE_BUTTON:
		break;
	case SANE_TYPE_STRING:
		if (o->size <= 0 || o->size > VALUE_MAX ||
		    string_allowed(o, text, err, errlen) < 0)
			return SANE_STATUS_INVAL;
		strcpy(v.s, text);
		break;
	case SANE_TYPE_BOOL:
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED:
		if (o->size != sizeof(SANE_Word)) {
			snprintf(err, errlen, "%s: a table, not set from the web", o->name);
			return SANE_STATUS_INVAL;
		}
		if (parse_word(o, text, &v.w) < 0) {
			snprintf(err, errlen, "%s: '%.40s' is not a value of its type",
			    o->name, text);
			return SANE_STATUS_INVAL;
		}
		if (word_allowed(o, v.w, err, errlen) < 0)
			return SANE_STATUS_INVAL;
		break;
	default:
		snprintf(err, errlen, "%s: a group, not an option", o->name);
		return SANE_STATUS_INVAL;
	}
	st = d->dev->ops->control(d->h, n, SANE_ACTION_SET_VALUE, &v, &info);
	if (st != SANE_STATUS_GOOD)
		snprintf(err, errlen, "%s: the driver refused it: %s", o->name,
		    device_status_string(st));
	return st;
}

SANE_Status
opt_set_text(struct devh *d, const char *name, const char *value, char *err,
    size_t errlen)
{
	const SANE_Option_Descriptor *o;
	SANE_Int n;

	if ((o = opt_find(d, name, &n)) == NULL) {
		snprintf(err, errlen, "no active option '%.40s'", name);
		return SANE_STATUS_INVAL;
	}
	return set_index(d, n, o, value, err, errlen);
}

int
opt_number(struct devh *d, const char *name, double *out)
{
	const SANE_Option_Descriptor *o;
	SANE_Word w;
	SANE_Int n;

	if ((o = opt_find(d, name, &n)) == NULL || o->size != sizeof(SANE_Word) ||
	    (o->type != SANE_TYPE_INT && o->type != SANE_TYPE_FIXED) ||
	    d->dev->ops->control(d->h, n, SANE_ACTION_GET_VALUE, &w, NULL) != SANE_STATUS_GOOD)
		return -1;
	*out = word_value(o, w);
	return 0;
}

/* Set a one-word option to V, taken to the nearest value it allows. */
static SANE_Status
set_number(struct devh *d, const char *name, double v)
{
	const SANE_Option_Descriptor *o;
	const SANE_Range *r;
	SANE_Word w;
	SANE_Int n, info = 0;

	if ((o = opt_find(d, name, &n)) == NULL || o->size != sizeof(SANE_Word) ||
	    (o->type != SANE_TYPE_INT && o->type != SANE_TYPE_FIXED))
		return SANE_STATUS_INVAL;
	w = o->type == SANE_TYPE_FIXED ? fixed_word(v) : (SANE_Word)lround(v);
	if (o->constraint_type == SANE_CONSTRAINT_RANGE && (r = o->constraint.range) != NULL) {
		if (w < r->min)
			w = r->min;
		if (w > r->max)
			w = r->max;
		if (r->quant > 0)
			w = r->min + (w - r->min) / r->quant * r->quant;
	}
	return d->dev->ops->control(d->h, n, SANE_ACTION_SET_VALUE, &w, &info);
}

/* ---- eSCL --------------------------------------------------------------- */

/* 1 lineart, 2 gray, 3 colour, 0 anything else (halftone, infrared...). */
static int
mode_class(const char *m)
{
	if (strcasestr(m, "halftone") != NULL || strcasestr(m, "dither") != NULL)
		return 0;
	if (strcasestr(m, "lineart") != NULL || strcasecmp(m, "binary") == 0 ||
	    strcasecmp(m, "bw") == 0 || strcasestr(m, "black") != NULL)
		return 1;
	if (strcasestr(m, "gray") != NULL || strcasestr(m, "grey") != NULL)
		return 2;
	if (strcasestr(m, "color") != NULL || strcasestr(m, "colour") != NULL ||
	    strcasecmp(m, "rgb") == 0)
		return 3;
	return 0;
}

static int
has_depth16(struct devh *d)
{
	const SANE_Option_Descriptor *o;
	SANE_Int n, i;

	if ((o = opt_find(d, SANE_NAME_BIT_DEPTH, &n)) == NULL)
		return 0;
	if (o->constraint_type == SANE_CONSTRAINT_WORD_LIST && o->constraint.word_list) {
		for (i = 1; i <= o->constraint.word_list[0]; i++)
			if (o->constraint.word_list[i] == 16)
				return 1;
	} else if (o->constraint_type == SANE_CONSTRAINT_RANGE && o->constraint.range) {
		return o->constraint.range->max >= 16;
	}
	return 0;
}

static void
add_res(struct escl_caps *c, uint32_t r)
{
	unsigned i, j;

	if (r == 0 || c->nres >= ESCL_RES_LIST_MAX)
		return;
	for (i = 0; i < c->nres && c->res[i] < r; i++)
		;
	if (i < c->nres && c->res[i] == r)
		return;
	for (j = c->nres; j > i; j--)
		c->res[j] = c->res[j - 1];
	c->res[i] = r;
	c->nres++;
}

/* Discrete resolutions: clients cannot use a range (escl.md). */
static void
resolutions(struct devh *d, struct escl_caps *c)
{
	static const unsigned std[] = { 50, 75, 100, 150, 200, 240, 300, 400, 600,
	    800, 1200, 1600, 2400, 3200, 4800 };
	const SANE_Option_Descriptor *o;
	const SANE_Range *r;
	SANE_Int n, i;
	double lo, hi, v;
	size_t k;

	if ((o = opt_find(d, SANE_NAME_SCAN_RESOLUTION, &n)) == NULL)
		return;
	if (o->constraint_type == SANE_CONSTRAINT_WORD_LIST && o->constraint.word_list) {
		for (i = 1; i <= o->constraint.word_list[0]; i++)
			add_res(c, (uint32_t)lround(word_value(o, o->constraint.word_list[i])));
	} else if (o->constraint_type == SANE_CONSTRAINT_RANGE &&
	    (r = o->constraint.range) != NULL) {
		lo = word_value(o, r->min);
		hi = word_value(o, r->max);
		for (k = 0; k < sizeof(std) / sizeof(std[0]); k++)
			if (std[k] >= lo && std[k] <= hi)
				add_res(c, std[k]);
		if (c->nres == 0)
			add_res(c, (uint32_t)lround(lo));
	} else if (opt_number(d, SANE_NAME_SCAN_RESOLUTION, &v) == 0) {
		add_res(c, (uint32_t)lround(v));
	}
}

/* The largest value of a one-word ranged option, in mm; -1 if none. */
static double
range_max_mm(struct devh *d, const char *name)
{
	const SANE_Option_Descriptor *o;
	SANE_Int n;

	if ((o = opt_find(d, name, &n)) == NULL || o->unit != SANE_UNIT_MM ||
	    o->constraint_type != SANE_CONSTRAINT_RANGE || o->constraint.range == NULL)
		return -1;
	return word_value(o, o->constraint.range->max);
}

/* "EPSON" -> "Epson": readable, and clear of sane-airscan's vendor quirks. */
static void
vendor_name(const char *v, char *out, size_t len)
{
	size_t i;
	int upper = 1;

	snprintf(out, len, "%s", v);
	for (i = 0; out[i] != '\0'; i++)
		if (islower((unsigned char)out[i]))
			upper = 0;
	if (!upper)
		return;
	for (i = 1; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* The colour modes: the mode list's, else what the default scan gives. */
static unsigned
modes(struct devh *d)
{
	const SANE_Option_Descriptor *o;
	SANE_Parameters p;
	unsigned m = 0;
	int sixteen = has_depth16(d);
	SANE_Int n, i;

	if ((o = opt_find(d, SANE_NAME_SCAN_MODE, &n)) != NULL &&
	    o->constraint_type == SANE_CONSTRAINT_STRING_LIST && o->constraint.string_list) {
		for (i = 0; o->constraint.string_list[i] != NULL; i++) {
			switch (mode_class(o->constraint.string_list[i])) {
			case 1: m |= ESCL_MODE_BW1; break;
			case 2: m |= ESCL_MODE_GRAY8 | (sixteen ? ESCL_MODE_GRAY16 : 0); break;
			case 3: m |= ESCL_MODE_RGB24 | (sixteen ? ESCL_MODE_RGB48 : 0); break;
			}
		}
		return m;
	}
	if (d->dev->ops->parameters(d->h, &p) != SANE_STATUS_GOOD)
		return 0;
	if (p.format == SANE_FRAME_RGB)
		return ESCL_MODE_RGB24 | (sixteen ? ESCL_MODE_RGB48 : 0);
	if (p.format == SANE_FRAME_GRAY && p.depth == 1)
		return ESCL_MODE_BW1;
	if (p.format == SANE_FRAME_GRAY)
		return ESCL_MODE_GRAY8 | (sixteen ? ESCL_MODE_GRAY16 : 0);
	return 0;
}

int
opt_caps(struct devh *d, struct escl_caps *c, struct caps_text *t)
{
	char vendor[32];
	double w, h;

	memset(c, 0, sizeof(*c));
	vendor_name(d->dev->vendor, vendor, sizeof(vendor));
	snprintf(t->manufacturer, sizeof(t->manufacturer), "%s", vendor);
	snprintf(t->make_and_model, sizeof(t->make_and_model), "%s %s", vendor,
	    d->dev->model);
	snprintf(t->serial, sizeof(t->serial), "%s", d->dev->name);
	c->make_and_model = t->make_and_model;
	c->manufacturer = t->manufacturer;
	c->serial = t->serial;
	c->uuid = t->uuid;
	c->admin_uri = t->admin[0] != '\0' ? t->admin : NULL;
	resolutions(d, c);
	c->max_optical = c->nres > 0 ? c->res[c->nres - 1] : 0;
	c->modes = modes(d);
	c->sixteen_bit_formats = (c->modes & (ESCL_MODE_GRAY16 | ESCL_MODE_RGB48)) != 0;
	w = range_max_mm(d, SANE_NAME_SCAN_BR_X);
	h = range_max_mm(d, SANE_NAME_SCAN_BR_Y);
	if (w <= 0 || h <= 0)
		return -1;
	c->max_w = (uint32_t)lround(w / MM_PER_300);
	c->max_h = (uint32_t)lround(h / MM_PER_300);
	c->min_w = c->max_w < 16 ? c->max_w : 16;
	c->min_h = c->max_h < 16 ? c->max_h : 16;
	return c->nres > 0 && c->modes != 0 ? 0 : -1;
}

/* The mode list's entry of CLASS, or NULL. */
static const char *
mode_of_class(const SANE_Option_Descriptor *o, int cls)
{
	SANE_Int i;

	if (o->constraint_type != SANE_CONSTRAINT_STRING_LIST || !o->constraint.string_list)
		return NULL;
	for (i = 0; o->constraint.string_list[i] != NULL; i++)
		if (mode_class(o->constraint.string_list[i]) == cls)
			return o->constraint.string_list[i];
	return NULL;
}

static SANE_Status
apply_mode(struct devh *d, const struct escl_settings *s, char *err, size_t errlen)
{
	const SANE_Option_Descriptor *o;
	SANE_Parameters p;
	const char *m;
	char depth[8];
	SANE_Int n;
	int cls = s->channels == 3 ? 3 : s->depth == 1 ? 1 : 2;

	if ((o = opt_find(d, SANE_NAME_SCAN_MODE, &n)) != NULL) {
		if ((m = mode_of_class(o, cls)) == NULL) {
			snprintf(err, errlen, "the scanner has no %s mode",
			    cls == 3 ? "colour" : cls == 2 ? "gray" : "lineart");
			return SANE_STATUS_INVAL;
		}
		if (opt_set_text(d, SANE_NAME_SCAN_MODE, m, err, errlen) != SANE_STATUS_GOOD)
			return SANE_STATUS_INVAL;
	} else if (d->dev->ops->parameters(d->h, &p) != SANE_STATUS_GOOD ||
	    (cls == 3) != (p.format == SANE_FRAME_RGB)) {
		snprintf(err, errlen, "the scanner has no %s mode",
		    cls == 3 ? "colour" : "gray");
		return SANE_STATUS_INVAL;
	}
	if (cls != 1 && opt_find(d, SANE_NAME_BIT_DEPTH, &n) != NULL) {
		snprintf(depth, sizeof(depth), "%u", s->depth);
		if (opt_set_text(d, SANE_NAME_BIT_DEPTH, depth, err, errlen) != SANE_STATUS_GOOD)
			return SANE_STATUS_INVAL;
	} else if (cls != 1 && s->depth != 8) {
		snprintf(err, errlen, "the scanner has no %u-bit mode", s->depth);
		return SANE_STATUS_INVAL;
	}
	return SANE_STATUS_GOOD;
}

SANE_Status
opt_apply_escl(struct devh *d, const struct escl_settings *s, char *err, size_t errlen)
{
	char res[16];

	/* The front checked the ticket against the capabilities (escl_api.c). */
	if (s->have_mode && apply_mode(d, s, err, errlen) != SANE_STATUS_GOOD)
		return SANE_STATUS_INVAL;
	if (s->xres != 0) {
		snprintf(res, sizeof(res), "%u", s->xres);
		if (opt_set_text(d, SANE_NAME_SCAN_RESOLUTION, res, err, errlen) !=
		    SANE_STATUS_GOOD)
			return SANE_STATUS_INVAL;
	}
	if (s->have_region) {
		/* Top-left first: some drivers keep bottom-right past it. */
		set_number(d, SANE_NAME_SCAN_TL_X, s->x * MM_PER_300);
		set_number(d, SANE_NAME_SCAN_TL_Y, s->y * MM_PER_300);
		set_number(d, SANE_NAME_SCAN_BR_X, (s->x + s->w) * MM_PER_300);
		set_number(d, SANE_NAME_SCAN_BR_Y, (s->y + s->h) * MM_PER_300);
	}
	return SANE_STATUS_GOOD;
}

/* ---- JSON for the page -------------------------------------------------- */

static const char *
type_name(SANE_Value_Type t)
{
	switch (t) {
	case SANE_TYPE_BOOL: return "bool";
	case SANE_TYPE_INT: return "int";
	case SANE_TYPE_FIXED: return "fixed";
	case SANE_TYPE_STRING: return "string";
	case SANE_TYPE_BUTTON: return "button";
	case SANE_TYPE_GROUP: return "group";
	}
	return "unknown";
}

static const char *
unit_name(SANE_Unit u)
{
	static const char *names[] = { "", "px", "bit", "mm", "dpi", "%", "us" };

	return (unsigned)u < sizeof(names) / sizeof(names[0]) ? names[u] : "";
}

static void
json_number(struct jbuf *b, const SANE_Option_Descriptor *o, SANE_Word w)
{
	char t[32];
	size_t n;

	if (o->type == SANE_TYPE_FIXED) {
		n = (size_t)snprintf(t, sizeof(t), "%.5f", SANE_UNFIX(w));
		while (n > 1 && t[n - 1] == '0')
			t[--n] = '\0';
		if (n > 0 && t[n - 1] == '.')
			t[--n] = '\0';
		jb_add(b, "%s", t);
	} else
		jb_add(b, "%d", (int)w);
}

static void
json_constraint(struct jbuf *b, const SANE_Option_Descriptor *o)
{
	SANE_Int i;

	if (o->constraint_type == SANE_CONSTRAINT_RANGE && o->constraint.range) {
		jb_add(b, ",\"range\":[");
		json_number(b, o, o->constraint.range->min);
		jb_add(b, ",");
		json_number(b, o, o->constraint.range->max);
		jb_add(b, ",");
		json_number(b, o, o->constraint.range->quant);
		jb_add(b, "]");
	} else if (o->constraint_type == SANE_CONSTRAINT_WORD_LIST &&
	    o->constraint.word_list) {
		jb_add(b, ",\"list\":[");
		for (i = 1; i <= o->constraint.word_list[0] && i < 1024; i++) {
			jb_add(b, i > 1 ? "," : "");
			json_number(b, o, o->constraint.word_list[i]);
		}
		jb_add(b, "]");
	} else if (o->constraint_type == SANE_CONSTRAINT_STRING_LIST &&
	    o->constraint.string_list) {
		jb_add(b, ",\"list\":[");
		for (i = 0; o->constraint.string_list[i] != NULL && i < 1024; i++) {
			jb_add(b, i > 0 ? "," : "");
			jb_str(b, o->constraint.string_list[i]);
		}
		jb_add(b, "]");
	}
}

static void
json_value(struct devh *d, struct jbuf *b, SANE_Int n, const SANE_Option_Descriptor *o)
{
	union { SANE_Word w; char s[VALUE_MAX + 1]; } v;

	if (o->type == SANE_TYPE_BUTTON || o->type == SANE_TYPE_GROUP ||
	    !SANE_OPTION_IS_ACTIVE(o->cap) || o->size <= 0 || o->size > VALUE_MAX)
		return;
	if (o->type != SANE_TYPE_STRING && o->size != sizeof(SANE_Word)) {
		jb_add(b, ",\"table\":%d", (int)(o->size / (SANE_Int)sizeof(SANE_Word)));
		return;
	}
	memset(&v, 0, sizeof(v));
	if (d->dev->ops->control(d->h, n, SANE_ACTION_GET_VALUE, &v, NULL) !=
	    SANE_STATUS_GOOD)
		return;
	jb_add(b, ",\"value\":");
	if (o->type == SANE_TYPE_STRING) {
		v.s[o->size - 1 < VALUE_MAX ? o->size - 1 : VALUE_MAX] = '\0';
		jb_str(b, v.s);
	} else if (o->type == SANE_TYPE_BOOL) {
		jb_add(b, v.w ? "true" : "false");
	} else {
		json_number(b, o, v.w);
	}
}

void
opt_json(struct devh *d, struct jbuf *b)
{
	const SANE_Option_Descriptor *o;
	SANE_Int n;

	jb_add(b, "[");
	for (n = 1; (o = d->dev->ops->option(d->h, n)) != NULL && n < 1024; n++) {
		jb_add(b, n > 1 ? ",{" : "{");
		jb_add(b, "\"name\":");
		jb_str(b, o->name != NULL ? o->name : "");
		jb_add(b, ",\"title\":");
		jb_str(b, o->title != NULL ? o->title : "");
		jb_add(b, ",\"desc\":");
		jb_str(b, o->desc != NULL ? o->desc : "");
		jb_add(b, ",\"type\":\"%s\",\"unit\":\"%s\",\"active\":%s,\"settable\":%s,"
		    "\"advanced\":%s", type_name(o->type), unit_name(o->unit),
		    SANE_OPTION_IS_ACTIVE(o->cap) ? "true" : "false",
		    SANE_OPTION_IS_SETTABLE(o->cap) ? "true" : "false",
		    (o->cap & SANE_CAP_ADVANCED) ? "true" : "false");
		json_constraint(b, o);
		json_value(d, b, n, o);
		jb_add(b, "}");
	}
	jb_add(b, "]");
}
