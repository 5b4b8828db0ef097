/*
 * optutil.c - option descriptors, value constraints and unit conversion.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sane/saneopts.h>

#include "optutil.h"

static SANE_Word
constrain_range(const SANE_Range *r, SANE_Word v)
{
	SANE_Word q;

	if (v < r->min)
		v = r->min;
	if (v > r->max)
		v = r->max;
	if (r->quant > 0) {
		q = (SANE_Word)(((int64_t)v - r->min + r->quant / 2) / r->quant);
		v = (SANE_Word)((int64_t)r->min + (int64_t)q * r->quant);
		if (v > r->max)
			v -= r->quant;
	}
	return v;
}

static SANE_Word
constrain_list(const SANE_Word *wl, SANE_Word v)
{
	SANE_Word best = wl[1];
	int64_t d, bestd = INT64_MAX;
	SANE_Int i;

	for (i = 1; i <= wl[0]; i++) {
		d = llabs((int64_t)wl[i] - v);
		if (d < bestd) {
			bestd = d;
			best = wl[i];
		}
	}
	return best;
}

SANE_Status
opt_constrain(const SANE_Option_Descriptor *d, void *value, SANE_Int *info)
{
	SANE_Word *w = value, nv;
	const SANE_String_Const *s;
	size_t i, n;

	switch (d->constraint_type) {
	case SANE_CONSTRAINT_RANGE:
	case SANE_CONSTRAINT_WORD_LIST:
		n = d->type == SANE_TYPE_BOOL || d->type == SANE_TYPE_INT ||
		    d->type == SANE_TYPE_FIXED ? (size_t)d->size / sizeof(SANE_Word) : 0;
		for (i = 0; i < n; i++) {
			nv = d->constraint_type == SANE_CONSTRAINT_RANGE ?
			    constrain_range(d->constraint.range, w[i]) :
			    constrain_list(d->constraint.word_list, w[i]);
			if (nv != w[i]) {
				w[i] = nv;
				if (info != NULL)
					*info |= SANE_INFO_INEXACT;
			}
		}
		return SANE_STATUS_GOOD;
	case SANE_CONSTRAINT_STRING_LIST:
		/* The value must be NUL-terminated within the option's size. */
		if (memchr(value, '\0', (size_t)d->size) == NULL)
			return SANE_STATUS_INVAL;
		for (s = d->constraint.string_list; *s != NULL; s++)
			if (strcmp(*s, value) == 0)
				return SANE_STATUS_GOOD;
		return SANE_STATUS_INVAL;
	default:
		if (d->type == SANE_TYPE_BOOL && (*w != SANE_FALSE && *w != SANE_TRUE))
			return SANE_STATUS_INVAL;
		return SANE_STATUS_GOOD;
	}
}

SANE_Int
opt_mm_to_units(SANE_Fixed mm, unsigned per_inch)
{
	/* units = mm * per_inch / 25.4, with SANE_Fixed's 16 fraction bits. */
	int64_t num = (int64_t)mm * per_inch * 10;
	int64_t den = (int64_t)254 << SANE_FIXED_SCALE_SHIFT;

	return (SANE_Int)((num + den / 2) / den);
}

SANE_Fixed
opt_units_to_mm(SANE_Int units, unsigned per_inch)
{
	int64_t num = ((int64_t)units * 254) << SANE_FIXED_SCALE_SHIFT;
	int64_t den = (int64_t)per_inch * 10;

	return (SANE_Fixed)((num + den / 2) / den);
}

void
opt_set_area(SANE_Option_Descriptor o[4], SANE_Range *x, SANE_Range *y, SANE_Fixed xmax,
    SANE_Fixed ymax)
{
	opt_set_desc(&o[0], SANE_NAME_SCAN_TL_X, SANE_TITLE_SCAN_TL_X, SANE_DESC_SCAN_TL_X,
	    SANE_TYPE_FIXED, SANE_UNIT_MM, sizeof(SANE_Word));
	opt_set_desc(&o[1], SANE_NAME_SCAN_TL_Y, SANE_TITLE_SCAN_TL_Y, SANE_DESC_SCAN_TL_Y,
	    SANE_TYPE_FIXED, SANE_UNIT_MM, sizeof(SANE_Word));
	opt_set_desc(&o[2], SANE_NAME_SCAN_BR_X, SANE_TITLE_SCAN_BR_X, SANE_DESC_SCAN_BR_X,
	    SANE_TYPE_FIXED, SANE_UNIT_MM, sizeof(SANE_Word));
	opt_set_desc(&o[3], SANE_NAME_SCAN_BR_Y, SANE_TITLE_SCAN_BR_Y, SANE_DESC_SCAN_BR_Y,
	    SANE_TYPE_FIXED, SANE_UNIT_MM, sizeof(SANE_Word));
	opt_set_range(&o[0], x, 0, xmax, 0);
	opt_set_range(&o[2], x, 0, xmax, 0);
	opt_set_range(&o[1], y, 0, ymax, 0);
	opt_set_range(&o[3], y, 0, ymax, 0);
}

