/*
 * escl_api.c - /eSCL on a device's own port: capabilities, status, and
 * the job flow real clients use (escl.md): POST ScanJobs answers 201 with
 * an absolute Location at once, the scan starts meanwhile, NextDocument
 * streams the image while the scanner works and answers 404 once the one
 * platen document has gone, DELETE cancels at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scsaned/log.h"
#include "http_int.h"

#define JOBS_PREFIX	"/eSCL/ScanJobs/"

/*
 * The capabilities come from the device's options, so the device must be
 * opened once; then they are kept.  A device someone else holds and whose
 * capabilities are not known yet can only be "busy".
 */
int
escl_load_caps(struct eport *ep)
{
	struct devreg *reg = ep->fr->env->reg;
	struct devh d;
	SANE_Status st;
	int ok = 0;

	pthread_mutex_lock(&ep->caps_lock);
	if (ep->have_caps) {
		pthread_mutex_unlock(&ep->caps_lock);
		return 1;
	}
	st = devh_borrow(reg, ep->dev, "eSCL capabilities", &d);
	if (st == SANE_STATUS_DEVICE_BUSY) {
		pthread_mutex_unlock(&ep->caps_lock);
		return 0;
	}
	if (st == SANE_STATUS_GOOD) {
		snprintf(ep->caps_text.uuid, sizeof(ep->caps_text.uuid), "%s", ep->uuid);
		ok = opt_caps(&d, &ep->caps, &ep->caps_text) == 0;
		devh_return(reg, &d);
		if (!ok)
			log_warn("http: %s: its options give no eSCL capabilities (no "
			    "resolution, colour mode or area)", ep->dev->name);
	} else {
		log_warn("http: %s: open for capabilities: %s", ep->dev->name,
		    device_status_string(st));
	}
	ep->have_caps = ok;
	pthread_mutex_unlock(&ep->caps_lock);
	return ok ? 1 : -1;
}

static enum MHD_Result
capabilities(struct eport *ep, struct MHD_Connection *c)
{
	struct escl_caps caps;
	char origin[160], admin[256], err[160], *xml;
	enum MHD_Result rc;
	size_t len;
	int got = escl_load_caps(ep);

	if (got == 0)
		return front_busy(c, "the scanner is in use; its capabilities are not known yet");
	if (got < 0)
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "the scanner's capabilities cannot be read");
	front_origin(ep->fr, c, ep->fr->env->conf->http_port, origin, sizeof(origin));
	snprintf(admin, sizeof(admin), "%s/#%s", origin, ep->dev->name);
	pthread_mutex_lock(&ep->caps_lock);
	caps = ep->caps;
	pthread_mutex_unlock(&ep->caps_lock);
	caps.admin_uri = admin;	/* the page is on the http port */
	xml = escl_caps_xml(&caps, &len, err, sizeof(err));
	if (xml == NULL)
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, err);
	rc = front_reply(c, MHD_HTTP_OK, "text/xml", xml, len);
	free(xml);
	return rc;
}

static enum escl_job_state
escl_state(enum job_state s)
{
	switch (s) {
	case JOB_PENDING: return ESCL_JOB_PENDING;
	case JOB_PROCESSING: return ESCL_JOB_PROCESSING;
	case JOB_COMPLETED: return ESCL_JOB_COMPLETED;
	case JOB_CANCELED: return ESCL_JOB_CANCELED;
	case JOB_ABORTED: return ESCL_JOB_ABORTED;
	}
	return ESCL_JOB_ABORTED;
}

static enum MHD_Result
status(struct eport *ep, struct MHD_Connection *c)
{
	struct job_view *v = NULL;
	struct escl_job *jobs;
	char (*uris)[64], err[160], who[96], *xml;
	enum MHD_Result rc;
	size_t n, i, len;
	int busy;

	n = job_list(ep->fr, ep->dev, &v);
	jobs = calloc(n + 1, sizeof(*jobs));
	uris = calloc(n + 1, sizeof(*uris));
	if (v == NULL || jobs == NULL || uris == NULL) {
		free(v);
		free(jobs);
		free(uris);
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	for (i = 0; i < n; i++) {
		snprintf(uris[i], sizeof(uris[i]), JOBS_PREFIX "%s", v[i].id);
		jobs[i].uri = uris[i];
		jobs[i].uuid = v[i].id;
		jobs[i].state = escl_state(v[i].state);
		jobs[i].age_s = v[i].age_s;
		jobs[i].images_completed = v[i].state == JOB_COMPLETED ? 1 : 0;
		jobs[i].images_to_transfer = v[i].served || v[i].state > JOB_COMPLETED ? 0 : 1;
	}
	busy = devreg_holder(ep->fr->env->reg, ep->dev, who, sizeof(who));
	xml = escl_status_xml(busy ? ESCL_PROCESSING : ESCL_IDLE, jobs, n, &len, err,
	    sizeof(err));
	free(v);
	free(jobs);
	free(uris);
	if (xml == NULL)
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, err);
	rc = front_reply(c, MHD_HTTP_OK, "text/xml", xml, len);
	free(xml);
	return rc;
}

