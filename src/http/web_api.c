/*
 * web_api.c - the web page: its static files and the JSON API it drives.
 *
 *   GET    /api/scanners                  every device, its state and holder
 *   GET    /api/scanners/NAME/options     its options, after ?set.OPT=V...
 *   POST   /api/scanners/NAME/button/OPT  press a button option (Eject)
 *   POST   /api/scanners/NAME/scan        ?format=png|jpeg|tiff|pdf&set.OPT=V...
 *   GET    /api/jobs/ID                   progress: lines of lines, bytes
 *   GET    /api/jobs/ID/image             the image, streamed as it is scanned
 *   DELETE /api/jobs/ID                   cancel
 *
 * The page renders options from their descriptors and sends them back by
 * name, so nothing here knows any driver.  Static files are a fixed list
 * served from web_root: a request path is never joined to a directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "http_int.h"

#define STATIC_MAX	(1024 * 1024)

static const struct {
	const char *path, *file, *type;
} statics[] = {
	{ "/", "index.html", "text/html; charset=utf-8" },
	{ "/index.html", "index.html", "text/html; charset=utf-8" },
	{ "/app.js", "app.js", "text/javascript; charset=utf-8" },
	{ "/style.css", "style.css", "text/css; charset=utf-8" },
};

static enum MHD_Result
json_reply(struct MHD_Connection *c, unsigned code, struct jbuf *b)
{
	enum MHD_Result rc;

	if (b->failed) {
		jb_free(b);
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	rc = front_reply(c, code, "application/json", b->s != NULL ? b->s : "", b->len);
	jb_free(b);
	return rc;
}

static enum MHD_Result
json_error(struct MHD_Connection *c, unsigned code, const char *why)
{
	struct jbuf b;
	char peer[64];

	front_peer(c, peer, sizeof(peer));
	log_info("http: %s: %u: %s", peer, code, why);
	jb_init(&b);
	jb_add(&b, "{\"error\":");
	jb_str(&b, why);
	jb_add(&b, "}");
	return json_reply(c, code, &b);
}

static enum MHD_Result
serve_file(struct front *fr, struct MHD_Connection *c, const char *file,
    const char *type)
{
	char path[CONFIG_URI_MAX + 32], *buf;
	struct stat st;
	enum MHD_Result rc;
	ssize_t n;
	size_t got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fr->env->conf->web_root, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX) {
		if (fd >= 0)
			close(fd);
		log_warn("http: the web page's %s is missing (web_root %s)", file,
		    fr->env->conf->web_root);
		return front_error(c, MHD_HTTP_NOT_FOUND, "no such file");
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	rc = front_reply(c, MHD_HTTP_OK, type, buf, got);
	free(buf);
	return rc;
}

/* A 128-pixel PNG icon for DNS-SD's representation key, drawn here. */
static int
mem_sink(void *ctx, const void *p, size_t len)
{
	struct jbuf *b = ctx;

	jb_put(b, p, len);
	return b->failed ? -1 : 0;
}

static enum MHD_Result
icon(struct MHD_Connection *c)
{
	struct enc_image img = { 128, 128, 3, 8, 72, 72 };
	uint8_t row[128 * 3];
	struct enc *e;
	struct jbuf b;
	enum MHD_Result rc;
	unsigned x, y, in;

	jb_init(&b);
	if ((e = enc_open(ENC_PNG, &img, 0, mem_sink, &b)) == NULL)
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no icon");
	for (y = 0; y < 128; y++) {
		for (x = 0; x < 128; x++) {
			/* A flatbed: a dark body, a glass that shades blue to white. */
			in = x >= 12 && x < 116 && y >= 40 && y < 100;
			row[3 * x] = (uint8_t)(in ? 40 + y : 235);
			row[3 * x + 1] = (uint8_t)(in ? 70 + y : 235);
			row[3 * x + 2] = (uint8_t)(in ? 120 + y : 235);
			if (in && (y < 44 || y >= 96 || x < 16 || x >= 112))
				row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = 30;
		}
		if (enc_rows(e, row, sizeof(row), 1) < 0)
			break;
	}
	enc_close(e);
	enc_free(e);
	if (b.failed) {
		jb_free(&b);
		return MHD_NO;
	}
	rc = front_reply(c, MHD_HTTP_OK, "image/png", b.s, b.len);
	jb_free(&b);
	return rc;
}

