/*
 * The calendar feed: its secret URL (ngx_taskmgr_calendar.c) and the feed
 * itself (ngx_taskmgr_calendar_feed.c).
 */

#ifndef _NGX_TASKMGR_CALENDAR_H_INCLUDED_
#define _NGX_TASKMGR_CALENDAR_H_INCLUDED_


#include <openssl/sha.h>

#include "ngx_taskmgr.h"
#include "tm_user.h"


#define NGX_TASKMGR_CALFEED_PREFIX  "CALFEED_"
#define NGX_TASKMGR_CALFEED_BITS    256
#define NGX_TASKMGR_CALFEED_TOKEN   43      /* base64url of 32 bytes */
#define NGX_TASKMGR_CALFEED_HASH    (2 * SHA256_DIGEST_LENGTH)


/* the hex SHA-256 of a token into out (NGX_TASKMGR_CALFEED_HASH + 1) */
void ngx_taskmgr_calendar_hash(ngx_str_t *token, char *out);


#endif /* _NGX_TASKMGR_CALENDAR_H_INCLUDED_ */
