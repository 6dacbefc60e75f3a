/*
 * SMS without SNS: one JSON line per message appended to the outbox file
 * (sms_outbox), under an exclusive lock.  A key already in the file is not
 * written again: a send repeated after a crash is exactly once here.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>

#include "sched.h"
#include "tm_time.h"


static int sched_smsfile_has(int fd, const char *key);


int
sched_smsfile_append(sched_t *s, const sched_msg_t *m, char *err,
    size_t errlen)
{
    int       fd, rc;
    char     *text, *line, at[32];
    size_t    len;
    ssize_t   n;
    json_t   *o;

    text = sched_text_sms(s->conf, m);
    tm_time_ms(sched_now_ms(s), at);

    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                  "key", m->key, "to", m->to, "text", text ? text : "",
                  "notification", m->notif_id, "type", m->type,
                  "task", m->task_id, "at", at);
    free(text);

    line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);

    if (line == NULL) {
        snprintf(err, errlen, "could not build the line");
        return SCHED_EFAIL;
    }

    fd = open(s->conf->sms_outbox, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
              0640);
    if (fd == -1) {
        snprintf(err, errlen, "%s: %s", s->conf->sms_outbox,
                 strerror(errno));
        free(line);
        return SCHED_EUNAVAIL;
    }

    rc = SCHED_OK;

    if (flock(fd, LOCK_EX) != 0) {
        snprintf(err, errlen, "lock %s: %s", s->conf->sms_outbox,
                 strerror(errno));
        rc = SCHED_EUNAVAIL;
        goto done;
    }

    if (sched_smsfile_has(fd, m->key)) {
        goto done;
    }

    len = strlen(line);
    line[len++] = '\n';                  /* over json_dumps's NUL */

    n = write(fd, line, len);
    if (n != (ssize_t) len) {
        snprintf(err, errlen, "write %s: %s", s->conf->sms_outbox,
                 n < 0 ? strerror(errno) : "short write");
        rc = SCHED_EUNAVAIL;

        /* a partial line would be half a message: cut it off */
        if (n > 0) {
            off_t  end = lseek(fd, 0, SEEK_END);

            if (end >= n && ftruncate(fd, end - n) != 0) {
                /* nothing better to do: the error is reported */
            }
        }

    } else if (fsync(fd) != 0) {
        snprintf(err, errlen, "fsync %s: %s", s->conf->sms_outbox,
                 strerror(errno));
        rc = SCHED_EUNAVAIL;
    }

done:

    close(fd);
    free(line);

    return rc;
}


/* 1 if a line of the file has "key":"<key>" */

static int
sched_smsfile_has(int fd, const char *key)
{
    int      dup_fd, found;
    FILE    *f;
    char    *line, needle[80];
    size_t   cap;

    snprintf(needle, sizeof(needle), "\"key\":\"%s\"", key);

    dup_fd = dup(fd);
    if (dup_fd == -1) {
        return 0;
    }

    f = fdopen(dup_fd, "r");
    if (f == NULL) {
        close(dup_fd);
        return 0;
    }

    rewind(f);
    line = NULL;
    cap = 0;
    found = 0;

    while (!found && getline(&line, &cap, f) != -1) {
        found = strstr(line, needle) != NULL;
    }

    free(line);
    fclose(f);

    return found;
}
