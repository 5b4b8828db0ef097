/*
 * fs4000_opts.c - the SANE options of the FS4000US driver: resolution
 * (4000 dpi and its divisors), depth, film type, infrared, preview, frame
 * or all frames of the holder, focus, exposure, calibration, the scan area in mm within
 * a frame, and the eject button.
 */
#include <stdio.h>
#include <string.h>
#include <sane/saneopts.h>

#include "../optutil.h"
#include "fs4000.h"

#define FILM_POSITIVE	"Positive"
#define FILM_NEGATIVE	"Negative"

static SANE_String_Const films[] = { FILM_POSITIVE, FILM_NEGATIVE, NULL };

/* 4000 dpi divided by a whole number; 160 is the unit's thumbnail resolution. */
static const SANE_Word resolutions[] = { 9, 4000, 2000, 1000, 800, 500, 400, 250, 200, 160 };

static void
init_mode(struct fs *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_group(&o[FS_OPT_MODE_GROUP], SANE_I18N("Scan Mode"));
	memcpy(s->res_list, resolutions, sizeof(resolutions));
	opt_set_desc(&o[FS_OPT_RESOLUTION], SANE_NAME_SCAN_RESOLUTION,
	    SANE_TITLE_SCAN_RESOLUTION, SANE_DESC_SCAN_RESOLUTION, SANE_TYPE_INT,
	    SANE_UNIT_DPI, sizeof(SANE_Word));
	o[FS_OPT_RESOLUTION].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[FS_OPT_RESOLUTION].constraint.word_list = s->res_list;

	s->depth_list[0] = 2;
	s->depth_list[1] = 8;
	s->depth_list[2] = 16;
	opt_set_desc(&o[FS_OPT_DEPTH], SANE_NAME_BIT_DEPTH, SANE_TITLE_BIT_DEPTH,
	    SANE_I18N("8 bits, or the scanner's 14 bits scaled to 16-bit samples."),
	    SANE_TYPE_INT, SANE_UNIT_BIT, sizeof(SANE_Word));
	o[FS_OPT_DEPTH].constraint_type = SANE_CONSTRAINT_WORD_LIST;
	o[FS_OPT_DEPTH].constraint.word_list = s->depth_list;

	opt_set_desc(&o[FS_OPT_FILM], "film-type", SANE_I18N("Film type"),
	    SANE_I18N("Positive (slide) film, or colour negative: the driver inverts "
	    "it against the film base, so the orange mask becomes black."),
	    SANE_TYPE_STRING, SANE_UNIT_NONE, 16);
	o[FS_OPT_FILM].constraint_type = SANE_CONSTRAINT_STRING_LIST;
	o[FS_OPT_FILM].constraint.string_list = films;

	opt_set_desc(&o[FS_OPT_INFRARED], "infrared", SANE_I18N("Infrared"),
	    SANE_I18N("Scan with the infrared lamp instead of colour: a gray image "
	    "of the same area in which dust and scratches show dark."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));

	opt_set_desc(&o[FS_OPT_PREVIEW], SANE_NAME_PREVIEW, SANE_TITLE_PREVIEW,
	    SANE_I18N("A quick 160 dpi, 8-bit look at the frame."), SANE_TYPE_BOOL,
	    SANE_UNIT_NONE, sizeof(SANE_Word));
}

