/*
 * discover.c - find scanners without naming each one in the config:
 * local sg nodes from sysfs, and LUNs behind an iSCSI portal.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scsaned/scsi.h"
#include "scsaned/scsi_opcodes.h"

int scsi_discover_iscsi(const char *portal_url, struct scsi_found *out, int max,
    char *err, size_t errlen);

void
scsi_name_from(const char *text, char *out, size_t len)
{
	size_t n = 0;
	int dash = 1;	/* no leading dash, no doubled dashes */

	for (; *text != '\0' && n + 1 < len; text++) {
		if (isalnum((unsigned char)*text) || strchr("_.+", *text) != NULL) {
			out[n++] = (char)tolower((unsigned char)*text);
			dash = 0;
		} else if (!dash) {
			out[n++] = '-';
			dash = 1;
		}
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/* First line of a small sysfs file, trimmed; "" if unreadable. */
static void
read_attr(const char *dir, const char *name, char *out, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	fclose(f);
	n = strlen(out);
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		out[--n] = '\0';
}

static const char *
kv(const char *spec, const char *key, const char *dflt, char *buf, size_t len)
{
	const char *p = strstr(spec, key);
	size_t n;

	if (p == NULL || (p != spec && p[-1] != ' '))
		return dflt;
	p += strlen(key);
	n = strcspn(p, " ");
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

static int
discover_sg(const char *spec, struct scsi_found *out, int max, char *err,
    size_t errlen)
{
	char sysbuf[256], devbuf[256], dir[512], type[16], vendor[32], model[64];
	char hctl[64], link[512], ident[256];
	const char *sys = kv(spec, "sysfs=", "/sys/class/scsi_generic", sysbuf, sizeof(sysbuf));
	const char *dev = kv(spec, "dev=", "/dev", devbuf, sizeof(devbuf));
	struct dirent *e;
	DIR *d;
	ssize_t n;
	int count = 0, t;

	if ((d = opendir(sys)) == NULL) {
		snprintf(err, errlen, "cannot read %s", sys);
		return -1;
	}
	while ((e = readdir(d)) != NULL && count < max) {
		if (strncmp(e->d_name, "sg", 2) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/device", sys, e->d_name);
		read_attr(dir, "type", type, sizeof(type));
		t = atoi(type);
		if (type[0] == '\0' || (t != SCSI_TYPE_SCANNER && t != SCSI_TYPE_PROCESSOR))
			continue;
		read_attr(dir, "vendor", vendor, sizeof(vendor));
		read_attr(dir, "model", model, sizeof(model));
		/* The device link ends in H:C:T:L, stable while the cabling is. */
		n = readlink(dir, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		snprintf(hctl, sizeof(hctl), "%.63s", strrchr(link, '/') ? strrchr(link, '/') + 1 : e->d_name);
		snprintf(out[count].uri, sizeof(out[count].uri), "sg:%.200s/%.40s", dev, e->d_name);
		snprintf(ident, sizeof(ident), "%.31s %.63s", vendor, model);
		scsi_name_from(ident, out[count].name, sizeof(out[count].name));
		snprintf(ident, sizeof(ident), "%.31s %.63s %.63s", vendor, model, hctl);
		scsi_name_from(ident, out[count].alt, sizeof(out[count].alt));
		count++;
	}
	closedir(d);
	return count;
}

int
scsi_discover(const char *spec, struct scsi_found *out, int max, char *err,
    size_t errlen)
{
	if (errlen > 0)
		err[0] = '\0';
	if (strcmp(spec, "sg") == 0 || strncmp(spec, "sg ", 3) == 0)
		return discover_sg(spec, out, max, err, errlen);
	if (strncmp(spec, "iscsi://", 8) == 0)
		return scsi_discover_iscsi(spec, out, max, err, errlen);
	snprintf(err, errlen, "cannot discover '%.64s' (sg or iscsi://portal)", spec);
	return -1;
}
