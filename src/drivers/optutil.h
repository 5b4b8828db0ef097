/*
 * optutil.h - SANE option bookkeeping every driver needs: checking a value
 * against its descriptor's constraint, the way sanei_constrain_value does
 * it for backends.  Private to src/drivers/.
 */
#ifndef SCSANED_OPTUTIL_H
#define SCSANED_OPTUTIL_H

#include <stdint.h>
#include <sane/sane.h>

/*
 * Bring VALUE (d->size bytes) within D's constraint.  Ranges are clamped
 * and quantised, word lists snap to the nearest entry (both set
 * SANE_INFO_INEXACT in *info); a string not in its list is INVAL.
 */
SANE_Status opt_constrain(const SANE_Option_Descriptor *d, void *value,
    SANE_Int *info);

/* What opt_control leaves to the driver. */
enum opt_next {
	OPT_DONE,	/* nothing: return the status */
	OPT_BUTTON,	/* button N was pressed, no scan runs: act on it */
	OPT_CHANGED	/* option N was set: react (reload flags, other options) */
};

/*
 * The part of sane_control_option every driver shares, for option N of
 * the COUNT in OPTS, whose value is at VAL (NULL for none): option 0 is
 * the option count; inactive options only read; nothing but reading
 * while SCANNING; buttons are pressed, never read.  *NEXT says what is
 * left for the driver to do.
 */
SANE_Status opt_control(const SANE_Option_Descriptor *opts, SANE_Int count, SANE_Int n,
    SANE_Action a, void *val, void *v, SANE_Int *info, int scanning, enum opt_next *next);

/*
 * Get or set the value at VAL of the word or string option D, the way
 * sane_control_option does: a set is brought within the constraint
 * first; automatic values are UNSUPPORTED.
 */
SANE_Status opt_get_set(const SANE_Option_Descriptor *d, void *val, SANE_Action a,
    void *v, SANE_Int *info);

/*
 * Fill a descriptor: soft-selectable and detectable, no constraint; a
 * group (no capabilities); a range constraint R (MIN, MAX, QUANT) on D.
 */
void opt_set_desc(SANE_Option_Descriptor *d, const char *name, const char *title,
    const char *desc, SANE_Value_Type type, SANE_Unit unit, SANE_Int size);
void opt_set_group(SANE_Option_Descriptor *d, const char *title);
void opt_set_range(SANE_Option_Descriptor *d, SANE_Range *r, SANE_Word min,
    SANE_Word max, SANE_Word quant);

/* mm as SANE_Fixed to units of 1/PER_INCH inch, rounded; and back. */
SANE_Int opt_mm_to_units(SANE_Fixed mm, unsigned per_inch);
SANE_Fixed opt_units_to_mm(SANE_Int units, unsigned per_inch);

/*
 * The scan area: O[0..3] are tl-x, tl-y, br-x, br-y in mm, X from 0 to
 * XMAX and Y from 0 to YMAX (ranges X and Y, which must outlive O).
 */
void opt_set_area(SANE_Option_Descriptor o[4], SANE_Range *x, SANE_Range *y,
    SANE_Fixed xmax, SANE_Fixed ymax);

/*
 * The area the options MM (tl-x, tl-y, br-x, br-y) ask for, in units of
 * 1/PER_INCH inch, cut to XMAX x YMAX: 0, or -1 if it is narrower or
 * shorter than MIN units.
 */
int opt_area(const SANE_Fixed mm[4], unsigned per_inch, uint32_t xmax, uint32_t ymax,
    uint32_t min, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *l);

#endif
