/*
 * status.c - the ScannerStatus document: the scanner's state and its
 * jobs, with the states and reasons clients act on (sane-airscan maps
 * Idle to ready and Processing or Testing to busy).
 */
#include <stdio.h>

#include "scsaned/escl.h"
#include "escl_int.h"

struct status {
	enum escl_state st;
	const struct escl_job *jobs;
	size_t n;
};

static const char *
job_state(enum escl_job_state s, const char **reason)
{
	switch (s) {
	case ESCL_JOB_PENDING: *reason = "JobQueued"; return "Pending";
	case ESCL_JOB_PROCESSING: *reason = "JobScanning"; return "Processing";
	case ESCL_JOB_COMPLETED: *reason = "JobCompletedSuccessfully"; return "Completed";
	case ESCL_JOB_CANCELED: *reason = "JobCanceledByUser"; return "Canceled";
	default: *reason = "ErrorsDetected"; return "Aborted";
	}
}

static int
job(xmlTextWriterPtr w, const struct escl_job *j)
{
	const char *reason, *state = job_state(j->state, &reason);

	return xw_open(w, "scan", "JobInfo") < 0 || xw_put(w, "pwg", "JobUri", j->uri) < 0 ||
	    xw_put(w, "pwg", "JobUuid", j->uuid) < 0 || xw_put_u(w, "scan", "Age", j->age_s) < 0 ||
	    xw_put_u(w, "pwg", "ImagesCompleted", j->images_completed) < 0 ||
	    xw_put_u(w, "pwg", "ImagesToTransfer", j->images_to_transfer) < 0 ||
	    xw_put(w, "pwg", "JobState", state) < 0 ||
	    xw_open(w, "pwg", "JobStateReasons") < 0 ||
	    xw_put(w, "pwg", "JobStateReason", reason) < 0 || xw_close(w) < 0 ||
	    xw_close(w) < 0 ? -1 : 0;
}

static int
body(xmlTextWriterPtr w, const void *arg)
{
	static const char *const states[] = { "Idle", "Processing", "Testing", "Stopped", "Down" };
	const struct status *s = arg;
	size_t i;

	if (xw_put(w, "pwg", "State", states[s->st]) < 0)
		return -1;
	if (s->n == 0)
		return 0;
	if (xw_open(w, "scan", "Jobs") < 0)
		return -1;
	for (i = 0; i < s->n; i++)
		if (job(w, &s->jobs[i]) < 0)
			return -1;
	return xw_close(w);
}

char *
escl_status_xml(enum escl_state st, const struct escl_job *jobs, size_t njobs,
    size_t *len, char *err, size_t errlen)
{
	struct status s = { st, jobs, njobs };
	size_t i;

	if ((unsigned)st > ESCL_DOWN) {
		snprintf(err, errlen, "ScannerStatus: no such state");
		return NULL;
	}
	for (i = 0; i < njobs; i++)
		if (jobs[i].uri == NULL || jobs[i].uuid == NULL) {
			snprintf(err, errlen, "ScannerStatus: a job without URI or UUID");
			return NULL;
		}
	return xw_document("ScannerStatus", body, &s, len, err, errlen);
}
