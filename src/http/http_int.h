/*
 * http_int.h - what the HTTP front's files share.  Private to src/http/.
 *
 *   front.c     the daemons: ports, the access list, limits, auth, routing
 *   escl_api.c  /eSCL on each device's port
 *   web_api.c   /api (JSON) and the static files of the web page
 *   job.c       a scan: device -> rows -> encoder -> a bounded byte queue
 *               -> the HTTP response, on a thread of its own
 *   devopts.c   SANE options: set by name from text, read into eSCL
 *               capabilities, written as JSON
 *   jsonbuf.c   a growing buffer with JSON string escaping
 *   uuid.c      UUIDs: random for jobs, name-based for devices
 */
#ifndef HTTP_INT_H
#define HTTP_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scsaned/device.h"
#include "scsaned/encode.h"
#include "scsaned/escl.h"
#include "scsaned/http.h"

/* ---- a growing text buffer (jsonbuf.c) ---------------------------------- */

struct jbuf {
	char *s;
	size_t len, cap;
	int failed;		/* out of memory: everything after is dropped */
};

void jb_init(struct jbuf *b);
void jb_free(struct jbuf *b);
void jb_add(struct jbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* LEN raw bytes (binary too). */
void jb_put(struct jbuf *b, const void *p, size_t len);
/* S as a JSON string, quotes included; NULL as null. */
void jb_str(struct jbuf *b, const char *s);

/* ---- UUIDs (uuid.c) ----------------------------------------------------- */

/* B as 8-4-4-4-12 hex with VERSION (3 name-based, 4 random) and variant set. */
void uuid_format(const unsigned char b[16], unsigned version, char out[40]);
/* A random (version 4) UUID; 0, or -1 if the kernel gave no randomness. */
int uuid_random(char out[40]);

/* ---- options (devopts.c) ------------------------------------------------ */

/* An open handle on a device, for the time of one request or one scan. */
struct devh {
	struct device *dev;
	void *h;
};

/*
 * Take DEV for WHO and open it for one request: GOOD, DEVICE_BUSY if
 * anyone holds it, or the open's error (the device is released again).
 * devh_return() closes and releases.
 */
SANE_Status devh_borrow(struct devreg *reg, struct device *dev, const char *who,
    struct devh *d);
void devh_return(struct devreg *reg, struct devh *d);

/* The value of the one-word INT or FIXED option NAME; 0 or -1 (none, inactive). */
int opt_number(struct devh *d, const char *name, double *out);

/* The option named NAME, its index in *N; NULL if none or inactive. */
const SANE_Option_Descriptor *opt_find(struct devh *d, const char *name, SANE_Int *n);

/*
 * Set option NAME from text VALUE as its type reads it (yes/no, integers,
 * decimals for fixed, strings; a button is pressed).  GOOD, or INVAL with
 * why in ERR (unknown, inactive, read-only, malformed, out of the list).
 */
SANE_Status opt_set_text(struct devh *d, const char *name, const char *value,
    char *err, size_t errlen);

/* Every option and its value, as JSON (web_api's /options). */
void opt_json(struct devh *d, struct jbuf *b);

/* What the device offers over eSCL; strings point into CAPS_TEXT. */
struct caps_text {
	char make_and_model[96], manufacturer[32], serial[64], uuid[40], admin[160];
};
int opt_caps(struct devh *d, struct escl_caps *c, struct caps_text *t);

/*
 * Apply an eSCL ticket already checked against the capabilities: colour
 * mode and depth, resolution, region (1/300 in into millimetres).  GOOD,
 * or INVAL with why in ERR (the driver refused a value).
 */
SANE_Status opt_apply_escl(struct devh *d, const struct escl_settings *s,
    char *err, size_t errlen);

/* ---- jobs (job.c) ------------------------------------------------------- */

enum job_state { JOB_PENDING, JOB_PROCESSING, JOB_COMPLETED, JOB_CANCELED,
    JOB_ABORTED };

#define JOB_SETS_MAX	48	/* name=value options of one web scan */

struct job_request {
	enum enc_format format;
	int quality;
	int have_escl;
	struct escl_settings escl;
	int nsets;
	char set_name[JOB_SETS_MAX][64];
	char set_value[JOB_SETS_MAX][128];
};

struct job {
	char id[40];			/* a UUID */
	struct device *dev;
	struct front *fr;
	char who[96];
	struct job_request req;
	time_t created;

	pthread_mutex_t lock;
	pthread_cond_t cond;		/* bytes in, bytes out, cancel */
	enum job_state state;
	char why[160];			/* the failure, for the log and the page */
	uint8_t *q;			/* the byte ring between encoder and client */
	size_t qcap, qhead, qlen;
	int eof;			/* encoder closed: what is in Q is the end */
	int taken;			/* a client has claimed the document */
	int served;			/* ... and read it to the end */
	atomic_int cancel;
	int refs;
	unsigned width, height;		/* the image, once started */
	atomic_uint lines;		/* rows read from the device */
	atomic_ullong sent;		/* encoded bytes handed to a client */
	struct job *next;
};

/*
 * Take DEV for WHO (DEVICE_BUSY if anyone has it) and start a scan of it
 * on a thread of its own.  The job is in the front's list; *OUT holds a
 * reference (job_put() it).
 */
SANE_Status job_create(struct front *fr, struct device *dev, const char *who,
    const struct job_request *req, struct job **out);
/* The job with ID (a reference), or NULL. */
struct job *job_get(struct front *fr, const char *id);
void job_put(struct job *j);
/* Ask the scan to stop; the device is released within one device read. */
void job_cancel(struct job *j);
/*
 * Claim J's document for one response: a callback response streaming it
 * as it is encoded, or NULL if already claimed (the caller answers 404).
 */
struct MHD_Response *job_response(struct job *j);
/* Copy of the jobs of DEV (NULL: all) for a status page; free() it. */
struct job_view {
	char id[40];
	char dev[64];
	char who[96];
	char why[160];
	enum job_state state;
	unsigned age_s, width, height, lines;
	unsigned long long sent;
	int served;
};
size_t job_list(struct front *fr, const struct device *dev, struct job_view **out);
/* Cancel all and wait for the threads (http_stop). */
void job_stop_all(struct front *fr);

/* ---- the front (front.c) ------------------------------------------------ */

struct eport {			/* one device's eSCL daemon */
	struct front *fr;
	struct device *dev;
	unsigned port;
	struct MHD_Daemon *d;
	char uuid[40];
	pthread_mutex_t caps_lock;
	struct escl_caps caps;	/* read once (escl_load_caps) */
	struct caps_text caps_text;
	int have_caps;
};

#define FRONT_PORTS_MAX	256

struct front {
	const struct http_env *env;
	struct MHD_Daemon *web;
	struct eport *ports[FRONT_PORTS_MAX];
	int nports;
	pthread_mutex_t ports_lock;
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_cond;	/* a job thread ended */
	struct job *jobs;
	int njobs;
	int running;		/* job threads alive */
	pthread_t watcher;
	int watching;
	unsigned next_port;	/* where the next device without escl_port= looks */
	atomic_uint clients;	/* connections open, all the front's daemons */
	atomic_int stop;
	char host[80];		/* the address pages name when no Host came */
};

/* The eSCL port of DEV, 0 if none. */
unsigned front_port_of(struct front *fr, const struct device *dev);
struct eport *front_eport_of(struct front *fr, const struct device *dev);

/* The peer's address as text, for logs and job owners. */
void front_peer(struct MHD_Connection *c, char *buf, size_t len);
/*
 * 1 if the device needs no password or the request's Basic credentials
 * match saned.users; else 0, with a 401 queued.  Every request to an eSCL
 * port passes here (front.c's handle), its capabilities and status too.
 */
int front_auth(struct front *fr, struct MHD_Connection *c, const struct device *dev,
    int *queued);
/*
 * "NAME/REST" -> HEAD = "NAME" (LEN with its NUL), *REST = "/REST" or NULL.
 * -1 for an empty or too long NAME.
 */
int front_path_head(const char *path, char *head, size_t len, const char **rest);
enum MHD_Result front_reply(struct MHD_Connection *c, unsigned code,
    const char *type, const char *body, size_t len);
/* A short text error, logged with the peer and the reason. */
enum MHD_Result front_error(struct MHD_Connection *c, unsigned code,
    const char *why);
enum MHD_Result front_busy(struct MHD_Connection *c, const char *why);
/*
 * "http://HOST:PORT": the host as the client reached us (its Host header,
 * else our address), on PORT, whichever port the request came to.
 */
void front_origin(struct front *fr, struct MHD_Connection *c, unsigned port,
    char *buf, size_t len);

/* One request's state across the handler's calls: the body so far. */
struct req {
	char *body;
	size_t len;
	int too_big;
};
#define REQ_BODY_MAX	ESCL_SETTINGS_MAX

/*
 * Read EP's capabilities from its options once (opening the device if
 * nobody holds it).  1 known, 0 not yet (the device is busy), -1 none.
 */
int escl_load_caps(struct eport *ep);
enum MHD_Result escl_route(struct eport *ep, struct MHD_Connection *c,
    const char *url, const char *method, struct req *r);
enum MHD_Result web_route(struct front *fr, struct MHD_Connection *c,
    const char *url, const char *method, struct req *r);

/* ---- DNS-SD (uscan_dnssd.c) --------------------------------------------- */

/* Announce EP as _uscan._tcp; withdrawn by uscan_stop().  Never fatal. */
void uscan_add(struct eport *ep);
void uscan_stop(void);

#endif
