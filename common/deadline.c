/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <time.h>

#include "deadline.h"
#include "procfs.h"

uint64_t deadline_now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC: a wall-clock step must not move our deadline */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail here */
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t deadline_margin_ms(uint64_t timeout_ms)
{
	uint64_t m = timeout_ms / 10;

	if (m < DEADLINE_MARGIN_MIN_MS)
		m = DEADLINE_MARGIN_MIN_MS;
	if (m > 5000)
		m = 5000;
	if (m > timeout_ms / 2)
		m = timeout_ms / 2;
	return m;
}

void deadline_init(struct deadline *d, const char *meta_timeout,
		   uint64_t default_timeout_ms)
{
	uint64_t t;

	if (!meta_timeout || procfs_parse_u64(meta_timeout, &t) < 0 || t == 0)
		t = default_timeout_ms;
	d->timeout_ms = t;
	d->end_ms = deadline_now_ms() + t - deadline_margin_ms(t);
}

uint64_t deadline_left_ms(const struct deadline *d)
{
	uint64_t now = deadline_now_ms();

	return now >= d->end_ms ? 0 : d->end_ms - now;
}

int deadline_expired(const struct deadline *d)
{
	return deadline_left_ms(d) == 0;
}

struct deadline deadline_sub(const struct deadline *d, uint64_t reserve_ms)
{
	struct deadline s = *d;
	uint64_t now = deadline_now_ms();

	s.end_ms = d->end_ms > now + reserve_ms ? d->end_ms - reserve_ms : now;
	return s;
}

void deadline_sleep(const struct deadline *d, uint64_t ms)
{
	uint64_t left = deadline_left_ms(d);
	struct timespec ts;

	if (ms > left)
		ms = left;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
