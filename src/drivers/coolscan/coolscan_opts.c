/*
 * coolscan_opts.c - the SANE options of the Coolscan driver: what a film
 * scanner user sets (resolution from the device's list, depth, film type,
 * infrared, multi-sampling, frame or all frames, focus, exposure, the
 * scan area in mm) and the load / eject / reset buttons.
 */
#include <stdio.h>
#include <string.h>
#include <sane/saneopts.h>

#include "../optutil.h"
#include "coolscan.h"

#define FILM_POSITIVE	"Positive"
#define FILM_NEGATIVE	"Negative"

static SANE_String_Const films[] = { FILM_POSITIVE, FILM_NEGATIVE, NULL };
static SANE_String_Const ae_modes[] = { "None", "AE", "AE-WB", NULL };

static void
init_mode(struct cs *s)
{
	SANE_Option_Descriptor *o = s->opt;
	unsigned k, n = 0;

	opt_set_group(&o[CS_OPT_MODE_GROUP], SANE_I18N("Scan Mode"));
	/* The device's resolutions: the maximum divided by a whole number. */
	for (k = 1; n < 32 && s->caps.max_dpi / k >= s->caps.min_dpi; k++)
		if (n == 0 || (SANE_Word)(s->caps.max_dpi / k) != s->res_list[n])
			s->res_list[++n] = (SANE_Word)(s->caps.max_dpi / k);
	s->res_list[0] = (SANE_Word)n;
	opt_set_desc(&o[CS_OPT_RESOLUTION], SANE_NAME_SCAN_RESOLUTION,
	    SANE_TITLE_SCAN_RESOLUTION, SANE_DESC_SCAN_RESOLUTION, SANE_TYPE_INT,
	    SANE_UNIT_DPI, sizeof(SANE_Word));
	o[CS_OPT_RESOLUTION].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[CS_OPT_RESOLUTION].constraint.word_list = s->res_list;

	s->depth_list[0] = 2;
	s->depth_list[1] = 8;
	s->depth_list[2] = 16;
	opt_set_desc(&o[CS_OPT_DEPTH], SANE_NAME_BIT_DEPTH, SANE_TITLE_BIT_DEPTH,
	    SANE_I18N("8 bits, or the scanner's full depth in 16-bit samples."),
	    SANE_TYPE_INT, SANE_UNIT_BIT, sizeof(SANE_Word));
	o[CS_OPT_DEPTH].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[CS_OPT_DEPTH].constraint.word_list = s->depth_list;

	opt_set_desc(&o[CS_OPT_FILM], "film-type", SANE_I18N("Film type"),
	    SANE_I18N("Positive (slide) film, or colour negative: the scanner "
	    "inverts it and the driver removes the orange film base."),
	    SANE_TYPE_STRING, SANE_UNIT_NONE, 16);
	o[CS_OPT_FILM].constraint_type = SANE_CONSTRAINT_STRING_LIST;
	o[CS_OPT_FILM].constraint.string_list = films;

	opt_set_desc(&o[CS_OPT_INFRARED], "infrared", SANE_I18N("Infrared"),
	    SANE_I18N("Scan the infrared channel instead of colour: a gray image "
	    "of the same area in which dust and scratches show dark."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));

	opt_set_desc(&o[CS_OPT_SAMPLES], "samples-per-scan", SANE_I18N("Multi-sampling"),
	    SANE_I18N("Read every line this many times and average: less noise in "
	    "dense film."), SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[CS_OPT_SAMPLES], &s->samples_range, 1, (SANE_Word)s->caps.max_samples, 1);
	if (s->caps.max_samples < 2)
		o[CS_OPT_SAMPLES].cap |= SANE_CAP_INACTIVE;

	opt_set_desc(&o[CS_OPT_PREVIEW], SANE_NAME_PREVIEW, SANE_TITLE_PREVIEW,
	    SANE_DESC_PREVIEW, SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));
}

