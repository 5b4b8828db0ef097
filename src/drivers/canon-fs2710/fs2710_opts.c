/*
 * fs2710_opts.c - the SANE options of the FS2710 driver: resolution (the
 * unit's maximum halved down to its minimum, as the unit only scans at
 * those), depth, film type, preview, focus, the scan area in mm and the
 * eject button.
 */
#include <stdio.h>
#include <string.h>
#include <sane/saneopts.h>

#include "../optutil.h"
#include "fs2710.h"

#define FILM_POSITIVE	"Positive"
#define FILM_NEGATIVE	"Negative"

static SANE_String_Const films[] = { FILM_POSITIVE, FILM_NEGATIVE, NULL };

static void
init_resolutions(struct fs27 *s)
{
	SANE_Word n = 0, list[15];
	unsigned r;

	for (r = s->caps.max_dpi; r >= s->caps.min_dpi && r > 0 && n < 15; r /= 2)
		list[n++] = (SANE_Word)r;
	s->res_list[0] = n;
	while (n > 0) {		/* ascending, as frontends show them */
		s->res_list[s->res_list[0] - n + 1] = list[n - 1];
		n--;
	}
}

static void
init_mode(struct fs27 *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_group(&o[FS27_OPT_MODE_GROUP], SANE_I18N("Scan Mode"));
	init_resolutions(s);
	opt_set_desc(&o[FS27_OPT_RESOLUTION], SANE_NAME_SCAN_RESOLUTION,
	    SANE_TITLE_SCAN_RESOLUTION, SANE_DESC_SCAN_RESOLUTION, SANE_TYPE_INT,
	    SANE_UNIT_DPI, sizeof(SANE_Word));
	o[FS27_OPT_RESOLUTION].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[FS27_OPT_RESOLUTION].constraint.word_list = s->res_list;

	s->depth_list[0] = 2;
	s->depth_list[1] = 8;
	s->depth_list[2] = 16;
	opt_set_desc(&o[FS27_OPT_DEPTH], SANE_NAME_BIT_DEPTH, SANE_TITLE_BIT_DEPTH,
	    SANE_I18N("8 bits, or the scanner's 12 bits scaled to 16-bit samples."),
	    SANE_TYPE_INT, SANE_UNIT_BIT, sizeof(SANE_Word));
	o[FS27_OPT_DEPTH].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[FS27_OPT_DEPTH].constraint.word_list = s->depth_list;

	opt_set_desc(&o[FS27_OPT_FILM], "film-type", SANE_I18N("Film type"),
	    SANE_I18N("Positive (slide) film, or negative: the driver inverts the "
	    "image, as the scanner gives no help with negatives."),
	    SANE_TYPE_STRING, SANE_UNIT_NONE, 16);
	o[FS27_OPT_FILM].constraint_type = SANE_CONSTRAINT_STRING_LIST;
	o[FS27_OPT_FILM].constraint.string_list = films;

	opt_set_desc(&o[FS27_OPT_PREVIEW], SANE_NAME_PREVIEW, SANE_TITLE_PREVIEW,
	    SANE_I18N("A quick look at the lowest resolution, 8-bit, without focusing."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));
}