/* ---- query arguments ---------------------------------------------------- */

struct args {
	struct job_request *req;
	const char *format;
	int bad;
};

static enum MHD_Result
arg_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct args *a = cls;
	struct job_request *q = a->req;

	(void)kind;
	if (strcmp(key, "format") == 0) {
		a->format = value;
	} else if (strncmp(key, "set.", 4) == 0) {
		if (q->nsets == JOB_SETS_MAX || strlen(key + 4) >= sizeof(q->set_name[0]) ||
		    value == NULL || strlen(value) >= sizeof(q->set_value[0])) {
			a->bad = 1;
			return MHD_NO;
		}
		strcpy(q->set_name[q->nsets], key + 4);
		strcpy(q->set_value[q->nsets], value);
		q->nsets++;
	}
	return MHD_YES;
}

static int
collect(struct MHD_Connection *c, struct job_request *req, const char **format)
{
	struct args a = { req, NULL, 0 };

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, arg_cb, &a);
	if (format != NULL)
		*format = a.format;
	return a.bad ? -1 : 0;
}

/* ---- scanners ----------------------------------------------------------- */

static enum MHD_Result
list_scanners(struct front *fr, struct MHD_Connection *c)
{
	struct devreg *reg = fr->env->reg;
	struct job_view *v = NULL;
	char who[96], origin[160];
	struct jbuf b;
	size_t nj, k;
	int i, n = devreg_count(reg), busy;
	unsigned port;

	nj = job_list(fr, NULL, &v);
	jb_init(&b);
	jb_add(&b, "[");
	for (i = 0; i < n; i++) {
		struct device *d = &reg->devs[i];

		busy = devreg_holder(reg, d, who, sizeof(who));
		jb_add(&b, i > 0 ? ",{\"name\":" : "{\"name\":");
		jb_str(&b, d->name);
		jb_add(&b, ",\"vendor\":");
		jb_str(&b, d->vendor);
		jb_add(&b, ",\"model\":");
		jb_str(&b, d->model);
		jb_add(&b, ",\"type\":");
		jb_str(&b, d->type);
		jb_add(&b, ",\"state\":\"%s\",\"holder\":", busy ? "busy" : "idle");
		jb_str(&b, who);
		jb_add(&b, ",\"locked\":%s",
		    auth_resource(fr->env->auth, d->name, d->driver) != NULL ?
		    "true" : "false");
		if ((port = front_port_of(fr, d)) != 0) {
			front_origin(fr, c, port, origin, sizeof(origin));
			jb_add(&b, ",\"escl\":\"%s/eSCL\"", origin);	/* host_ok()'s characters only */
		}
		for (k = 0; k < nj; k++)
			if (strcmp(v[k].dev, d->name) == 0 && (v[k].state == JOB_PENDING ||
			    v[k].state == JOB_PROCESSING)) {
				jb_add(&b, ",\"job\":\"%s\"", v[k].id);
				break;
			}
		jb_add(&b, "}");
	}
	jb_add(&b, "]");
	free(v);
	return json_reply(c, MHD_HTTP_OK, &b);
}

/* The device for this request, held as "web page ADDR". */
static SANE_Status
borrow(struct front *fr, struct MHD_Connection *c, struct device *dev, struct devh *d)
{
	char peer[64], who[96];

	front_peer(c, peer, sizeof(peer));
	snprintf(who, sizeof(who), "web page %s", peer);
	return devh_borrow(fr->env->reg, dev, who, d);
}

