/*
 * scsi.h - the SCSI layer: one way to send a CDB to a device, whatever
 * carries it (in-process simulator, Linux sg, iSCSI).
 *
 * Drivers call only what is declared here.  A transport is an ops table
 * selected by the URI scheme ("sim:", later "sg:" and "iscsi://").
 */
#ifndef SCSANED_SCSI_H
#define SCSANED_SCSI_H

#include <stddef.h>
#include <stdint.h>

enum scsi_dir {
	SCSI_DIR_NONE,
	SCSI_DIR_IN,	/* device to host */
	SCSI_DIR_OUT,	/* host to device */
};

/* SCSI status bytes we act on. */
#define SCSI_STATUS_GOOD		0x00
#define SCSI_STATUS_CHECK_CONDITION	0x02
#define SCSI_STATUS_BUSY		0x08
#define SCSI_STATUS_RESERVATION_CONFLICT 0x18

/* Transport errors: the command's fate is unknown or it never ran. */
enum scsi_transport_error {
	SCSI_TERR_NONE = 0,
	SCSI_TERR_TIMEOUT,	/* no answer within the command's timeout */
	SCSI_TERR_LINK,		/* connection to the device lost */
	SCSI_TERR_HOST,		/* adapter or initiator reported a failure */
	SCSI_TERR_INVALID,	/* the request itself was unusable */
};

#define SCSI_SENSE_MAX 252

struct scsi_result {
	uint8_t status;			/* SCSI status byte */
	uint8_t sense[SCSI_SENSE_MAX];	/* raw sense as the device sent it */
	size_t sense_len;
	size_t residual;		/* bytes asked for but not transferred */
	int transport_error;		/* enum scsi_transport_error */
};

/* Decoded fixed or descriptor format sense. */
struct scsi_sense_data {
	int valid;		/* 1 if the bytes were parseable sense */
	uint8_t key;		/* sense key, 0..15 */
	uint8_t asc, ascq;
	int eom, ili, filemark;
	int info_valid;
	uint32_t info;		/* information field (READ residue with ILI) */
};

struct scsi_target;
struct scsi_cmd;	/* a command in flight; each transport defines its own */

/*
 * What every transport implements.  execute() must fill *res completely.
 * start() and finish() are for transports that can carry more than one
 * command at a time; NULL elsewhere.
 */
struct scsi_transport_ops {
	const char *scheme;	/* URI prefix including ':' */
	int (*open)(const char *uri, struct scsi_target **out,
	    char *err, size_t errlen);
	int (*execute)(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
	    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
	    struct scsi_result *res);
	struct scsi_cmd *(*start)(struct scsi_target *t, const uint8_t *cdb,
	    size_t cdb_len, enum scsi_dir dir, void *buf, size_t len,
	    unsigned timeout_ms, struct scsi_result *res);
	int (*finish)(struct scsi_target *t, struct scsi_cmd *c,
	    struct scsi_result *res);
	void (*close)(struct scsi_target *t);
	int instance;		/* every open makes a device of its own (sim:) */
	int exclusive;		/* an open excludes every other (sg: O_EXCL) */
};

/* The common head of every transport's target. */
struct scsi_target {
	const struct scsi_transport_ops *ops;
	char uri[256];
};

/* The transports (one per file in src/scsi/). */
extern const struct scsi_transport_ops scsi_sim_transport;
extern const struct scsi_transport_ops scsi_sg_transport;
extern const struct scsi_transport_ops scsi_iscsi_transport;

/* Why an open failed, so the SANE layer can answer with the right status. */
enum scsi_open_error {
	SCSI_OPEN_FAILED = -1,	/* unknown scheme, bad URI, unreachable */
	SCSI_OPEN_DENIED = -2,	/* refused: credentials or permissions */
	SCSI_OPEN_BUSY = -3,	/* another program holds the device */
};

/*
 * Open the device named by URI.  Returns 0 and *out on success; a
 * negative enum scsi_open_error with a message in ERR otherwise.  The
 * message never holds a password.  Caller closes with scsi_close().
 */
int scsi_open(const char *uri, struct scsi_target **out, char *err, size_t errlen);
void scsi_close(struct scsi_target *t);

/*
 * URI as it may be shown in logs and listings: a password in the user
 * part of an iscsi:// URI (and in target_password=) becomes "****".
 */
const char *scsi_uri_display(const char *uri, char *out, size_t len);

/*
 * Send one command.  Returns 0 when the command completed with GOOD status,
 * 1 when it completed with another status (see res->status, res->sense),
 * -1 on a transport error (res->transport_error).  RES is always filled.
 */
int scsi_execute(struct scsi_target *t, const uint8_t *cdb, size_t cdb_len,
    enum scsi_dir dir, void *buf, size_t len, unsigned timeout_ms,
    struct scsi_result *res);

/*
 * Commands in flight.  Over iSCSI every command waits a network round
 * trip, and a target such as tgt serves one passthrough command after
 * another; a driver streaming READs keeps the next one queued at the
 * target so the scanner is never idle while data crosses the network.
 * sim: and sg: run one command at a time: scsi_can_queue() says 0 there
 * and drivers use scsi_execute().
 *
 * At most SCSI_QUEUE_MAX per target: Linux's sg driver puts a command at
 * the head of the device's queue unless asked otherwise (tgt does not
 * ask), so with three in flight the third could overtake the second on
 * its way to an untagged scanner.  With two, one runs and one waits.
 */
