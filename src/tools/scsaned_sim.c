/*
 * scsaned_sim.c - scsaned-sim: the simulator from the command line.
 *
 *   scsaned-sim list
 *   scsaned-sim render MODEL KEY=VALUE... [-o FILE]
 *       the PNM a perfect scan of that window returns (the window in the
 *       device's terms, as a trace's "window" line prints it)
 *   scsaned-sim cdb 'MODEL[?opts]' CDBHEX[:in=N|:out=HEX]...
 *       send commands to a fresh device and print what it answers
 *   scsaned-sim trace-check FILE [KEY/ASC/ASCQ... nak=TOKEN...]
 *       exit 1 if the trace FILE shows a CHECK CONDITION other than the end
 *       of image (EOM on READ) and those listed, or a command a model
 *       refused in its own protocol ("check ... nak=TOKEN", ESC/I NAKs)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/sim.h"

static int
usage(void)
{
	fprintf(stderr,
	    "usage: scsaned-sim list\n"
	    "       scsaned-sim render MODEL KEY=VALUE... [-o FILE]\n"
	    "       scsaned-sim cdb 'MODEL[?opts]' CDBHEX[:in=N|:out=HEX]...\n"
	    "       scsaned-sim trace-check FILE [KEY/ASC/ASCQ... nak=TOKEN...]\n");
	return 2;
}

static int
cmd_render(int argc, char **argv)
{
	char window[512] = "", err[256];
	const char *outpath = NULL;
	FILE *out = stdout;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			outpath = argv[++i];
			continue;
		}
		if (strlen(window) + strlen(argv[i]) + 2 > sizeof(window))
			return usage();
		strcat(window, argv[i]);
		strcat(window, " ");
	}
	if (outpath != NULL && (out = fopen(outpath, "wb")) == NULL) {
		perror(outpath);
		return 1;
	}
	rc = sim_render(argv[0], window, out, err, sizeof(err));
	if (out != stdout && fclose(out) != 0)
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "scsaned-sim: %s\n", err);
		return 1;
	}
	return 0;
}

static size_t
parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (s[0] != '\0' && s[0] != ':' && n < max) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return 0;
		sscanf(s, "%2hhx", &out[n++]);
		s += 2;
	}
	return n;
}

static void
print_hex(const char *tag, const uint8_t *p, size_t n)
{
	size_t i;

	printf("%s", tag);
	for (i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", p[i]);
	printf("\n");
}

static int
cmd_cdb(int argc, char **argv)
{
	struct sim_device *d;
	struct sim_io io;
	uint8_t cdb[16], *buf;
	char err[256], *colon;
	int i;

	if ((d = sim_open(argv[0], err, sizeof(err))) == NULL) {
		fprintf(stderr, "scsaned-sim: %s\n", err);
		return 1;
	}
	if ((buf = calloc(1, 1 << 20)) == NULL) {
		sim_close(d);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		memset(&io, 0, sizeof(io));
		io.cdb = cdb;
		io.cdb_len = parse_hex(argv[i], cdb, sizeof(cdb));
		io.buf = buf;
		if ((colon = strchr(argv[i], ':')) != NULL) {
			if (strncmp(colon, ":in=", 4) == 0) {
				io.dir = SIM_DIR_IN;
				io.buflen = strtoul(colon + 4, NULL, 10);
				if (io.buflen > (1 << 20))
					io.buflen = 1 << 20;
			} else if (strncmp(colon, ":out=", 5) == 0) {
				io.dir = SIM_DIR_OUT;
				io.buflen = parse_hex(colon + 5, buf, 1 << 20);
			}
		}
		sim_command(d, &io);
		printf("status %02x xfer %zu\n", io.status, io.xfer);
		if (io.sense_len)
			print_hex("sense ", io.sense, io.sense_len);
		if (io.dir == SIM_DIR_IN && io.xfer)
			print_hex("data ", buf, io.xfer > 256 ? 256 : io.xfer);
	}
	free(buf);
	sim_close(d);
	return 0;
}

/* LINE rejects an ESC/I command with exactly the NAK token WANT. */
static int
nak_is(const char *line, const char *want)
{
	const char *p = strstr(line, want);

	return p != NULL && (p[strlen(want)] == '\n' || p[strlen(want)] == ' ' ||
	    p[strlen(want)] == '\0');
}

static int
cmd_trace_check(int argc, char **argv)
{
	char line[512], want[32];
	FILE *f;
	int i, ok, bad = 0;

	if ((f = fopen(argv[0], "r")) == NULL) {
		perror(argv[0]);
		return 2;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "check ", 6) != 0)
			continue;
		/* A short READ at the end of the image is the standard's EOF. */
		ok = strncmp(line, "check op=28 sense=0/00/00 eom", 29) == 0;
		for (i = 1; i < argc && !ok; i++) {
			if (strncmp(argv[i], "nak=", 4) == 0) {
				ok = nak_is(line, argv[i]);
				continue;
			}
			snprintf(want, sizeof(want), "sense=%s", argv[i]);
			ok = strstr(line, want) != NULL;
		}
		if (!ok) {
			printf("unexpected: %s", line);
			bad++;
		}
	}
	fclose(f);
	return bad ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *const *m;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "list") == 0) {
		for (m = sim_models(); *m != NULL; m++)
			printf("%s\n", *m);
		return 0;
	}
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "render") == 0)
		return cmd_render(argc - 2, argv + 2);
	if (strcmp(argv[1], "cdb") == 0)
		return cmd_cdb(argc - 2, argv + 2);
	if (strcmp(argv[1], "trace-check") == 0)
		return cmd_trace_check(argc - 2, argv + 2);
	return usage();
}
