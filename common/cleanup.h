/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scope-bound cleanup, in the style of systemd's macro.h: a variable marked
 * _cleanup_free_ is freed when it goes out of scope. Hand ownership over
 * with TAKE_PTR()/TAKE_FD(); never free or close a cleanup variable by hand.
 * Destructors accept NULL and -1. We use this rather than GLib's g_autofree
 * so that agents do not link GLib (and pcre2) for forty lines of help.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd); /* nothing useful to do on a failed close */
}

static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares fn##p(type **) calling fn(type *) when non-NULL. */
#define DEFINE_CLEANUP(type, fn)                 \
	static inline void fn##p(type **p)       \
	{                                        \
		if (*p)                          \
			fn(*p);                  \
	}

#define TAKE_PTR(p)                                 \
	({                                          \
		__typeof__(p) _take_ = (p);         \
		(p) = NULL;                         \
		_take_;                             \
	})

#define TAKE_FD(fd)                      \
	({                               \
		int _take_ = (fd);       \
		(fd) = -1;               \
		_take_;                  \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