#define SCSI_QUEUE_MAX 2

int scsi_can_queue(const struct scsi_target *t);

/*
 * Send a command without waiting for it.  BUF must stay valid until
 * scsi_finish().  NULL when it could not be sent (RES says why).
 */
struct scsi_cmd *scsi_start(struct scsi_target *t, const uint8_t *cdb,
    size_t cdb_len, enum scsi_dir dir, void *buf, size_t len,
    unsigned timeout_ms, struct scsi_result *res);

/*
 * Wait for C, the oldest command started and not finished, and free it.
 * Returns and fills RES as scsi_execute().  Its timeout counts from this
 * call: until then the commands before it had the device.  Every started
 * command must be finished, also when the caller no longer wants it.
 */
int scsi_finish(struct scsi_target *t, struct scsi_cmd *c, struct scsi_result *res);

/* Parse RES's sense bytes (fixed 70h/71h or descriptor 72h/73h format). */
void scsi_sense_decode(const uint8_t *sense, size_t len, struct scsi_sense_data *out);

/* Human-readable "NOT READY: logical unit is becoming ready (2/04/01)". */
const char *scsi_sense_string(const struct scsi_sense_data *s, char *buf, size_t len);

/* One line describing a non-GOOD result, for logs. */
const char *scsi_result_string(const struct scsi_result *r, char *buf, size_t len);

/* A device discovery found: how to reach it, and names for it. */
struct scsi_found {
	char uri[256];
	char name[64];	/* from its identity: stable across restarts */
	char alt[64];	/* more specific, for when NAME is taken */
};

/*
 * Enumerate the devices SPEC names, one of
 *   "sg [sysfs=DIR] [dev=DIR]"  the local SCSI generic nodes of peripheral
 *                               type 6 (scanner) or 3 (processor);
 *   "iscsi://[user%pw@]host[:port]"  SendTargets on that portal, then
 *                               every LUN >= 1 of every target.
 * Fills at most MAX entries of OUT and returns how many; -1 with a
 * message in ERR when the enumeration itself failed.  ERR is "" on
 * success, or says what was left out (targets that refused the login).
 * Which of them a driver claims is for the caller to find out.
 */
int scsi_discover(const char *spec, struct scsi_found *out, int max,
    char *err, size_t errlen);

/*
 * True if A and B reach the same device: iscsi:// URIs are compared
 * without credentials and with the default port 3260 made explicit.
 */
int scsi_uri_same(const char *a, const char *b);

/*
 * What identifies the device behind URI: for iscsi://, the URI without
 * credentials in the user part and with the port made explicit (the
 * query, which may hold target_password, stays: show it through
 * scsi_uri_display).  Other URIs unchanged.
 */
void scsi_uri_canonical(const char *uri, char *out, size_t len);

/*
 * 1 if two opens of URI reach one device, which processes must take turns
 * at (sg:, iscsi://, an unknown scheme); 0 if every open makes a device of
 * its own (sim:), so two opens never meet.
 */
int scsi_uri_shared(const char *uri);

/*
 * 1 if an open of the device behind WHAT (a URI, or a discover spec such
 * as "sg") fails while any other open of it is under way, as sg's O_EXCL
 * does: whoever probes such devices must probe them one at a time, since
 * two names for one node (a udev symlink) would collide.
 */
int scsi_uri_exclusive(const char *what);

/* Turn TEXT into a device name: lower case, [a-z0-9-_.+], max LEN-1. */
void scsi_name_from(const char *text, char *out, size_t len);

/* Standard INQUIRY data, trimmed strings. */
struct scsi_inquiry {
	uint8_t peripheral_type;	/* byte 0 bits 4-0 */
	uint8_t qualifier;		/* byte 0 bits 7-5 */
	uint8_t version;
	char vendor[9];
	char product[17];
	char revision[5];
};

/* INQUIRY with alloc length 36; parsed and space-trimmed into *inq. */
int scsi_inquiry(struct scsi_target *t, struct scsi_inquiry *inq,
    struct scsi_result *res);

/* Pure parser of INQUIRY data, for tests and fuzzers.  0, or -1 if too short. */
int scsi_inquiry_parse(const uint8_t *buf, size_t len, struct scsi_inquiry *inq);

/* INQUIRY with EVPD=1 for PAGE; *got = bytes the device returned. */
int scsi_inquiry_vpd(struct scsi_target *t, uint8_t page, uint8_t *buf,
    size_t len, size_t *got, struct scsi_result *res);

int scsi_test_unit_ready(struct scsi_target *t, struct scsi_result *res);

/* REQUEST SENSE into res->sense (for devices that do not autosense). */
int scsi_request_sense(struct scsi_target *t, struct scsi_result *res);

/* Name of the peripheral device type ("scanner", "processor", ...). */
const char *scsi_type_name(uint8_t type);

#endif