static void
init_focus_geometry(struct fs27 *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_group(&o[FS27_OPT_FOCUS_GROUP], SANE_I18N("Focus"));
	opt_set_desc(&o[FS27_OPT_AUTOFOCUS], "autofocus", SANE_I18N("Autofocus"),
	    SANE_I18N("Let the scanner focus on the film before each scan."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_desc(&o[FS27_OPT_FOCUS], "focus", SANE_I18N("Focus position"),
	    SANE_I18N("Manual focus, 0 to 255 (128 is the middle), used when "
	    "autofocus is off."), SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[FS27_OPT_FOCUS], &s->focus_range, 0, 255, 1);

	opt_set_group(&o[FS27_OPT_GEOMETRY_GROUP], SANE_I18N("Geometry"));
	opt_set_area(&o[FS27_OPT_TL_X], &s->x_range, &s->y_range,
	    opt_units_to_mm((SANE_Int)s->caps.x_range, s->caps.mud),
	    opt_units_to_mm((SANE_Int)s->caps.y_range, s->caps.mud));

	opt_set_group(&o[FS27_OPT_BUTTON_GROUP], SANE_I18N("Film transport"));
	opt_set_desc(&o[FS27_OPT_EJECT], "eject", SANE_I18N("Eject"),
	    SANE_I18N("Eject the film holder."), SANE_TYPE_BUTTON, SANE_UNIT_NONE, 0);
}

void
fs27_opts_init(struct fs27 *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_desc(&o[FS27_OPT_NUM], SANE_NAME_NUM_OPTIONS, SANE_TITLE_NUM_OPTIONS,
	    SANE_DESC_NUM_OPTIONS, SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	o[FS27_OPT_NUM].cap = SANE_CAP_SOFT_DETECT;
	init_mode(s);
	init_focus_geometry(s);

	/* The second resolution from the bottom, as Canon's own software starts. */
	s->resolution = s->res_list[0] > 1 ? s->res_list[2] : s->res_list[1];
	s->depth = 8;
	snprintf(s->film, sizeof(s->film), "%s", FILM_POSITIVE);
	s->autofocus = SANE_TRUE;
	s->focus = 128;
	s->area[2] = s->x_range.max;
	s->area[3] = s->y_range.max;
	o[FS27_OPT_FOCUS].cap |= SANE_CAP_INACTIVE;
}

unsigned
fs27_effective_res(const struct fs27 *s)
{
	return s->preview ? (unsigned)s->res_list[1] : (unsigned)s->resolution;
}

int
fs27_effective_depth(const struct fs27 *s)
{
	return s->preview ? 8 : s->depth;
}

int
fs27_negative(const struct fs27 *s)
{
	return strcmp(s->film, FILM_NEGATIVE) == 0;
}

const SANE_Option_Descriptor *
fs27_option(void *h, SANE_Int n)
{
	struct fs27 *s = h;

	return n >= 0 && n < FS27_OPT_COUNT ? &s->opt[n] : NULL;
}

static void *
value_of(struct fs27 *s, SANE_Int n)
{
	switch (n) {
	case FS27_OPT_RESOLUTION: return &s->resolution;
	case FS27_OPT_DEPTH: return &s->depth;
	case FS27_OPT_FILM: return s->film;
	case FS27_OPT_PREVIEW: return &s->preview;
	case FS27_OPT_AUTOFOCUS: return &s->autofocus;
	case FS27_OPT_FOCUS: return &s->focus;
	case FS27_OPT_TL_X: case FS27_OPT_TL_Y: case FS27_OPT_BR_X: case FS27_OPT_BR_Y:
		return &s->area[n - FS27_OPT_TL_X];
	default: return NULL;
	}
}

/*
 * As sane_control_option, but a pressed button is only reported (*NEXT is
 * OPT_BUTTON): the eject is fs2710.c's work, not the options'.
 */
SANE_Status
fs27_opts_control(struct fs27 *s, SANE_Int n, SANE_Action a, void *v, SANE_Int *info,
    enum opt_next *next)
{
	SANE_Status st;

	st = opt_control(s->opt, FS27_OPT_COUNT, n, a, value_of(s, n), v, info, s->scanning, next);
	if (*next != OPT_CHANGED)
		return st;
	*next = OPT_DONE;
	if (n == FS27_OPT_AUTOFOCUS) {
		if (s->autofocus)
			s->opt[FS27_OPT_FOCUS].cap |= SANE_CAP_INACTIVE;
		else
			s->opt[FS27_OPT_FOCUS].cap &= ~SANE_CAP_INACTIVE;
		if (info != NULL)
			*info |= SANE_INFO_RELOAD_OPTIONS;
	}
	if (info != NULL && (n == FS27_OPT_RESOLUTION || n == FS27_OPT_DEPTH ||
	    n == FS27_OPT_PREVIEW || n >= FS27_OPT_TL_X))
		*info |= SANE_INFO_RELOAD_PARAMS;
	return SANE_STATUS_GOOD;
}