static void
init_frame_focus_exposure(struct cs *s)
{
	SANE_Option_Descriptor *o = s->opt;
	int c;
	static const char *const names[3] = { "red-exposure", "green-exposure", "blue-exposure" };
	static const char *const titles[3] = {
		SANE_I18N("Red exposure"), SANE_I18N("Green exposure"), SANE_I18N("Blue exposure"),
	};

	opt_set_group(&o[CS_OPT_FRAME_GROUP], SANE_I18N("Film holder"));
	opt_set_desc(&o[CS_OPT_FRAME], "frame", SANE_I18N("Frame"),
	    SANE_I18N("The frame of the strip to scan."), SANE_TYPE_INT,
	    SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[CS_OPT_FRAME], &s->frame_range, 1, (SANE_Word)s->caps.frames, 1);
	opt_set_desc(&o[CS_OPT_ALL_FRAMES], "all-frames", SANE_I18N("All frames"),
	    SANE_I18N("Scan every frame of the holder in turn, from the selected "
	    "one (a batch: scanimage --batch)."), SANE_TYPE_BOOL, SANE_UNIT_NONE,
	    sizeof(SANE_Word));
	if (s->caps.frames < 2) {
		o[CS_OPT_FRAME].cap |= SANE_CAP_INACTIVE;
		o[CS_OPT_ALL_FRAMES].cap |= SANE_CAP_INACTIVE;
	}

	opt_set_group(&o[CS_OPT_FOCUS_GROUP], SANE_I18N("Focus"));
	opt_set_desc(&o[CS_OPT_AUTOFOCUS], "autofocus", SANE_I18N("Autofocus"),
	    SANE_I18N("Focus on the centre of the scan area before scanning."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_desc(&o[CS_OPT_FOCUS], "focus", SANE_I18N("Focus position"),
	    SANE_I18N("Manual focus position, used when autofocus is off."),
	    SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[CS_OPT_FOCUS], &s->focus_range, (SANE_Word)s->caps.focus_min,
	    (SANE_Word)s->caps.focus_max, 1);

	opt_set_group(&o[CS_OPT_EXPOSURE_GROUP], SANE_I18N("Exposure"));
	opt_set_desc(&o[CS_OPT_AE], "auto-exposure", SANE_I18N("Auto-exposure"),
	    SANE_I18N("Let the scanner measure the film first: one exposure for all "
	    "colours (AE) or one each, balancing white (AE-WB)."),
	    SANE_TYPE_STRING, SANE_UNIT_NONE, 16);
	o[CS_OPT_AE].constraint_type = SANE_CONSTRAINT_STRING_LIST;
	o[CS_OPT_AE].constraint.string_list = ae_modes;
	for (c = 0; c < 3; c++) {
		opt_set_desc(&o[CS_OPT_EXPOSURE_R + c], names[c], titles[c],
		    SANE_I18N("Exposure time of the channel, without auto-exposure."),
		    SANE_TYPE_FIXED, SANE_UNIT_MICROSECOND, sizeof(SANE_Word));
		opt_set_range(&o[CS_OPT_EXPOSURE_R + c], &s->exposure_range, SANE_FIX(50),
		    SANE_FIX(20000), SANE_FIX(10));
	}
}

static void
init_geometry_buttons(struct cs *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_group(&o[CS_OPT_GEOMETRY_GROUP], SANE_I18N("Geometry"));
	opt_set_area(&o[CS_OPT_TL_X], &s->x_range, &s->y_range,
	    opt_units_to_mm((SANE_Int)s->caps.x_boundary, s->caps.max_dpi),
	    opt_units_to_mm((SANE_Int)s->caps.y_boundary, s->caps.max_dpi));

	opt_set_group(&o[CS_OPT_BUTTON_GROUP], SANE_I18N("Film transport"));
	opt_set_desc(&o[CS_OPT_LOAD], "load", SANE_I18N("Load"),
	    SANE_I18N("Load the film holder."), SANE_TYPE_BUTTON, SANE_UNIT_NONE, 0);
	opt_set_desc(&o[CS_OPT_EJECT], "eject", SANE_I18N("Eject"),
	    SANE_I18N("Eject the film holder."), SANE_TYPE_BUTTON, SANE_UNIT_NONE, 0);
	opt_set_desc(&o[CS_OPT_RESET], "reset", SANE_I18N("Reset"),
	    SANE_I18N("Reset the scanner's mechanics."), SANE_TYPE_BUTTON,
	    SANE_UNIT_NONE, 0);
}

void
cs_opts_init(struct cs *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_desc(&o[CS_OPT_NUM], SANE_NAME_NUM_OPTIONS, SANE_TITLE_NUM_OPTIONS,
	    SANE_DESC_NUM_OPTIONS, SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	o[CS_OPT_NUM].cap = SANE_CAP_SOFT_DETECT;
	init_mode(s);
	init_frame_focus_exposure(s);
	init_geometry_buttons(s);

	s->resolution = s->res_list[s->res_list[0]];	/* the lowest: quick */
	s->depth = 8;
	snprintf(s->film, sizeof(s->film), "%s", FILM_POSITIVE);
	snprintf(s->ae, sizeof(s->ae), "None");
	s->samples = 1;
	s->frame = 1;
	s->focus = (SANE_Word)(s->caps.focus_min + s->caps.focus_max) / 2;
	/* Nikon's own defaults: red and green 1.2 ms, blue 1.0 ms. */
	s->exposure[0] = SANE_FIX(1200);
	s->exposure[1] = SANE_FIX(1200);
	s->exposure[2] = SANE_FIX(1000);
	s->area[2] = s->x_range.max;
	s->area[3] = s->y_range.max;
}

/* The resolution a scan uses: preview is a tenth of the maximum. */
unsigned
cs_effective_res(const struct cs *s)
{
	SANE_Word want = (SANE_Word)s->caps.max_dpi / 10, best = s->res_list[1];
	SANE_Int i;

	if (!s->preview)
		return (unsigned)s->resolution;
	for (i = 1; i <= s->res_list[0]; i++)
		if (s->res_list[i] >= want)
			best = s->res_list[i];
	return (unsigned)best;
}

int
cs_effective_depth(const struct cs *s)
{
	return s->preview ? 8 : s->depth;
}

const SANE_Option_Descriptor *
cs_option(void *h, SANE_Int n)
{
	struct cs *s = h;

	return n >= 0 && n < CS_OPT_COUNT ? &s->opt[n] : NULL;
}

static void *
value_of(struct cs *s, SANE_Int n)
{
	switch (n) {
	case CS_OPT_RESOLUTION: return &s->resolution;
	case CS_OPT_DEPTH: return &s->depth;
	case CS_OPT_FILM: return s->film;
	case CS_OPT_INFRARED: return &s->infrared;
	case CS_OPT_SAMPLES: return &s->samples;
	case CS_OPT_PREVIEW: return &s->preview;
	case CS_OPT_FRAME: return &s->frame;
	case CS_OPT_ALL_FRAMES: return &s->all_frames;
	case CS_OPT_AUTOFOCUS: return &s->autofocus;
	case CS_OPT_FOCUS: return &s->focus;
	case CS_OPT_AE: return s->ae;
	case CS_OPT_EXPOSURE_R: return &s->exposure[0];
	case CS_OPT_EXPOSURE_G: return &s->exposure[1];
	case CS_OPT_EXPOSURE_B: return &s->exposure[2];
	case CS_OPT_TL_X: case CS_OPT_TL_Y: case CS_OPT_BR_X: case CS_OPT_BR_Y:
		return &s->area[n - CS_OPT_TL_X];
	default: return NULL;
	}
}

/* Focus by hand only without autofocus; exposure by hand only without AE. */
static void
update_active(struct cs *s)
{
	int ae = strcmp(s->ae, "None") != 0, c;

	if (s->autofocus)
		s->opt[CS_OPT_FOCUS].cap |= SANE_CAP_INACTIVE;
	else
		s->opt[CS_OPT_FOCUS].cap &= ~SANE_CAP_INACTIVE;
	for (c = 0; c < 3; c++) {
		if (ae)
			s->opt[CS_OPT_EXPOSURE_R + c].cap |= SANE_CAP_INACTIVE;
		else
			s->opt[CS_OPT_EXPOSURE_R + c].cap &= ~SANE_CAP_INACTIVE;
	}
}

/*
 * As sane_control_option, but a pressed button is only reported (*NEXT is
 * OPT_BUTTON): moving film is coolscan.c's work, not the options'.
 */
SANE_Status
cs_opts_control(struct cs *s, SANE_Int n, SANE_Action a, void *v, SANE_Int *info,
    enum opt_next *next)
{
	SANE_Status st;

	st = opt_control(s->opt, CS_OPT_COUNT, n, a, value_of(s, n), v, info, s->scanning, next);
	if (*next != OPT_CHANGED)
		return st;
	*next = OPT_DONE;
	if (n == CS_OPT_AUTOFOCUS || n == CS_OPT_AE) {
		update_active(s);
		if (info != NULL)
			*info |= SANE_INFO_RELOAD_OPTIONS;
	}
	if (info != NULL && (n == CS_OPT_RESOLUTION || n == CS_OPT_DEPTH ||
	    n == CS_OPT_PREVIEW || n == CS_OPT_INFRARED || n >= CS_OPT_TL_X))
		*info |= SANE_INFO_RELOAD_PARAMS;
	return SANE_STATUS_GOOD;
}
