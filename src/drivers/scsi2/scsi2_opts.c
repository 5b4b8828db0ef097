/*
 * scsi2_opts.c - the SANE options of the SCSI-2 driver and how they map
 * onto a window descriptor.
 */
#include <string.h>
#include <sane/saneopts.h>

#include "scsaned/scsi_opcodes.h"
#include "../optutil.h"
#include "scsi2.h"

#define PREVIEW_DPI 75

static void
init_mode_options(struct s2 *s)
{
	SANE_Option_Descriptor *o = s->opt;
	int n = 0;

	opt_set_group(&o[S2_OPT_MODE_GROUP], SANE_I18N("Scan Mode"));

	if (s->caps.comps & (1u << SCSI_COMP_LINEART))
		s->modes[n++] = SANE_VALUE_SCAN_MODE_LINEART;
	if (s->caps.comps & (1u << SCSI_COMP_GRAY))
		s->modes[n++] = SANE_VALUE_SCAN_MODE_GRAY;
	if (s->caps.comps & (1u << SCSI_COMP_RGB))
		s->modes[n++] = SANE_VALUE_SCAN_MODE_COLOR;
	s->modes[n] = NULL;
	opt_set_desc(&o[S2_OPT_MODE], SANE_NAME_SCAN_MODE, SANE_TITLE_SCAN_MODE,
	    SANE_DESC_SCAN_MODE, SANE_TYPE_STRING, SANE_UNIT_NONE,
	    sizeof(s->mode));
	o[S2_OPT_MODE].constraint_type = SANE_CONSTRAINT_STRING_LIST;
	o[S2_OPT_MODE].constraint.string_list = s->modes;

	n = 0;
	if (s->caps.depths & (1u << 3))
		s->depth_list[++n] = 8;
	if (s->caps.depths & (1u << 4))
		s->depth_list[++n] = 16;
	s->depth_list[0] = n;
	opt_set_desc(&o[S2_OPT_DEPTH], SANE_NAME_BIT_DEPTH, SANE_TITLE_BIT_DEPTH,
	    SANE_DESC_BIT_DEPTH, SANE_TYPE_INT, SANE_UNIT_BIT, sizeof(SANE_Word));
	o[S2_OPT_DEPTH].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[S2_OPT_DEPTH].constraint.word_list = s->depth_list;

	opt_set_desc(&o[S2_OPT_RESOLUTION], SANE_NAME_SCAN_RESOLUTION,
	    SANE_TITLE_SCAN_RESOLUTION, SANE_DESC_SCAN_RESOLUTION, SANE_TYPE_INT,
	    SANE_UNIT_DPI, sizeof(SANE_Word));
	opt_set_range(&o[S2_OPT_RESOLUTION], &s->res_range, s->caps.min_res,
	    s->caps.max_res, 1);

	opt_set_desc(&o[S2_OPT_PREVIEW], SANE_NAME_PREVIEW, SANE_TITLE_PREVIEW,
	    SANE_DESC_PREVIEW, SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));

	opt_set_desc(&o[S2_OPT_THRESHOLD], SANE_NAME_THRESHOLD, SANE_TITLE_THRESHOLD,
	    SANE_DESC_THRESHOLD, SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[S2_OPT_THRESHOLD], &s->threshold_range, 1, 255, 1);
}

static void
init_geometry_options(struct s2 *s)
{
	SANE_Option_Descriptor *o = s->opt;
	opt_set_group(&o[S2_OPT_GEOMETRY_GROUP], SANE_I18N("Geometry"));
	opt_set_area(&o[S2_OPT_TL_X], &s->x_range, &s->y_range,
	    opt_units_to_mm(s->caps.width_u, 1200), opt_units_to_mm(s->caps.length_u, 1200));
}

