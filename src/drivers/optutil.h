/*
 * optutil.h - SANE option bookkeeping every driver needs: checking a value
 * against its descriptor's constraint, the way sanei_constrain_value does
 * it for backends.  Private to src/drivers/.
 */
#ifndef SCSANED_OPTUTIL_H
#define SCSANED_OPTUTIL_H

#include <sane/sane.h>

/*
 * Bring VALUE (d->size bytes) within D's constraint.  Ranges are clamped
 * and quantised, word lists snap to the nearest entry (both set
 * SANE_INFO_INEXACT in *info); a string not in its list is INVAL.
 */
SANE_Status opt_constrain(const SANE_Option_Descriptor *d, void *value,
    SANE_Int *info);

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

/* mm as SANE_Fixed to 1/1200 inch, rounded; and back. */
SANE_Int opt_mm_to_units(SANE_Fixed mm);
SANE_Fixed opt_units_to_mm(SANE_Int units);

#endif