void
opt_set_desc(SANE_Option_Descriptor *d, const char *name, const char *title,
    const char *desc, SANE_Value_Type type, SANE_Unit unit, SANE_Int size)
{
	d->name = name;
	d->title = title;
	d->desc = desc;
	d->type = type;
	d->unit = unit;
	d->size = size;
	d->cap = SANE_CAP_SOFT_SELECT | SANE_CAP_SOFT_DETECT;
	d->constraint_type = SANE_CONSTRAINT_NONE;
}

void
opt_set_group(SANE_Option_Descriptor *d, const char *title)
{
	opt_set_desc(d, "", title, "", SANE_TYPE_GROUP, SANE_UNIT_NONE, 0);
	d->cap = 0;
}

void
opt_set_range(SANE_Option_Descriptor *d, SANE_Range *r, SANE_Word min, SANE_Word max,
    SANE_Word quant)
{
	r->min = min;
	r->max = max;
	r->quant = quant;
	d->constraint_type = SANE_CONSTRAINT_RANGE;
	d->constraint.range = r;
}

SANE_Status
opt_get_set(const SANE_Option_Descriptor *d, void *val, SANE_Action a, void *v,
    SANE_Int *info)
{
	SANE_Status st;

	if (a == SANE_ACTION_GET_VALUE) {
		if (d->type == SANE_TYPE_STRING)
			snprintf(v, (size_t)d->size, "%s", (const char *)val);
		else
			memcpy(v, val, sizeof(SANE_Word));
		return SANE_STATUS_GOOD;
	}
	if (a != SANE_ACTION_SET_VALUE)
		return SANE_STATUS_UNSUPPORTED;	/* no automatic values */
	if ((st = opt_constrain(d, v, info)) != SANE_STATUS_GOOD)
		return st;
	if (d->type == SANE_TYPE_STRING)
		snprintf(val, (size_t)d->size, "%s", (const char *)v);
	else
		memcpy(val, v, sizeof(SANE_Word));
	return SANE_STATUS_GOOD;
}

SANE_Status
opt_control(const SANE_Option_Descriptor *opts, SANE_Int count, SANE_Int n, SANE_Action a,
    void *val, void *v, SANE_Int *info, int scanning, enum opt_next *next)
{
	SANE_Status st;

	*next = OPT_DONE;
	if (info != NULL)
		*info = 0;
	if (n < 0 || n >= count)
		return SANE_STATUS_INVAL;
	if (n == 0 && a == SANE_ACTION_GET_VALUE) {
		*(SANE_Word *)v = count;
		return SANE_STATUS_GOOD;
	}
	if (opts[n].cap & SANE_CAP_INACTIVE && a != SANE_ACTION_GET_VALUE)
		return SANE_STATUS_INVAL;
	if (opts[n].type == SANE_TYPE_BUTTON) {
		if (a != SANE_ACTION_SET_VALUE)
			return SANE_STATUS_INVAL;
		if (scanning)
			return SANE_STATUS_DEVICE_BUSY;
		*next = OPT_BUTTON;
		return SANE_STATUS_GOOD;
	}
	if (val == NULL)
		return SANE_STATUS_INVAL;
	if (a == SANE_ACTION_SET_VALUE && scanning)
		return SANE_STATUS_DEVICE_BUSY;
	st = opt_get_set(&opts[n], val, a, v, info);
	if (st == SANE_STATUS_GOOD && a == SANE_ACTION_SET_VALUE)
		*next = OPT_CHANGED;
	return st;
}

int
opt_area(const SANE_Fixed mm[4], unsigned per_inch, uint32_t xmax, uint32_t ymax,
    uint32_t min, uint32_t *x, uint32_t *y, uint32_t *w, uint32_t *l)
{
	uint32_t x0 = (uint32_t)opt_mm_to_units(mm[0], per_inch);
	uint32_t y0 = (uint32_t)opt_mm_to_units(mm[1], per_inch);
	uint32_t x1 = (uint32_t)opt_mm_to_units(mm[2], per_inch);
	uint32_t y1 = (uint32_t)opt_mm_to_units(mm[3], per_inch);

	x1 = x1 > xmax ? xmax : x1;
	y1 = y1 > ymax ? ymax : y1;
	if (x1 < x0 + min || y1 < y0 + min)
		return -1;
	*x = x0;
	*y = y0;
	*w = x1 - x0;
	*l = y1 - y0;
	return 0;
}
