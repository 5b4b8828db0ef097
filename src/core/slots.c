/*
 * slots.c - the ring of large buffers between a filling and a draining
 * thread (slots.h).  Only the counts are shared; a slot's bytes belong to
 * whichever side holds it, so the lock is never held across a device read
 * or a send.
 */
#include <stdlib.h>
#include <string.h>

#include "scsaned/slots.h"

int
slots_init(struct slots *r, int n, size_t size)
{
	int i;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->n = n < 1 ? 1 : n > SLOTS_MAX ? SLOTS_MAX : n;
	for (i = 0; i < r->n; i++)
		if ((r->slot[i].data = malloc(size)) == NULL)
			return -1;
	return 0;
}

void
slots_free(struct slots *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->slot[i].data);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
}

struct slot *
slots_empty(struct slots *r)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&r->lock);
	while (r->count == r->n && !r->stopped)
		pthread_cond_wait(&r->cond, &r->lock);
	if (!r->stopped)
		s = &r->slot[r->head];
	pthread_mutex_unlock(&r->lock);
	return s;
}

void
slots_put(struct slots *r)
{
	pthread_mutex_lock(&r->lock);
	r->head = (r->head + 1) % r->n;
	r->count++;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

struct slot *
slots_oldest(struct slots *r)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&r->lock);
	while (r->count == 0 && !r->stopped)
		pthread_cond_wait(&r->cond, &r->lock);
	if (!r->stopped)
		s = &r->slot[(r->head - r->count + r->n) % r->n];
	pthread_mutex_unlock(&r->lock);
	return s;
}

void
slots_release(struct slots *r)
{
	pthread_mutex_lock(&r->lock);
	r->count--;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void
slots_stop(struct slots *r)
{
	pthread_mutex_lock(&r->lock);
	r->stopped = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}
