/*
 * slots.h - a ring of a few large buffers between one thread that fills
 * them (a device's reads) and one that drains them, oldest first: the SANE
 * front's reader and pump (net/scan.c), and an HTTP job's reader and
 * encoder (http/job.c).  Each side holds at most one slot at a time and
 * touches it without the lock; a stop ends both sides' waits.
 */
#ifndef SCSANED_SLOTS_H
#define SCSANED_SLOTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "scsaned/device.h"

#define SLOTS_MAX	8

struct slot {
	uint8_t *data;
	SANE_Int len;
	SANE_Status status;	/* GOOD: data; anything else ends the frame */
};

struct slots {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a slot was filled or freed, or a stop */
	struct slot slot[SLOTS_MAX];
	int n, head, count;	/* slots; the next to fill; filled, not drained */
	int stopped;
};

/* N (at most SLOTS_MAX) slots of SIZE bytes; 0, or -1 (slots_free() it). */
int slots_init(struct slots *r, int n, size_t size);
void slots_free(struct slots *r);

/* The next slot to fill, once one is free; NULL once stopped. */
struct slot *slots_empty(struct slots *r);
/* The slot slots_empty() gave is filled: the drainer may take it. */
void slots_put(struct slots *r);
/* The oldest filled slot, once there is one; NULL once stopped. */
struct slot *slots_oldest(struct slots *r);
/* The slot slots_oldest() gave is drained: the filler may reuse it. */
void slots_release(struct slots *r);
/* From now on both sides get NULL, and neither waits. */
void slots_stop(struct slots *r);

#endif