static enum MHD_Result
options(struct front *fr, struct MHD_Connection *c, struct device *dev)
{
	struct job_request *req;
	struct devh d;
	struct jbuf b;
	char err[160] = "", one[160];
	SANE_Status st;
	int i;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return MHD_NO;
	if (collect(c, req, NULL) < 0) {
		free(req);
		return json_error(c, MHD_HTTP_BAD_REQUEST, "too many or too long settings");
	}
	if ((st = borrow(fr, c, dev, &d)) != SANE_STATUS_GOOD) {
		free(req);
		return st == SANE_STATUS_DEVICE_BUSY ? json_error(c,
		    MHD_HTTP_SERVICE_UNAVAILABLE, "the scanner is in use") :
		    json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, device_status_string(st));
	}
	/* Applied in order, as a user set them; the first refusal is reported. */
	for (i = 0; i < req->nsets; i++)
		if (opt_set_text(&d, req->set_name[i], req->set_value[i], one,
		    sizeof(one)) != SANE_STATUS_GOOD && err[0] == '\0')
			snprintf(err, sizeof(err), "%s", one);
	jb_init(&b);
	jb_add(&b, "{\"options\":");
	opt_json(&d, &b);
	{
		SANE_Parameters p;

		if (dev->ops->parameters(d.h, &p) == SANE_STATUS_GOOD)
			jb_add(&b, ",\"parameters\":{\"width\":%d,\"height\":%d,\"depth\":%d,"
			    "\"channels\":%d}", (int)p.pixels_per_line, (int)p.lines,
			    (int)p.depth, p.format == SANE_FRAME_GRAY ? 1 : 3);
	}
	jb_add(&b, ",\"refused\":");
	jb_str(&b, err[0] != '\0' ? err : NULL);
	jb_add(&b, "}");
	devh_return(fr->env->reg, &d);
	free(req);
	return json_reply(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result
button(struct front *fr, struct MHD_Connection *c, struct device *dev, const char *name)
{
	struct devh d;
	char err[160];
	SANE_Status st;

	if ((st = borrow(fr, c, dev, &d)) != SANE_STATUS_GOOD)
		return st == SANE_STATUS_DEVICE_BUSY ? json_error(c,
		    MHD_HTTP_SERVICE_UNAVAILABLE, "the scanner is in use") :
		    json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, device_status_string(st));
	st = opt_set_text(&d, name, "", err, sizeof(err));
	devh_return(fr->env->reg, &d);
	if (st != SANE_STATUS_GOOD)
		return json_error(c, MHD_HTTP_CONFLICT, err);
	log_info("http: %s: %s pressed", dev->name, name);
	return front_reply(c, MHD_HTTP_OK, "application/json", "{}", 2);
}

static enum MHD_Result
scan(struct front *fr, struct MHD_Connection *c, struct device *dev)
{
	struct job_request *req;
	const char *format = NULL;
	char peer[64], who[96];
	struct job *j;
	struct jbuf b;
	SANE_Status st;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return MHD_NO;
	if (collect(c, req, &format) < 0) {
		free(req);
		return json_error(c, MHD_HTTP_BAD_REQUEST, "too many or too long settings");
	}
	if (format == NULL || strcmp(format, "png") == 0)
		req->format = ENC_PNG;
	else if (strcmp(format, "jpeg") == 0)
		req->format = ENC_JPEG;
	else if (strcmp(format, "tiff") == 0)
		req->format = ENC_TIFF;
	else if (strcmp(format, "pdf") == 0)
		req->format = ENC_PDF;
	else if (strcmp(format, "pnm") == 0)
		req->format = ENC_PNM;
	else {
		free(req);
		return json_error(c, MHD_HTTP_BAD_REQUEST, "format is png, jpeg, tiff, pdf or pnm");
	}
	front_peer(c, peer, sizeof(peer));
	snprintf(who, sizeof(who), "web page %s", peer);
	st = job_create(fr, dev, who, req, &j);
	free(req);
	if (st == SANE_STATUS_DEVICE_BUSY)
		return json_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the scanner is in use");
	if (st != SANE_STATUS_GOOD)
		return json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, device_status_string(st));
	jb_init(&b);
	jb_add(&b, "{\"id\":\"%s\",\"image\":\"/api/jobs/%s/image\"}", j->id, j->id);
	job_put(j);
	return json_reply(c, MHD_HTTP_CREATED, &b);
}

