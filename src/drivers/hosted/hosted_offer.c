/*
 * hosted_offer.c - who drives a discovered LUN: our own driver, a Debian
 * SANE backend, or our generic one.
 *
 * The rule (with `backends yes|LIST`): a driver written for the model
 * wins; else the first SCSI backend whose own discovery finds the LUN
 * (its config's scsi lines, its model table, matched against the LUN's
 * real INQUIRY, exactly as on a local bus); else the generic SCSI-2
 * driver if the LUN is a scanner.  A backend knows its models better than
 * a generic command set does, so it goes before that one.
 *
 * The backends are asked one after another in one helper (one iSCSI
 * session for all of them), each loaded, asked and unloaded again.  A
 * backend that crashes or hangs while being asked costs its own turn: the
 * helper is killed and a fresh one asks the next.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/driver.h"
#include "scsaned/log.h"
#include "hosted_int.h"

#define OFFER_BACKENDS_MAX	128
#define OFFER_WAIT_MS		20000	/* one backend's sane_init and discovery */
#define OFFER_NAME_MAX		32

#ifndef SANE_CONFIG_DEFAULT
#define SANE_CONFIG_DEFAULT "/etc/sane.d"
#endif

static struct {
	int on;
	char only[512];		/* the backends LIST, "" = every backend */
	char ignore[512];
	unsigned stall_ms;
} offer;

void
hosted_offer_config(int on, const char *only, const char *ignore, unsigned stall_ms)
{
	offer.on = on;
	snprintf(offer.only, sizeof(offer.only), "%s", only != NULL ? only : "");
	snprintf(offer.ignore, sizeof(offer.ignore), "%s", ignore != NULL ? ignore : "");
	offer.stall_ms = stall_ms;
}

/* WORD (LEN bytes) is an entry of the comma list LIST. */
static int
listed(const char *list, const char *word, size_t len)
{
	size_t k;

	while (*list != '\0') {
		k = strcspn(list, ",");
		if (k == len && strncmp(list, word, len) == 0)
			return 1;
		list += k;
		if (*list == ',')
			list++;
	}
	return 0;
}

/* Add backend WORD (LEN bytes) to NAMES unless unfit, left out or there. */
static void
add_candidate(char names[][OFFER_NAME_MAX + 1], int *n, const char *word, size_t len)
{
	size_t i;
	int k;

	if (len == 0 || len > OFFER_NAME_MAX || *n == OFFER_BACKENDS_MAX ||
	    listed(offer.ignore, word, len) ||
	    (len == 3 && strncmp(word, "net", 3) == 0) ||	/* never a network scanner */
	    (len == 3 && strncmp(word, "dll", 3) == 0))
		return;
	for (i = 0; i < len; i++)
		if (!islower((unsigned char)word[i]) && !isdigit((unsigned char)word[i]) &&
		    word[i] != '_')
			return;
	for (k = 0; k < *n; k++)
		if (strlen(names[k]) == len && strncmp(names[k], word, len) == 0)
			return;
	memcpy(names[*n], word, len);
	names[(*n)++][len] = '\0';
}

/* The backend names of a dll.conf-style file, in its order. */
static void
read_dll_conf(const char *path, char names[][OFFER_NAME_MAX + 1], int *n)
{
	char line[256], *p;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "#\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		add_candidate(names, n, p, strcspn(p, " \t"));
	}
	fclose(f);
}

/*
 * The backends to ask, in the order asked: the config's LIST, or the
 * system's dll.conf and dll.d (as libsane would load them) for `yes`.
 */
static int
candidates(char names[][OFFER_NAME_MAX + 1])
{
	const char *dir = getenv("SCSANED_BACKEND_CONFIG_DIR");
	const char *p = offer.only;
	char path[600];
	struct dirent *e;
	DIR *d;
	int n = 0;
	size_t k;

	if (*p != '\0') {
		while (*p != '\0') {
			k = strcspn(p, ",");
			if (memchr(p, ':', k) == NULL)	/* a device name, not a backend */
				add_candidate(names, &n, p, k);
			p += k;
			if (*p == ',')
				p++;
		}
		return n;
	}
	if (dir == NULL)
		dir = SANE_CONFIG_DEFAULT;
	snprintf(path, sizeof(path), "%s/dll.conf", dir);
	read_dll_conf(path, names, &n);
	snprintf(path, sizeof(path), "%s/dll.d", dir);
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/dll.d/%.200s", dir, e->d_name);
			read_dll_conf(path, names, &n);
		}
		closedir(d);
	}
	return n;
}

