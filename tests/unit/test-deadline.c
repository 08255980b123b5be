/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common/deadline.c against a fake CLOCK_MONOTONIC: this program is linked
 * with -Wl,--wrap=clock_gettime, so deadline.c's calls land in
 * __wrap_clock_gettime() below and the test moves time by hand.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "deadline.h"

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __real_clock_gettime(clockid_t clk, struct timespec *ts);

/* The fake monotonic clock, in ms; starts far from 0 like a real one. */
static uint64_t fake_now_ms;
static unsigned monotonic_reads;

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk != CLOCK_MONOTONIC)
		return __real_clock_gettime(clk, ts);
	monotonic_reads++;
	ts->tv_sec = (time_t)(fake_now_ms / 1000);
	ts->tv_nsec = (long)(fake_now_ms % 1000) * 1000000 + 999999;
	return 0;
}

static uint64_t real_ms(void)
{
	struct timespec ts;

	assert_int_equal(__real_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	fake_now_ms = 1000000123;
	monotonic_reads = 0;
	return 0;
}

static void test_now_reads_monotonic(void **state)
{
	/* ns below a millisecond are dropped, not rounded */
	assert_int_equal(deadline_now_ms(), 1000000123);
	assert_true(monotonic_reads > 0);
	fake_now_ms += 1;
	assert_int_equal(deadline_now_ms(), 1000000124);
}

static void test_margin(void **state)
{
	/* a tenth */
	assert_int_equal(deadline_margin_ms(20000), 2000);
	assert_int_equal(deadline_margin_ms(40000), 4000);
	assert_int_equal(deadline_margin_ms(23456), 2345);
	/* at least 1500 ms: the runner's kill grace fits inside */
	assert_int_equal(deadline_margin_ms(4000), 1500);
	assert_int_equal(deadline_margin_ms(10000), 1500);
	assert_int_equal(deadline_margin_ms(5000), 1500);
	/* at most 5 s */
	assert_int_equal(deadline_margin_ms(50000), 5000);
	assert_int_equal(deadline_margin_ms(60000), 5000);
	assert_int_equal(deadline_margin_ms(3600000), 5000);
	/* never more than half: a short timeout keeps half for the work */
	assert_int_equal(deadline_margin_ms(999), 499);
	assert_int_equal(deadline_margin_ms(600), 300);
	assert_int_equal(deadline_margin_ms(1), 0);
	assert_int_equal(deadline_margin_ms(0), 0);
}

static void test_init_meta_timeout(void **state)
{
	struct deadline d;

	deadline_init(&d, "30000", 20000);
	assert_int_equal(d.timeout_ms, 30000);
	assert_int_equal(d.end_ms, 1000000123 + 30000 - 3000);
	assert_int_equal(deadline_left_ms(&d), 27000);
}

static void test_init_default(void **state)
{
	struct deadline d;

	deadline_init(&d, NULL, 20000);
	assert_int_equal(d.timeout_ms, 20000);
	assert_int_equal(deadline_left_ms(&d), 18000);
}

static void test_init_invalid_meta_timeout(void **state)
{
	static const char *const bad[] = { "", "0", "-5", "20s", "abc",
					   " 100", "1e4",
					   "99999999999999999999999" };
	struct deadline d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		deadline_init(&d, bad[i], 60000);
		assert_int_equal(d.timeout_ms, 60000);
		assert_int_equal(deadline_left_ms(&d), 55000);
	}
}

static void test_left_and_expired(void **state)
{
	struct deadline d;

	deadline_init(&d, "10000", 0);        /* margin 1500 ms */
	assert_int_equal(deadline_left_ms(&d), 8500);
	assert_false(deadline_expired(&d));
	fake_now_ms += 4000;
	assert_int_equal(deadline_left_ms(&d), 4500);
	assert_false(deadline_expired(&d));
	fake_now_ms += 4499;
	assert_int_equal(deadline_left_ms(&d), 1);
	assert_false(deadline_expired(&d));
	fake_now_ms += 1;
	assert_int_equal(deadline_left_ms(&d), 0);
	assert_true(deadline_expired(&d));
	/* long past: still 0, no wrap-around */
	fake_now_ms += 1000000;
	assert_int_equal(deadline_left_ms(&d), 0);
	assert_true(deadline_expired(&d));
}

static void test_sub_reserve(void **state)
{
	struct deadline d, s;

	deadline_init(&d, "20000", 0);        /* 18000 ms left */
	s = deadline_sub(&d, 5000);
	assert_int_equal(deadline_left_ms(&s), 13000);
	assert_int_equal(s.timeout_ms, d.timeout_ms);
	/* the parent deadline is untouched */
	assert_int_equal(deadline_left_ms(&d), 18000);

	fake_now_ms += 10000;
	assert_int_equal(deadline_left_ms(&s), 3000);
	assert_int_equal(deadline_left_ms(&d), 8000);

	/* the reserve no longer fits: nothing left for the step */
	s = deadline_sub(&d, 8000);
	assert_int_equal(deadline_left_ms(&s), 0);
	assert_true(deadline_expired(&s));
	s = deadline_sub(&d, 9000);
	assert_true(deadline_expired(&s));
	/* ...and once the clock moves on it stays expired */
	fake_now_ms += 100;
	assert_true(deadline_expired(&s));

	s = deadline_sub(&d, 0);
	assert_int_equal(deadline_left_ms(&s), 7900);
}

static void test_sleep_capped(void **state)
{
	struct deadline d;
	uint64_t t0;

	/* 50 ms left on the fake clock: a 3 s sleep must stop at 50 ms */
	deadline_init(&d, "10000", 0);
	fake_now_ms += 8500 - 50;
	t0 = real_ms();
	deadline_sleep(&d, 3000);
	assert_true(real_ms() - t0 < 2000);
	assert_true(real_ms() - t0 >= 40);

	/* expired: returns at once */
	fake_now_ms += 1000;
	t0 = real_ms();
	deadline_sleep(&d, 3000);
	assert_true(real_ms() - t0 < 1000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, NULL)
	const struct CMUnitTest tests[] = {
		T(test_now_reads_monotonic),
		T(test_margin),
		T(test_init_meta_timeout),
		T(test_init_default),
		T(test_init_invalid_meta_timeout),
		T(test_left_and_expired),
		T(test_sub_reserve),
		T(test_sleep_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
