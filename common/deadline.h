/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One deadline per action. Pacemaker gives the operation timeout in
 * OCF_RESKEY_CRM_meta_timeout (ms) and kills our process group when it
 * expires; we aim to finish, and report why, a margin before that. All
 * times are CLOCK_MONOTONIC milliseconds, read through deadline_now_ms().
 */
#pragma once

#include <stdint.h>

struct deadline {
	uint64_t end_ms;        /* monotonic; when we must have answered */
	uint64_t timeout_ms;    /* the whole operation's timeout */
};

uint64_t deadline_now_ms(void);

/*
 * The least margin: room for the runner to TERM, then KILL, a helper that
 * outlives the deadline (up to RUN_KILL_GRACE_MS, 1 s) and still report.
 */
#define DEADLINE_MARGIN_MIN_MS 1500

/*
 * The margin kept before Pacemaker's own timeout: a tenth of it, at least
 * DEADLINE_MARGIN_MIN_MS and at most 5 s, never more than half of it.
 */
uint64_t deadline_margin_ms(uint64_t timeout_ms);

/*
 * From OCF_RESKEY_CRM_meta_timeout when it is a valid number of ms, else
 * from default_timeout_ms (an agent run by hand).
 */
void deadline_init(struct deadline *d, const char *meta_timeout,
		   uint64_t default_timeout_ms);

/* Milliseconds left (0 when past). */
uint64_t deadline_left_ms(const struct deadline *d);

/* true when no time is left. */
int deadline_expired(const struct deadline *d);

/*
 * A sub-deadline for one step that must leave `reserve_ms` of the action's
 * time for what follows (0 left when there is not that much).
 */
struct deadline deadline_sub(const struct deadline *d, uint64_t reserve_ms);

/* Sleeps min(ms, time left). No polling loops need finer sleeps. */
void deadline_sleep(const struct deadline *d, uint64_t ms);