struct verdict {
	SANE_Status status;
	char vendor[32], model[32], type[32];
	uint32_t lun_type;
};

/* Ask BACKEND about DEV in HP; 0 with V, or -1 (the helper is gone). */
static int
ask(struct helper *hp, const struct device *dev, const char *backend, struct verdict *v)
{
	struct hm_out *o = helper_begin(hp, HM_PROBE);
	uint32_t st;

	hm_put_str(o, backend);
	hm_put_str(o, dev->uri);
	hm_put_u32(o, dev->timeout_ms);
	if (helper_call(hp) < 0)
		return -1;
	st = hm_get_u32(&hp->in);
	hm_get_str(&hp->in, v->vendor, sizeof(v->vendor));
	hm_get_str(&hp->in, v->model, sizeof(v->model));
	hm_get_str(&hp->in, v->type, sizeof(v->type));
	v->lun_type = hm_get_u32(&hp->in);
	if (hm_in_done(&hp->in) != 0 || st > SANE_STATUS_ACCESS_DENIED) {
		helper_kill(hp, "sent a bad probe reply");
		return -1;
	}
	v->status = (SANE_Status)st;
	return 0;
}

/* The first backend that finds DEV: its index, names in V; -1 if none. */
static int
offer_backends(const struct device *dev, char names[][OFFER_NAME_MAX + 1], int n,
    struct verdict *v)
{
	struct helper hp = { .pid = -1, .fd = -1 };
	int i, found = -1, failed = 0;

	/* A helper that cannot even start fails every turn: three, and done. */
	for (i = 0; i < n && found < 0 && failed < 3; i++) {
		if (!helper_alive(&hp)) {
			helper_end(&hp);
			if (helper_spawn(&hp, dev->name, OFFER_WAIT_MS) < 0)
				break;
		}
		if (ask(&hp, dev, names[i], v) < 0) {
			log_warn("device %s: backend %s failed while looking for it",
			    dev->name, names[i]);
			failed++;
			continue;
		}
		failed = 0;
		if (v->lun_type != 3 && v->lun_type != 6)
			break;	/* unreachable, or nothing a backend drives */
		if (v->status == SANE_STATUS_GOOD)
			found = i;
	}
	if (helper_alive(&hp)) {
		helper_begin(&hp, HM_CLOSE);
		helper_call(&hp);
	}
	helper_end(&hp);
	return found;
}

/* "BACKEND:NAME" in S (LEN bytes), the name cut to fit. */
static void
prefix_name(char *s, size_t len, const char *backend)
{
	size_t b = strlen(backend), w = strlen(s);

	if (b + 2 >= len)
		return;
	if (w > len - b - 2)
		w = len - b - 2;
	memmove(s + b + 1, s, w);
	memcpy(s, backend, b);
	s[b] = ':';
	s[b + 1 + w] = '\0';
}

int
hosted_claim(struct device *dev, struct scsi_found *found, char *err, size_t errlen)
{
	char names[OFFER_BACKENDS_MAX][OFFER_NAME_MAX + 1];
	struct verdict v;
	int native, n, i;

	native = driver_probe(dev, err, errlen) == 0;
	if ((native && strcmp(dev->driver, driver_scsi2.name) != 0) || !offer.on)
		return native ? 0 : -1;
	if ((n = candidates(names)) == 0 || (i = offer_backends(dev, names, n, &v)) < 0)
		return native ? 0 : -1;
	snprintf(dev->backend, sizeof(dev->backend), "%s", names[i]);
	snprintf(dev->vendor, sizeof(dev->vendor), "%s", v.vendor);
	snprintf(dev->model, sizeof(dev->model), "%s", v.model);
	snprintf(dev->type, sizeof(dev->type), "%s", v.type);
	dev->driver = "hosted";
	dev->ops = &hosted_ops;
	dev->stall_ms = offer.stall_ms;
	/* Clients see which backend drives it, as libsane's names show. */
	prefix_name(dev->name, sizeof(dev->name), names[i]);
	if (found != NULL) {
		prefix_name(found->name, sizeof(found->name), names[i]);
		prefix_name(found->alt, sizeof(found->alt), names[i]);
	}
	log_debug("device %s: backend %s finds it (%s %s)", dev->name, names[i],
	    dev->vendor, dev->model);
	return 0;
}