static void
init_frame_focus_exposure(struct fs *s)
{
	SANE_Option_Descriptor *o = s->opt;
	int c;
	static const char *const names[3] = { "red-exposure", "green-exposure", "blue-exposure" };
	static const char *const titles[3] = {
		SANE_I18N("Red exposure"), SANE_I18N("Green exposure"), SANE_I18N("Blue exposure"),
	};

	opt_set_group(&o[FS_OPT_FRAME_GROUP], SANE_I18N("Film holder"));
	opt_set_desc(&o[FS_OPT_FRAME], "frame", SANE_I18N("Frame"),
	    SANE_I18N("The frame to scan: 1-4 in the slide holder, 1-6 in the "
	    "negative strip holder."), SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[FS_OPT_FRAME], &s->frame_range, 1, 6, 1);
	opt_set_desc(&o[FS_OPT_ALL_FRAMES], "all-frames", SANE_I18N("All frames"),
	    SANE_I18N("Scan every frame of the holder in turn, from the selected "
	    "one (a batch: scanimage --batch)."), SANE_TYPE_BOOL, SANE_UNIT_NONE,
	    sizeof(SANE_Word));

	opt_set_group(&o[FS_OPT_FOCUS_GROUP], SANE_I18N("Focus"));
	opt_set_desc(&o[FS_OPT_AUTOFOCUS], "autofocus", SANE_I18N("Autofocus"),
	    SANE_I18N("Let the scanner focus on the frame before scanning."),
	    SANE_TYPE_BOOL, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_desc(&o[FS_OPT_FOCUS], "focus", SANE_I18N("Focus position"),
	    SANE_I18N("Manual focus, 75 (far) to 200 (nearest the lamp), used when "
	    "autofocus is off."), SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	opt_set_range(&o[FS_OPT_FOCUS], &s->focus_range, 75, 200, 1);

	opt_set_group(&o[FS_OPT_EXPOSURE_GROUP], SANE_I18N("Exposure"));
	opt_set_desc(&o[FS_OPT_AE], "auto-exposure", SANE_I18N("Auto-exposure"),
	    SANE_I18N("Measure the frame in a quick pass first and expose so its "
	    "brightest parts just reach white."), SANE_TYPE_BOOL, SANE_UNIT_NONE,
	    sizeof(SANE_Word));
	for (c = 0; c < 3; c++) {
		opt_set_desc(&o[FS_OPT_EXPOSURE_R + c], names[c], titles[c],
		    SANE_I18N("Exposure of the channel in percent of Canon's own, "
		    "without auto-exposure; above what the shutter allows the scan "
		    "runs slower."), SANE_TYPE_FIXED, SANE_UNIT_PERCENT, sizeof(SANE_Word));
		opt_set_range(&o[FS_OPT_EXPOSURE_R + c], &s->exposure_range, SANE_FIX(10),
		    SANE_FIX(600), SANE_FIX(1));
	}
	opt_set_desc(&o[FS_OPT_CALIBRATION], "calibration", SANE_I18N("Calibration"),
	    SANE_I18N("Before each frame, read the holder's opaque and clear spots "
	    "and correct every pixel with them: black becomes black and the lens's "
	    "falloff towards the edges and the streaks of uneven CCD pixels go. "
	    "Off, the scan is the raw sensor."), SANE_TYPE_BOOL, SANE_UNIT_NONE,
	    sizeof(SANE_Word));
}

static void
init_geometry_buttons(struct fs *s)
{
	SANE_Option_Descriptor *o = s->opt;

	opt_set_group(&o[FS_OPT_GEOMETRY_GROUP], SANE_I18N("Geometry"));
	opt_set_area(&o[FS_OPT_TL_X], &s->x_range, &s->y_range,
	    opt_units_to_mm(FS_WIDTH, FS_DPI), opt_units_to_mm(FS_LENGTH, FS_DPI));

	opt_set_group(&o[FS_OPT_BUTTON_GROUP], SANE_I18N("Film transport"));
	opt_set_desc(&o[FS_OPT_EJECT], "eject", SANE_I18N("Eject"),
	    SANE_I18N("Eject the film holder."), SANE_TYPE_BUTTON, SANE_UNIT_NONE, 0);
}

void
fs_opts_init(struct fs *s)
{
	SANE_Option_Descriptor *o = s->opt;
	int c;

	opt_set_desc(&o[FS_OPT_NUM], SANE_NAME_NUM_OPTIONS, SANE_TITLE_NUM_OPTIONS,
	    SANE_DESC_NUM_OPTIONS, SANE_TYPE_INT, SANE_UNIT_NONE, sizeof(SANE_Word));
	o[FS_OPT_NUM].cap = SANE_CAP_SOFT_DETECT;
	init_mode(s);
	init_frame_focus_exposure(s);
	init_geometry_buttons(s);

	s->resolution = 500;
	s->depth = 8;
	snprintf(s->film, sizeof(s->film), "%s", FILM_POSITIVE);
	s->frame = 1;
	s->autofocus = SANE_TRUE;
	s->focus = 128;
	s->calibration = SANE_TRUE;
	for (c = 0; c < 3; c++)
		s->exposure[c] = SANE_FIX(100);
	s->area[2] = s->x_range.max;
	s->area[3] = s->y_range.max;
	o[FS_OPT_FOCUS].cap |= SANE_CAP_INACTIVE;
}

unsigned
fs_effective_res(const struct fs *s)
{
	return s->preview ? 160 : (unsigned)s->resolution;
}

int
fs_effective_depth(const struct fs *s)
{
	return s->preview ? 8 : s->depth;
}

const SANE_Option_Descriptor *
fs_option(void *h, SANE_Int n)
{
	struct fs *s = h;

	return n >= 0 && n < FS_OPT_COUNT ? &s->opt[n] : NULL;
}

static void *
value_of(struct fs *s, SANE_Int n)
{
	switch (n) {
	case FS_OPT_RESOLUTION: return &s->resolution;
	case FS_OPT_DEPTH: return &s->depth;
	case FS_OPT_FILM: return s->film;
	case FS_OPT_INFRARED: return &s->infrared;
	case FS_OPT_PREVIEW: return &s->preview;
	case FS_OPT_FRAME: return &s->frame;
	case FS_OPT_ALL_FRAMES: return &s->all_frames;
	case FS_OPT_AUTOFOCUS: return &s->autofocus;
	case FS_OPT_FOCUS: return &s->focus;
	case FS_OPT_AE: return &s->ae;
	case FS_OPT_EXPOSURE_R: return &s->exposure[0];
	case FS_OPT_EXPOSURE_G: return &s->exposure[1];
	case FS_OPT_EXPOSURE_B: return &s->exposure[2];
	case FS_OPT_CALIBRATION: return &s->calibration;
	case FS_OPT_TL_X: case FS_OPT_TL_Y: case FS_OPT_BR_X: case FS_OPT_BR_Y:
		return &s->area[n - FS_OPT_TL_X];
	default: return NULL;
	}
}

/* Focus by hand only without autofocus; exposure by hand only without AE. */
static void
update_active(struct fs *s)
{
	int c;

	if (s->autofocus)
		s->opt[FS_OPT_FOCUS].cap |= SANE_CAP_INACTIVE;
	else
		s->opt[FS_OPT_FOCUS].cap &= ~SANE_CAP_INACTIVE;
	for (c = 0; c < 3; c++) {
		if (s->ae)
			s->opt[FS_OPT_EXPOSURE_R + c].cap |= SANE_CAP_INACTIVE;
		else
			s->opt[FS_OPT_EXPOSURE_R + c].cap &= ~SANE_CAP_INACTIVE;
	}
}

/*
 * As sane_control_option, but a pressed button is only reported (*NEXT is
 * OPT_BUTTON): the eject is the driver's work, not the options'.
 */
SANE_Status
fs_opts_control(struct fs *s, SANE_Int n, SANE_Action a, void *v, SANE_Int *info,
    enum opt_next *next)
{
	SANE_Status st;

	st = opt_control(s->opt, FS_OPT_COUNT, n, a, value_of(s, n), v, info, s->scanning, next);
	if (*next != OPT_CHANGED)
		return st;
	*next = OPT_DONE;
	if (n == FS_OPT_AUTOFOCUS || n == FS_OPT_AE) {
		update_active(s);
		if (info != NULL)
			*info |= SANE_INFO_RELOAD_OPTIONS;
	}
	if (info != NULL && (n == FS_OPT_RESOLUTION || n == FS_OPT_DEPTH ||
	    n == FS_OPT_PREVIEW || n == FS_OPT_INFRARED || n >= FS_OPT_TL_X))
		*info |= SANE_INFO_RELOAD_PARAMS;
	return SANE_STATUS_GOOD;
}
