/*
 * front.c - the HTTP front's daemons: the web page's on the `http` port
 * and one eSCL daemon per device on a port of its own (clients assume the
 * root /eSCL, so one scanner per port).
 *
 * libmicrohttpd parses HTTP; we add the rules the SANE front keeps: the
 * access list before a byte is read, max_clients across all the front's
 * connections, a cap on headers and bodies, a timeout for a request that
 * never completes, and Basic auth against saned.users for devices listed
 * there.  A thread per connection: a NextDocument may wait minutes on a
 * film scanner without holding anyone else up.
 */
#include <arpa/inet.h>
#include <md5.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scsaned/log.h"
#include "http_int.h"

#define HEADER_BYTES	(32 * 1024)	/* a request's headers, at most */
#define PORT_TRIES	64		/* ports tried past a taken one */

static struct front *front;		/* one per process */

/* ---- helpers the routes share ------------------------------------------ */

void
front_peer(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	char a[INET6_ADDRSTRLEN] = "?";

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof(a));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof(a));
	}
	snprintf(buf, len, "%s", strncmp(a, "::ffff:", 7) == 0 ? a + 7 : a);
}

enum MHD_Result
front_reply(struct MHD_Connection *c, unsigned code, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

enum MHD_Result
front_error(struct MHD_Connection *c, unsigned code, const char *why)
{
	char peer[64], body[320];
	int n;

	front_peer(c, peer, sizeof(peer));
	log_info("http: %s: %u: %s", peer, code, why);
	n = snprintf(body, sizeof(body), "%u %s\n", code, why);
	return front_reply(c, code, "text/plain; charset=utf-8", body,
	    n > 0 && (size_t)n < sizeof(body) ? (size_t)n : strlen(body));
}

enum MHD_Result
front_busy(struct MHD_Connection *c, const char *why)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char peer[64];

	front_peer(c, peer, sizeof(peer));
	log_info("http: %s: 503: %s", peer, why);
	r = MHD_create_response_from_buffer(strlen(why), (void *)why, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
	rc = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
	MHD_destroy_response(r);
	return rc;
}

/* A Host header we may echo into a Location: a name or address, a port. */
static int
host_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > 100)
		return 0;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || strchr(".-:[]%", h[i]) != NULL))
			return 0;
	return 1;
}

void
front_origin(struct front *fr, struct MHD_Connection *c, unsigned port, char *buf,
    size_t len)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *end;
	int n;

	if (h == NULL || !host_ok(h)) {
		snprintf(buf, len, "http://%s:%u", fr->host, port);
		return;
	}
	/* The host as the client named it, without its port: "[v6]" or "name". */
	end = h[0] == '[' ? strchr(h, ']') : strchr(h, ':');
	n = end == NULL ? (int)strlen(h) : (int)(end - h) + (h[0] == '[');
	snprintf(buf, len, "http://%.*s:%u", n, h, port);
}

int
front_path_head(const char *path, char *head, size_t len, const char **rest)
{
	const char *slash = strchr(path, '/');
	size_t n = slash != NULL ? (size_t)(slash - path) : strlen(path);

	if (n == 0 || n >= len)
		return -1;
	memcpy(head, path, n);
	head[n] = '\0';
	*rest = slash;
	return 0;
}

int
front_auth(struct front *fr, struct MHD_Connection *c, const struct device *dev,
    int *queued)
{
	struct MHD_Response *r;
	char *user, *pass = NULL, peer[64];
	static const char body[] = "401 this scanner needs a user and password\n";
	const char *resource = auth_resource(fr->env->auth, dev->name, dev->driver);
	int ok;

	*queued = 0;
	if (resource == NULL)
		return 1;
	user = MHD_basic_auth_get_username_password(c, &pass);
	ok = user != NULL && pass != NULL &&
	    auth_check_plain(fr->env->auth, resource, user, pass);
	front_peer(c, peer, sizeof(peer));
	if (!ok) {
		log_info("http: %s: %s: %s", peer, dev->name, user == NULL ?
		    "asked for a password" : "wrong user or password");
		r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
		    MHD_RESPMEM_PERSISTENT);
		if (r != NULL) {
			*queued = MHD_queue_basic_auth_fail_response(c, "scsaned", r) == MHD_YES;
			MHD_destroy_response(r);
		}
	}
	if (pass != NULL) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user != NULL)
		MHD_free(user);
	return ok;
}

