/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: a process that keeps a filesystem busy in one way, then
 * says so on stdout and waits to be killed.
 *   holder cwd DIR | fd FILE | mmap FILE | exe  [--ignore-term]
 * "exe" is meant to be run from a copy of this program on the filesystem.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	int fd;

	if (argc < 2)
		return 2;
	if (argc > 2 && strcmp(argv[argc - 1], "--ignore-term") == 0)
		signal(SIGTERM, SIG_IGN);
	if (strcmp(argv[1], "cwd") == 0) {
		if (argc < 3 || chdir(argv[2]) < 0)
			return 1;
	} else if (strcmp(argv[1], "fd") == 0) {
		if (argc < 3 || open(argv[2], O_RDWR | O_CREAT, 0644) < 0)
			return 1;
	} else if (strcmp(argv[1], "mmap") == 0) {
		struct stat st;

		fd = argc < 3 ? -1 : open(argv[2], O_RDONLY);
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0 ||
		    mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd,
			 0) == MAP_FAILED)
			return 1;
		close(fd); /* only the mapping holds the file now */
	} else if (strcmp(argv[1], "exe") != 0) {
		return 2;
	}
	/* only the named way should hold the filesystem */
	if (strcmp(argv[1], "cwd") != 0 && chdir("/") < 0)
		return 1;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