static unsigned
mode_bit(const struct escl_settings *s)
{
	if (s->channels == 3)
		return s->depth == 16 ? ESCL_MODE_RGB48 : ESCL_MODE_RGB24;
	if (s->depth == 1)
		return ESCL_MODE_BW1;
	return s->depth == 16 ? ESCL_MODE_GRAY16 : ESCL_MODE_GRAY8;
}

/* What the capabilities promised, checked before the scanner is touched. */
static const char *
refuse(const struct escl_caps *caps, const struct escl_settings *s)
{
	unsigned i;

	if (s->source != ESCL_SRC_PLATEN)
		return "this scanner has only a platen source";
	if (s->have_mode && (caps->modes & mode_bit(s)) == 0)
		return "a colour mode the scanner does not offer";
	if (s->xres != 0) {
		if (s->yres != 0 && s->yres != s->xres)
			return "different X and Y resolutions";
		for (i = 0; i < caps->nres && caps->res[i] != s->xres; i++)
			;
		if (i == caps->nres)
			return "a resolution the scanner does not offer";
	}
	if (s->have_region && (s->w == 0 || s->h == 0 || s->x > caps->max_w ||
	    s->y > caps->max_h || s->w > caps->max_w - s->x + 1 ||
	    s->h > caps->max_h - s->y + 1))
		return "a region outside the scanner's area";
	return NULL;
}