unsigned
front_port_of(struct front *fr, const struct device *dev)
{
	struct eport *ep = front_eport_of(fr, dev);

	return ep != NULL ? ep->port : 0;
}

struct eport *
front_eport_of(struct front *fr, const struct device *dev)
{
	struct eport *ep = NULL;
	int i;

	pthread_mutex_lock(&fr->ports_lock);
	for (i = 0; i < fr->nports && ep == NULL; i++)
		if (fr->ports[i]->dev == dev)
			ep = fr->ports[i];
	pthread_mutex_unlock(&fr->ports_lock);
	return ep;
}

/* ---- the daemons' callbacks --------------------------------------------- */

static enum MHD_Result
admit(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct front *fr = cls;
	struct sockaddr_storage ss;
	char why[160] = "", a[INET6_ADDRSTRLEN] = "?";

	if (len > sizeof(ss))
		return MHD_NO;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, len);
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a, sizeof(a));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a, sizeof(a));
	if (!access_allowed(fr->env->acl, &ss, why, sizeof(why))) {
		log_info("http: refused %s: %s", a, why[0] ? why : "not in the access list");
		return MHD_NO;
	}
	if (atomic_load(&fr->clients) >= fr->env->conf->max_clients) {
		log_warn("http: refused %s: max_clients (%u) reached", a,
		    fr->env->conf->max_clients);
		return MHD_NO;
	}
	return MHD_YES;
}

/*
 * What a connection did, so that one closed by request_timeout before it
 * sent a whole request (a slowloris, or headers that never end) leaves a
 * log line: MHD closes it without calling the request hooks, since no
 * request began.
 */
struct conn_note {
	struct timespec since;
	unsigned requests;
};

static void
connection_note(void *cls, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct front *fr = cls;
	struct conn_note *n = *socket_ctx;
	struct timespec now;
	char peer[64];

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&fr->clients, 1);
		if ((n = calloc(1, sizeof(*n))) != NULL)
			clock_gettime(CLOCK_MONOTONIC, &n->since);
		*socket_ctx = n;
		return;
	}
	if (code != MHD_CONNECTION_NOTIFY_CLOSED)
		return;
	atomic_fetch_sub(&fr->clients, 1);
	if (n == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (n->requests == 0 && fr->env->conf->request_timeout_s > 0 &&
	    now.tv_sec - n->since.tv_sec >= (time_t)fr->env->conf->request_timeout_s) {
		front_peer(c, peer, sizeof(peer));
		log_info("http: %s: no whole request in %lld s: closed (request_timeout)",
		    peer, (long long)(now.tv_sec - n->since.tv_sec));
	}
	free(n);
	*socket_ctx = NULL;
}

/* A request has begun on C: its connection is not a stalled one. */
static void
connection_used(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL)
		((struct conn_note *)ci->socket_context)->requests++;
}

static void
request_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	struct req *r = *con_cls;
	char peer[64];

	(void)cls;
	if (code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ||
	    code == MHD_REQUEST_TERMINATED_READ_ERROR) {
		front_peer(c, peer, sizeof(peer));
		log_info("http: %s: %s", peer, code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ?
		    "the request did not complete in time: closed" :
		    "the connection broke mid-request");
	}
	if (r != NULL) {
		free(r->body);
		free(r);
	}
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_info("http: %s", line);
}