/* Depth means nothing in lineart, threshold only there. */
static void
update_active(struct s2 *s)
{
	int lineart = strcmp(s->mode, SANE_VALUE_SCAN_MODE_LINEART) == 0;

	if (lineart) {
		s->opt[S2_OPT_DEPTH].cap |= SANE_CAP_INACTIVE;
		s->opt[S2_OPT_THRESHOLD].cap &= ~SANE_CAP_INACTIVE;
	} else {
		s->opt[S2_OPT_DEPTH].cap &= ~SANE_CAP_INACTIVE;
		s->opt[S2_OPT_THRESHOLD].cap |= SANE_CAP_INACTIVE;
	}
}

void
s2_opts_init(struct s2 *s)
{
	SANE_Option_Descriptor *o = s->opt;

	memset(o, 0, sizeof(s->opt));
	opt_set_desc(&o[S2_OPT_NUM], "", SANE_TITLE_NUM_OPTIONS, SANE_DESC_NUM_OPTIONS,
	    SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	o[S2_OPT_NUM].cap = SANE_CAP_SOFT_DETECT;
	init_mode_options(s);
	init_geometry_options(s);

	strcpy(s->mode, s->modes[0]);
	if (s->caps.comps & (1u << SCSI_COMP_GRAY))
		strcpy(s->mode, SANE_VALUE_SCAN_MODE_GRAY);
	s->depth = s->depth_list[0] > 0 ? s->depth_list[1] : 8;
	s->resolution = 300;
	if (s->resolution < s->caps.min_res || s->resolution > s->caps.max_res)
		s->resolution = s->caps.min_res;
	s->preview = SANE_FALSE;
	s->threshold = 128;
	s->tl_x = s->tl_y = 0;
	s->br_x = s->x_range.max;
	s->br_y = s->y_range.max;
	update_active(s);
}

const SANE_Option_Descriptor *
s2_option(void *h, SANE_Int n)
{
	struct s2 *s = h;

	if (n < 0 || n >= S2_OPT_COUNT)
		return NULL;
	return &s->opt[n];
}

static SANE_Word *
word_value(struct s2 *s, SANE_Int n)
{
	switch (n) {
	case S2_OPT_DEPTH: return &s->depth;
	case S2_OPT_RESOLUTION: return &s->resolution;
	case S2_OPT_PREVIEW: return &s->preview;
	case S2_OPT_THRESHOLD: return &s->threshold;
	case S2_OPT_TL_X: return &s->tl_x;
	case S2_OPT_TL_Y: return &s->tl_y;
	case S2_OPT_BR_X: return &s->br_x;
	case S2_OPT_BR_Y: return &s->br_y;
	default: return NULL;
	}
}

static SANE_Status
get_value(struct s2 *s, SANE_Int n, void *v)
{
	SANE_Word *w;

	if (n == S2_OPT_NUM) {
		*(SANE_Word *)v = S2_OPT_COUNT;
	} else if (n == S2_OPT_MODE) {
		memset(v, 0, sizeof(s->mode));
		strcpy(v, s->mode);
	} else if ((w = word_value(s, n)) != NULL) {
		*(SANE_Word *)v = *w;
	} else {
		return SANE_STATUS_INVAL;
	}
	return SANE_STATUS_GOOD;
}

static SANE_Status
set_value(struct s2 *s, SANE_Int n, void *v, SANE_Int *info)
{
	SANE_Option_Descriptor *d = &s->opt[n];
	SANE_Status st;
	SANE_Word *w;

	if (!(d->cap & SANE_CAP_SOFT_SELECT))
		return SANE_STATUS_INVAL;
	if ((st = opt_constrain(d, v, info)) != SANE_STATUS_GOOD)
		return st;
	if (n == S2_OPT_MODE) {
		if (strcmp(s->mode, v) != 0) {
			strcpy(s->mode, v);
			update_active(s);
			*info |= SANE_INFO_RELOAD_OPTIONS;
		}
		*info |= SANE_INFO_RELOAD_PARAMS;
		return SANE_STATUS_GOOD;
	}
	if ((w = word_value(s, n)) == NULL)
		return SANE_STATUS_INVAL;
	*w = *(SANE_Word *)v;
	if (n != S2_OPT_THRESHOLD)
		*info |= SANE_INFO_RELOAD_PARAMS;
	return SANE_STATUS_GOOD;
}

SANE_Status
s2_control(void *h, SANE_Int n, SANE_Action a, void *v, SANE_Int *info)
{
	struct s2 *s = h;
	SANE_Int dummy = 0;

	if (info == NULL)
		info = &dummy;
	*info = 0;
	if (n < 0 || n >= S2_OPT_COUNT || v == NULL)
		return SANE_STATUS_INVAL;
	if (s->opt[n].cap & SANE_CAP_INACTIVE)
		return SANE_STATUS_INVAL;
	if (s->scanning && a != SANE_ACTION_GET_VALUE)
		return SANE_STATUS_DEVICE_BUSY;
	switch (a) {
	case SANE_ACTION_GET_VALUE:
		return get_value(s, n, v);
	case SANE_ACTION_SET_VALUE:
		return set_value(s, n, v, info);
	default:
		return SANE_STATUS_INVAL;	/* no option is automatic */
	}
}

/* One axis: start and extent in 1/1200 inch from two mm values. */
static void
axis(SANE_Fixed a, SANE_Fixed b, SANE_Int res, SANE_Int max,
    SANE_Int *start, SANE_Int *len)
{
	SANE_Int lo = opt_mm_to_units(a < b ? a : b, 1200);
	SANE_Int hi = opt_mm_to_units(a < b ? b : a, 1200);
	SANE_Int min_len = (1200 + res - 1) / res;	/* at least one pixel */

	if (hi - lo < min_len)
		hi = lo + min_len;
	if (hi > max) {
		hi = max;
		lo = hi - min_len < lo ? hi - min_len : lo;
	}
	*start = lo;
	*len = hi - lo;
}

void
s2_window_from_opts(const struct s2 *s, struct s2_window *w)
{
	SANE_Int res = s->resolution;

	memset(w, 0, sizeof(*w));
	if (s->preview) {
		res = PREVIEW_DPI;
		if (res < s->caps.min_res)
			res = s->caps.min_res;
		if (res > s->caps.max_res)
			res = s->caps.max_res;
	}
	w->xres = w->yres = res;
	axis(s->tl_x, s->br_x, res, s->caps.width_u, &w->x, &w->w);
	axis(s->tl_y, s->br_y, res, s->caps.length_u, &w->y, &w->l);
	w->threshold = (uint8_t)s->threshold;
	if (strcmp(s->mode, SANE_VALUE_SCAN_MODE_LINEART) == 0) {
		w->comp = SCSI_COMP_LINEART;
		w->bpp = 1;
	} else {
		w->comp = strcmp(s->mode, SANE_VALUE_SCAN_MODE_COLOR) == 0 ?
		    SCSI_COMP_RGB : SCSI_COMP_GRAY;
		w->bpp = s->preview ? 8 : (uint8_t)s->depth;
	}
}

void
s2_params_from_window(const struct s2_window *w, SANE_Parameters *p)
{
	memset(p, 0, sizeof(*p));
	p->last_frame = SANE_TRUE;
	p->pixels_per_line = (SANE_Int)((int64_t)w->w * w->xres / 1200);
	p->lines = (SANE_Int)((int64_t)w->l * w->yres / 1200);
	p->depth = w->bpp;
	if (w->comp == SCSI_COMP_RGB) {
		p->format = SANE_FRAME_RGB;
		p->bytes_per_line = p->pixels_per_line * 3 * (w->bpp / 8);
	} else if (w->comp == SCSI_COMP_LINEART) {
		p->format = SANE_FRAME_GRAY;
		p->bytes_per_line = (p->pixels_per_line + 7) / 8;
	} else {
		p->format = SANE_FRAME_GRAY;
		p->bytes_per_line = p->pixels_per_line * (w->bpp / 8);
	}
}