static enum MHD_Result
post_job(struct eport *ep, struct MHD_Connection *c, struct req *r)
{
	struct job_request *req;
	struct MHD_Response *resp;
	struct job *j;
	char err[160], peer[64], who[96], origin[160], loc[240];
	const char *why;
	enum MHD_Result rc;
	SANE_Status st;
	int got;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return MHD_NO;
	if (escl_settings_parse(r->body != NULL ? r->body : "", r->len, &req->escl, err,
	    sizeof(err)) < 0) {
		free(req);
		return front_error(c, MHD_HTTP_BAD_REQUEST, err);
	}
	req->have_escl = 1;
	if (req->escl.format[0] == '\0')
		req->format = ENC_JPEG;
	else if (enc_from_mime(req->escl.format, &req->format) < 0 || req->format == ENC_PNM) {
		free(req);
		return front_error(c, MHD_HTTP_BAD_REQUEST, "a document format the scanner "
		    "does not offer");
	}
	if ((got = escl_load_caps(ep)) <= 0) {
		free(req);
		return got == 0 ? front_busy(c, "the scanner is in use") :
		    front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "the scanner's capabilities cannot be read");
	}
	why = refuse(&ep->caps, &req->escl);
	if (why == NULL && req->escl.have_mode &&
	    !enc_supports(req->format, req->escl.channels, req->escl.depth))
		why = "that format cannot carry that colour mode";
	if (why != NULL) {
		free(req);
		return front_error(c, MHD_HTTP_CONFLICT, why);
	}
	front_peer(c, peer, sizeof(peer));
	snprintf(who, sizeof(who), "eSCL client %s", peer);
	st = job_create(ep->fr, ep->dev, who, req, &j);
	free(req);
	if (st == SANE_STATUS_DEVICE_BUSY)
		return front_busy(c, "the scanner is in use");
	if (st != SANE_STATUS_GOOD)
		return front_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, device_status_string(st));
	front_origin(ep->fr, c, ep->port, origin, sizeof(origin));
	snprintf(loc, sizeof(loc), "%s" JOBS_PREFIX "%s", origin, j->id);
	job_put(j);
	if ((resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT)) == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, loc);
	rc = MHD_queue_response(c, MHD_HTTP_CREATED, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
next_document(struct MHD_Connection *c, struct job *j)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	enum job_state st;
	int taken;

	pthread_mutex_lock(&j->lock);
	st = j->state;
	taken = j->taken;
	pthread_mutex_unlock(&j->lock);
	if (st == JOB_CANCELED)
		return front_error(c, MHD_HTTP_GONE, "the job was cancelled");
	if (st == JOB_ABORTED && !taken)
		return front_error(c, MHD_HTTP_CONFLICT, j->why[0] ? j->why : "the scan failed");
	if ((resp = job_response(j)) == NULL)
		/* The platen's one document has gone: no more (escl.md). */
		return front_error(c, MHD_HTTP_NOT_FOUND, "no more documents");
	rc = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
image_info(struct MHD_Connection *c, struct job *j)
{
	char xml[640];
	int n;

	pthread_mutex_lock(&j->lock);
	n = snprintf(xml, sizeof(xml), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<scan:ScanImageInfo xmlns:scan=\"http://schemas.hp.com/imaging/escl/2011/05/03\" "
	    "xmlns:pwg=\"http://www.pwg.org/schemas/2010/12/sm\">"
	    "<pwg:JobUri>" JOBS_PREFIX "%s</pwg:JobUri><pwg:JobUuid>%s</pwg:JobUuid>"
	    "<scan:ActualWidth>%u</scan:ActualWidth><scan:ActualHeight>%u</scan:ActualHeight>"
	    "</scan:ScanImageInfo>\n", j->id, j->id, j->width, j->height);
	pthread_mutex_unlock(&j->lock);
	return front_reply(c, MHD_HTTP_OK, "text/xml", xml,
	    n > 0 && (size_t)n < sizeof(xml) ? (size_t)n : 0);
}

/* /eSCL/ScanJobs/ID[/WHAT]: the job, if it is this device's. */
static enum MHD_Result
job_route(struct eport *ep, struct MHD_Connection *c, const char *rest,
    const char *method)
{
	char id[40];
	const char *what;
	struct job *j;
	enum MHD_Result rc;

	if (front_path_head(rest, id, sizeof(id), &what) < 0)
		return front_error(c, MHD_HTTP_NOT_FOUND, "no such job");
	if ((j = job_get(ep->fr, id)) == NULL || j->dev != ep->dev) {
		job_put(j);
		return front_error(c, MHD_HTTP_NOT_FOUND, "no such job");
	}
	if (what == NULL && strcmp(method, "DELETE") == 0) {
		job_cancel(j);
		rc = front_reply(c, MHD_HTTP_OK, NULL, "", 0);
	} else if (what != NULL && strcmp(what, "/NextDocument") == 0 &&
	    strcmp(method, "GET") == 0) {
		rc = next_document(c, j);
	} else if (what != NULL && strcmp(what, "/ScanImageInfo") == 0 &&
	    strcmp(method, "GET") == 0) {
		rc = image_info(c, j);
	} else if (what == NULL || strcmp(what, "/NextDocument") == 0 ||
	    strcmp(what, "/ScanImageInfo") == 0) {
		rc = front_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "not with that method");
	} else {
		rc = front_error(c, MHD_HTTP_NOT_FOUND, "no such job resource");
	}
	job_put(j);
	return rc;
}

enum MHD_Result
escl_route(struct eport *ep, struct MHD_Connection *c, const char *url,
    const char *method, struct req *r)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	if (strcmp(url, "/eSCL/ScannerCapabilities") == 0 && get)
		return capabilities(ep, c);
	if (strcmp(url, "/eSCL/ScannerStatus") == 0 && get)
		return status(ep, c);
	if ((strcmp(url, "/eSCL/ScanJobs") == 0 || strcmp(url, "/eSCL/ScanJobs/") == 0) &&
	    strcmp(method, "POST") == 0)
		return post_job(ep, c, r);
	if (strncmp(url, JOBS_PREFIX, strlen(JOBS_PREFIX)) == 0)
		return job_route(ep, c, url + strlen(JOBS_PREFIX), method);
	if (strcmp(url, "/eSCL/ScannerCapabilities") == 0 ||
	    strcmp(url, "/eSCL/ScannerStatus") == 0 || strcmp(url, "/eSCL/ScanJobs") == 0)
		return front_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "not with that method");
	return front_error(c, MHD_HTTP_NOT_FOUND, "no such eSCL resource");
}