/* One call per piece of a request: gather the body, then route. */
static enum MHD_Result
handle(struct front *fr, struct eport *ep, struct MHD_Connection *c, const char *url,
    const char *method, const char *upload, size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	int queued;

	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		*con_cls = r;
		connection_used(c);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!r->too_big && r->len + *upload_size <= REQ_BODY_MAX) {
			char *b = realloc(r->body, r->len + *upload_size + 1);

			if (b == NULL)
				return MHD_NO;
			memcpy(b + r->len, upload, *upload_size);
			r->body = b;
			r->len += *upload_size;
			r->body[r->len] = '\0';
		} else {
			r->too_big = 1;		/* read and dropped, then refused */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	/*
	 * A protected device's whole eSCL service asks for the password, its
	 * capabilities and status too, not only its jobs.
	 */
	if (ep != NULL && !front_auth(fr, c, ep->dev, &queued))
		return queued ? MHD_YES : MHD_NO;
	if (r->too_big)
		return front_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is "
		    "over 64 KiB");
	if (ep != NULL)
		return escl_route(ep, c, url, method, r);
	return web_route(fr, c, url, method, r);
}

static enum MHD_Result
handle_web(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	return handle(cls, NULL, c, url, method, upload, upload_size, con_cls);
}

static enum MHD_Result
handle_escl(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct eport *ep = cls;

	(void)version;
	return handle(ep->fr, ep, c, url, method, upload, upload_size, con_cls);
}

/* ---- starting daemons --------------------------------------------------- */