static enum MHD_Result
scanner_route(struct front *fr, struct MHD_Connection *c, const char *rest,
    const char *method)
{
	char name[CONFIG_NAME_MAX + 1];
	const char *what;
	struct device *dev;
	int queued;

	if (front_path_head(rest, name, sizeof(name), &what) < 0)
		return json_error(c, MHD_HTTP_NOT_FOUND, "no such scanner");
	if ((dev = devreg_find(fr->env->reg, name)) == NULL)
		return json_error(c, MHD_HTTP_NOT_FOUND, "no such scanner");
	if (!front_auth(fr, c, dev, &queued))
		return queued ? MHD_YES : MHD_NO;
	if (what != NULL && strcmp(what, "/options") == 0 && strcmp(method, "GET") == 0)
		return options(fr, c, dev);
	if (what != NULL && strcmp(what, "/scan") == 0 && strcmp(method, "POST") == 0)
		return scan(fr, c, dev);
	if (what != NULL && strncmp(what, "/button/", 8) == 0 && strcmp(method, "POST") == 0)
		return button(fr, c, dev, what + 8);
	return json_error(c, MHD_HTTP_NOT_FOUND, "no such scanner resource");
}

static const char *
state_name(enum job_state s)
{
	static const char *names[] = { "pending", "processing", "completed",
	    "cancelled", "aborted" };

	return (unsigned)s < 5 ? names[s] : "aborted";
}

static enum MHD_Result
job_route(struct front *fr, struct MHD_Connection *c, const char *rest,
    const char *method)
{
	struct MHD_Response *resp;
	struct job *j;
	struct jbuf b;
	char id[40];
	const char *what;
	enum MHD_Result rc;
	int queued;

	if (front_path_head(rest, id, sizeof(id), &what) < 0)
		return json_error(c, MHD_HTTP_NOT_FOUND, "no such job");
	if ((j = job_get(fr, id)) == NULL)
		return json_error(c, MHD_HTTP_NOT_FOUND, "no such job");
	if (!front_auth(fr, c, j->dev, &queued)) {
		job_put(j);
		return queued ? MHD_YES : MHD_NO;
	}
	if (what == NULL && strcmp(method, "DELETE") == 0) {
		job_cancel(j);
		rc = front_reply(c, MHD_HTTP_OK, "application/json", "{}", 2);
	} else if (what == NULL && strcmp(method, "GET") == 0) {
		jb_init(&b);
		pthread_mutex_lock(&j->lock);
		jb_add(&b, "{\"id\":\"%s\",\"scanner\":", j->id);
		jb_str(&b, j->dev->name);
		jb_add(&b, ",\"state\":\"%s\",\"width\":%u,\"height\":%u,\"lines\":%u,"
		    "\"sent\":%llu,\"age\":%ld,\"why\":", state_name(j->state), j->width,
		    j->height, atomic_load(&j->lines), atomic_load(&j->sent),
		    (long)(time(NULL) - j->created));
		jb_str(&b, j->why[0] ? j->why : NULL);
		jb_add(&b, "}");
		pthread_mutex_unlock(&j->lock);
		rc = json_reply(c, MHD_HTTP_OK, &b);
	} else if (what != NULL && strcmp(what, "/image") == 0 && strcmp(method, "GET") == 0) {
		if ((resp = job_response(j)) == NULL) {
			rc = json_error(c, MHD_HTTP_GONE, "the image was already fetched");
		} else {
			rc = MHD_queue_response(c, MHD_HTTP_OK, resp);
			MHD_destroy_response(resp);
		}
	} else {
		rc = json_error(c, MHD_HTTP_NOT_FOUND, "no such job resource");
	}
	job_put(j);
	return rc;
}

enum MHD_Result
web_route(struct front *fr, struct MHD_Connection *c, const char *url,
    const char *method, struct req *r)
{
	size_t i;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	(void)r;
	if (strstr(url, "..") != NULL || strchr(url, '\\') != NULL)
		return front_error(c, MHD_HTTP_BAD_REQUEST, "a path that climbs out");
	if (strncmp(url, "/api/scanners/", 14) == 0)
		return scanner_route(fr, c, url + 14, method);
	if (strcmp(url, "/api/scanners") == 0 && get)
		return list_scanners(fr, c);
	if (strncmp(url, "/api/jobs/", 10) == 0)
		return job_route(fr, c, url + 10, method);
	if (strcmp(url, "/icon.png") == 0 && get)
		return icon(c);
	for (i = 0; i < sizeof(statics) / sizeof(statics[0]); i++)
		if (strcmp(url, statics[i].path) == 0)
			return get ? serve_file(fr, c, statics[i].file, statics[i].type) :
			    front_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "not with that method");
	return front_error(c, MHD_HTTP_NOT_FOUND, "no such page");
}