static struct MHD_Daemon *
listen_on(struct front *fr, unsigned port, MHD_AccessHandlerCallback cb, void *cls)
{
	const struct config *conf = fr->env->conf;
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ERROR_LOG;
	char portstr[8];
	struct MHD_Daemon *d;

	memset(&ss, 0, sizeof(ss));
	if (conf->http_addr[0] == '\0') {
		flags |= MHD_USE_DUAL_STACK;	/* IPv6 too: macOS needs it */
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_any;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
		hints.ai_socktype = SOCK_STREAM;
		snprintf(portstr, sizeof(portstr), "%u", port);
		if (getaddrinfo(conf->http_addr, portstr, &hints, &ai) != 0 || ai == NULL ||
		    ai->ai_addrlen > sizeof(ss)) {
			log_err("http: '%s' is not an address", conf->http_addr);
			if (ai != NULL)
				freeaddrinfo(ai);
			return NULL;
		}
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		if (ai->ai_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		freeaddrinfo(ai);
	}
	d = MHD_start_daemon(flags, (uint16_t)port, admit, fr, cb, cls,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, conf->max_clients,
	    MHD_OPTION_CONNECTION_TIMEOUT, conf->request_timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_BYTES,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_note, fr,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	    MHD_OPTION_END);
	return d;
}

/* A UUID for DEV that stays across restarts: MD5 of what names it. */
static void
device_uuid(struct front *fr, const struct device *dev, char out[40])
{
	unsigned char h[MD5_DIGEST_LENGTH];
	char key[512];
	MD5_CTX m;

	devreg_lock_key(fr->env->reg, dev, key, sizeof(key));
	MD5Init(&m);
	MD5Update(&m, (const unsigned char *)"scsaned eSCL ", 13);
	MD5Update(&m, (const unsigned char *)key, strlen(key));
	MD5Final(h, &m);
	uuid_format(h, 3, out);		/* version 3: name-based, MD5 */
}

/* A port another line asked for, or the web page's: not ours to take. */
static int
reserved(struct front *fr, unsigned port, const struct device *self)
{
	struct devreg *reg = fr->env->reg;
	int i, n = devreg_count(reg);

	if (port == fr->env->conf->http_port)
		return 1;
	for (i = 0; i < n; i++)
		if (&reg->devs[i] != self && reg->devs[i].escl_port == port)
			return 1;
	for (i = 0; i < fr->nports; i++)
		if (fr->ports[i]->port == port)
			return 1;
	return 0;
}

static void
add_device(struct front *fr, struct device *dev)
{
	unsigned *next = &fr->next_port;
	struct eport *ep;
	unsigned port = dev->escl_port, tries;

	if (fr->nports == FRONT_PORTS_MAX) {
		log_warn("http: %s: no eSCL port (more than %d devices)", dev->name,
		    FRONT_PORTS_MAX);
		return;
	}
	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		return;
	ep->fr = fr;
	ep->dev = dev;
	pthread_mutex_init(&ep->caps_lock, NULL);
	device_uuid(fr, dev, ep->uuid);
	if (port != 0) {
		ep->d = listen_on(fr, port, handle_escl, ep);
	} else {
		for (tries = 0; ep->d == NULL && tries < PORT_TRIES && *next <= 65535; tries++) {
			while (*next <= 65535 && reserved(fr, *next, dev))
				(*next)++;
			port = (*next)++;
			ep->d = listen_on(fr, port, handle_escl, ep);
		}
	}
	if (ep->d == NULL) {
		log_err("http: %s: cannot listen for eSCL on port %u", dev->name, port);
		pthread_mutex_destroy(&ep->caps_lock);
		free(ep);
		return;
	}
	ep->port = port;
	pthread_mutex_lock(&fr->ports_lock);
	fr->ports[fr->nports++] = ep;
	pthread_mutex_unlock(&fr->ports_lock);
	log_info("http: %s: eSCL at http://%s:%u/eSCL (UUID %s)", dev->name, fr->host,
	    port, ep->uuid);
	if (fr->env->dnssd &&
	    auth_resource(fr->env->auth, dev->name, dev->driver) == NULL)
		uscan_add(ep);
}

/* Serve devices the registry has and we do not yet; from start and watcher. */
static void
add_new_devices(struct front *fr)
{
	struct devreg *reg = fr->env->reg;
	int i, n = devreg_count(reg);

	for (i = 0; i < n && !atomic_load(&fr->stop); i++)
		if (front_eport_of(fr, &reg->devs[i]) == NULL)
			add_device(fr, &reg->devs[i]);
}

/* Devices discovery adds later get their port too, within a second. */
static void *
watcher(void *arg)
{
	struct front *fr = arg;
	int last = devreg_count(fr->env->reg), n;

	while (!atomic_load(&fr->stop)) {
		sleep(1);
		if ((n = devreg_count(fr->env->reg)) != last) {
			last = n;
			add_new_devices(fr);
		}
	}
	return NULL;
}

int
http_start(const struct http_env *env)
{
	struct front *fr;

	if (env->conf->http_port == 0)
		return 0;
	if ((fr = calloc(1, sizeof(*fr))) == NULL)
		return -1;
	fr->env = env;
	fr->next_port = env->conf->http_port + 1;
	pthread_mutex_init(&fr->ports_lock, NULL);
	pthread_mutex_init(&fr->jobs_lock, NULL);
	pthread_cond_init(&fr->jobs_cond, NULL);
	snprintf(fr->host, sizeof(fr->host), "%s", env->conf->http_addr[0] == '\0' ?
	    "localhost" : env->conf->http_addr);
	if (strchr(fr->host, ':') != NULL)
		snprintf(fr->host, sizeof(fr->host), "[%s]", env->conf->http_addr);
	fr->web = listen_on(fr, env->conf->http_port, handle_web, fr);
	if (fr->web == NULL) {
		log_err("http: cannot listen on port %u", env->conf->http_port);
		free(fr);
		return -1;
	}
	front = fr;
	log_info("http: the web page at http://%s:%u/", fr->host, env->conf->http_port);
	add_new_devices(fr);
	fr->watching = pthread_create(&fr->watcher, NULL, watcher, fr) == 0;
	return 0;
}

void
http_stop(void)
{
	struct front *fr = front;
	int i;

	if (fr == NULL)
		return;
	atomic_store(&fr->stop, 1);
	if (fr->watching)
		pthread_join(fr->watcher, NULL);
	uscan_stop();
	job_stop_all(fr);
	for (i = 0; i < fr->nports; i++)
		MHD_stop_daemon(fr->ports[i]->d);
	MHD_stop_daemon(fr->web);
	if (fr->running > 0)
		return;		/* a job stuck in a driver still reads FR */
	for (i = 0; i < fr->nports; i++) {
		pthread_mutex_destroy(&fr->ports[i]->caps_lock);
		free(fr->ports[i]);
	}
	front = NULL;
	free(fr);
}
